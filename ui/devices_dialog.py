"""Data → Devices: the laptops that sent signed packages, and the researcher's decision on each.
A package from a laptop not yet accepted waits; accepting it (after comparing its fingerprint with
the fieldworker's screen) merges what it sent, off the UI thread, and shows the report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import YingzaoError
from yingzao.core.exchange.merge import ALREADY_MERGED, MERGED, REFUSED, MergeReport, accept_device, refuse_device
from yingzao.core.store.database import Store
from yingzao.core.store.trust import ACCEPTED, PENDING, Device
from yingzao.core.store.trust import REFUSED as DEVICE_REFUSED
from yingzao.ui import error_dialog, merge_report_view
from yingzao.ui.background import Job
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.interview_list_model import local_time  # a raw UTC timestamp is not for people

add_strings(
    {
        "dev.title": ("设备", "Devices"),
        "dev.intro": (
            "访员的电脑用自己的设备密钥给数据包签名。一台电脑第一次发来数据包时，数据包先暂存：请与访员核对其电脑上"
            "“文件 → 项目 → 项目信息…”显示的本机指纹，一致才接受，暂存的数据包随即合并。拒绝后，它发来的数据包一律拒收。",
            "Each fieldworker's laptop signs its packages with its own device key. The first packages of a laptop "
            "are held: compare the fingerprint below with the one the laptop shows under File → Project → "
            "Project details…, and accept it only if they match; what it sent merges then. Packages from a "
            "refused laptop are always refused.",
        ),
        "dev.col.state": ("状态", "State"),
        "dev.col.fieldworker": ("访员", "Fieldworker"),
        "dev.col.label": ("设备名称", "Device label"),
        "dev.col.fingerprint": ("指纹", "Fingerprint"),
        "dev.col.first_seen": ("首次收到", "First seen"),
        "dev.col.held": ("暂存的数据包", "Packages held"),
        "dev.state.pending": ("待核对", "waiting"),
        "dev.state.accepted": ("已接受", "accepted"),
        "dev.state.refused": ("已拒绝", "refused"),
        "dev.none": (
            "还没有收到任何签名的数据包。合并访员的数据包后，他们的电脑会出现在这里。",
            "No signed package was received yet. Once fieldworkers' packages are merged, their laptops appear here.",
        ),
        "dev.accept": ("接受…", "Accept…"),
        "dev.refuse": ("拒绝…", "Refuse…"),
        "dev.close": ("关闭", "Close"),
        "dev.cancel": ("取消", "Cancel"),
        "dev.accept.title": ("接受这台电脑？", "Accept this laptop?"),
        "dev.accept.text": (
            "请让访员打开其电脑上的“文件 → 项目 → 项目信息…”，逐字核对本机指纹：\n\n"
            "访员：{fieldworker}\n设备名称：{label}\n指纹：{fingerprint}\n\n"
            "完全一致才接受：接受后，它暂存的 {held} 个数据包立即合并，以后的数据包直接合并。",
            "Ask the fieldworker to open File → Project → Project details… on their laptop and compare this "
            "computer's fingerprint character by character:\n\nFieldworker: {fieldworker}\nDevice label: {label}\n"
            "Fingerprint: {fingerprint}\n\nAccept only if it is exactly the same: its {held} held package(s) merge "
            "now, and its later packages merge directly.",
        ),
        "dev.accept.yes": ("指纹一致，接受", "The fingerprint matches: accept"),
        "dev.refuse.title": ("拒绝这台电脑？", "Refuse this laptop?"),
        "dev.refuse.text": (
            "拒绝后，这台电脑暂存的 {held} 个数据包将被丢弃，它以后发来的数据包一律拒收。\n\n"
            "访员：{fieldworker}\n设备名称：{label}\n指纹：{fingerprint}",
            "Once refused, this laptop's {held} held package(s) are dropped and its later packages are "
            "always refused.\n\nFieldworker: {fieldworker}\nDevice label: {label}\nFingerprint: {fingerprint}",
        ),
        "dev.refuse.yes": ("拒绝", "Refuse"),
        "dev.working": ("正在合并 {name}（第 {done}/{total} 个）", "Merging {name} ({done} of {total})"),
        "dev.accepted": (
            "已接受 {fieldworker} 的电脑：{merged} 个数据包已合并，{refused} 个被拒收。",
            "Accepted {fieldworker}'s laptop: {merged} package(s) merged, {refused} refused.",
        ),
        "dev.refused": ("已拒绝 {fieldworker} 的电脑。", "Refused {fieldworker}'s laptop."),
    }
)

COLUMNS = ("state", "fieldworker", "label", "fingerprint", "first_seen", "held")


class DevicesDialog(QDialog):
    job_ended = Signal()  # accepting a device ended (merged, or said why not)

    def __init__(
        self, store_path: Path | str, tr: Translator, parent: QWidget | None = None, *, store: Store | None = None
    ) -> None:
        super().__init__(parent)
        self.store_path, self.tr, self.store = Path(store_path), tr, store
        self.devices: list[Device] = []
        self.held: Counter[str] = Counter()
        self.report = MergeReport()  # what accepting devices merged while the dialog was open
        self.job: Job | None = None
        self._accepting: Device | None = None
        self.setWindowTitle(tr("dev.title"))
        self.resize(980, 600)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("dev.intro"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([tr(f"dev.col.{c}") for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setStyleSheet("QTableWidget::item { padding: 4px 10px; }")  # fingerprints are read aloud
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("label"), QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 2)
        self.empty = QLabel(tr("dev.none"), self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #666;")
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.accept_button = QPushButton(tr("dev.accept"), self)
        self.refuse_button = QPushButton(tr("dev.refuse"), self)
        row.addWidget(self.accept_button)
        row.addWidget(self.refuse_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = QProgressBar(self)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.report_table = merge_report_view.report_table(tr, self)
        self.report_table.hide()
        layout.addWidget(self.report_table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(tr("dev.close"), self)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.accept_button.clicked.connect(self.accept_selected)
        self.refuse_button.clicked.connect(self.refuse_selected)
        self.close_button.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    # -- reading -----------------------------------------------------------------------------

    def _read(self, read):
        if self.store is not None:
            return read(self.store)
        with Store(self.store_path) as store:
            return read(store)

    def reload(self) -> None:
        keep = self.selected()
        try:
            self.devices, held = self._read(lambda store: (store.trust.devices(), store.trust.held()))
        except YingzaoError as error:
            self.status.setText(str(error))
            self.devices, held = [], []
        self.held = Counter(item.device_id for item in held)
        tr = self.tr
        self.table.setRowCount(len(self.devices))
        for row, device in enumerate(self.devices):
            values = (
                tr(f"dev.state.{device.state}"),
                device.fieldworker,
                device.device_label,
                device.fingerprint,
                local_time(device.first_seen),
                str(self.held[device.device_id]),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if device.state == PENDING:
                    item.setBackground(merge_report_view.HELD_BACKGROUND)
                self.table.setItem(row, column, item)
        self.empty.setVisible(not self.devices)
        self.table.setVisible(bool(self.devices))
        index = next((i for i, d in enumerate(self.devices) if keep and d.device_id == keep.device_id), None)
        if index is None:  # the first one waiting, so Accept is one click away
            index = next((i for i, d in enumerate(self.devices) if d.state == PENDING), None)
        if index is not None:
            self.table.selectRow(index)
        self._update_buttons()

    def selected(self) -> Device | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()} if self.devices else set()
        return self.devices[min(rows)] if rows else None

    def select_device(self, device_id: str) -> None:
        for row, device in enumerate(self.devices):
            if device.device_id == device_id:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        device, idle = self.selected(), self.job is None
        self.accept_button.setEnabled(idle and device is not None and device.state != ACCEPTED)
        self.refuse_button.setEnabled(idle and device is not None and device.state != DEVICE_REFUSED)
        self.close_button.setEnabled(idle)

    # -- deciding ----------------------------------------------------------------------------

    def _confirm(self, device: Device, kind: str) -> bool:
        tr = self.tr
        text = tr(
            f"dev.{kind}.text",
            fieldworker=device.fieldworker or "—",
            label=device.device_label or "—",
            fingerprint=device.fingerprint,
            held=self.held[device.device_id],
        )
        box = QMessageBox(QMessageBox.Icon.Question, tr(f"dev.{kind}.title"), text, parent=self)
        yes = box.addButton(tr(f"dev.{kind}.yes"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(tr("dev.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # Enter alone does not decide: the fingerprint is read first
        box.exec()
        return box.clickedButton() is yes

    def accept_selected(self) -> None:
        device = self.selected()
        if device is None or self.job is not None or not self._confirm(device, "accept"):
            return
        store_path, device_id = self.store_path, device.device_id

        def work(job: Job) -> MergeReport:
            with Store(store_path) as store:  # this thread's own connection
                return accept_device(store, device_id, progress=job.progress)

        self.job = Job(work)
        self.job.progressed.connect(self._progressed)
        self._accepting = device
        self.job.succeeded.connect(self._accepted)  # a bound slot: it runs on the UI thread
        self.job.failed.connect(self._failed)
        self.progress.setRange(0, max(1, self.held[device_id]))
        self.progress.setValue(0)
        self.progress.show()
        self._update_buttons()
        self.job.start()

    def _progressed(self, done: int, total: int, name: str) -> None:
        self.progress.setValue(done)
        if name:
            self.status.setText(self.tr("dev.working", name=name, done=done + 1, total=total))

    def _accepted(self, report: MergeReport) -> None:
        device = self._accepting
        self._finish()
        self.report.packages += report.packages
        merge_report_view.fill(self.report_table, report, self.tr)
        self.report_table.setVisible(bool(report.packages))
        merged = sum(p.status in (MERGED, ALREADY_MERGED) for p in report.packages)
        refused = sum(p.status == REFUSED for p in report.packages)
        self.status.setText(
            self.tr(
                "dev.accepted", fieldworker=device.fieldworker or device.fingerprint, merged=merged, refused=refused
            )
        )
        self.reload()
        self.job_ended.emit()

    def _failed(self, error: YingzaoError) -> None:
        self._finish()
        self.status.setText(str(error))
        error_dialog.show_error(self, self.tr, error)
        self.reload()
        self.job_ended.emit()

    def _finish(self) -> None:
        if self.job is not None:
            self.job.wait()
        self.job = None
        self.progress.hide()
        self._update_buttons()

    def refuse_selected(self) -> None:
        device = self.selected()
        if device is None or self.job is not None or not self._confirm(device, "refuse"):
            return
        try:
            self._read(lambda store: refuse_device(store, device.device_id))
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return
        self.status.setText(self.tr("dev.refused", fieldworker=device.fieldworker or device.fingerprint))
        self.reload()

    def reject(self) -> None:
        if self.job is not None:  # accepting merges in one transaction per package: let it finish
            return
        super().reject()


def open_devices_dialog(
    parent: QWidget | None, store_path: Path | str, tr: Translator, *, store: Store | None = None
) -> MergeReport | None:
    """Show the dialog; returns what accepting devices merged in it (None if nothing), for the caller
    to refresh what it shows."""
    dialog = DevicesDialog(store_path, tr, parent, store=store)
    try:
        dialog.exec()
        return dialog.report if dialog.report.packages else None
    finally:
        dialog.deleteLater()
