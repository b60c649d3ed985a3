"""A repeat group on the interview screen: its number, label and hint, then one framed panel per
instance ("第 1 项") holding a QuestionWidget for each repeated question, keyed by its answer key.

The block asks its host (the interview screen) to build and forget question widgets, to save what
is pending before an instance is added, removed or moved, and to run the change; it then follows
the session's list of instances, keeping the panels of instances that stay (and so the focus in
them). A repeat_count repeat follows its count by itself: it offers no Add, and Remove only while
it holds more entries than the count asks for (the engine keeps entries with answers and reports them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from yingzao.core.forms import repeats
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.protocol import Question, pick
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.question_widget import QuestionWidget

add_strings(
    {
        "rp.entry": ("第 {n} 项", "Entry {n}"),
        "rp.entry.numbers": ("第 {n} 项 · 题 {numbers}", "Entry {n} · questions {numbers}"),
        "rp.count": ("共 {n} 项", "Entries: {n}"),
        "rp.add": ("＋ 添加一项", "+ Add entry"),
        "rp.remove": ("删除", "Remove"),
        "rp.remove.tip": ("删除这一项及其所有回答", "Remove this entry and all its answers"),
        "rp.up": ("▲ 上移", "▲ Move up"),
        "rp.down": ("▼ 下移", "▼ Move down"),
        "rp.remove.title": ("删除这一项？", "Remove this entry?"),
        "rp.remove.text": (
            "删除第 {n} 项{name}？\n这一项的所有回答都将被清除（修改记录中仍保留原来的回答）。",
            "Remove entry {n}{name}?\nAll its answers will be cleared (the change log keeps what they were).",
        ),
        "rp.remove.name": ("（{name}）", " ({name})"),
        "rp.cancel": ("取消", "Cancel"),
        "rp.empty": ("还没有任何一项。点“添加一项”开始。", "No entries yet. Press “Add entry” to start."),
        "rp.empty_count": (
            "回答前面的数目后，这里会出现相应数目的项。",
            "The entries appear here once the number they follow is answered.",
        ),
    }
)

_STYLE = (
    "QFrame#repeatBlock { border: 0px solid transparent; border-left: 3px solid #8aa6c8; }"
    " QFrame#repeatEntry { background: #f6f8fb; border: 1px solid #d6dee9; border-radius: 6px; }"
    " QLabel#repeatHeading { font-size: 15px; font-weight: 600; }"
    " QLabel#entryTitle { font-weight: 600; color: #23364d; }"
)


@dataclass(frozen=True)
class RepeatHost:
    """What a repeat block needs from the screen it is on."""

    make: Callable[[str, QWidget], QuestionWidget]  # build (and register) the widget for an answer key
    drop: Callable[[QuestionWidget], None]  # forget a widget whose instance was removed
    change: Callable[[Callable[[], object]], bool]  # save what is pending, then run a change; whether it ran
    fill: Callable[[str, str], str]  # the study's details put into a text


class EntryPanel(QFrame):
    """One instance of a repeat: its title and buttons, then its questions."""

    def __init__(self, instance: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.instance = instance
        self.setObjectName("repeatEntry")
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(2)
        top = QHBoxLayout()
        top.setContentsMargins(4, 0, 0, 0)
        top.setSpacing(6)
        self.title = QLabel(self)
        self.title.setObjectName("entryTitle")
        self.title.setWordWrap(True)
        self.up_button = QPushButton(self)
        self.down_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        top.addWidget(self.title, 1)
        for button in (self.up_button, self.down_button, self.remove_button):
            button.setAutoDefault(False)
            top.addWidget(button)
        column.addLayout(top)
        self.questions = column
        self.widgets: list[QuestionWidget] = []

    def tab_chain(self) -> list[QWidget]:
        """What Tab visits in this panel, in order: its buttons, then each question's inputs."""
        chain: list[QWidget] = [self.up_button, self.down_button, self.remove_button]
        for widget in self.widgets:
            chain.extend(
                w
                for w in widget.findChildren(QWidget)  # depth first, in the order they were made
                if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None
            )
        return chain


