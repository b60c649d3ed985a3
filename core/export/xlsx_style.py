"""How every table of an export looks: one header row in bold, frozen; a filter over the table;
column widths chosen per column; long text wrapped and aligned to the top.

Tables are written with openpyxl's write-only mode (rows stream to disk), so everything about the
layout must be decided before the first row: that is why a table is declared by its columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from yingzao.core.export.xlsx_text import has_forbidden, xml_safe

CELL_LIMIT = 32_767  # Excel's maximum characters (UTF-16 code units) in one cell
HEADER_STYLE = "Yingzao header"
WRAP_STYLE = "Yingzao long text"
_WRAP_FROM = 24  # characters: shorter text in a wrapping column stays on one line


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    wrap: bool = False  # long text in this column wraps, aligned to the top


def add_styles(workbook) -> None:
    """Register the two named styles (Excel shows them in its cell-style gallery)."""
    header = NamedStyle(name=HEADER_STYLE)
    header.font = Font(bold=True)
    header.fill = PatternFill("solid", start_color="FFE8EEF4")
    header.alignment = Alignment(wrap_text=True, vertical="top")
    header.border = Border(bottom=Side(style="thin", color="FF7F8C99"))
    workbook.add_named_style(header)
    wrap = NamedStyle(name=WRAP_STYLE)
    wrap.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.add_named_style(wrap)


def clean_text(text: str) -> str:
    """Text as a cell can hold it: control characters Excel refuses (pasted from Word) removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", text) if ILLEGAL_CHARACTERS_RE.search(text) else text


def utf16_len(text: str) -> int:
    if len(text) * 2 <= CELL_LIMIT:
        return len(text)  # fast path: even all-astral text would fit
    return len(text.encode("utf-16-le")) // 2


def split_cell(text: str, limit: int = CELL_LIMIT) -> list[str]:
    """Cut text into pieces that each fit one cell, never inside a character."""
    if utf16_len(text) <= limit:
        return [text]
    pieces: list[str] = []
    start, units = 0, 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > limit:
            pieces.append(text[start:index])
            start, units = index, 0
        units += width
    pieces.append(text[start:])
    return pieces


class Table:
    """One table filling a write-only sheet from A1: header, frozen panes, filter, widths."""

    def __init__(
        self, sheet, columns: Sequence[Column], *, freeze_columns: int = 1, too_long: Callable[[str], str] | None = None
    ) -> None:
        """`too_long` fits a text past the cell limit into one cell, saying so in the cell; the sheets
        that can hold such texts (answers, the framework matrix) continue them in more columns first."""
        self.sheet = sheet
        self._too_long = too_long or _refuse
        self.columns = list(columns)
        self.rows = 0
        self._wrap = frozenset(i for i, c in enumerate(self.columns) if c.wrap)
        self._wrap_columns = sorted(self._wrap)
        # the wrapping style's ids, looked up once: a cell made with them skips openpyxl's search of
        # the named styles (by name, through a list of them) that setting `cell.style` costs each time
        probe = WriteOnlyCell(sheet)
        probe.style = WRAP_STYLE
        self._wrap_style = probe._style
        # one wrapping cell per column, given each row's text in turn: a write-only sheet writes a row
        # out within `append`, and keeps none of its cells (making a styled cell for each long text
        # cost a few microseconds apiece, over half a million times in a large export)
        self._wrap_cells = {
            index: Cell(sheet, row=1, column=index + 1, style_array=self._wrap_style) for index in self._wrap
        }
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}2"
        header = []
        for column in self.columns:
            cell = _text_cell(sheet, xml_safe(column.header))
            cell.style = HEADER_STYLE
            header.append(cell)
        sheet.append(header)

    def add(self, values: Sequence[object]) -> None:
        """Append one row. A row's texts are checked together (one scan of them joined) for what
        needs a cell of its own: a character XML 1.0 forbids, a text past the cell limit, one that
        begins with '=' or '#'; most rows have none, and only their long texts in wrapping columns
        become styled cells. A row that has one goes cell by cell (`_add_cell_by_cell`)."""
        row = list(values)
        texts = [value for value in row if type(value) is str]
        if texts:
            joined = "".join(texts)
            if "=" in joined or "#" in joined or len(joined) * 2 > CELL_LIMIT or has_forbidden(joined):
                self._add_cell_by_cell(row)
                return
            if "" in texts:  # an empty string would still be written as a cell
                row = [None if type(value) is str and not value else value for value in row]
            cells, width = self._wrap_cells, len(row)
            for index in self._wrap_columns:
                if index >= width:
                    break
                value = row[index]
                if type(value) is str and (len(value) > _WRAP_FROM or "\n" in value):
                    cell = cells[index]
                    cell.value = value
                    row[index] = cell
        self.sheet.append(row)
        self.rows += 1

    def _add_cell_by_cell(self, row: list[object]) -> None:
        sheet, wrap = self.sheet, self._wrap
        for index, value in enumerate(row):
            if type(value) is not str:
                continue
            if not value:  # an empty string would still be written as a cell
                row[index] = None
                continue
            # every text passes here, whatever sheet it is on: a character XML 1.0 forbids
            # (U+FFFE in an answer, say) would make the whole workbook unreadable
            row[index] = value = xml_safe(value)
            if len(value) * 2 > CELL_LIMIT and utf16_len(value) > CELL_LIMIT:
                row[index] = value = self._too_long(value)
            if value[0] in "=#":  # '=1+1' or '#N/A' typed as an answer is text, never a formula or an error
                cell = _text_cell(sheet, value)
                if index in wrap:
                    cell.style = WRAP_STYLE
                row[index] = cell
            elif index in wrap and (len(value) > _WRAP_FROM or "\n" in value):
                row[index] = Cell(sheet, row=1, column=1, value=value, style_array=self._wrap_style)
        sheet.append(row)
        self.rows += 1

    def close(self) -> None:
        """The filter covers the header and every row written (a header alone when there is no data)."""
        last = get_column_letter(max(1, len(self.columns)))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    """A cell that holds `text` as a string, whatever it looks like. openpyxl decides the type when the
    value is set ('=…' becomes a formula, '#N/A' an error); setting it back to 's' afterwards is what
    its write-only writer honours (the text is stored verbatim: no apostrophe is added to an answer)."""
    cell = WriteOnlyCell(sheet, text)
    if text[:1] == "=" or text in ERROR_CODES:
        cell.data_type = "s"
    return cell


def _refuse(text: str) -> str:
    raise ValueError(f"a cell of {utf16_len(text)} characters passes Excel's limit of {CELL_LIMIT}")
