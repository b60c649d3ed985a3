"""The interview timer survives a crash: time already spent on screen is written as the interview
goes on, so a session killed without closing keeps its time when the interview is opened again."""

from __future__ import annotations

from yingzao.core.forms.engine import INTERVIEW_TIME, InterviewSession
from yingzao.ui import interview_view
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import SCREEN_TIME_EVERY_MS, InterviewView

from tests.ui.clicks import click_button


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def open_view(qtbot, store, interview) -> InterviewView:
    view = InterviewView(InterviewSession(store, interview), Translator("zh"))
    qtbot.addWidget(view)
    view.show()
    return view


def test_time_spent_is_kept_when_the_session_dies_without_closing(qtbot, library_store, monkeypatch):
    store, library = library_store
    clock = Clock()
    monkeypatch.setattr(interview_view, "screen_clock", clock)
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    first = open_view(qtbot, store, interview)
    click_button(qtbot, first.widgets["consent"].editor.buttons[0])
    first.flush()
    clock.now += 125  # two minutes of interviewing, typing as it goes
    first.focus_question("cad_formation")
    qtbot.keyClicks(first.widgets["cad_formation"].editor.box, "2019")
    first.flush()  # the answer's save writes the screen time with it
    assert store.question_times(interview)[INTERVIEW_TIME].seconds >= 125
    clock.now += SCREEN_TIME_EVERY_MS / 1000 + 1  # then listening, nothing typed
    first._tick()
    # the app is killed here: no shutdown(), no close; a new screen opens the same interview
    first._clock.stop()
    second = open_view(qtbot, store, interview)
    assert second.timer_label.text().startswith("访谈用时 00:02:11（")  # then the planned minutes
    second.shutdown()
    first.hide()
