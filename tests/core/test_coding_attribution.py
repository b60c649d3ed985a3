"""A coded passage of a city official's interview attributed to the communities it is about (issue 17,
point 2): stored and upgraded, validated and audited, carried by packages (older packages too), and
honoured by the export's per-community sheets."""

from __future__ import annotations

import json

import openpyxl
import pytest

from yingzao.core.coding import codings
from yingzao.core.coding.codebook import research_codebook
from yingzao.core.coding.codings import Span
from yingzao.core.errors import CodingError
from yingzao.core.exchange.coding_member import CODING
from yingzao.core.exchange.merge import MERGED, REFUSED, merge_package
from yingzao.core.exchange.package import pack_session
from yingzao.core.export.workbook import ExportOptions, export_workbook
from yingzao.core.forms.library import load_library
from yingzao.core.store import driver, migrations
from yingzao.core.store.database import Store

from tests.core.package_edit import members_of, reseal, write_members
from tests.export_study import table

ANSWER = "A社区的居民议事会很活跃。B社区靠企业出钱办服务。两个社区都在变。"
ABOUT_A = "A社区的居民议事会很活跃"
ABOUT_B = "B社区靠企业出钱办服务"
ABOUT_BOTH = "两个社区都在变"
QUESTION = "fac_industry_type"


def official_interview(store: Store, discussed: str = "A B") -> str:
    library = load_library(store)
    for community in ("A", "B", "C"):
        store.add_community(community, f"{community}社区")
    official = library.by_role("official")[0]
    interview = store.start_interview(official.sha256, community_id=None)
    for name, value in {"consent": "yes", "resp_case": "city_level", QUESTION: ANSWER}.items():
        store.save_answer(interview, name, value)
    if discussed:
        store.save_answer(interview, "communities_discussed", discussed)
    return interview


def factor_code(store: Store, interview_id: str) -> str:
    book = research_codebook(store)
    protocol = store.protocol(store.interview(interview_id).protocol_sha256)
    return next(c for c in protocol.question(QUESTION).codes if book.get(c).family == "factor")


def code(store: Store, interview_id: str, phrase: str, code_id: str | None = None):
    start = ANSWER.index(phrase)
    span = Span(interview_id, QUESTION, "answer", start, start + len(phrase))
    return codings.apply_code(store, research_codebook(store), span, code_id or factor_code(store, interview_id))


# -- the core action ------------------------------------------------------------------------------


def test_a_coding_is_attributed_to_discussed_communities_only_and_every_change_is_audited(tmp_path):
    with Store(tmp_path / "study.db", user="李研究") as store:
        interview = official_interview(store)
        coding = code(store, interview, ABOUT_A)
        assert coding.communities == "" and codings.attributable(store, interview) == ("A", "B")
        # in the project's order, each once, whatever order they were ticked in
        assert codings.attribute(store, coding.id, ["B", "A", "B"]).communities == "A B"
        with pytest.raises(CodingError) as refused:
            codings.attribute(store, coding.id, ["A", "C"])  # C exists, but was not discussed
        assert refused.value.code == "coding_attribution_refused" and "C" in str(refused.value)
        with pytest.raises(CodingError):
            codings.attribute(store, coding.id, ["Z"])  # no such community at all
        assert store.coding.coding(coding.id).attributed == ("A", "B")  # the refusals changed nothing
        assert codings.attribute(store, coding.id, ["A"]).attributed == ("A",)
        assert codings.attribute(store, coding.id, []).communities == ""  # cleared
        audit = store.coding.audit("coding", coding.id)
        assert [e.action for e in audit] == ["created", "attributed", "attributed", "attributed"]
        assert [json.loads(e.new)["communities"] for e in audit[1:]] == ["A B", "A", ""]
        assert json.loads(audit[2].old)["communities"] == "A B"
        assert all(e.user == "李研究" for e in audit)
        # an interview filed under a community: only its own
        library = load_library(store)
        filed = store.start_interview(library.by_role("cadre")[0].sha256, community_id="B")
        assert codings.attributable(store, filed) == ("B",)


def test_a_removed_coding_cannot_be_attributed(tmp_path):
    with Store(tmp_path / "study.db", user="李研究") as store:
        interview = official_interview(store)
        coding = code(store, interview, ABOUT_A)
        codings.remove_coding(store, coding.id)
        with pytest.raises(CodingError):
            codings.attribute(store, coding.id, ["A"])


# -- the store ------------------------------------------------------------------------------------


