"""Type like a fieldworker: ASCII as key presses, Chinese as a Chinese input method commits it."""

from __future__ import annotations

import re

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(qtbot, widget: QWidget, text: str) -> None:
    for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            # an IME shows a preedit while composing, then commits the characters in one event
            QApplication.sendEvent(widget, QInputMethodEvent("pinyin", []))
            commit = QInputMethodEvent("", [])
            commit.setCommitString(run)
            QApplication.sendEvent(widget, commit)
