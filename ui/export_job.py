"""What the export dialogs share (Excel/CSV, REFI-QDA): starting the background job, Cancel that
becomes Close, and the progress bar. A dialog using it has `job`, `status`, `path_edit`,
`open_button`, `cancel_button`, `progress`, `tr`, `target()`, `_set_running()`, `_on_success()`
and `_on_failure()`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from yingzao.ui.background import Job


class ExportJobMixin:
    job: Job | None

    def _prepared_target(self) -> Path | None:
        """The file to write, once the dialog is ready to start; None when it is not."""
        target = self.target()  # type: ignore[attr-defined]
        if target is None:
            self.status.setText(self.tr("export.need_file"))  # type: ignore[attr-defined]
            return None
        if self.job is not None:
            return None
        self.path_edit.setText(str(target))  # type: ignore[attr-defined]
        self.result = None
        self.open_button.setVisible(False)  # type: ignore[attr-defined]
        return target

    def _launch(self, work: Callable[[Job], Any]) -> None:
        self.job = Job(work)
        self.job.progressed.connect(self._on_progress)
        self.job.succeeded.connect(self._on_success)  # type: ignore[attr-defined]
        self.job.failed.connect(self._on_failure)  # type: ignore[attr-defined]
        self._set_running(True)  # type: ignore[attr-defined]
        self.status.setText(self.tr("export.running"))  # type: ignore[attr-defined]
        self.job.start()

    def cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(self.tr("export.cancelling"))  # type: ignore[attr-defined]
            self.cancel_button.setEnabled(False)  # type: ignore[attr-defined]
        else:
            self.reject()  # type: ignore[attr-defined]

    def _on_progress(self, done: int, total: int, _what: str = "") -> None:
        self.progress.setMaximum(max(total, 1))  # type: ignore[attr-defined]
        self.progress.setValue(done)  # type: ignore[attr-defined]
