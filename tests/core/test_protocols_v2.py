"""Protocols v2 (issue 17): priorities, time budgets, the study's details in the consent, labels
checked against the codebook, the stated case against the interview's community, and answers of
city-level respondents credited to the communities they discussed."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from yingzao.core import paths
from yingzao.core.coding.codebook import research_codebook
from yingzao.core.coding.suggestions import accept_all
from yingzao.core.errors import FormError, Problem, StoreError
from yingzao.core.export.workbook import ExportOptions, export_workbook
from yingzao.core.forms import study
from yingzao.core.forms.case_check import case_mismatch, communities_discussed
from yingzao.core.forms.codebook import load_codebook, table1_axes
from yingzao.core.forms.loader import load_protocol
from yingzao.core.forms.protocol import Protocol
from yingzao.core.store.database import Store

from tests.export_study import table
from tests.forms import write_xlsform

INTERVIEWS = ("protocol_official.xlsx", "protocol_street.xlsx", "protocol_cadre.xlsx")
REAL_NAMES = ("乐居吾苑", "爱莲六所", "智慧企居", "京东方", "华为", "清河", "西园", "邛崃", "破土", "天府", "漕河泾")

FORM = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | probe::中文 (zh) | probe::English (en) | optional_probe::中文 (zh) | optional_probe::English (en) | priority | minutes | identifying | codes |
| | begin_group | talk | 谈话 | Talk | | | | | | 12 | | |
| | note | intro | 本研究由{{institution}}开展 | Run by {{institution}} | | | | | | | | |
| | text | built | 集约有度的建筑形态落实得怎样？ | How is the compact, well-measured built form put into practice? | 怎样开始的？ | How did it come about? | 谁参与了？ | Who took part? | core | | no | SCN.SPACE.BUILDING |
| | text | extra | 还有什么？ | Anything else? | | | | | optional | | no | |
| | end_group | | | | | | | | | | | |
| settings |
| | form_id | version | default_language |
| | t | 1 | 中文 (zh) |
"""


@pytest.fixture
def codebook():
    return load_codebook(paths.CODEBOOK_PATH)


def shipped(name: str) -> Protocol:
    return load_protocol(paths.FORMS_DIR / name, load_codebook(paths.CODEBOOK_PATH))


def problems(path: Path, codebook) -> list[str]:
    with pytest.raises(FormError) as caught:
        load_protocol(path, codebook)
    return [str(p) for p in caught.value.problems]


# -- the loader ----------------------------------------------------------------------------------


def test_priority_optional_probes_and_time_budget_are_read_and_survive_the_cache(tmp_path, codebook):
    protocol = load_protocol(write_xlsform(tmp_path / "f.xlsx", FORM), codebook)
    built, extra = protocol.question("built"), protocol.question("extra")
    assert (built.priority, built.optional, extra.optional) == ("core", False, True)
    assert built.probes == {"zh": "怎样开始的？", "en": "How did it come about?"}
    assert built.optional_probes == {"zh": "谁参与了？", "en": "Who took part?"}
    assert protocol.sections[0].minutes == 12 and protocol.minutes == 12
    again = Protocol.from_dict(protocol.to_dict())
    assert again.question("extra").optional and again.sections[0].minutes == 12
    # a protocol cached before there were budgets reads back with none
    old = protocol.to_dict()
    for section in old["sections"]:
        del section["minutes"]
    for question in old["questions"]:
        del question["priority"], question["optional_probes"]
    assert (
        Protocol.from_dict(old).sections[0].minutes is None and not Protocol.from_dict(old).question("extra").optional
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("| optional | | no | |", "| maybe | | no | |", "priority must be core or optional, not 'maybe'"),
        ("| | 12 | | |", "| | twelve | | |", "minutes must be a whole number of minutes from 1 to 600, not 'twelve'"),
        (
            "| optional | | no | |",
            "| optional | 5 | no | |",
            "minutes (the time budget) belongs on begin_group rows only",
        ),
        ("{{institution}}开展", "{{instituion}}开展", "{{instituion}} is not one of the study's details"),
    ],
)
def test_bad_priorities_budgets_and_placeholders_are_named(tmp_path, codebook, english_errors, old, new, expected):
    assert FORM.count(old) == 1
    found = problems(write_xlsform(tmp_path / "f.xlsx", FORM.replace(old, new)), codebook)
    assert any(expected in f for f in found), found


