"""Merging inside a project, as the researcher clicks through it: the passphrase asked for sealed
packages (a wrong one said, then the right one), unsigned packages only when allowed, a laptop's
first package held and merged once its device is accepted in Devices, or dropped when refused."""

from __future__ import annotations

import pytest

from yingzao.core.exchange.merge import merge_packages
from yingzao.core.security import membership
from yingzao.core.store.database import Store
from yingzao.ui.devices_dialog import DevicesDialog
from yingzao.ui.i18n import Translator
from yingzao.ui.merge_dialog import MergeDialog
from yingzao.ui.project_passphrase_dialog import PassphraseDialog

from tests.laptops import PROJECT_PASSPHRASE, join, make_project
from tests.ui.clicks import click_button
from tests.ui.modal import answer_next, click_message_button
from tests.ui.typing import type_text


@pytest.fixture
def project(tmp_path, make_laptop):
    """The researcher's master (the project made, its keys locked again as after a restart) and one
    fieldworker's laptop in the project, with one finalised interview packed."""
    with Store(tmp_path / "master.db", user="研究者") as made:
        project_file = make_project(made)
    master = Store(tmp_path / "master.db", user="研究者")
    wang = make_laptop("wang", "王芳")
    join(wang.store, project_file)
    wang.store.finalize(wang.interview(answers=2))
    package = wang.pack(tmp_path / "wang.yzpack")
    yield master, wang, package
    master.close()


@pytest.fixture(autouse=True)
def _no_error_dialogs(monkeypatch):
    shown = []
    monkeypatch.setattr("yingzao.ui.error_dialog.show_error", lambda parent, tr, error: shown.append(str(error)))
    return shown


def merge(qtbot, dialog):
    with qtbot.waitSignal(dialog.merge_finished, timeout=20_000) as finished:
        dialog.start_button.click()
    return finished.args[0]


def test_the_passphrase_is_asked_for_sealed_packages_wrong_then_right(qtbot, project, tmp_path):
    master, wang, package = project
    tr = Translator("zh")
    dialog = MergeDialog(master.path, tr, store=master)
    qtbot.addWidget(dialog)
    dialog.add_files([package])
    said = []

    def wrong_then_right(asked):
        type_text(qtbot, asked.field, "not the passphrase")
        asked.ok_button.click()
        said.append(asked.error.text())
        assert asked.isVisible() and asked.field.text() == ""  # asked again, nothing kept
        type_text(qtbot, asked.field, PROJECT_PASSPHRASE)
        asked.ok_button.click()

    answered = answer_next(wrong_then_right, kind=PassphraseDialog)
    report = merge(qtbot, dialog)
    assert len(answered) == 1 and "项目口令不正确" in said[0]
    [line] = report.packages
    assert line.status == "held" and line.signed_by == membership.device_keys(wang.store).public.fingerprint
    assert membership.unlocked(master) is not None  # kept for the run: the next merge does not ask
    assert dialog.table.item(0, 1).text() == "暂存" and "王芳" in dialog.table.item(0, 6).text()
    assert dialog.devices_button.isVisibleTo(dialog) and "暂存" in dialog.status.text()

    wang.store.finalize(wang.interview(answers=1))
    again = MergeDialog(master.path, tr, store=master)
    qtbot.addWidget(again)
    again.add_files([wang.pack(tmp_path / "wang-2.yzpack")])
    assert merge(qtbot, again).packages[0].status == "held"


def test_cancelling_the_passphrase_merges_nothing(qtbot, project):
    master, _wang, package = project
    dialog = MergeDialog(master.path, Translator("zh"), store=master)
    qtbot.addWidget(dialog)
    dialog.add_files([package])
    answered = answer_next(lambda asked: asked.reject(), kind=PassphraseDialog)
    dialog.start_button.click()
    assert len(answered) == 1 and dialog.job is None and dialog.report is None
    assert master.trust.held() == [] and master.trust.devices() == []


def test_unsigned_packages_merge_only_when_the_box_is_ticked(qtbot, project, make_laptop, tmp_path):
    master, _wang, _package = project
    outside = make_laptop("outside", "赵六")  # in no project: its packages are unsigned
    outside.store.finalize(outside.interview(answers=2))
    package = outside.pack(tmp_path / "outside.yzpack")
    tr = Translator("zh")

    refused = MergeDialog(master.path, tr, store=master)
    qtbot.addWidget(refused)
    assert refused.unsigned_box.isVisibleTo(refused) and not refused.unsigned_box.isChecked()
    refused.add_files([package])
    assert merge(qtbot, refused).packages[0].status == "refused"

    allowed = MergeDialog(master.path, tr, store=master)
    qtbot.addWidget(allowed)
    allowed.add_files([package])
    allowed.show()
    click_button(qtbot, allowed.unsigned_box)
    [line] = merge(qtbot, allowed).packages
    assert line.status == "merged" and line.added == 1 and "未签名" in allowed.table.item(0, 6).text()


def test_outside_a_project_there_is_nothing_to_allow(qtbot, master):
    dialog = MergeDialog(master.path, Translator("zh"), store=master)
    qtbot.addWidget(dialog)
    assert not dialog.unsigned_box.isVisibleTo(dialog)


def test_devices_accepts_a_held_laptop_and_merges_its_package(qtbot, project):
    master, wang, package = project
    membership.unlock(master, PROJECT_PASSPHRASE)
    assert merge_packages(master, [package]).packages[0].status == "held"
    tr = Translator("zh")
    dialog = DevicesDialog(master.path, tr, store=master)
    qtbot.addWidget(dialog)
    fingerprint = membership.device_keys(wang.store).public.fingerprint
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row[0] == "待核对" and row[1] == "王芳" and row[3] == fingerprint and row[5] == "1"
    assert dialog.accept_button.isEnabled()

    not_now = click_message_button("取消")  # not compared yet: nothing happens
    dialog.accept_button.click()
    assert len(not_now) == 1 and master.trust.device(wang.store.device_id).state == "pending"

    compared = click_message_button("指纹一致，接受")
    with qtbot.waitSignal(dialog.job_ended, timeout=20_000):
        dialog.accept_button.click()
    assert fingerprint in compared[0].text() and "王芳" in compared[0].text()
    [line] = dialog.report.packages
    assert line.status == "merged" and line.added == 1
    assert dialog.report_table.isVisibleTo(dialog) and dialog.report_table.item(0, 1).text() == "已合并"
    assert dialog.table.item(0, 0).text() == "已接受" and dialog.table.item(0, 5).text() == "0"
    assert not dialog.accept_button.isEnabled() and master.trust.held() == []
    assert len(master.interviews()) == 1


def test_devices_refuses_a_laptop_and_drops_what_it_sent(qtbot, project):
    master, wang, package = project
    membership.unlock(master, PROJECT_PASSPHRASE)
    merge_packages(master, [package])
    dialog = DevicesDialog(master.path, Translator("en"), store=master)
    qtbot.addWidget(dialog)
    asked = click_message_button("Refuse")
    dialog.refuse_button.click()
    assert "1 held package(s) are dropped" in asked[0].text()
    assert dialog.table.item(0, 0).text() == "refused" and dialog.table.item(0, 5).text() == "0"
    assert master.trust.held() == [] and master.trust.device(wang.store.device_id).state == "refused"
    assert dialog.accept_button.isEnabled() and not dialog.refuse_button.isEnabled()
