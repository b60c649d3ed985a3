"""File → Encrypt this database… and Change passphrase…: the window's database converted and opened
again. The window's store is closed first (core/store/encryption.py replaces the file under it) and
opened again afterwards: encrypted when the conversion verified, as it was when it did not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from yingzao.core import errors, keychain
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.core.store.encryption import Converted, change_passphrase, encrypt_database
from yingzao.ui import error_dialog
from yingzao.ui.passphrase_dialog import EncryptDialog

if TYPE_CHECKING:
    from yingzao.ui.main_window import MainWindow


def run_encryption(window: MainWindow) -> bool:
    """Ask for the passphrase, convert, reopen and say what was done; True when it was."""
    tr, store = window.tr, window.store
    assert store is not None
    change = store.encrypted
    dialog = EncryptDialog(window, tr, change=change)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    path, user = store.path, store.user
    old, new = dialog.current(), dialog.passphrase()
    if change and old is None:
        return False
    window.drop_pages()
    store.close()
    failure: errors.YingzaoError | None = None
    done: Converted | None = None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        try:
            done = (
                change_passphrase(path, old or "", new, user=user) if change else encrypt_database(path, new, user=user)
            )
        except errors.YingzaoError as error:
            failure = error
        try:
            # a wrong current passphrase changed nothing: the database opens with the one it had
            reopened = Store(path, user=user, passphrase=new if done else None)
            library = load_library(reopened)
        except errors.YingzaoError as error:  # the file was there a moment ago: say why, and end
            QApplication.restoreOverrideCursor()
            error_dialog.show_error(window, tr, error)
            window.close()
            return False
    finally:
        if QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
    window.use_store(reopened, library)
    if failure is not None or done is None:
        if failure is not None:
            error_dialog.show_error(window, tr, failure)
        return False
    if dialog.remember_box.isChecked():
        try:
            keychain.remember(path, new)
        except errors.YingzaoError as error:
            error_dialog.show_error(window, tr, error)
    else:
        keychain.forget(path)  # one kept for the old passphrase would no longer open it
    key = "encrypt.changed" if change else "encrypt.done"
    box = QMessageBox(
        QMessageBox.Icon.Information,
        tr(f"{key}_title"),
        tr(key, path=path, tables=done.tables, rows=done.rows),
        parent=window,
    )
    box.exec()
    return True
