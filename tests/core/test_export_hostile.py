"""Exports of answers that carry what a workbook cannot hold or must not run: characters XML 1.0
forbids, text that looks like a formula or an error, select_one values that are not choices."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from yingzao.core.export.workbook import ExportOptions, export_workbook
from yingzao.core.export.xlsx_text import cell_text, xml_safe
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store

from tests.export_study import CHENGDU, row_of, table, ticking_clock

FORBIDDEN = "".join(chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20))) + "\ufffe\uffff"


def one_interview(path, answers: dict, *, community=("C", "清源社区"), fieldworker="李研究") -> str:
    with Store(path, user=fieldworker, clock=ticking_clock()) as store:
        library = load_library(store)
        store.add_community(*community)
        protocol = library.by_role("official")[0]
        interview_id = store.start_interview(protocol.sha256, community_id=community[0], fieldworker=fieldworker)
        for name, value in answers.items():
            store.save_answer(interview_id, name, value)
        return interview_id


def test_xml_safe_replaces_every_forbidden_character_and_nothing_else():
    assert xml_safe("a\ufffeb\uffffc\x00d\x1fe") == "a\ufffdb\ufffdc\ufffdd\ufffde"
    assert xml_safe("\ud800") == "\ufffd"  # a lone surrogate
    kept = "\t\n\r 中文 😀 \ufffd \ue000"
    assert xml_safe(kept) == kept
    assert cell_text('=HYPERLINK("x")') != '=HYPERLINK("x")' and "HYPERLINK" in cell_text('=HYPERLINK("x")')


@pytest.mark.parametrize("anonymize", [False, True])
def test_answers_with_forbidden_characters_give_a_workbook_that_opens(tmp_path, anonymize):
    db = tmp_path / "field.db"
    one_interview(
        db,
        {
            "consent": "yes",
            "act_party_structure": f"党委{FORBIDDEN}联席会议",
            "act_market_role": "平台公司\ufffe负责\uffff建设",
        },
        community=("C", "清源\ufffe社区"),
    )
    out = tmp_path / "out.xlsx"
    export_workbook(db, out, ExportOptions(anonymize=anonymize), tz=CHENGDU)
    book = openpyxl.load_workbook(out)  # raised on the ill-formed sheet XML before
    answers = table(book["回答"])
    party = row_of(answers, "题目名", "act_party_structure")["回答"]
    assert party.startswith("党委") and party.endswith("联席会议") and "\x01" not in party and "\ufffe" not in party
    assert row_of(answers, "题目名", "act_market_role")["回答"] == "平台公司\ufffd负责\ufffd建设"
    for sheet in book.worksheets:  # no sheet carries a forbidden character anywhere
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert xml_safe(value) == value, (sheet.title, value)
    if not anonymize:
        assert [r["社区名称"] for r in table(book["访谈"])] == ["清源\ufffd社区"]


def test_answers_that_look_like_formulas_or_errors_stay_text(tmp_path):
    db = tmp_path / "field.db"
    one_interview(
        db,
        {
            "consent": "yes",
            "act_party_structure": '=HYPERLINK("http://evil.example","点这里")',
            "act_market_role": "#N/A",
            "fac_industry_type": "=1+1",
        },
    )
    out = tmp_path / "out.xlsx"
    export_workbook(db, out, tz=CHENGDU)
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)  # no formula anywhere
    book = openpyxl.load_workbook(out)
    answers = table(book["回答"])
    assert row_of(answers, "题目名", "act_party_structure")["回答"] == '=HYPERLINK("http://evil.example","点这里")'
    assert row_of(answers, "题目名", "act_market_role")["回答"] == "#N/A"
    assert row_of(answers, "题目名", "fac_industry_type")["回答"] == "=1+1"
    cells = [c for row in book["回答"].iter_rows() for c in row if c.value in ("=1+1", "#N/A")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_select_one_value_that_is_no_choice_is_scrubbed_and_marked(tmp_path):
    db = tmp_path / "field.db"
    one_interview(
        db,
        {
            "consent": "yes",
            "resp_name": "王建国",
            "resp_phone": "13800138000",
            "resp_gender": "王建国说去清源社区找他，电话13800138000",  # the store takes any text
            "resp_case": "A",
            "act_actors_involved": "party 王建国",  # one code that is a choice, one that is not
        },
    )
    out = tmp_path / "anon.xlsx"
    export_workbook(db, out, ExportOptions(anonymize=True), tz=CHENGDU)
    answers = table(openpyxl.load_workbook(out)["回答"])
    assert row_of(answers, "题目名", "resp_gender")["回答"] == "〔非选项〕R01说去C社区找他，电话〔电话〕"
    assert row_of(answers, "题目名", "resp_case")["回答"] == "A社区"  # a real choice shows its label
    assert row_of(answers, "题目名", "act_actors_involved")["回答"] == "〔非选项〕party R01"
    plain = tmp_path / "plain.xlsx"
    export_workbook(db, plain, tz=CHENGDU)
    answers = table(openpyxl.load_workbook(plain)["回答"])
    assert row_of(answers, "题目名", "resp_gender")["回答"] == "〔非选项〕王建国说去清源社区找他，电话13800138000"


def test_an_anonymised_export_with_3000_community_names_that_are_prefixes_of_one_another(tmp_path):
    db = tmp_path / "field.db"
    one_interview(db, {"consent": "yes", "act_party_structure": "我们学习了" + "清" + "源" * 2999 + "的经验"})
    with Store(db) as store, store.transaction():
        for n in range(1, 3000):  # 清源 … 清源源…源 (2,999 of them) besides C 清源社区
            store.add_community(f"X{n}", "清" + "源" * n)
    out = tmp_path / "anon.xlsx"
    export_workbook(db, out, ExportOptions(anonymize=True), tz=CHENGDU)  # RecursionError before
    answers = table(openpyxl.load_workbook(out, read_only=True)["回答"])
    assert row_of(answers, "题目名", "act_party_structure")["回答"] == "我们学习了X2999的经验"
