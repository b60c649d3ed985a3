"""Choosing what to interview: a protocol by respondent role, and the community case (or none)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from yingzao.ui.i18n import Translator
from yingzao.ui.new_interview_dialog import NewInterviewDialog, choose_new_interview

from tests.ui.clicks import click_button
from tests.ui.typing import type_text


def make(qtbot, store, library, *, profile=False, lang="zh"):
    tr = Translator(lang)
    dialog = NewInterviewDialog(store, library, tr, profile=profile)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, tr


def test_offers_the_three_interview_protocols_not_the_profile(qtbot, library_store):
    store, library = library_store
    dialog, _tr = make(qtbot, store, library)
    texts = [button.text() for button in dialog.protocol_buttons.values()]
    assert [t.split(" — ")[0] for t in texts] == ["官员", "街道工作人员", "社区干部"]
    assert not any("社区概况" in t for t in texts)
    assert dialog.none_radio.isVisible()


def test_with_no_communities_a_new_one_is_asked_for(qtbot, library_store):
    store, library = library_store
    dialog, _tr = make(qtbot, store, library)
    assert dialog.new_radio.isChecked() and not dialog.existing_radio.isEnabled()
    assert not dialog.ok_button.isEnabled()  # the case id is still empty
    qtbot.keyClicks(dialog.new_id_edit, "C")
    # the paper's naming, suggested as a placeholder that is used when no name is typed
    assert dialog.new_name_edit.text() == "" and dialog.new_name_edit.placeholderText() == "C社区"
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert store.community("C").name == "C社区"
    assert dialog.choice == (library.by_role("official")[0].sha256, "C")


def test_an_existing_community_or_none(qtbot, library_store):
    store, library = library_store
    store.add_community("A", "A社区")
    dialog, _tr = make(qtbot, store, library)
    assert dialog.existing_radio.isChecked() and dialog.community_combo.currentText() == "A — A社区"
    dialog.select_protocol("street_staff")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == (library.by_role("street_staff")[0].sha256, "A")

    dialog, _tr = make(qtbot, store, library)
    click_button(qtbot, dialog.none_radio)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == (library.by_role("official")[0].sha256, None)
    assert [c.id for c in store.communities()] == ["A"]


def test_a_new_id_that_exists_is_refused_with_a_reason(qtbot, library_store):
    store, library = library_store
    store.add_community("A", "A社区")
    dialog, _tr = make(qtbot, store, library)
    type_text(qtbot, dialog.new_name_edit, "别的社区")
    qtbot.keyClicks(dialog.new_id_edit, "a")
    assert dialog.new_radio.isChecked()
    assert not dialog.ok_button.isEnabled()
    assert "A社区" in dialog.message.text() and dialog.message.isVisible()
    assert dialog.new_name_edit.text() == "别的社区"  # a typed name is never overwritten
    dialog.accept()
    assert store.community("A").name == "A社区"  # not renamed


def test_profile_asks_only_for_a_community(qtbot, library_store):
    store, library = library_store
    store.add_community("B", "B社区")
    dialog, _tr = make(qtbot, store, library, profile=True)
    assert not dialog.protocol_box.isVisible() and not dialog.none_radio.isVisible()
    assert dialog.windowTitle() == "新建社区概况"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == (library.by_role("profile")[0].sha256, "B")


def test_switches_language_keeping_the_choice(qtbot, library_store):
    store, library = library_store
    dialog, tr = make(qtbot, store, library)
    dialog.select_protocol("cadre")
    qtbot.keyClicks(dialog.new_id_edit, "D")
    tr.set_language("en")
    cadre = dialog.protocol_buttons[library.by_role("cadre")[0].sha256]
    assert cadre.isChecked() and cadre.text().startswith("Community cadre — Interview protocol")
    assert dialog.ok_button.text() == "Start interview"
    assert dialog.new_id_edit.text() == "D"


def test_choose_new_interview_returns_none_on_cancel(qtbot, library_store, monkeypatch):
    store, library = library_store
    monkeypatch.setattr(NewInterviewDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert choose_new_interview(None, store, library, Translator()) is None


def test_typing_the_name_after_the_code_gives_just_the_name(qtbot, library_store):
    store, library = library_store
    dialog, _tr = make(qtbot, store, library)
    qtbot.keyClicks(dialog.new_id_edit, "A")
    type_text(qtbot, dialog.new_name_edit, "A社区")  # typed as a fieldworker would, after the code
    assert dialog.new_name_edit.text() == "A社区"  # not "A社区A社区"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert store.community("A").name == "A社区"
