"""Qt's own dialogs speak the interface language: Qt's translations are loaded for Chinese, and dates
follow the language's locale instead of Qt's bare "C" one."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel

from yingzao.ui.app import QtStrings
from yingzao.ui.i18n import Translator


@pytest.fixture
def qt_strings(qtbot):
    tr = Translator("zh")
    strings = QtStrings(QApplication.instance(), tr)
    yield strings, tr
    strings.remove()


def look_in_label(qtbot) -> str:
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    return dialog.findChild(QLabel, "lookInLabel").text()


def test_qt_dialogs_follow_the_interface_language(qtbot, qt_strings):
    strings, tr = qt_strings
    assert strings.loaded

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    day = QDate(2026, 12, 3)
    assert QLocale().toString(day, QLocale.FormatType.ShortFormat) != "3 12 2026"
    assert "2026" in QLocale().toString(day, QLocale.FormatType.ShortFormat)
    tr.set_language("en")
    assert look_in_label(qtbot).replace("&", "") == "Look in:"
    assert QLocale().toString(day, QLocale.FormatType.ShortFormat) == dt.date(2026, 12, 3).strftime("%d/%m/%Y")
