"""REFI-QDA export (.qdc, .qdpx) and Yingzao's own reader: schema validity, positions that select
exactly the coded text, the round trip of codes, codings, memos and variables, anonymisation, and
what must never be left behind."""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from pathlib import Path

import pytest

from yingzao.core import errors
from yingzao.core.exchange.qdpx_read import read_qdpx
from yingzao.core.export.refi_model import (
    QdaCoding,
    QdaNote,
    QdaUser,
    code_guid,
    codes_from_codebook,
    source_guid,
    stable_guid,
    user_guid,
)
from yingzao.core.export.refi_text import xml_safe
from yingzao.core.export.refi_write import write_qdc, write_qdpx
from yingzao.core.store.database import Store

from bench.make_data import synthetic_codings
from tests.export_study import CHENGDU, build_study

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "refi-qda"
needs_schema = pytest.mark.skipif(
    not (SHARED / "Project.xsd").exists(), reason=f"REFI-QDA's Project.xsd is not at {SHARED} (shared folder absent)"
)


def _schema():
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is a test extra: pip install -e .[test]")
    return xmlschema.XMLSchema(str(SHARED / "Project.xsd"))


GIVEN = "11111111-2222-3333-4444-555555555555"  # a coder's GUID as the coding core would give it


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("refi") / "study.db")


@pytest.fixture(scope="module")
def codes(codebook_module):
    return codes_from_codebook(codebook_module, "zh")


@pytest.fixture(scope="module")
def codebook_module():
    from yingzao.core import paths
    from yingzao.core.forms.codebook import load_codebook

    return load_codebook(paths.CODEBOOK_PATH)


@pytest.fixture(scope="module")
def codings(study, codes):
    with Store(study.path, read_only=True) as store:
        found = list(synthetic_codings(store, [c.id for c in codes if c.codable], per_text=3, seed=5))
    assert len(found) > 60
    return found


@pytest.fixture(scope="module")
def notes(study, codings):
    return [
        QdaNote(
            stable_guid("t", "n1"),
            "组织创新的操作化定义：\n以党建联席会议为例",
            "李研究",
            dt.datetime(2021, 5, 2),
            "code",
            "DIM.ORG",
        ),
        QdaNote(stable_guid("t", "n2"), "王建国的访谈可作为典型案例", "李研究", None, "interview", study.ids["O1"]),
        QdaNote(stable_guid("t", "n3"), "A社区以市场动员为主", "赵调研", None, "community", "A"),
        QdaNote(stable_guid("t", "n4"), "此处编码存疑", "合成研究员A", None, "coding", codings[0].guid),
    ]


@pytest.fixture(scope="module")
def project(study, codes, codings, notes, tmp_path_factory):
    out = tmp_path_factory.mktemp("qdpx") / "study.qdpx"
    result = write_qdpx(
        study.path, out, codes=codes, codings=codings, notes=notes, users=[QdaUser("李研究", GIVEN)], tz=CHENGDU
    )
    return out, result


def _stored(study, interview_id: str, question: str, target: str) -> str:
    with Store(study.path, read_only=True) as store:
        answer = store.answer(interview_id, question)
    assert answer is not None
    return str(answer.value) if target == "answer" else answer.note or ""


@needs_schema
def test_the_project_validates_against_refi_qda_project_schema(project):
    out, _ = project
    with zipfile.ZipFile(out) as archive:
        _schema().validate(archive.read("project.qde"))


def test_one_utf8_source_without_bom_per_interview(project, study):
    out, result = project
    with zipfile.ZipFile(out) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("Sources/"))
        assert names == sorted(f"Sources/{source_guid(i)}.txt" for i in study.ids.values())
        for name in names:
            data = archive.read(name)
            assert not data.startswith(b"\xef\xbb\xbf")
            data.decode("utf-8")
    assert result.sources == len(study.ids)
    text = next(s.text for s in read_qdpx(out).sources if s.guid == source_guid(study.ids["K1"]))
    # a readable transcript: question label, then the answer
    assert "心理驿站为流水线员工提供免费的矛盾调解" in text and "张丽" in text


