"""Comment threads under a question or an interview: a supervisor's comments and the replies.

The widget only shows and collects text; whoever holds it calls `yingzao.core.review.decisions.add_comment` when it
emits `posted` and then gives it the new threads.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from yingzao.core.errors import YingzaoError
from yingzao.core.review import decisions as review
from yingzao.core.review.decisions import Thread
from yingzao.ui.i18n import Translator, add_strings, role_label
from yingzao.ui.interview_list_model import local_time

add_strings(
    {
        "cmt.post": ("发表批注", "Post comment"),
        "cmt.reply": ("回复", "Reply"),
        "cmt.add": ("＋ 批注", "+ Comment"),
        "cmt.placeholder": ("写批注，例如：请追问具体的时间和人数", "Write a comment, e.g. ask for dates and numbers"),
        "cmt.reply_placeholder": ("回复此批注……", "Reply to this comment…"),
        "cmt.header": ("{author}（{role}）· {at}", "{author} ({role}) · {at}"),
        "cmt.unknown_author": ("（未署名）", "(unnamed)"),
        "cmt.rejected": (
            "督导已退回此访谈：请根据批注修改，然后重新完成访谈。",
            "A supervisor sent this interview back: revise it as the comments ask, then finalise it again.",
        ),
        "cmt.comments": ("督导的批注", "Supervisor's comments"),
    }
)

_CARD = (
    "QFrame#commentCard { background: #fff8e1; border: 1px solid #f0dca0; border-radius: 4px; }"
    " QLabel#commentHead { color: #6d5200; font-size: 12px; }"
)
_REPLY = "QFrame#commentReply { border-left: 3px solid #e0c56e; margin-left: 14px; }"


class CommentThread(QWidget):
    posted = Signal(str, object)  # text, and the comment replied to (None: a new thread)

    def __init__(self, tr: Translator, parent: QWidget | None = None, *, collapsed: bool = False) -> None:
        super().__init__(parent)
        self.tr = tr
        self.threads: list[Thread] = []
        self.can_comment = self.can_reply = False
        self.collapsed = collapsed
        self.reply_boxes: dict[str, QLineEdit] = {}
        self.reply_buttons: dict[str, QPushButton] = {}
        self.setStyleSheet(_CARD + _REPLY)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(6)
        self.cards = QVBoxLayout()
        self.cards.setSpacing(6)
        layout.addLayout(self.cards)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.add_button = QPushButton(self)
        self.add_button.setFlat(True)
        self.add_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.add_button.setStyleSheet("QPushButton { color: #6d5200; text-align: left; padding: 2px 4px; }")
        self.add_button.clicked.connect(self.open_box)
        self.new_box = QLineEdit(self)
        self.new_box.returnPressed.connect(self._post_new)
        self.post_button = QPushButton(self)
        self.post_button.clicked.connect(self._post_new)
        row.addWidget(self.add_button)
        row.addWidget(self.new_box, 1)
        row.addWidget(self.post_button)
        layout.addLayout(row)
        self.retranslate()
        self._show_box()

    def set_threads(self, threads: list[Thread], *, can_comment: bool = False, can_reply: bool = False) -> None:
        self.threads, self.can_comment, self.can_reply = list(threads), can_comment, can_reply
        while self.cards.count():
            item = self.cards.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.reply_boxes.clear()
        self.reply_buttons.clear()
        for thread in self.threads:
            self.cards.addWidget(self._card(thread))
        self._show_box()
        self.setVisible(bool(self.threads) or can_comment)

    def open_box(self) -> None:
        self.collapsed = False
        self._show_box()
        self.new_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def texts(self) -> list[str]:
        """Every comment shown, in order (threads, each followed by its replies)."""
        return [c.text for t in self.threads for c in (t.comment, *t.replies)]

    def _show_box(self) -> None:
        open_ = self.can_comment and not self.collapsed
        self.add_button.setVisible(self.can_comment and self.collapsed)
        self.new_box.setVisible(open_)
        self.post_button.setVisible(open_)

    def _card(self, thread: Thread) -> QFrame:
        card = QFrame(self)
        card.setObjectName("commentCard")
        column = QVBoxLayout(card)
        column.setContentsMargins(10, 6, 10, 8)
        column.setSpacing(4)
        for n, comment in enumerate((thread.comment, *thread.replies)):
            holder = QFrame(card)
            if n:
                holder.setObjectName("commentReply")
            inner = QVBoxLayout(holder)
            inner.setContentsMargins(10 if n else 0, 0, 0, 0)
            inner.setSpacing(2)
            head = QLabel(
                self.tr(
                    "cmt.header",
                    author=comment.author or self.tr("cmt.unknown_author"),
                    role=role_label(self.tr, comment.author_role),
                    at=local_time(comment.at),
                ),
                holder,
            )
            head.setObjectName("commentHead")
            body = QLabel(comment.text, holder)
            body.setWordWrap(True)
            body.setTextFormat(Qt.TextFormat.PlainText)
            body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            inner.addWidget(head)
            inner.addWidget(body)
            column.addWidget(holder)
        if self.can_reply:
            row = QHBoxLayout()
            box = QLineEdit(card)
            box.setPlaceholderText(self.tr("cmt.reply_placeholder"))
            button = QPushButton(self.tr("cmt.reply"), card)
            parent_id = thread.comment.id
            box.returnPressed.connect(lambda p=parent_id: self._post_reply(p))
            button.clicked.connect(lambda _checked=False, p=parent_id: self._post_reply(p))
            row.addWidget(box, 1)
            row.addWidget(button)
            column.addLayout(row)
            self.reply_boxes[parent_id] = box
            self.reply_buttons[parent_id] = button
        return card

    def _post_new(self) -> None:
        text = self.new_box.text().strip()
        if text:
            self.posted.emit(text, None)

    def _post_reply(self, parent_id: str) -> None:
        box = self.reply_boxes.get(parent_id)
        if box is not None and box.text().strip():
            self.posted.emit(box.text().strip(), parent_id)

    def clear_input(self) -> None:
        self.new_box.clear()

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("cmt.add"))
        self.post_button.setText(self.tr("cmt.post"))
        self.new_box.setPlaceholderText(self.tr("cmt.placeholder"))
        if self.threads:
            self.set_threads(self.threads, can_comment=self.can_comment, can_reply=self.can_reply)


class InterviewComments(QObject):
    """A reviewed interview's comments on the fieldworker's interview screen: under each question it
    concerns, and the whole-interview ones (the reason it was sent back) in `box` above the questions.
    Replies are posted while the interview is editable; `failed` says why one was not saved."""

    failed = Signal(str)

    def __init__(self, session, tr: Translator, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.tr = session, tr
        self.threads = review.threads(review.comments(session.store, session.id))
        self.widgets: list = []  # the QuestionWidgets built so far
        self.box: QFrame | None = None
        self.thread: CommentThread | None = None
        if None in self.threads:
            self.box = QFrame(parent)
            self.box.setObjectName("reviewBox")
            self.box.setStyleSheet("QFrame#reviewBox { background: #fdf3d8; border-bottom: 1px solid #eadfb8; }")
            column = QVBoxLayout(self.box)
            column.setContentsMargins(12, 8, 12, 8)
            self.heading = QLabel(self.box)
            self.heading.setWordWrap(True)
            self.heading.setStyleSheet("font-weight: 600; color: #6d5200;")
            self.thread = CommentThread(tr, self.box)
            self.thread.posted.connect(lambda text, parent_id: self.post(None, text, parent_id))
            column.addWidget(self.heading)
            column.addWidget(self.thread)
        self.refresh()

    def attach(self, widget) -> None:
        """A question's widget was built: show its comments and take its replies."""
        self.widgets.append(widget)
        widget.comment_posted.connect(lambda name, text, parent_id: self.post(name, text, parent_id))
        if widget.key in self.threads:
            widget.show_comments(self.threads[widget.key], can_reply=self.session.editable)

    def detach(self, widget) -> None:
        """A question's widget is going away (its repeat instance was removed)."""
        if widget in self.widgets:
            self.widgets.remove(widget)

    def post(self, question: str | None, text: str, parent_id: str | None) -> bool:
        store = self.session.store
        try:
            review.add_comment(store, self.session.id, question, text, parent_id=parent_id)
        except YingzaoError as error:
            self.failed.emit(error.message)
            return False
        self.threads = review.threads(review.comments(store, self.session.id))
        self.refresh()
        return True

    def refresh(self) -> None:
        editable = self.session.editable
        for widget in self.widgets:
            if widget.key in self.threads or widget.comments is not None:
                widget.show_comments(self.threads.get(widget.key, []), can_reply=editable)
        if self.thread is not None:
            self.thread.set_threads(self.threads.get(None, []), can_reply=editable)
        self._heading()

    def retranslate(self) -> None:
        self._heading()
        if self.thread is not None:
            self.thread.retranslate()

    def _heading(self) -> None:
        if self.box is not None:
            rejected = self.session.interview.status == "rejected"
            self.heading.setText(self.tr("cmt.rejected" if rejected else "cmt.comments"))
