"""Long work (merge, export) off the UI thread, with progress, cancel, and one error path.

The work function runs in its own QThread and receives the job, to report progress and ask whether
it was cancelled. SQLite connections belong to the thread that opened them, so the work opens its
own Store on the database path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from yingzao.core import errors, logs
from yingzao.core.errors import YingzaoError


class Job(QObject):
    progressed = Signal(int, int, str)  # done, total, what is being worked on
    succeeded = Signal(object)  # the work's result
    failed = Signal(object)  # a YingzaoError: what happened and what to do
    ended = Signal()  # after succeeded or failed, whichever came

    def __init__(self, work: Callable[[Job], object]) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()
        self.thread: QThread | None = None

    def progress(self, done: int, total: int, name: str) -> None:
        self.progressed.emit(done, total, name)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self)
        except YingzaoError as error:
            self.failed.emit(error)
        except Exception as error:  # noqa: BLE001 - the one error path must also catch the unforeseen
            logs.unexpected(error, "a background job")
            self.failed.emit(errors.unexpected(error, logs.folder()))
        else:
            self.succeeded.emit(result)
        self.ended.emit()

    def start(self) -> None:
        thread = QThread()
        self.thread = thread
        self.moveToThread(thread)
        thread.started.connect(self.run)
        # direct: the UI thread may be waiting for the thread, so quit must not queue behind it
        self.ended.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.start()

    def wait(self, ms: int = 30_000) -> bool:
        return self.thread.wait(ms) if self.thread is not None else True
