"""Memos: a pane for the selected code, interview, community or coding, and a list of every memo
in the project. Each change is saved at once through core/coding/memos.py (audited there)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.coding import memos as core_memos
from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.errors import YingzaoError
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "memo.title": ("备忘", "Memos"),
        "memo.about.code": ("编码", "Code"),
        "memo.about.interview": ("访谈", "Interview"),
        "memo.about.community": ("社区", "Community"),
        "memo.about.coding": ("编码片段", "Coding"),
        "memo.nothing": ("（未选择）", "(nothing selected)"),
        "memo.add": ("添加备忘", "Add memo"),
        "memo.save": ("保存修改", "Save changes"),
        "memo.delete": ("删除", "Delete"),
        "memo.save_coding": ("保存片段备忘", "Save coding memo"),
        "memo.placeholder": ("写下想法、定义、疑问……", "Write an idea, a definition, a question…"),
        "memo.item": ("{author} · {time}\n{text}", "{author} · {time}\n{text}"),
        "memo.list.title": ("全部备忘", "All memos"),
        "memo.list.filter": ("筛选备忘", "Filter memos"),
        "memo.list.about": ("关于", "About"),
        "memo.list.subject": ("对象", "Subject"),
        "memo.list.author": ("作者", "Author"),
        "memo.list.time": ("时间", "Time"),
        "memo.list.text": ("内容", "Text"),
    }
)

SUBJECTS = ("code", "interview", "community", "coding")


class MemoPane(QWidget):
    """Memos about one subject at a time. `changed` is emitted after each save; a coding's memo is
    its own field, changed through the page (`coding_memo_requested`) so that it can be undone."""

    changed = Signal()
    coding_memo_requested = Signal(str, str)

    def __init__(
        self, store: Store, book: Callable[[], ResearchCodebook], tr: Translator, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.book, self.tr = store, book, tr
        self.subjects: dict[str, tuple[str, str]] = {}  # about -> (id, name on screen)
        self.coding_memo = ""
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-weight: 700;")
        self.about = QComboBox(self)
        for about in SUBJECTS:
            self.about.addItem("", about)
        self.about.currentIndexChanged.connect(lambda _i: self.show_memos())
        self.subject = QLabel(self)
        self.subject.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._picked)
        self.editor = QPlainTextEdit(self)
        self.editor.setMaximumHeight(90)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self.delete)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.about, 1)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.subject)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        tr.on_change(self.retranslate)
        self.retranslate()

    def set_subject(self, about: str, about_id: str, name: str, memo: str = "", *, show: bool = False) -> None:
        self.subjects[about] = (about_id, name)
        if about == "coding":
            self.coding_memo = memo
        if show:
            self.about.setCurrentIndex(SUBJECTS.index(about))
        if self.current_about() == about:
            self.show_memos()

    def current_about(self) -> str:
        return self.about.currentData()

    def show_memos(self) -> None:
        about = self.current_about()
        about_id, name = self.subjects.get(about, ("", ""))
        self.subject.setText(name or self.tr("memo.nothing"))
        self.list.clear()
        self.editor.clear()
        coding = about == "coding"
        self.list.setVisible(not coding)
        self.add_button.setVisible(not coding)
        self.delete_button.setVisible(not coding)
        self.save_button.setText(self.tr("memo.save_coding" if coding else "memo.save"))
        enabled = bool(about_id) and not self.store.read_only
        for widget in (self.editor, self.add_button, self.save_button, self.delete_button):
            widget.setEnabled(enabled)
        if not about_id:
            return
        if coding:
            self.editor.setPlainText(self.coding_memo)
            return
        for memo in core_memos.memos_about(self.store, about, about_id):
            item = QListWidgetItem(
                self.tr("memo.item", author=memo.author, time=memo.updated_at[:16].replace("T", " "), text=memo.text)
            )
            item.setData(Qt.ItemDataRole.UserRole, memo.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, memo.text)
            self.list.addItem(item)

    def memo_texts(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(self.list.count())]

    def _picked(self, item, _previous) -> None:
        if item is not None:
            self.editor.setPlainText(item.data(Qt.ItemDataRole.UserRole + 1))

    def _act(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return False
        self.show_memos()
        self.changed.emit()
        return True

    def add(self) -> bool:
        about = self.current_about()
        about_id, _name = self.subjects.get(about, ("", ""))
        text = self.editor.toPlainText()
        return self._act(lambda: core_memos.add_memo(self.store, self.book(), about, about_id, text))

    def save(self) -> bool:
        about = self.current_about()
        if about == "coding":
            about_id, _name = self.subjects.get(about, ("", ""))
            if about_id:
                self.coding_memo = self.editor.toPlainText().strip()
                self.coding_memo_requested.emit(about_id, self.editor.toPlainText())
            return bool(about_id)
        item = self.list.currentItem()
        if item is None:
            return self.add()
        memo_id, text = item.data(Qt.ItemDataRole.UserRole), self.editor.toPlainText()
        return self._act(lambda: core_memos.edit_memo(self.store, memo_id, text))

    def delete(self) -> bool:
        item = self.list.currentItem()
        if item is None:
            return False
        memo_id = item.data(Qt.ItemDataRole.UserRole)
        return self._act(lambda: core_memos.delete_memo(self.store, memo_id))

    def retranslate(self) -> None:
        tr = self.tr
        self.heading.setText(tr("memo.title"))
        for index, about in enumerate(SUBJECTS):
            self.about.setItemText(index, tr(f"memo.about.{about}"))
        self.add_button.setText(tr("memo.add"))
        self.delete_button.setText(tr("memo.delete"))
        self.editor.setPlaceholderText(tr("memo.placeholder"))
        self.show_memos()


class MemoListDialog(QDialog):
    """Every memo in the project (on codes, interviews, communities, and codings' own memos)."""

    COLUMNS = ("about", "subject", "author", "time", "text")

    def __init__(self, store: Store, book: ResearchCodebook, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.book, self.tr = store, book, tr
        self.filter = QLineEdit(self)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(len(self.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        self.resize(900, 520)
        tr.on_change(self.retranslate)
        self.retranslate()

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        lang = self.tr.lang
        communities = {c.id: c.name for c in self.store.communities()}
        out = []
        for memo in self.store.coding.memos():
            if memo.about == "code" and self.book.has(memo.about_id):
                subject = self.book.get(memo.about_id).label(lang)
            elif memo.about == "community":
                subject = communities.get(memo.about_id, memo.about_id)
            else:
                subject = memo.about_id[:8]
            out.append((self.tr(f"memo.about.{memo.about}"), subject, memo.author, memo.updated_at, memo.text))
        for coding in self.store.coding.codings():
            if coding.memo:
                label = self.book.get(coding.code).label(lang) if self.book.has(coding.code) else coding.code
                subject = f"{label}：{coding.quote[:20]}"
                out.append((self.tr("memo.about.coding"), subject, coding.coder, coding.updated_at, coding.memo))
        out.sort(key=lambda row: row[3], reverse=True)
        return out

    def _fill(self) -> None:
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                shown = value[:16].replace("T", " ") if c == 3 else value
                self.table.setItem(r, c, QTableWidgetItem(shown))
        self.table.resizeRowsToContents()
        self._filter(self.filter.text())

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for r in range(self.table.rowCount()):
            words = " ".join(self.table.item(r, c).text() for c in range(len(self.COLUMNS))).casefold()
            self.table.setRowHidden(r, bool(needle) and needle not in words)

    def retranslate(self) -> None:
        tr = self.tr
        self.setWindowTitle(tr("memo.list.title"))
        self.filter.setPlaceholderText(tr("memo.list.filter"))
        self.table.setHorizontalHeaderLabels([tr(f"memo.list.{c}") for c in self.COLUMNS])
        self._fill()
