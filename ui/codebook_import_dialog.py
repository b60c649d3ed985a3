"""Data → Import codebook…: choose a REFI-QDA codebook (.qdc) or a codebook CSV, add its codes to the
database's codebook, and show what was added, matched and in conflict.

The import runs in a worker thread on its own connection (`yingzao.core.coding.codebook_import`); a
refused file changes nothing and its reason goes to the one error dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.coding.codebook_import import ImportReport, import_codebook
from yingzao.core.errors import YingzaoError
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.background import Job
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "codebook_import.title": ("导入编码表", "Import codebook"),
        "codebook_import.intro": (
            "从其他软件（NVivo、ATLAS.ti、MAXQDA、QualCoder 的 .qdc）或其他研究（编码表 .csv）导入代码。"
            "先按 GUID、再按名称与现有代码匹配；新代码加入编码表，已有代码不作改动，名称或上级不同的列为冲突。",
            "Import codes from another tool (a .qdc from NVivo, ATLAS.ti, MAXQDA, QualCoder) or another study "
            "(a codebook .csv). Codes are matched by GUID, then by name; new ones are added, existing ones are "
            "left as they are, and a different name or parent is listed as a conflict.",
        ),
        "codebook_import.file": ("文件：", "File:"),
        "codebook_import.choose": ("选择…", "Choose…"),
        "codebook_import.filter": ("编码表 (*.qdc *.csv)", "Codebooks (*.qdc *.csv)"),
        "codebook_import.start": ("导入", "Import"),
        "codebook_import.close": ("关闭", "Close"),
        "codebook_import.need_file": ("请先选择要导入的文件。", "Choose a file to import first."),
        "codebook_import.running": ("正在导入…", "Importing…"),
        "codebook_import.failed": ("没有导入：{message}", "Not imported: {message}"),
    }
)


class CodebookImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, store_path: Path, tr: Translator, user: str = "") -> None:
        super().__init__(parent)
        self.store_path, self.tr, self.user = Path(store_path), tr, user
        self.report: ImportReport | None = None
        self.job: Job | None = None
        self.setWindowTitle(tr("codebook_import.title"))
        self.resize(620, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("codebook_import.intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("codebook_import.file")))
        self.path_edit = QLineEdit()
        self.choose_button = QPushButton(tr("codebook_import.choose"))
        self.choose_button.clicked.connect(self.choose_file)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.details = QPlainTextEdit()  # the report: what was added and what is in conflict
        self.details.setReadOnly(True)
        layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton(tr("codebook_import.start"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.close_button = QPushButton(tr("codebook_import.close"))
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.windowTitle(), self.path_edit.text(), self.tr("codebook_import.filter")
        )
        if name:
            self.path_edit.setText(name)

    def start(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self.status.setText(self.tr("codebook_import.need_file"))
            return
        if self.job is not None:
            return
        path, store_path, user, lang = Path(text).expanduser(), self.store_path, self.user, self.tr.lang

        def work(job: Job) -> ImportReport:
            with Store(store_path, user=user) as store:  # this thread's own connection
                return import_codebook(store, path, lang=lang)

        self.report = None
        self.details.clear()
        self.job = Job(work)
        self.job.succeeded.connect(self._on_success)
        self.job.failed.connect(self._on_failure)
        self._set_running(True)
        self.status.setText(self.tr("codebook_import.running"))
        self.job.start()

    def _on_success(self, report: ImportReport) -> None:
        self._finish()
        self.report = report
        lines = report.lines()
        self.status.setText(lines[0])
        self.details.setPlainText("\n".join(line.strip() for line in lines[1:]))

    def _on_failure(self, error: YingzaoError) -> None:
        self._finish()
        self.status.setText(self.tr("codebook_import.failed", message=error.message))
        error_dialog.show_error(self, self.tr, error)

    def _finish(self) -> None:
        if self.job is not None:
            self.job.wait()
        self.job = None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        for widget in (self.start_button, self.choose_button, self.path_edit, self.close_button):
            widget.setEnabled(not running)

    def done(self, code: int) -> None:
        """Closing waits for an import under way: it is one short transaction, never left half done."""
        if self.job is not None:
            self.job.wait()
        super().done(code)


def open_codebook_import_dialog(parent: QWidget | None, store_path: Path, tr: Translator, user: str = "") -> None:
    dialog = CodebookImportDialog(parent, store_path, tr, user)
    dialog.exec()
    dialog.deleteLater()
