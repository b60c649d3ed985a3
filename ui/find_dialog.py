"""Find a question by its number or any words of its label, in either language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from yingzao.core.forms.protocol import Protocol, pick
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "find.title": ("跳到题目", "Go to a question"),
        "find.placeholder": ("输入题号或关键词，回车跳转", "Type a number or words, Enter to go"),
    }
)


class FindDialog(QDialog):
    def __init__(
        self, protocol: Protocol, numbers: dict[str, str], tr: Translator, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.target: str | None = None
        self.setWindowTitle(tr("find.title"))
        self.resize(560, 440)
        layout = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(tr("find.placeholder"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        self._rows: list[tuple[str, str, str]] = []  # name, shown text, searchable text
        for name, number in numbers.items():
            question = protocol.question(name)
            shown = f"{number}  {pick(question.labels, tr.lang, protocol.default_language)}"
            # probes and hints count too: a fieldworker remembers "the question about 三长"
            searchable = " ".join(
                [
                    number,
                    name,
                    *question.labels.values(),
                    *question.hints.values(),
                    *question.probes.values(),
                    *question.optional_probes.values(),
                ]
            ).lower()
            self._rows.append((name, shown, searchable))
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._choose_first)
        self.results.itemActivated.connect(self._choose)
        self._filter("")

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        self.results.clear()
        for name, shown, searchable in self._rows:
            if all(w in searchable for w in words):
                item = QListWidgetItem(shown)
                item.setData(Qt.ItemDataRole.UserRole, name)
                self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _choose_first(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        self.target = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
