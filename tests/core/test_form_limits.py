"""Workbooks are read by their actual cells within sane limits, and refused beyond them at the place
to fix (issue 10, point 4): a 2 KB file with a cell at XFD1048576 must not hang check-form."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from yingzao.core.errors import FormError
from yingzao.core.forms import xlsform
from yingzao.core.forms.loader import load_protocol, load_protocol_bytes

from tests.forms import write_xlsform

# these tests read the problems as a form author using the English interface does
pytestmark = pytest.mark.usefixtures("english_errors")

FORM = """
| survey |
| | type | name | label |
| | text | q1   | 问题一 |
| | text | q2   | 问题二 |
| settings |
| | form_id | version |
| | limits | 1 |
"""


def problems(path) -> list[str]:
    with pytest.raises(FormError) as refused:
        load_protocol(path)
    return [str(p) for p in refused.value.problems]


@pytest.mark.parametrize("sheet", ["not_asked", "notes"])
def test_a_tiny_workbook_with_a_cell_at_xfd1048576_is_refused_at_once(tmp_path, sheet):
    path = write_xlsform(tmp_path / "far.xlsx", FORM)
    book = openpyxl.load_workbook(path)
    extra = book.create_sheet(sheet)
    extra["A1"] = "code"
    extra["XFD1048576"] = "x"
    book.save(path)
    assert path.stat().st_size < 10_000
    assert problems(path) == [
        f"{path}:{sheet}:1048576: the sheet goes on beyond row 20,000, more than a form can "
        "have; delete the rows below the form (select them, right-click, Delete) and save again."
    ]


def test_a_survey_longer_than_20000_rows_is_refused_at_the_first_row_beyond(tmp_path):
    path = tmp_path / "long.xlsx"
    book = openpyxl.Workbook(write_only=True)
    survey = book.create_sheet("survey")
    survey.append(["type", "name", "label"])
    for number in range(1, xlsform.MAX_ROWS + 1):
        survey.append(["text", f"q{number}", "问题"])
    book.save(path)
    found = problems(path)
    assert len(found) == 1 and found[0].startswith(f"{path}:survey:20001: the sheet goes on beyond row 20,000")


def test_content_beyond_column_200_is_refused_with_its_column(tmp_path):
    path = write_xlsform(tmp_path / "wide.xlsx", FORM)
    book = openpyxl.load_workbook(path)
    book["survey"]["GS3"] = "far right"
    book.save(path)
    assert problems(path) == [
        f"{path}:survey:3: this row has content in column GS, beyond column GR: more than a "
        "form can have; delete the columns right of the form and save again."
    ]


def test_a_sheet_that_declares_the_whole_grid_is_read_by_its_actual_cells(tmp_path):
    path = write_xlsform(
        tmp_path / "declared.xlsx",
        FORM
        + """
| not_asked |
| | code | reason |
| | FAC.AUTONOMY | 此角色不了解 |
""",
    )
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    for name, data in members.items():
        if name.startswith("xl/worksheets/"):
            members[name] = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', data)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert openpyxl.load_workbook(path, read_only=True)["not_asked"].max_column == 16384
    protocol = load_protocol(path)
    assert protocol.not_asked == {"FAC.AUTONOMY": {"default": "此角色不了解"}}
    assert [q.name for q in protocol.questions] == ["q1", "q2"]


def test_formatted_empty_cells_far_right_are_not_content(tmp_path):
    path = write_xlsform(tmp_path / "styled.xlsx", FORM)
    book = openpyxl.load_workbook(path)
    for column in range(300, 3000):
        book["survey"].cell(2, column).number_format = "@"  # a formatted, empty cell, as Excel leaves them
    book.save(path)
    assert [q.name for q in load_protocol(path).questions] == ["q1", "q2"]


def test_a_file_larger_than_any_form_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = write_xlsform(tmp_path / "big.xlsx", FORM)
    monkeypatch.setattr(xlsform, "MAX_FILE_BYTES", 100)
    assert len(problems(path)) == 1 and "larger than a form can be" in problems(path)[0]


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused(tmp_path, monkeypatch):
    path = write_xlsform(tmp_path / "bomb.xlsx", FORM)
    monkeypatch.setattr(xlsform, "MAX_UNPACKED_BYTES", 1000)
    assert "larger than a form can be" in problems(path)[0]


def test_a_workbook_from_bytes_is_the_same_protocol_as_from_its_file(tmp_path):
    path = write_xlsform(tmp_path / "same.xlsx", FORM)
    assert load_protocol_bytes(path.read_bytes(), "same.xlsx") == load_protocol(path)


def test_the_library_reports_a_file_larger_than_any_form_without_reading_it(tmp_path, monkeypatch):
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store

    path = write_xlsform(tmp_path / "big.xlsx", FORM)
    monkeypatch.setattr(xlsform, "MAX_FILE_BYTES", 100)
    with Store(tmp_path / "study.db") as store:
        library = load_library(store, [path])
    assert library.protocols == [] and "larger than a form can be" in str(library.problems[0].problems[0])
