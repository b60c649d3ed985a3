"""Small widgets of the home page: a path label that elides, and the check-box filter buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """One line of text that shortens in the middle instead of widening the window (long paths)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, max(self.width(), 80)))


class StayOpenMenu(QMenu):
    """A menu of check boxes that stays open while the user ticks several of them."""

    def mouseReleaseEvent(self, event) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class CheckFilter(QPushButton):
    """'Status: all' — a drop-down of checkable values; emits the checked set, or None for all."""

    changed = Signal(object)

    def __init__(self, values: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.menu_ = StayOpenMenu(self)
        self.actions_: dict[str, QAction] = {}
        for value in values:
            action = QAction(self.menu_, checkable=True, checked=True)
            action.toggled.connect(self._emit)
            self.actions_[value] = action
            self.menu_.addAction(action)
        self.menu_.addSeparator()
        self.show_all = QAction(self.menu_)
        self.show_all.triggered.connect(self.select_all)
        self.menu_.addAction(self.show_all)
        self.setMenu(self.menu_)
        self._format = "{which}"
        self._words = ("", "", ", ", "{n}")

    def checked(self) -> frozenset[str] | None:
        chosen = frozenset(v for v, a in self.actions_.items() if a.isChecked())
        return None if len(chosen) == len(self.actions_) else chosen

    def set_checked(self, values) -> None:
        for value, action in self.actions_.items():
            action.blockSignals(True)
            action.setChecked(value in values)
            action.blockSignals(False)
        self._emit()

    def select_all(self) -> None:
        self.set_checked(set(self.actions_))

    def retranslate(
        self,
        label_format: str,
        labels: dict[str, str],
        all_word: str,
        none_word: str,
        show_all: str,
        join: str,
        many: str,
    ) -> None:
        self._format, self._words = label_format, (all_word, none_word, join, many)
        for value, action in self.actions_.items():
            action.setText(labels[value])
        self.show_all.setText(show_all)
        self._update_text()

    def _emit(self, *_args) -> None:
        self._update_text()
        self.changed.emit(self.checked())

    def _update_text(self) -> None:
        chosen = self.checked()
        if chosen is None:
            which = self._words[0]
        elif not chosen:
            which = self._words[1]
        elif len(chosen) <= 2:
            which = self._words[2].join(a.text() for v, a in self.actions_.items() if v in chosen)
        else:
            which = self._words[3].replace("{n}", str(len(chosen)))
        self.setText(self._format.replace("{which}", which))
