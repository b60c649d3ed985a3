"""Answer a modal dialog the code under test opens with exec(): the answer runs once the dialog is
on screen, from the event loop exec() itself turns, and must close it (a click, a key)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget


def answer_next(handle: Callable[[QWidget], None], *, kind: type = QWidget) -> list[QWidget]:
    """Call `handle` with the next modal widget of `kind` that shows; returns the list it is put in."""
    seen: list[QWidget] = []
    tries = [2000]  # gives up after a while, so a dialog that never came cannot answer a later test's

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            seen.append(widget)
            handle(widget)
        elif tries[0] > 0:
            tries[0] -= 1
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen


def button(box: QMessageBox, text: str) -> QAbstractButton:
    return next(b for b in box.buttons() if b.text() == text)


def click_message_button(text: str) -> list[QWidget]:
    """Click the button reading `text` on the next message box."""
    return answer_next(lambda box: button(box, text).click(), kind=QMessageBox)