def test_a_codebook_label_spelled_differently_in_english_is_reported(tmp_path, codebook, english_errors):
    md = FORM.replace(
        "How is the compact, well-measured built form", "How is the compact, well-proportioned building form"
    )
    warnings: list[Problem] = []
    load_protocol(write_xlsform(tmp_path / "f.xlsx", md), codebook, warnings=warnings)  # a warning outside forms/
    assert [str(w).split(": [", 1)[1] for w in warnings] == [
        "label::en] the Chinese text uses the codebook's name for 'SCN.SPACE.BUILDING' (集约有度的建筑形态) but "
        "the English text does not use the codebook's English name 'Compact, well-measured built form'; word it "
        "as forms/codebook.csv does."
    ]
    warnings.clear()
    load_protocol(write_xlsform(tmp_path / "g.xlsx", FORM), codebook, warnings=warnings)
    assert warnings == []


def test_in_the_shipped_forms_a_label_mismatch_is_an_error(tmp_path, codebook, monkeypatch):
    md = FORM.replace("How is the compact, well-measured built form", "How is the compact building form")
    monkeypatch.setattr(paths, "FORMS_DIR", tmp_path)
    found = problems(write_xlsform(tmp_path / "f.xlsx", md), codebook)
    assert any("SCN.SPACE.BUILDING" in f and "集约有度的建筑形态" in f for f in found)


# -- the shipped protocols -----------------------------------------------------------------------


@pytest.mark.parametrize("name", INTERVIEWS)
def test_every_section_has_a_time_budget_and_a_short_version_remains(name):
    protocol = shipped(name)
    assert protocol.version == "2026.2"
    assert all(s.minutes for s in protocol.sections)
    assert 55 <= protocol.minutes <= 70
    open_questions = [q for q in protocol.answerable if q.type == "text" and q.probes]
    core = [q for q in open_questions if not q.optional]
    assert len(core) >= 12 and len(open_questions) - len(core) >= 4
    assert all(q.probes for q in open_questions)  # a question kept in the short version keeps a core probe
    assert sum(1 for q in open_questions if q.optional_probes) >= len(open_questions) // 2


@pytest.mark.parametrize("name", INTERVIEWS)
def test_consent_is_itemised_and_names_the_study_from_its_settings(name):
    protocol = shipped(name)
    for item in ("consent", "consent_record", "consent_quote", "consent_archive", "consent_form_signed"):
        assert protocol.question(item).required, item
    statement = protocol.question("consent_statement").labels
    for field in ("institution", "pi", "ethics_number", "team_contact", "complaints_contact", "retention", "storage"):
        assert "{{" + field + "}}" in statement["zh"] and "{{" + field + "}}" in statement["en"]
    # the name and phone number are asked only after the PIPL notice and their own consent
    names = [q.name for q in protocol.questions]
    assert names.index("pipl_notice") < names.index("consent_contact") < names.index("resp_name")
    for identifying in ("resp_name", "resp_phone"):
        assert protocol.question(identifying).relevant[-1] == "${consent_contact} = 'yes'"
    assert {c.name for c in protocol.choices["form_signed"]} == {"signed", "oral"}


