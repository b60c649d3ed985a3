"""After a crash the interview that was on screen is still marked open: offer to go back to it."""

from __future__ import annotations

from yingzao.core.errors import YingzaoError
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "resume.title": ("继续上次的访谈？", "Resume the last interview?"),
        "resume.text": (
            "上次关闭前，一份访谈没有正常结束（{title}，{community}）。\n"
            "已保存的回答都在；但程序中断前最后一两秒输入的文字可能没有保存，请核对最后一题“{question}”。\n"
            "要从这一题继续吗？",
            "An interview was not closed normally last time ({title}, {community}).\n"
            "The saved answers are there, but the last second or two of typing before the app stopped may be "
            "missing: check the last question, “{question}”.\nContinue at that question?",
        ),
        "resume.none": ("—", "—"),
        "resume.yes": ("继续访谈", "Resume"),
        "resume.no": ("稍后再说", "Not now"),
    }
)


def offer_resume(window, store: Store, tr: Translator, interview_id: str) -> bool:
    if not interview_id:
        return False
    try:
        interview = store.interview(interview_id)
    except YingzaoError:
        return False
    if interview.status not in ("draft", "rejected"):
        return False
    from PySide6.QtWidgets import QMessageBox  # dialogs are imported when shown: start-up is shorter

    protocol = store.protocol(interview.protocol_sha256)
    question = interview.last_question
    label = protocol.question(question).labels if question and protocol.has_question(question) else {}
    from yingzao.core.forms.protocol import pick

    community = tr("resume.none")
    if interview.community_id:
        try:
            community = store.community(interview.community_id).name
        except YingzaoError:
            community = interview.community_id
    box = QMessageBox(
        QMessageBox.Icon.Question,
        tr("resume.title"),
        tr(
            "resume.text",
            title=protocol.title(tr.lang),
            community=community,
            question=pick(label, tr.lang, protocol.default_language) or tr("resume.none"),
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        window,
    )
    box.button(QMessageBox.StandardButton.Yes).setText(tr("resume.yes"))
    box.button(QMessageBox.StandardButton.No).setText(tr("resume.no"))
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    if box.exec() == QMessageBox.StandardButton.Yes:
        window.open_interview(interview_id, question)
        return True
    store.set_setting("open_interview", "")
    return False
