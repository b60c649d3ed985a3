"""Start-up loads the study's protocols from the store; only a changed workbook is parsed again."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from yingzao.core import paths
from yingzao.core.forms import loader as form_loader
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store


@pytest.fixture
def forms(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    for path in [*paths.shipped_protocols(), paths.CODEBOOK_PATH]:
        shutil.copy(path, folder / path.name)
    return folder


def _workbooks(folder):
    return sorted(folder.glob("protocol_*.xlsx")) + sorted(folder.glob("profile_*.xlsx"))


def test_an_unchanged_workbook_is_never_parsed_again(tmp_path, forms, monkeypatch):
    store = Store(tmp_path / "s.db")
    first = load_library(store, _workbooks(forms), forms / "codebook.csv")
    assert len(first.protocols) == 4 and not first.problems

    def no_parsing(*_args, **_kwargs):
        raise AssertionError("parsed an unchanged workbook")

    monkeypatch.setattr(form_loader, "load_protocol", no_parsing)
    again = load_library(store, _workbooks(forms), forms / "codebook.csv")
    assert [p.sha256 for p in again.protocols] == [p.sha256 for p in first.protocols]
    assert again.codebook.has("DIM.ORG")  # still there when asked for
    store.close()


def test_an_edited_workbook_becomes_a_new_version_and_the_old_one_is_kept(tmp_path, forms):
    store = Store(tmp_path / "s.db")
    before = load_library(store, _workbooks(forms), forms / "codebook.csv").by_role("cadre")[0]
    interview = store.start_interview(before.sha256)
    path = forms / "protocol_cadre.xlsx"
    book = openpyxl.load_workbook(path)
    settings = book["settings"]
    column = [c.value for c in settings[1]].index("version") + 1
    settings.cell(row=2, column=column, value="2026.2")
    book.save(path)
    after = load_library(store, _workbooks(forms), forms / "codebook.csv").by_role("cadre")[0]
    assert after.version == "2026.2" and after.sha256 != before.sha256
    assert store.interview(interview).protocol_version == before.version  # taken with the old one
    assert store.protocol(before.sha256).version == before.version
    store.close()


def test_a_codebook_edit_that_removes_a_used_code_is_reported(tmp_path, forms):
    store = Store(tmp_path / "s.db")
    load_library(store, _workbooks(forms), forms / "codebook.csv")
    codebook = forms / "codebook.csv"
    lines = codebook.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    codebook.write_text("".join(line for line in lines if not line.startswith("DIM.SUBJECT,")), encoding="utf-8-sig")
    library = load_library(store, _workbooks(forms), codebook)
    assert library.problems
    messages = [str(p) for error in library.problems for p in error.problems]
    assert any("编码“DIM.SUBJECT”不在编码表中" in m for m in messages)
    store.close()


def test_a_library_from_a_reopened_store_builds_its_protocols_when_first_asked(tmp_path, forms, monkeypatch):
    """Start-up takes the stored protocols by their hash; the home list needs only their titles."""
    from yingzao.core.forms.protocol import Protocol

    with Store(tmp_path / "s.db") as store:
        first = load_library(store, _workbooks(forms), forms / "codebook.csv")
        expected = {p.sha256: (p.form_id, p.titles) for p in first.protocols}
    built: list[str] = []
    original = Protocol.from_dict

    def counted(data):
        built.append(data["sha256"])
        return original(data)

    monkeypatch.setattr(Protocol, "from_dict", counted)
    with Store(tmp_path / "s.db") as store:
        again = load_library(store, _workbooks(forms), forms / "codebook.csv")
        assert built == []  # nothing built yet
        assert store.protocol_titles(expected) == {sha: titles for sha, (_, titles) in expected.items()}
        assert {sha: store.protocol_form_id(sha) for sha in expected} == {s: f for s, (f, _) in expected.items()}
        assert built == []  # titles and forms are read without building a protocol
        assert {p.sha256: (p.form_id, p.titles) for p in again.protocols} == expected
        assert sorted(built) == sorted(expected)  # each built once, when first asked for
        again.by_role("cadre")
        assert len(built) == len(expected)


def test_titles_and_forms_of_an_unknown_protocol_are_absent(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.protocol_titles(["0" * 64]) == {}
        assert store.protocol_form_id("0" * 64) is None
