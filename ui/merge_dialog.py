"""Merge sessions: choose several package files, merge them off the UI thread with progress and
cancel, then read the report (and save it as .xlsx, or go on to the conflicts)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from yingzao.core import errors
from yingzao.core.errors import YingzaoError
from yingzao.core.exchange.merge import ALREADY_MERGED, HELD, MERGED, REFUSED, MergeReport, merge_packages
from yingzao.core.exchange.merge_report import save_report_xlsx
from yingzao.core.exchange.unpack import read_head
from yingzao.core.security import membership
from yingzao.core.security.envelope import is_sealed
from yingzao.core.security.keys import KeyPair
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog, merge_report_view
from yingzao.ui.background import Job
from yingzao.ui.devices_dialog import open_devices_dialog
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.project_passphrase_dialog import unlock_project

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
        "merge.allow_unsigned": (
            "合并未签名的旧格式数据包（无法确认来源和完整性）",
            "Merge unsigned packages (older format; who made them and whether they were altered cannot be checked)",
        ),
        "merge.devices": ("设备…", "Devices…"),
        "merge.held_note": (
            "{held} 个数据包来自尚未接受的设备，已暂存：请点“设备…”，与访员核对指纹后接受，届时自动合并。",
            "{held} package(s) come from devices not yet accepted and are held: use Devices… to compare the "
            "fingerprint with the fieldworker and accept the device; they merge then.",
        ),
        "merge.passphrase": (
            "所选的数据包已加密，需要项目密钥才能打开。请输入项目口令（本次运行期间只需输入一次）。",
            "The chosen packages are encrypted and open only with the project's keys. Enter the project "
            "passphrase (once per run of the app).",
        ),
    }
)


class MergeDialog(QDialog):
    merge_finished = Signal(object)  # the MergeReport, for callers that refresh their views

    def __init__(
        self, store_path: Path | str, tr: Translator, parent: QWidget | None = None, *, store: Store | None = None
    ) -> None:
        """`store`: the window's own connection, whose project keys, once unlocked, stay unlocked
        for the run; without it the dialog asks the passphrase each time it is opened."""
        super().__init__(parent)
        self.store_path, self.tr, self.store = Path(store_path), tr, store
        self.project_keys: KeyPair | None = None
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
        self.unsigned_box = QCheckBox(tr("merge.allow_unsigned"), self)
        self.in_project = self._read(lambda store: membership.project(store) is not None, False)
        self.unsigned_box.setVisible(self.in_project)
        layout.addWidget(self.unsigned_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.table = merge_report_view.report_table(tr, self)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(tr("merge.save"), self)
        self.resolve_button = QPushButton(tr("merge.resolve"), self)
        self.devices_button = QPushButton(tr("merge.devices"), self)
        self.devices_button.hide()  # shown when a package was held
        self.cancel_button = QPushButton(tr("merge.cancel"), self)
        self.close_button = QPushButton(tr("merge.close"), self)
        for button in (self.save_button, self.resolve_button, self.devices_button):
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
        self.devices_button.clicked.connect(self.open_devices)
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

    def _read(self, read, default):
        """`read(store)` on the window's connection, or on a short one of this thread's own."""
        if self.store is not None:
            return read(self.store)
        try:
            with Store(self.store_path) as store:
                return read(store)
        except YingzaoError:
            return default  # the merge itself will say what is wrong with the database

    def _keys_for(self, files: list[str]) -> tuple[bool, KeyPair | None]:
        """(go on?, the project keys to open sealed packages with): the passphrase is asked first
        when a sealed package is chosen, this database holds the keys and they are still locked."""
        if self.project_keys is not None:
            return True, self.project_keys
        if not any(_sealed(Path(f)) for f in files):
            return True, None

        def keys(store) -> tuple[bool, KeyPair | None]:
            if not membership.holds_project_keys(store):
                return True, None  # the merge says which package needs keys held elsewhere
            unlocked = unlock_project(self, store, self.tr, self.tr("merge.passphrase"))
            return unlocked is not None, unlocked

        go, self.project_keys = self._read(keys, (True, None))
        return go, self.project_keys

    def start(self) -> None:
        files = self.files()
        if not files or self.job is not None:
            return
        go, project_keys = self._keys_for(files)
        if not go:
            return  # the passphrase was not given: nothing is merged
        allow_unsigned = self.in_project and self.unsigned_box.isChecked()
        self.report = None
        self.table.setRowCount(0)
        self.devices_button.hide()
        self.progress.setRange(0, len(files))
        self.progress.setValue(0)
        store_path = self.store_path

        def work(job: Job) -> MergeReport:
            with Store(store_path) as store:  # this thread's own connection to the master
                return merge_packages(
                    store,
                    files,
                    progress=job.progress,
                    cancelled=job.cancelled,
                    project_keys=project_keys,
                    allow_unsigned=allow_unsigned,
                )

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
        merge_report_view.fill(self.table, report, tr)
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
        held = sum(p.status == HELD for p in report.packages)
        if held:
            text += "\n" + tr("merge.held_note", held=held)
        self.devices_button.setVisible(bool(held))
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

    def open_devices(self) -> None:
        """Accept (or refuse) the devices whose packages were held, without leaving the merge."""
        report = open_devices_dialog(self, self.store_path, self.tr, store=self.store)
        if report is not None and report.packages:
            self.merge_finished.emit(report)  # what accepting merged: the caller's views refresh

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


def open_merge_dialog(
    parent: QWidget | None, store_path: Path | str, tr: Translator, *, store: Store | None = None
) -> MergeReport | None:
    """Show the dialog; returns the report of the last merge run in it (None if none ran), so the
    caller can refresh what it shows (the caller's own Store may cache interviews the merge changed)."""
    dialog = MergeDialog(store_path, tr, parent, store=store)
    dialog.exec()
    return dialog.report


def _sealed(path: Path) -> bool:
    try:
        return is_sealed(read_head(path))
    except YingzaoError:
        return False  # unreadable: the merge reports it on its line
