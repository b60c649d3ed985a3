"""One input widget per question type, all with the same small interface.

An editor emits `edited` whenever the user changes its value and reports `composing` while an input
method (Chinese IME) is still composing, so the screen never saves or re-renders mid-composition.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QRegularExpressionValidator, QTextOption
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from yingzao.core.forms.protocol import Choice, Protocol, Question, pick

RADIO_LIMIT = 6  # more choices than this become a drop-down list


class ImeLineEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.composing = False

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        self.composing = bool(event.preeditString())
        super().inputMethodEvent(event)


class GrowingTextEdit(QPlainTextEdit):
    """A text area that grows with its text (3 to 18 lines) and knows when the IME is composing."""

    composition_ended = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.composing = False
        self.setTabChangesFocus(True)  # Tab moves to the next question, as everywhere else
        # Chinese has no spaces between words: wrap anywhere, never scroll sideways
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        was = self.composing
        self.composing = bool(event.preeditString())
        super().inputMethodEvent(event)
        if was and not self.composing:
            self.composition_ended.emit()

    def _fit(self, *_: object) -> None:
        # measure the laid-out blocks: CJK fallback fonts make lines taller than fontMetrics() says
        content = 0.0
        block = self.document().firstBlock()
        while block.isValid():
            content += self.blockBoundingRect(block).height()
            block = block.next()
        line = self.fontMetrics().lineSpacing()
        content = max(min(content, 18 * line * 1.4), 3 * line * 1.3)
        height = int(content + 2 * self.document().documentMargin() + 2 * self.frameWidth()) + 2
        if self.height() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


class Editor(QWidget):
    """Base of all editors: value in, value out, `edited` when the user changes it."""

    edited = Signal()

    def __init__(self, protocol: Protocol, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.protocol, self.question, self.lang = protocol, question, lang
        self._loading = False

    @property
    def composing(self) -> bool:
        return False

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: object) -> None:
        raise NotImplementedError

    def _changed(self, *_: object) -> None:
        if not self._loading:
            self.edited.emit()

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)

    def retranslate(self, lang: str) -> None:
        self.lang = lang

    def focus_target(self) -> QWidget:
        return self

    def choice_text(self, choice: Choice) -> str:
        return pick(choice.labels, self.lang, self.protocol.default_language) or choice.name


class TextEditor(Editor):
    def __init__(self, protocol: Protocol, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(protocol, question, lang, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.multiline = (question.appearance or "").lower() in ("multiline", "multi-line", "textarea")
        if self.multiline:
            self.box: QWidget = GrowingTextEdit(self)
            self.box.textChanged.connect(self._changed)
            self.box.composition_ended.connect(self._changed)
        else:
            self.box = ImeLineEdit(self)
            self.box.textEdited.connect(self._changed)
        layout.addWidget(self.box)
        self.setFocusProxy(self.box)

    @property
    def composing(self) -> bool:
        return self.box.composing  # type: ignore[attr-defined]

    def value(self) -> object:
        text = self.box.toPlainText() if self.multiline else self.box.text()  # type: ignore[attr-defined]
        return text if text.strip() else None

    def _show(self, value: object) -> None:
        text = "" if value is None else str(value)
        if self.multiline:
            if self.box.toPlainText() != text:  # type: ignore[attr-defined]
                self.box.setPlainText(text)  # type: ignore[attr-defined]
        elif self.box.text() != text:  # type: ignore[attr-defined]
            self.box.setText(text)  # type: ignore[attr-defined]

    def set_read_only(self, read_only: bool) -> None:
        self.box.setReadOnly(read_only)  # type: ignore[attr-defined]  (text stays selectable)

    def focus_target(self) -> QWidget:
        return self.box


class NumberEditor(Editor):
    """Takes whatever is typed: a validator that swallowed "约" or "+" or "," would store "约30家" as
    30 without a word. What is not a plain number is refused inline by the engine, saying what to
    type and that a qualifier belongs in the note."""

    def __init__(self, protocol: Protocol, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(protocol, question, lang, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = ImeLineEdit(self)
        self.box.setMaxLength(40)
        self.box.setMaximumWidth(220)
        self.box.textEdited.connect(self._changed)
        layout.addWidget(self.box)
        layout.addStretch(1)
        self.setFocusProxy(self.box)

    @property
    def composing(self) -> bool:
        return self.box.composing

    def value(self) -> object:
        text = self.box.text().strip()
        return text or None  # the engine turns it into a number, or refuses it

    def _show(self, value: object) -> None:
        text = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
        if self.box.text() != text:
            self.box.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.box.setReadOnly(read_only)

    def focus_target(self) -> QWidget:
        return self.box


class _PickerEditor(Editor):
    """Date or time typed as text (fast with a keyboard) plus a button for now/today or a calendar."""

    _PATTERN = ""
    _PLACEHOLDER = ""

    def __init__(self, protocol: Protocol, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(protocol, question, lang, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = ImeLineEdit(self)
        self.box.setPlaceholderText(self._PLACEHOLDER)
        self.box.setValidator(QRegularExpressionValidator(QRegularExpression(self._PATTERN), self.box))
        self.box.setMaximumWidth(160)
        self.box.textEdited.connect(self._changed)
        self.now_button = QToolButton(self)
        self.now_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # one Tab per question: date and time are typed
        self.now_button.clicked.connect(self._set_now)
        layout.addWidget(self.box)
        layout.addWidget(self.now_button)
        self._extra(layout)
        layout.addStretch(1)
        self.setFocusProxy(self.box)
        self.retranslate(lang)

    def _extra(self, layout: QHBoxLayout) -> None:
        pass

    @property
    def composing(self) -> bool:
        return self.box.composing

    def _set_now(self) -> None:
        raise NotImplementedError

    def value(self) -> object:
        return self.box.text().strip() or None

    def _show(self, value: object) -> None:
        if isinstance(value, dt.time):
            text = value.strftime("%H:%M") if not value.second else value.isoformat()
        elif isinstance(value, dt.date):
            text = value.isoformat()
        else:
            text = "" if value is None else str(value)
        if self.box.text() != text:
            self.box.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.box.setReadOnly(read_only)
        self.now_button.setEnabled(not read_only)

    def focus_target(self) -> QWidget:
        return self.box


class DateEditor(_PickerEditor):
    _PATTERN = r"[0-9]{0,4}(-[0-9]{0,2}(-[0-9]{0,2})?)?"
    _PLACEHOLDER = "YYYY-MM-DD"

    def _extra(self, layout: QHBoxLayout) -> None:
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("▾")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.calendar_button)
        self.calendar = QCalendarWidget(menu)
        self.calendar.clicked.connect(self._picked)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        self.calendar_button.setMenu(menu)
        layout.addWidget(self.calendar_button)

    def _sync_calendar(self) -> None:
        try:
            day = dt.date.fromisoformat(self.box.text())
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        except ValueError:
            self.calendar.setSelectedDate(QDate.currentDate())

    def _picked(self, date: QDate) -> None:
        self.box.setText(date.toString("yyyy-MM-dd"))
        self.calendar_button.menu().hide()
        self._changed()

    def _set_now(self) -> None:
        self.box.setText(dt.date.today().isoformat())
        self._changed()

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.now_button.setText("今天" if lang == "zh" else "Today")

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.calendar_button.setEnabled(not read_only)


class TimeEditor(_PickerEditor):
    _PATTERN = r"[0-9]{0,2}(:[0-9]{0,2}(:[0-9]{0,2})?)?"
    _PLACEHOLDER = "HH:MM"

    def _set_now(self) -> None:
        self.box.setText(dt.datetime.now().strftime("%H:%M"))
        self._changed()

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.now_button.setText("现在" if lang == "zh" else "Now")


class SelectOneEditor(Editor):
    def __init__(self, protocol: Protocol, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(protocol, question, lang, parent)
        self.choices = protocol.choices.get(question.list_name or "", ())
        # radio buttons up to six choices, as the README promises, even where a form asks for
        # "minimal": one click (or an arrow key) instead of opening a list for three choices
        self.use_combo = len(self.choices) > RADIO_LIMIT
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(18)
        if self.use_combo:
            self.combo = QComboBox(self)
            self.combo.addItem("", None)
            for choice in self.choices:
                self.combo.addItem(self.choice_text(choice), choice.name)
            self.combo.setMinimumWidth(260)
            self.combo.currentIndexChanged.connect(self._changed)
            layout.addWidget(self.combo, 0, 0)
            layout.setColumnStretch(1, 1)
            self.setFocusProxy(self.combo)
        else:
            self.group = QButtonGroup(self)
            self.group.setExclusive(True)
            self.buttons: list[QRadioButton] = []
            columns = 1 if any(len(self.choice_text(c)) > 14 for c in self.choices) else min(len(self.choices), 4)
            for index, choice in enumerate(self.choices):
                button = QRadioButton(self.choice_text(choice), self)
                self.group.addButton(button, index)
                self.buttons.append(button)
                layout.addWidget(button, index // columns, index % columns)
            layout.setColumnStretch(columns, 1)
            self.group.idClicked.connect(self._changed)
            if self.buttons:
                self.setFocusProxy(self.buttons[0])

    def value(self) -> object:
        if self.use_combo:
            return self.combo.currentData()
        checked = self.group.checkedId()
        return self.choices[checked].name if checked >= 0 else None

    def _show(self, value: object) -> None:
        if self.use_combo:
            index = self.combo.findData(value) if value is not None else 0
            self.combo.setCurrentIndex(max(index, 0))
            return
        names = [c.name for c in self.choices]
        if value in names:
            self.buttons[names.index(value)].setChecked(True)
        elif self.group.checkedButton() is not None:
            self.group.setExclusive(False)
            self.group.checkedButton().setChecked(False)
            self.group.setExclusive(True)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        for index, choice in enumerate(self.choices):
            if self.use_combo:
                self.combo.setItemText(index + 1, self.choice_text(choice))
            else:
                self.buttons[index].setText(self.choice_text(choice))

    def focus_target(self) -> QWidget:
        if self.use_combo:
            return self.combo
        return self.group.checkedButton() or (self.buttons[0] if self.buttons else self)

    def offer(self, names: set[str]) -> None:
        """Show only these choices (a choice_filter); the one already chosen stays, to be seen and changed."""
        chosen = self.value()
        for index, choice in enumerate(self.choices):
            shown = choice.name in names or choice.name == chosen
            if self.use_combo:
                self.combo.view().setRowHidden(index + 1, not shown)
            elif self.buttons[index].isVisibleTo(self) != shown:
                self.buttons[index].setVisible(shown)


class SelectMultipleEditor(Editor):
    def __init__(self, protocol: Protocol, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(protocol, question, lang, parent)
        self.choices = protocol.choices.get(question.list_name or "", ())
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(18)
        columns = (
            1
            if any(len(self.choice_text(c)) > 14 for c in self.choices)
            else (2 if len(self.choices) > 4 else len(self.choices) or 1)
        )
        self.boxes: list[QCheckBox] = []
        for index, choice in enumerate(self.choices):
            box = QCheckBox(self.choice_text(choice), self)
            box.toggled.connect(self._changed)
            self.boxes.append(box)
            layout.addWidget(box, index // columns, index % columns)
        layout.setColumnStretch(columns, 1)
        if self.boxes:
            self.setFocusProxy(self.boxes[0])

    def value(self) -> object:
        chosen = [c.name for c, box in zip(self.choices, self.boxes, strict=True) if box.isChecked()]
        return chosen or None

    def _show(self, value: object) -> None:
        names = set(str(value).split()) if isinstance(value, str) else set(value or ())
        for choice, box in zip(self.choices, self.boxes, strict=True):
            box.setChecked(choice.name in names)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        for choice, box in zip(self.choices, self.boxes, strict=True):
            box.setText(self.choice_text(choice))

    def focus_target(self) -> QWidget:
        return self.boxes[0] if self.boxes else self

    def offer(self, names: set[str]) -> None:
        """Show only these choices (a choice_filter); ticked ones stay, to be seen and unticked."""
        for choice, box in zip(self.choices, self.boxes, strict=True):
            shown = choice.name in names or box.isChecked()
            if box.isVisibleTo(self) != shown:
                box.setVisible(shown)


CHOICE_EDITORS = (SelectOneEditor, SelectMultipleEditor)  # the editors a choice_filter narrows (`offer`)

EDITORS: dict[str, type[Editor]] = {
    "text": TextEditor,
    "integer": NumberEditor,
    "decimal": NumberEditor,
    "date": DateEditor,
    "time": TimeEditor,
    "select_one": SelectOneEditor,
    "select_multiple": SelectMultipleEditor,
}


def make_editor(protocol: Protocol, question: Question, lang: str, parent: QWidget | None = None) -> Editor | None:
    editor_class = EDITORS.get(question.type)
    return editor_class(protocol, question, lang, parent) if editor_class else None
