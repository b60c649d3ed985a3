"""The codebook beside the transcript: families, parents and codes with their counts in this
interview and in all, a type-ahead filter, and the researcher's changes to the codebook (create,
rename, merge, retire, colour, a digit shortcut)."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.coding.codebook import FAMILY_COLOURS, ResearchCodebook
from yingzao.core.forms.codebook import FAMILIES, Code
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "codebook.filter": ("筛选编码，回车即编码所选文字", "Filter codes; Enter codes the selection"),
        "codebook.column.code": ("编码", "Code"),
        "codebook.column.here": ("本访谈", "Here"),
        "codebook.column.all": ("全部", "All"),
        "codebook.new": ("新建编码…", "New code…"),
        "codebook.edit": ("编码操作", "Code actions"),
        "codebook.rename": ("重命名…", "Rename…"),
        "codebook.merge": ("合并到另一个编码…", "Merge into another code…"),
        "codebook.retire": ("停用", "Retire"),
        "codebook.unretire": ("恢复使用", "Use again"),
        "codebook.colour": ("颜色…", "Colour…"),
        "codebook.key": ("数字快捷键", "Digit shortcut"),
        "codebook.key_none": ("无", "None"),
        "codebook.retired": ("（已停用）", " (retired)"),
        "codebook.new.title": ("新建编码", "New code"),
        "codebook.new.family": ("编码族", "Family"),
        "codebook.new.parent": ("上级编码", "Parent"),
        "codebook.new.no_parent": ("（无，作为顶层编码）", "(none: a top-level code)"),
        "codebook.new.label_zh": ("中文名称", "Chinese label"),
        "codebook.new.label_en": ("英文名称", "English label"),
        "codebook.rename.title": ("重命名编码", "Rename code"),
        "codebook.merge.title": ("合并编码", "Merge code"),
        "codebook.merge.into": ("把“{code}”的所有编码移到：", "Move every coding of “{code}” to:"),
    }
)

CODE_ROLE = Qt.ItemDataRole.UserRole


def swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class CodebookPanel(QWidget):
    """Emits `code_chosen(code_id)` for a double-click or Enter in the filter, `code_clicked` for a
    single click and `current_code_changed` as the current code moves (the memo pane follows)."""

    code_chosen = Signal(str)
    code_clicked = Signal(str)
    current_code_changed = Signal(str)
    new_code_requested = Signal()
    rename_requested = Signal(str)
    merge_requested = Signal(str)
    retire_requested = Signal(str, bool)
    colour_requested = Signal(str)
    key_requested = Signal(str, int)

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tr = tr
        self.book: ResearchCodebook | None = None
        self.keys: list[str] = [""] * 9
        self.items: dict[str, QTreeWidgetItem] = {}
        self._here: Counter[str] = Counter()
        self._all: Counter[str] = Counter()
        self.filter = QLineEdit(self)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.returnPressed.connect(self._enter)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(lambda pos: self.code_menu().exec(self.tree.mapToGlobal(pos)))
        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(self.new_code_requested)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(self._show_menu)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        tr.on_change(self.retranslate)
        self.retranslate()

    # -- content -------------------------------------------------------------------------------

    def set_book(self, book: ResearchCodebook, keys: list[str]) -> None:
        current = self.current_code()
        self.book, self.keys = book, (keys + [""] * 9)[:9]
        self.tree.clear()
        self.items = {}
        lang = self.tr.lang
        for family, (zh, en, _n) in FAMILIES.items():
            codes = [c for c in book.family(family) if c.status != "merged"]
            if not codes:
                continue
            top = QTreeWidgetItem(self.tree, [en if lang == "en" else zh])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.setIcon(0, swatch(FAMILY_COLOURS.get(family, "#7f7f7f")))
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self._add_children(top, [c for c in codes if not c.parent or not book.has(c.parent)], codes)
        self.tree.expandAll()
        self._show_counts()
        if current and current in self.items:
            self.tree.setCurrentItem(self.items[current])
        self.apply_filter(self.filter.text())

    def _add_children(self, parent: QTreeWidgetItem, level: list[Code], all_codes: list[Code]) -> None:
        assert self.book is not None
        for code in level:
            item = QTreeWidgetItem(parent, [self._label(code)])
            item.setData(0, CODE_ROLE, code.id)
            item.setIcon(0, swatch(self.book.colour(code.id)))
            item.setToolTip(0, f"{code.id}\n{code.definition(self.tr.lang)}".strip())
            if not code.codable:
                item.setForeground(0, QBrush(QColor("#8a8a8a")))
            self.items[code.id] = item
            self._add_children(item, [c for c in all_codes if c.parent == code.id], all_codes)

    def _label(self, code: Code) -> str:
        key = self.keys.index(code.id) + 1 if code.id in self.keys else 0
        label = code.label(self.tr.lang)
        if key:
            label = f"[{key}] {label}"
        if code.status == "retired":
            label += self.tr("codebook.retired")
        return label

    def set_counts(self, here: Counter[str], everywhere: Counter[str]) -> None:
        self._here, self._all = here, everywhere
        self._show_counts()

    def _show_counts(self) -> None:
        for code_id, item in self.items.items():
            here, everywhere = self._here.get(code_id, 0), self._all.get(code_id, 0)
            item.setText(1, str(here) if here else "")
            item.setText(2, str(everywhere) if everywhere else "")

    def counts(self, code_id: str) -> tuple[int, int]:
        return self._here.get(code_id, 0), self._all.get(code_id, 0)

    # -- choosing ------------------------------------------------------------------------------

    def current_code(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, CODE_ROLE) if item is not None else None

    def select_code(self, code_id: str) -> None:
        if code_id in self.items:
            self.tree.setCurrentItem(self.items[code_id])

    def apply_filter(self, text: str) -> None:
        """Hide codes that match neither by label (zh or en) nor id; keep their ancestors shown."""
        needle = text.strip().casefold()
        for index in range(self.tree.topLevelItemCount()):
            self._filter_item(self.tree.topLevelItem(index), needle)
        if needle:
            first = self.first_visible_code()
            if first:
                self.tree.setCurrentItem(self.items[first])

    def _filter_item(self, item: QTreeWidgetItem, needle: str) -> bool:
        shown = False
        for index in range(item.childCount()):
            shown |= self._filter_item(item.child(index), needle)
        code_id = item.data(0, CODE_ROLE)
        if code_id and self.book is not None:
            code = self.book.get(code_id)
            words = f"{code.id} {code.label_zh} {code.label_en}".casefold()
            shown |= not needle or needle in words
        elif not needle:
            shown = True
        item.setHidden(not shown)
        return shown

    def first_visible_code(self) -> str | None:
        for code_id, item in self.items.items():
            if not item.isHidden() and self.book is not None and self.book.get(code_id).codable:
                needle = self.filter.text().strip().casefold()
                code = self.book.get(code_id)
                if not needle or needle in f"{code.id} {code.label_zh} {code.label_en}".casefold():
                    return code_id
        return None

    def _enter(self) -> None:
        code = self.current_code() or self.first_visible_code()
        if code:
            self.code_chosen.emit(code)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        code = item.data(0, CODE_ROLE)
        if code:
            self.code_chosen.emit(code)

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        code = item.data(0, CODE_ROLE)
        if code:
            self.code_clicked.emit(code)

    def _current_changed(self, item, _previous) -> None:
        code = item.data(0, CODE_ROLE) if item is not None else None
        if code:
            self.current_code_changed.emit(code)

    # -- changing the codebook -----------------------------------------------------------------

    def code_menu(self) -> QMenu:
        """The actions on the current code (the tree's context menu and the actions button)."""
        menu = QMenu(self)
        code_id = self.current_code()
        menu.addAction(self.tr("codebook.new"), self.new_code_requested.emit)
        if code_id and self.book is not None:
            code = self.book.get(code_id)
            menu.addSeparator()
            menu.addAction(self.tr("codebook.rename"), lambda: self.rename_requested.emit(code_id))
            menu.addAction(self.tr("codebook.colour"), lambda: self.colour_requested.emit(code_id))
            menu.addAction(self.tr("codebook.merge"), lambda: self.merge_requested.emit(code_id))
            retired = code.status == "retired"
            menu.addAction(
                self.tr("codebook.unretire" if retired else "codebook.retire"),
                lambda: self.retire_requested.emit(code_id, not retired),
            )
            keys = menu.addMenu(self.tr("codebook.key"))
            keys.addAction(self.tr("codebook.key_none"), lambda: self.key_requested.emit(code_id, 0))
            for digit in range(1, 10):
                keys.addAction(str(digit), lambda digit=digit: self.key_requested.emit(code_id, digit))
        return menu

    def _show_menu(self) -> None:
        menu = self.code_menu()
        menu.exec(self.edit_button.mapToGlobal(self.edit_button.rect().bottomLeft()))

    def retranslate(self) -> None:
        tr = self.tr
        self.filter.setPlaceholderText(tr("codebook.filter"))
        self.tree.setHeaderLabels([tr("codebook.column.code"), tr("codebook.column.here"), tr("codebook.column.all")])
        self.new_button.setText(tr("codebook.new"))
        self.edit_button.setText(tr("codebook.edit"))
        if self.book is not None:
            self.set_book(self.book, self.keys)


class NewCodeDialog(QDialog):
    """Family, parent and the two labels of a new code."""

    def __init__(self, tr: Translator, book: ResearchCodebook, family: str, parent_code: str, parent=None) -> None:
        super().__init__(parent)
        self.tr, self.book = tr, book
        self.setWindowTitle(tr("codebook.new.title"))
        self.family = QComboBox(self)
        for fam, (zh, en, _n) in FAMILIES.items():
            self.family.addItem(en if tr.lang == "en" else zh, fam)
        self.family.setCurrentIndex(max(0, self.family.findData(family or "emergent")))
        self.parent_box = QComboBox(self)
        self.label_zh = QLineEdit(self)
        self.label_en = QLineEdit(self)
        self.family.currentIndexChanged.connect(lambda _i: self._fill_parents(""))
        self._fill_parents(parent_code)
        form = QFormLayout(self)
        form.addRow(tr("codebook.new.family"), self.family)
        form.addRow(tr("codebook.new.parent"), self.parent_box)
        form.addRow(tr("codebook.new.label_zh"), self.label_zh)
        form.addRow(tr("codebook.new.label_en"), self.label_en)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(420)

    def _fill_parents(self, chosen: str) -> None:
        self.parent_box.clear()
        self.parent_box.addItem(self.tr("codebook.new.no_parent"), "")
        for code in self.book.family(self.family.currentData()):
            if code.status != "merged":
                self.parent_box.addItem(code.label(self.tr.lang), code.id)
        self.parent_box.setCurrentIndex(max(0, self.parent_box.findData(chosen)))

    def values(self) -> dict[str, str]:
        return {
            "family": self.family.currentData(),
            "parent": self.parent_box.currentData() or "",
            "label_zh": self.label_zh.text(),
            "label_en": self.label_en.text(),
        }
