"""Choices from a CSV beside the workbook (select_one_from_file), copied into the protocol version.

ODK sends such a CSV to each phone beside the form. Yingzao instead copies it into the workbook's own
zip (an .xlsx is a zip; Excel, openpyxl and pyxform ignore a part nobody refers to), so the bytes that
name a protocol version by their hash hold the choices too: a package or a project file carries them,
and the master never needs the CSV. Reading the same bundled workbook again finds the CSV inside.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from yingzao.core.errors import Text
from yingzao.core.forms.protocol import Choice, Labels, language_code

MEMBER_PREFIX = "yingzao/choice-files/"
MAX_CSV_BYTES = 8 << 20
MAX_CSV_ROWS = 20_000
_FILE_NAME = re.compile(r"^[^/\\:*?\"<>|]+\.csv$", re.IGNORECASE)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same CSV bundles into the same bytes, so the same hash


def is_csv_name(name: str) -> bool:
    return bool(_FILE_NAME.match(name))


def carried(data: bytes) -> dict[str, bytes]:
    """The choice files a bundled workbook already holds, by file name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {
                info.filename[len(MEMBER_PREFIX) :]: archive.read(info)
                for info in archive.infolist()
                if info.filename.startswith(MEMBER_PREFIX) and info.file_size <= MAX_CSV_BYTES
            }
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return {}  # an .xls, or damage the workbook reader reports on its own


def bundle(data: bytes, files: dict[str, bytes]) -> bytes | None:
    """The workbook's bytes with these CSVs added as parts of its zip (nothing else changes); None
    for an old .xls workbook, which is no zip and cannot carry them."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return None
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        present = set(archive.namelist())
        for name in sorted(files):
            member = MEMBER_PREFIX + name
            if member not in present:
                archive.writestr(zipfile.ZipInfo(member, _FIXED_TIME), files[name], zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@dataclass
class CsvChoices:
    choices: list[Choice] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)  # the choice columns a choice_filter may name
    problems: list[tuple[int | None, Text]] = field(default_factory=list)  # (CSV row, what is wrong)


def read_choices(data: bytes, default_lang: str, value: str = "name", label: str = "label") -> CsvChoices:
    """The choices of one CSV: `value` and `label` name its columns (the `parameters` of the question
    may rename them, as in ODK); every other column is kept for choice_filter."""
    result = CsvChoices()
    if len(data) > MAX_CSV_BYTES:
        result.problems.append(
            (None, Text(f"文件超过 {MAX_CSV_BYTES >> 20} MB", f"larger than {MAX_CSV_BYTES >> 20} MB"))
        )
        return result
    text = _decode(data)
    if text is None:
        result.problems.append(
            (
                None,
                Text(
                    "不是 UTF-8 或 GBK 编码的文本；请另存为“CSV UTF-8”", "not UTF-8 or GBK text; save it as 'CSV UTF-8'"
                ),
            )
        )
        return result
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        result.problems.append((None, Text(f"无法作为 CSV 读取（{error}）", f"cannot be read as CSV ({error})")))
        return result
    if not rows or not any(cell.strip() for cell in rows[0]):
        result.problems.append((1, Text("没有标题行", "there is no header row")))
        return result
    if len(rows) > MAX_CSV_ROWS + 1:
        result.problems.append(
            (MAX_CSV_ROWS + 2, Text(f"超过 {MAX_CSV_ROWS:,} 个选项", f"more than {MAX_CSV_ROWS:,} choices"))
        )
        return result
    headers = [cell.strip() for cell in rows[0]]
    lowered = [h.split("::")[0].strip().lower() for h in headers]
    if value.lower() not in lowered:
        result.problems.append(
            (1, Text(f"缺少“{value}”列（选项的取值）", f"there is no '{value}' column (the choice values)"))
        )
    if label.lower() not in lowered:
        result.problems.append(
            (1, Text(f"缺少“{label}”列（选项的标签）", f"there is no '{label}' column (the choice labels)"))
        )
    if result.problems:
        return result
    result.columns = {h for h in lowered if h and h not in (value.lower(), label.lower())} | {"name", "label"}
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(headers, (c.strip() for c in row), strict=False))
        name, labels, filters = "", Labels(), {}
        for header, low in zip(headers, lowered, strict=True):
            cell = cells.get(header, "")
            if low == value.lower():
                name = cell
            elif low == label.lower():
                suffix = header.split("::", 1)[1].strip() if "::" in header else ""
                if cell:
                    labels[language_code(suffix) if suffix else default_lang] = cell
            elif low and cell:
                filters[low] = cell
        if not name:
            result.problems.append((number, Text(f"“{value}”是空的", f"the '{value}' cell is empty")))
            continue
        if name in seen:
            result.problems.append(
                (
                    number,
                    Text(
                        f"取值“{name}”已在第 {seen[name]} 行出现", f"value '{name}' already appears on row {seen[name]}"
                    ),
                )
            )
            continue
        seen[name] = number
        if not labels:
            result.problems.append((number, Text(f"选项“{name}”没有标签", f"choice '{name}' has no label")))
            continue
        result.choices.append(Choice(name, labels, (), filters))
    if not result.choices and not result.problems:
        result.problems.append((2, Text("没有任何选项", "it holds no choices")))
    return result


def _decode(data: bytes) -> str | None:
    # Excel on a Chinese Windows saves "CSV" in GBK; "CSV UTF-8" carries a BOM
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
