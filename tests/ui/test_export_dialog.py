"""The Export dialog: filters, a background export with progress, cancel, errors, open folder."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from yingzao.ui import export_dialog
from yingzao.ui.export_dialog import ExportDialog, open_export_dialog
from yingzao.ui.i18n import Translator

from tests.export_study import build_study, table


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("study") / "study.db")


@pytest.fixture
def dialog(qtbot, study):
    dialog = ExportDialog(None, study.path, Translator("zh"))
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.done(0)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_export_runs_in_the_background_and_offers_the_folder(qtbot, dialog, tmp_path, monkeypatch):
    assert dialog.windowTitle() == "导出 Excel"
    assert list(dialog.community_boxes) == ["A", "B", "C"]
    assert dialog.community_boxes["A"].text() == "A — A社区（3 份）"
    dialog.community_boxes["B"].setChecked(False)
    dialog.community_boxes["C"].setChecked(False)
    dialog.anonymize.setChecked(True)
    out = tmp_path / "导出.xlsx"
    dialog.path_edit.setText(str(out))
    click(qtbot, dialog.start_button)
    assert not dialog.start_button.isEnabled() and dialog.cancel_button.text() == "取消"
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    rows = table(openpyxl.load_workbook(out)["访谈"])
    assert [(r["社区"], r["受访者"]) for r in rows] == [("A", "R01"), ("A", "R02"), ("A", None)]
    assert "已导出 3 份访谈" in dialog.status.text() and str(out) in dialog.status.text()
    assert dialog.progress.value() == dialog.progress.maximum() > 0
    assert dialog.open_button.isVisible() and dialog.cancel_button.text() == "关闭"
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    click(qtbot, dialog.open_button)
    assert [Path(url.toLocalFile()) for url in opened] == [tmp_path]


def test_cancel_stops_the_export_and_leaves_no_file(qtbot, dialog, tmp_path, monkeypatch):
    real, started = export_dialog.export_workbook, threading.Event()

    def held(db, out, options, *, progress, cancelled):  # the real export, once the user has cancelled
        started.set()
        while not cancelled():
            time.sleep(0.01)
        return real(db, out, options, progress=progress, cancelled=cancelled)

    monkeypatch.setattr(export_dialog, "export_workbook", held)
    out = tmp_path / "cancelled.xlsx"
    dialog.path_edit.setText(str(out))
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.status.text() == "已取消，没有写入文件。"
    assert list(tmp_path.iterdir()) == []
    assert dialog.start_button.isEnabled() and not dialog.open_button.isVisible()


def test_an_unwritable_target_is_reported_through_the_error_dialog(qtbot, dialog, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append((self.text(), self.informativeText())) or 0)
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "x"))
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "不存在" in shown[0][0] and "请选择一个已有的文件夹" in shown[0][1]
    assert dialog.path_edit.text().endswith("x.xlsx")  # the extension was added for the user
    assert "导出失败" in dialog.status.text() and dialog.start_button.isEnabled()


def test_each_filter_needs_one_choice_and_english_is_available(qtbot, study):
    dialog = ExportDialog(None, study.path, Translator("en"))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Export to Excel" and dialog.language.currentData() == "en"
    for box in dialog.role_boxes.values():
        box.setChecked(False)
    assert not dialog.start_button.isEnabled()
    assert dialog.status.text() == "Choose at least one item in each filter."
    dialog.role_boxes["cadre"].setChecked(True)
    options = dialog.options()
    assert options.filters.roles == ("cadre",) and options.filters.communities == () and options.lang == "en"


def test_open_export_dialog_reports_a_missing_database(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    open_export_dialog(None, tmp_path / "missing.db", Translator("zh"))
    assert "没有这个数据库" in shown[0]
    assert not (tmp_path / "missing.db").exists()


def test_unreviewed_suggestions_count_only_when_asked(qtbot, study):
    dialog = ExportDialog(None, study.path, Translator("zh"))
    qtbot.addWidget(dialog)
    assert not dialog.options().count_suggestions
    dialog.count_suggestions.click()
    assert dialog.options().count_suggestions
