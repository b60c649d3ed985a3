"""File → Encrypt this database… and Change passphrase…: the window's database converted off the UI
thread, and opened again.

The window's store is closed first (core/store/encryption.py replaces the file under it): its pages
are shut and a "working" page is shown instead of the home list, which could otherwise read the
closed store, and the menus are off. The conversion runs in a worker thread (`ui/background.Job`)
behind a progress dialog; then the database is opened again — encrypted when the conversion
verified, as it was when it did not — and the window gets a new home page on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog, QWidget

from yingzao.core import errors, keychain
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
from yingzao.core.store.encryption import Converted, change_passphrase, encrypt_database
from yingzao.ui import error_dialog
from yingzao.ui.background import Job
from yingzao.ui.i18n import add_strings
from yingzao.ui.passphrase_dialog import EncryptDialog

if TYPE_CHECKING:
    from yingzao.ui.main_window import MainWindow

add_strings(
    {
        "encrypt.working": (
            "正在加密数据库并逐行核对……请勿关闭电脑。",
            "Encrypting the database and checking it row by row… Do not switch the computer off.",
        ),
        "encrypt.working_change": ("正在用新口令重新加密……", "Encrypting with the new passphrase…"),
    }
)


def run_encryption(window: MainWindow) -> Job | None:
    """Ask for the passphrase and start the conversion; None when the user cancelled. The window is
    given its database back when the job ends (see `_Conversion`)."""
    tr, store = window.tr, window.store
    assert store is not None
    change = store.encrypted
    dialog = EncryptDialog(window, tr, change=change)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    path, user = store.path, store.user
    old, new = dialog.current(), dialog.passphrase()
    window.drop_pages()
    working = QWidget(window.stack)  # an empty page: the progress dialog says what is going on
    window.stack.addWidget(working)
    window.stack.setCurrentWidget(working)  # the home list must not read the store while it is closed
    window.menuBar().setEnabled(False)
    store.close()
    progress = QProgressDialog(tr("encrypt.working_change" if change else "encrypt.working"), "", 0, 0, window)
    progress.setCancelButton(None)  # a half-made copy is removed either way; stopping it would gain nothing
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setWindowTitle(tr("encrypt.title_change" if change else "encrypt.title"))
    progress.show()

    def work(_job: Job) -> Converted:
        if change:
            return change_passphrase(path, old or "", new, user=user)
        return encrypt_database(path, new, user=user)

    job = Job(work)
    ending = _Conversion(window, path, user, new, dialog.remember_box.isChecked(), change, working, progress)
    job.succeeded.connect(ending.succeeded)
    job.failed.connect(ending.failed)
    job.start()
    return job


class _Conversion(QObject):
    """Receives the job's end on the UI thread: opens the database again and says what happened."""

    def __init__(
        self,
        window: MainWindow,
        path: Path,
        user: str,
        passphrase: str,
        remember: bool,
        change: bool,
        working: QWidget,
        progress: QProgressDialog,
    ) -> None:
        super().__init__(window)
        self.window, self.path, self.user, self.passphrase = window, path, user, passphrase
        self.remember, self.change, self.working, self.progress = remember, change, working, progress

    @Slot(object)
    def succeeded(self, done: object) -> None:
        assert isinstance(done, Converted)
        if not self._reopen(self.passphrase):
            return
        tr = self.window.tr
        if self.remember:
            try:
                keychain.remember(self.path, self.passphrase)
            except errors.YingzaoError as error:
                error_dialog.show_error(self.window, tr, error)
        else:
            keychain.forget(self.path)  # one kept for the old passphrase would no longer open it
        key = "encrypt.changed" if self.change else "encrypt.done"
        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr(f"{key}_title"),
            tr(key, path=self.path, tables=done.tables, rows=done.rows),
            parent=self.window,
        )
        box.exec()

    @Slot(object)
    def failed(self, error: object) -> None:
        # nothing changed (a wrong current passphrase, a full disk): the database opens as it was
        if self._reopen(None) and isinstance(error, errors.YingzaoError):
            error_dialog.show_error(self.window, self.window.tr, error)

    def _reopen(self, passphrase: str | None) -> bool:
        window = self.window
        self.progress.close()
        window.menuBar().setEnabled(True)
        try:
            # without a passphrase: the one this process already knows for the file, if any
            store = Store(self.path, user=self.user, passphrase=passphrase)
            try:
                library = load_library(store)
            except errors.YingzaoError:
                store.close()
                raise
        except errors.YingzaoError as error:  # the file was there a moment ago: say why, and end
            error_dialog.show_error(window, window.tr, error)
            window.close()
            return False
        window.use_store(store, library)
        window.stack.removeWidget(self.working)
        self.working.deleteLater()
        return True
