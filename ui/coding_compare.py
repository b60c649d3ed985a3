"""Coding comparison (Analysis → Compare coders…): pick two coders; a table per code with their
percentage agreement and Cohen's kappa over characters (core/coding/compare.py), and the spans they
disagree on side by side. Double-click a span to open its interview there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.coding import compare as core_compare
from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.errors import YingzaoError
from yingzao.core.forms import answer_keys
from yingzao.core.store.database import Store
from yingzao.core.store.records import Interview
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "compare.title": ("比较编码者", "Compare coders"),
        "compare.coder_a": ("编码者 A：", "Coder A:"),
        "compare.coder_b": ("编码者 B：", "Coder B:"),
        "compare.run": ("比较", "Compare"),
        "compare.summary": (
            "共同编码的访谈 {n} 份，{chars} 个字符。一致率 = 一致的字符 / 全部字符；kappa 按 Cohen 公式。",
            "{n} interviews coded by both, {chars} characters. Agreement = agreeing characters / all; "
            "kappa by Cohen's formula.",
        ),
        "compare.none": ("这两位编码者没有都编码过的访谈。", "These two coders have no interview in common."),
        "compare.column.code": ("编码", "Code"),
        "compare.column.both": ("两人都编码", "Both"),
        "compare.column.only_a": ("仅 A", "A only"),
        "compare.column.only_b": ("仅 B", "B only"),
        "compare.column.agreement": ("一致率", "Agreement"),
        "compare.column.kappa": ("Kappa 系数", "Kappa"),
        "compare.spans": ("“{code}”上的分歧（双击打开）：", "Disagreements on “{code}” (double-click to open):"),
        "compare.spans_pick": (
            "选择上表中的一个编码，查看分歧片段。",
            "Choose a code above to see where they disagree.",
        ),
        "compare.column.where": ("位置", "Where"),
        "compare.column.a": ("{coder} 编码了", "{coder} coded"),
        "compare.column.b": ("{coder} 编码了", "{coder} coded"),
    }
)


class CompareDialog(QDialog):
    span_opened = Signal(object)  # a Disagreement

    def __init__(
        self,
        store: Store,
        book: ResearchCodebook,
        tr: Translator,
        interview_label: Callable[[Interview], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.book, self.tr = store, book, tr
        self.interview_label = interview_label
        self.result: core_compare.Comparison | None = None
        self.code: str | None = None
        self.a_label, self.b_label = QLabel(self), QLabel(self)
        self.coder_a, self.coder_b = QComboBox(self), QComboBox(self)
        coders = core_compare.coders(store)
        for box in (self.coder_a, self.coder_b):
            box.addItems(coders)
            box.setMinimumContentsLength(8)
        if len(coders) > 1:
            self.coder_b.setCurrentIndex(1)
        self.run_button = QPushButton(self)
        self.run_button.clicked.connect(self.run)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 6, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._code_selected)
        self.spans_label = QLabel(self)
        self.spans = QTableWidget(0, 3, self)
        self.spans.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.spans.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.spans.verticalHeader().hide()
        self.spans.setWordWrap(True)
        spans_header = self.spans.horizontalHeader()
        spans_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        spans_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        spans_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.spans.setColumnWidth(0, 240)
        self.spans.cellDoubleClicked.connect(lambda row, _c: self.open_span(row))
        top = QHBoxLayout()
        for widget in (self.a_label, self.coder_a, self.b_label, self.coder_b, self.run_button):
            top.addWidget(widget)
        top.addStretch(1)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.spans_label)
        lower_layout.addWidget(self.spans, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.resize(1000, 680)
        self._spans: list[tuple[str, str, str, int, int, list]] = []
        tr.on_change(self.retranslate)
        self.retranslate()

    def choose(self, coder_a: str, coder_b: str) -> core_compare.Comparison | None:
        self.coder_a.setCurrentText(coder_a)
        self.coder_b.setCurrentText(coder_b)
        return self.run()

    def run(self) -> core_compare.Comparison | None:
        a, b = self.coder_a.currentText(), self.coder_b.currentText()
        if not a or not b:
            return None
        try:
            self.result = core_compare.compare_coders(self.store, self.book, a, b)
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return None
        self._fill()
        return self.result

    def code_label(self, code: str) -> str:
        return self.book.get(code).label(self.tr.lang) if self.book.has(code) else code

    def _fill(self) -> None:
        result = self.result
        if result is None:
            return
        if result.interviews:
            self.summary.setText(self.tr("compare.summary", n=len(result.interviews), chars=result.characters))
        else:
            self.summary.setText(self.tr("compare.none"))
        self.table.blockSignals(True)
        self.table.setRowCount(len(result.codes))
        for r, agreement in enumerate(result.codes):
            values = [
                self.code_label(agreement.code),
                str(agreement.both),
                str(agreement.only_a),
                str(agreement.only_b),
                f"{agreement.agreement * 100:.1f}%",
                f"{agreement.kappa:.2f}",
            ]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 5:
                    item.setBackground(QBrush(_kappa_colour(agreement.kappa)))
                item.setData(Qt.ItemDataRole.UserRole, agreement.code)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self.spans.setRowCount(0)
        self.spans_label.setText(self.tr("compare.spans_pick"))
        if self.code is not None:
            self.show_code(self.code)

    def _code_selected(self) -> None:
        items = self.table.selectedItems()
        if items:
            self.show_code(items[0].data(Qt.ItemDataRole.UserRole))

    def show_code(self, code: str) -> int:
        """The spans the two coders disagree on for one code: A's on the left, B's on the right."""
        self.code = code
        if self.result is None:
            return 0
        found = [d for d in self.result.disagreements if d.code == code]
        self.spans.setRowCount(len(found))
        self._found = found
        for r, disagreement in enumerate(found):
            try:
                interview = self.store.interview(disagreement.interview_id)
                question = answer_keys.interview_question_label(  # with its entry, in a repeat
                    self.store, disagreement.interview_id, disagreement.question, self.tr.lang
                )
                where = f"{self.interview_label(interview)}\n{question}"
            except YingzaoError:
                where = f"{disagreement.interview_id}\n{disagreement.question}"
            a_text = disagreement.text if disagreement.coded_by == self.result.coder_a else ""
            b_text = disagreement.text if disagreement.coded_by == self.result.coder_b else ""
            for c, value in enumerate((where, a_text, b_text)):
                self.spans.setItem(r, c, QTableWidgetItem(value))
        self.spans.resizeRowsToContents()
        self.spans_label.setText(self.tr("compare.spans", code=self.code_label(code)))
        return len(found)

    def open_span(self, row: int) -> None:
        if 0 <= row < len(getattr(self, "_found", [])):
            self.span_opened.emit(self._found[row])

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("compare.title"))
        self.a_label.setText(tr("compare.coder_a"))
        self.b_label.setText(tr("compare.coder_b"))
        self.run_button.setText(tr("compare.run"))
        self.table.setHorizontalHeaderLabels(
            [tr(f"compare.column.{c}") for c in ("code", "both", "only_a", "only_b", "agreement", "kappa")]
        )
        self.spans.setHorizontalHeaderLabels(
            [
                tr("compare.column.where"),
                tr("compare.column.a", coder=self.coder_a.currentText() or "A"),
                tr("compare.column.b", coder=self.coder_b.currentText() or "B"),
            ]
        )
        self._fill()


def _kappa_colour(kappa: float) -> QColor:
    """Landis and Koch's bands, as NVivo colours them: red below 0.4, amber to 0.75, green above."""
    if kappa >= 0.75:
        return QColor("#cfe8d5")
    if kappa >= 0.4:
        return QColor("#f8e7b9")
    return QColor("#f4c7c3")