@pytest.mark.parametrize("name", (*INTERVIEWS, "profile_community.xlsx"))
def test_no_real_names_are_read_out(name):
    book = openpyxl.load_workbook(paths.FORMS_DIR / name)
    texts = [str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert not [t for t in texts if any(n in t for n in REAL_NAMES)]
    if name != "profile_community.xlsx":
        # the paper says nothing of A having a residents' council: no probe may assume one
        assert not [t for t in texts if "居民议事会" in t]


def test_probes_invite_rather_than_confirm():
    cadre = shipped("protocol_cadre.xlsx")
    everything = " ".join(f"{q.probes.get('zh', '')} {q.optional_probes.get('zh', '')}" for q in cadre.questions)
    assert "主动参与" not in everything  # v1 read the paper's finding (动员 → 主动参与) as a premise
    official = shipped("protocol_official.xlsx")
    mobilise = official.question("act_gov_mobilisation")
    assert "动员市场为主" not in mobilise.probes.get("zh", "") + mobilise.optional_probes.get("zh", "")
    assert "这是怎样开始的？" in mobilise.probes["zh"]


def test_double_barrelled_questions_were_split():
    street = shipped("protocol_street.xlsx")
    assert street.question("lab_disputes").labels["zh"].count("？") == 1
    assert street.question("lab_mediation").labels["zh"] == "这些矛盾是怎样调解处理的？"
    official = shipped("protocol_official.xlsx")
    assert "哪些部门推动" not in official.question("pol_plan_process").labels["zh"]
    assert official.has_question("act_resident_involvement") and official.has_question("out_policy_plans")
    for protocol in (street, official, shipped("protocol_cadre.xlsx")):
        asked = [q for q in protocol.answerable if q.type == "text" and q.probes]
        assert all(q.labels["zh"].count("？") <= 1 or "例子" in q.labels["zh"] for q in asked), protocol.form_id


def test_table_1_axes_closing_remarks_and_scene_judgements_carry_codes():
    codebook = load_codebook(paths.CODEBOOK_PATH)
    for name in INTERVIEWS:
        protocol = shipped(name)
        asked = set(protocol.codes_used)
        for axis in table1_axes(codebook):
            assert axis in asked or axis in protocol.not_asked, (name, axis)
        assert set(protocol.question("close_additional").codes) == {
            "DIM.ORG",
            "DIM.SPACE",
            "DIM.SERVICE",
            "DIM.SUBJECT",
        }
        progress = next(q for q in protocol.questions if q.list_name == "scenes")
        assert {c.codes for c in protocol.choices["scenes"] if c.name != "none"} == {
            (code.id,) for code in codebook.top_level("scene")
        }
        assert set(protocol.question("scn_progress_examples").codes) >= {c.id for c in codebook.top_level("scene")}
        assert progress.name in protocol.question("scn_progress_examples").relevant[-1]
    official = shipped("protocol_official.xlsx")
    assert "UNIT.AXIS.LIFE.COOP" in official.not_asked  # a city official cannot speak to it: it says why
    assert official.not_asked["UNIT.AXIS.LIFE.COOP"]["en"]


def test_english_uses_the_codebooks_names():
    official = shipped("protocol_official.xlsx")
    assert "Compact, well-measured built form" in official.question("scn_space").labels["en"]
    profile = shipped("profile_community.xlsx")
    assert profile.sections[0].labels["en"] == "Basic information"


# -- the study's details -------------------------------------------------------------------------


def test_study_details_fill_the_consent_and_missing_ones_show_as_not_filled_in(tmp_path):
    with Store(tmp_path / "s.db", user="研究员") as store:
        assert study.missing(study.study_details(store)) == list(study.FIELDS)
        study.save_study_details(store, {"institution": " 某大学社会学系 ", "ethics_number": "IRB-2026-017"})
        details = study.study_details(store)
    assert details["institution"] == "某大学社会学系"
    text = "由{{institution}}开展，批准号{{ethics_number}}，投诉：{{complaints_contact}}"
    assert study.fill(text, details, "zh") == "由某大学社会学系开展，批准号IRB-2026-017，投诉：（未填写）"
    assert study.fill("Complaints: {{complaints_contact}}", details, "en") == "Complaints: (not filled in)"
    assert "complaints_contact" in study.missing(details) and "institution" not in study.missing(details)


# -- the stated case and the communities discussed -----------------------------------------------


def test_a_stated_case_that_differs_from_the_interviews_community_is_found(library_store):
    _store, library = library_store
    cadre = library.by_role("cadre")[0]
    assert case_mismatch(cadre, "A", "A", ["A", "B"]) is None
    mismatch = case_mismatch(cadre, "B", "A", ["A", "B"])
    assert (mismatch.stated, mismatch.filed, mismatch.matching_choice) == ("B", "A", "A")
    assert case_mismatch(cadre, "community_b", None, ["A", "B"]).stated == "B"  # v1's choice names too
    official = library.by_role("official")[0]
    assert case_mismatch(official, "city_level", "A", ["A", "B"]) is None  # names no community
    assert communities_discussed("B A none", ["A", "B", "C"]) == ("A", "B")


def test_moving_an_interview_to_another_community_is_audited(library_store):
    store, library = library_store
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    interview = store.start_interview(library.by_role("cadre")[0].sha256, community_id="A")
    store.set_interview_community(interview, "B")
    assert store.interview(interview).community_id == "B"
    change = [e for e in store.audit_log(interview) if e.field == "community"]
    assert [(e.old, e.new) for e in change] == [("A", "B")]
    with pytest.raises(StoreError):
        store.set_interview_community(interview, "Z")
    store.finalize(interview)
    with pytest.raises(StoreError):
        store.set_interview_community(interview, "A")


def test_a_city_officials_answers_count_for_each_community_discussed(tmp_path):
    db = tmp_path / "study.db"
    with Store(db, user="李研究") as store:
        from yingzao.core.forms.library import load_library

        library = load_library(store)
        for community in ("A", "B", "C"):
            store.add_community(community, f"{community}社区")
        official = library.by_role("official")[0]
        interview = store.start_interview(official.sha256, community_id=None)
        for name, value in {
            "consent": "yes",
            "resp_case": "city_level",
            "fac_industry_type": "种业园区和电子信息园区的社区建设重点完全不同。",
            "communities_discussed": "A B",
        }.items():
            store.save_answer(interview, name, value)
        store.finalize(interview)
        accept_all(store, research_codebook(store, library.codebook), interview)
    out = tmp_path / "out.xlsx"
    export_workbook(db, out, ExportOptions())
    book = openpyxl.load_workbook(out)
    factors = {r["社区"]: r for r in table(book["社区×影响因素（图2）"])}
    assert [factors[c]["产业类型·有证据的访谈数"] for c in ("A", "B", "C")] == [1, 1, 0]
    assert "种业园区和电子信息园区" in factors["B"]["产业类型·编码引述"]
    assert "未指定社区" not in factors  # nothing is left without a community
    matrix = table(book["框架矩阵-营造维度"])
    assert [r["社区"] for r in matrix] == ["A, B"]
    counted = {r["代码"]: r for r in table(book["场景与目标（表2）"])}
    assert "A·有证据的访谈数" in counted["SCN.SERVICE"] and "未指定社区·有证据的访谈数" not in counted["SCN.SERVICE"]


@pytest.mark.parametrize("name", (*INTERVIEWS, "profile_community.xlsx"))
def test_every_text_is_in_chinese_and_english(name):
    protocol = shipped(name)
    for question in protocol.questions:
        for attribute in ("labels", "hints", "probes", "optional_probes", "required_message", "constraint_message"):
            texts = getattr(question, attribute)
            assert bool(texts.get("zh")) == bool(texts.get("en")), (question.name, attribute)
        for attribute in ("probes", "optional_probes"):  # probe by probe
            texts = getattr(question, attribute)
            assert len(texts.get("zh", "").splitlines()) == len(texts.get("en", "").splitlines()), question.name
    for items in protocol.choices.values():
        assert all(c.labels.get("zh") and c.labels.get("en") for c in items)
    for section in protocol.sections:
        assert section.labels.get("zh") and section.labels.get("en")
    for reason in protocol.not_asked.values():
        assert reason.get("zh") and reason.get("en")
