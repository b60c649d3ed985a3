"""Finalise: what is still missing or invalid, each a link to its question, before the interview is closed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.forms.engine import InterviewSession, Issue
from yingzao.core.forms.protocol import pick
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "fin.title": ("完成访谈", "Finalise interview"),
        "fin.none": (
            "所有必答题都已回答，没有无效答案。完成后本访谈对访员只读。",
            "Every required question is answered and no answer is invalid. Once finalised, the interview is "
            "read-only for the fieldworker.",
        ),
        "fin.some": (
            "还有 {count} 处需要注意（点击可跳转）。仍可完成，督导会看到这些缺失。",
            "{count} item(s) need attention (click one to go there). You can still finalise; the supervisor will "
            "see what is missing.",
        ),
        "fin.finalise": ("完成访谈", "Finalise"),
        "fin.anyway": ("仍然完成", "Finalise anyway"),
        "fin.back": ("返回修改", "Go back"),
        "fin.kind.required": ("未回答", "missing"),
        "fin.kind.constraint": ("无效", "invalid"),
        "fin.kind.type": ("无效", "invalid"),
    }
)


class FinalizeDialog(QDialog):
    """Accepted = finalise; `target` holds the question to jump to when the user clicked one."""

    def __init__(
        self, session: InterviewSession, numbers: dict[str, str], tr: Translator, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.target: str | None = None
        self.setWindowTitle(tr("fin.title"))
        self.resize(640, 420)
        issues: list[Issue] = session.issues(tr.lang)
        layout = QVBoxLayout(self)
        summary = QLabel(tr("fin.some", count=len(issues)) if issues else tr("fin.none"), self)
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.issue_list = QListWidget(self)
        protocol = session.protocol
        for issue in issues:
            question = protocol.question(issue.question)
            label = pick(question.labels, tr.lang, protocol.default_language)
            item = QListWidgetItem(
                f"{numbers.get(issue.question, '')}  {label}\n    {tr('fin.kind.' + issue.kind)}: {issue.message}"
            )
            item.setData(Qt.ItemDataRole.UserRole, issue.question)
            self.issue_list.addItem(item)
        self.issue_list.itemActivated.connect(self._jump)
        self.issue_list.itemClicked.connect(self._jump)
        self.issue_list.setVisible(bool(issues))
        layout.addWidget(self.issue_list, 1)
        buttons = QDialogButtonBox(self)
        self.finalise_button = QPushButton(tr("fin.anyway") if issues else tr("fin.finalise"), self)
        self.back_button = QPushButton(tr("fin.back"), self)
        buttons.addButton(self.finalise_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.back_button if issues else self.finalise_button).setDefault(True)

    def _jump(self, item: QListWidgetItem) -> None:
        self.target = item.data(Qt.ItemDataRole.UserRole)
        self.reject()
