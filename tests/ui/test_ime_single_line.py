"""A Chinese input method in the single-line fields (short text, whole numbers): nothing is saved while a
composition is under way, however long it lasts, and what is committed is saved with what was typed
before it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from yingzao.core.forms.engine import InterviewSession
from yingzao.ui.editors import ImeLineEdit, NumberEditor, TextEditor
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView
from yingzao.ui.save_schedule import MAX_UNSAVED_MS, SAVE_DELAY_MS

from tests.ui.clicks import click_button


@pytest.fixture
def screen(qtbot, library_store):
    store, library = library_store
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    view = InterviewView(InterviewSession(store, interview), Translator("zh"))
    qtbot.addWidget(view)
    view.resize(1280, 800)
    with qtbot.waitExposed(view):
        view.show()
    click_button(qtbot, view.widgets["consent"].editor.buttons[0])
    view.flush()
    yield view, store, interview
    view.shutdown()


def stored(store, interview, question):
    answer = store.answer(interview, question)
    return None if answer is None else answer.value


def preedit(box: ImeLineEdit, text: str) -> None:
    QApplication.sendEvent(box, QInputMethodEvent(text, []))


def commit(box: ImeLineEdit, text: str) -> None:
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(box, event)


def single_line_box(view: InterviewView, name: str, editor_type: type) -> ImeLineEdit:
    view.focus_question(name)
    editor = view.widgets[name].editor
    assert isinstance(editor, editor_type)
    assert isinstance(editor.box, ImeLineEdit)  # a one-line field, not the growing text area
    return editor.box


def test_a_composition_in_a_short_text_field_holds_the_save_until_it_is_committed(qtbot, screen):
    view, store, interview = screen
    box = single_line_box(view, "resp_organisation", TextEditor)
    qtbot.keyClicks(box, "L")
    preedit(box, "jie")
    preedit(box, "jiedao")
    assert view.widgets["resp_organisation"].composing
    assert box.text() == "L"  # the preedit is shown by the input method, not part of the value
    assert view.flush() is False  # a save that comes due now is held back
    # both timers come due during the composition: the quiet-time save and the bound on unsaved typing
    qtbot.wait(MAX_UNSAVED_MS + SAVE_DELAY_MS)
    assert stored(store, interview, "resp_organisation") is None
    assert view.unsaved
    assert view.saved_label.text() == "未保存…"
    commit(box, "街道办")
    assert not view.widgets["resp_organisation"].composing
    # the held-back save runs as soon as the composition ends, with what was committed
    qtbot.waitUntil(lambda: stored(store, interview, "resp_organisation") == "L街道办", timeout=3000)
    assert not view.unsaved


def test_a_second_composition_right_after_the_first_is_saved_whole(qtbot, screen):
    view, store, interview = screen
    box = single_line_box(view, "resp_position", TextEditor)
    preedit(box, "shequ")
    commit(box, "社区")
    preedit(box, "shuji")  # the next word begins before the first one was saved
    assert view.flush() is False
    assert stored(store, interview, "resp_position") is None
    commit(box, "书记")
    qtbot.waitUntil(lambda: stored(store, interview, "resp_position") == "社区书记", timeout=3000)


def test_a_number_committed_by_the_input_method_is_saved_as_a_number(qtbot, screen):
    view, store, interview = screen
    box = single_line_box(view, "resp_tenure_years", NumberEditor)
    qtbot.keyClicks(box, "1")
    preedit(box, "２")  # a full-width digit, as a Chinese keyboard in full-width mode gives it
    assert view.flush() is False
    qtbot.wait(MAX_UNSAVED_MS + SAVE_DELAY_MS)
    assert stored(store, interview, "resp_tenure_years") is None
    commit(box, "２")
    qtbot.waitUntil(lambda: stored(store, interview, "resp_tenure_years") == 12, timeout=3000)


def test_a_qualifier_committed_into_a_number_is_refused_only_after_the_composition(qtbot, screen):
    view, store, interview = screen
    box = single_line_box(view, "resp_tenure_years", NumberEditor)
    qtbot.keyClicks(box, "8")
    view.flush()
    assert stored(store, interview, "resp_tenure_years") == 8
    preedit(box, "yue")
    issue = view.widgets["resp_tenure_years"].issue_label
    qtbot.wait(MAX_UNSAVED_MS + SAVE_DELAY_MS)
    assert not issue.isVisible()  # nothing is judged while the word is still being composed
    box.home(False)
    commit(box, "约")
    assert box.text() == "约8"
    qtbot.waitUntil(issue.isVisible, timeout=3000)
    assert "“约8”不是整数" in issue.text() and "备注" in issue.text()
    assert stored(store, interview, "resp_tenure_years") == 8  # the saved answer is kept, not replaced
