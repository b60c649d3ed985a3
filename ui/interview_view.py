"""The interview screen: sections on the left, the current section's questions in the middle.

Every change is saved through the engine within ~300 ms of the last keystroke, and at least once a
second while typing goes on without a pause (never during an IME composition: what is committed is
saved as soon as the composition ends), so a crash loses at most about the last second of typing.
Relevance and progress update live, and leaving a question shows its problems inline.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import YingzaoError
from yingzao.core.forms import repeats, study
from yingzao.core.forms.case_check import CASE_QUESTION
from yingzao.core.forms.engine import INTERVIEW_TIME, InterviewSession, question_numbers
from yingzao.core.forms.protocol import Section, pick
from yingzao.ui.case_check_bar import CaseCheckBar
from yingzao.ui.comment_thread import InterviewComments
from yingzao.ui.editors import CHOICE_EDITORS
from yingzao.ui.finalize_dialog import FinalizeDialog
from yingzao.ui.find_dialog import FindDialog
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.page_bar import page_layout
from yingzao.ui.question_widget import QuestionWidget
from yingzao.ui.repeat_widget import RepeatBlock, RepeatHost, keyed_numbers
from yingzao.ui.save_schedule import SaveSchedule

screen_clock = time.monotonic  # the screen's clock for the interview timer and paradata (a test may wind it)
SCREEN_TIME_EVERY_MS = 5_000  # screen time is written this often (and with every save), so a crash loses little of it

add_strings(
    {
        "iv.back": ("返回列表", "Back to list"),
        "iv.prev": ("上一部分", "Previous section"),
        "iv.next": ("下一部分", "Next section"),
        "iv.find": ("跳到题目…", "Go to question…"),
        "iv.finalise": ("完成访谈…", "Finalise…"),
        "iv.finalise_profile": ("完成填写…", "Finish the profile…"),
        "iv.saved": ("已保存 {time}", "Saved {time}"),
        "iv.not_saved": ("尚未修改", "No changes yet"),
        "iv.unsaved": ("未保存…", "Unsaved…"),
        "iv.rejected": (
            "有答案格式不对，未保存（见红字）",
            "Not saved: an answer is not in the right form (see the red text)",
        ),
        "iv.save_failed": ("未能保存：{message}", "Not saved: {message}"),
        "iv.timer": ("访谈用时 {time}", "Interview time {time}"),
        "iv.timer_budget": ("访谈用时 {time}（建议 {minutes} 分钟）", "Interview time {time} (planned {minutes} min)"),
        "iv.budget": ("建议 {minutes} 分钟", "{minutes} min"),
        "iv.short": ("精简版", "Short version"),
        "iv.short.tip": (
            "只显示核心问题和核心追问；已回答的可选问题仍然显示。",
            "Show only the core questions and probes; optional questions already answered stay shown.",
        ),
        "iv.progress": ("完成 {percent}%", "{percent}% done"),
        "iv.read_only": (
            "此访谈已完成，只读。如需修改，请联系督导重新打开。",
            "This interview is finalised and read-only. Ask a supervisor to reopen it if it needs changes.",
        ),
        "iv.database_read_only": (
            "只读：另一个营造窗口正在使用此数据库，这里只能查看这份访谈。",
            "Read-only: another Yingzao window is using this database; here you can only look at this interview.",
        ),
        "iv.refused": (
            "受访者不同意参加访谈：访谈到此结束，拒绝将被记录。",
            "The respondent declined to take part: the interview ends here and the refusal is recorded.",
        ),
        "iv.refused.finish": ("结束访谈并记录拒绝", "End the interview and record the refusal"),
        "iv.general": ("一般问题", "General"),
        "iv.elsewhere": (
            "此访谈由另一台电脑上的访员（{who}）采集，只能在那台电脑上修改；这里只读。",
            "This interview was taken on another computer (by {who}) and can only be changed there; it is "
            "read-only here.",
        ),
        "iv.unsaved.title": ("有内容未能保存", "Not everything could be saved"),
        "iv.unsaved.retry": ("再试一次", "Try again"),
        "iv.unsaved.stay": ("留在此页", "Stay here"),
        "iv.unsaved.leave": ("不保存，离开", "Leave without saving"),
        "iv.has_comments": ("有批注", "comments"),
        "iv.shortcuts": (
            "Ctrl+PgDn 下一部分 · Ctrl+PgUp 上一部分 · Ctrl+F 跳到题目 · Tab 下一题",
            "Ctrl+PgDn next section · Ctrl+PgUp previous · Ctrl+F go to question · Tab next question",
        ),
    }
)


class InterviewView(QWidget):
    closed = Signal()
    finalized = Signal(str)
    saved = Signal(str)  # the time of the last save, for the main window's status bar

    def __init__(
        self, session: InterviewSession, tr: Translator, *, community_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.tr, self.community_name = session, tr, community_name
        self.protocol = session.protocol
        self.sections: list[Section] = list(self.protocol.sections)
        self.numbers = question_numbers(self.protocol)
        self.widgets: dict[str, QuestionWidget] = {}  # by answer key (`name#instance` inside a repeat)
        self.blocks: dict[str, RepeatBlock] = {}  # by repeat name
        self._repeat_host = RepeatHost(self._question_widget, self._drop_widget, self._change, self._fill)
        self.pages: dict[int, QScrollArea] = {}
        self.touched: set[str] = set()
        self.visited: set[int] = set()
        self.show_all_issues = False
        self._pending: set[str] = set()
        self._pending_notes: dict[str, str] = {}
        self._focus_question: str | None = None
        self._focus_since = screen_clock()
        self._opened = screen_clock()
        self._screen_written = self._opened
        self._base_seconds = session.recorded_seconds()
        self.short = False  # the short version: optional questions and probes hidden
        self.details = study.study_details(session.store)  # what the consent statement names
        self.comments = InterviewComments(session, tr, self)  # a supervisor's, when it was reviewed
        self.comments.failed.connect(self._comment_failed)
        self._build()
        self.schedule = SaveSchedule(self)
        self.schedule.due.connect(self.flush)
        self._saved_at: time.struct_time | None = None
        self._save_problem: str | None = None
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self._listening = True
        tr.on_change(self.retranslate)
        self.retranslate()
        start = self._section_of(session.interview.last_question) if session.interview.last_question else 0
        self.go_to_section(start, focus=False)

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer, page_bar = page_layout(self)
        top, bar, self.back_button, self.title = page_bar.frame, page_bar.layout, page_bar.back_button, page_bar.title
        self.back_button.clicked.connect(self.close_view)
        self.progress_label = QLabel(top)
        self.timer_label = QLabel(top)
        self.timer_label.setStyleSheet("color: #555;")
        self.find_button = QPushButton(top)
        self.find_button.clicked.connect(self.find_question)
        self.finalise_button = QPushButton(top)
        self.finalise_button.setStyleSheet("font-weight: 600;")
        self.finalise_button.clicked.connect(self.finalise)
        self.short_box = QCheckBox(top)
        self.short_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes question to question
        self.short_box.toggled.connect(self.set_short)
        self.short_box.setVisible(any(q.optional for q in self.protocol.questions))
        for widget in (self.short_box, self.progress_label, self.timer_label, self.find_button, self.finalise_button):
            bar.addWidget(widget)

        self.banner = QFrame(self)
        self.banner.setStyleSheet("QFrame { background: #fde8e8; } QLabel { color: #7a1010; }")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(12, 8, 12, 8)
        self.banner_text = QLabel(self.banner)
        self.banner_text.setWordWrap(True)
        self.refusal_button = QPushButton(self.banner)
        self.refusal_button.clicked.connect(self._finish_refused)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.refusal_button)
        self.banner.hide()
        outer.addWidget(self.banner)
        self.case_bar = CaseCheckBar(self.session, self.tr, self)
        self.case_bar.changed.connect(self._case_changed)
        outer.addWidget(self.case_bar)
        if self.comments.box is not None:
            outer.addWidget(self.comments.box)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.navigator = QListWidget(splitter)
        self.navigator.setMinimumWidth(200)
        self.navigator.setSpacing(2)
        self.navigator.setWordWrap(True)
        self.navigator.setUniformItemSizes(False)
        self.navigator.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.navigator.currentRowChanged.connect(self._navigator_clicked)
        self.navigator.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.stack = QStackedWidget(splitter)
        splitter.addWidget(self.navigator)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 960])
        outer.addWidget(splitter, 1)
        for _ in self.sections:
            self.navigator.addItem(QListWidgetItem(""))
            placeholder = QScrollArea(self.stack)
            self.stack.addWidget(placeholder)

        bottom = QFrame(self)
        bottom.setStyleSheet("QFrame { border-top: 1px solid #ddd; } QLabel { color: #555; }")
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(12, 4, 12, 4)
        self.prev_button = QPushButton(bottom)
        self.prev_button.clicked.connect(lambda: self.step_section(-1))
        self.next_button = QPushButton(bottom)
        self.next_button.clicked.connect(lambda: self.step_section(+1))
        self.saved_label = QLabel(bottom)
        self.shortcuts_label = QLabel(bottom)
        # both wrap rather than widen the window past 1024 px (a long status in English did)
        for label in (self.saved_label, self.shortcuts_label):
            label.setWordWrap(True)
        self.shortcuts_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bottom_layout.addWidget(self.prev_button)
        bottom_layout.addWidget(self.next_button)
        bottom_layout.addSpacing(16)
        bottom_layout.addWidget(self.saved_label, 2)
        bottom_layout.addWidget(self.shortcuts_label, 3)
        outer.addWidget(bottom)

        for keys, slot in (
            ("Ctrl+PgDown", lambda: self.step_section(+1)),
            ("Ctrl+PgUp", lambda: self.step_section(-1)),
            ("Ctrl+F", self.find_question),
            ("Ctrl+S", self.flush),
        ):
            QShortcut(QKeySequence(keys), self, activated=slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _page(self, index: int) -> QScrollArea:
        """Build a section's widgets the first time it is shown, so opening an interview is quick."""
        if index in self.pages:
            return self.pages[index]
        section = self.sections[index]
        area = QScrollArea()
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the questions, not to their frame
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget(area)
        content.setObjectName("page")
        content.setStyleSheet("QWidget#page { background: white; } QFrame#question { border-bottom: 1px solid #eee; }")
        column = QVBoxLayout(content)
        column.setContentsMargins(24, 16, 24, 24)
        column.setSpacing(4)
        heading = QLabel(content)
        heading.setObjectName("sectionHeading")
        heading.setStyleSheet("font-size: 18px; font-weight: 700; padding-bottom: 6px;")
        column.addWidget(heading)
        for name in section.questions:
            question = self.protocol.question(name)
            if question.type == "calculate" or question.repeat is not None:
                continue  # a repeated question is shown in its repeat's block, once per instance
            if question.is_repeat:
                self.blocks[name] = RepeatBlock(
                    self.session, question, self.numbers, self.tr, self._repeat_host, content
                )
                column.addWidget(self.blocks[name])
            else:
                column.addWidget(self._question_widget(name, content))
        column.addStretch(1)
        area.setWidget(content)
        old = self.stack.widget(index)
        self.stack.insertWidget(index, area)
        self.stack.removeWidget(old)
        old.deleteLater()
        self.pages[index] = area
        heading.setText(self._section_heading(index))
        self._apply_relevance(index)
        return area

    def _section_title(self, index: int) -> str:
        section = self.sections[index]
        return pick(section.labels, self.tr.lang, self.protocol.default_language) or self.tr("iv.general")

    def _question_widget(self, key: str, parent: QWidget) -> QuestionWidget:
        """The widget for one answer key (a question, or a repeated question in one instance)."""
        question = self.protocol.question(key)
        widget = QuestionWidget(
            self.protocol, question, self.numbers.get(question.name, ""), self.tr, parent, fill=self._fill, key=key
        )
        widget.set_short(self.short)
        widget.load(self.session.value(key), self.session.marker(key), self.session.note(key))
        widget.set_read_only(not self.session.editable)
        widget.value_edited.connect(self._value_edited)
        widget.marker_changed.connect(self._marker_changed)
        widget.note_edited.connect(self._note_edited)
        self.comments.attach(widget)
        self.widgets[key] = widget
        return widget

    def _drop_widget(self, widget: QuestionWidget) -> None:
        """A repeat's instance was removed: its answers are cleared, nothing of it waits to be saved."""
        self.widgets.pop(widget.key, None)
        self._pending.discard(widget.key)
        self._pending_notes.pop(widget.key, None)
        self.comments.detach(widget)

    def _change(self, write) -> bool:
        """Add, remove or move a repeat's instance, after saving what was typed (an edit still
        pending in a removed instance would otherwise be written after it is gone)."""
        if not self.flush(force=True):
            return False
        problem = self._save(write)
        if problem is not None:
            self._save_problem = problem
            self._show_save_state()
            return False
        self._after_change()
        return True

    def _section_heading(self, index: int) -> str:
        minutes = self.sections[index].minutes
        title = self._section_title(index)
        return f"{title}　·　{self.tr('iv.budget', minutes=minutes)}" if minutes else title

    def _fill(self, text: str, lang: str) -> str:
        return study.fill(text, self.details, lang)

    def set_short(self, short: bool) -> None:
        """The short version: optional questions (unless answered) and optional probes are hidden."""
        self.short = short
        if self.short_box.isChecked() != short:
            self.short_box.setChecked(short)
        for widget in self.widgets.values():
            widget.set_short(short)
        for index in self.pages:
            self._apply_relevance(index)

    def _shown(self, name: str) -> bool:
        if not self.session.is_relevant(name):
            return False
        if self.short and self.protocol.question(name).optional:
            return self.session.value(name) is not None or self.session.marker(name) is not None
        return True

    def _case_changed(self) -> None:
        community = self.session.interview.community_id
        names = {c.id: c.name for c in self.session.store.communities()}
        self.community_name = names.get(community, "") if community else ""
        widget = self.widgets.get(CASE_QUESTION)
        if widget is not None:
            widget.load(
                self.session.value(CASE_QUESTION), self.session.marker(CASE_QUESTION), self.session.note(CASE_QUESTION)
            )
        self._after_change()
        self.retranslate()

    # -- navigation --------------------------------------------------------------------------

    def _section_of(self, key: str | None) -> int:
        name = repeats.split(key)[0] if key else None  # a repeated question's key: its question's section
        for index, section in enumerate(self.sections):
            if name in section.questions:
                return index
        return 0

    def go_to_section(self, index: int, *, focus: bool = True) -> None:
        index = max(0, min(index, len(self.sections) - 1))
        self.flush()
        self._page(index)
        self.visited.add(index)
        self.stack.setCurrentIndex(index)
        if self.navigator.currentRow() != index:
            self.navigator.blockSignals(True)
            self.navigator.setCurrentRow(index)
            self.navigator.blockSignals(False)
        self._refresh_navigator()
        self._refresh_steps()
        if focus:
            first = next(
                (
                    n
                    for n in self.session.keys(self.sections[index].questions)
                    if n in self.widgets
                    and self.widgets[n].editor is not None
                    and self.widgets[n].isVisibleTo(self.pages[index].widget())
                ),
                None,
            )
            if first:
                self.widgets[first].focus_editor()

    def _refresh_steps(self) -> None:
        """Previous / next section follow relevance: consent "是" opens the sections after it."""
        index = self.stack.currentIndex()
        self.prev_button.setEnabled(self._neighbour(index, -1) is not None)
        self.next_button.setEnabled(self._neighbour(index, +1) is not None)

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab goes question to question and, after a section's last question, on to the next
        section's first one — never out to "← 返回列表", where a following Space would leave."""
        index = self.stack.currentIndex()
        page = self.pages.get(index)
        current = QApplication.focusWidget()
        if forward and page is not None and current is not None and page.isAncestorOf(current):
            following = current.nextInFocusChain()
            while (
                following is not None
                and following is not current
                and not (
                    following.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and following.isVisible()
                    and following.isEnabled()
                )
            ):
                following = following.nextInFocusChain()
            if following is None or following is current or not page.isAncestorOf(following):
                if self._neighbour(index, +1) is not None:
                    self.step_section(+1)
                elif self.finalise_button.isVisible():
                    self.finalise_button.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().focusNextPrevChild(forward)

    def _neighbour(self, index: int, step: int) -> int | None:
        candidate = index + step
        while 0 <= candidate < len(self.sections):
            if self.session.section_relevant(self.sections[candidate]):
                return candidate
            candidate += step
        return None

    def step_section(self, step: int) -> None:
        target = self._neighbour(self.stack.currentIndex(), step)
        if target is not None:
            self.go_to_section(target)

    def _navigator_clicked(self, row: int) -> None:
        if row >= 0 and row != self.stack.currentIndex():
            self.go_to_section(row)

    def focus_question(self, key: str) -> None:
        """Go to an answer key's question (a repeat's name: to its block)."""
        index = self._section_of(key)
        self.go_to_section(index, focus=False)
        widget = self.widgets.get(key) or self.blocks.get(key)
        if widget is not None:
            self.pages[index].ensureWidgetVisible(widget, 0, 40)
            widget.focus_editor()

    def find_question(self) -> None:
        dialog = FindDialog(self.protocol, keyed_numbers(self.session, self.numbers, self.tr), self.tr, self)
        if dialog.exec() and dialog.target:
            self.focus_question(dialog.target)

    # -- saving ------------------------------------------------------------------------------

    def _value_edited(self, name: str) -> None:
        self._pending.add(name)
        self._edited()

    def _note_edited(self, name: str, text: str) -> None:
        self._pending_notes[name] = text
        self._edited()

    def _edited(self) -> None:
        self.schedule.edited()
        self._show_save_state()

    def _marker_changed(self, name: str, marker: object) -> None:
        self.flush()
        self._save(lambda: self.session.set_marker(name, marker))  # type: ignore[arg-type]
        self.touched.add(name)
        self._after_change()

    @property
    def unsaved(self) -> bool:
        return bool(self._pending or self._pending_notes)

    def flush(self, *, force: bool = False) -> bool:
        """Write what is pending; wait while an input method is composing, unless closing.

        Returns whether everything pending is now saved. What could not be written (a full disk, a
        pulled drive) stays pending and is tried again, so nothing typed is dropped. A value that
        does not fit its question ("25:70") is not pending: it is shown as an issue at once."""
        if not self._pending and not self._pending_notes:
            self.schedule.nothing_pending()
            return True
        if not force and any(self.widgets[n].composing for n in self._pending if n in self.widgets):
            self.schedule.held_back()  # saved the moment the composition is committed
            return False
        self.schedule.saving()
        pending, notes = self._pending, self._pending_notes
        self._pending, self._pending_notes = set(), {}
        failure: str | None = None
        # instances' answers first: saving a repeat_count's number may drop an instance it thinks empty
        for name in sorted(pending, key=lambda n: (repeats.split(n)[1] is None, n)):
            widget = self.widgets.get(name)
            if widget is None or widget.editor is None:
                continue
            problem = self._save(lambda n=name, e=widget.editor: self.session.type_value(n, e.value()))
            if problem is not None:
                self._pending.add(name)
                failure = problem
            else:
                widget.show_marker(self.session.marker(name))  # typing clears skipped / refused / don't know
                if name in self.session.rejected:
                    self.touched.add(name)  # "25:70" is refused inline at once, not when leaving
        for name, text in notes.items():
            problem = self._save(lambda n=name, t=text: self.session.set_note(n, t))
            if problem is not None:
                self._pending_notes.setdefault(name, text)
                failure = problem
        self._save_problem = failure
        if failure is not None and not force:
            self.schedule.retry_later()
        if failure is None and screen_clock() - self._screen_written >= 1:
            self._write_screen_time()  # time on screen survives a crash as well as the answers do
        self._show_save_state()
        self._after_change()
        return failure is None

    def _save(self, write) -> str | None:
        """Run one write; None when it worked, else what went wrong in words."""
        try:
            if write():
                self._saved_at = time.localtime()
                self.saved.emit(time.strftime("%H:%M:%S", self._saved_at))
        except YingzaoError as error:
            return error.message
        return None

    def _show_save_state(self) -> None:
        """The line under the questions: a failure, "未保存…" while anything waits, else the last save."""
        if self._save_problem is not None:
            text = self.tr("iv.save_failed", message=self._save_problem)
        elif self.unsaved:
            text = self.tr("iv.unsaved")
        elif any(self.session.is_relevant(name) for name in self.session.rejected):
            text = self.tr("iv.rejected")
        elif self._saved_at is not None:
            text = self.tr("iv.saved", time=time.strftime("%H:%M:%S", self._saved_at))
        else:
            text = self.tr("iv.not_saved")
        self.saved_label.setText(text)

    def save_before_leaving(self) -> bool:
        """Save everything before the screen closes. If something cannot be written, ask whether to
        try again, stay, or leave without it; True when the screen may close."""
        from PySide6.QtWidgets import QMessageBox

        while not self.flush(force=True):
            box = QMessageBox(
                QMessageBox.Icon.Warning, self.tr("iv.unsaved.title"), self.saved_label.text(), parent=self
            )
            retry = box.addButton(self.tr("iv.unsaved.retry"), QMessageBox.ButtonRole.AcceptRole)
            stay = box.addButton(self.tr("iv.unsaved.stay"), QMessageBox.ButtonRole.RejectRole)
            leave = box.addButton(self.tr("iv.unsaved.leave"), QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(retry)
            box.exec()
            if box.clickedButton() is leave:
                self._pending.clear()
                self._pending_notes.clear()
                self._save_problem = None
                return True
            if box.clickedButton() is stay or box.clickedButton() is None:
                return False
        return True

    def _after_change(self) -> None:
        for block in self.blocks.values():
            block.refresh()  # instances added, removed, moved, or following a repeat_count
        for index in self.pages:
            self._apply_relevance(index)
        for name in self.touched:
            if name in self.widgets:
                self.widgets[name].show_issue(self.session.issue(name, self.tr.lang))
        self._refresh_navigator()
        self._refresh_steps()
        self._refresh_status()
        self.case_bar.refresh()

    def _apply_relevance(self, index: int) -> None:
        for name in self.session.keys(self.sections[index].questions):
            widget = self.widgets.get(name) or self.blocks.get(name)
            if widget is not None:
                shown = self._shown(name)
                if widget.isVisibleTo(widget.parentWidget()) != shown:
                    widget.setVisible(shown)
                if (
                    shown
                    and isinstance(widget, QuestionWidget)
                    and widget.question.choice_filter
                    and isinstance(widget.editor, CHOICE_EDITORS)
                ):
                    widget.editor.offer({choice.name for choice in self.session.choices(name)})

    # -- focus and paradata ------------------------------------------------------------------

    def _question_of(self, widget: QWidget | None) -> str | None:
        while widget is not None:
            if isinstance(widget, QuestionWidget) and widget.key in self.widgets:
                return widget.key
            widget = widget.parentWidget()
        return None

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not self.isVisible():
            return
        entered = self._question_of(new)
        if entered == self._focus_question or (new is not None and entered is None and self.isAncestorOf(new)):
            return
        left = self._focus_question
        now = screen_clock()
        if left is not None:
            self.session.add_time(left, now - self._focus_since)
            if left in self._pending:
                self.flush()
            self.touched.add(left)
            if left in self.widgets:
                self.widgets[left].show_issue(self.session.issue(left, self.tr.lang))
            self._refresh_navigator()
        self._focus_question, self._focus_since = entered, now

    def _tick(self) -> None:
        if screen_clock() - self._screen_written >= SCREEN_TIME_EVERY_MS / 1000:
            self._write_screen_time()
        self._refresh_timer()

    def _write_screen_time(self) -> None:
        """Add the time on screen since the last write, so a killed session's time is not lost."""
        now = screen_clock()
        if not self.session.editable:
            return
        try:
            self.session.add_time(INTERVIEW_TIME, now - self._screen_written)
        except YingzaoError:
            return  # paradata only; tried again at the next tick
        self._base_seconds += now - self._screen_written
        self._screen_written = now

    def _comment_failed(self, message: str) -> None:
        self._save_problem = message
        self._show_save_state()

    def _refresh_timer(self) -> None:
        total = int(self._base_seconds + screen_clock() - self._screen_written)
        shown = f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
        minutes = self.protocol.minutes
        self.timer_label.setText(
            self.tr("iv.timer_budget", time=shown, minutes=minutes) if minutes else self.tr("iv.timer", time=shown)
        )

    # -- status ------------------------------------------------------------------------------

    def _refresh_navigator(self) -> None:
        for index, section in enumerate(self.sections):
            progress = self.session.section_progress(section, self.tr.lang)
            relevant = self.session.section_relevant(section)
            keys = self.session.keys(section.questions)
            flagged = progress.issues and (
                self.show_all_issues
                or (index in self.visited and index != self.stack.currentIndex())
                or any(n in self.touched for n in keys)
            )
            mark = "  ⚠" if flagged else ("  ✓" if progress.total and progress.answered == progress.total else "")
            if any(self.comments.threads.get(name) for name in keys):
                mark += "  · " + self.tr("iv.has_comments")  # a supervisor commented here
            item = self.navigator.item(index)
            budget = f" · {self.tr('iv.budget', minutes=section.minutes)}" if section.minutes else ""
            text = f"{index + 1}. {self._section_title(index)}\n    {progress.answered}/{progress.total}{budget}{mark}"
            item.setText(text)
            width = max(120, self.navigator.viewport().width() - 12)
            height = (
                self.navigator.fontMetrics()
                .boundingRect(0, 0, width, 10_000, int(Qt.TextFlag.TextWordWrap), text)
                .height()
            )
            item.setSizeHint(QSize(width, height + 10))
            item.setForeground(
                Qt.GlobalColor.gray if not relevant else (Qt.GlobalColor.darkRed if flagged else Qt.GlobalColor.black)
            )
            flags = item.flags()
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if relevant else flags & ~Qt.ItemFlag.ItemIsEnabled)
        self.navigator.doItemsLayout()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._refresh_navigator()  # section titles re-wrap to the navigator's width

    def _refresh_status(self) -> None:
        self.progress_label.setText(self.tr("iv.progress", percent=self.session.progress()))
        editable = self.session.editable
        self.finalise_button.setVisible(editable)
        if not editable:
            elsewhere = self.session.taken_elsewhere and self.session.interview.status in ("draft", "rejected")
            if self.session.store.read_only:
                text = self.tr("iv.database_read_only")
            elif elsewhere:
                text = self.tr("iv.elsewhere", who=self.session.interview.fieldworker)
            else:
                text = self.tr("iv.read_only")
            self.banner_text.setText(text)
            self.banner.setStyleSheet("QFrame { background: #eef2f7; } QLabel { color: #23364d; }")
            self.refusal_button.hide()
            self.banner.show()
        elif self.session.consent_refused:
            self.banner_text.setText(self.tr("iv.refused"))
            self.refusal_button.show()
            self.banner.show()
        else:
            self.banner.hide()

    def retranslate(self) -> None:
        tr = self.tr
        role = self.session.interview.respondent_role
        parts = [self.protocol.title(tr.lang)]
        if self.community_name:
            parts.append(self.community_name)
        self.title.setText(" · ".join(parts))
        self.back_button.setText("← " + tr("iv.back"))
        self.prev_button.setText("◀ " + tr("iv.prev"))
        self.next_button.setText(tr("iv.next") + " ▶")
        self.find_button.setText(tr("iv.find"))
        profile = self.session.interview.respondent_role == "profile"  # a form, not an interview
        self.finalise_button.setText(tr("iv.finalise_profile" if profile else "iv.finalise"))
        self.refusal_button.setText(tr("iv.refused.finish"))
        self.shortcuts_label.setText(tr("iv.shortcuts"))
        self.short_box.setText(tr("iv.short"))
        self.short_box.setToolTip(tr("iv.short.tip"))
        self.case_bar.refresh()
        self.comments.retranslate()
        self._show_save_state()  # "已保存 …" follows a language switch too
        self.setWindowTitle(tr(f"role.{role}") if role in ("official", "street_staff", "cadre", "profile") else role)
        for index, page in self.pages.items():
            heading = page.widget().findChild(QLabel, "sectionHeading")
            if heading is not None:
                heading.setText(self._section_heading(index))
        for widget in self.widgets.values():
            widget.retranslate()
        for block in self.blocks.values():
            block.retranslate()
        for name in self.touched:
            if name in self.widgets:
                self.widgets[name].show_issue(self.session.issue(name, tr.lang))
        self._refresh_navigator()
        self._refresh_status()
        self._refresh_timer()

    # -- ending ------------------------------------------------------------------------------

    def finalise(self) -> None:
        self.flush(force=True)
        self.show_all_issues = True
        self.touched.update(self.widgets)
        self._after_change()
        dialog = FinalizeDialog(self.session, keyed_numbers(self.session, self.numbers, self.tr), self.tr, self)
        if dialog.exec():
            self._finish()
        elif dialog.target:
            self.focus_question(dialog.target)

    def _finish_refused(self) -> None:
        self.flush(force=True)
        self._finish()

    def _finish(self) -> None:
        self._record_time()
        try:
            self.session.finalize()
        except YingzaoError as error:
            self._save_problem = error.message
            self._show_save_state()
            return
        for widget in self.widgets.values():
            widget.set_read_only(True)
        for block in self.blocks.values():
            block.refresh()  # no more adding, removing or moving entries
        self.comments.refresh()  # no more replies once finalised
        self._refresh_status()
        self.finalized.emit(self.session.id)

    def _record_time(self) -> None:
        now = screen_clock()
        if self._focus_question is not None:
            self.session.add_time(self._focus_question, now - self._focus_since)
            self._focus_since = now
        self._write_screen_time()

    def close_view(self) -> None:
        self.closed.emit()  # the main window saves (asking if it cannot) and closes the screen

    def shutdown(self) -> None:
        """Save everything; called when leaving the screen or closing the app."""
        self.flush(force=True)
        self._record_time()
        self._clock.stop()
        if self._listening:
            QApplication.instance().focusChanged.disconnect(self._focus_changed)
            self._listening = False
