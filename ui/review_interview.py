"""One interview as a supervisor reviews it: read-only answers, markers, notes and time per question,
quality flags, comment threads per question and on the whole interview, and the decisions
Approve / Send back… / Reopen. A repeat shows its entries in order ("第 2 项"), each with its
questions' cards; a comment on an entry's answer is kept under that answer's key, so it stays with
the entry wherever it moves (an entry removed since is shown as removed, with its comments). Every action is a `yingzao.core.review.decisions` function (one audited transaction).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import YingzaoError
from yingzao.core.forms import answer_keys, repeats
from yingzao.core.forms.engine import INTERVIEW_TIME, InterviewSession, question_numbers
from yingzao.core.forms.expr import ExpressionError
from yingzao.core.forms.protocol import ROLES, Protocol, Question, pick
from yingzao.core.review import decisions as review
from yingzao.core.review.quality import flags_of
from yingzao.core.store.database import Store
from yingzao.core.store.records import Answer
from yingzao.ui import (
    error_dialog,
    question_widget,  # noqa: F401 - the marker words (q.marker.*)
)
from yingzao.ui.comment_thread import CommentThread
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.interview_list_model import local_time
from yingzao.ui.page_bar import page_layout
from yingzao.ui.review_model import duration_text, flag_word, status_word

add_strings(
    {
        "rv.expression_error": (
            "此访谈所用提纲中有无法读取的条件（{problems}）；相关问题全部显示。",
            "This interview's protocol has conditions that cannot be read ({problems}); "
            "the questions they govern are all shown.",
        ),
        "rv.back": ("返回审核队列", "Back to the queue"),
        "rv.approve": ("通过", "Approve"),
        "rv.reject": ("退回修改…", "Send back…"),
        "rv.reopen": ("重新打开", "Reopen"),
        "rv.reason.title": ("退回修改", "Send back for revision"),
        "rv.reason.label": (
            "请写明需要访员修改或补充什么（访员会在访谈中看到）：",
            "Say what the fieldworker should revise or add (they see it with the interview):",
        ),
        "rv.whole": ("对整份访谈的批注", "Comments on the whole interview"),
        "rv.meta": (
            "访员 {fieldworker} · 开始 {started} · 完成 {ended} · 用时 {duration}",
            "Fieldworker {fieldworker} · started {started} · finalised {ended} · duration {duration}",
        ),
        "rv.no_flags": ("没有质量提示。", "No data-quality flags."),
        "rv.flag_detail": ("{flag}：{detail}", "{flag}: {detail}"),
        "rv.short_interview": ("{seconds}，此提纲中位数 {median}", "{seconds}, the protocol's median is {median}"),
        "rv.join": ("、", ", "),
        "rv.separator": ("；", "; "),
        "rv.unanswered": ("（未回答）", "(no answer)"),
        "rv.note": ("备注：{note}", "Note: {note}"),
        "rv.time": ("用时 {time} · {visits} 次", "time {time} · {visits} visit(s)"),
        "rv.history.completed": ("{user} 完成 {at}", "{user} finalised {at}"),
        "rv.history.approved": ("{user} 通过 {at}", "{user} approved {at}"),
        "rv.history.rejected": ("{user} 退回 {at}", "{user} sent back {at}"),
        "rv.history.reopened": ("{user} 重新打开 {at}", "{user} reopened {at}"),
        "rv.sent": (
            "已退回，{at} 已发送给访员：等待修改后的访谈合并回来。",
            "Sent back, and sent to the fieldworker on {at}: waiting for the revised interview.",
        ),
        "rv.to_send": (
            "已退回：回到审核队列，点“把审核结果发给访员…”把它打包发给访员。",
            "Sent back: in the queue, use “Send to fieldworker…” to pack it for the fieldworker.",
        ),
        "rv.not_supervisor": (
            "只有持有项目督导密钥的人可以批注、通过或退回；这个数据库没有督导密钥（角色只是标签）。"
            "要成为督导：用“文件 → 项目 → 导出我的公钥…”把公钥卡片交给研究者；研究者把您加入督导名单后，"
            "用“文件 → 项目 → 打开新版项目文件…”打开他给的新项目文件。",
            "Only a holder of a supervisor key of the project can comment, approve or send back; this database "
            "holds none (a role is only a label). To become a supervisor: give the researcher your key card "
            "(File → Project → Export my public key…); once they list you, open the new project file they give "
            "you (File → Project → Open updated project file…).",
        ),
        "rv.general": ("一般问题", "General"),
        "rv.entries": ("{label}（{n} 项）", "{label} (entries: {n})"),
    }
)


_BADGES = {"completed": ("#fdf3d8", "#6d5200"), "approved": ("#e3f1e4", "#1f5f23"), "rejected": ("#fbe3e1", "#8c1d18")}


def answer_text(protocol: Protocol, question: Question, answer: Answer | None, tr: Translator) -> str:
    if answer is None:
        return ""
    if answer.marker:
        return tr(f"q.marker.{answer.marker}")
    if answer.value is None or answer.value == "":
        return ""
    if question.type == "select_one":
        return protocol.choice_label(question.list_name or "", str(answer.value), tr.lang)
    if question.type == "select_multiple":
        return tr("rv.join").join(
            protocol.choice_label(question.list_name or "", name, tr.lang) for name in str(answer.value).split()
        )
    return str(answer.value)


class ReviewSession(InterviewSession):
    """An interview to look at whatever its protocol's expressions: a condition that cannot be read
    (a damaged or hostile protocol merged from elsewhere) shows the question it governs and is named
    in a notice, instead of making the whole interview impossible to open."""

    def __init__(self, store: Store, interview_id: str) -> None:
        self.expression_errors: list[str] = []
        super().__init__(store, interview_id, read_only=True)

    def _conditions_hold(self, key: str) -> bool:
        try:
            return super()._conditions_hold(key)
        except (ExpressionError, RecursionError) as error:
            # named by its question: every entry of a repeat has the same condition
            problem = f"{repeats.split(key)[0]}: {getattr(error, 'message', None) or type(error).__name__}"
            if problem not in self.expression_errors:
                self.expression_errors.append(problem)
            return True


class ReviewInterviewView(QWidget):
    closed = Signal()
    changed = Signal(str)  # the interview id, after a decision or a comment

    def __init__(
        self,
        store: Store,
        interview_id: str,
        tr: Translator,
        *,
        community_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.interview_id, self.tr, self.community_name = store, interview_id, tr, community_name
        self.session = ReviewSession(store, interview_id)
        self.protocol = self.session.protocol
        self.numbers = question_numbers(self.protocol)
        self.cards: dict[str, QFrame] = {}  # by answer key
        self.threads: dict[str, CommentThread] = {}
        self.headings: list[QLabel] = []
        self.repeat_boxes: dict[str, QFrame] = {}  # a repeat's heading and its entries
        self.entries: dict[str, list[str]] = {}  # repeat -> the instances shown, in order
        self._entry_widgets: dict[str, list[QWidget]] = {}
        self._build()
        self.reload()
        tr.on_change(self.retranslate)

    # -- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        outer, page_bar = page_layout(self)
        top, bar, self.back_button, self.title = page_bar.frame, page_bar.layout, page_bar.back_button, page_bar.title
        self.back_button.clicked.connect(self.closed.emit)
        self.status_label = QLabel(top)
        self.approve_button = QPushButton(top)
        self.approve_button.setStyleSheet("font-weight: 600;")
        self.approve_button.clicked.connect(self.approve)
        self.reject_button = QPushButton(top)
        self.reject_button.clicked.connect(self._ask_and_send_back)
        self.reopen_button = QPushButton(top)
        self.reopen_button.clicked.connect(self.reopen)
        for widget in (self.status_label, self.approve_button, self.reject_button, self.reopen_button):
            bar.addWidget(widget)
        info = QFrame(self)
        info.setObjectName("info")
        info.setStyleSheet("QFrame#info { border-bottom: 1px solid #e5e0d5; }")
        column = QVBoxLayout(info)
        column.setContentsMargins(14, 8, 14, 8)
        column.setSpacing(4)
        self.meta_label = QLabel(info)
        self.flags_label = QLabel(info)
        self.flags_label.setWordWrap(True)
        self.history_label = QLabel(info)
        self.history_label.setWordWrap(True)
        self.history_label.setStyleSheet("color: #555;")
        self.notice = QLabel(info)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fdf3d8; color: #6d5200; padding: 6px; border-radius: 3px;")
        for widget in (self.meta_label, self.flags_label, self.history_label, self.notice):
            column.addWidget(widget)
        outer.addWidget(info)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.navigator = QListWidget(splitter)
        self.navigator.setMinimumWidth(180)
        self.navigator.setWordWrap(True)
        self.navigator.setSpacing(3)
        self.navigator.currentRowChanged.connect(self._go_to_section)
        self.scroll = QScrollArea(splitter)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget(self.scroll)
        content.setObjectName("page")
        content.setStyleSheet("QWidget#page { background: white; } QFrame#card { border-bottom: 1px solid #eee; }")
        self.column = QVBoxLayout(content)
        self.column.setContentsMargins(24, 12, 24, 24)
        self.column.setSpacing(6)
        self.whole_heading = QLabel(content)
        self.whole_heading.setStyleSheet("font-size: 15px; font-weight: 700;")
        self.whole = CommentThread(self.tr, content)
        self.whole.posted.connect(lambda text, parent: self.comment(None, text, parent))
        self.column.addWidget(self.whole_heading)
        self.column.addWidget(self.whole)
        for section in self.protocol.sections:
            heading = QLabel(content)
            heading.setStyleSheet("font-size: 17px; font-weight: 700; padding-top: 14px;")
            self.headings.append(heading)
            self.column.addWidget(heading)
            self.navigator.addItem("")
            for name in section.questions:
                question = self.protocol.question(name)
                if question.is_repeat:
                    self.column.addWidget(self._repeat_box(question, content))
                elif question.repeat is None and question.holds_value and question.type != "calculate":
                    self.column.addWidget(self._card(question, content))
        self.column.addStretch(1)
        self.scroll.setWidget(content)
        splitter.addWidget(self.navigator)
        splitter.addWidget(self.scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 980])
        outer.addWidget(splitter, 1)

    def _repeat_box(self, repeat: Question, parent: QWidget) -> QFrame:
        """A repeat's place in the page: its heading, then its entries (filled by `_show_entries`)."""
        box = QFrame(parent)
        box.setObjectName("repeat")
        box.setStyleSheet("QFrame#repeat { border-left: 3px solid #d9d2c3; }")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(10, 4, 0, 4)
        layout.setSpacing(4)
        heading = QLabel(box)
        heading.setObjectName("repeat_heading")
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setStyleSheet("font-size: 15px; font-weight: 700; padding-top: 6px;")
        layout.addWidget(heading)
        self.repeat_boxes[repeat.name] = box
        self.entries[repeat.name] = []
        self._entry_widgets[repeat.name] = []
        return box

    def _show_entries(self, repeat: str) -> None:
        """Lay out a repeat's entries again when they changed: those listed, in order, then any
        removed since that still carry comments (so no comment has nowhere to show)."""
        listed = self.session.instances(repeat)
        inner = [q for q in self.protocol.repeated(repeat) if q.holds_value and q.type != "calculate"]
        commented = [
            repeats.split(key)[1]
            for key in self.comment_threads
            if key is not None and answer_keys.repeat_of(self.protocol, key) == repeat
        ]
        wanted = listed + list(dict.fromkeys(i for i in commented if i and i not in listed))
        if wanted == self.entries[repeat]:
            return
        box = self.repeat_boxes[repeat]
        for widget in self._entry_widgets[repeat]:
            widget.setParent(None)
            widget.deleteLater()
        for instance in self.entries[repeat]:
            for question in inner:
                self.cards.pop(repeats.key(question.name, instance), None)
                self.threads.pop(repeats.key(question.name, instance), None)
        made: list[QWidget] = []
        for instance in wanted:
            heading = QLabel(box)
            heading.setObjectName("entry")
            heading.setProperty("instance", instance)
            heading.setTextFormat(Qt.TextFormat.PlainText)
            heading.setStyleSheet("font-weight: 700; color: #6d5200; padding-top: 8px;")
            box.layout().addWidget(heading)
            made.append(heading)
            for question in inner:
                card = self._card(question, box, repeats.key(question.name, instance))
                box.layout().addWidget(card)
                made.append(card)
        self.entries[repeat] = wanted
        self._entry_widgets[repeat] = made

    def _card(self, question: Question, parent: QWidget, key: str | None = None) -> QFrame:
        """The card of one answer: `key` is the answer's key (the question's name outside a repeat)."""
        key = key or question.name
        card = QFrame(parent)
        card.setObjectName("card")
        column = QVBoxLayout(card)
        column.setContentsMargins(4, 8, 4, 10)
        column.setSpacing(3)
        label = QLabel(card)
        label.setObjectName("label")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setStyleSheet("font-weight: 600;")
        answer = QLabel(card)
        answer.setObjectName("answer")
        answer.setWordWrap(True)
        answer.setTextFormat(Qt.TextFormat.PlainText)
        answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        meta = QLabel(card)
        meta.setObjectName("meta")
        meta.setWordWrap(True)
        meta.setStyleSheet("color: #666; font-size: 12px;")
        thread = CommentThread(self.tr, card, collapsed=True)
        thread.posted.connect(lambda text, parent_id, name=key: self.comment(name, text, parent_id))
        for widget in (label, answer, meta, thread):
            column.addWidget(widget)
        self.cards[key] = card
        self.threads[key] = thread
        return card

    # -- showing ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the interview, its comments, flags and times again and show them."""
        self.session = ReviewSession(self.store, self.interview_id)
        self.interview = self.session.interview
        self.flags = flags_of(self.store, self.interview_id)
        self.times = self.store.question_times(self.interview_id)
        self.comment_threads = review.threads(review.comments(self.store, self.interview_id))
        self.history = review.review_history(self.store, self.interview_id)
        self.sent_at = review.sent_back_at(self.store, self.interview_id)
        self.retranslate()

    @property
    def can_comment(self) -> bool:
        # a package sent after the last rejection closes comments only while the interview is
        # with the fieldworker; once the revision is back (completed) a new round of review begins
        sent = self.interview.status == "rejected" and self.sent_at
        return (
            review.is_supervisor(self.store)
            and self.interview.status in review.REVIEWABLE
            and not sent
            and not self.store.read_only
        )

    def retranslate(self) -> None:
        tr, interview = self.tr, self.interview
        self.back_button.setText("← " + tr("rv.back"))
        role = interview.respondent_role  # a form from ODK or Kobo names none of the study's roles
        parts = [self.protocol.title(tr.lang), self.community_name, tr(f"role.{role}") if role in ROLES else role]
        self.title.setText(" · ".join(p for p in parts if p))
        self.status_label.setText(status_word(tr, interview.status))
        colours = _BADGES.get(interview.status, ("#eee", "#333"))
        self.status_label.setStyleSheet(
            f"background: {colours[0]}; color: {colours[1]}; padding: 3px 10px; border-radius: 9px; font-weight: 600;"
        )
        self.approve_button.setText(tr("rv.approve"))
        self.reject_button.setText(tr("rv.reject"))
        self.reopen_button.setText(tr("rv.reopen"))
        supervisor = review.is_supervisor(self.store) and not self.store.read_only
        self.approve_button.setVisible(supervisor and interview.status == "completed")
        self.reject_button.setVisible(supervisor and interview.status == "completed")
        self.reopen_button.setVisible(supervisor and interview.status == "approved")
        seconds = self.times[INTERVIEW_TIME].seconds if INTERVIEW_TIME in self.times else None
        if seconds is None and interview.ended_at:
            seconds = (
                dt.datetime.fromisoformat(interview.ended_at) - dt.datetime.fromisoformat(interview.started_at)
            ).total_seconds()
        self.meta_label.setText(
            tr(
                "rv.meta",
                fieldworker=interview.fieldworker,
                started=local_time(interview.started_at),
                ended=local_time(interview.ended_at),
                duration=duration_text(seconds) or "—",
            )
        )
        self.flags_label.setText(self._flags_text())
        self.flags_label.setStyleSheet("color: #b3261e;" if self.flags else "color: #2e7d32;")
        words = {
            ("status", "completed"): "completed",
            ("review", "approved"): "approved",
            ("review", "rejected"): "rejected",
            ("review", "completed"): "reopened",
        }
        self.history_label.setText(
            "  →  ".join(
                tr(f"rv.history.{words[(e.field, e.new)]}", user=e.user, at=local_time(e.at))
                for e in self.history
                if (e.field, e.new) in words
            )
        )
        notice = ""
        if self.store.read_only:
            notice = ""  # the main window's banner says the database is read-only
        elif not supervisor:
            notice = tr("rv.not_supervisor")
        elif interview.status == "rejected":
            notice = tr("rv.sent", at=local_time(self.sent_at)) if self.sent_at else tr("rv.to_send")
        if self.session.expression_errors:
            problems = "; ".join(self.session.expression_errors[:3])
            notice = "\n".join(filter(None, [notice, tr("rv.expression_error", problems=problems)]))
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.whole_heading.setText(tr("rv.whole"))
        self.whole.retranslate()
        can_comment = self.can_comment
        self.whole.set_threads(self.comment_threads.get(None, []), can_comment=can_comment, can_reply=can_comment)
        self.whole_heading.setVisible(self.whole.isVisibleTo(self))
        self._show_questions()

    def _show_questions(self) -> None:
        tr, lang = self.tr, self.tr.lang
        flagged = {
            key: flag
            for flag in ("missing_required", "short_answers")
            for key in self.flags.get(flag, {}).get("questions", [])
        }
        empty_sections = set(self.flags.get("empty_section", {}).get("sections", []))
        can_comment = self.can_comment  # once for the page: it reads the project file and this database's keys
        for index, section in enumerate(self.protocol.sections):
            title = pick(section.labels, lang, self.protocol.default_language) or tr("rv.general")
            relevant = self.session.section_relevant(section)
            for name in section.questions:
                if name in self.repeat_boxes:
                    self._show_entries(name)
            keys = self._section_keys(section)
            mark = "  ⚠" if section.name in empty_sections or any(k in flagged for k in keys) else ""
            self.headings[index].setText(f"{index + 1}. {title}{mark}")
            self.headings[index].setVisible(relevant)
            item = self.navigator.item(index)
            item.setText(f"{index + 1}. {title}{mark}")
            item.setHidden(not relevant)
            for name in section.questions:
                if name in self.repeat_boxes:
                    self._show_repeat(name)
            for key in keys:
                self._show_card(key, flagged, can_comment)

    def _section_keys(self, section) -> list[str]:
        """The keys of the cards a section shows, in order (each entry's after its repeat)."""
        keys: list[str] = []
        for name in section.questions:
            if name in self.repeat_boxes:
                inner = [q.name for q in self.protocol.repeated(name) if q.holds_value and q.type != "calculate"]
                keys += [repeats.key(q, i) for i in self.entries[name] for q in inner]
            elif name in self.cards:
                keys.append(name)
        return keys

    def _show_repeat(self, repeat: str) -> None:
        lang, box = self.tr.lang, self.repeat_boxes[repeat]
        listed = self.session.instances(repeat)
        label = answer_keys.question_label(self.protocol, repeat, (), lang, numbers=self.numbers)
        box.findChild(QLabel, "repeat_heading").setText(self.tr("rv.entries", label=label, n=len(listed)))
        box.setVisible(self.session.is_relevant(repeat) or len(self.entries[repeat]) > len(listed))
        for widget in self._entry_widgets[repeat]:
            if widget.objectName() == "entry":
                instance = widget.property("instance")
                position = listed.index(instance) + 1 if instance in listed else None
                widget.setText(
                    answer_keys.instance_heading(self.protocol, repeat, position, lang, numbers=self.numbers)
                )

    def _show_card(self, key: str, flagged: dict[str, str], can_comment: bool) -> None:
        tr, lang = self.tr, self.tr.lang
        question = self.protocol.question(key)
        card = self.cards[key]
        card.setVisible(self.session.is_relevant(key))
        repeat = question.repeat
        instances = self.session.instances(repeat) if repeat else []
        if repeat is None:
            label = f"{self.numbers.get(key, '')}  {pick(question.labels, lang, self.protocol.default_language)}"
        else:
            label = answer_keys.question_label(self.protocol, key, instances, lang, numbers=self.numbers)
        card.findChild(QLabel, "label").setText(label)
        answer = self.session.answers.get(key)
        text = answer_text(self.protocol, question, answer, tr)
        answer_label = card.findChild(QLabel, "answer")
        answer_label.setText(text or tr("rv.unanswered"))
        answer_label.setStyleSheet("color: #999; font-style: italic;" if not text or (answer and answer.marker) else "")
        meta = []
        if key in flagged:
            meta.append("⚠ " + flag_word(tr, flagged[key]))
        if answer is not None and answer.note:
            meta.append(tr("rv.note", note=answer.note))
        if key in self.times:
            meta.append(tr("rv.time", time=duration_text(self.times[key].seconds), visits=self.times[key].visits))
        meta_label = card.findChild(QLabel, "meta")
        meta_label.setText("   ".join(meta))
        meta_label.setVisible(bool(meta))
        thread = self.threads[key]
        thread.retranslate()
        thread.set_threads(self.comment_threads.get(key, []), can_comment=can_comment, can_reply=can_comment)

    def _flags_text(self) -> str:
        tr = self.tr
        if not self.flags:
            return tr("rv.no_flags")
        sections = {s.name: pick(s.labels, tr.lang, self.protocol.default_language) for s in self.protocol.sections}
        lines = []
        for flag, detail in self.flags.items():
            if "questions" in detail:
                text = tr("rv.join").join(self._place(q) for q in detail["questions"])
            elif "sections" in detail:
                text = tr("rv.join").join(sections.get(s, s) for s in detail["sections"])
            elif "median" in detail:
                text = tr(
                    "rv.short_interview",
                    seconds=duration_text(detail["seconds"]),
                    median=duration_text(detail["median"]),
                )
            else:
                text = ""
            lines.append(tr("rv.flag_detail", flag=flag_word(tr, flag), detail=text) if text else flag_word(tr, flag))
        return "⚠ " + tr("rv.separator").join(lines)

    def _place(self, key: str) -> str:
        """A flagged answer's number, and its entry for an answer in a repeat ('2.1.1 · 第 2 项')."""
        if answer_keys.repeat_of(self.protocol, key) is None:
            return self.numbers.get(key, key)
        instances = self.session.instances(answer_keys.repeat_of(self.protocol, key) or "")
        return answer_keys.question_label(self.protocol, key, instances, self.tr.lang, numbers=self.numbers, text=False)

    def _go_to_section(self, index: int) -> None:
        if 0 <= index < len(self.headings):
            self.scroll.ensureWidgetVisible(self.headings[index], 0, 0)
            bar = self.scroll.verticalScrollBar()
            bar.setValue(self.headings[index].y())

    # -- actions ---------------------------------------------------------------------------------

    def approve(self) -> bool:
        return self._act(lambda: review.approve(self.store, self.interview_id))

    def send_back(self, reason: str) -> bool:
        return self._act(lambda: review.send_back(self.store, self.interview_id, reason))

    def reopen(self) -> bool:
        return self._act(lambda: review.reopen(self.store, self.interview_id))

    def comment(self, question: str | None, text: str, parent_id: str | None = None) -> bool:
        done = self._act(lambda: review.add_comment(self.store, self.interview_id, question, text, parent_id=parent_id))
        if done:
            thread = self.whole if question is None else self.threads.get(question)
            if thread is not None:
                thread.clear_input()
        return done

    def ask_reason(self) -> str | None:
        text, ok = QInputDialog.getMultiLineText(self, self.tr("rv.reason.title"), self.tr("rv.reason.label"))
        return text if ok else None

    def _ask_and_send_back(self) -> None:
        reason = self.ask_reason()
        if reason is not None:
            self.send_back(reason)

    def _act(self, action) -> bool:
        try:
            action()
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return False
        self.reload()
        self.changed.emit(self.interview_id)
        return True
