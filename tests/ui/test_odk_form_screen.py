"""A form written for ODK on the interview screen: picking 'other' of an or_other question shows the
follow-up pyxform adds, and a choice_filter shows only the choices the answer before allows."""

from __future__ import annotations

import pytest

from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.loader import load_protocol
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView

from tests.forms import write_xlsform
from tests.ui.clicks import click_button
from tests.ui.typing import type_text

FORM = """
| survey |
| | type | name | label | choice_filter |
| | start | start | | |
| | select_one district | district | Which district? | |
| | select_one street | street | Which street? | district = ${district} |
| | select_multiple org or_other | orgs | Which organisations take part? | |
| | text | story | What happened? | |
| choices |
| | list_name | name | label | district |
| | district | d1 | East | |
| | district | d2 | West | |
| | street | s1 | East One | d1 |
| | street | s2 | East Two | d1 |
| | street | s3 | West One | d2 |
| | org | committee | Residents' committee | |
| | org | owners | Owners' committee | |
"""


@pytest.fixture
def screen(qtbot, tmp_path):
    store = Store(tmp_path / "odk.db", user="李娜")
    protocol = load_protocol(write_xlsform(tmp_path / "odk.xlsx", FORM))
    store.add_protocol(protocol)
    session = InterviewSession(store, store.start_interview(protocol.sha256))
    session.apply_defaults()
    view = InterviewView(session, Translator("en"))
    qtbot.addWidget(view)
    view.resize(1280, 800)
    with qtbot.waitExposed(view):
        view.show()
    yield view, store, session
    view.shutdown()
    store.close()


def test_picking_other_shows_its_follow_up_and_typing_there_is_saved(qtbot, screen):
    view, store, session = screen
    assert "start" not in view.widgets  # recorded, not asked
    follow_up = view.widgets["orgs_other"]
    assert not follow_up.isVisible()
    boxes = view.widgets["orgs"].editor.boxes
    assert [box.text() for box in boxes] == ["Residents' committee", "Owners' committee", "Other"]
    click_button(qtbot, boxes[2])
    view.flush()
    assert store.answer(session.id, "orgs").value == "other"
    qtbot.waitUntil(follow_up.isVisible)
    follow_up.editor.setFocus()
    type_text(qtbot, follow_up.editor.focus_target(), "业主自治小组")
    view.flush()
    assert store.answer(session.id, "orgs_other").value == "业主自治小组"
    click_button(qtbot, boxes[2])
    view.flush()
    qtbot.waitUntil(lambda: not follow_up.isVisible())


def test_a_choice_filter_shows_the_choices_of_the_answer_before(qtbot, screen):
    view, store, session = screen
    streets = view.widgets["street"].editor.buttons
    assert not any(button.isVisible() for button in streets)
    click_button(qtbot, view.widgets["district"].editor.buttons[1])  # West
    view.flush()
    qtbot.waitUntil(lambda: [b.isVisible() for b in streets] == [False, False, True])
    click_button(qtbot, view.widgets["district"].editor.buttons[0])  # East
    view.flush()
    qtbot.waitUntil(lambda: [b.isVisible() for b in streets] == [True, True, False])
    click_button(qtbot, streets[1])
    view.flush()
    assert store.answer(session.id, "street").value == "s2"
