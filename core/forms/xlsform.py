"""The one module that touches pyxform: read a workbook into plain rows, and ask pyxform for its verdict.

pyxform is the reference XLSForm implementation; reading with it means Yingzao accepts exactly the
spellings ODK and Kobo accept. It costs ~0.3 s to import, so it is imported here, lazily, and only
when a workbook actually has to be parsed (parsed protocols are cached in the store by hash).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yingzao.core.errors import Problem, Text, cannot_read

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
    data: bytes = b""  # the file's bytes, read once: its hash names the protocol


# A protocol workbook is a few hundred rows. Beyond these limits a file is not a form but an accident
# or an attack (cells at A1 and XFD1048576 make readers pad 17 billion cells; a million-row survey
# took minutes and gigabytes), so it is refused at the first place past them, before pyxform reads it.
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_CELLS_IN_ROW = 16_384  # Excel's own width: formatted empty cells far right are common (ODK's examples)
MAX_FILE_BYTES = 16 << 20
MAX_UNPACKED_BYTES = 32 << 20  # every part of an .xlsx together, unpacked

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_DATA, _ROW, _CELL = f"{_MAIN}sheetData", f"{_MAIN}row", f"{_MAIN}c"
_VALUE, _INLINE = f"{_MAIN}v", f"{_MAIN}is"
_REFERENCE = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def read_workbook(path: Path, data: bytes | None = None) -> Workbook | Problem:
    """Read every sheet of an XLSForm workbook, or say why the file cannot be read. `data` is the
    file's content when it does not come from disk (a workbook carried in a package); `path` then
    only names it."""
    path = Path(path)
    kind = EXCEL_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        what = path.suffix or path.name
        return Problem(
            str(path),
            "",
            None,
            Text(
                f"“{what}”不是 Excel 工作簿；请把表单另存为 .xlsx。",
                f"'{what}' is not an Excel workbook; save the form as .xlsx.",
            ),
        )
    if data is None:
        if not path.is_file():
            return Problem(str(path), "", None, Text("找不到文件；请检查路径。", "file not found; check the path."))
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return too_big(path)
            data = path.read_bytes()
        except OSError as error:
            return Problem(str(path), "", None, cannot_read(error))
    if len(data) > MAX_FILE_BYTES:
        return too_big(path)
    if kind == ".xls":
        extra: dict[str, Sheet] | Problem = {}
    else:
        extra = _scan_xlsx(path, data)
        if isinstance(extra, Problem):
            return extra
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        definition = get_xlsform(io.BytesIO(data), file_type=kind)
    except (PyXFormError, OSError, ValueError, KeyError) as error:
        return Problem(
            str(path),
            "",
            None,
            Text(
                f"无法作为 Excel 工作簿读取（{error}）；请在 Excel 中打开它，再另存为 .xlsx。",
                f"cannot be read as an Excel workbook ({error}); open it in Excel and save it again as .xlsx.",
            ),
        )
    except Exception as error:  # noqa: BLE001 - a damaged zip can raise almost anything from the xml layer
        return Problem(str(path), "", None, _damaged(error))
    book = Workbook(path=path, sheet_names=list(definition.sheet_names or []), definition=definition, data=data)
    for name in ("survey", "choices", "settings"):
        rows = getattr(definition, name)
        header = getattr(definition, f"{name}_header")
        if rows is not None:
            if len(rows) > MAX_ROWS:  # an .xls: not scanned above
                return _too_long(path, name, MAX_ROWS + 1)
            headers = list(header[0].keys()) if header else []
            book.sheets[name] = Sheet(name, headers, list(rows))
    if kind == ".xls":
        extra = _xls_extra_sheets(path, data, book.sheet_names)
        if isinstance(extra, Problem):
            return extra
    assert not isinstance(extra, Problem)  # returned above
    sheets = extra
    for original in book.sheet_names:
        if original.lower() not in book.sheets and original.lower() not in ("survey", "choices", "settings"):
            book.sheets[original.lower()] = sheets.get(original, Sheet(original.lower(), [], []))
    return book


def _damaged(error: Exception) -> Text:
    why = f"{type(error).__name__}: {error}"
    return Text(
        f"无法作为 Excel 工作簿读取（{why}）；文件可能已损坏。",
        f"cannot be read as an Excel workbook ({why}); it may be damaged.",
    )


def too_big(path: Path) -> Problem:
    most, unpacked = MAX_FILE_BYTES >> 20, MAX_UNPACKED_BYTES >> 20
    return Problem(
        str(path),
        "",
        None,
        Text(
            f"文件比任何表单都大（最多 {most} MB，解压后 {unpacked} MB）；是选对了文件吗？",
            f"the file is larger than a form can be (at most {most} MB, {unpacked} MB unpacked); is it the right file?",
        ),
    )


def _too_long(path: Path, sheet: str, row: int) -> Problem:
    return Problem(
        str(path),
        sheet,
        row,
        Text(
            f"工作表超过了第 {MAX_ROWS:,} 行，比任何表单都长；请删除表单下方的行（选中它们，右键，删除）后再保存。",
            f"the sheet goes on beyond row {MAX_ROWS:,}, more than a form can have; "
            "delete the rows below the form (select them, right-click, Delete) and save again.",
        ),
    )


def _too_wide(path: Path, sheet: str, row: int, column: int) -> Problem:
    here, last = _letters(column), _letters(MAX_COLUMNS)
    return Problem(
        str(path),
        sheet,
        row,
        Text(
            f"这一行在 {here} 列有内容，超出了 {last} 列，比任何表单都宽；请删除表单右侧的列后再保存。",
            f"this row has content in column {here}, beyond column {last}: more than a form can have; "
            "delete the columns right of the form and save again.",
        ),
    )


def _letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _scan_xlsx(path: Path, data: bytes) -> dict[str, Sheet] | Problem:
    """Check every sheet against the limits by its actual cells, streaming its XML (a sheet's
    declared dimension and openpyxl's padding to it are never used), then read the sheets pyxform
    does not (our `not_asked`, or a stray one to report) within the extent actually used."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            return too_big(path)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - a damaged zip can raise almost anything from the xml layer
        return Problem(str(path), "", None, _damaged(error))
    try:
        extents: dict[str, tuple[int, int]] = {}
        for sheet in workbook.worksheets:
            try:
                with sheet._get_source() as source:  # read-only sheets expose no public stream
                    extent = _extent(path, sheet.title, source)
            except (ET.ParseError, KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError) as error:
                return Problem(
                    str(path),
                    sheet.title,
                    None,
                    Text(
                        f"无法读取这个工作表（{type(error).__name__}）；它可能已损坏。",
                        f"the sheet cannot be read ({type(error).__name__}); it may be damaged.",
                    ),
                )
            if isinstance(extent, Problem):
                return extent
            extents[sheet.title] = extent
        extra: dict[str, Sheet] = {}
        for sheet in workbook.worksheets:
            if sheet.title.lower() in ("survey", "choices", "settings"):
                continue
            rows, columns = extents[sheet.title]
            values = (
                list(sheet.iter_rows(min_row=1, max_row=max(rows, 1), max_col=max(columns, 1), values_only=True))
                if rows
                else []
            )
            extra[sheet.title] = _sheet(sheet.title, values)
        return extra
    except Exception as error:  # noqa: BLE001 - as above: anything a damaged sheet raises
        return Problem(str(path), "", None, _damaged(error))
    finally:
        workbook.close()


def _extent(path: Path, title: str, source) -> tuple[int, int] | Problem:
    """(last row, last column) holding a value, or the Problem at the first place past the limits.
    Each cell is dropped once seen, so memory stays flat whatever the XML holds."""
    row = column = cells = rows_seen = last_row = last_column = 0
    sheet_data = current_row = None
    for event, element in ET.iterparse(source, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _ROW:
                rows_seen += 1
                number = element.get("r", "")
                row = int(number) if number.isdigit() and len(number) < 8 else row + 1
                column = cells = 0
                current_row = element
                if rows_seen > 2 * MAX_ROWS or row > 2 * MAX_ROWS:  # formatted but empty rows, far on
                    return _too_long(path, title, row)
            elif tag == _SHEET_DATA:
                sheet_data = element
            continue
        if tag == _CELL:
            cells += 1
            match = _REFERENCE.match(element.get("r", ""))
            column = _column_number(match.group(1)) if match else column + 1
            value = element.find(_VALUE)
            if (value is not None and value.text) or element.find(_INLINE) is not None:
                if row > MAX_ROWS:
                    return _too_long(path, title, row)
                if column > MAX_COLUMNS:
                    return _too_wide(path, title, row, column)
                last_row, last_column = max(last_row, row), max(last_column, column)
            if cells > MAX_CELLS_IN_ROW:
                return _too_wide(path, title, row, column)
            if current_row is not None:
                current_row.clear()  # this cell is done with; keep no tree of the sheet
        elif tag == _ROW and sheet_data is not None:
            sheet_data.clear()
    return last_row, last_column


def _sheet(name: str, values: list[tuple]) -> Sheet:
    if not values:
        return Sheet(name.lower(), [], [])
    headers = [str(cell).strip() if cell is not None else "" for cell in values[0]]
    rows = []
    for raw in values[1:]:
        row = {h: str(v).strip() for h, v in zip(headers, raw) if h and v is not None and str(v).strip()}
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return Sheet(name.lower(), [h for h in headers if h], rows)


def _xls_extra_sheets(path: Path, data: bytes, names: list[str]) -> dict[str, Sheet] | Problem:
    """The sheets pyxform skips, from an old .xls (read whole by xlrd: the format has at most 65,536
    rows and 256 columns, and the file size is capped above)."""
    wanted = [n for n in names if n.lower() not in ("survey", "choices", "settings")]
    if not wanted:
        return {}
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        try:
            extra = {}
            for name in wanted:
                sheet = book.sheet_by_name(name)
                if sheet.nrows > MAX_ROWS:
                    return _too_long(path, name, MAX_ROWS + 1)
                if sheet.ncols > MAX_COLUMNS:
                    return _too_wide(path, name, 1, sheet.ncols)
                extra[name] = _sheet(
                    name, [tuple(v if v != "" else None for v in sheet.row_values(i)) for i in range(sheet.nrows)]
                )
            return extra
        finally:
            book.release_resources()
    except Exception as error:  # noqa: BLE001 - xlrd raises its own errors and more on damaged files
        return Problem(str(path), "", None, _damaged(error))


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
        # pyxform speaks English only: its words are quoted as they are
        return Problem(str(book.path), sheet, row, Text(f"pyxform 报告：{message}", f"pyxform: {message}"))
