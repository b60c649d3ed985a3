"""The .qdpx reader against files built to harm it: entity expansion, zip bombs, paths outside the
archive, deep nesting, foreign or broken files. Each gets a clear refusal, never a crash or a hang."""

from __future__ import annotations

import zipfile

import pytest

from yingzao.core import errors
from yingzao.core.exchange import qdpx_read
from yingzao.core.exchange.qdpx_read import read_qdpx

NS = "urn:QDA-XML:project:1.0"
GUID = "00000000-0000-0000-0000-000000000001"


def _qdpx(path, project: str | bytes, **members: bytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project)
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return path


def _refused(path) -> errors.YingzaoError:
    with pytest.raises(errors.YingzaoError) as caught:
        read_qdpx(path)
    return caught.value


def test_entity_expansion_is_refused_before_any_entity_expands(tmp_path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        f'<Project xmlns="{NS}" name="&d;"/>'
    )
    error = _refused(_qdpx(tmp_path / "laughs.qdpx", laughs))
    assert error.code == "qdpx_not_a_project" and "DOCTYPE" in error.message


def test_an_external_entity_is_refused_too(tmp_path):
    xxe = f'<?xml version="1.0"?><!DOCTYPE p SYSTEM "file:///etc/passwd"><Project xmlns="{NS}" name="x"/>'
    assert _refused(_qdpx(tmp_path / "xxe.qdpx", xxe)).code == "qdpx_not_a_project"


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    bomb = _qdpx(tmp_path / "bomb.qdpx", f'<Project xmlns="{NS}" name="x"/>', Sources__big_txt=b"\0" * (20 << 20))
    error = _refused(bomb)
    assert error.code == "qdpx_too_large"


def test_a_member_larger_than_its_directory_says_is_refused(tmp_path, monkeypatch):
    """Inflating stops at the size the directory promised, and the rest makes the member damaged."""
    path = _qdpx(tmp_path / "liar.qdpx", f'<Project xmlns="{NS}" name="x">' + " " * 5000 + "</Project>")
    real = zipfile.ZipFile.infolist

    def lying(self):
        infos = real(self)
        for info in infos:
            info.file_size = 100  # the directory claims less than the data holds
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying)
    error = _refused(path)
    assert error.code == "qdpx_not_a_project" and "zip" in error.message


def test_a_source_path_outside_the_archive_is_never_followed(tmp_path):
    project = (
        f'<Project xmlns="{NS}" name="x"><Sources>'
        f'<TextSource guid="{GUID}" plainTextPath="internal://../../secret.txt"/>'
        f'<TextSource guid="{GUID[:-1]}2" plainTextPath="file:///etc/passwd"/></Sources></Project>'
    )
    read = read_qdpx(_qdpx(tmp_path / "paths.qdpx", project))
    assert [s.text for s in read.sources] == ["", ""]


def test_deep_nesting_is_refused(tmp_path):
    deep = f'<Project xmlns="{NS}" name="x"><CodeBook><Codes>' + "<Code>" * 200 + "</Code>" * 200
    deep += "</Codes></CodeBook></Project>"
    assert "64" in _refused(_qdpx(tmp_path / "deep.qdpx", deep)).message


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("plain.qdpx", None, "zip"),
        ("foreign.qdpx", "<html><body>hello</body></html>", "Project"),
        ("broken.qdpx", f'<Project xmlns="{NS}" name="x"><Users>', "XML"),
    ],
)
def test_foreign_and_broken_files_get_a_clear_message(tmp_path, english_errors, name, content, words):
    path = tmp_path / name
    if content is None:
        path.write_text("not a zip at all", encoding="utf-8")
    else:
        _qdpx(path, content)
    error = _refused(path)
    assert error.code == "qdpx_not_a_project" and words in error.message and "Nothing was read" in error.hint


def test_a_missing_file_says_it_cannot_be_read(tmp_path):
    error = _refused(tmp_path / "absent.qdpx")
    assert error.code == "qdpx_unreadable" and "无法读取" in error.message


def test_an_oversized_text_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(qdpx_read, "MAX_TEXT", 1000)
    project = f'<Project xmlns="{NS}" name="x"><Description>{"长" * 2000}</Description></Project>'
    assert _refused(_qdpx(tmp_path / "long.qdpx", project)).code == "qdpx_too_large"
