"""Merge sessions: choose several package files, merge them off the UI thread with progress and
cancel, then read the report (and save it as .xlsx, or go on to the conflicts)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core import errors
from yingzao.core.errors import YingzaoError
from yingzao.core.exchange.merge import ALREADY_MERGED, MERGED, REFUSED, MergeReport, merge_packages
from yingzao.core.exchange.merge_report import save_report_xlsx
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.background import Job
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.interview_list_model import local_time  # a raw UTC timestamp is not for people

add_strings(
    {
        "merge.title": ("合并数据包", "Merge sessions"),
        "merge.intro": (
            "选择要合并的数据包（.yzpack）：访员导出的访谈，或督导发回的审核结果；可一次选多个。"
            "每个数据包单独合并：有问题的文件会被拒收并说明原因，不影响其他文件；"
            "重复合并同一个文件不会改变任何数据。",
            "Choose the packages (.yzpack) to merge: interviews a fieldworker exported, or a review a "
            "supervisor sent back; several at once is fine. Each package merges on its own: a bad file is "
            "refused with the reason and the others still merge; merging the same file again changes nothing.",
        ),
        "merge.add": ("添加文件…", "Add files…"),
        "merge.remove": ("移除所选", "Remove selected"),
        "merge.start": ("开始合并", "Merge"),
        "merge.cancel": ("取消", "Cancel"),
        "merge.close": ("关闭", "Close"),
        "merge.save": ("报告另存为 Excel…", "Save report as Excel…"),
        "merge.resolve": ("处理冲突…", "Resolve conflicts…"),
        "merge.filter": ("营造数据包 (*.yzpack);;所有文件 (*)", "Yingzao packages (*.yzpack);;All files (*)"),
        "merge.filter_xlsx": ("Excel 工作簿 (*.xlsx)", "Excel workbook (*.xlsx)"),
        "merge.progress": ("正在合并 {name}（第 {done}/{total} 个）", "Merging {name} ({done} of {total})"),
        "merge.cancelling": (
            "正在取消：当前数据包将不写入…",
            "Cancelling: the package being merged will not be written…",
        ),
        "merge.done": (
            "完成：{merged} 个已合并，{already} 个此前已合并，{refused} 个被拒收；"
            "新增 {added} 份访谈，更新 {updated} 份，{conflicts} 份有冲突。",
            "Done: {merged} merged, {already} already merged before, {refused} refused; "
            "{added} interview(s) added, {updated} updated, {conflicts} in conflict.",
        ),
        "merge.cancelled": (
            "已取消：正在合并的数据包没有写入，之前的已合并完毕。",
            "Cancelled: the package being merged was not written; those before it are merged.",
        ),
        "merge.conflict_note": (
            "有冲突的访谈两个版本都已保留，请点“处理冲突”逐题或整体选择。",
            "Both versions of each interview in conflict are kept; use Resolve conflicts to choose per "
            "answer or as a whole.",
        ),
        "merge.saved": ("报告已保存：{path}", "Report saved: {path}"),
        "merge.col.file": ("文件", "File"),
        "merge.col.status": ("结果", "Result"),
        "merge.col.added": ("新增", "Added"),
        "merge.col.updated": ("更新", "Updated"),
        "merge.col.duplicates": ("重复", "Duplicates"),
        "merge.col.conflicts": ("冲突", "Conflicts"),
        "merge.col.reason": ("说明", "Details"),
        "merge.status.merged": ("已合并", "merged"),
        "merge.status.already_merged": ("此前已合并", "already merged"),
        "merge.status.refused": ("拒收", "refused"),
        "merge.status.cancelled": ("已取消", "cancelled"),
        "merge.older": ("{count} 个旧版本已跳过", "{count} older version(s) skipped"),
        "merge.already_on": ("于 {at} 合并，未作任何改动", "merged on {at}; nothing changed"),
        "merge.conflicts_list": ("有冲突的访谈：{ids}", "in conflict: {ids}"),
    }
)

_COLUMNS = ("file", "status", "added", "updated", "duplicates", "conflicts", "reason")


class MergeDialog(QDialog):
    merge_finished = Signal(object)  # the MergeReport, for callers that refresh their views

    def __init__(self, store_path: Path | str, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store_path, self.tr = Path(store_path), tr
        self.report: MergeReport | None = None
        self.job: Job | None = None
        # the list the last run merged: "开始合并" stays off until the list changes, so the second
        # click of a double-click on a quick merge cannot start a second run and replace the report
        self._merged: list[str] | None = None
        self.setWindowTitle(tr("merge.title"))
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("merge.intro"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.file_list = QListWidget(self)
        self.file_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.file_list.setMaximumHeight(120)
        layout.addWidget(self.file_list)
        row = QHBoxLayout()
        self.add_button = QPushButton(tr("merge.add"), self)
        self.remove_button = QPushButton(tr("merge.remove"), self)
        self.start_button = QPushButton(tr("merge.start"), self)
        self.start_button.setDefault(True)
        for button in (self.add_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.start_button)
        layout.addLayout(row)
        self.progress = QProgressBar(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.table = QTableWidget(0, len(_COLUMNS), self)
        self.table.setHorizontalHeaderLabels([tr(f"merge.col.{c}") for c in _COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(len(_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(_COLUMNS) - 1):  # short numbers under words: the header sets the width
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(tr("merge.save"), self)
        self.resolve_button = QPushButton(tr("merge.resolve"), self)
        self.cancel_button = QPushButton(tr("merge.cancel"), self)
        self.close_button = QPushButton(tr("merge.close"), self)
        for button in (self.save_button, self.resolve_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._choose_files)
        self.remove_button.clicked.connect(self._remove_selected)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._choose_report_file)
        self.resolve_button.clicked.connect(self._resolve)
        self._set_running(False)

    # -- choosing files --------------------------------------------------------------------

    def add_files(self, paths) -> None:
        present = set(self.files())
        for path in paths:
            if str(path) not in present:
                self.file_list.addItem(str(path))
                present.add(str(path))
        self._set_running(False)

    def files(self) -> list[str]:
        return [self.file_list.item(i).text() for i in range(self.file_list.count())]

    def _choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("merge.add"), "", self.tr("merge.filter"))
        self.add_files(paths)

    def _remove_selected(self) -> None:
        for item in self.file_list.selectedItems():
            self.file_list.takeItem(self.file_list.row(item))
        self._set_running(False)

    # -- merging ---------------------------------------------------------------------------

    def start(self) -> None:
        files = self.files()
        if not files or self.job is not None:
            return
        self.report = None
        self.table.setRowCount(0)
        self.progress.setRange(0, len(files))
        self.progress.setValue(0)
        store_path = self.store_path

        def work(job: Job) -> MergeReport:
            with Store(store_path) as store:  # this thread's own connection to the master
                return merge_packages(store, files, progress=job.progress, cancelled=job.cancelled)

        self.job = Job(work)
        self.job.progressed.connect(self._progressed)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(self._failed)
        self._merged = files
        self._set_running(True)
        self.job.start()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(self.tr("merge.cancelling"))

    def _progressed(self, done: int, total: int, name: str) -> None:
        self.progress.setValue(done)
        if name:
            self.status.setText(self.tr("merge.progress", name=name, done=done + 1, total=total))

    def _succeeded(self, report: MergeReport) -> None:
        if report.cancelled:
            self._merged = None  # the rest of the list may be merged now
        self._finish()
        self.report = report
        self._show_report(report)
        self.merge_finished.emit(report)

    def _failed(self, error: YingzaoError) -> None:
        self._merged = None  # nothing was merged: may be tried again
        self._finish()
        self.status.setText(str(error))

        error_dialog.show_error(self, self.tr, error)

    def _finish(self) -> None:
        if self.job is not None:
            self.job.wait()
        self.job = None
        self._set_running(False)

    def _show_report(self, report: MergeReport) -> None:
        tr = self.tr
        self.table.setRowCount(len(report.packages))
        for row, line in enumerate(report.packages):
            details = line.reason
            if line.status == ALREADY_MERGED:
                details = tr("merge.already_on", at=local_time(line.merged_at))
            elif line.status == MERGED:
                parts = [tr("merge.older", count=line.older)] if line.older else []
                if line.conflicts:
                    parts.append(tr("merge.conflicts_list", ids=", ".join(line.conflicts)))
                details = "; ".join(parts + line.notes)
            values = (
                line.file_name,
                tr(f"merge.status.{line.status}"),
                line.added,
                line.updated,
                line.duplicates,
                len(line.conflicts),
                details,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setToolTip(str(value))
                if line.status == REFUSED:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        for column in range(len(_COLUMNS) - 1):
            self.table.resizeColumnToContents(column)
        merged = [p for p in report.packages if p.status == MERGED]
        text = tr(
            "merge.done",
            merged=len(merged),
            already=sum(p.status == ALREADY_MERGED for p in report.packages),
            refused=sum(p.status == REFUSED for p in report.packages),
            added=sum(p.added for p in merged),
            updated=sum(p.updated for p in merged),
            conflicts=sum(len(p.conflicts) for p in merged),
        )
        if report.cancelled:
            text = tr("merge.cancelled") + "\n" + text
        if report.conflicts():
            text += "\n" + tr("merge.conflict_note")
        self.status.setText(text)
        self.progress.setValue(self.progress.maximum())
        self._set_running(False)

    # -- after -----------------------------------------------------------------------------

    def save_report(self, path: Path | str) -> Path:
        saved = save_report_xlsx(self.report, path)
        self.status.setText(self.status.text() + "\n" + self.tr("merge.saved", path=saved))
        return saved

    def _choose_report_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("merge.save"), "merge_report.xlsx", self.tr("merge.filter_xlsx")
        )
        if path:
            try:
                self.save_report(path if path.lower().endswith(".xlsx") else path + ".xlsx")
            except OSError as error:
                error_dialog.show_error(self, self.tr, errors.report_not_saved(Path(path), error))

    def _resolve(self) -> None:
        from yingzao.ui.conflict_dialog import open_conflicts_dialog

        open_conflicts_dialog(self, self.store_path, self.tr)

    def _set_running(self, running: bool) -> None:
        for widget in (self.add_button, self.remove_button, self.file_list, self.close_button):
            widget.setEnabled(not running)
        self.start_button.setEnabled(not running and self.file_list.count() > 0 and self.files() != self._merged)
        self.cancel_button.setEnabled(running)
        self.save_button.setEnabled(not running and self.report is not None)
        self.resolve_button.setEnabled(not running and self.report is not None and bool(self.report.conflicts()))

    def reject(self) -> None:
        if self.job is not None:  # closing while merging: cancel, and let the current package roll back
            self.job.cancel()
            self.job.wait()
            self.job = None
        super().reject()


def open_merge_dialog(parent: QWidget | None, store_path: Path | str, tr: Translator) -> MergeReport | None:
    """Show the dialog; returns the report of the last merge run in it (None if none ran), so the
    caller can refresh what it shows (the caller's own Store may cache interviews the merge changed)."""
    dialog = MergeDialog(store_path, tr, parent)
    dialog.exec()
    return dialog.report