def test_every_coding_selects_exactly_the_coded_text(project, study, codings):
    out, result = project
    read = read_qdpx(out)
    selections = {
        coding.guid: (source, selection)
        for source in read.sources
        for selection in source.selections
        for coding in selection.codings
    }
    assert result.codings == len(codings) and result.skipped_codings == 0
    assert len(selections) == len(codings)
    for coding in codings:
        source, selection = selections[coding.guid]
        assert source.guid == source_guid(coding.interview_id)
        stored = _stored(study, coding.interview_id, coding.question, coding.target)
        assert source.text[selection.start : selection.end] == xml_safe(_lines(stored[coding.start : coding.end]))


def test_round_trip_codes_codings_memos_and_variables(project, study, codes, codings, notes):
    out, _ = project
    read = read_qdpx(out)
    assert [(c.guid, c.name, c.codable, c.colour, c.description) for c in read.codes] == [
        (c.guid, c.name, c.codable, c.colour, c.description) for c in codes
    ]
    parents = {c.guid: c.parent for c in read.codes}
    for code in codes:
        assert parents[code.guid] == (code_guid(code.parent_id) if code.parent_id else None)
    users = read.users
    by_guid = {c.guid: c for s in read.sources for sel in s.selections for c in sel.codings}
    for coding in codings:
        back = by_guid[coding.guid]
        assert back.code_guid == code_guid(coding.code_id)
        assert users[back.creating_user] == coding.coder
        assert back.created == coding.created_at.isoformat()
    # memos, each linked to what it annotates
    assert {n.guid: n.text for n in read.notes.values()} == {n.guid: n.text for n in notes}
    assert notes[0].guid in next(c for c in read.codes if c.guid == code_guid("DIM.ORG")).notes
    assert notes[1].guid in next(s for s in read.sources if s.guid == source_guid(study.ids["O1"])).notes
    assert (notes[2].guid, stable_guid("community", "A")) in read.links
    assert notes[3].guid in by_guid[codings[0].guid].notes
    assert users[read.notes[notes[1].guid].creating_user] == "李研究"
    assert users[GIVEN] == "李研究"
    # every coder and author is declared as a user
    assert users[read.notes[notes[2].guid].creating_user] == "赵调研"
    # variables: on each source, on each respondent's and each community's case
    names = {v.guid: v.name for v in read.variables.values()}
    o1 = next(s for s in read.sources if s.guid == source_guid(study.ids["O1"]))
    values = {names[g]: v for g, v in o1.values.items()}
    assert values["受访者类型"] == "官员" and values["社区"] == "A社区" and values["访谈日期"] == "2021-03-02"
    assert values["访员"] == "李研究" and values["提纲版本"] == "2026.2"
    cases = {c.name: c for c in read.cases}
    assert cases["王建国"].sources == [source_guid(study.ids["O1"])]
    community = {names[g]: v for g, v in cases["A社区"].values.items()}
    assert community["社区"] == "A社区"
    assert "6338" in community.values() and "2.85" in community.values()  # the paper's facts, from the profile
    assert set(cases["A社区"].sources) == {source_guid(study.ids[k]) for k in ("O1", "S1", "PA")}
    kinds = {v.name: v.kind for v in read.variables.values()}
    assert kinds["访谈日期"] == "Date" and "Integer" in kinds.values()


def test_guids_are_the_same_in_every_export(study, codes, tmp_path):
    first = write_qdpx(study.path, tmp_path / "a.qdpx", codes=codes).path
    second = write_qdpx(study.path, tmp_path / "b.qdpx", codes=codes).path
    a, b = read_qdpx(first), read_qdpx(second)
    assert [c.guid for c in a.codes] == [c.guid for c in b.codes]
    assert sorted(s.guid for s in a.sources) == sorted(s.guid for s in b.sources)
    assert sorted(c.guid for c in a.cases) == sorted(c.guid for c in b.cases)


