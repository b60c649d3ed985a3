"""What is typed is stored as typed, or refused inline with words saying what to type: a bad time or
date, a number with a qualifier; typing into a question marked skipped answers it after all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from yingzao.core.forms.engine import InterviewSession
from yingzao.ui import finalize_dialog
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView

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
    click_button(qtbot, view.widgets["consent"].editor.buttons[0])
    view.flush()
    yield view, store, interview
    view.shutdown()


def stored(store, interview, question):
    answer = store.answer(interview, question)
    return None if answer is None else answer.value


def retype(qtbot, view, name, text):
    view.focus_question(name)
    box = view.widgets[name].editor.box
    box.selectAll()
    box.del_()
    qtbot.keyClicks(box, text)
    view.flush()


def finalise_items(view, monkeypatch) -> list[str]:
    seen: list[str] = []

    def look(dialog):
        seen.extend(dialog.issue_list.item(i).text() for i in range(dialog.issue_list.count()))
        return False

    monkeypatch.setattr(finalize_dialog.FinalizeDialog, "exec", look)
    view.finalise()
    return seen


def test_an_impossible_time_is_refused_inline_and_listed_by_finalise(qtbot, screen, monkeypatch):
    view, store, interview = screen
    retype(qtbot, view, "interview_start_time", "09:30")
    assert stored(store, interview, "interview_start_time") == "09:30"
    retype(qtbot, view, "interview_start_time", "25:70")
    issue = view.widgets["interview_start_time"].issue_label
    assert issue.isVisible()  # at once, not only when the field is left
    assert "25:70" in issue.text() and "09:30" in issue.text() and "时:分" in issue.text()
    assert stored(store, interview, "interview_start_time") == "09:30"
    assert view.saved_label.text().startswith("有答案格式不对")
    items = finalise_items(view, monkeypatch)
    assert any("无效" in item and "25:70" in item for item in items)
    retype(qtbot, view, "interview_start_time", "10:05")
    assert not issue.isVisible()
    assert stored(store, interview, "interview_start_time") == "10:05"
    assert not any("10:05" in item for item in finalise_items(view, monkeypatch))


def test_a_year_alone_is_reported_as_an_incomplete_date_not_as_missing(qtbot, screen, monkeypatch):
    view, store, interview = screen
    retype(qtbot, view, "interview_date", "2026")
    text = view.widgets["interview_date"].issue_label.text()
    assert "不是完整的日期" in text and "2026-03-12" in text
    assert "必答" not in text
    assert stored(store, interview, "interview_date") is None
    assert any("“2026”" in item for item in finalise_items(view, monkeypatch))


@pytest.mark.parametrize("typed", ["约30家", "10000+", "6,338"])
def test_a_number_with_a_qualifier_is_refused_never_stored_as_another_number(qtbot, screen, typed):
    view, store, interview = screen
    name = "par_selforg_count"
    view.go_to_section(view._section_of(name))
    view.widgets[name].focus_editor()
    from tests.ui.typing import type_text

    type_text(qtbot, view.widgets[name].editor.box, typed)
    assert view.widgets[name].editor.box.text() == typed  # no character silently dropped
    view.flush()
    text = view.widgets[name].issue_label.text()
    assert view.widgets[name].issue_label.isVisible()
    assert f"“{typed}”不是整数" in text and "请只填数字" in text and "备注" in text
    assert stored(store, interview, name) is None
    retype(qtbot, view, name, "30")
    assert stored(store, interview, name) == 30
    assert not view.widgets[name].issue_label.isVisible()


def test_the_refusal_speaks_english_in_the_english_interface(qtbot, screen):
    view, _, _ = screen
    view.tr.set_language("en")
    try:
        retype(qtbot, view, "cad_staff_count", "about 12")
        text = view.widgets["cad_staff_count"].issue_label.text()
        assert "'about 12' is not a whole number" in text and "note" in text
        assert not any("\u4e00" <= c <= "\u9fff" for c in text)
    finally:
        view.tr.set_language("zh")


def test_typing_into_a_skipped_question_clears_the_marker_in_one_audited_save(qtbot, screen):
    view, store, interview = screen
    view.focus_question("cad_formation")
    widget = view.widgets["cad_formation"]
    qtbot.mouseClick(widget.marker_buttons["skipped"], Qt.MouseButton.LeftButton)
    assert store.answer(interview, "cad_formation").marker == "skipped"
    before = len(store.audit_log(interview))
    qtbot.keyClicks(widget.editor.box, "2019")
    view.flush()
    answer = store.answer(interview, "cad_formation")
    assert (answer.value, answer.marker) == ("2019", None)  # never both
    assert not widget.marker_buttons["skipped"].isChecked()
    new_rows = store.audit_log(interview)[before:]
    assert {(row.field, row.old, row.new) for row in new_rows} == {("value", None, "2019"), ("marker", "skipped", None)}
    assert len({row.at for row in new_rows}) == 1  # one save
