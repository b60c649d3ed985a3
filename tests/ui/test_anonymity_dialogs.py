"""Data → Pseudonyms… and Data → Review anonymisation…: what a researcher sees and clicks."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from yingzao.core.anonymity import table
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.anonymity_review_dialog import AnonymityReviewDialog
from yingzao.ui.i18n import Translator
from yingzao.ui.pseudonym_dialog import PseudonymDialog

from tests.export_study import build_study
from tests.ui.typing import type_text


@pytest.fixture(scope="module")
def study_db(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("anonymity_ui") / "study.db").path


@pytest.fixture
def db(study_db, tmp_path):
    path = tmp_path / "study.db"
    shutil.copy(study_db, path)
    return path


def test_pseudonyms_are_added_kept_edited_and_removed(qtbot, db):
    with Store(db, user="研究者") as store:
        dialog = PseudonymDialog(store, Translator("zh"))
        qtbot.addWidget(dialog)
        type_text(qtbot, dialog.term, "邛崃")
        type_text(qtbot, dialog.replacement, "Q市")
        dialog.category.setCurrentIndex(1)  # place
        qtbot.keyClick(dialog.replacement, Qt.Key.Key_Return)
        type_text(qtbot, dialog.term, "成都")
        dialog.keep_button.click()
        assert dialog.terms() == ["成都", "邛崃"]
        assert [dialog.table.item(1, c).text() for c in range(4)] == ["邛崃", "Q市", "地名", "替换"]
        assert dialog.table.item(0, 3).text() == "保留"
        dialog.table.selectRow(1)  # edit: the row comes back into the fields
        assert dialog.term.text() == "邛崃" and dialog.replacement.text() == "Q市"
        dialog.replacement.clear()
        type_text(qtbot, dialog.replacement, "Q县")
        dialog.save_button.click()
        assert table.replacements(store.conn) == {"邛崃": "Q县"}
        dialog.table.selectRow(0)
        dialog.remove_button.click()
        assert dialog.terms() == ["邛崃"] and table.allowed(store.conn) == set()


def test_an_empty_pseudonym_is_explained_not_saved(qtbot, db, monkeypatch):
    shown = []
    monkeypatch.setattr(error_dialog, "show_error", lambda parent, tr, error: shown.append(error))
    with Store(db, user="研究者") as store:
        dialog = PseudonymDialog(store, Translator("zh"))
        qtbot.addWidget(dialog)
        type_text(qtbot, dialog.term, "邛崃")
        dialog.save_button.click()
        assert [e.code for e in shown] == ["pseudonym_needs_replacement"] and dialog.terms() == []


def test_the_pseudonym_dialog_speaks_english(qtbot, db):
    with Store(db) as store:
        tr = Translator("zh")
        dialog = PseudonymDialog(store, tr)
        qtbot.addWidget(dialog)
        tr.set_language("en")
        assert dialog.windowTitle() == "Pseudonyms" and dialog.save_button.text() == "Save"
        assert dialog.table.horizontalHeaderItem(1).text() == "Pseudonym"


def open_review(qtbot, db, tr: Translator) -> AnonymityReviewDialog:
    dialog = AnonymityReviewDialog(db, tr, segmenter=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.detections != [], timeout=20_000)
    return dialog


def test_review_lists_unreviewed_terms_and_accepting_one_adds_it_to_the_table(qtbot, db):
    dialog = open_review(qtbot, db, Translator("zh"))
    assert "京东方" in dialog.terms() and "个高置信度的词尚未审核" in dialog.summary.text()
    dialog.select("京东方")
    assert "京东方" in dialog.contexts.toPlainText() and dialog.accept_button.isEnabled()
    dialog.replacement.clear()
    type_text(qtbot, dialog.replacement, "某显示企业")
    dialog.accept_button.click()
    assert "京东方" not in dialog.terms()  # only what is not reviewed is listed
    with Store(db) as store:
        assert table.replacements(store.conn)["京东方"] == "某显示企业"
    dialog.only_open.click()
    dialog.select("京东方")
    row = dialog.terms().index("京东方")
    assert [dialog.table.item(row, c).text() for c in (3, 5)] == ["已接受", "某显示企业"]


def test_ignoring_a_term_puts_it_on_the_allow_list(qtbot, db):
    dialog = open_review(qtbot, db, Translator("zh"))
    first = dialog.terms()[0]
    dialog.select(first)
    dialog.ignore_button.click()
    assert first not in dialog.terms()
    with Store(db) as store:
        assert first in table.allowed(store.conn)


def test_the_review_dialog_speaks_english(qtbot, db):
    tr = Translator("en")
    dialog = open_review(qtbot, db, tr)
    assert dialog.windowTitle() == "Review anonymisation" and "not reviewed yet" in dialog.summary.text()
    assert dialog.accept_button.text() == "Accept (add to pseudonyms)"
    assert dialog.table.horizontalHeaderItem(5).text() == "Shown in exports as"


def test_the_data_menu_offers_both_dialogs_and_opens_them(qtbot, library_store, monkeypatch):
    from yingzao.ui import anonymity_review_dialog, pseudonym_dialog
    from yingzao.ui.main_window import MainWindow

    store, library = library_store
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    texts = [a.text() for a in window.data_menu.actions()]
    assert "代称表…" in texts and "审核匿名化…" in texts
    opened = []
    monkeypatch.setattr(pseudonym_dialog, "open_pseudonym_dialog", lambda *args: opened.append("pseudonyms"))
    monkeypatch.setattr(anonymity_review_dialog, "open_anonymity_review", lambda *args: opened.append("review"))
    window.pseudonyms_action.trigger()
    window.anonymity_review_action.trigger()
    assert opened == ["pseudonyms", "review"]
    window.set_language("en")
    assert window.pseudonyms_action.text() == "Pseudonyms…"
    assert window.anonymity_review_action.text() == "Review anonymisation…"


def test_the_export_dialog_refuses_unreviewed_detections_unless_told_to_accept_them(qtbot, db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from yingzao.ui.export_dialog import ExportDialog

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    dialog = ExportDialog(None, db, Translator("zh"))
    qtbot.addWidget(dialog)
    assert not dialog.accept_detected.isEnabled()
    dialog.anonymize.click()
    assert dialog.accept_detected.isEnabled()
    out = tmp_path / "anon.xlsx"
    dialog.path_edit.setText(str(out))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "尚未审核的可识别词" in shown[0] and "京东方" in shown[0] and not out.exists()
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=20_000)
    dialog.accept_detected.click()
    dialog.start_button.click()
    qtbot.waitUntil(lambda: out.exists() and dialog.start_button.isEnabled(), timeout=20_000)
    dialog.done(0)
