"""One question on the interview screen: label, hint, probes, editor, markers, note, inline issue."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.forms.engine import Issue
from yingzao.core.forms.protocol import Protocol, Question, pick
from yingzao.core.store.records import MARKERS
from yingzao.ui.editors import Editor, make_editor
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "q.marker.skipped": ("跳过", "Skipped"),
        "q.marker.refused": ("拒答", "Refused"),
        "q.marker.dont_know": ("不知道", "Don't know"),
        "q.note": ("备注", "Note"),
        "q.note.placeholder": (
            "田野备注，例如：受访者要求此段不记录",
            "Field note, e.g. the respondent asked not to record this part",
        ),
        "q.probes": ("追问", "Probes"),
        "q.optional_probes": ("可选追问", "Optional probes"),
        "q.optional": ("可选", "optional"),
        "q.required": ("必答", "required"),
        "q.identifying": ("含身份信息", "identifying"),
    }
)


class QuestionWidget(QFrame):
    # every signal names the answer KEY: the question's name, or `name#instance` inside a repeat
    value_edited = Signal(str)  # answer key; read the value from .editor
    marker_changed = Signal(str, object)  # answer key, marker or None
    note_edited = Signal(str, str)
    comment_posted = Signal(str, str, object)  # answer key, text, the comment replied to

    def __init__(
        self,
        protocol: Protocol,
        question: Question,
        number: str,
        tr: Translator,
        parent: QWidget | None = None,
        *,
        fill: Callable[[str, str], str] | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.protocol, self.question, self.number, self.tr = protocol, question, number, tr
        self.key = key or question.name  # the answer key: one widget per instance of a repeated question
        # the study's details ({{institution}} …) put into the texts read out, in the shown language
        self.fill = fill or (lambda text, _lang: text)
        self.short = False  # the short version: optional probes are not shown
        self.setObjectName("question")
        self.setFrameShape(QFrame.Shape.NoFrame)
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 10, 12, 12)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)

        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.badges = QLabel(self)
        self.badges.setStyleSheet("color: #8a5a00; font-size: 12px;")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")
        self.issue_label = QLabel(self)
        self.issue_label.setWordWrap(True)
        self.issue_label.setStyleSheet("color: #b00020;")
        self.issue_label.hide()
        self.editor: Editor | None = make_editor(protocol, question, tr.lang, self)

        column = QVBoxLayout()
        column.setSpacing(6)
        heading = QHBoxLayout()
        heading.addWidget(self.label, 1)
        heading.addWidget(self.badges, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(heading)
        column.addWidget(self.hint)
        if self.editor is not None:
            column.addWidget(self.editor)
            self.editor.edited.connect(lambda: self.value_edited.emit(self.key))
        column.addWidget(self.issue_label)

        self.marker_buttons: dict[str, QToolButton] = {}
        self.note_button = QToolButton(self)
        self.note_box = QLineEdit(self)
        if self.editor is not None:
            bar = QHBoxLayout()
            bar.setSpacing(4)
            for marker in MARKERS:
                button = QToolButton(self)
                button.setCheckable(True)
                button.setAutoRaise(True)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes question to question
                button.clicked.connect(lambda checked, m=marker: self._marker_clicked(m, checked))
                self.marker_buttons[marker] = button
                bar.addWidget(button)
            bar.addSpacing(12)
            self.note_button.setCheckable(True)
            self.note_button.setAutoRaise(True)
            self.note_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.note_button.toggled.connect(self._toggle_note)
            bar.addWidget(self.note_button)
            bar.addStretch(1)
            column.addLayout(bar)
            self.note_box.textEdited.connect(lambda text: self.note_edited.emit(self.key, text))
            self.note_box.hide()
            column.addWidget(self.note_box)
        else:
            self.note_button.hide()
            self.note_box.hide()
        column.addStretch(1)  # keep the question packed at the top when the probes are taller
        grid.addLayout(column, 0, 0)
        self._column = column
        self.comments = None  # a CommentThread, made when the question has comments

        self.probes = QLabel(self)
        self.probes.setWordWrap(True)
        self.probes.setTextFormat(Qt.TextFormat.PlainText)
        self.probes.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.probes.setStyleSheet(
            "background: #fbf6e6; border: 1px solid #eadfb8; border-radius: 4px; padding: 8px; color: #4a3f1f;"
        )
        self.probes.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        grid.addWidget(self.probes, 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        if question.type == "note":
            self.label.setStyleSheet("font-size: 14px; font-weight: 400;")
        self.retranslate()

    # -- showing -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        lang, default = self.tr.lang, self.protocol.default_language
        text = self.fill(pick(self.question.labels, lang, default), lang)
        self.label.setText(text if self.question.type == "note" else f"{self.number}  {text}")
        badges = []
        if self.question.optional:
            badges.append(self.tr("q.optional"))
        if self.question.required:
            badges.append(self.tr("q.required"))
        if self.question.identifying:
            badges.append(self.tr("q.identifying"))
        self.badges.setText(" · ".join(badges))
        hint = self.fill(pick(self.question.hints, lang, default), lang)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self._show_probes()
        for marker, button in self.marker_buttons.items():
            button.setText(self.tr(f"q.marker.{marker}"))
        self.note_button.setText(self.tr("q.note") + (" ▾" if self.note_box.isVisible() else " ▸"))
        self.note_box.setPlaceholderText(self.tr("q.note.placeholder"))
        if self.editor is not None:
            self.editor.retranslate(lang)
        if self.comments is not None:
            self.comments.retranslate()

    def _show_probes(self) -> None:
        lang, default = self.tr.lang, self.protocol.default_language
        parts = []
        for key, labels in (("q.probes", self.question.probes), ("q.optional_probes", self.question.optional_probes)):
            if key == "q.optional_probes" and self.short:
                continue
            text = self.fill(pick(labels, lang, default), lang).replace("\\n", "\n")  # a typed \n breaks too
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines:
                parts.append(f"{self.tr(key)}\n" + "\n".join(f"• {line}" for line in lines))
        self.probes.setText("\n\n".join(parts))
        self.probes.setVisible(bool(parts))

    def set_short(self, short: bool) -> None:
        """The short version leaves out the optional probes (the screen hides optional questions)."""
        if short != self.short:
            self.short = short
            self._show_probes()

    def load(self, value: object, marker: str | None, note: str) -> None:
        if self.editor is not None:
            self.editor.set_value(value)
        self.show_marker(marker)
        if self.note_box.text() != note:
            self.note_box.setText(note)
        if note and not self.note_box.isVisible():
            self.note_button.setChecked(True)

    def show_marker(self, marker: str | None) -> None:
        for name, button in self.marker_buttons.items():
            button.setChecked(name == marker)
        if self.editor is not None:
            # a marked question keeps what was typed, shown greyed: the marker is the answer
            self.editor.setStyleSheet("color: #999;" if marker else "")

    def show_issue(self, issue: Issue | None) -> None:
        self.issue_label.setText(issue.message if issue else "")
        self.issue_label.setVisible(issue is not None)

    def show_comments(self, threads, *, can_reply: bool) -> None:
        """A supervisor's comments on this question, with a Reply box while the interview is editable."""
        if self.comments is None:
            if not threads:
                return
            from yingzao.ui.comment_thread import CommentThread  # only interviews that were reviewed need it

            self.comments = CommentThread(self.tr, self)
            self.comments.posted.connect(lambda text, parent: self.comment_posted.emit(self.key, text, parent))
            self._column.insertWidget(self._column.count() - 1, self.comments)
        self.comments.set_threads(threads, can_reply=can_reply)

    def set_read_only(self, read_only: bool) -> None:
        if self.editor is not None:
            self.editor.set_read_only(read_only)
        for button in self.marker_buttons.values():
            button.setEnabled(not read_only)
        self.note_box.setReadOnly(read_only)

    def focus_editor(self) -> None:
        if self.editor is not None:
            self.editor.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    # -- user actions ------------------------------------------------------------------------

    def _marker_clicked(self, marker: str, checked: bool) -> None:
        chosen = marker if checked else None
        self.show_marker(chosen)
        self.marker_changed.emit(self.key, chosen)

    def _toggle_note(self, shown: bool) -> None:
        self.note_box.setVisible(shown)
        self.note_button.setText(self.tr("q.note") + (" ▾" if shown else " ▸"))
        if shown and not self.note_box.text():
            self.note_box.setFocus()

    @property
    def composing(self) -> bool:
        return self.editor is not None and self.editor.composing
