"""Send to fieldworker: write a review package (the interviews approved, sent back or commented on
since they were last sent) for one fieldworker or for all, off the UI thread. The fieldworker merges
it with Merge sessions on their laptop."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from yingzao.core.exchange.package import SUFFIX, PackSummary
from yingzao.core.exchange.review_package import last_review_export, pack_review, pending_by_fieldworker
from yingzao.core.security.project import Project
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.interview_list_model import local_time  # a raw UTC timestamp is not for people
from yingzao.ui.pack_dialog import PackageFileDialog

add_strings(
    {
        "rsend.exists_title": ("文件已存在", "The file exists"),
        "rsend.exists": (
            "{path} 已存在，可能是尚未合并的数据包。要替换它吗？",
            "{path} already exists; it may be a package not merged yet. Replace it?",
        ),
        "rsend.title": ("把审核结果发给访员", "Send the review to a fieldworker"),
        "rsend.intro": (
            "把您审核过（通过、退回或批注）的访谈打包成一个文件（.yzpack），"
            "交给访员在自己的电脑上用“数据 → 合并数据包…”合并："
            "退回的访谈会回到访员手中，批注显示在对应的问题下。",
            "Pack the interviews you reviewed (approved, sent back or commented on) into one file (.yzpack) "
            "for the fieldworker to merge on their laptop with Merge sessions: interviews sent back return "
            "to them, with your comments under their questions.",
        ),
        "rsend.sealed": (
            "审核结果将用您的督导密钥签名，并只为这些访员的电脑和项目“{project}”加密；访员的电脑只接受督导签名的审核结果。",
            "The review will be signed with your supervisor key and encrypted only for these fieldworkers' laptops "
            "and the project “{project}”; laptops take only reviews a supervisor signed.",
        ),
        "rsend.unsigned": (
            "这个数据库不属于任何项目：审核结果将不签名、不加密，任何拿到文件的人都能读到。"
            "请先用“文件 → 项目 → 加入项目…”打开研究者给的项目文件。",
            "This database belongs to no project: the review will be neither signed nor encrypted, and anyone who "
            "gets the file can read it. Open the researcher's project file first (File → Project → Join "
            "project…).",
        ),
        "rsend.who": ("访员：", "Fieldworker:"),
        "rsend.everyone": ("所有访员（{count} 份待发送）", "Every fieldworker ({count} to send)"),
        "rsend.one": ("{name}（{count} 份待发送）", "{name} ({count} to send)"),
        "rsend.all": (
            "重新发送所有审核过的访谈（不只是上次发送之后的）",
            "Send every reviewed interview again, not only those since the last time",
        ),
        "rsend.last": ("上次发送：{file}（{at}）", "Last sent: {file} ({at})"),
        "rsend.file": ("保存为：", "Save as:"),
        "rsend.browse": ("选择…", "Choose…"),
        "rsend.filter": ("营造数据包 (*.yzpack)", "Yingzao package (*.yzpack)"),
        "rsend.export": ("导出", "Export"),
        "rsend.close": ("关闭", "Close"),
        "rsend.working": ("正在导出…", "Exporting…"),
        "rsend.done": (
            "已把 {interviews} 份访谈的审核结果导出到 {path}",
            "Exported the review of {interviews} interview(s) to {path}",
        ),
        "rsend.nothing": ("没有待发送的审核结果，未生成文件。", "No review waits to be sent; no file was written."),
    }
)


class ReviewSendDialog(PackageFileDialog):
    """The supervisor's decisions and comments, back to one fieldworker or to all."""

    key = "rsend"
    size = (680, 300)

    def __init__(
        self, store_path: Path | str, tr: Translator, parent: QWidget | None = None, *, fieldworker: str | None = None
    ) -> None:
        super().__init__(store_path, tr, parent)
        self.fieldworker_box.currentIndexChanged.connect(lambda _i: self._default_path())
        self._fill(fieldworker)

    def _add_options(self, layout: QVBoxLayout) -> None:
        who = QHBoxLayout()
        self.fieldworker_box = QComboBox(self)
        who.addWidget(QLabel(self._t("who"), self))
        who.addWidget(self.fieldworker_box, 1)
        layout.addLayout(who)
        self.last_label = QLabel(self)
        self.last_label.setStyleSheet("color: #666;")
        layout.addWidget(self.last_label)

    def _fill(self, wanted: str | None) -> None:
        with Store(self.store_path) as store:
            pending = pending_by_fieldworker(store)
            known = sorted(set(store.fieldworkers()) | set(pending))
            previous = last_review_export(store)
            self._show_sealing(store)
        self.fieldworker_box.blockSignals(True)
        self.fieldworker_box.clear()
        self.fieldworker_box.addItem(self._t("everyone", count=sum(pending.values())), None)
        for name in known:
            self.fieldworker_box.addItem(self._t("one", name=name, count=pending.get(name, 0)), name)
        index = self.fieldworker_box.findData(wanted) if wanted else 0
        self.fieldworker_box.setCurrentIndex(max(0, index))
        self.fieldworker_box.blockSignals(False)
        self.last_label.setText(
            self._t("last", file=previous["file_name"], at=local_time(previous["at"])) if previous else ""
        )
        self.last_label.setVisible(previous is not None)
        self._default_path()

    def fieldworker(self) -> str | None:
        return self.fieldworker_box.currentData()

    def _default_path(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        who = "".join(c for c in (self.fieldworker() or "all") if c.isalnum() or c in "-_") or "all"
        folder = Path(self.path_edit.text()).parent if self.path_edit.text() else Path.home()
        self.path_edit.setText(str(folder / f"review-{who}-{stamp}{SUFFIX}"))

    def _writer(self):
        fieldworker, everything = self.fieldworker(), self.all_box.isChecked()
        return lambda store, out, replace: pack_review(
            store, out, fieldworker=fieldworker, all_reviewed=everything, overwrite=replace
        )

    def _sealed_text(self, store: Store, project: Project) -> str:
        return self._t("sealed", project=project.name)

    def _done_text(self, summary: PackSummary) -> str:
        return self._t("done", interviews=summary.interviews, path=summary.path)

    def _after_writing(self, summary: PackSummary | None) -> None:
        if summary is not None:
            keep = self.path_edit.text()
            self._fill(self.fieldworker())
            self.path_edit.setText(keep)


def open_review_send_dialog(
    parent: QWidget | None, store_path: Path | str, tr: Translator, *, fieldworker: str | None = None
) -> PackSummary | None:
    """Show the dialog; returns what the last export in it wrote (None if nothing was written)."""
    dialog = ReviewSendDialog(store_path, tr, parent, fieldworker=fieldworker)
    dialog.exec()
    return dialog.summary
