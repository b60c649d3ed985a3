"""Export session: write the interviews changed since the last export (or all) to one package file
for the researcher, off the UI thread."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from core.errors import YingzaoError
from core.package import SUFFIX, PackSummary, changed_since_last_export, last_export, pack_session
from core.store import Store
from ui.background import Job
from ui.i18n import Translator, add_strings

add_strings({
    "pack.exists_title": ("文件已存在", "The file exists"),
    "pack.exists": ("{path} 已存在，可能是尚未合并的数据包。要替换它吗？", "{path} already exists; it may be a package not merged yet. Replace it?"),
    "pack.title": ("导出本机访谈数据", "Export session"),
    "pack.intro": ("把访谈打包成一个文件（.yzpack），用 U 盘或邮件交给研究者合并。文件包含回答、修改记录和所用提纲的版本。",
                   "Pack the interviews into one file (.yzpack) to give the researcher on a USB stick or by e-mail. "
                   "It holds the answers, their audit log and the protocol versions used."),
    "pack.changed": ("自上次导出（{file}，{at}）以来有改动的访谈：{changed} 份（共 {total} 份）。",
                     "Interviews changed since the last export ({file}, {at}): {changed} of {total}."),
    "pack.first": ("本机尚未导出过：将导出全部 {total} 份访谈。", "Nothing was exported from this computer yet: all {total} interviews will be."),
    "pack.all": ("导出全部访谈（不只是有改动的）", "Export all interviews, not only those changed"),
    "pack.file": ("保存为：", "Save as:"),
    "pack.browse": ("选择…", "Choose…"),
    "pack.filter": ("营造数据包 (*.yzpack)", "Yingzao package (*.yzpack)"),
    "pack.export": ("导出", "Export"),
    "pack.close": ("关闭", "Close"),
    "pack.working": ("正在导出…", "Exporting…"),
    "pack.done": ("已导出 {interviews} 份访谈、{answers} 条回答、{audit} 条修改记录到 {path}",
                  "Exported {interviews} interview(s), {answers} answers and {audit} audit entries to {path}"),
    "pack.nothing": ("自上次导出以来没有改动，未生成文件。如需重新导出全部，请勾选“导出全部访谈”。",
                     "Nothing changed since the last export; no file was written. Tick “Export all interviews” to export everything again."),
})


class PackDialog(QDialog):
    packed = Signal(object)  # PackSummary, or None when there was nothing to export

    def __init__(self, store_path: Path | str, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store_path, self.tr = Path(store_path), tr
        self.summary: PackSummary | None = None
        self.job: Job | None = None
        self.setWindowTitle(tr("pack.title"))
        self.resize(640, 260)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("pack.intro"), self)
        intro.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        self.all_box = QCheckBox(tr("pack.all"), self)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        browse = QPushButton(tr("pack.browse"), self)
        row.addWidget(QLabel(tr("pack.file"), self))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(tr("pack.export"), self)
        self.export_button.setDefault(True)
        self.close_button = QPushButton(tr("pack.close"), self)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        for widget in (intro, self.counts, self.all_box):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addLayout(buttons)
        browse.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.accept)
        self._show_counts()

    def _show_counts(self) -> None:
        with Store(self.store_path) as store:
            total = store.count_interviews()
            previous = last_export(store)
            changed = len(changed_since_last_export(store))
            who = store.user or "session"
        if previous is None:
            self.counts.setText(self.tr("pack.first", total=total))
        else:
            self.counts.setText(self.tr("pack.changed", file=previous["file_name"], at=previous["at"],
                                        changed=changed, total=total))
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        default = Path.home() / f"{_safe(who)}-{stamp}{SUFFIX}"
        self.path_edit.setText(str(default))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("pack.title"), self.path_edit.text(),
                                              self.tr("pack.filter"))
        if path:
            self.path_edit.setText(path if path.endswith(SUFFIX) else path + SUFFIX)

    def export(self) -> None:
        out = Path(self.path_edit.text().strip())
        if not out.name or self.job is not None:
            return
        replace = False
        if out.exists():  # perhaps a package the researcher has not merged yet: never replaced silently
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.question(self, self.tr("pack.exists_title"), self.tr("pack.exists", path=out))
            if answer != QMessageBox.StandardButton.Yes:
                return
            replace = True
        store_path, everything = self.store_path, self.all_box.isChecked()

        def work(job: Job) -> PackSummary | None:
            with Store(store_path) as store:  # this thread's own connection
                return pack_session(store, out, all_interviews=everything, overwrite=replace)

        self.job = Job(work)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(self._failed)
        self.export_button.setEnabled(False)
        self.result.setText(self.tr("pack.working"))
        self.job.start()

    def _succeeded(self, summary: PackSummary | None) -> None:
        self._finish()
        self.summary = summary
        if summary is None:
            self.result.setText(self.tr("pack.nothing"))
        else:
            self.result.setText(self.tr("pack.done", interviews=summary.interviews, answers=summary.answers,
                                        audit=summary.audit, path=summary.path))
        self._show_counts_after(summary)
        self.packed.emit(summary)

    def _show_counts_after(self, summary: PackSummary | None) -> None:
        path = self.path_edit.text()
        self._show_counts()
        if summary is None:
            self.path_edit.setText(path)

    def _failed(self, error: YingzaoError) -> None:
        self._finish()
        self.result.setText(str(error))
        from ui.app import show_error  # the app's one error dialog

        show_error(self, self.tr, error)

    def _finish(self) -> None:
        if self.job is not None:
            self.job.wait()
        self.job = None
        self.export_button.setEnabled(True)


def _safe(name: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in "-_") or "session"


def open_pack_dialog(parent: QWidget | None, store_path: Path | str, tr: Translator) -> PackSummary | None:
    """Show the dialog; returns what the last export in it wrote (None if nothing was written)."""
    dialog = PackDialog(store_path, tr, parent)
    dialog.exec()
    return dialog.summary