class RepeatBlock(QFrame):
    def __init__(
        self,
        session: InterviewSession,
        repeat: Question,
        numbers: dict[str, str],
        tr: Translator,
        host: RepeatHost,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.repeat, self.numbers, self.tr, self.host = session, repeat, numbers, tr, host
        self.protocol = session.protocol
        self.inner = [q for q in self.protocol.repeated(repeat.name) if q.type != "calculate"]
        self.panels: dict[str, EntryPanel] = {}
        self.order: list[str] = []
        self.setObjectName("repeatBlock")
        self.setStyleSheet(_STYLE)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 12)
        column.setSpacing(8)
        heading = QHBoxLayout()
        self.label = QLabel(self)
        self.label.setObjectName("repeatHeading")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("color: #555;")
        heading.addWidget(self.label, 1)
        heading.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(heading)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")
        column.addWidget(self.hint)
        self.issue_label = QLabel(self)
        self.issue_label.setWordWrap(True)
        self.issue_label.setStyleSheet("color: #b00020;")
        self.issue_label.hide()
        column.addWidget(self.issue_label)
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #777;")
        column.addWidget(self.empty_label)
        self.entries = QVBoxLayout()
        self.entries.setSpacing(10)
        column.addLayout(self.entries)
        self.add_button = QPushButton(self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_entry)
        column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()
        self.refresh()

    @property
    def open_ended(self) -> bool:
        return not self.repeat.repeat_count

    # -- following the session ---------------------------------------------------------------

    def refresh(self) -> None:
        """Follow the session: its instances (added, removed, moved, or made by repeat_count), the
        buttons the fieldworker may use now, and the repeat's issue."""
        listed = self.session.instances(self.repeat.name)
        if listed != self.order:
            for instance in [i for i in self.panels if i not in listed]:
                panel = self.panels.pop(instance)
                for widget in panel.widgets:
                    self.host.drop(widget)
                self.entries.removeWidget(panel)
                panel.hide()
                panel.deleteLater()
            for instance in listed:
                if instance not in self.panels:
                    self.panels[instance] = self._panel(instance)
                    self.panels[instance].show()  # now, not when the layout gets round to it: focus may go there
            for position, instance in enumerate(listed):
                if self.entries.indexOf(self.panels[instance]) != position:
                    self.entries.removeWidget(self.panels[instance])
                    self.entries.insertWidget(position, self.panels[instance])
            self.order = listed
            self._order_tabs()
        self._show_state()

    def _panel(self, instance: str) -> EntryPanel:
        panel = EntryPanel(instance, self)
        for question in self.inner:
            widget = self.host.make(repeats.key(question.name, instance), panel)
            panel.widgets.append(widget)
            panel.questions.addWidget(widget)
        panel.up_button.clicked.connect(lambda: self.move_entry(instance, -1))
        panel.down_button.clicked.connect(lambda: self.move_entry(instance, +1))
        panel.remove_button.clicked.connect(lambda: self.remove_entry(instance))
        self._retranslate_panel(panel)
        return panel

    def _order_tabs(self) -> None:
        """Tab goes through the entries in the order shown: a widget made later is put at the end
        of the window's focus chain, and a moved entry keeps its place there unless told."""
        previous: QWidget = self  # the block itself takes no focus; its entries follow it
        for widget in [w for i in self.order for w in self.panels[i].tab_chain()] + [self.add_button]:
            QWidget.setTabOrder(previous, widget)
            previous = widget

    def _show_state(self) -> None:
        editable = self.session.editable
        want = self.session.expected_instances(self.repeat.name)
        removable = editable and (self.open_ended or (want is not None and len(self.order) > want))
        for position, instance in enumerate(self.order):
            panel = self.panels[instance]
            panel.title.setText(self._title(position + 1))
            panel.up_button.setVisible(editable and len(self.order) > 1)
            panel.down_button.setVisible(editable and len(self.order) > 1)
            panel.up_button.setEnabled(position > 0)
            panel.down_button.setEnabled(position < len(self.order) - 1)
            panel.remove_button.setVisible(removable)
        self.add_button.setVisible(editable and self.open_ended)
        self.count_label.setText(self.tr("rp.count", n=len(self.order)))
        self.empty_label.setText(self.tr("rp.empty" if self.open_ended and editable else "rp.empty_count"))
        self.empty_label.setVisible(not self.order and (editable or not self.open_ended))
        issue = self.session.issue(self.repeat.name, self.tr.lang)
        self.issue_label.setText(issue.message if issue else "")
        self.issue_label.setVisible(issue is not None)

    def _title(self, position: int) -> str:
        shown = [self.numbers[q.name] for q in self.inner if self.numbers.get(q.name)]
        if not shown:
            return self.tr("rp.entry", n=position)
        span = shown[0] if len(shown) == 1 else f"{shown[0]}–{shown[-1]}"
        return self.tr("rp.entry.numbers", n=position, numbers=span)

    # -- the fieldworker's changes -----------------------------------------------------------

    def add_entry(self) -> None:
        added: list[str] = []
        if self.host.change(lambda: added.append(self.session.add_instance(self.repeat.name)) or True):
            panel = self.panels.get(added[0]) if added else None
            if panel is not None:
                self.focus_entry(panel)

    def remove_entry(self, instance: str) -> None:
        if instance not in self.order or not self._confirm_removal(instance):
            return
        position = self.order.index(instance)
        if self.host.change(lambda: self.session.remove_instance(self.repeat.name, instance) or True):
            # focus stays where the fieldworker was: the entry now in that place, else Add
            if self.order:
                self.panels[self.order[min(position, len(self.order) - 1)]].remove_button.setFocus()
            elif self.add_button.isVisible():
                self.add_button.setFocus()

    def move_entry(self, instance: str, step: int) -> None:
        if instance not in self.order:
            return
        to = self.order.index(instance) + step
        if not 0 <= to < len(self.order):
            return
        if self.host.change(lambda: self.session.move_instance(self.repeat.name, instance, to) or True):
            panel = self.panels[instance]
            button = panel.up_button if step < 0 else panel.down_button
            # at the top (or bottom) its button is disabled: keep the focus on the other one
            (button if button.isEnabled() else (panel.down_button if step < 0 else panel.up_button)).setFocus()

    def _confirm_removal(self, instance: str) -> bool:
        panel = self.panels[instance]
        name = next(
            (
                str(w.editor.value()).strip()
                for w in panel.widgets
                if w.question.type == "text" and w.editor is not None and str(w.editor.value() or "").strip()
            ),
            "",
        )
        if len(name) > 40:
            name = name[:40] + "…"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("rp.remove.title"),
            self.tr(
                "rp.remove.text",
                n=self.order.index(instance) + 1,
                name=self.tr("rp.remove.name", name=name) if name else "",
            ),
            parent=self,
        )
        remove = box.addButton(self.tr("rp.remove"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(self.tr("rp.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # Enter keeps the entry; removing takes a deliberate choice
        box.setEscapeButton(cancel)
        box.exec()
        confirmed = box.clickedButton() is remove
        box.deleteLater()  # not kept under the block, one per question asked
        return confirmed

    def focus_entry(self, panel: EntryPanel) -> None:
        widget = next((w for w in panel.widgets if w.editor is not None and not w.isHidden()), None)
        if widget is not None:
            widget.focus_editor()

    def focus_editor(self) -> None:
        """Go to the repeat: its first entry's first question, else Add."""
        if self.order:
            self.focus_entry(self.panels[self.order[0]])
        elif self.add_button.isVisible():
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- words -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        lang, default = self.tr.lang, self.protocol.default_language
        label = self.host.fill(pick(self.repeat.labels, lang, default), lang) or self.repeat.name
        self.label.setText(f"{self.numbers.get(self.repeat.name, '')}  {label}".strip())
        hint = self.host.fill(pick(self.repeat.hints, lang, default), lang)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.add_button.setText(self.tr("rp.add"))
        for panel in self.panels.values():
            self._retranslate_panel(panel)
        self._show_state()

    def _retranslate_panel(self, panel: EntryPanel) -> None:
        panel.up_button.setText(self.tr("rp.up"))
        panel.down_button.setText(self.tr("rp.down"))
        panel.remove_button.setText(self.tr("rp.remove"))
        panel.remove_button.setToolTip(self.tr("rp.remove.tip"))


def keyed_numbers(session: InterviewSession, numbers: dict[str, str], tr: Translator) -> dict[str, str]:
    """The number shown for every answer key of the interview, in form order: a repeated question's
    number with its entry ("2.3.1 · 第 2 项"), for finding a question and listing issues."""
    shown: dict[str, str] = {}
    for key in session.keys():  # noqa: SIM118 - a session, not a dict
        name, instance = repeats.split(key)
        if name in numbers:
            entry = f" · {tr('rp.entry', n=session.position(key))}" if instance else ""
            shown[key] = numbers[name] + entry
    return shown
