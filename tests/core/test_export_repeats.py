"""Repeat groups in every export: the tidy Answers sheet and answers.csv (one row per entry's answer,
with the repeat and the entry's position), the wide layout (one sheet / CSV per repeat, as Kobo does),
the About sheet and README, anonymisation of a repeated identifying question, codings on an entry's
answer, and the REFI-QDA transcript."""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from yingzao.core import paths
from yingzao.core.coding import codebook as cb
from yingzao.core.coding import codings
from yingzao.core.coding.codings import Span
from yingzao.core.export.csv_tables import export_csv
from yingzao.core.export.data import ExportReader
from yingzao.core.export.refi_source import read_refi_content
from yingzao.core.export.refi_write import write_qdpx
from yingzao.core.export.workbook import ExportOptions, export_workbook
from yingzao.core.forms import repeats
from yingzao.core.forms.codebook import load_codebook
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.loader import load_protocol_workbook
from yingzao.core.review.decisions import add_comment
from yingzao.core.store.database import Store

from tests.forms import write_xlsform
from tests.laptops import make_project

FORM = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | identifying |
| | text | intro | 社区基本情况 | The community | no |
| | begin_repeat | orgs | 社区组织 | Organisations | |
| | text | org_name | 组织名称 | Organisation name | no |
| | select_one kind | org_kind | 组织类型 | Kind | |
| | text | org_contact | 联系人 | Contact person | yes |
| | end_repeat | | | | |
| | text | closing | 补充 | Anything else | no |
| choices |
| | list_name | name | label::中文 (zh) | label::English (en) |
| | kind | party | 党组织 | Party |
| | kind | social | 社会组织 | Social organisation |
| settings |
| | form_id | version | respondent_role | form_title::中文 (zh) | form_title::English (en) |
| | yz_orgs | 1 | cadre | 社区组织访谈 | Organisations interview |
"""


@dataclass
class Study:
    path: object
    ids: dict[str, str]  # interview label -> id
    instances: dict[str, list[str]]  # interview label -> its instance ids in order
    removed: str  # the removed instance of "two"


def _org(session: InterviewSession, name: str, kind: str, contact: str) -> str:
    instance = session.add_instance("orgs")
    session.set_value(repeats.key("org_name", instance), name)
    session.set_value(repeats.key("org_kind", instance), kind)
    session.set_value(repeats.key("org_contact", instance), contact)
    return instance


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Study:
    folder = tmp_path_factory.mktemp("repeats")
    store = Store(folder / "study.db", user="李娜")
    protocol, workbook = load_protocol_workbook(write_xlsform(folder / "orgs.xlsx", FORM))
    store.add_protocol(protocol, workbook)
    store.add_community("A", "清源社区")
    ids: dict[str, str] = {}

    none = InterviewSession(store, store.start_interview(protocol.sha256, community_id="A"))
    none.set_value("intro", "社区没有登记的组织")
    ids["none"] = none.interview.id

    two = InterviewSession(store, store.start_interview(protocol.sha256, community_id="A"))
    two.set_value("intro", "两个组织")
    _org(two, "居委会", "party", "陈主任")
    removed = _org(two, "党支部", "party", "刘书记")
    _org(two, "业主委员会", "social", "周先生")
    two.remove_instance("orgs", removed)
    # an orphan answer a merge or an older copy may leave: its instance is in no list
    store.save_answer(two.interview.id, repeats.key("org_name", "zzzz9999qq"), "幽灵组织")
    ids["two"] = two.interview.id

    three = InterviewSession(store, store.start_interview(protocol.sha256, community_id="A"))
    three.set_value("intro", "三个组织")
    _org(three, "物业公司", "social", "王建国")
    _org(three, "志愿者协会", "social", "赵志愿")
    last = _org(three, "商会", "social", "孙会长")
    three.move_instance("orgs", last, 0)
    three.set_value("closing", "王建国说物业公司很配合")
    three.finalize()
    ids["three"] = three.interview.id
    make_project(store)  # a supervisor's database: comments on a completed interview
    first = three.instances("orgs")[1]
    add_comment(store, ids["three"], repeats.key("org_name", first), "请核实全称")

    book = cb.research_codebook(store, load_codebook(paths.CODEBOOK_PATH))
    codings.apply_code(store, book, Span(ids["three"], repeats.key("org_name", last), "answer", 0, 2), "ACT.MARKET")
    instances = {label: InterviewSession(store, i).instances("orgs") for label, i in ids.items()}
    store.close()
    assert instances["three"][0] == last and len(instances["two"]) == 2
    return Study(store.path, ids, instances, removed)


def _rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def _short(book, study: Study, label: str) -> str:
    full = {r["完整编号"]: r["访谈"] for r in _rows(book["访谈"])}
    return full[study.ids[label]]


@pytest.fixture(scope="module")
def tidy(study, tmp_path_factory):
    out = tmp_path_factory.mktemp("tidy") / "tidy.xlsx"
    export_workbook(study.path, out, ExportOptions())
    return load_workbook(out)


def test_the_answers_sheet_has_one_row_per_entry_answer_with_its_repeat_and_position(tidy, study):
    answers = _rows(tidy["回答"])
    names = [
        (r["访谈"], r["第几项"], r["回答"]) for r in answers if r["题目名"] == "org_name"
    ]  # in the interview's order of entries
    two, three = _short(tidy, study, "two"), _short(tidy, study, "three")
    assert [n for n in names if n[0] == two] == [(two, 1, "居委会"), (two, 2, "业主委员会")]
    assert [n for n in names if n[0] == three] == [(three, 1, "商会"), (three, 2, "物业公司"), (three, 3, "志愿者协会")]
    assert not [n for n in names if n[0] == _short(tidy, study, "none")]
    entry = next(r for r in answers if r["回答"] == "物业公司")
    assert entry["重复组"] == "社区组织" and entry["题目引用"].endswith("·org_name[2]]")
    kind = next(r for r in answers if r["访谈"] == three and r["题目名"] == "org_kind" and r["第几项"] == 1)
    assert kind["回答"] == "社会组织"
    intro = next(r for r in answers if r["题目名"] == "intro" and r["访谈"] == two)
    assert intro["重复组"] is None and intro["第几项"] is None and intro["题目引用"].endswith("·intro]")
    # the repeat's own row (its list of entries) is no answer; removed and orphaned entries never show
    assert "orgs" not in {r["题目名"] for r in answers}
    cells = {str(c) for row in tidy["回答"].iter_rows(values_only=True) for c in row if c is not None}
    assert not {"党支部", "刘书记", "幽灵组织"} & cells
    # the closing question comes after the repeat's entries, as in the form
    order = [r["题目名"] for r in answers if r["访谈"] == three]
    assert order[0] == "intro" and order[-1] == "closing"


def test_a_coding_on_an_entry_names_the_question_and_its_position(tidy, study):
    coded = _rows(tidy["编码"])
    assert len(coded) == 1
    row = coded[0]
    assert (row["题目名"], row["题目"], row["引述原文"]) == ("org_name[1]", "组织名称（第1项）", "商会")
    assert row["题目引用"] == f"[{_short(tidy, study, 'three')}·org_name[1]·0–2]"


def test_a_comment_on_an_entry_names_its_position_on_the_reviews_sheet(tidy, study):
    comments = [r for r in _rows(tidy["审核"]) if r["内容"] == "请核实全称"]
    assert [(r["访谈"], r["题目名"]) for r in comments] == [(_short(tidy, study, "three"), "org_name[2]")]


def test_the_about_sheet_explains_the_repeat(tidy):
    about = {r["项目"]: r["内容"] for r in _rows(tidy["说明"])}
    assert "社区组织（orgs：org_name、org_kind、org_contact）" in about["重复组"]
    assert "org_name[2]" in about["重复组"]


def test_an_identifying_repeated_question_is_left_out_and_its_values_scrubbed(study, tmp_path):
    out = tmp_path / "anon.xlsx"
    export_workbook(study.path, out, ExportOptions(anonymize=True, accept_detected=True))
    with zipfile.ZipFile(out) as archive:
        everything = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    for contact in ("陈主任", "周先生", "王建国", "赵志愿", "孙会长"):
        assert contact not in everything, contact
    answers = _rows(load_workbook(out)["回答"])
    assert "org_contact" not in {r["题目名"] for r in answers}
    with Store(study.path, read_only=True) as store:  # what anonymisation removes from every text
        reader = ExportReader(store, load_codebook(paths.CODEBOOK_PATH), "zh")
        try:
            people = {p.interview_id: set(p.identifying_values) for p in reader.people(with_identifying=True)}
        finally:
            reader.close()
    assert people[study.ids["two"]] == {"陈主任", "周先生"}  # a removed entry's answers were cleared
    assert people[study.ids["three"]] == {"王建国", "赵志愿", "孙会长"}
    assert any(r["回答"] == "物业公司" for r in answers)  # the entries' other answers stay
    closing = next(r for r in answers if r["题目名"] == "closing")
    assert "王建国" not in closing["回答"] and "物业公司很配合" in closing["回答"]


def test_the_wide_layout_has_one_sheet_per_repeat(study, tmp_path):
    out = tmp_path / "wide.xlsx"
    export_workbook(study.path, out, ExportOptions(layout="wide"))
    book = load_workbook(out)
    assert book.sheetnames == ["社区组织访谈", "社区组织访谈·社区组织", "说明"]
    main = _rows(book["社区组织访谈"])
    assert len(main) == 3 and not {"组织名称", "联系人"} & set(main[0])
    assert {"社区基本情况", "补充"} <= set(main[0])
    entries = _rows(book["社区组织访谈·社区组织"])
    assert list(entries[0])[:5] == ["访谈", "第几项", "组织名称", "组织类型", "联系人"]
    shorts = [r["访谈"] for r in main]
    by_interview = {s: [(r["第几项"], r["组织名称"], r["组织类型"]) for r in entries if r["访谈"] == s] for s in shorts}
    assert sorted(len(v) for v in by_interview.values()) == [0, 2, 3]
    three = next(v for v in by_interview.values() if len(v) == 3)
    assert three == [(1, "商会", "社会组织"), (2, "物业公司", "社会组织"), (3, "志愿者协会", "社会组织")]
    about = [r[1] for r in book["说明"].iter_rows(values_only=True) if r[0] == "重复组"]
    assert len(about) == 1 and "「社区组织访谈·社区组织」" in about[0] and "「社区组织访谈」A 列" in about[0]
    anonymised = tmp_path / "anon.xlsx"
    export_workbook(study.path, anonymised, ExportOptions(layout="wide", anonymize=True, accept_detected=True))
    entries = _rows(load_workbook(anonymised)["社区组织访谈·社区组织"])
    assert list(entries[0]) == ["访谈", "第几项", "组织名称", "组织类型"] and len(entries) == 5


def test_a_long_protocol_title_gives_way_to_the_repeat_in_the_sheet_name(study, tmp_path):
    out = tmp_path / "wide_en.xlsx"
    export_workbook(study.path, out, ExportOptions(layout="wide", lang="en"))
    assert load_workbook(out).sheetnames == ["Organisations interview", "Organisations·Organisations", "About"]


def _csv(path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_answers_and_a_table_per_repeat_carry_position_and_stable_instance(study, tmp_path):
    folder = tmp_path / "csv"
    content = read_refi_content(study.path, "zh")
    export_csv(study.path, folder, ExportOptions(), codes=content.codes, codings=content.codings)
    answers = [r for r in _csv(folder / "answers.csv") if r["question"] == "org_name"]
    expected = {"none": [], "two": ["居委会", "业主委员会"], "three": ["商会", "物业公司", "志愿者协会"]}
    for label, names in expected.items():
        got = [
            (r["repeat"], r["position"], r["instance"], r["value"])
            for r in answers
            if r["interview_id"] == study.ids[label]
        ]
        assert got == [
            ("orgs", str(n), instance, name) for n, (instance, name) in enumerate(zip(study.instances[label], names), 1)
        ]
    intro = next(r for r in _csv(folder / "answers.csv") if r["question"] == "intro")
    assert (intro["repeat"], intro["position"], intro["instance"]) == ("", "", "")
    assert study.removed not in (folder / "answers.csv").read_text(encoding="utf-8-sig")
    entries = _csv(folder / "wide_yz_orgs__orgs.csv")
    assert list(entries[0])[:4] == ["interview_id", "position", "instance", "组织名称"]
    for label, names in expected.items():
        got = [(r["position"], r["instance"], r["组织名称"]) for r in entries if r["interview_id"] == study.ids[label]]
        assert got == [(str(n), i, name) for n, (i, name) in enumerate(zip(study.instances[label], names), 1)]
    assert "组织名称" not in _csv(folder / "wide_yz_orgs.csv")[0]
    coded = _csv(folder / "codings.csv")
    assert [(r["question"], r["repeat"], r["position"], r["instance"], r["text"]) for r in coded] == [
        ("org_name", "orgs", "1", study.instances["three"][0], "商会")
    ]
    readme = (folder / "README.txt").read_text(encoding="utf-8-sig")
    assert "wide_yz_orgs__orgs.csv — " in readme and "  instance:" in readme


def test_the_qdpx_transcript_names_each_entry_and_places_its_coding(study, tmp_path):
    content = read_refi_content(study.path, "zh")
    out = tmp_path / "orgs.qdpx"
    result = write_qdpx(study.path, out, codes=content.codes, codings=content.codings)
    assert (result.codings, result.skipped_codings) == (1, 0)
    with zipfile.ZipFile(out) as archive:
        project = archive.read("project.qde").decode("utf-8")
        sources = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".txt")}
    transcript = next(t for t in sources.values() if "商会" in t)
    assert transcript.index("组织名称（第1项）\n商会") < transcript.index("组织名称（第2项）\n物业公司")
    start, end = (int(v) for v in re.search(r'startPosition="(\d+)" endPosition="(\d+)"', project).groups())
    assert transcript[start:end] == "商会"
