"""Data → Import codebook…: a .qdc from another database imported through the dialog, its report, and a
foreign file refused through the error dialog with nothing changed; the REFI dialogs export the
database's own codes."""

from __future__ import annotations

import pytest

from yingzao.core.coding import codebook as cb
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.ui import codebook_import_dialog
from yingzao.ui.codebook_import_dialog import CodebookImportDialog
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow
from yingzao.ui.refi_dialog import RefiDialog


@pytest.fixture
def databases(tmp_path):
    """A database with a researcher's own codes, and a fresh one to import them into."""
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    with Store(source, user="李研究") as store:
        load_library(store)
        talent = cb.add_code(store, cb.research_codebook(store), family="emergent", label_zh="人才引育")
        cb.add_code(store, cb.research_codebook(store), family="emergent", label_zh="人才公寓", parent=talent.id)
    with Store(target, user="王芳") as store:
        load_library(store)
    return source, target


def _run(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_codebook_dialog_exports_the_databases_codes_and_the_import_dialog_adds_them(qtbot, databases, tmp_path):
    source, target = databases
    export = _run(qtbot, RefiDialog(None, source, Translator("zh"), "qdc"))
    export.path_edit.setText(str(tmp_path / "book.qdc"))
    export.start_button.click()
    qtbot.waitUntil(lambda: export.result is not None, timeout=20_000)
    assert 'name="人才公寓"' in (tmp_path / "book.qdc").read_text(encoding="utf-8")
    export.done(0)

    dialog = _run(qtbot, CodebookImportDialog(None, target, Translator("zh"), "王芳"))
    assert dialog.windowTitle() == "导入编码表"
    dialog.path_edit.setText(str(tmp_path / "book.qdc"))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert dialog.status.text().startswith("book.qdc：新增 2 个代码")
    assert "人才公寓" in dialog.details.toPlainText()
    with Store(target, read_only=True) as store:
        added = [c for c in cb.research_codebook(store).codes if c.family == "emergent"]
        audit = store.coding.audit("code")
    assert {c.label_zh for c in added} == {"人才引育", "人才公寓"}
    assert {e.user for e in audit} == {"王芳"}
    dialog.done(0)


def test_a_foreign_file_goes_to_the_error_dialog_and_changes_nothing(qtbot, databases, tmp_path, monkeypatch):
    _source, target = databases
    shown = []
    monkeypatch.setattr(codebook_import_dialog.error_dialog, "show_error", lambda p, tr, error: shown.append(error))
    bad = tmp_path / "theirs.qdc"
    bad.write_text('<!DOCTYPE x [<!ENTITY e "e">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', encoding="utf-8")
    dialog = _run(qtbot, CodebookImportDialog(None, target, Translator("en"), "王芳"))
    dialog.start_button.click()
    assert dialog.status.text() == "Choose a file to import first."
    dialog.path_edit.setText(str(bad))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert shown[0].code == "codebook_import_refused" and dialog.report is None
    with Store(target, read_only=True) as store:
        assert store.coding.code_rows() == []
    dialog.done(0)


def test_the_data_menu_offers_the_import_and_a_read_only_window_does_not(qtbot, tmp_path, monkeypatch):
    store = Store(tmp_path / "app.db", user="王芳")
    library = load_library(store)
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(
        codebook_import_dialog,
        "open_codebook_import_dialog",
        lambda parent, path, tr, user: opened.append((path, user)),
    )
    assert "导入编码表…" in [a.text() for a in window.data_menu.actions()]
    window.import_codebook_action.trigger()
    assert opened == [(store.path, "王芳")]
    assert window.import_codebook_action in window.write_actions
    window.set_language("en")
    assert "Import codebook…" in [a.text() for a in window.data_menu.actions()]
    store.close()
