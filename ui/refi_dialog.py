"""Data → Export codebook (REFI-QDA)… and Export project (REFI-QDA)…: choose language, anonymisation
(a project only) and file; the export runs in a worker thread with progress and Cancel.

The dialog never touches the database: the background job reads the database's codebook, codings,
memos and coders (`yingzao.core.export.refi_source`) and calls `yingzao.core.export.refi_write`, each
opening its own read-only store in the job's thread.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from yingzao.core import errors
from yingzao.core.errors import YingzaoError
from yingzao.core.export.refi_source import read_refi_content
from yingzao.core.export.refi_write import QdcResult, QdpxResult, write_qdc, write_qdpx
from yingzao.ui import error_dialog
from yingzao.ui import export_dialog as _export_strings  # noqa: F401 - registers the export.* strings used here
from yingzao.ui.background import Job
from yingzao.ui.export_job import ExportJobMixin
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "refi.title.qdc": ("导出编码表（REFI-QDA）", "Export codebook (REFI-QDA)"),
        "refi.title.qdpx": ("导出项目（REFI-QDA）", "Export project (REFI-QDA)"),
        "refi.intro.qdc": (
            "编码表文件（.qdc）可导入 NVivo、ATLAS.ti、MAXQDA 和 QualCoder；同一代码每次导出的 GUID 都相同。",
            "A codebook file (.qdc) imports into NVivo, ATLAS.ti, MAXQDA and QualCoder; a code keeps its GUID "
            "in every export.",
        ),
        "refi.intro.qdpx": (
            "项目文件（.qdpx）含每个访谈的文字稿、编码、备忘、变量和个案，可导入 NVivo、ATLAS.ti、MAXQDA 和 QualCoder。",
            "A project file (.qdpx) holds each interview's transcript, codings, memos, variables and cases, and "
            "imports into NVivo, ATLAS.ti, MAXQDA and QualCoder.",
        ),
        "refi.language": ("代码和标签的语言", "Language of codes and labels"),
        "refi.file_filter.qdc": ("REFI-QDA 编码表 (*.qdc)", "REFI-QDA codebook (*.qdc)"),
        "refi.file_filter.qdpx": ("REFI-QDA 项目 (*.qdpx)", "REFI-QDA project (*.qdpx)"),
        "refi.done.qdc": ("已导出 {codes} 个代码到\n{path}", "Exported {codes} codes to\n{path}"),
        "refi.done.qdpx": (
            "已导出 {sources} 份访谈文字稿、{codings} 个编码片段到\n{path}",
            "Exported {sources} interview transcripts and {codings} codings to\n{path}",
        ),
    }
)


class RefiDialog(ExportJobMixin, QDialog):
    def __init__(self, parent: QWidget | None, store_path: Path, tr: Translator, kind: str) -> None:
        super().__init__(parent)
        self.store_path, self.tr, self.kind = Path(store_path), tr, kind
        self.result: QdcResult | QdpxResult | None = None
        self.job: Job | None = None
        self.setWindowTitle(tr(f"refi.title.{kind}"))
        self.resize(560, 260)
        layout = QVBoxLayout(self)
        intro = QLabel(tr(f"refi.intro.{kind}"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.anonymize = QCheckBox(tr("export.anonymize"))
        self.anonymize.setVisible(kind == "qdpx")
        if kind == "qdpx":
            form.addRow(self.anonymize)
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(1 if tr.lang == "en" else 0)
        form.addRow(tr("refi.language"), self.language)
        file_row = QHBoxLayout()
        self.path_edit = QLineEdit(str(_default_target(kind)))
        self.choose_button = QPushButton(tr("export.choose"))
        self.choose_button.clicked.connect(self.choose_file)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        form.addRow(tr("export.file"), file_row)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(tr("export.open_folder"))
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.open_folder)
        self.start_button = QPushButton(tr("export.start"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("export.close"))
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    def target(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        suffix = f".{self.kind}"
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.windowTitle(), self.path_edit.text(), self.tr(f"refi.file_filter.{self.kind}")
        )
        if name:
            self.path_edit.setText(name)

    def start(self) -> None:
        target = self._prepared_target()
        if target is None:
            return
        db_path, kind = self.store_path, self.kind
        lang, anonymise = self.language.currentData(), self.anonymize.isChecked()

        def work(job: Job) -> QdcResult | QdpxResult:
            content = read_refi_content(db_path, lang)
            if kind == "qdc":
                return write_qdc(target, content.codes, lang)
            return write_qdpx(
                db_path,
                target,
                codes=content.codes,
                codings=content.codings,
                notes=content.notes,
                users=content.users,
                anonymize=anonymise,
                lang=lang,
                codebook=content.book,
                progress=lambda done, total: job.progress(done, total, ""),
                cancelled=job.cancelled,
            )

        self._launch(work)

    def _on_success(self, result: QdcResult | QdpxResult) -> None:
        self._finish()
        self.result = result
        if isinstance(result, QdpxResult):
            text = self.tr("refi.done.qdpx", sources=result.sources, codings=result.codings, path=result.path)
        else:
            text = self.tr("refi.done.qdc", codes=result.codes, path=result.path)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.status.setText(text)
        self.open_button.setVisible(True)

    def _on_failure(self, error: YingzaoError) -> None:
        self._finish()
        if isinstance(error, errors.ExportCancelled):
            self.status.setText(self.tr("export.cancelled"))
            return
        self.status.setText(self.tr("export.failed", message=error.message))
        error_dialog.show_error(self, self.tr, error)

    def _finish(self) -> None:
        if self.job is not None:
            self.job.wait()
        self.job = None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(True)
        if running:
            self.progress.setRange(0, 0)  # busy until the first report
        for widget in (self.start_button, self.choose_button, self.path_edit, self.anonymize, self.language):
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("export.cancel" if running else "export.close"))

    def open_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.path.parent)))

    def done(self, code: int) -> None:
        """Closing while an export runs cancels it and waits: no thread outlives the dialog."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().done(code)


def _default_target(kind: str) -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(documents) if documents and Path(documents).is_dir() else Path.home()
    stem = "yingzao-codebook" if kind == "qdc" else "yingzao-project"
    return folder / f"{stem}-{dt.datetime.now():%Y%m%d-%H%M}.{kind}"


def open_qdc_dialog(parent: QWidget | None, store_path: Path, tr: Translator) -> None:
    _open(parent, store_path, tr, "qdc")


def open_qdpx_dialog(parent: QWidget | None, store_path: Path, tr: Translator) -> None:
    _open(parent, store_path, tr, "qdpx")


def _open(parent: QWidget | None, store_path: Path, tr: Translator, kind: str) -> None:
    dialog = RefiDialog(parent, store_path, tr, kind)
    dialog.exec()
    dialog.deleteLater()
