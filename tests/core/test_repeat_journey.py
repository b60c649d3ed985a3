"""A repeat of organisations taken the whole way: interviewed on a laptop of a project, packed,
merged and reviewed on the master (a comment on one organisation's answer), sent back, revised per
instance, merged again as a continuation, approved, coded, and exported."""

from __future__ import annotations

import openpyxl
import pytest

from yingzao.core.coding.codebook import research_codebook
from yingzao.core.coding.codings import Span, apply_code, codings_of
from yingzao.core.exchange.merge import accept_device, merge_packages
from yingzao.core.exchange.review_package import pack_review
from yingzao.core.export.workbook import ExportOptions, export_workbook
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.loader import load_protocol_workbook
from yingzao.core.review import decisions as review
from yingzao.core.store.database import Store

from tests.core.test_repeats import ORGS
from tests.forms import write_xlsform
from tests.laptops import Laptop, join, laptop_template, make_project  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("english_errors")


def merged(report):
    assert [p.status for p in report.packages] == ["merged"], report.packages[0].reason
    return report.packages[0]


def test_a_repeat_of_organisations_goes_from_interview_to_export(laptop_template, tmp_path):  # noqa: F811
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    master = Store(tmp_path / "master.db", user="李督导")
    join(wang.store, make_project(master))
    protocol, workbook = load_protocol_workbook(write_xlsform(tmp_path / "orgs.xlsx", ORGS))
    wang.store.add_protocol(protocol, workbook)

    # -- the interview: three organisations, one removed, one moved
    session = InterviewSession(wang.store, wang.store.start_interview(protocol.sha256, community_id="A"))
    session.type_value("n_orgs", 2)
    council, owners, wrong = (session.add_instance("orgs") for _ in range(3))
    for instance, name, members in ((council, "居民议事会", 15), (owners, "业主委员会", 7), (wrong, "记错的", 1)):
        session.type_value(f"org_name#{instance}", name)
        session.type_value(f"members#{instance}", members)
    session.type_value(f"why_big#{council}", "每个楼栋都有代表参加议事")
    session.remove_instance("orgs", wrong)
    session.move_instance("orgs", owners, 0)
    session.finalize()
    interview_id = session.id

    # -- packed and merged into the master, once the laptop is accepted
    assert merge_packages(master, [wang.pack(tmp_path / "s1.yzpack")]).packages[0].status == "held"
    merged(accept_device(master, wang.store.device_id))
    on_master = InterviewSession(master, interview_id, read_only=True)
    assert on_master.instances("orgs") == [owners, council]
    assert on_master.value(f"why_big#{council}") == "每个楼栋都有代表参加议事"

    # -- the supervisor comments on one organisation's answer and sends the interview back
    note = review.add_comment(master, interview_id, f"members#{owners}", "业主委员会只有7人？请核实")
    review.send_back(master, interview_id, "请核实组织人数")
    pack_review(master, tmp_path / "back.yzpack", fieldworker="王芳")
    merged(merge_packages(wang.store, [tmp_path / "back.yzpack"]))
    comments = review.comments(wang.store, interview_id)
    assert (comments[0].question, comments[0].text) == (f"members#{owners}", "业主委员会只有7人？请核实")

    # -- the fieldworker corrects that instance and adds a fourth organisation, then resubmits
    revised = InterviewSession(wang.store, interview_id)
    revised.type_value(f"members#{owners}", 9)
    elders = revised.add_instance("orgs")
    revised.type_value(f"org_name#{elders}", "老年协会")
    revised.type_value(f"members#{elders}", 30)
    review.add_comment(wang.store, interview_id, None, "已核实，是9人", parent_id=note.id)
    revised.finalize()
    line = merged(merge_packages(master, [wang.pack(tmp_path / "s2.yzpack")]))
    assert (line.updated, line.conflicts) == (1, [])  # a continuation, instance by instance
    on_master = InterviewSession(master, interview_id, read_only=True)
    assert on_master.instances("orgs") == [owners, council, elders]
    assert on_master.value(f"members#{owners}") == 9 and on_master.value("total") == "54"
    review.approve(master, interview_id)

    # -- the researcher codes what one organisation's answer says
    book = research_codebook(master)
    text = master.answer(interview_id, f"why_big#{council}").value
    start = text.index("楼栋")
    coding = apply_code(master, book, Span(interview_id, f"why_big#{council}", "answer", start, start + 5), "DIM.ORG")
    assert coding is not None and coding.quote == "楼栋都有代"
    assert [c.question for c in codings_of(master, interview_id)] == [f"why_big#{council}"]

    # -- exported: the answers of each instance, in the fieldworker's order, and the coding
    out = tmp_path / "export.xlsx"
    export_workbook(master.path, out, ExportOptions())
    book_xlsx = openpyxl.load_workbook(out, read_only=True)
    answers = _rows(book_xlsx["回答"])
    names = [(r["第几项"], r["回答"]) for r in answers if r["题目名"] == "org_name"]
    assert names == [(1, "业主委员会"), (2, "居民议事会"), (3, "老年协会")]
    assert {r["重复组"] for r in answers if r["题目名"] == "members"} == {"每个组织"}
    # a form naming no role of this study: its references have no empty role part
    assert {r["题目引用"] for r in answers if r["题目名"] == "n_orgs"} == {"[S1·n_orgs]"}
    coded = _rows(book_xlsx["编码"])
    assert [(r["题目名"], r["引述原文"]) for r in coded] == [("why_big[2]", "楼栋都有代")]
    assert not any("记错的" in str(c) for row in book_xlsx["回答"].iter_rows(values_only=True) for c in row if c)
    book_xlsx.close()
    wide = tmp_path / "wide.xlsx"
    export_workbook(master.path, wide, ExportOptions(layout="wide"))
    book_xlsx = openpyxl.load_workbook(wide, read_only=True)
    sheet = next(s for s in book_xlsx.worksheets if s.title.endswith("每个组织"))
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 and "业主委员会" in rows[1] and "老年协会" in rows[3]
    book_xlsx.close()
    wang.close()
    master.close()


def _rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]
