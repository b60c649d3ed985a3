"""The supervisor's review end to end, across a fieldworker's laptop and the supervisor's master, as
both click through it: merge → queue with flags → comment and send back → review package → the
laptop shows the comments and the fieldworker replies, revises and finalises → merged back as an
update, not a conflict → approve → reopen, all in the audit log."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.library import load_library
from yingzao.core.review import decisions as review
from yingzao.core.review.comments import REVIEW_FIELD
from yingzao.core.security import membership
from yingzao.core.store.database import Store
from yingzao.ui import finalize_dialog
from yingzao.ui.devices_dialog import DevicesDialog
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView
from yingzao.ui.merge_dialog import MergeDialog
from yingzao.ui.review_send_dialog import ReviewSendDialog
from yingzao.ui.review_view import ReviewView

from tests.laptops import PROJECT_PASSPHRASE, Laptop, join, laptop_template, make_project  # noqa: F401
from tests.ui.modal import click_message_button
from tests.ui.typing import type_text


def merge_in_dialog(qtbot, db, files, tr, *, store=None, status="merged"):
    dialog = MergeDialog(db, tr, store=store)
    qtbot.addWidget(dialog)
    dialog.add_files(files)
    with qtbot.waitSignal(dialog.merge_finished, timeout=20_000) as finished:
        dialog.start_button.click()
    [line] = finished.args[0].packages
    assert line.status == status, line.reason
    return line


def accept_in_devices(qtbot, db, tr, store):
    """The researcher accepts the one laptop waiting, after comparing its fingerprint."""
    dialog = DevicesDialog(db, tr, store=store)
    qtbot.addWidget(dialog)
    assert dialog.selected() is not None and dialog.selected().state == "pending"
    asked = click_message_button(tr("dev.accept.yes"))
    with qtbot.waitSignal(dialog.job_ended, timeout=20_000):
        dialog.accept_button.click()
    assert len(asked) == 1 and dialog.report.packages[0].status == "merged"
    return dialog.report.packages[0]


@pytest.fixture
def people(laptop_template, tmp_path):  # noqa: F811
    """王芳's laptop and 李督导's master, the database that made the project (its key a supervisor's)."""
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    wang.store.set_setting("user_role", "fieldworker")
    master_path = tmp_path / "master.db"
    with Store(master_path, user="李督导") as master:
        master.set_setting("user_name", "李督导")
        master.set_setting("user_role", "supervisor")
        project_file = make_project(master)
    join(wang.store, project_file)
    yield wang, master_path
    wang.close()


def test_review_send_back_revise_and_approve_across_two_databases(qtbot, people, tmp_path, monkeypatch):
    wang, master_path = people
    tr = Translator("zh")
    question = next(q.name for q in wang.protocol.answerable if q.type == "text" and q.appearance == "multiline")
    interview_id = wang.interview(answers=0)
    wang.store.save_answer(interview_id, question, "社区成立于2020年")
    wang.store.finalize(interview_id)  # the required questions are left unanswered: a flag

    # the first package of 王芳's laptop waits until the supervisor accepts the laptop
    master = Store(master_path)
    membership.unlock(master, PROJECT_PASSPHRASE)  # as the window's store holds them once typed
    merge_in_dialog(qtbot, master_path, [wang.pack(tmp_path / "s1.yzpack")], tr, store=master, status="held")
    assert accept_in_devices(qtbot, master_path, tr, master).added == 1

    # the supervisor's queue shows it, flagged
    view = ReviewView(master, load_library(master), tr)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitUntil(lambda: view.flag_job is None, timeout=20_000)
    assert view.model.rowCount() == 1 and view.model.interview_id(0) == interview_id
    assert "缺必答题" in view.model.text(0, 1)
    assert view.count_label.text().startswith("待审核 1")

    # comment on a question, then send it back with a reason
    view.table.selectRow(0)
    view.open_button.click()
    page = view.interview_page
    assert page is not None and page.approve_button.isVisible() and page.reject_button.isVisible()
    assert "缺必答题" in page.flags_label.text()
    thread = page.threads[question]
    thread.add_button.click()
    type_text(qtbot, thread.new_box, "请补充：合并了哪几个村？")
    thread.post_button.click()
    assert thread.texts() == ["请补充：合并了哪几个村？"] and thread.new_box.text() == ""
    monkeypatch.setattr(page, "ask_reason", lambda: "第一部分太简略，请补充后重新提交")
    page.reject_button.click()
    assert master.interview(interview_id).status == "rejected"
    assert page.whole.texts() == ["第一部分太简略，请补充后重新提交"]
    assert not page.approve_button.isVisible() and "已退回" in page.notice.text()
    assert view.model.rowCount() == 0  # no longer waiting in the queue

    # the review package for 王芳
    send = ReviewSendDialog(master_path, tr, fieldworker="王芳")
    qtbot.addWidget(send)
    assert send.fieldworker() == "王芳" and "1 份待发送" in send.fieldworker_box.currentText()
    send.path_edit.setText(str(tmp_path / "back.yzpack"))
    with qtbot.waitSignal(send.packed, timeout=20_000) as packed:
        send.export_button.click()
    assert packed.args[0].interviews == 1
    page.reload()
    assert not page.can_comment and "已发送" in page.notice.text()

    # the laptop merges it: the interview is back with the fieldworker, with the comments
    assert merge_in_dialog(qtbot, wang.path, [tmp_path / "back.yzpack"], tr).updated == 1
    session = InterviewSession(wang.store, interview_id)
    assert session.interview.status == "rejected" and session.editable
    screen = InterviewView(session, tr)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    assert screen.comments.box is not None and "督导已退回" in screen.comments.heading.text()
    assert screen.comments.thread.texts() == ["第一部分太简略，请补充后重新提交"]
    screen.focus_question(question)
    widget = screen.widgets[question]
    assert widget.comments is not None and widget.comments.texts() == ["请补充：合并了哪几个村？"]
    [thread_id] = widget.comments.reply_boxes
    type_text(qtbot, widget.comments.reply_boxes[thread_id], "合并了三个村")
    widget.comments.reply_buttons[thread_id].click()
    assert widget.comments.texts() == ["请补充：合并了哪几个村？", "合并了三个村"]
    box = widget.editor.box
    box.setFocus()
    box.moveCursor(box.textCursor().MoveOperation.End)
    type_text(qtbot, box, "，由A村、B村和C村合并")
    screen.flush(force=True)
    monkeypatch.setattr(finalize_dialog.FinalizeDialog, "exec", lambda dialog: True)
    with qtbot.waitSignal(screen.finalized, timeout=5_000):
        screen.finalise()
    assert wang.store.interview(interview_id).status == "completed"
    assert widget.comments.reply_boxes == {}  # finalised: no more replies
    screen.shutdown()

    # the revision merges into the master as an update, not a conflict
    line = merge_in_dialog(qtbot, master_path, [wang.pack(tmp_path / "s2.yzpack")], tr, store=master)
    assert (line.updated, line.conflicts) == (1, [])
    view.show_queue()
    view.refresh()
    qtbot.waitUntil(lambda: view.flag_job is None, timeout=20_000)
    assert view.model.rowCount() == 1
    page = view.open_interview(interview_id)
    assert page.threads[question].texts() == ["请补充：合并了哪几个村？", "合并了三个村"]
    assert "由A村、B村和C村合并" in page.cards[question].findChild(type(page.title), "answer").text()

    # a second round of review: the supervisor can comment again, on a question and on the whole
    thread = page.threads[question]
    assert page.can_comment and thread.can_comment and not thread.add_button.isHidden()  # "＋ 批注"
    assert page.whole.new_box.isVisibleTo(page)  # the overall comment box
    thread.add_button.click()
    type_text(qtbot, page.threads[question].new_box, "第二轮：请确认合并时间")
    page.threads[question].post_button.click()
    assert "第二轮：请确认合并时间" in page.threads[question].texts()

    # approve, then reopen: both recorded
    page.approve_button.click()
    assert master.interview(interview_id).status == "approved" and page.reopen_button.isVisible()
    page.reopen_button.click()
    assert master.interview(interview_id).status == "completed"
    decisions = [(e.old, e.new, e.user) for e in master.audit_log(interview_id) if e.field == REVIEW_FIELD]
    assert decisions == [
        ("completed", "rejected", "李督导"),
        ("completed", "approved", "李督导"),
        ("approved", "completed", "李督导"),
    ]
    assert "重新打开" in page.history_label.text()
    qtbot.keyClick(view.table, Qt.Key.Key_Escape)  # nothing modal is left open
    view.shutdown()
    master.close()


def test_a_supervisor_role_without_a_key_sees_the_queue_but_no_review_actions(qtbot, people):
    """The role is a label: 王芳 calls herself a supervisor, yet her laptop holds no supervisor key."""
    wang, _master_path = people
    interview_id = wang.interview(answers=2)
    wang.store.finalize(interview_id)
    wang.store.set_setting("user_role", "supervisor")  # changed in My identity…
    assert not membership.is_supervisor(wang.store)
    tr = Translator("en")
    view = ReviewView(wang.store, load_library(wang.store), tr)
    qtbot.addWidget(view)
    view.show()
    assert view.notice.isVisible() and "only a holder of a supervisor key" in view.notice.text()
    assert not view.send_button.isVisible()
    page = view.open_interview(interview_id)
    assert not page.approve_button.isVisible() and not page.reject_button.isVisible()
    assert not page.reopen_button.isVisible()
    assert not page.whole.new_box.isVisible() and not page.threads[wang.texts[0]].add_button.isVisible()
    assert "Only a holder of a supervisor key" in page.notice.text() and "Export my public key" in page.notice.text()
    assert not page.comment(None, "not allowed")  # the core refuses too (the error dialog is patched below)
    assert review.comments(wang.store, interview_id) == []
    view.shutdown()


@pytest.fixture(autouse=True)
def _no_error_dialogs(monkeypatch):
    shown = []
    monkeypatch.setattr("yingzao.ui.error_dialog.show_error", lambda parent, tr, error: shown.append(str(error)))
    return shown
