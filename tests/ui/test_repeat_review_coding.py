"""Review and coding of an interview with a repeat group, clicked through: the supervisor sees each
entry in order with its answers, notes and flags and comments on one entry's answer (kept under the
answer's key); the researcher sees every entry's answers and notes in the coding document and codes
a selection in one (the coding's question is the answer's key), and search hits read as the
question with its entry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel

from yingzao.core.coding import search as core_search
from yingzao.core.forms import repeats
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.library import load_library
from yingzao.core.review import decisions as review
from yingzao.core.review import quality
from yingzao.core.store.database import Store
from yingzao.ui.coding_page import CodingPage
from yingzao.ui.i18n import Translator
from yingzao.ui.review_interview import ReviewInterviewView

from tests.laptops import make_project
from tests.repeat_study import add_orgs_protocol, orgs_interview
from tests.ui.typing import type_text

STORY = "居委会每月组织一次居民议事会，讨论停车和绿化的问题。"
FIRM = "科技公司出钱修了篮球场，还请员工做志愿者。"


@pytest.fixture
def orgs(tmp_path):
    store = Store(tmp_path / "master.db", user="李督导")
    store.set_setting("user_name", "李督导")
    store.set_setting("user_role", "supervisor")
    make_project(store)  # this database's key is the project's supervisor's
    store.add_community("A", "A社区")
    protocol = add_orgs_protocol(store, tmp_path)
    interview, instances = orgs_interview(
        store,
        protocol,
        [
            {"org_name": "居委会", "org_kind": "gov", "org_story": STORY, "org_story:note": "受访者提到议事会章程"},
            {"org_kind": "firm", "org_story": FIRM},  # its required name left out: a flag
        ],
        community_id="A",
    )
    store.save_answer(interview, "intro", "社区在开发区里，有三个园区。")
    store.finalize(interview)
    quality.refresh_flags(store, force=True)
    yield store, protocol, interview, instances
    store.close()


@pytest.fixture(autouse=True)
def _no_error_dialogs(monkeypatch):
    shown = []
    monkeypatch.setattr("yingzao.ui.error_dialog.show_error", lambda parent, tr, error: shown.append(str(error)))
    return shown


def test_the_review_page_shows_each_entry_and_a_comment_on_an_entry_keeps_its_key(qtbot, orgs, _no_error_dialogs):
    store, _protocol, interview, (first, second) = orgs
    page = ReviewInterviewView(store, interview, Translator("zh"), community_name="A社区")
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    box = page.repeat_boxes["orgs"]
    assert box.findChild(QLabel, "repeat_heading").text() == "2.1 各个组织（2 项）"
    entries = [w.text() for w in box.findChildren(QLabel, "entry")]
    assert entries == ["2.1 各个组织 · 第 1 项", "2.1 各个组织 · 第 2 项"]
    story = repeats.key("org_story", first)
    card = page.cards[story]
    assert card.isVisibleTo(page)
    assert card.findChild(QLabel, "label").text() == "2.1.3 这个组织做了什么？ · 第 1 项"
    assert card.findChild(QLabel, "answer").text() == STORY
    assert "备注：受访者提到议事会章程" in card.findChild(QLabel, "meta").text()
    assert page.cards[repeats.key("org_kind", second)].findChild(QLabel, "answer").text() == "企业"
    # the required name left out in the second entry is flagged there, and named with its entry
    unnamed = page.cards[repeats.key("org_name", second)]
    assert unnamed.findChild(QLabel, "answer").text() == "（未回答）"
    assert "⚠" in unnamed.findChild(QLabel, "meta").text()
    assert "2.1.1 · 第 2 项" in page.flags_label.text()

    thread = page.threads[story]
    thread.add_button.click()
    type_text(qtbot, thread.new_box, "请追问：议事会谁来召集？")
    thread.post_button.click()
    assert _no_error_dialogs == []
    [comment] = review.comments(store, interview)
    assert (comment.question, comment.text) == (story, "请追问：议事会谁来召集？")
    assert page.threads[story].texts() == ["请追问：议事会谁来召集？"]
    assert page.threads[repeats.key("org_story", second)].texts() == []
    # its audit row carries the key: it travels with the entry in packages
    assert [e.question for e in store.audit_log(interview) if e.field == "comment"] == [story]

    # the entries reordered in a revision (the interview back with its fieldworker, as after a
    # merge of it): the comment follows its entry
    with store.transaction():
        store.writes.change_status(interview, "completed", "rejected", "review", store.now())
    InterviewSession(store, interview).move_instance("orgs", first, 1)
    page.reload()
    assert [w.text() for w in box.findChildren(QLabel, "entry")][1] == "2.1 各个组织 · 第 2 项"
    assert page.cards[story].findChild(QLabel, "label").text().endswith("第 2 项")
    assert page.threads[story].texts() == ["请追问：议事会谁来召集？"]
    # and an entry removed still shows its comment, as removed
    store.save_answer(interview, "orgs", [second])
    page.reload()
    assert [w.text() for w in box.findChildren(QLabel, "entry")] == [
        "2.1 各个组织 · 第 1 项",
        "2.1 各个组织 · 已删除的项",
    ]
    assert page.threads[story].texts() == ["请追问：议事会谁来召集？"]


def select_in(qtbot, document, key: str, target: str, start: int, length: int) -> None:
    """Put the cursor at a code-point offset of a segment, then Shift+Right per character."""
    segment = document.segment(key, target)
    cursor = QTextCursor(document.document())
    cursor.setPosition(segment.doc_pos(start))
    document.setTextCursor(cursor)
    document.setFocus()
    for _ in range(length):
        qtbot.keyClick(document, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)


def test_the_coding_page_shows_every_entry_and_codes_a_selection_in_one(qtbot, orgs, _no_error_dialogs):
    store, _protocol, interview, (first, second) = orgs
    store.set_setting("user_role", "researcher")
    page = CodingPage(store, load_library(store), Translator("zh"))
    qtbot.addWidget(page)
    page.resize(1300, 820)
    page.show()
    qtbot.waitExposed(page)
    assert page.show_interview(interview)
    text = page.document.toPlainText()
    assert (
        text.index("2.1 各个组织 · 第 1 项")
        < text.index(STORY)
        < text.index("2.1 各个组织 · 第 2 项")
        < text.index(FIRM)
    )
    assert "2.1.3 这个组织做了什么？" in text and "受访者提到议事会章程" in text
    story = repeats.key("org_story", first)
    assert page.document.segment(story, "answer").text == STORY
    assert page.document.segment(story, "note").text == "受访者提到议事会章程"
    assert page.document.segment(repeats.key("org_story", second), "answer").text == FIRM
    # the protocol's suggestions are offered per entry
    assert {s.question for s in page.suggestions if s.code == "DIM.SUBJECT"} == {
        story,
        repeats.key("org_story", second),
    }

    start = STORY.index("居民议事会")
    select_in(qtbot, page.document, story, "answer", start, 5)
    assert page.document.textCursor().selectedText() == "居民议事会"
    qtbot.keyClicks(page.codebook.filter, "FAC.AUTONOMY")
    qtbot.keyClick(page.codebook.filter, Qt.Key.Key_Return)
    assert _no_error_dialogs == []
    [coding] = store.coding.codings(interview)
    assert (coding.question, coding.target, coding.start, coding.quote, coding.code) == (
        story,
        "answer",
        start,
        "居民议事会",
        "FAC.AUTONOMY",
    )
    [highlight] = [s for s in page.document.extraSelections() if s.format.background().style() != Qt.BrushStyle.NoBrush]
    assert highlight.cursor.selectedText() == "居民议事会"

    # a search hit in an entry reads as its question and entry, and opens there
    dialog = page.open_search()
    type_text(qtbot, dialog.term, "篮球场")
    qtbot.keyClick(dialog.term, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    [hit] = core_search.search(store, "篮球场")
    assert page.hit_label(hit)[1] == "2.1.3 这个组织做了什么？ · 第 2 项"
    assert page.open_hit(hit) and page.document.textCursor().selectedText() == "篮球场"