def test_the_attribution_survives_reopening_and_a_schema_8_file_is_upgraded(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    with monkeypatch.context() as old:  # a file as the previous version of Yingzao left it
        old.setattr("yingzao.core.store.database.MIGRATIONS", migrations.MIGRATIONS[:8])
        old.setattr("yingzao.core.store.database.LATEST", 8)
        with Store(path, user="李研究") as store:
            interview = official_interview(store)
            store.conn.execute(
                "INSERT INTO codings VALUES ('c-old', ?, ?, 'answer', 0, 3, ?, 'DIM.ORG', '李研究', 'coded', '', 0,"
                " '', 'live', 'ok', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '李研究', 'd')",
                (interview, QUESTION, ANSWER[:3]),
            )
            store.conn.commit()
            assert store.schema_version == 8
    conn = driver.connect(path)
    assert "communities" not in {row[1] for row in conn.execute("PRAGMA table_info(codings)")}
    conn.close()
    with Store(path, user="李研究") as store:
        assert store.schema_version == migrations.LATEST >= 9
        held = store.coding.coding("c-old")
        assert (held.quote, held.communities) == (ANSWER[:3], "")
        codings.attribute(store, "c-old", ["B"])
    with Store(path, user="李研究") as store:
        assert store.coding.coding("c-old").attributed == ("B",)
        assert [c.communities for c in store.coding.changed_since("")["coding"]] == ["B"]


# -- packages -------------------------------------------------------------------------------------


def _researcher_package(tmp_path):
    researcher = tmp_path / "researcher.db"
    with Store(researcher, user="李研究") as store:
        interview = official_interview(store)
        first = code(store, interview, ABOUT_A)
        second = code(store, interview, ABOUT_B)
        codings.attribute(store, first.id, ["A"])
        codings.attribute(store, second.id, ["B", "A"])
        package = pack_session(store, tmp_path / "researcher.yzpack", all_interviews=True).path
    return package, first.id, second.id


def _edited(package, out, edit):
    members = members_of(package)
    lines = [json.loads(line) for line in members[CODING].splitlines() if line]
    for line in lines:
        if line["kind"] == "coding":
            edit(line["record"])
    members[CODING] = ("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n").encode()
    return write_members(out, reseal(members))


def test_a_package_carries_the_attribution_and_an_older_package_without_it_still_merges(tmp_path):
    package, first, second = _researcher_package(tmp_path)
    with Store(tmp_path / "master.db", user="总研究者") as master:
        assert merge_package(master, package).status == MERGED
        assert (master.coding.coding(first).communities, master.coding.coding(second).communities) == ("A", "A B")
    older = _edited(package, tmp_path / "older.yzpack", lambda record: record.pop("communities"))
    assert b'"communities"' not in members_of(older)[CODING]
    with Store(tmp_path / "master2.db", user="总研究者") as master:
        assert merge_package(master, older).status == MERGED
        assert [c.communities for c in master.coding.codings()] == ["", ""]


def test_a_later_attribution_wins_a_merge_whichever_package_comes_first(tmp_path):
    package, first, _second = _researcher_package(tmp_path)
    with Store(tmp_path / "researcher.db", user="李研究") as store:
        codings.attribute(store, first, [])
        later = pack_session(store, tmp_path / "later.yzpack").path
    for n, order in enumerate(((package, later), (later, package))):
        with Store(tmp_path / f"m{n}.db", user="总研究者") as master:
            for item in order:
                assert merge_package(master, item).status == MERGED
            assert master.coding.coding(first).communities == ""


@pytest.mark.parametrize("value", [7, "A  B", " A", "A" * 2000, ["A"]])
def test_a_malformed_attribution_refuses_the_package(tmp_path, value):
    package, _first, _second = _researcher_package(tmp_path)
    forged = _edited(package, tmp_path / "forged.yzpack", lambda record: record.update(communities=value))
    with Store(tmp_path / "master.db", user="总研究者") as master:
        report = merge_package(master, forged)
        assert report.status == REFUSED and "格式错误" in report.reason
        assert master.coding.codings() == []


# -- the export -----------------------------------------------------------------------------------


def test_the_per_community_sheets_count_an_attributed_coding_only_for_its_communities(tmp_path):
    db = tmp_path / "study.db"
    with Store(db, user="李研究") as store:
        interview = official_interview(store)
        factor = factor_code(store, interview)
        label = research_codebook(store).get(factor).label("zh")
        about_a = code(store, interview, ABOUT_A)
        about_b = code(store, interview, ABOUT_B)
        code(store, interview, ABOUT_BOTH)  # not attributed: counts for A and for B
        codings.attribute(store, about_a.id, ["A"])
        codings.attribute(store, about_b.id, ["B"])
        store.finalize(interview)
    out = tmp_path / "out.xlsx"
    export_workbook(db, out, ExportOptions())
    book = openpyxl.load_workbook(out)
    factors = {r["社区"]: r for r in table(book["社区×影响因素（图2）"])}
    quotes_a = factors["A"][f"{label}·编码引述"]
    assert ABOUT_A in quotes_a and ABOUT_BOTH in quotes_a and ABOUT_B not in quotes_a
    quotes_b = factors["B"][f"{label}·编码引述"]
    assert ABOUT_B in quotes_b and ABOUT_BOTH in quotes_b and ABOUT_A not in quotes_b
    assert [factors[c][f"{label}·有证据的访谈数"] for c in ("A", "B", "C")] == [1, 1, 0]
    matrix = {r["代码"]: r for r in table(book["编码矩阵-社区"])}
    assert [matrix[factor][f"{g}·编码数"] for g in ("全部社区", "A", "B", "C")] == [3, 2, 2, 0]
    rows = {r["引述原文"]: r for r in table(book["编码"])}
    assert [rows[q]["归属社区"] for q in (ABOUT_A, ABOUT_B, ABOUT_BOTH)] == ["A", "B", None]


def test_an_attribution_no_longer_discussed_falls_back_to_every_community_discussed(tmp_path):
    db = tmp_path / "study.db"
    with Store(db, user="李研究") as store:
        interview = official_interview(store)
        factor = factor_code(store, interview)
        label = research_codebook(store).get(factor).label("zh")
        codings.attribute(store, code(store, interview, ABOUT_A).id, ["A"])
        store.save_answer(interview, "communities_discussed", "B C")  # the answer corrected since
    out = tmp_path / "out.xlsx"
    export_workbook(db, out, ExportOptions())
    factors = {r["社区"]: r for r in table(openpyxl.load_workbook(out)["社区×影响因素（图2）"])}
    assert [factors[c][f"{label}·有证据的访谈数"] for c in ("A", "B", "C")] == [0, 1, 1]


def test_the_matrix_by_community_counts_as_the_export_does(tmp_path):
    from yingzao.core.coding.matrix import BY_COMMUNITY, NONE, matrix_query, segments

    with Store(tmp_path / "study.db", user="李研究") as store:
        interview = official_interview(store)
        factor = factor_code(store, interview)
        about_a = code(store, interview, ABOUT_A)
        about_b = code(store, interview, ABOUT_B)
        both = code(store, interview, ABOUT_BOTH)  # not attributed: counts for A and for B
        codings.attribute(store, about_a.id, ["A"])
        codings.attribute(store, about_b.id, ["B"])
        unsaid = official_interview(store, discussed="")  # discussed nothing: its own column
        code(store, unsaid, ABOUT_BOTH, factor)
        book = research_codebook(store)
        matrix = matrix_query(store, book, [factor], BY_COMMUNITY)
        assert matrix.columns == ["A", "B", NONE]
        assert [matrix.cell(factor, c) for c in ("A", "B", "C", NONE)] == [(1, 2), (1, 2), (0, 0), (1, 1)]
        assert [c.quote for c in segments(store, book, factor, BY_COMMUNITY, "A")] == [ABOUT_A, ABOUT_BOTH]
        assert [c.quote for c in segments(store, book, factor, BY_COMMUNITY, "B")] == [ABOUT_B, ABOUT_BOTH]
        codings.attribute(store, both.id, ["A"])  # now nothing of it is about B but the passage on B
        assert matrix_query(store, book, [factor], BY_COMMUNITY).cell(factor, "A") == (1, 2)
        assert matrix_query(store, book, [factor], BY_COMMUNITY).cell(factor, "B") == (1, 1)
        codings.attribute(store, about_b.id, [])
        codings.attribute(store, both.id, ["A"])
        assert matrix_query(store, book, [factor], BY_COMMUNITY).cell(factor, "B") == (1, 1)


def test_the_qdpx_cases_hold_each_attributed_passage_of_a_city_officials_interview(tmp_path):
    import re
    import zipfile
    from pathlib import Path

    from yingzao import main
    from yingzao.core.export.refi_model import stable_guid

    db = tmp_path / "study.db"
    with Store(db, user="李研究") as store:
        interview = official_interview(store)
        about_a = code(store, interview, ABOUT_A)
        about_b = code(store, interview, ABOUT_B)
        both = code(store, interview, ABOUT_BOTH)
        codings.attribute(store, about_a.id, ["A"])
        codings.attribute(store, about_b.id, ["B"])
        store.finalize(interview)
    out = tmp_path / "study.qdpx"
    assert main.main(["qdpx", "--db", str(db), "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        project = archive.read("project.qde").decode("utf-8")
    cases = {
        name: set(re.findall(r'<SelectionRef targetGUID="([^"]+)"', body))
        for name, body in re.findall(r'<Case guid="[^"]+" name="([^"]+)">(.*?)</Case>', project, re.S)
    }
    selection = {c.quote: stable_guid("selection", c.id) for c in (about_a, about_b, both)}
    assert cases["A社区"] == {selection[ABOUT_A], selection[ABOUT_BOTH]}
    assert cases["B社区"] == {selection[ABOUT_B], selection[ABOUT_BOTH]}
    assert "C社区" not in cases  # not discussed: no case of its own from this interview
    shared = Path(__file__).resolve().parents[3] / "shared" / "refi-qda" / "Project.xsd"
    if shared.exists():
        xmlschema = pytest.importorskip("xmlschema")
        xmlschema.XMLSchema(str(shared)).validate(project)
