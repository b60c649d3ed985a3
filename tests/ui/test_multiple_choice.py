"""The multiple-choice editor on the interview screen, for every select_multiple question of every shipped
protocol: ticks and unticks reach the database in choice order, "other" opens its follow-up, the
protocol's limits are shown, a marker (refused, skipped) is the answer, and a reopened interview shows
what was saved."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox

from yingzao.core.forms.engine import InterviewSession
from yingzao.ui.editors import SelectMultipleEditor
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView
from yingzao.ui.question_widget import QuestionWidget

from tests.ui.clicks import click_button
from tests.ui.typing import type_text

ROLES = ("cadre", "official", "street_staff", "profile")


def open_view(qtbot, session: InterviewSession) -> InterviewView:
    view = InterviewView(session, Translator("zh"))
    qtbot.addWidget(view)
    view.resize(1280, 800)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitActive(view):  # focus moves question to question, as the fieldworker's Tab does
        view.activateWindow()
    return view


@pytest.fixture(params=ROLES)
def screen(request, qtbot, library_store):
    store, library = library_store
    protocol = library.by_role(request.param)[0]
    interview = store.start_interview(protocol.sha256)
    view = open_view(qtbot, InterviewSession(store, interview))
    if "consent" in view.widgets:
        click_button(qtbot, view.widgets["consent"].editor.buttons[0])
        view.flush()
    yield view, store, interview
    view.shutdown()


def multiple_choice(view: InterviewView) -> list[str]:
    return [q.name for q in view.protocol.questions if q.type == "select_multiple"]


def stored(store, interview, question):
    answer = store.answer(interview, question)
    return None if answer is None else answer.value


def question(view: InterviewView, name: str) -> QuestionWidget:
    if name not in view.widgets:  # a section's questions are built when it is first shown
        view.focus_question(name)
    return view.widgets[name]


def boxes(view: InterviewView, name: str) -> dict[str, QCheckBox]:
    editor = question(view, name).editor
    assert isinstance(editor, SelectMultipleEditor)
    return {choice.name: box for choice, box in zip(editor.choices, editor.boxes, strict=True)}


def tick(qtbot, view: InterviewView, name: str, *choices: str) -> None:
    view.focus_question(name)
    for choice in choices:
        click_button(qtbot, boxes(view, name)[choice])
    view.flush()


def test_every_protocol_has_its_multiple_choice_questions_on_screen(screen):
    view, _, _ = screen
    names = multiple_choice(view)
    assert 3 <= len(names) <= 4
    for name in names:
        shown = boxes(view, name)
        listed = view.protocol.choices[view.protocol.question(name).list_name]
        assert list(shown) == [choice.name for choice in listed] and len(shown) >= 4  # every choice, in order
        assert all(box.text() for box in shown.values())  # each choice labelled, in Chinese
        assert not any(box.isChecked() for box in shown.values())


def test_ticks_and_unticks_are_saved_in_the_order_of_the_choices(qtbot, screen):
    view, store, interview = screen
    for name in multiple_choice(view):
        first, second, third = list(boxes(view, name))[:3]
        tick(qtbot, view, name, third, first)  # ticked out of order
        assert stored(store, interview, name) == f"{first} {third}"
        tick(qtbot, view, name, second)
        assert stored(store, interview, name) == f"{first} {second} {third}"
        tick(qtbot, view, name, first)  # untick
        assert stored(store, interview, name) == f"{second} {third}"
        assert not boxes(view, name)[first].isChecked()
        tick(qtbot, view, name, second, third)  # nothing left ticked: no answer, not an empty string
        assert stored(store, interview, name) is None
        assert view.widgets[name].editor.value() is None


def test_other_opens_its_follow_up_and_unticking_it_closes_it(qtbot, screen):
    view, store, interview = screen
    follow_ups = {
        name: f
        for name in multiple_choice(view)
        for f in [
            q.name for q in view.protocol.questions if any(f"selected(${{{name}}}, 'other')" in r for r in q.relevant)
        ]
    }
    assert len(follow_ups) >= 1
    for name, follow_up in follow_ups.items():
        view.focus_question(name)
        widget = question(view, follow_up)
        assert not widget.isVisibleTo(widget.parentWidget())
        first = next(iter(boxes(view, name)))
        tick(qtbot, view, name, first)
        assert not widget.isVisibleTo(widget.parentWidget())  # only "other" asks for more
        tick(qtbot, view, name, "other")
        assert stored(store, interview, name) == f"{first} other"
        assert widget.isVisibleTo(widget.parentWidget())
        view.focus_question(follow_up)
        type_text(qtbot, widget.editor.box, "企业工会")
        view.flush()
        assert stored(store, interview, follow_up) == "企业工会"
        tick(qtbot, view, name, "other")
        assert stored(store, interview, name) == first
        assert not widget.isVisibleTo(widget.parentWidget())


def test_the_protocols_limits_on_ticks_are_shown_under_the_question(qtbot, library_store):
    store, library = library_store
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    view = open_view(qtbot, InterviewSession(store, interview))
    click_button(qtbot, view.widgets["consent"].editor.buttons[0])
    view.flush()
    try:
        tick(qtbot, view, "close_documents", "policy", "none")
        view.focus_question("close_referrals")  # the issue shows once the question is left
        issue = view.widgets["close_documents"].issue_label
        qtbot.waitUntil(issue.isVisible, timeout=3000)
        assert issue.text() == "选择“无”时不能再选其他项。"
        assert stored(store, interview, "close_documents") == "policy none"  # kept, and flagged
        tick(qtbot, view, "close_documents", "policy")
        assert not issue.isVisible()
        assert stored(store, interview, "close_documents") == "none"

        six = list(boxes(view, "srv_top_needs"))[:6]
        tick(qtbot, view, "srv_top_needs", *six)
        view.focus_question("srv_gaps")
        issue = view.widgets["srv_top_needs"].issue_label
        qtbot.waitUntil(issue.isVisible, timeout=3000)
        assert issue.text() == "最多选择5项。"
        tick(qtbot, view, "srv_top_needs", six[-1])
        assert not issue.isVisible()
        assert stored(store, interview, "srv_top_needs") == " ".join(six[:5])
    finally:
        view.shutdown()


def test_a_marker_is_the_answer_and_ticking_again_answers_after_all(qtbot, screen):
    view, store, interview = screen
    name = multiple_choice(view)[0]
    first = next(iter(boxes(view, name)))
    tick(qtbot, view, name, first)
    widget = question(view, name)
    widget.marker_buttons["refused"].click()
    answer = store.answer(interview, name)
    assert answer.marker == "refused" and answer.value == first  # the ticks are kept, greyed
    assert widget.editor.styleSheet() == "color: #999;"
    assert view.session.issue(name) is None
    widget.marker_buttons["refused"].click()  # unmark
    assert store.answer(interview, name).marker is None
    widget.marker_buttons["skipped"].click()
    assert store.answer(interview, name).marker == "skipped"
    assert widget.marker_buttons["skipped"].isChecked() and not widget.marker_buttons["refused"].isChecked()
    second = list(boxes(view, name))[1]
    tick(qtbot, view, name, second)  # ticking means it was answered after all
    answer = store.answer(interview, name)
    assert answer.marker is None and answer.value == f"{first} {second}"
    assert not widget.marker_buttons["skipped"].isChecked()
    assert widget.editor.styleSheet() == ""


def test_a_reopened_interview_shows_the_saved_ticks_and_markers(qtbot, screen):
    view, store, interview = screen
    names = multiple_choice(view)
    ticked = {}
    for name in names[:-1]:
        choices = list(boxes(view, name))
        ticked[name] = [choices[1], choices[-1]]
        tick(qtbot, view, name, *ticked[name])
    question(view, names[-1]).marker_buttons["refused"].click()
    view.shutdown()

    again = open_view(qtbot, InterviewSession(store, interview))
    try:
        for name, chosen in ticked.items():
            shown = boxes(again, name)
            assert [c for c, box in shown.items() if box.isChecked()] == chosen
            assert question(again, name).editor.value() == chosen
            assert stored(store, interview, name) == " ".join(chosen)
        last = question(again, names[-1])
        assert last.marker_buttons["refused"].isChecked()
        assert not any(box.isChecked() for box in boxes(again, names[-1]).values())
    finally:
        again.shutdown()
