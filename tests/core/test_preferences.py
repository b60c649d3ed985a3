"""This computer's preferences file: the interface language for the moment before a database opens."""

from __future__ import annotations

import pytest

from yingzao.core import paths, preferences


def test_the_language_chosen_last_is_read_back():
    assert preferences.language() is None
    preferences.remember_language("en")
    assert preferences.language() == "en"
    preferences.remember_language("zh")
    assert preferences.language() == "zh"
    with pytest.raises(ValueError):
        preferences.remember_language("fr")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not utf-8",
        b"[1, 2]",
        b'{"ui_language": "xx"}',
        b"{" * 100_000,
        b'{"ui_language": ' + b" " * 70_000 + b'"en"}',
    ],
)
def test_a_damaged_or_foreign_file_reads_as_no_choice_and_is_replaced_when_one_is_made(content):
    folder = paths.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / preferences.FILE_NAME).write_bytes(content)
    assert preferences.language() is None
    preferences.remember_language("en")
    assert preferences.language() == "en"


def test_a_folder_that_cannot_be_written_is_no_reason_to_fail(monkeypatch, tmp_path):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x")
    monkeypatch.setenv("YINGZAO_HOME", str(blocker / "inside"))
    preferences.remember_language("en")  # nothing raised
    assert preferences.language() is None
