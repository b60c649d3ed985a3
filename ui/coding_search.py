"""Search (Ctrl+Shift+F on the coding page): a term or phrase across every answer and note, the
hits with snippets; a click opens the interview with the hit selected; "code all hits"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.coding import search as core_search
from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.search import Hit
from yingzao.core.errors import YingzaoError
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "search.title": ("搜索全部访谈", "Search all interviews"),
        "search.placeholder": ("词或短语，例如 议事会", "A word or phrase, e.g. 议事会"),
        "search.go": ("搜索", "Search"),
        "search.count": ("{n} 处", "{n} hits"),
        "search.none": ("没有找到。", "Nothing found."),
        "search.capped": (
            "（含此词的文字太多，只列出最先存入的 {n} 段，出现次数多的在前；请用更具体的词）",
            " (too many texts hold it: only the first {n} stored are listed, most hits first; use a more specific term)",
        ),
        "search.code": ("编码：", "Code:"),
        "search.code_all": ("为全部结果编码", "Code all hits"),
        "search.code_all_done": ("已为 {n} 处编码。", "{n} hits coded."),
        "search.column.interview": ("访谈", "Interview"),
        "search.column.question": ("问题", "Question"),
        "search.column.snippet": ("上下文", "In context"),
        "search.note": ("（备注）", " (note)"),
    }
)


class HitsModel(QAbstractTableModel):
    """The hits as a table; labels are made only for the rows on screen."""

    def __init__(self, label: Callable[[Hit], tuple[str, str]], tr: Translator) -> None:
        super().__init__()
        self.hits: list[Hit] = []
        self.label, self.tr = label, tr
        self._labels: dict[int, tuple[str, str]] = {}

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits, self._labels = hits, {}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 3

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        hit = self.hits[index.row()]
        if index.column() == 2:
            return hit.snippet
        if index.row() not in self._labels:
            self._labels[index.row()] = self.label(hit)
        return self._labels[index.row()][index.column()]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(("search.column.interview", "search.column.question", "search.column.snippet")[section])
        return None

    def relabel(self) -> None:
        self._labels = {}
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)
        if self.hits:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.hits) - 1, 1))


class SearchDialog(QDialog):
    """`hit_opened(hit)` when a result is clicked; `code_all_requested(hits, code)` for code all."""

    hit_opened = Signal(object)
    code_all_requested = Signal(object, str)

    def __init__(
        self,
        store: Store,
        book: Callable[[], ResearchCodebook],
        label: Callable[[Hit], tuple[str, str]],
        tr: Translator,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.book, self.tr = store, book, tr
        self.term = QLineEdit(self)
        self.term.setClearButtonEnabled(True)
        self.term.returnPressed.connect(self.run)
        self.go_button = QPushButton(self)
        self.go_button.clicked.connect(self.run)
        self.count = QLabel(self)
        self.model = HitsModel(label, tr)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(1, 220)
        self.table.clicked.connect(lambda index: self.open_row(index.row()))
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.code_label = QLabel(self)
        self.code_box = QComboBox(self)
        self.code_box.setMinimumContentsLength(14)
        self.code_all_button = QPushButton(self)
        self.code_all_button.clicked.connect(self.code_all)
        for button in (self.go_button, self.code_all_button):
            # no default button: Enter in the term already searches (a default Search button ran every
            # search twice), and Enter on a result opens it, never "code all hits"
            button.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(self.term, 1)
        top.addWidget(self.go_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.code_label)
        bottom.addWidget(self.code_box)
        bottom.addWidget(self.code_all_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(960, 560)
        tr.on_change(self.retranslate)
        self.retranslate()

    def fill_codes(self) -> None:
        chosen = self.code_box.currentData()
        self.code_box.clear()
        for code in self.book().usable():
            self.code_box.addItem(f"{code.label(self.tr.lang)}  ({code.id})", code.id)
        index = self.code_box.findData(chosen)
        if index >= 0:
            self.code_box.setCurrentIndex(index)

    def run(self) -> list[Hit]:
        try:
            hits = core_search.search(self.store, self.term.text())
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return []
        self.model.set_hits(hits)
        self._show_count()
        self.code_all_button.setEnabled(bool(hits) and not self.store.read_only)
        return hits

    def _show_count(self) -> None:
        hits = self.model.hits
        text = self.tr("search.count", n=len(hits)) if hits else self.tr("search.none")
        if core_search.capped(hits):  # say so: "code all hits" codes what is listed, no more
            text += self.tr("search.capped", n=core_search.MAX_ROWS)
        self.count.setText(text)

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.model.hits):
            self.hit_opened.emit(self.model.hits[row])

    def choose_code(self, code_id: str) -> bool:
        index = self.code_box.findData(code_id)
        if index >= 0:
            self.code_box.setCurrentIndex(index)
        return index >= 0

    def code_all(self) -> None:
        code = self.code_box.currentData()
        if code and self.model.hits:
            self.code_all_requested.emit(list(self.model.hits), code)

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("search.title"))
        self.term.setPlaceholderText(tr("search.placeholder"))
        self.go_button.setText(tr("search.go"))
        self.code_label.setText(tr("search.code"))
        self.code_all_button.setText(tr("search.code_all"))
        self.fill_codes()
        self.model.relabel()
        if self.model.hits:
            self._show_count()
