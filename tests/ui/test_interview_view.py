"""The interview screen, driven as a fieldworker drives it: typing, choosing, moving, finishing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from yingzao.core.forms.engine import InterviewSession
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView
from yingzao.ui.save_schedule import SAVE_DELAY_MS

from tests.ui.clicks import click_button
from tests.ui.typing import type_text


@pytest.fixture
def screen(qtbot, library_store):
    """An open cadre interview in community A, consent not yet given."""
    store, library = library_store
    store.add_community("A", "A社区")
    protocol = library.by_role("cadre")[0]
    interview = store.start_interview(protocol.sha256, community_id="A")
    tr = Translator("zh")
    view = InterviewView(InterviewSession(store, interview), tr, community_name="A社区")
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    yield view, store, interview, tr
    view.shutdown()


def saved(store, interview, question):
    answer = store.answer(interview, question)
    return None if answer is None else answer.value


def consent(qtbot, view):
    widget = view.widgets["consent"]
    click_button(qtbot, widget.editor.buttons[0])  # 是
    view.flush()


def test_typing_is_saved_within_half_a_second_and_the_status_says_so(qtbot, screen):
    view, store, interview, _ = screen
    consent(qtbot, view)
    view.focus_question("cad_formation")
    box = view.widgets["cad_formation"].editor.box
    type_text(qtbot, box, "2020年6月合并成立新A社区")
    assert saved(store, interview, "cad_formation") is None  # not yet: typing is never blocked
    assert SAVE_DELAY_MS <= 500  # the debounce that follows the last keystroke
    # saved by that timer alone (no flush, no focus change); the wait is generous for a loaded machine
    qtbot.waitUntil(lambda: saved(store, interview, "cad_formation") == "2020年6月合并成立新A社区", timeout=3000)
    assert view.saved_label.text().startswith("已保存")
    assert store.interview(interview).last_question == "cad_formation"


def test_nothing_is_saved_while_the_ime_is_composing(qtbot, screen):
    view, store, interview, _ = screen
    consent(qtbot, view)
    view.focus_question("cad_daily_work")
    box = view.widgets["cad_daily_work"].editor.box
    type_text(qtbot, box, "社区")
    QApplication.sendEvent(box, QInputMethodEvent("gongzuo", []))  # composing 工作
    qtbot.wait(700)
    assert saved(store, interview, "cad_daily_work") is None
    commit = QInputMethodEvent("", [])
    commit.setCommitString("工作")
    QApplication.sendEvent(box, commit)
    qtbot.waitUntil(lambda: saved(store, interview, "cad_daily_work") == "社区工作", timeout=3000)


def test_choices_numbers_dates_and_relevance_update_live(qtbot, screen):
    view, store, interview, _ = screen
    consent(qtbot, view)
    view.go_to_section(1)
    other = view.widgets["resp_case_other"]
    assert not other.isVisible()
    case = view.widgets["resp_case"].editor
    names = [c.name for c in case.choices]
    click_button(qtbot, case.buttons[names.index("other")])
    qtbot.waitUntil(lambda: other.isVisible(), timeout=3000)
    assert saved(store, interview, "resp_case") == "other"
    tenure = view.widgets["resp_tenure_years"].editor.box
    qtbot.keyClicks(tenure, "12")
    date = view.widgets["interview_date"].editor
    qtbot.keyClicks(date.box, "2021-04-02")
    qtbot.mouseClick(view.widgets["interview_start_time"].editor.now_button, Qt.MouseButton.LeftButton)
    view.flush()
    assert saved(store, interview, "resp_tenure_years") == 12
    assert saved(store, interview, "interview_date") == "2021-04-02"
    assert ":" in saved(store, interview, "interview_start_time")


def test_invalid_and_missing_answers_show_inline_when_leaving_the_field(qtbot, screen):
    view, store, interview, _ = screen
    consent(qtbot, view)
    view.focus_question("resp_tenure_years")
    qtbot.keyClicks(view.widgets["resp_tenure_years"].editor.box, "99")
    assert not view.widgets["resp_tenure_years"].issue_label.isVisible()
    view.focus_question("resp_gender")  # leave the field
    issue = view.widgets["resp_tenure_years"].issue_label
    qtbot.waitUntil(issue.isVisible, timeout=3000)
    assert "60" in issue.text()
    assert saved(store, interview, "resp_tenure_years") == 99  # kept as typed: nothing is lost
    view.focus_question("resp_tenure_years")
    box = view.widgets["resp_tenure_years"].editor.box
    box.selectAll()
    qtbot.keyClicks(box, "9")
    view.flush()
    assert not issue.isVisible()


def test_markers_and_notes_are_saved(qtbot, screen):
    view, store, interview, _ = screen
    consent(qtbot, view)
    view.go_to_section(2)
    widget = view.widgets["cad_party_org"]
    qtbot.mouseClick(widget.marker_buttons["refused"], Qt.MouseButton.LeftButton)
    widget.note_button.click()
    type_text(qtbot, widget.note_box, "受访者要求此段不记录")
    qtbot.waitUntil(
        lambda: (
            store.answer(interview, "cad_party_org") is not None
            and store.answer(interview, "cad_party_org").note == "受访者要求此段不记录"
        ),
        timeout=3000,
    )
    assert store.answer(interview, "cad_party_org").marker == "refused"
    qtbot.mouseClick(widget.marker_buttons["refused"], Qt.MouseButton.LeftButton)  # undo
    assert store.answer(interview, "cad_party_org").marker is None


def test_sections_by_keyboard_and_find_a_question(qtbot, screen, monkeypatch):
    view, _, _, _ = screen
    consent(qtbot, view)
    assert view.stack.currentIndex() == 0
    view.widgets["consent"].focus_editor()
    qtbot.keyClick(view.widgets["consent"].editor.buttons[0], Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert view.stack.currentIndex() == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert view.stack.currentIndex() == 0

    from yingzao.ui import find_dialog

    def fake_exec(dialog):
        type_text(qtbot, dialog.search, "楼栋")  # in an optional probe: found all the same
        dialog._choose_first()
        return True

    monkeypatch.setattr(find_dialog.FindDialog, "exec", fake_exec)
    view.find_question()
    assert view.sections[view.stack.currentIndex()].name == "participation_autonomy"


def test_switching_language_keeps_the_place_and_the_text(qtbot, screen):
    view, _, _, tr = screen
    consent(qtbot, view)
    view.focus_question("cad_formation")
    box = view.widgets["cad_formation"].editor.box
    type_text(qtbot, box, "正在输入的内容")
    tr.set_language("en")
    assert view.widgets["cad_formation"].editor.box is box
    assert box.toPlainText() == "正在输入的内容"
    assert view.sections[view.stack.currentIndex()].name == "community_organisation"
    assert view.widgets["cad_formation"].label.text().startswith("3.1  ")
    assert view.widgets["cad_formation"].marker_buttons["skipped"].text() == "Skipped"
    assert view.finalise_button.text() == "Finalise…"
    tr.set_language("zh")
    assert view.widgets["cad_formation"].marker_buttons["skipped"].text() == "跳过"


def test_refusing_consent_ends_the_interview_and_records_the_refusal(qtbot, screen):
    view, store, interview, _ = screen
    widget = view.widgets["consent"]
    click_button(qtbot, widget.editor.buttons[1])  # 否
    view.flush()
    assert view.banner.isVisible()
    assert view._neighbour(0, +1) is None  # no further sections
    assert not view.next_button.isEnabled()
    with qtbot.waitSignal(view.finalized):
        qtbot.mouseClick(view.refusal_button, Qt.MouseButton.LeftButton)
    record = store.interview(interview)
    assert (record.status, record.outcome) == ("completed", "consent_refused")
    assert saved(store, interview, "consent") == "no"


def test_finalise_lists_what_is_missing_with_links_then_locks(qtbot, screen, monkeypatch):
    view, store, interview, _ = screen
    consent(qtbot, view)
    from yingzao.ui import finalize_dialog

    seen = {}

    def go_to_first(dialog):
        seen["items"] = [dialog.issue_list.item(i).text() for i in range(dialog.issue_list.count())]
        dialog._jump(dialog.issue_list.item(0))
        return False

    monkeypatch.setattr(finalize_dialog.FinalizeDialog, "exec", go_to_first)
    view.finalise()
    assert any("未回答" in item for item in seen["items"])
    assert store.interview(interview).status == "draft"
    target = view.protocol.question(view.sections[view.stack.currentIndex()].questions[0]).section
    assert target in ("informed_consent", "respondent")

    monkeypatch.setattr(finalize_dialog.FinalizeDialog, "exec", lambda dialog: True)
    with qtbot.waitSignal(view.finalized):
        view.finalise()
    assert store.interview(interview).status == "completed"
    assert view.widgets["consent"].editor.isEnabled() is False
    with pytest.raises(Exception, match="访员已不能再修改"):
        store.save_answer(interview, "cad_formation", "x")


def test_time_on_each_question_is_recorded(qtbot, screen):
    view, store, interview, _ = screen
    consent(qtbot, view)
    view.focus_question("cad_formation")
    qtbot.wait(120)
    view.focus_question("cad_party_org")
    qtbot.wait(60)
    view.shutdown()
    times = store.question_times(interview)
    assert times["cad_formation"].seconds >= 0.1
    assert times["cad_formation"].visits == 1
    assert "__interview__" in times


def test_a_save_that_fails_keeps_what_was_typed_and_tries_again(qtbot, screen):
    view, store, interview, _ = screen
    consent(qtbot, view)
    view.focus_question("cad_formation")
    store.conn.execute("PRAGMA query_only = ON")  # the drive is gone for a moment
    type_text(qtbot, view.widgets["cad_formation"].editor.box, "磁盘写不进也不丢")
    view.flush()
    assert "cad_formation" in view._pending
    assert view.saved_label.text().startswith("未能保存")
    store.conn.execute("PRAGMA query_only = OFF")
    qtbot.waitUntil(lambda: saved(store, interview, "cad_formation") == "磁盘写不进也不丢", timeout=5000)


def test_leaving_with_something_unsaved_asks_first(qtbot, screen, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    view, store, interview, _ = screen
    consent(qtbot, view)
    view.focus_question("cad_formation")
    type_text(qtbot, view.widgets["cad_formation"].editor.box, "还没存上")
    store.conn.execute("PRAGMA query_only = ON")
    choices = []

    def choose(label):
        def exec_(box):
            choices.append(box.text())
            next(b for b in box.buttons() if b.text() == label).click()
            return 0

        return exec_

    monkeypatch.setattr(QMessageBox, "exec", choose("留在此页"))
    assert view.save_before_leaving() is False
    assert choices and "cad_formation" in view._pending
    store.conn.execute("PRAGMA query_only = OFF")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("nothing left to ask"))
    assert view.save_before_leaving() is True
    assert saved(store, interview, "cad_formation") == "还没存上"
