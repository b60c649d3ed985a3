"""File → Back up database…: a consistent copy, the latest saves included, made off the UI thread.

A plain copy of the .db file misses what is still in its -wal file; the store's backup goes through
SQLite's online backup, which sees every committed answer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.background import Job
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "backup.filter": ("营造数据库 (*.db)", "Yingzao databases (*.db)"),
        "backup.done_title": ("备份完成", "Backup made"),
        "backup.done": (
            "已把数据库完整备份到：\n{path}\n\n备份包含到此刻为止保存的所有回答。请把它保存在另一块磁盘或 U 盘上。",
            "The whole database was backed up to:\n{path}\n\nIt holds every answer saved until now. Keep it on "
            "another drive or a USB stick.",
        ),
    }
)


def suggested_name(database: Path, now: dt.datetime | None = None) -> str:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M")
    return f"{database.stem}-backup-{stamp}.db"


class _Report(QObject):
    """Receives the job's end on the UI thread: a slot of an object living there, not a lambda,
    which would run in the worker thread that emits."""

    def __init__(self, parent: QWidget, tr: Translator) -> None:
        super().__init__(parent)
        self._window, self._tr = parent, tr

    @Slot(object)
    def succeeded(self, path: object) -> None:
        QMessageBox.information(self._window, self._tr("backup.done_title"), self._tr("backup.done", path=path))

    @Slot(object)
    def failed(self, error: object) -> None:

        error_dialog.show_error(self._window, self._tr, error)


def back_up(parent: QWidget, database: Path, tr: Translator, target: Path | None = None) -> Job | None:
    """Ask where (unless `target` is given), then copy in a worker thread; returns the running job."""
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, tr("menu.backup"), str(database.parent / suggested_name(database)), tr("backup.filter")
        )
        if not chosen:
            return None
        target = Path(chosen)

    def work(_job: Job) -> Path:
        with Store(database, read_only=True) as store:  # this thread's own connection; it only reads
            return store.backup(target)

    job = Job(work)
    report = _Report(parent, tr)
    job.succeeded.connect(report.succeeded)
    job.failed.connect(report.failed)
    job.start()
    return job
