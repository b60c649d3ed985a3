"""Moving through an interview by keyboard and buttons: one Tab per question, on into the next
section (never onto "← 返回列表"), and "下一部分 ▶" enabled as soon as consent opens the sections."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from yingzao.core.forms.engine import InterviewSession
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView
from yingzao.ui.question_widget import QuestionWidget

from tests.ui.clicks import click_button


@pytest.fixture
def screen(qtbot, library_store):
    store, library = library_store
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    view = InterviewView(InterviewSession(store, interview), Translator("zh"))
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    yield view, store, interview
    view.shutdown()


def question_of(widget):
    while widget is not None and not isinstance(widget, QuestionWidget):
        widget = widget.parentWidget()
    return None if widget is None else widget.question.name


def test_next_section_is_enabled_as_soon_as_consent_is_given(qtbot, screen):
    view, _store, _interview = screen
    assert not view.next_button.isEnabled()  # nothing after the consent question yet
    click_button(qtbot, view.widgets["consent"].editor.buttons[0])  # 是, no flush, no Ctrl+PgDn
    qtbot.waitUntil(view.next_button.isEnabled, timeout=3000)
    view.next_button.click()
    assert view.stack.currentIndex() == 1


def test_a_date_question_takes_one_tab(qtbot, screen):
    view, _, _ = screen
    click_button(qtbot, view.widgets["consent"].editor.buttons[0])
    view.flush()
    view.focus_question("interview_date")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert question_of(QApplication.focusWidget()) == "interview_start_time"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert question_of(QApplication.focusWidget()) not in ("interview_start_time", None)


def test_tab_after_a_sections_last_question_goes_on_to_the_next_section(qtbot, screen):
    view, _, _ = screen
    click_button(qtbot, view.widgets["consent"].editor.buttons[0])
    view.flush()
    view.go_to_section(1)
    page = view.pages[1].widget()
    last = [n for n in view.sections[1].questions if n in view.widgets and view.widgets[n].isVisibleTo(page)][-1]
    view.focus_question(last)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert view.stack.currentIndex() == 2
    focused = QApplication.focusWidget()
    assert focused is not view.back_button
    assert question_of(focused) in view.sections[2].questions
    qtbot.keyClick(focused, Qt.Key.Key_Space)
    assert view.isVisible()  # still in the interview
