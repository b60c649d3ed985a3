"""REFI-QDA and CSV exports of what researchers coded in the database (core/coding), and importing a
codebook from another tool or study: the positions, memos, coders and emergent codes that leave,
the GUIDs that stay the same, and the files refused with nothing changed."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest

from yingzao import main
from yingzao.core import errors
from yingzao.core.coding import codebook as cb
from yingzao.core.coding import codings, memos
from yingzao.core.coding.codebook_import import import_codebook
from yingzao.core.coding.codings import Span
from yingzao.core.exchange.qdpx_read import read_qdpx
from yingzao.core.export import refi_model
from yingzao.core.export.refi_text import xml_safe
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store

from tests.export_study import build_study

CODER_A, CODER_B = "编码员甲", "编码员乙"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "refi-qda"


class Coded:
    def __init__(self, study, talent: str, flats: str, merged: str) -> None:
        self.study, self.path = study, study.path
        self.talent, self.flats, self.merged = talent, flats, merged


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> Coded:
    """The export study, coded by two researchers through core/coding: passages of answers and notes,
    emergent codes (one nested, one merged away), coding memos and memos on a code, an interview and a
    community; one coding deleted again."""
    study = build_study(tmp_path_factory.mktemp("coded") / "study.db")
    with Store(study.path, user=CODER_A) as store:
        book = cb.research_codebook(store)
        talent = cb.add_code(store, book, family="emergent", label_zh="人才引育", label_en="Talent", colour="#aa3311")
        book = cb.research_codebook(store)
        flats = cb.add_code(store, book, family="emergent", label_zh="人才公寓", parent=talent.id)
        temporary = cb.add_code(store, cb.research_codebook(store), family="emergent", label_zh="临时代码")
        book = cb.research_codebook(store)
        n = 0
        for key, interview_id in study.ids.items():
            protocol = store.protocol(store.interview(interview_id).protocol_sha256)
            for name, answer in store.answers(interview_id).items():
                question = protocol.question(name)
                for target, text in (("answer", answer.value), ("note", answer.note)):
                    if (question.type != "text" and target == "answer") or not isinstance(text, str) or len(text) < 6:
                        continue
                    store.user = CODER_A if n % 2 else CODER_B
                    n += 1
                    first = codings.apply_code(store, book, Span(interview_id, name, target, 0, 4), "DIM.ORG")
                    codings.apply_code(store, book, Span(interview_id, name, target, 2, len(text)), flats.id)
                    if n % 3 == 0:
                        codings.set_memo(store, first.id, f"{key} 的这段可作为例证")
                    if n == 1:
                        codings.apply_code(store, book, Span(interview_id, name, target, 1, 5), temporary.id)
                        gone = codings.apply_code(store, book, Span(interview_id, name, target, 1, 3), "DIM.SPACE")
                        codings.remove_coding(store, gone.id)
        assert n > 6
        store.user = CODER_A
        cb.merge_codes(store, cb.research_codebook(store), temporary.id, talent.id)
        book = cb.research_codebook(store)
        memos.add_memo(store, book, "code", talent.id, "人才引育：吸引和留住人才的做法")
        memos.add_memo(store, book, "interview", study.ids["O1"], "王建国的访谈可作为典型案例")
        memos.add_memo(store, book, "community", "A", f"A社区以市场动员为主（{CODER_B}的判断）")
    return Coded(study, talent.id, flats.id, temporary.id)


@pytest.fixture(scope="module")
def exported(coded, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qdpx") / "coded.qdpx"
    assert main.main(["qdpx", "--db", str(coded.path), "--out", str(out)]) == 0
    return out


def _live(path: Path):
    with Store(path, read_only=True) as store:
        return store.coding.codings(), store.coding.memos(), cb.research_codebook(store)


def test_every_database_coding_selects_exactly_its_quote(coded, exported):
    live, _memos, book = _live(coded.path)
    read = read_qdpx(exported)
    found = {
        coding.guid: (source, selection, coding)
        for source in read.sources
        for selection in source.selections
        for coding in selection.codings
    }
    assert sorted(found) == sorted(c.id for c in live)  # the deleted one is not among them
    users = read.users
    whole = 0
    for coding in live:
        source, selection, back = found[coding.id]
        assert source.guid == refi_model.source_guid(coding.interview_id)
        if coding.quote == str(_stored_value(coded.path, coding)):
            # a whole answer: a choice shows its labels, not the codes it stores, so the whole line is selected
            assert selection.end > selection.start and source.text[selection.start - 1] == "\n"
            assert source.text[selection.end : selection.end + 1] in ("\n", "")
            whole += 1
        if coding.quote != str(_stored_value(coded.path, coding)) or coding.target == "note" or _is_text(coded, coding):
            assert source.text[selection.start : selection.end] == xml_safe(coding.quote.replace("\r\n", "\n"))
        assert back.code_guid == cb.code_guid(book.resolve(coding.code))
        assert users[back.creating_user] == coding.coder
    assert {CODER_A, CODER_B, "陈研究员"} <= set(users.values())
    assert whole > 0  # the protocol's suggestions the researcher accepted: whole answers


def _stored_value(path: Path, coding) -> object:
    with Store(path, read_only=True) as store:
        answer = store.answer(coding.interview_id, coding.question)
    assert answer is not None
    return answer.value if coding.target == "answer" else answer.note


def _is_text(coded: Coded, coding) -> bool:
    with Store(coded.path, read_only=True) as store:
        protocol = store.protocol(store.interview(coding.interview_id).protocol_sha256)
    return protocol.question(coding.question).type == "text"


def test_a_merged_codes_codings_carry_its_successor(coded, exported):
    read = read_qdpx(exported)
    merged_guid, talent_guid = cb.code_guid(coded.merged), cb.code_guid(coded.talent)
    refs = [c.code_guid for s in read.sources for sel in s.selections for c in sel.codings]
    assert merged_guid not in refs and talent_guid in refs
    codes = {c.guid: c for c in read.codes}
    assert not codes[merged_guid].codable and codes[talent_guid].codable


def test_memos_and_coding_memos_arrive_as_notes_linked_to_what_they_annotate(coded, exported):
    live, stored_memos, _book = _live(coded.path)
    read = read_qdpx(exported)
    texts = {n.text for n in read.notes.values()}
    assert {m.text for m in stored_memos} <= texts
    assert {c.memo for c in live if c.memo} <= texts
    by_coding = {c.guid: c for s in read.sources for sel in s.selections for c in sel.codings}
    for coding in live:
        if coding.memo:
            note = read.notes[refi_model.stable_guid("coding-memo", coding.id)]
            assert note.guid in by_coding[coding.id].notes and note.text == coding.memo
            assert read.users[note.creating_user] == coding.coder
    talent = next(c for c in read.codes if c.guid == cb.code_guid(coded.talent))
    assert talent.notes and read.notes[talent.notes[0]].text == "人才引育：吸引和留住人才的做法"
    o1 = next(s for s in read.sources if s.guid == refi_model.source_guid(coded.study.ids["O1"]))
    assert [read.notes[g].text for g in o1.notes] == ["王建国的访谈可作为典型案例"]


@pytest.mark.skipif(not (SHARED / "Project.xsd").exists(), reason="REFI-QDA's Project.xsd is not in the shared folder")
def test_the_coded_project_validates(exported):
    xmlschema = pytest.importorskip("xmlschema")
    with zipfile.ZipFile(exported) as archive:
        xmlschema.XMLSchema(str(SHARED / "Project.xsd")).validate(archive.read("project.qde"))


def test_emergent_codes_have_one_guid_in_qdc_qdpx_and_every_export(coded, exported, tmp_path):
    qdc_a, qdc_b = tmp_path / "a.qdc", tmp_path / "b.qdc"
    assert main.main(["qdc", "--db", str(coded.path), "--out", str(qdc_a)]) == 0
    assert main.main(["qdc", "--db", str(coded.path), "--out", str(qdc_b), "--lang", "en"]) == 0
    second = tmp_path / "again.qdpx"
    assert main.main(["qdpx", "--db", str(coded.path), "--out", str(second)]) == 0
    text = qdc_a.read_text(encoding="utf-8")
    for code_id in (coded.talent, coded.flats):
        guid = cb.code_guid(code_id)
        assert guid == refi_model.code_guid(code_id)  # one scheme for the coding core and the writer
        assert f'guid="{guid}"' in text and f'guid="{guid}"' in qdc_b.read_text(encoding="utf-8")
        assert guid in {c.guid for c in read_qdpx(exported).codes} & {c.guid for c in read_qdpx(second).codes}
    # the emergent child is nested under its parent, with the researcher's colour
    assert text.index(cb.code_guid(coded.flats)) > text.index(cb.code_guid(coded.talent))
    assert re.search(rf'guid="{cb.code_guid(coded.talent)}" name="人才引育" isCodable="true" color="#AA3311"', text)


def test_anonymised_project_names_no_coder_and_scrubs_memos(coded, tmp_path):
    out = tmp_path / "anon.qdpx"
    assert main.main(["qdpx", "--db", str(coded.path), "--out", str(out), "--anonymize"]) == 0
    with zipfile.ZipFile(out) as archive:
        everything = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    for name in (CODER_A, CODER_B, "陈研究员", *coded.study.identifying):
        assert name not in everything, name
    read = read_qdpx(out)
    texts = {n.text for n in read.notes.values()}
    assert "R01的访谈可作为典型案例" in texts
    coder_b = set(read.users.values()) & {t[-7:-4] for t in texts if t.startswith("A社区")}
    assert len(coder_b) == 1  # the coder a memo names is shown by the code the project gives them
    assert all(re.fullmatch(r"[FU]\d\d", name) for name in read.users.values())


def test_codings_csv_rows_are_the_databases_live_codings(coded, tmp_path):
    folder = tmp_path / "csv"
    assert main.main(["export", "--db", str(coded.path), "--csv", str(folder)]) == 0
    with open(folder / "codings.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    live, _memos, book = _live(coded.path)
    assert sorted((r["coding_id"], r["code_id"], r["coder"]) for r in rows) == sorted(
        (c.id, book.resolve(c.code), c.coder) for c in live
    )
    passages = {r["coding_id"]: r["text"] for r in rows}
    assert all(passages[c.id] == c.quote for c in live if c.origin == "coded")
    assert all(passages[c.id] for c in live)  # an accepted suggestion: the whole answer, as labels
    with open(folder / "codebook.csv", encoding="utf-8-sig", newline="") as f:
        codebook_ids = {r["code_id"] for r in csv.DictReader(f)}
    assert {coded.talent, coded.flats, coded.merged} <= codebook_ids


def test_a_database_missing_is_said_so(tmp_path, capsys):
    assert main.main(["qdc", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "x.qdc")]) == 1
    assert "none.db" in capsys.readouterr().err
    assert not (tmp_path / "x.qdc").exists()


# -- importing a codebook -------------------------------------------------------------------------


def _fresh(path: Path) -> Path:
    with Store(path, user="另一位研究者") as store:
        load_library(store)
    return path


def _codebook_state(path: Path):
    with Store(path, read_only=True) as store:
        return store.coding.code_rows(), store.coding.aliases(), len(store.coding.audit("code"))


def test_a_codebook_exported_from_a_database_matches_it_all(coded, tmp_path, capsys):
    qdc = tmp_path / "book.qdc"
    assert main.main(["qdc", "--db", str(coded.path), "--out", str(qdc)]) == 0
    before = _codebook_state(coded.path)
    copy = tmp_path / "copy.db"
    with Store(coded.path, read_only=True) as store:
        store.backup(copy)
    capsys.readouterr()
    assert main.main(["import-codebook", "--db", str(copy), str(qdc)]) == 0
    out = capsys.readouterr().out
    assert "新增 0 个代码" in out and "冲突 0 个" in out
    with Store(copy) as store:
        report = import_codebook(store, qdc)
    assert not report.added and not report.conflicts
    assert len(report.matched) == len(_live(coded.path)[2].codes)
    assert _codebook_state(copy)[0] == before[0]


def test_into_a_fresh_database_the_researchers_codes_are_added_nested(coded, tmp_path):
    qdc = tmp_path / "book.qdc"
    assert main.main(["qdc", "--db", str(coded.path), "--out", str(qdc)]) == 0
    fresh = _fresh(tmp_path / "fresh.db")
    with Store(fresh, user="另一位研究者") as store:
        report = import_codebook(store, qdc)
        book = cb.research_codebook(store)
    added = {c.label_zh: c for c in report.added}
    assert set(added) == {"人才引育", "人才公寓", "临时代码"}
    assert added["人才公寓"].parent == added["人才引育"].id and added["人才引育"].family == "emergent"
    assert book.colour(added["人才引育"].id) == "#AA3311"
    assert not book.get(added["临时代码"].id).codable  # merged there: a code nobody codes with any more
    assert not report.conflicts
    # imported again: everything matches now, nothing is added twice
    with Store(fresh) as store:
        again = import_codebook(store, qdc)
    assert not again.added and not again.conflicts
    # the same file into another database gives the same ids, so the same GUIDs
    other = _fresh(tmp_path / "other.db")
    with Store(other) as store:
        assert sorted(c.id for c in import_codebook(store, qdc).added) == sorted(c.id for c in report.added)


def test_a_renamed_or_moved_code_is_reported_and_not_changed(tmp_path):
    fresh = _fresh(tmp_path / "fresh.db")
    with Store(fresh) as store:
        book = cb.research_codebook(store)
        parent = cb.add_code(store, book, family="emergent", label_zh="人才引育")
        other = cb.add_code(store, cb.research_codebook(store), family="emergent", label_zh="社区基金")
        child = cb.add_code(
            store, cb.research_codebook(store), family="emergent", label_zh="人才公寓", parent=parent.id
        )
    guid = cb.code_guid
    qdc = tmp_path / "theirs.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{guid(parent.id)}" name="人才政策" isCodable="true"/>'
        f'<Code guid="{guid(other.id)}" name="社区基金" isCodable="true">'
        '<Code guid="0e0e0e0e-1111-2222-3333-444444444444" name="人才公寓" isCodable="true"/></Code>'
        '<Code guid="0e0e0e0e-1111-2222-3333-555555555555" name="Volunteer time bank" isCodable="true">'
        "<Description>Hours given, hours taken</Description>"
        '<Code guid="0e0e0e0e-1111-2222-3333-666666666666" name="积分兑换" isCodable="true"/></Code>'
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    before = _codebook_state(fresh)[0]
    with Store(fresh) as store:
        report = import_codebook(store, qdc)
        book = cb.research_codebook(store)
    assert {(c.code_id, c.what) for c in report.conflicts} == {(parent.id, "name"), (child.id, "parent")}
    assert book.get(parent.id).label_zh == "人才引育" and book.get(child.id).parent == parent.id
    bank = next(c for c in report.added if c.label_en == "Volunteer time bank")
    assert bank.family == "emergent" and bank.definition_en == "Hours given, hours taken"
    assert next(c for c in report.added if c.label_zh == "积分兑换").parent == bank.id
    assert [r for r in _codebook_state(fresh)[0] if r.id in (parent.id, other.id, child.id)] == [
        r for r in before if r.id in (parent.id, other.id, child.id)
    ]


def test_a_codebook_csv_is_imported_with_its_own_ids(coded, tmp_path):
    out = tmp_path / "codebook.csv"
    assert main.main(["codebook", "--db", str(coded.path), "--out", str(out)]) == 0
    fresh = _fresh(tmp_path / "fresh.db")
    assert main.main(["import-codebook", "--db", str(fresh), str(out)]) == 0
    with Store(fresh, read_only=True) as store:
        book = cb.research_codebook(store)
    assert book.get(coded.flats).parent == coded.talent  # the same ids, so the same GUIDs
    assert not book.has(coded.merged)  # merged away in the file: its codings are not coming with it


HOSTILE = {
    "doctype.qdc": '<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa">]>'
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="0e0e0e0e-1111-2222-3333-444444444444" '
    'name="&a;" isCodable="true"/></Codes></CodeBook>',
    "external.qdc": '<?xml version="1.0"?><!DOCTYPE CodeBook SYSTEM "file:///etc/passwd">'
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>',
    "broken.qdc": '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="断开',
    "project.qdc": '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>',
    "empty.qdc": "",
    "deep.qdc": '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    + '<Code guid="0e0e0e0e-1111-2222-3333-444444444444" name="深" isCodable="true">' * 100
    + "</Code>" * 100
    + "</Codes></CodeBook>",
    "workbook.xlsx": "PK\x03\x04 not a codebook",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_or_foreign_files_are_refused_and_change_nothing(name, tmp_path, capsys):
    fresh = _fresh(tmp_path / "fresh.db")
    path = tmp_path / name
    path.write_text(HOSTILE[name], encoding="utf-8")
    before = _codebook_state(fresh)
    assert main.main(["import-codebook", "--db", str(fresh), str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{name} 不是可导入的编码表" in err and "编码表没有任何改动" in err
    assert _codebook_state(fresh) == before


def test_the_refusal_speaks_english_too(tmp_path, english_errors, capsys):
    fresh = _fresh(tmp_path / "fresh.db")
    path = tmp_path / "broken.qdc"
    path.write_text("<CodeBook", encoding="utf-8")
    assert main.main(["--lang", "en", "import-codebook", "--db", str(fresh), str(path)]) == 1
    assert "is not a codebook that can be imported" in capsys.readouterr().err


def test_a_code_that_cannot_be_added_leaves_the_whole_import_undone(tmp_path):
    fresh = _fresh(tmp_path / "fresh.db")
    qdc = tmp_path / "bad.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="0e0e0e0e-1111-2222-3333-444444444444" name="好代码" isCodable="true"/>'
        '<Code guid="0e0e0e0e-1111-2222-3333-555555555555" name="   " isCodable="true"/>'
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    before = _codebook_state(fresh)
    with Store(fresh) as store, pytest.raises(errors.CodingError):
        import_codebook(store, qdc)
    assert _codebook_state(fresh) == before
