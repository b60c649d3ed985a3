"""The bar that asks which is right when the respondent's stated case is not the interview's community.

Answering fixes the wrong one at once: either the interview moves to the community the respondent
named (audited), or the answer is changed to the interview's community. Until then the bar stays,
so the question cannot be overlooked.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from yingzao.core.errors import YingzaoError
from yingzao.core.forms.case_check import CASE_QUESTION, CaseMismatch
from yingzao.core.forms.engine import InterviewSession
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "case.ask": (
            "受访者说本次访谈涉及“{stated}”，但这份访谈登记在“{filed}”。哪个是对的？",
            "The respondent says this interview concerns “{stated}”, but it is filed under “{filed}”. Which is right?",
        ),
        "case.no_community": ("（未指定社区）", "(no community)"),
        "case.stated_right": (
            "{stated}是对的：把访谈改登记到{stated}",
            "{stated} is right: file the interview under it",
        ),
        "case.filed_right": ("{filed}是对的：改正这一题的回答", "{filed} is right: correct the answer"),
        "case.keep": ("保持不变（访谈不归属某个社区）", "Keep as is (the interview belongs to no community)"),
    }
)


class CaseCheckBar(QFrame):
    changed = Signal()  # the interview's community or the answer was changed

    def __init__(self, session: InterviewSession, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.tr = session, tr
        self.mismatch: CaseMismatch | None = None
        self._kept: object = None  # the answer the fieldworker said to keep as it is (no community)
        self.setStyleSheet("QFrame { background: #fff4d6; } QLabel { color: #5a4300; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.stated_button = QPushButton(self)
        self.stated_button.clicked.connect(self._stated_right)
        self.filed_button = QPushButton(self)
        self.filed_button.clicked.connect(self._filed_right)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.stated_button)
        layout.addWidget(self.filed_button)
        self.hide()

    def _name(self, community_id: str | None) -> str:
        if community_id is None:
            return self.tr("case.no_community")
        return next((c.name for c in self.session.store.communities() if c.id == community_id), community_id)

    def refresh(self) -> None:
        mismatch = self.session.case_mismatch() if self.session.editable else None
        if mismatch is not None and mismatch.filed is None and self._kept == mismatch.answer:
            mismatch = None
        self.mismatch = mismatch
        if mismatch is None:
            self.hide()
            return
        stated, filed = self._name(mismatch.stated), self._name(mismatch.filed)
        self.text.setText(self.tr("case.ask", stated=stated, filed=filed))
        self.stated_button.setText(self.tr("case.stated_right", stated=stated))
        if mismatch.filed is None:
            self.filed_button.setText(self.tr("case.keep"))
        else:
            self.filed_button.setText(self.tr("case.filed_right", filed=filed))
        self.filed_button.setVisible(mismatch.filed is None or mismatch.matching_choice is not None)
        self.show()

    def _stated_right(self) -> None:
        if self.mismatch is None:
            return
        try:
            self.session.move_to_community(self.mismatch.stated)
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return
        self.changed.emit()
        self.refresh()

    def _filed_right(self) -> None:
        if self.mismatch is None:
            return
        if self.mismatch.filed is None:
            self._kept = self.mismatch.answer
        else:
            try:
                self.session.set_value(CASE_QUESTION, self.mismatch.matching_choice)
            except YingzaoError as error:
                error_dialog.show_error(self, self.tr, error)
                return
        self.changed.emit()
        self.refresh()
