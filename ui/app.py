"""Start the desktop app: open the store, load the study's protocols, show the main window."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from core import paths
from core.errors import YingzaoError
from core.library import load_library
from core.store import Store
from ui.i18n import Translator


def run(db_path: Path | None = None, *, lang: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Yingzao")
    tr = Translator(lang or "zh")
    try:
        store = Store(db_path or paths.default_database())
        if lang is None:
            tr.set_language(store.get_setting("ui_language") or "zh")
        library = load_library(store)
    except YingzaoError as error:
        show_error(None, tr, error)
        return 1
    from ui.main_window import MainWindow

    window = MainWindow(store, library, tr)
    window.show()
    code = app.exec()
    store.close()
    return code


def show_error(parent, tr: Translator, error: YingzaoError) -> None:
    """The one place a user-facing error becomes a dialog."""
    box = QMessageBox(QMessageBox.Icon.Critical, tr("error.title"), error.message, parent=parent)
    if error.hint:
        box.setInformativeText(error.hint)
    box.exec()
