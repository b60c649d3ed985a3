"""The one module that touches pyxform: read a workbook into plain rows, and ask pyxform for its verdict.

pyxform is the reference XLSForm implementation; reading with it means Yingzao accepts exactly the
spellings ODK and Kobo accept. It costs ~0.3 s to import, so it is imported here, lazily, and only
when a workbook actually has to be parsed (parsed protocols are cached in the store by hash).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import Problem

EXCEL_SUFFIXES = {".xlsx": ".xlsx", ".xlsm": ".xlsm", ".xls": ".xls"}
_ROW_IN_MESSAGE = re.compile(r"\[row\s*:\s*(\d+)\]", re.IGNORECASE)


@dataclass
class Sheet:
    """A sheet as written: its original headers and one dict per row (index + 2 = Excel row)."""

    name: str
    headers: list[str]
    rows: list[dict[str, str]]

    def numbered_rows(self) -> list[tuple[int, dict[str, str]]]:
        return [(index + 2, row) for index, row in enumerate(self.rows) if row]


@dataclass
class Workbook:
    path: Path
    sheet_names: list[str]
    sheets: dict[str, Sheet] = field(default_factory=dict)
    definition: Any = None  # pyxform's DefinitionData, kept for to_json()


def read_workbook(path: Path) -> Workbook | Problem:
    """Read every sheet of an XLSForm workbook, or say why the file cannot be read."""
    kind = EXCEL_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        return Problem(str(path), "", None, f"'{path.suffix or path.name}' is not an Excel workbook; save the form as .xlsx.")
    if not path.is_file():
        return Problem(str(path), "", None, "file not found; check the path.")
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        definition = get_xlsform(path, file_type=kind)
    except (PyXFormError, OSError, ValueError, KeyError) as error:
        return Problem(str(path), "", None, f"cannot be read as an Excel workbook ({error}); open it in Excel and save it again as .xlsx.")
    except Exception as error:  # a damaged zip can raise almost anything from the xml layer
        return Problem(str(path), "", None, f"cannot be read as an Excel workbook ({type(error).__name__}: {error}); it may be damaged.")
    book = Workbook(path=path, sheet_names=list(definition.sheet_names or []), definition=definition)
    for name in ("survey", "choices", "settings"):
        rows = getattr(definition, name)
        header = getattr(definition, f"{name}_header")
        if rows is not None:
            headers = list(header[0].keys()) if header else []
            book.sheets[name] = Sheet(name, headers, list(rows))
    for original in book.sheet_names:
        if original.lower() not in book.sheets and original.lower() not in ("survey", "choices", "settings"):
            book.sheets[original.lower()] = _read_extra_sheet(path, original)
    return book


def _read_extra_sheet(path: Path, sheet_name: str) -> Sheet:
    """Sheets pyxform does not know (our `not_asked`, or a stray one we must report)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        values = list(workbook[sheet_name].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not values:
        return Sheet(sheet_name.lower(), [], [])
    headers = [str(cell).strip() if cell is not None else "" for cell in values[0]]
    rows = []
    for raw in values[1:]:
        row = {h: str(v).strip() for h, v in zip(headers, raw) if h and v is not None and str(v).strip()}
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return Sheet(sheet_name.lower(), [h for h in headers if h], rows)


def to_json(book: Workbook) -> dict[str, Any] | Problem:
    """pyxform's own reading of the form: the nested survey dict, or its first complaint."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json

    try:
        return workbook_to_json(book.definition, fallback_form_name=book.path.stem, warnings=[])
    except PyXFormError as error:
        message = str(error)
        match = _ROW_IN_MESSAGE.search(message)
        row = int(match.group(1)) if match else None
        sheet = "choices" if "choices" in message.lower() and "sheet" in message.lower() else "survey"
        return Problem(str(book.path), sheet, row, f"pyxform: {message}")
