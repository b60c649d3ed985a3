"""The matrix (Analysis → Matrix…): rows are a code family's codes, columns a case attribute
(community, respondent role, or a community-profile field); each cell shows the interviews with
evidence, shaded by count. A click on a cell lists its segments; each opens its interview at the
span. The matrix can be exported as a workbook."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.coding import matrix as core_matrix
from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.matrix_workbook import matrix_workbook, write_matrix_workbook
from yingzao.core.errors import YingzaoError
from yingzao.core.forms import answer_keys
from yingzao.core.forms.codebook import FAMILIES
from yingzao.core.forms.protocol import ROLES, Protocol, pick
from yingzao.core.store.codings import Coding
from yingzao.core.store.database import Store
from yingzao.core.store.records import Interview
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "matrix.title": ("矩阵", "Matrix"),
        "matrix.rows": ("行：", "Rows:"),
        "matrix.columns": ("列：", "Columns:"),
        "matrix.by.community": ("社区", "Community"),
        "matrix.by.role": ("受访者角色", "Respondent role"),
        "matrix.by.profile": ("社区概况：{field}", "Profile: {field}"),
        "matrix.roll_up": ("含下级编码", "Include child codes"),
        "matrix.export": ("导出为工作簿…", "Export as workbook…"),
        "matrix.export_filter": ("Excel 工作簿 (*.xlsx)", "Excel workbook (*.xlsx)"),
        "matrix.exported": ("已导出到 {path}", "Exported to {path}"),
        "matrix.none": ("（无）", "(none)"),
        "matrix.cell": ("{interviews} 份访谈，{codings} 处编码", "{interviews} interviews, {codings} codings"),
        "matrix.segments": ("单元格中的片段（双击打开）：", "Segments in the cell (double-click to open):"),
        "matrix.segments_of": ("{code} × {column}：{n} 个片段", "{code} × {column}: {n} segments"),
        "matrix.sheet.interviews": ("有证据的访谈数", "Interviews with evidence"),
        "matrix.sheet.codings": ("编码数", "Codings"),
        "matrix.pinned": ("★ ", "★ "),
    }
)

SEGMENT_ROLE = Qt.ItemDataRole.UserRole


class MatrixDialog(QDialog):
    segment_opened = Signal(object)  # a Coding

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
        self.matrix: core_matrix.Matrix | None = None
        self.profile = _profile_protocol(store)
        self.rows_label = QLabel(self)
        self.rows_box = QComboBox(self)
        for family in FAMILIES:
            self.rows_box.addItem("", family)
        self.columns_label = QLabel(self)
        self.columns_box = QComboBox(self)
        self.columns_box.addItem("", core_matrix.BY_COMMUNITY)
        self.columns_box.addItem("", core_matrix.BY_ROLE)
        if self.profile is not None:
            for question in self.profile.answerable:
                if question.type in ("select_one", "select_multiple"):
                    self.columns_box.addItem("", core_matrix.PROFILE_PREFIX + question.name)
        self.roll_up = QCheckBox(self)
        self.roll_up.setChecked(True)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.export)
        for box in (self.rows_box, self.columns_box):
            box.currentIndexChanged.connect(lambda _i: self.run())
        self.roll_up.toggled.connect(lambda _on: self.run())
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(64)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellClicked.connect(self.open_cell)
        self.segments_label = QLabel(self)
        self.segments = QListWidget(self)
        self.segments.setWordWrap(True)
        self.segments.itemActivated.connect(self._segment_activated)
        self.segments.itemDoubleClicked.connect(self._segment_activated)
        top = QHBoxLayout()
        top.addWidget(self.rows_label)
        top.addWidget(self.rows_box)
        top.addSpacing(12)
        top.addWidget(self.columns_label)
        top.addWidget(self.columns_box)
        top.addWidget(self.roll_up)
        top.addStretch(1)
        top.addWidget(self.export_button)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.segments_label)
        lower_layout.addWidget(self.segments, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.resize(1000, 680)
        tr.on_change(self.retranslate)
        self.retranslate()

    def choose(self, family: str, by: str) -> None:
        self.rows_box.blockSignals(True)
        self.rows_box.setCurrentIndex(max(0, self.rows_box.findData(family)))
        self.rows_box.blockSignals(False)
        self.columns_box.setCurrentIndex(max(0, self.columns_box.findData(by)))
        self.run()

    def row_codes(self) -> list[str]:
        family = self.rows_box.currentData()
        if self.roll_up.isChecked():
            return [c.id for c in self.book.top_level(family) if c.status != "merged"]
        return [c.id for c in self.book.family(family) if c.status != "merged"]

    def run(self) -> core_matrix.Matrix | None:
        try:
            self.matrix = core_matrix.matrix_query(
                self.store,
                self.book,
                self.row_codes(),
                self.columns_box.currentData(),
                roll_up=self.roll_up.isChecked(),
            )
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return None
        self._fill()
        return self.matrix

    def column_label(self, value: str) -> str:
        by = self.columns_box.currentData()
        if value == core_matrix.NONE:
            return self.tr("matrix.none")
        if by == core_matrix.BY_COMMUNITY:
            return {c.id: c.name for c in self.store.communities()}.get(value, value)
        if by == core_matrix.BY_ROLE:
            return self.tr(f"role.{value}") if value in ROLES else value
        if self.profile is not None:
            question = self.profile.question(by[len(core_matrix.PROFILE_PREFIX) :])
            if question.list_name:
                return self.profile.choice_label(question.list_name, value, self.tr.lang) or value
        return value

    def _fill(self) -> None:
        matrix = self.matrix
        if matrix is None:
            return
        lang = self.tr.lang
        self.table.clear()
        self.table.setRowCount(len(matrix.rows))
        self.table.setColumnCount(len(matrix.columns))
        self.table.setHorizontalHeaderLabels([self.column_label(c) for c in matrix.columns])
        self.table.setVerticalHeaderLabels(
            [self.book.get(r).label(lang) if self.book.has(r) else r for r in matrix.rows]
        )
        top = max(matrix.interviews.values(), default=0)
        for r, row in enumerate(matrix.rows):
            for c, column in enumerate(matrix.columns):
                interviews, codings = matrix.cell(row, column)
                item = QTableWidgetItem(str(interviews) if interviews else "·")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setToolTip(self.tr("matrix.cell", interviews=interviews, codings=codings))
                if top and interviews:
                    shade = QColor(self.book.colour(row) if self.book.has(row) else "#1f77b4")
                    shade.setAlpha(40 + int(170 * interviews / top))
                    item.setBackground(QBrush(shade))
                self.table.setItem(r, c, item)
        self.segments.clear()
        self.segments_label.setText(self.tr("matrix.segments"))

    def open_cell(self, r: int, c: int) -> list[Coding]:
        """List the segments behind a cell."""
        if self.matrix is None or not (0 <= r < len(self.matrix.rows) and 0 <= c < len(self.matrix.columns)):
            return []
        code, value = self.matrix.rows[r], self.matrix.columns[c]
        found = core_matrix.segments(
            self.store, self.book, code, self.matrix.by, value, roll_up=self.roll_up.isChecked()
        )
        self.segments.clear()
        lang = self.tr.lang
        for coding in found:
            try:
                interview = self.store.interview(coding.interview_id)
            except YingzaoError:
                continue
            label = self.book.get(coding.code).label(lang) if self.book.has(coding.code) else coding.code
            star = self.tr("matrix.pinned") if coding.pinned else ""
            question = answer_keys.interview_question_label(self.store, coding.interview_id, coding.question, lang)
            item = QListWidgetItem(f"{star}{self.interview_label(interview)} · {label}\n{question}\n“{coding.quote}”")
            item.setData(SEGMENT_ROLE, coding)
            self.segments.addItem(item)
        code_label = self.book.get(code).label(lang) if self.book.has(code) else code
        self.segments_label.setText(
            self.tr("matrix.segments_of", code=code_label, column=self.column_label(value), n=len(found))
        )
        return found

    def _segment_activated(self, item: QListWidgetItem) -> None:
        self.segment_opened.emit(item.data(SEGMENT_ROLE))

    def open_segment(self, row: int) -> None:
        item = self.segments.item(row)
        if item is not None:
            self._segment_activated(item)

    def export(self, path=None) -> bool:
        if self.matrix is None:
            return False
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("matrix.export"), "matrix.xlsx", self.tr("matrix.export_filter")
            )
            if not path:
                return False
        labels = {c: self.column_label(c) for c in self.matrix.columns}
        titles = (self.tr("matrix.sheet.interviews"), self.tr("matrix.sheet.codings"))
        try:
            write_matrix_workbook(path, matrix_workbook(self.matrix, self.book, labels, titles, self.tr.lang))
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return False
        self.segments_label.setText(self.tr("matrix.exported", path=path))
        return True

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("matrix.title"))
        self.rows_label.setText(tr("matrix.rows"))
        self.columns_label.setText(tr("matrix.columns"))
        for index, (zh, en, _n) in enumerate(FAMILIES.values()):
            self.rows_box.setItemText(index, en if tr.lang == "en" else zh)
        for index in range(self.columns_box.count()):
            by = self.columns_box.itemData(index)
            if by.startswith(core_matrix.PROFILE_PREFIX) and self.profile is not None:
                question = self.profile.question(by[len(core_matrix.PROFILE_PREFIX) :])
                field = pick(question.labels, tr.lang) or question.name
                self.columns_box.setItemText(index, tr("matrix.by.profile", field=field))
            else:
                self.columns_box.setItemText(index, tr(f"matrix.by.{by}"))
        self.roll_up.setText(tr("matrix.roll_up"))
        self.export_button.setText(tr("matrix.export"))
        self.run()


def _profile_protocol(store: Store) -> Protocol | None:
    versions = [v for v in store.protocol_versions() if v["role"] == "profile"]
    if not versions:
        return None
    try:
        return store.protocol(versions[-1]["sha256"])
    except YingzaoError:
        return None