def test_anonymised_project_holds_no_identifying_value_anywhere(study, codes, codings, notes, tmp_path):
    out = tmp_path / "anon.qdpx"
    result = write_qdpx(
        study.path, out, codes=codes, codings=codings, notes=notes, users=[QdaUser("李研究", GIVEN)], anonymize=True
    )
    assert result.anonymized
    with zipfile.ZipFile(out) as archive:
        everything = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    for value in [*study.identifying, *study.fieldworkers, "清源社区"]:
        assert value not in everything, value
    read = read_qdpx(out)
    assert {"R01", "R02"} <= {c.name for c in read.cases}
    assert set(read.users.values()) == {"F01", "F02", "U01", "U02"}  # two researchers who never interviewed
    assert GIVEN not in read.users
    assert "R01的访谈可作为典型案例" in {n.text for n in read.notes.values()}


def test_filters_keep_only_the_chosen_interviews_and_their_codings(study, codes, codings, tmp_path):
    out = tmp_path / "b.qdpx"
    result = write_qdpx(study.path, out, codes=codes, codings=codings, community=["B"], role=["cadre"])
    read = read_qdpx(out)
    assert [s.guid for s in read.sources] == [source_guid(study.ids["K1"])]
    assert result.codings == sum(c.interview_id == study.ids["K1"] for c in codings) > 0


def test_control_characters_xml_forbids_never_reach_the_file(tmp_path, library_store, codes):
    store, library = library_store
    protocol = library.by_role("cadre")[0]
    interview = store.start_interview(protocol.sha256)
    question = next(q.name for q in protocol.questions if q.type == "text")
    store.save_answer(interview, question, "前\x01后\ufffe完")
    store.close()
    coding = QdaCoding(stable_guid("t", "c"), interview, question, "answer", 2, 4, "DIM.ORG")
    out = tmp_path / "x.qdpx"
    write_qdpx(store.path, out, codes=codes, codings=[coding])
    with zipfile.ZipFile(out) as archive:
        data = archive.read("project.qde") + b"".join(archive.read(n) for n in archive.namelist())
    assert b"\x01" not in data and "\ufffe".encode() not in data
    source = read_qdpx(out).sources[0]
    selection = source.selections[0]
    assert "前后完" in source.text and source.text[selection.start : selection.end] == "后"
    if (SHARED / "Project.xsd").exists():
        with zipfile.ZipFile(out) as archive:
            _schema().validate(archive.read("project.qde"))


def test_no_partial_file_on_cancel_and_the_old_file_is_kept(study, codes, tmp_path):
    out = tmp_path / "p.qdpx"
    out.write_bytes(b"the researcher's last good export")
    with pytest.raises(errors.ExportCancelled):
        write_qdpx(study.path, out, codes=codes, cancelled=lambda: True)
    assert out.read_bytes() == b"the researcher's last good export"
    assert [p.name for p in tmp_path.iterdir()] == ["p.qdpx"]


def test_bad_targets_are_refused_before_anything_is_written(study, codes, tmp_path):
    with pytest.raises(errors.ExportError) as missing:
        write_qdpx(study.path, tmp_path / "nowhere" / "p.qdpx", codes=codes)
    assert missing.value.code == "export_folder_missing"
    with pytest.raises(errors.ExportError) as suffix:
        write_qdpx(study.path, tmp_path / "p.zip", codes=codes)
    assert suffix.value.code == "export_wrong_suffix" and ".qdpx" in suffix.value.message
    assert list(tmp_path.iterdir()) == []


# -- the codebook ------------------------------------------------------------------------------


