"""Continuous typing is saved while it goes on, not only after a pause; the status says what is pending."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from yingzao.core.forms.engine import InterviewSession
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView
from yingzao.ui.save_schedule import MAX_UNSAVED_MS, SAVE_DELAY_MS

from tests.ui.clicks import click_button


@pytest.fixture
def screen(qtbot, library_store):
    store, library = library_store
    store.add_community("A", "A社区")
    interview = store.start_interview(library.by_role("cadre")[0].sha256, community_id="A")
    tr = Translator("zh")
    view = InterviewView(InterviewSession(store, interview), tr, community_name="A社区")
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    click_button(qtbot, view.widgets["consent"].editor.buttons[0])
    view.flush()
    yield view, store, interview, tr
    view.shutdown()


def stored(store, interview, question):
    answer = store.answer(interview, question)
    return None if answer is None else answer.value


def test_typing_without_a_pause_reaches_the_database_before_it_stops(qtbot, screen):
    view, store, interview, _ = screen
    view.focus_question("cad_formation")
    box = view.widgets["cad_formation"].editor.box
    typed = ""
    saved_while_typing = None
    statuses = set()
    # ~50 ms between keys, for about three times the save bound: never the quiet period the
    # old save waited for, so only a save during typing can put anything in the database
    keys = 3 * MAX_UNSAVED_MS // 50
    for n in range(keys):
        qtbot.keyClicks(box, "abcdefghij"[n % 10])
        typed += "abcdefghij"[n % 10]
        statuses.add(view.saved_label.text())
        qtbot.wait(SAVE_DELAY_MS // 6)
        value = stored(store, interview, "cad_formation")
        if value and saved_while_typing is None:
            saved_while_typing = value
            keys_then = len(typed)
    assert saved_while_typing is not None, "nothing was saved while typing went on"
    assert typed.startswith(saved_while_typing)
    assert keys_then < keys  # saved before the typing stopped
    assert "未保存…" in statuses
    view.flush()
    assert stored(store, interview, "cad_formation") == typed
    assert view.saved_label.text().startswith("已保存 ")


def test_a_save_due_during_an_ime_composition_waits_for_the_commit(qtbot, screen):
    view, store, interview, _ = screen
    view.focus_question("cad_daily_work")
    box = view.widgets["cad_daily_work"].editor.box
    qtbot.keyClicks(box, "ab")
    QApplication.sendEvent(box, QInputMethodEvent("shequ", []))  # composing 社区 past the save bound
    qtbot.wait(MAX_UNSAVED_MS + SAVE_DELAY_MS)
    assert stored(store, interview, "cad_daily_work") is None  # never in the middle of a composition
    assert view.saved_label.text() == "未保存…"
    commit = QInputMethodEvent("", [])
    commit.setCommitString("社区")
    QApplication.sendEvent(box, commit)
    qtbot.waitUntil(lambda: stored(store, interview, "cad_daily_work") == "ab社区", timeout=3000)


def test_the_saved_time_follows_a_language_switch(qtbot, screen):
    view, _, _, tr = screen
    view.focus_question("cad_formation")
    qtbot.keyClicks(view.widgets["cad_formation"].editor.box, "x")
    view.flush()
    assert view.saved_label.text().startswith("已保存 ")
    stamp = view.saved_label.text().split()[-1]
    tr.set_language("en")
    try:
        assert view.saved_label.text() == f"Saved {stamp}"
    finally:
        tr.set_language("zh")
