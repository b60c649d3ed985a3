"""Anonymised exports: no identifying value anywhere in the workbook; people and communities coded."""

from __future__ import annotations

import openpyxl
import pytest

from yingzao.core.export.anonymize import InterviewPeople, anonymizer
from yingzao.core.export.workbook import ExportFilters, ExportOptions, export_workbook

from tests.export_study import CHENGDU, about, build_study, row_of, short, table


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("anon") / "田野.db")


@pytest.fixture(scope="module")
def book(study, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "anonymised.xlsx"
    result = export_workbook(study.path, out, ExportOptions(anonymize=True, accept_detected=True), tz=CHENGDU)
    assert result.anonymized
    return openpyxl.load_workbook(out)


def test_no_identifying_value_in_any_cell_of_any_sheet(book, study):
    assert len(study.identifying) >= 15  # names, units, positions, places, phones, referrals, fieldworkers, C's name
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = str(cell.value) if cell.value is not None else ""
                found += [(sheet.title, cell.coordinate, value) for value in study.identifying if value in text]
    assert found == []


def test_respondents_fieldworkers_and_communities_become_codes(book, study):
    rows = table(book["访谈"])
    # numbered by each person's first interview: O1 started first, then S1, K1, K2
    assert {r["访谈"]: r["受访者"] for r in rows} == {
        short(study, "O1"): "R01",
        short(study, "S1"): "R02",
        short(study, "K1"): "R03",
        short(study, "K2"): "R04",
        short(study, "PA"): None,
        short(study, "PB"): None,
    }
    assert {r["访谈"]: r["访员"] for r in rows}[short(study, "O1")] == "F01"
    assert {r["访员"] for r in rows} == {"F01", "F02"}
    assert [r["社区名称"] for r in rows] == ["A", "A", "A", "B", "B", "C"]
    assert "设备" not in rows[0]  # the laptop's id is left out too
    assert {r["受访者"] for r in table(book["回答"])} == {"R01", "R02", "R03", "R04", None}


def test_identifying_questions_are_left_out_and_names_in_text_replaced(book, study):
    rows = table(book["回答"])
    names = {r["题目名"] for r in rows}
    for question in (
        "resp_name",
        "resp_organisation",
        "resp_position",
        "interview_place",
        "resp_phone",
        "close_referrals",
    ):
        assert question not in names
    assert "resp_tenure_years" in names and "interview_date" in names  # not identifying: kept
    party = row_of(rows, "题目名", "act_party_structure")
    assert "R01同志牵头协调管委会" in party["回答"]
    assert row_of(rows, "题目名", "act_gov_mobilisation")["访员备注"] == "受访者提到C社区的做法值得跟进"
    matrix = row_of(table(book["框架矩阵-营造维度"]), "访谈", short(study, "O1"))
    assert matrix["受访者"] == "R01" and "R01同志" in matrix["组织创新"]


def test_about_sheet_says_the_file_is_anonymised(book, study):
    facts = about(book["说明"])
    assert facts["匿名化"][0].startswith("是。") and "R01" in facts["匿名化"][0]
    # neither a full path (a user's name) nor the file name (a respondent's, say) is shown
    assert study.path.name not in str(facts["数据库"]) and study.path.stem not in str(facts["数据库"])
    assert facts["数据库"] == ["（匿名化导出不显示数据库文件名）"]


def test_codes_are_the_same_in_a_filtered_export(study, tmp_path):
    out = tmp_path / "b.xlsx"
    export_workbook(
        study.path,
        out,
        ExportOptions(ExportFilters(communities=("B",)), anonymize=True, accept_detected=True),
        tz=CHENGDU,
    )
    rows = table(openpyxl.load_workbook(out)["访谈"])
    assert [(r["受访者"], r["访员"]) for r in rows if r["受访者类型"] == "社区干部"] == [("R03", "F02")]


def person(interview_id: str, started: str, name: str | None, *values: str, fieldworker: str = "甲") -> InterviewPeople:
    return InterviewPeople(interview_id, started, fieldworker, name, tuple(values))


def test_same_name_same_code_and_longest_value_wins():
    anon = anonymizer(
        [
            person("i2", "2021-02", "王芳", "王芳工作室"),
            person("i1", "2021-01", "李明"),
            person("i3", "2021-03", " 王芳 "),
        ],
        {"A": "A社区", "C": "清源社区"},
        removed="〔已删除〕",
    )
    assert [anon.respondent(i) for i in ("i1", "i2", "i3")] == ["R01", "R02", "R02"]
    assert anon.fieldworker("甲") == "F01"
    assert anon.scrub("王芳工作室的王芳说，李明和甲都去过清源社区。") == "〔已删除〕的R02说，R01和甲都去过C社区。"
    assert anon.community("A") == "A" and anon.drops(True) and not anon.drops(False)


def test_values_shorter_than_two_characters_are_not_searched_in_text():
    anon = anonymizer([person("i1", "2021-01", "王", "5")], {})
    assert anon.scrub("王大爷说有5个院落") == "王大爷说有5个院落"


def test_thousands_of_names_that_are_prefixes_of_one_another_are_all_replaced():
    # a merge can bring any number of communities; these made the export fail with RecursionError
    names = {f"C{n}": "清" + "源" * n for n in range(1, 3001)}
    anon = anonymizer([], names)
    longest = "清" + "源" * 3000
    assert anon.scrub(f"去过{longest}和清源源两处") == "去过C3000和C2两处"
    assert anon.scrub("清源" * 3) == "C1C1C1"
    assert anon.scrub("没有提到任何社区") == "没有提到任何社区"


def test_the_longest_value_wins_where_values_overlap():
    anon = anonymizer([person("i1", "2021-01", "王芳"), person("i2", "2021-02", "芳草园")], {})
    # at each place the longest value starting there is replaced, leftmost first
    assert anon.scrub("王芳草园") == "R01草园"
    assert anon.scrub("小芳草园里") == "小R02里"


def test_long_values_that_share_their_beginning_are_told_apart():
    anon = anonymizer(
        [
            person("i1", "2021-01", "王芳"),
            person("i2", "2021-02", "西园街道第五院落工作站站长", "西园街道第五院落工作站"),
            person("i3", "2021-03", "王芳工"),
        ],
        {},
        removed="〔已删除〕",
    )
    assert anon.scrub("西园街道第五院落工作站站长说西园街道第五院落工作站和王芳工作") == "R02说〔已删除〕和R03作"
    assert anon.scrub("西园街道第五院落") == "西园街道第五院落"  # a beginning alone is not a value