def test_codebook_file_nested_by_parent_with_stable_guids(codebook_module, tmp_path):
    codes = codes_from_codebook(codebook_module, "en")
    out = write_qdc(tmp_path / "codes.qdc", codes, "en").path
    text = out.read_text(encoding="utf-8")
    assert 'xmlns="urn:QDA-XML:codebook:1.0"' in text
    assert f'guid="{code_guid("DIM.ORG")}" name="Organisational innovation" isCodable="true"' in text
    # the scene family's goals are nested in their scene
    scene = next(c for c in codebook_module.codes if c.family == "scene" and codebook_module.children(c.id))
    child = codebook_module.children(scene.id)[0]
    assert text.index(code_guid(child.id)) > text.index(code_guid(scene.id))
    assert text.index(code_guid(child.id)) < text.index("</Code>", text.index(code_guid(scene.id)))
    again = write_qdc(tmp_path / "again.qdc", codes, "en").path.read_text(encoding="utf-8")
    assert again == text


@needs_schema
def test_codebook_has_the_project_schemas_codebook_structure(codebook_module, tmp_path):
    """No codebook schema is shipped; its CodeBook is the project schema's, so it is checked inside a Project."""
    out = write_qdc(tmp_path / "codes.qdc", codes_from_codebook(codebook_module, "zh")).path
    body = out.read_text(encoding="utf-8").split("?>", 1)[1]
    # the codebook schema's root carries the namespace and `origin`; inside a Project the CodeBook has neither
    body = re.sub(r"<CodeBook [^>]*>", "<CodeBook>", body, count=1)
    wrapped = f'<Project xmlns="urn:QDA-XML:project:1.0" name="x">{body}</Project>'
    _schema().validate(wrapped)


# -- random spans ------------------------------------------------------------------------------

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["社区", "营造", "党建", "😀", "👩🏽‍🔬", "\n", "\r\n", "a", " ", "“", "𠀋", "é"])


@pytest.fixture(scope="module")
def one_interview(tmp_path_factory):
    from yingzao.core.forms.library import load_library

    path = tmp_path_factory.mktemp("spans") / "spans.db"
    with Store(path, user="测试员") as store:
        protocol = load_library(store).by_role("cadre")[0]
        interview = store.start_interview(protocol.sha256)
        question = next(q.name for q in protocol.questions if q.type == "text")
    return path, interview, question


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECES, min_size=1, max_size=40), note=st.lists(_PIECES, max_size=20), data=st.data())
def test_random_spans_over_chinese_emoji_and_line_breaks_round_trip(one_interview, codes, tmp_path, pieces, note, data):
    path, interview, question = one_interview
    answer, note_text = "".join(pieces), "".join(note)
    with Store(path, user="测试员") as store:
        store.save_answer(interview, question, answer, note=note_text or None)
        saved = store.answer(interview, question)
    # codings are made on the text as stored (the store keeps no answer of blanks alone)
    answer = saved.value if saved and isinstance(saved.value, str) else ""
    note_text = saved.note or "" if saved else ""
    spans = []
    for target, text in (("answer", answer), ("note", note_text)):
        if not text:
            continue
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        # a span that cuts a "\r\n" in two has no place in a transcript whose line ends are "\n"
        assume(not any(0 < p < len(text) and text[p - 1 : p + 1] == "\r\n" for p in (start, end)))
        spans.append(QdaCoding(stable_guid("span", target), interview, question, target, start, end, "DIM.ORG", "甲"))
    out = tmp_path / f"spans-{random.random()}.qdpx"
    write_qdpx(path, out, codes=codes, codings=spans)
    source = read_qdpx(out).sources[0]
    found = {c.guid: s for s in source.selections for c in s.codings}
    for coding in spans:
        text = answer if coding.target == "answer" else note_text
        selection = found[coding.guid]
        assert source.text[selection.start : selection.end] == _lines(text[coding.start : coding.end])
    out.unlink()
    assert not spans or user_guid("甲") in {c.creating_user for s in source.selections for c in s.codings}
