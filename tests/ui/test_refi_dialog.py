"""The REFI-QDA dialogs (Data → Export codebook / project) and the export dialog's wide and CSV formats,
driven by clicks."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from yingzao.core.exchange.qdpx_read import read_qdpx
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.ui import refi_dialog
from yingzao.ui.export_dialog import ExportDialog
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow
from yingzao.ui.refi_dialog import RefiDialog

from tests.export_study import build_study


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("refi_ui") / "study.db")


def _dialog(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_project_dialog_writes_an_anonymised_qdpx_in_the_background(qtbot, study, tmp_path):
    dialog = _dialog(qtbot, RefiDialog(None, study.path, Translator("zh"), "qdpx"))
    assert dialog.windowTitle() == "导出项目（REFI-QDA）"
    dialog.path_edit.setText(str(tmp_path / "项目"))  # the suffix is added
    dialog.anonymize.click()
    assert dialog.anonymize.isChecked()
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    out = tmp_path / "项目.qdpx"
    assert "已导出 6 份访谈文字稿" in dialog.status.text() and str(out) in dialog.status.text()
    read = read_qdpx(out)
    assert len(read.sources) == 6 and "R01" in {c.name for c in read.cases}
    with zipfile.ZipFile(out) as archive:
        assert all("王建国" not in archive.read(n).decode("utf-8") for n in archive.namelist())
    assert dialog.open_button.isVisible() and dialog.cancel_button.text() == "关闭"
    dialog.done(0)


def test_codebook_dialog_in_english(qtbot, study, tmp_path):
    dialog = _dialog(qtbot, RefiDialog(None, study.path, Translator("en"), "qdc"))
    assert dialog.windowTitle() == "Export codebook (REFI-QDA)" and not dialog.anonymize.isVisible()
    assert dialog.language.currentData() == "en"
    dialog.path_edit.setText(str(tmp_path / "codes.qdc"))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert dialog.status.text().startswith("Exported 82 codes")
    assert 'name="Organisational innovation"' in (tmp_path / "codes.qdc").read_text(encoding="utf-8")
    dialog.done(0)


def test_a_refused_target_shows_the_error_and_writes_nothing(qtbot, study, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(refi_dialog.error_dialog, "show_error", lambda parent, tr, error: shown.append(error))
    dialog = _dialog(qtbot, RefiDialog(None, study.path, Translator("zh"), "qdpx"))
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "p.qdpx"))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert shown[0].code == "export_folder_missing" and "导出失败" in dialog.status.text()
    assert list(tmp_path.iterdir()) == []
    dialog.done(0)


def test_export_dialog_writes_the_wide_layout_and_a_csv_folder(qtbot, study, tmp_path):
    dialog = _dialog(qtbot, ExportDialog(None, study.path, Translator("zh")))
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == ["tidy", "wide", "csv"]
    dialog.format.setCurrentIndex(1)
    dialog.path_edit.setText(str(tmp_path / "wide.xlsx"))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert openpyxl.load_workbook(tmp_path / "wide.xlsx").sheetnames[0] == "官员访谈提纲"
    dialog.format.setCurrentIndex(2)
    assert dialog.path_edit.text() == str(tmp_path / "wide")  # a folder: the .xlsx is dropped
    assert dialog.file_label.text() == "保存到文件夹"
    dialog.result = None
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert (tmp_path / "wide" / "answers.csv").exists() and "已导出 6 份访谈" in dialog.status.text()
    dialog.done(0)


def test_the_data_menu_offers_both_refi_exports(qtbot, tmp_path, monkeypatch):
    store = Store(tmp_path / "app.db", user="王芳")
    library = load_library(store)
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(refi_dialog, "_open", lambda parent, path, tr, kind: opened.append((path, kind)))
    texts = [a.text() for a in window.data_menu.actions()]
    assert "导出编码表（REFI-QDA）…" in texts and "导出项目（REFI-QDA）…" in texts
    window.export_qdc_action.trigger()
    window.export_qdpx_action.trigger()
    assert opened == [(store.path, "qdc"), (store.path, "qdpx")]
    window.set_language("en")
    assert "Export project (REFI-QDA)…" in [a.text() for a in window.data_menu.actions()]
    store.close()
