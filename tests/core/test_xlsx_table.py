"""A table of an export: its rows are checked a row at a time, and what they write must be what
checking each cell would write: the same values, types and styles, read back from a real .xlsx."""

from __future__ import annotations

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from yingzao.core.export.xlsx_style import CELL_LIMIT, WRAP_STYLE, Column, Table, add_styles

COLUMNS = [Column("短", 10), Column("长文本", 40, wrap=True), Column("数", 8), Column("备注", 30, wrap=True)]
LONG = "居民议事会每月开一次会，讨论社区的公共事务，大家轮流发言"  # past the wrapping threshold


def _written(tmp_path, rows: list[list[object]], *, cell_by_cell: bool = False) -> list[list[tuple]]:
    """(value, data type, style name) of every cell under the header, read back."""
    book = openpyxl.Workbook(write_only=True)
    add_styles(book)
    sheet = book.create_sheet("表")
    table = Table(sheet, COLUMNS, too_long=lambda text: text[:100] + "（截断）")
    for row in rows:
        if cell_by_cell:
            table._add_cell_by_cell(list(row))
            continue
        table.add(row)
    table.close()
    path = tmp_path / ("one_by_one.xlsx" if cell_by_cell else "rows.xlsx")
    book.save(path)
    read = openpyxl.load_workbook(path).active
    return [[(c.value, c.data_type, c.style) for c in line] for line in read.iter_rows(min_row=2)]


def test_long_text_wraps_only_in_wrapping_columns_and_empty_text_writes_no_cell(tmp_path):
    rows = _written(tmp_path, [["短文本", LONG, 3, ""], [LONG, "短", None, "一行\n两行"]])
    assert rows[0] == [("短文本", "s", "Normal"), (LONG, "s", WRAP_STYLE), (3, "n", "Normal"), (None, "n", "Normal")]
    assert rows[1][0] == (LONG, "s", "Normal")  # not a wrapping column
    assert rows[1][1] == ("短", "s", "Normal")  # short: stays on one line
    assert rows[1][3] == ("一行\n两行", "s", WRAP_STYLE)  # a line break wraps whatever the length


def test_a_row_with_one_hostile_text_keeps_the_others_as_they_would_be(tmp_path):
    rows = _written(tmp_path, [["=1+1", LONG, 1, "#N/A"], ["坏\x00字", LONG + "\ufffe", 2, "x" * (CELL_LIMIT + 5)]])
    assert rows[0][0] == ("=1+1", "s", "Normal")  # text, never a formula
    assert rows[0][1] == (LONG, "s", WRAP_STYLE)
    assert rows[0][3] == ("#N/A", "s", WRAP_STYLE)  # text, never an error, styled in its wrapping column
    assert rows[1][0][0] == "坏\ufffd字" and rows[1][1][0] == LONG + "\ufffd"
    assert rows[1][3][0] == "x" * 100 + "（截断）"


_texts = st.one_of(
    st.sampled_from(["", "=", "=A1", "#N/A", "#", "短", LONG, "一行\n两行", "a\x0bb", "\ufffe", "x" * 30]),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=40),
)
_values = st.one_of(_texts, st.none(), st.integers(-5, 5))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.lists(_values, min_size=0, max_size=4), min_size=1, max_size=6))
def test_rows_checked_at_once_write_what_cells_checked_one_by_one_write(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("t")
    assert _written(folder, rows) == _written(folder, rows, cell_by_cell=True)
