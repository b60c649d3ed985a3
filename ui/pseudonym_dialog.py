"""Data → Pseudonyms…: the researcher's table of real terms and what anonymised exports show instead."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.anonymity import table
from yingzao.core.errors import YingzaoError
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

CATEGORIES = ("person", "place", "organisation", "other")

add_strings(
    {
        "pseudonyms.title": ("代称表", "Pseudonyms"),
        "pseudonyms.intro": (
            "匿名化导出中，左列的词一律替换为右列的代称（如 邛崃 → Q市）；“保留”的词从不替换。"
            "研究自身的代称（A社区、L街道、R05 等）本来就不会被替换。",
            "In anonymised exports every term on the left is replaced by its pseudonym on the right (e.g. 邛崃 → Q市); "
            "terms marked Keep are never replaced. The study's own pseudonyms (A社区, L街道, R05…) never are either.",
        ),
        "pseudonyms.term": ("原词", "Term"),
        "pseudonyms.replacement": ("代称", "Pseudonym"),
        "pseudonyms.category": ("类别", "Category"),
        "pseudonyms.decision": ("处理", "Decision"),
        "pseudonyms.by": ("修改人", "Changed by"),
        "pseudonyms.decision.replace": ("替换", "Replace"),
        "pseudonyms.decision.allow": ("保留", "Keep"),
        "pseudonyms.category.person": ("人名", "person"),
        "pseudonyms.category.place": ("地名", "place"),
        "pseudonyms.category.organisation": ("机构", "organisation"),
        "pseudonyms.category.other": ("其他", "other"),
        "pseudonyms.term_placeholder": ("原词，如 邛崃", "term, e.g. 邛崃"),
        "pseudonyms.replacement_placeholder": ("代称，如 Q市", "pseudonym, e.g. Q市"),
        "pseudonyms.save": ("保存", "Save"),
        "pseudonyms.keep": ("保留原词", "Keep as is"),
        "pseudonyms.remove": ("删除所选", "Remove selected"),
        "pseudonyms.close": ("关闭", "Close"),
    }
)


def category_label(tr: Translator, category: str) -> str:
    return tr(f"pseudonyms.category.{category}") if category in CATEGORIES else category


class PseudonymDialog(QDialog):
    def __init__(self, store: Store, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tr = store, tr
        self.resize(760, 520)
        self.intro = QLabel(wordWrap=True)
        self.table = QTableWidget(0, 5)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.term = QLineEdit()
        self.replacement = QLineEdit()
        self.replacement.returnPressed.connect(self.save)
        self.category = QComboBox()
        self.save_button = QPushButton(clicked=self.save)
        self.keep_button = QPushButton(clicked=self.keep)
        self.remove_button = QPushButton(clicked=self.remove_selected)
        self.close_button = QPushButton(clicked=self.accept)
        entry = QHBoxLayout()
        for widget in (self.term, self.replacement, self.category, self.save_button, self.keep_button):
            entry.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(entry)
        layout.addLayout(buttons)
        tr.on_change(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("pseudonyms.title"))
        self.intro.setText(tr("pseudonyms.intro"))
        self.table.setHorizontalHeaderLabels(
            [tr(f"pseudonyms.{k}") for k in ("term", "replacement", "category", "decision", "by")]
        )
        self.term.setPlaceholderText(tr("pseudonyms.term_placeholder"))
        self.replacement.setPlaceholderText(tr("pseudonyms.replacement_placeholder"))
        current = self.category.currentIndex()
        self.category.clear()
        for category in CATEGORIES:
            self.category.addItem(category_label(tr, category), category)
        self.category.setCurrentIndex(max(0, current))
        self.save_button.setText(tr("pseudonyms.save"))
        self.keep_button.setText(tr("pseudonyms.keep"))
        self.remove_button.setText(tr("pseudonyms.remove"))
        self.close_button.setText(tr("pseudonyms.close"))
        self.refresh()

    def refresh(self) -> None:
        rows = table.pseudonyms(self.store.conn)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = [
                row.term,
                row.replacement,
                category_label(self.tr, row.category),
                self.tr(f"pseudonyms.decision.{row.decision}"),
                row.updated_by,
            ]
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))

    def terms(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def _selected(self) -> None:
        """Selecting a row puts it in the fields below, ready to edit."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = table.pseudonyms(self.store.conn)[rows[0].row()]
        self.term.setText(row.term)
        self.replacement.setText(row.replacement)
        if row.category in CATEGORIES:
            self.category.setCurrentIndex(CATEGORIES.index(row.category))

    def save(self) -> None:
        self._write(
            lambda: table.set_pseudonym(self.store, self.term.text(), self.replacement.text(), self._category())
        )

    def keep(self) -> None:
        self._write(lambda: table.allow(self.store, self.term.text(), self._category()))

    def remove_selected(self) -> None:
        for term in [self.table.item(i.row(), 0).text() for i in self.table.selectionModel().selectedRows()]:
            self._write(lambda term=term: table.remove(self.store, term))

    def _category(self) -> str:
        return self.category.currentData() or ""

    def _write(self, change) -> None:
        try:
            change()
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return
        self.term.clear()
        self.replacement.clear()
        self.refresh()


def open_pseudonym_dialog(parent: QWidget | None, store_path: Path | str, tr: Translator) -> None:
    with Store(store_path) as store:
        PseudonymDialog(store, tr, parent).exec()
