"""Data → Review anonymisation…: every identifying term detected in the database's texts, with its
count and contexts; the researcher accepts it (with the suggested or an edited pseudonym), or
ignores it. Detection runs off the UI thread (the segmenter reads about 35,000 characters a second)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.anonymity import review as anonymity_review
from yingzao.core.anonymity.detect import Detection
from yingzao.core.errors import YingzaoError
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.background import Job
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.pseudonym_dialog import category_label

STATUSES = ("unreviewed", "accepted", "automatic", "ignored")

add_strings(
    {
        "anonreview.title": ("审核匿名化", "Review anonymisation"),
        "anonreview.running": ("正在检测可识别信息…", "Detecting identifying terms…"),
        "anonreview.summary": (
            "检测到 {terms} 个词；{blocking} 个高置信度的词尚未审核（未审核时匿名化导出会被拒绝）。",
            "{terms} term(s) detected; {blocking} high-confidence term(s) not reviewed yet (an anonymised export "
            "is refused until they are).",
        ),
        "anonreview.term": ("词", "Term"),
        "anonreview.category": ("类别", "Category"),
        "anonreview.confidence": ("置信度", "Confidence"),
        "anonreview.status": ("状态", "Status"),
        "anonreview.count": ("次数", "Count"),
        "anonreview.suggestion": ("导出时显示为", "Shown in exports as"),
        "anonreview.confidence.high": ("高", "high"),
        "anonreview.confidence.medium": ("中", "medium"),
        "anonreview.status.unreviewed": ("未审核", "not reviewed"),
        "anonreview.status.accepted": ("已接受", "accepted"),
        "anonreview.status.automatic": ("自动", "automatic"),
        "anonreview.status.ignored": ("已忽略", "ignored"),
        "anonreview.category.phone": ("电话", "phone"),
        "anonreview.category.landline": ("电话", "phone"),
        "anonreview.category.id_card": ("身份证号", "ID number"),
        "anonreview.category.email": ("邮箱", "e-mail"),
        "anonreview.category.wechat": ("微信号", "WeChat id"),
        "anonreview.category.qq": ("QQ 号", "QQ id"),
        "anonreview.category.plate": ("车牌", "licence plate"),
        "anonreview.category.address": ("地址", "address"),
        "anonreview.category.none": ("可识别回答中的名称", "name from an identifying answer"),
        "anonreview.only_open": ("只看未审核", "Only what is not reviewed"),
        "anonreview.replacement": ("代称：", "Pseudonym:"),
        "anonreview.accept": ("接受（加入代称表）", "Accept (add to pseudonyms)"),
        "anonreview.ignore": ("忽略（保留原词）", "Ignore (keep the term)"),
        "anonreview.close": ("关闭", "Close"),
        "anonreview.context": ("{where}：…{text}…", "{where}: …{text}…"),
    }
)


class AnonymityReviewDialog(QDialog):
    detected = Signal()  # the detection finished and the list is shown

    def __init__(
        self, store_path: Path | str, tr: Translator, parent: QWidget | None = None, *, segmenter: bool = True
    ) -> None:
        super().__init__(parent)
        self.store_path, self.tr, self.segmenter = Path(store_path), tr, segmenter
        self.detections: list[Detection] = []
        self.shown: list[Detection] = []
        self.job: Job | None = None
        self.resize(900, 620)
        self.summary = QLabel(wordWrap=True)
        self.only_open = QCheckBox(checked=True)
        self.only_open.toggled.connect(self._fill)
        self.table = QTableWidget(0, 6)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.contexts = QTextBrowser()
        self.replacement_label = QLabel()
        self.replacement = QLineEdit()
        self.replacement.returnPressed.connect(self.accept_selected)
        self.accept_button = QPushButton(clicked=self.accept_selected)
        self.ignore_button = QPushButton(clicked=self.ignore_selected)
        self.close_button = QPushButton(clicked=self.accept)
        decide = QHBoxLayout()
        for widget in (self.replacement_label, self.replacement, self.accept_button, self.ignore_button):
            decide.addWidget(widget)
        bottom = QHBoxLayout()
        bottom.addWidget(self.only_open)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.contexts, 1)
        layout.addLayout(decide)
        layout.addLayout(bottom)
        self._enable(False)
        tr.on_change(self.retranslate)
        self.retranslate()
        self.summary.setText(tr("anonreview.running"))
        self.start()

    # -- detection, off the UI thread -------------------------------------------------------

    def start(self) -> None:
        path, segmenter = self.store_path, self.segmenter

        def work(job: Job) -> list[Detection]:
            with Store(path, read_only=True) as store:
                return anonymity_review.review(store, segmenter=segmenter, cancelled=job.cancelled)

        self.job = Job(work)
        self.job.succeeded.connect(self._detected)
        self.job.failed.connect(lambda error: error_dialog.show_error(self, self.tr, error))
        self.job.start()

    def _detected(self, detections: list[Detection]) -> None:
        self.detections = detections
        self._fill()
        self.detected.emit()

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().done(result)

    # -- the list ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("anonreview.title"))
        keys = ("term", "category", "confidence", "status", "count", "suggestion")
        self.table.setHorizontalHeaderLabels([tr(f"anonreview.{k}") for k in keys])
        self.only_open.setText(tr("anonreview.only_open"))
        self.replacement_label.setText(tr("anonreview.replacement"))
        self.accept_button.setText(tr("anonreview.accept"))
        self.ignore_button.setText(tr("anonreview.ignore"))
        self.close_button.setText(tr("anonreview.close"))
        if self.detections:
            self._fill()

    def _category(self, category: str) -> str:
        if not category:
            return self.tr("anonreview.category.none")
        if category in ("person", "place", "organisation"):
            return category_label(self.tr, category)
        return self.tr(f"anonreview.category.{category}")

    def _fill(self) -> None:
        tr = self.tr
        blocking = sum(d.blocks_export for d in self.detections)
        self.summary.setText(tr("anonreview.summary", terms=len(self.detections), blocking=blocking))
        wanted = (
            [d for d in self.detections if d.status == "unreviewed"] if self.only_open.isChecked() else self.detections
        )
        self.shown = wanted
        self.table.setRowCount(len(wanted))
        for row, detection in enumerate(wanted):
            cells = [
                detection.term,
                self._category(detection.category),
                tr(f"anonreview.confidence.{detection.confidence}"),
                tr(f"anonreview.status.{detection.status}"),
                str(detection.count),
                detection.suggestion,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self._selected()

    def terms(self) -> list[str]:
        return [d.term for d in self.shown]

    def select(self, term: str) -> None:
        self.table.selectRow(self.terms().index(term))

    def _current(self) -> Detection | None:
        rows = self.table.selectionModel().selectedRows()
        return self.shown[rows[0].row()] if rows else None

    def _selected(self) -> None:
        detection = self._current()
        self._enable(detection is not None and detection.status in ("unreviewed", "accepted", "ignored"))
        if detection is None:
            self.contexts.clear()
            self.replacement.clear()
            return
        self.replacement.setText(detection.suggestion if detection.status != "ignored" else "")
        self.contexts.setPlainText(
            "\n".join(self.tr("anonreview.context", where=w, text=t) for w, t in detection.contexts)
        )

    def _enable(self, on: bool) -> None:
        for widget in (self.replacement, self.accept_button, self.ignore_button):
            widget.setEnabled(on)

    # -- decisions ---------------------------------------------------------------------------

    def accept_selected(self) -> None:
        detection = self._current()
        if detection is not None:
            text = self.replacement.text()
            self._decide(
                detection,
                "accepted",
                text,
                lambda s: anonymity_review.accept(s, detection.term, text, detection.category),
            )

    def ignore_selected(self) -> None:
        detection = self._current()
        if detection is not None:
            self._decide(
                detection,
                "ignored",
                detection.term,
                lambda s: anonymity_review.ignore(s, detection.term, detection.category),
            )

    def _decide(self, detection: Detection, status: str, shown: str, write) -> None:
        try:
            with Store(self.store_path) as store:
                write(store)
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return
        detection.status, detection.suggestion = status, shown
        row = self.shown.index(detection)
        self._fill()
        if self.shown:
            self.table.selectRow(min(row, len(self.shown) - 1))


def open_anonymity_review(parent: QWidget | None, store_path: Path | str, tr: Translator) -> None:
    AnonymityReviewDialog(store_path, tr, parent).exec()
