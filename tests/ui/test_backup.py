"""File → Back up database…: a copy with every saved answer, made beside the open window."""

from __future__ import annotations

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QWidget

from yingzao.core.store.database import Store
from yingzao.ui import backup
from yingzao.ui.i18n import Translator


def test_back_up_from_the_menu_copies_the_latest_answers(qtbot, library_store, tmp_path, monkeypatch):
    store, library = library_store
    protocol = library.by_role("official")[0]
    interview = store.start_interview(protocol.sha256)
    text = next(q.name for q in protocol.questions if q.type == "text")
    store.save_answer(interview, text, "刚刚保存的回答")
    told: list[str] = []
    ui_thread = QThread.currentThread()
    monkeypatch.setattr(
        backup.QMessageBox,
        "information",
        lambda parent, title, message: told.append(
            message if QThread.currentThread() is ui_thread else "shown from the worker thread"
        ),
    )
    parent = QWidget()
    qtbot.addWidget(parent)
    job = backup.back_up(parent, store.path, Translator("zh"), target=tmp_path / "copy.db")
    qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    job.wait()
    assert "已把数据库完整备份到" in told[0] and "copy.db" in told[0]
    with Store(tmp_path / "copy.db") as copy:
        assert copy.answers(interview)[text].value == "刚刚保存的回答"


def test_the_suggested_name_says_what_and_when(tmp_path):
    import datetime as dt

    assert (
        backup.suggested_name(tmp_path / "field.db", dt.datetime(2026, 12, 3, 9, 5)) == "field-backup-20261203-0905.db"
    )
