"""Fuzzing protocol workbooks: small generated workbooks with random sheets, cells, types and far-away
positions, and valid workbooks with flipped bytes. The property: `load_protocol` returns a protocol
or raises FormError naming a place; never another exception, never a hang. Derandomized and bounded
so CI runs it the same way every time."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from yingzao.core.errors import FormError
from yingzao.core.forms.loader import load_protocol, load_protocol_bytes

from tests.forms import write_xlsform

FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WORDS = [
    "type",
    "name",
    "label",
    "label::中文 (zh)",
    "relevant",
    "constraint",
    "calculation",
    "required",
    "codes",
    "identifying",
    "list_name",
    "form_id",
    "version",
    "respondent_role",
    "default_language",
    "code",
    "reason",
    "text",
    "integer",
    "decimal",
    "select_one yn",
    "select_multiple yn",
    "begin_group",
    "end_group",
    "note",
    "calculate",
    "yn",
    "yes",
    "no",
    "q1",
    "q2",
    "${q1} = 'yes'",
    "${q1} > ",
    "((((",
    "count-selected(${q2})",
    "official",
    "profile",
    "FAC.AUTONOMY",
    "=1+1",
    "问题",
    "",
    " ",
    "begin repeat",
]
SHEETS = ["survey", "choices", "settings", "not_asked", "Survey", "notes", "其他"]

cell_values = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.none(),
)
# mostly where a form has its cells; sometimes far away, where a hostile file puts one
near = st.tuples(st.integers(1, 8), st.integers(1, 6))
positions = st.one_of(
    near,
    near,
    near,
    st.tuples(st.sampled_from([20_000, 20_001, 40_001, 1_048_576]), st.integers(1, 3)),
    st.tuples(st.integers(1, 3), st.sampled_from([200, 201, 16_384])),
)
# drawn onto a valid form (so that many examples get past the first check) or onto empty sheets
noise = st.dictionaries(st.sampled_from(SHEETS), st.dictionaries(positions, cell_values, max_size=6), max_size=3)


def outcome(load) -> str:
    try:
        load()
    except FormError as error:
        assert error.problems and all(str(p) for p in error.problems)
        event(f"refused: {error.problems[0].message[:50]}")
        return "refused"
    event("loaded")
    return "loaded"


@FUZZ
@given(start_valid=st.booleans(), book=noise)
@example(
    start_valid=False,
    book={
        "notes": {(1, 1): "x", (1_048_576, 16_384): "x"},
        "survey": {(1, 1): "type", (1, 2): "name", (2, 1): "text", (2, 2): "q1"},
    },
)
@example(start_valid=True, book={"survey": {(3, 4): "(((("}})
@example(start_valid=True, book={})
def test_a_generated_workbook_loads_or_is_refused_with_places(tmp_path_factory, start_valid, book):
    path = tmp_path_factory.mktemp("wb") / "form.xlsx"
    if start_valid:
        write_xlsform(path, VALID)
        workbook = openpyxl.load_workbook(path)
    else:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
    for title, cells in book.items():
        existing = {ws.title.lower(): ws for ws in workbook.worksheets}
        sheet = existing.get(title.lower()) or workbook.create_sheet(title)
        for (row, column), value in cells.items():
            sheet.cell(row, column).value = value
    if not workbook.worksheets:
        workbook.create_sheet("empty")  # openpyxl cannot save a workbook without sheets
    workbook.save(path)
    outcome(lambda: load_protocol(path))


VALID = """
| survey |
| | type | name | label | relevant |
| | select_one yn | q1 | 问题一 | |
| | text | q2 | 问题二 | ${q1} = 'yes' |
| choices |
| | list_name | name | label |
| | yn | yes | 是 |
| | yn | no | 否 |
| settings |
| | form_id | version |
| | fuzz | 1 |
"""


@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory) -> bytes:
    path = write_xlsform(tmp_path_factory.mktemp("valid") / "valid.xlsx", VALID)
    assert load_protocol(path).form_id == "fuzz"
    return path.read_bytes()


@FUZZ
@given(
    positions=st.lists(st.integers(0, 1 << 16), min_size=1, max_size=6),
    values=st.lists(st.integers(1, 255), min_size=6, max_size=6),
    cut=st.one_of(st.none(), st.integers(0, 1 << 16)),
)
@example(positions=[0], values=[1] * 6, cut=None)
def test_a_workbook_with_flipped_or_cut_bytes_loads_or_is_refused(valid_bytes, positions, values, cut):
    data = bytearray(valid_bytes)
    for position, value in zip(positions, values):
        data[position % len(data)] ^= value
    if cut is not None:
        data = data[: cut % len(data)]
    outcome(lambda: load_protocol_bytes(bytes(data), "form.xlsx"))
