"""Export session: write the interviews changed since the last export (or all) to one package file
for the researcher, off the UI thread."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import YingzaoError
from yingzao.core.exchange.package import SUFFIX, PackSummary, pack_counts, pack_session
from yingzao.core.security import membership
from yingzao.core.security.project import Project
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.background import Job
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.interview_list_model import local_time  # a raw UTC timestamp is not for people

add_strings(
    {
        "pack.exists_title": ("文件已存在", "The file exists"),
        "pack.exists": (
            "{path} 已存在，可能是尚未合并的数据包。要替换它吗？",
            "{path} already exists; it may be a package not merged yet. Replace it?",
        ),
        "pack.title": ("导出数据包", "Export session"),
        "pack.intro": (
            "把访谈打包成一个文件（.yzpack），用 U 盘或邮件交给研究者合并。文件包含回答、修改记录和所用提纲的版本。",
            "Pack the interviews into one file (.yzpack) to give the researcher on a USB stick or by e-mail. "
            "It holds the answers, their audit log and the protocol versions used.",
        ),
        "pack.changed": (
            "自上次导出（{file}，{at}）以来有改动的访谈：{changed} 份（共 {total} 份）。",
            "Interviews changed since the last export ({file}, {at}): {changed} of {total}.",
        ),
        "pack.first": (
            "本机尚未导出过：将导出全部 {total} 份访谈。",
            "Nothing was exported from this computer yet: all {total} interviews will be.",
        ),
        "pack.sealed": (
            "数据包将用本机的设备密钥签名（本机指纹 {fingerprint}），并为项目“{project}”加密："
            "只有持有项目密钥的研究者能打开，途中被改动过的会被拒收。",
            "The package will be signed with this computer's device key (fingerprint {fingerprint}) and "
            "encrypted for the project “{project}”: only the researcher holding the project's keys can open it, "
            "and one altered on the way is refused.",
        ),
        "pack.unsigned": (
            "这个数据库不属于任何项目：数据包将不签名、不加密，任何拿到文件的人都能读到访谈。"
            "请先用“文件 → 项目 → 加入项目…”打开研究者给的项目文件。",
            "This database belongs to no project: the package will be neither signed nor encrypted, and anyone "
            "who gets the file can read the interviews. Open the researcher's project file first (File → "
            "Project → Join project…).",
        ),
        "pack.all": ("导出全部访谈（不只是有改动的）", "Export all interviews, not only those changed"),
        "pack.file": ("保存为：", "Save as:"),
        "pack.browse": ("选择…", "Choose…"),
        "pack.filter": ("营造数据包 (*.yzpack)", "Yingzao package (*.yzpack)"),
        "pack.export": ("导出", "Export"),
        "pack.close": ("关闭", "Close"),
        "pack.working": ("正在导出…", "Exporting…"),
        "pack.done": (
            "已导出 {interviews} 份访谈、{answers} 条回答、{audit} 条修改记录到 {path}",
            "Exported {interviews} interview(s), {answers} answers and {audit} audit entries to {path}",
        ),
        "pack.nothing": (
            "自上次导出以来没有改动，未生成文件。如需重新导出全部，请勾选“导出全部访谈”。",
            "Nothing changed since the last export; no file was written. Tick “Export all interviews” to export everything again.",
        ),
    }
)


class PackageFileDialog(QDialog):
    """Write one package file off the UI thread. A subclass adds its options, runs its core function
    (`_write`) and names its words: every string key starts with `key` (title, intro, all, file,
    browse, filter, export, close, working, nothing, exists_title, exists)."""

    packed = Signal(object)  # PackSummary, or None when there was nothing to write
    key = "pack"
    size = (640, 260)

    def __init__(self, store_path: Path | str, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store_path, self.tr = Path(store_path), tr
        self.summary: PackSummary | None = None
        self.job: Job | None = None
        self.setWindowTitle(self._t("title"))
        self.resize(*self.size)
        layout = QVBoxLayout(self)
        intro = QLabel(self._t("intro"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.sealing = QLabel(self)
        self.sealing.setWordWrap(True)
        layout.addWidget(self.sealing)
        self._add_options(layout)
        self.all_box = QCheckBox(self._t("all"), self)
        layout.addWidget(self.all_box)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        browse = QPushButton(self._t("browse"), self)
        row.addWidget(QLabel(self._t("file"), self))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(self._t("export"), self)
        self.export_button.setDefault(True)
        self.close_button = QPushButton(self._t("close"), self)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        browse.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.accept)

    def _t(self, word: str, /, **values: object) -> str:
        return self.tr(f"{self.key}.{word}", **values)

    # -- what a subclass provides ------------------------------------------------------------

    def _add_options(self, layout: QVBoxLayout) -> None:
        """Widgets between the introduction and the 'all' box."""

    def _write(self, store: Store, out: Path, replace: bool) -> PackSummary | None:
        raise NotImplementedError

    def _done_text(self, summary: PackSummary) -> str:
        raise NotImplementedError

    def _after_writing(self, summary: PackSummary | None) -> None:
        """Refresh what the dialog shows once a file was (or was not) written."""

    def _sealed_text(self, store: Store, project: Project) -> str:
        """How the package will be signed and for whom encrypted, in a project."""
        raise NotImplementedError

    def _show_sealing(self, store: Store) -> None:
        """Say before exporting whether the file will be signed and encrypted, or readable by anyone."""
        project = membership.project(store)
        if project is None:
            self.sealing.setText(self._t("unsigned"))
            self.sealing.setStyleSheet("color: #8c1d18;")
        else:
            self.sealing.setText(self._sealed_text(store, project))
            self.sealing.setStyleSheet("color: #1f5f23;")

    # -- shared ------------------------------------------------------------------------------

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self._t("title"), self.path_edit.text(), self._t("filter"))
        if path:
            self.path_edit.setText(path if path.endswith(SUFFIX) else path + SUFFIX)

    def export(self) -> None:
        out = Path(self.path_edit.text().strip())
        if not out.name or self.job is not None:
            return
        replace = False
        if out.exists():  # perhaps a package the researcher has not merged yet: never replaced silently
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.question(self, self._t("exists_title"), self._t("exists", path=out))
            if answer != QMessageBox.StandardButton.Yes:
                return
            replace = True
        store_path, write = self.store_path, self._writer()

        def work(job: Job) -> PackSummary | None:
            with Store(store_path) as store:  # this thread's own connection
                return write(store, out, replace)

        self.job = Job(work)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(self._failed)
        self.export_button.setEnabled(False)
        self.result.setText(self._t("working"))
        self.job.start()

    def _writer(self):
        """`_write` with the options read now, on the UI thread (widgets are not read from the job)."""
        return self._write

    def _succeeded(self, summary: PackSummary | None) -> None:
        self._finish()
        self.summary = summary
        self.result.setText(self._t("nothing") if summary is None else self._done_text(summary))
        self._after_writing(summary)
        self.packed.emit(summary)

    def _failed(self, error: YingzaoError) -> None:
        self._finish()
        self.result.setText(str(error))

        error_dialog.show_error(self, self.tr, error)

    def _finish(self) -> None:
        if self.job is not None:
            self.job.wait()
        self.job = None
        self.export_button.setEnabled(True)


class PackDialog(PackageFileDialog):
    """The fieldworker's session package for the researcher."""

    def __init__(self, store_path: Path | str, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(store_path, tr, parent)
        self._show_counts()

    def _add_options(self, layout: QVBoxLayout) -> None:
        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        layout.addWidget(self.counts)

    def _writer(self):
        everything = self.all_box.isChecked()
        return lambda store, out, replace: pack_session(store, out, all_interviews=everything, overwrite=replace)

    def _sealed_text(self, store: Store, project: Project) -> str:
        fingerprint = membership.device_keys(store).public.fingerprint
        return self._t("sealed", project=project.name, fingerprint=fingerprint)

    def _done_text(self, summary: PackSummary) -> str:
        return self._t(
            "done", interviews=summary.interviews, answers=summary.answers, audit=summary.audit, path=summary.path
        )

    def _show_counts(self) -> None:
        who = "session"
        try:
            with Store(self.store_path) as store:
                who = store.user or who
                total, previous, changed = pack_counts(store)
                self._show_sealing(store)
        except YingzaoError as error:  # a damaged database: the dialog still opens and says so
            self.counts.setText(str(error))
        else:
            if previous is None:
                self.counts.setText(self._t("first", total=total))
            else:
                self.counts.setText(
                    self._t(
                        "changed",
                        file=previous["file_name"],
                        at=local_time(previous["at"]),
                        changed=changed,
                        total=total,
                    )
                )
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.path_edit.setText(str(Path.home() / f"{_safe(who)}-{stamp}{SUFFIX}"))

    def _after_writing(self, summary: PackSummary | None) -> None:
        path = self.path_edit.text()
        self._show_counts()
        if summary is None:
            self.path_edit.setText(path)


def _safe(name: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in "-_") or "session"


def open_pack_dialog(parent: QWidget | None, store_path: Path | str, tr: Translator) -> PackSummary | None:
    """Show the dialog; returns what the last export in it wrote (None if nothing was written)."""
    dialog = PackDialog(store_path, tr, parent)
    dialog.exec()
    return dialog.summary
