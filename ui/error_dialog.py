"""The one place a user-facing error becomes a dialog; every screen imports it from here."""

from __future__ import annotations

from yingzao.core.errors import YingzaoError
from yingzao.ui.i18n import Translator


def show_error(parent, tr: Translator, error: YingzaoError) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, tr("error.title"), error.message, parent=parent)
    if error.hint:
        box.setInformativeText(error.hint)
    box.exec()
