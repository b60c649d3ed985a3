"""A second window on a database another window holds: it says who holds it and since when, and
offers to open it read-only (everything browsable, nothing editable) or to quit. File → Open
database… switches this window to another file, with the same question when that file is in use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow
from yingzao.ui.open_database import open_store

ROOT = Path(__file__).resolve().parents[2]

HOLDER = r"""
import sys
sys.path.insert(0, sys.argv[2])
from yingzao.core.store.database import Store
store = Store(sys.argv[1], user="李访员")
print("HELD", flush=True)
sys.stdin.read()  # holds the database until the test closes this pipe
store.close()
"""


@pytest.fixture
def prepared(tmp_path):
    """A database with one draft interview, as a fieldworker's laptop has it."""
    path = tmp_path / "field.db"
    with Store(path, user="李访员") as store:
        store.set_setting("user_name", "李访员")
        library = load_library(store)
        interview = store.start_interview(library.by_role("cadre")[0].sha256)
        store.save_answer(interview, "consent", "yes")
    return path, interview


@pytest.fixture
def held(prepared):
    """The database held by another process, as another Yingzao window holds it."""
    path, interview = prepared
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(ROOT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    line = child.stdout.readline()
    assert line.startswith("HELD"), child.stderr.read()
    yield path, interview
    child.stdin.close()
    child.wait(timeout=30)


def answer_with(monkeypatch, label: str, seen: list[str]):
    def exec_(box):
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == label).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)


def test_a_held_database_is_refused_with_who_and_offered_read_only(qtbot, held, monkeypatch):
    path, interview = held
    seen: list[str] = []
    answer_with(monkeypatch, "以只读方式打开", seen)
    store = open_store(None, path, Translator("zh"))
    assert store is not None and store.read_only
    assert "正在被另一个营造窗口使用" in seen[0] and "李访员" in seen[0] and "起" in seen[0]
    assert "T" not in seen[0].split("自")[-1]  # a local time, not a raw ISO timestamp
    tr = Translator("zh")
    window = MainWindow(store, load_library(store), tr)
    qtbot.addWidget(window)
    window.show()
    assert window.read_only_banner.isVisible() and "只读" in window.read_only_banner.text()
    assert all(not action.isEnabled() for action in window.write_actions)
    assert window.open_database_action.isEnabled()
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 1, timeout=3000)  # browsable
    assert not window.home.new_button.isEnabled()
    window.open_interview(interview)
    view = window.interview_view
    assert view is not None and view.widgets["consent"].editor.value() == "yes"
    assert not view.widgets["consent"].editor.isEnabled()
    view.go_to_section(2)
    box = view.widgets["cad_formation"].editor.box
    assert box.isReadOnly() and not view.finalise_button.isVisible()
    assert view.banner.isVisible() and "另一个营造窗口" in view.banner_text.text()
    window.set_language("en")  # follows the language without trying to write it down
    assert "Read-only" in window.read_only_banner.text()
    tr.set_language("zh")
    window.close()
    store.close()


def test_quit_is_offered_instead(qtbot, held, monkeypatch):
    path, _ = held
    seen: list[str] = []
    answer_with(monkeypatch, "退出", seen)
    assert open_store(None, path, Translator("zh")) is None
    assert seen


def test_open_database_switches_this_window_to_another_file(qtbot, prepared, tmp_path, monkeypatch):
    other, _interview = prepared
    first = tmp_path / "first.db"
    store = Store(first, user="王芳")
    store.set_setting("user_name", "王芳")
    window = MainWindow(store, load_library(store), Translator("zh"))
    qtbot.addWidget(window)
    window.show()
    assert window.open_database_action.text() == "打开数据库…"
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail(f"nothing to ask: {box.text()}"))
    assert window.switch_database(other)
    assert window.store.path == other and not window.store.read_only
    assert not store.is_open  # the first database is closed, its claim released
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 1, timeout=3000)
    assert "field.db" in window.home.database_label.toolTip() + window.home.database_label.text()
    window.close()
    window.store.close()
    with Store(first) as again:  # nobody holds the first one any more
        assert not again.read_only


def test_quitting_at_the_read_only_offer_ends_the_app(qtbot, held, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from yingzao.ui import app

    path, _interview = held
    seen: list[str] = []
    answer_with(monkeypatch, "退出", seen)
    qapp = QApplication.instance()
    font = qapp.font()
    try:
        assert app.run(path) == 0
    finally:
        qapp.setFont(font)
    assert "正在被另一个营造窗口使用" in seen[0]
    assert not any(isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets())
