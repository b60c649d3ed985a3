"""Text cells stay text and every workbook written with them opens again."""

from __future__ import annotations

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from yingzao.core.export.xlsx_text import cell_text, xml_safe


def test_forbidden_characters_are_replaced_and_allowed_whitespace_kept():
    assert xml_safe("a\x00b\x0bc\x1f\ufffe\uffff\ud800") == "a\ufffdb\ufffdc\ufffd\ufffd\ufffd\ufffd"
    assert xml_safe("tab\tline\ncr\r 中文 \U0001f600") == "tab\tline\ncr\r 中文 \U0001f600"


def test_formula_and_error_code_text_is_stored_as_text(tmp_path):
    hostile = ['=HYPERLINK("http://x","click")', "#N/A", "=", "+1", "plain"]
    book = openpyxl.Workbook()
    book.active.append([cell_text(v) for v in hostile])
    book.save(tmp_path / "t.xlsx")
    row = next(openpyxl.load_workbook(tmp_path / "t.xlsx").active.iter_rows())
    assert [c.data_type for c in row] == ["s"] * len(hostile)
    assert [c.value for c in row] == ['\'=HYPERLINK("http://x","click")', "'#N/A", "=", "+1", "plain"]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=30))
def test_any_text_makes_a_workbook_that_opens_again(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("x") / "t.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = cell_text(text)
    book.save(path)
    cell = openpyxl.load_workbook(path).active["A1"]
    written = cell_text(text)
    assert cell.value == (written or None) or cell.value == written.replace("\r", "\n")
    assert cell.data_type in ("s", "n", "inlineStr")  # never "f" (formula) or "e" (error)
