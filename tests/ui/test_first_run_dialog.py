"""First launch asks who is using the app; the same dialog changes it later, prefilled."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSysInfo, Qt
from PySide6.QtWidgets import QDialog

from yingzao.ui import first_run_dialog
from yingzao.ui.first_run_dialog import IdentityDialog, ask_identity
from yingzao.ui.i18n import Translator

from tests.ui.clicks import click_button
from tests.ui.typing import type_text


def make(qtbot, store, lang="zh"):
    tr = Translator(lang)
    dialog = IdentityDialog(store, tr)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, tr


def test_first_run_fills_the_settings(qtbot, library_store):
    store, _library = library_store
    dialog, _tr = make(qtbot, store)
    assert dialog.windowTitle() == "欢迎使用营造"
    assert not dialog.ok_button.isEnabled()  # a name is required
    assert dialog.device_edit.text() == QSysInfo.machineHostName()
    type_text(qtbot, dialog.name_edit, "王芳")
    assert dialog.ok_button.isEnabled()
    click_button(qtbot, dialog.role_buttons["supervisor"])
    dialog.device_edit.clear()
    qtbot.keyClicks(dialog.device_edit, "laptop-2")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert store.get_setting("user_name") == "王芳"
    assert store.get_setting("user_role") == "supervisor"
    assert store.get_setting("device_label") == "laptop-2"
    assert store.user == "王芳"  # what the audit log records from now on


def test_a_blank_name_is_not_accepted(qtbot, library_store):
    store, _library = library_store
    dialog, _tr = make(qtbot, store)
    qtbot.keyClicks(dialog.name_edit, "   ")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()
    assert store.get_setting("user_name") is None


def test_changing_later_is_prefilled(qtbot, library_store):
    store, _library = library_store
    store.set_setting("user_name", "李明")
    store.set_setting("user_role", "researcher")
    store.set_setting("device_label", "研究室台式机")
    dialog, _tr = make(qtbot, store)
    assert dialog.windowTitle() == "您的身份"
    assert dialog.name_edit.text() == "李明" and dialog.role == "researcher"
    assert dialog.device_edit.text() == "研究室台式机"
    assert dialog.ok_button.isEnabled()


def test_the_dialog_switches_language_in_place(qtbot, library_store):
    store, _library = library_store
    dialog, tr = make(qtbot, store)
    type_text(qtbot, dialog.name_edit, "王芳")
    qtbot.mouseClick(dialog.language_button, Qt.MouseButton.LeftButton)
    assert tr.lang == "en" and store.get_setting("ui_language") == "en"
    assert dialog.windowTitle() == "Welcome to Yingzao"
    assert dialog.role_buttons["fieldworker"].text().startswith("Fieldworker")
    assert dialog.name_edit.text() == "王芳"  # typed text survives


def test_ask_identity_returns_false_on_cancel_and_saves_nothing(qtbot, library_store, monkeypatch):
    store, _library = library_store
    monkeypatch.setattr(IdentityDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert ask_identity(None, store, Translator()) is False
    assert store.get_setting("user_name") is None


def test_ask_identity_returns_true_when_confirmed(qtbot, library_store, monkeypatch):
    store, _library = library_store

    def fill(dialog):
        qtbot.keyClicks(dialog.name_edit, "Wang Fang")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(IdentityDialog, "exec", fill)
    assert ask_identity(None, store, Translator()) is True
    assert store.get_setting("user_name") == "Wang Fang"
    assert first_run_dialog.role_label(Translator("en"), store.get_setting("user_role")) == "Fieldworker"


def test_esc_on_first_launch_asks_before_quitting_and_can_stay(qtbot, library_store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    store, _library = library_store
    dialog, _tr = make(qtbot, store)
    asked = []

    def choose(label):
        def exec_(box):
            asked.append(box.text())
            next(b for b in box.buttons() if b.text() == label).click()
            return 0

        return exec_

    monkeypatch.setattr(QMessageBox, "exec", choose("继续填写"))
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert asked and "退出营造" in asked[0]
    assert dialog.isVisible()  # still asking who
    type_text(qtbot, dialog.name_edit, "王芳")
    assert dialog.name_edit.text() == "王芳"
    monkeypatch.setattr(QMessageBox, "exec", choose("退出"))
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert store.get_setting("user_name") is None


def test_esc_when_changing_identity_later_just_closes(qtbot, library_store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    store, _library = library_store
    store.set_setting("user_name", "王芳")
    dialog, _tr = make(qtbot, store)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("nothing to confirm"))
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
