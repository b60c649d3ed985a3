"""A repeat group on the interview screen, driven as a fieldworker drives it: entries added, typed in,
removed (after a confirmation), moved; relevance inside one entry; a repeat_count repeat following its
number; what was typed is saved before an entry is removed; read-only; resuming at an entry's question."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from yingzao.core.forms import repeats
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.loader import load_protocol
from yingzao.core.store.database import Store
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView
from yingzao.ui.repeat_widget import keyed_numbers

from tests.forms import write_xlsform
from tests.ui.modal import answer_next, button, click_message_button
from tests.ui.typing import type_text

FORM = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | hint::中文 (zh) | relevant | repeat_count |
| | integer | n_leaders | 社区有几位负责人？ | How many leaders? | | | |
| | begin_repeat | orgs | 社区里的每个组织 | Each organisation in the community | 每个组织一项 | | |
| | text | org_name | 组织名称 | Name of the organisation | | | |
| | integer | members | 成员人数 | Members | | | |
| | text | why_many | 为什么有这么多成员？ | Why so many members? | | ${members} > 10 | |
| | end_repeat | | | | | | |
| | begin_repeat | leaders | 每位负责人 | Each leader | | | ${n_leaders} |
| | text | leader_name | 负责人姓名 | Leader's name | | | |
| | end_repeat | | | | | | |
| | text | story | 还有什么要补充？ | Anything else? | | | |
| settings |
| | default_language |
| | 中文 (zh) |
"""


@pytest.fixture
def study(tmp_path):
    store = Store(tmp_path / "repeat.db", user="李娜")
    protocol = load_protocol(write_xlsform(tmp_path / "repeat.xlsx", FORM))
    store.add_protocol(protocol)
    interview = store.start_interview(protocol.sha256)
    yield store, interview
    store.close()


@pytest.fixture
def open_view(qtbot, study):
    store, _ = study
    views = []

    def open_(interview: str, *, read_only: bool = False, lang: str = "zh") -> InterviewView:
        view = InterviewView(InterviewSession(store, interview, read_only=read_only), Translator(lang))
        qtbot.addWidget(view)
        view.resize(1280, 800)
        with qtbot.waitExposed(view):
            view.show()
        views.append(view)
        return view

    yield open_
    for view in views:
        view.shutdown()


def stored(store, interview, key):
    answer = store.answers(interview).get(key)  # read from the database, not the session's memory
    return None if answer is None else answer.value


def listed(store, interview, repeat):
    return repeats.instances(stored(store, interview, repeat))


def add_entry(qtbot, view, repeat="orgs"):
    qtbot.mouseClick(view.blocks[repeat].add_button, Qt.MouseButton.LeftButton)
    return view.blocks[repeat].order[-1]


def editor_of(view, key):
    return view.widgets[key].editor.focus_target()


def test_entries_are_added_and_each_is_saved_under_its_own_key(qtbot, study, open_view):
    store, interview = study
    view = open_view(interview)
    block = view.blocks["orgs"]
    assert block.isVisible() and block.add_button.text() == "＋ 添加一项"
    assert "org_name" not in view.widgets and "members" not in view.widgets  # bare names hold no answer
    assert block.empty_label.isVisible()
    first = add_entry(qtbot, view)
    assert QApplication.focusWidget() is editor_of(view, repeats.key("org_name", first))  # typing can start
    type_text(qtbot, QApplication.focusWidget(), "业主委员会")
    second = add_entry(qtbot, view)  # what was typed in the first is saved before the second is added
    type_text(qtbot, editor_of(view, repeats.key("org_name", second)), "老年协会")
    view.flush()
    assert listed(store, interview, "orgs") == [first, second]
    assert stored(store, interview, repeats.key("org_name", first)) == "业主委员会"
    assert stored(store, interview, repeats.key("org_name", second)) == "老年协会"
    assert stored(store, interview, "org_name") is None
    panels = [block.panels[i] for i in block.order]
    assert [p.title.text() for p in panels] == ["第 1 项 · 题 1.2.1–1.2.3", "第 2 项 · 题 1.2.1–1.2.3"]
    assert view.widgets[repeats.key("org_name", second)].label.text().startswith("1.2.1  组织名称")
    assert block.count_label.text() == "共 2 项" and not block.empty_label.isVisible()


def test_relevance_applies_inside_each_entry(qtbot, study, open_view):
    store, interview = study
    view = open_view(interview)
    first, second = add_entry(qtbot, view), add_entry(qtbot, view)
    type_text(qtbot, editor_of(view, repeats.key("members", first)), "25")
    type_text(qtbot, editor_of(view, repeats.key("members", second)), "8")
    view.flush()
    qtbot.waitUntil(view.widgets[repeats.key("why_many", first)].isVisible)
    assert not view.widgets[repeats.key("why_many", second)].isVisible()
    editor = editor_of(view, repeats.key("why_many", first))
    type_text(qtbot, editor, "包括了所有楼长")
    view.flush()
    assert stored(store, interview, repeats.key("why_many", first)) == "包括了所有楼长"


def test_removing_an_entry_asks_first_then_clears_its_answers(qtbot, study, open_view):
    store, interview = study
    view = open_view(interview)
    block = view.blocks["orgs"]
    first, second = add_entry(qtbot, view), add_entry(qtbot, view)
    type_text(qtbot, editor_of(view, repeats.key("org_name", second)), "老年协会")
    view.flush()

    texts = []
    answer_next(lambda box: (texts.append(box.text()), button(box, "取消").click()), kind=QMessageBox)
    block.panels[second].remove_button.click()
    assert "第 2 项（老年协会）" in texts[0] and "清除" in texts[0]  # names the entry, says what is lost
    assert listed(store, interview, "orgs") == [first, second]  # cancelled: nothing changed

    # by keyboard: Space on the entry's Remove, then the confirmation
    block.panels[second].remove_button.setFocus()
    click_message_button("删除")
    qtbot.keyClick(block.panels[second].remove_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: listed(store, interview, "orgs") == [first])
    assert stored(store, interview, repeats.key("org_name", second)) is None
    assert repeats.key("org_name", second) not in view.widgets
    assert list(block.panels) == [first]
    log = [e for e in store.audit_log(interview) if e.question == repeats.key("org_name", second)]
    assert log[-1].old == "老年协会" and log[-1].new is None  # the change log keeps what it was
    # focus stays in the repeat (the window's focus, which it has again once the confirmation is gone)
    assert view.focusWidget() is block.panels[first].remove_button


def test_what_is_typed_or_composed_is_saved_before_an_entry_is_removed(qtbot, study, open_view):
    store, interview = study
    view = open_view(interview)
    block = view.blocks["orgs"]
    first, second = add_entry(qtbot, view), add_entry(qtbot, view)
    type_text(qtbot, editor_of(view, repeats.key("org_name", first)), "业主")  # not saved yet
    box = editor_of(view, repeats.key("org_name", second))
    type_text(qtbot, box, "协会")
    QApplication.sendEvent(box, QInputMethodEvent("laonian", []))  # an input method still composing
    assert stored(store, interview, repeats.key("org_name", first)) is None
    click_message_button("删除")
    block.panels[second].remove_button.click()
    qtbot.waitUntil(lambda: listed(store, interview, "orgs") == [first])
    assert stored(store, interview, repeats.key("org_name", first)) == "业主"
    assert stored(store, interview, repeats.key("org_name", second)) is None
    # what the removed entry held was written before it was cleared, so the change log has it
    assert any(e.new == "协会" for e in store.audit_log(interview) if e.question == repeats.key("org_name", second))
    assert not view.unsaved
    qtbot.wait(700)  # no late save brings the removed entry's answer back
    assert stored(store, interview, repeats.key("org_name", second)) is None


def test_moving_an_entry_reorders_the_list_and_keeps_its_answers_and_focus(qtbot, study, open_view):
    store, interview = study
    view = open_view(interview)
    block = view.blocks["orgs"]
    first, second, third = add_entry(qtbot, view), add_entry(qtbot, view), add_entry(qtbot, view)
    type_text(qtbot, editor_of(view, repeats.key("org_name", third)), "文艺队")
    widget = view.widgets[repeats.key("org_name", third)]
    block.panels[third].up_button.setFocus()
    qtbot.keyClick(block.panels[third].up_button, Qt.Key.Key_Space)
    assert listed(store, interview, "orgs") == [first, third, second]
    assert stored(store, interview, repeats.key("org_name", third)) == "文艺队"  # saved before the move
    assert view.widgets[repeats.key("org_name", third)] is widget  # the same panel, moved
    assert block.panels[third].title.text().startswith("第 2 项")
    assert QApplication.focusWidget() is block.panels[third].up_button
    block.panels[third].up_button.click()
    assert listed(store, interview, "orgs") == [third, first, second]
    assert not block.panels[third].up_button.isEnabled()
    assert QApplication.focusWidget() is block.panels[third].down_button  # not lost on a disabled button
    block.panels[first].down_button.click()
    assert listed(store, interview, "orgs") == [third, second, first]
    assert [block.entries.itemAt(i).widget() for i in range(3)] == [block.panels[i] for i in (third, second, first)]
    assert keyed_numbers(view.session, view.numbers, view.tr)[repeats.key("org_name", third)] == "1.2.1 · 第 1 项"


def test_tab_goes_through_the_entries_in_their_order(qtbot, study, open_view):
    _store, interview = study
    view = open_view(interview)
    block = view.blocks["orgs"]
    first, second = add_entry(qtbot, view), add_entry(qtbot, view)
    block.panels[second].up_button.click()  # the entry added last is now shown first
    editor = editor_of(view, repeats.key("members", second))
    editor.setFocus()
    tabbed = []
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        tabbed.append(QApplication.focusWidget())
    panel = block.panels[first]
    # the next entry's buttons (Move up, Remove: it is last, Move down is disabled), then its first
    # question; not the end of the page, where a widget made later is put unless told
    assert tabbed[:3] == [panel.up_button, panel.remove_button, editor_of(view, repeats.key("org_name", first))]
    assert tabbed[4] is block.add_button


def test_a_repeat_count_repeat_follows_its_number(qtbot, study, open_view):
    store, interview = study
    view = open_view(interview)
    block = view.blocks["leaders"]
    assert not block.add_button.isVisible() and block.empty_label.isVisible()
    type_text(qtbot, editor_of(view, "n_leaders"), "2")
    view.flush()
    qtbot.waitUntil(lambda: len(block.panels) == 2)
    assert all(not p.remove_button.isVisible() for p in block.panels.values())
    last = block.order[1]
    type_text(qtbot, editor_of(view, repeats.key("leader_name", last)), "王主任")
    view.flush()
    box = editor_of(view, "n_leaders")
    box.selectAll()
    type_text(qtbot, box, "1")
    view.flush()
    # the entry holding an answer is kept; the block says there is one too many and offers Remove
    assert block.order == listed(store, interview, "leaders") and len(block.order) == 2
    qtbot.waitUntil(block.issue_label.isVisible)
    assert "多于" in block.issue_label.text()
    assert block.panels[last].remove_button.isVisible()
    click_message_button("删除")
    block.panels[last].remove_button.click()
    qtbot.waitUntil(lambda: len(block.order) == 1)
    assert not block.issue_label.isVisible()
    assert not block.panels[block.order[0]].remove_button.isVisible()
    box.selectAll()
    type_text(qtbot, box, "3")
    view.flush()
    qtbot.waitUntil(lambda: len(block.panels) == 3)
    assert [block.panels[i].title.text().split(" · ")[0] for i in block.order] == ["第 1 项", "第 2 项", "第 3 项"]


def test_a_read_only_interview_shows_its_entries_without_buttons(qtbot, study, open_view):
    store, interview = study
    session = InterviewSession(store, interview)
    first = session.add_instance("orgs")
    session.set_value(repeats.key("org_name", first), "业主委员会")
    session.add_instance("orgs")
    view = open_view(interview, read_only=True)
    block = view.blocks["orgs"]
    assert len(block.panels) == 2
    assert not block.add_button.isVisible()
    for panel in block.panels.values():
        assert not any(b.isVisible() for b in (panel.up_button, panel.down_button, panel.remove_button))
    widget = view.widgets[repeats.key("org_name", first)]
    assert widget.editor.value() == "业主委员会" and widget.editor.box.isReadOnly()


def test_the_interview_resumes_at_an_entrys_question_and_go_to_finds_it(qtbot, study, open_view):
    store, interview = study
    session = InterviewSession(store, interview)
    first, second = session.add_instance("orgs"), session.add_instance("orgs")
    key = repeats.key("members", second)
    session.type_value(key, "12")
    assert store.interview(interview).last_question == key
    view = open_view(interview, lang="en")
    view.focus_question(key)  # as the main window does with last_question
    assert QApplication.focusWidget() is editor_of(view, key)
    assert view.blocks["orgs"].panels[second].title.text() == "Entry 2 · questions 1.2.1–1.2.3"
    assert view._section_of(key) == view._section_of("orgs")

    def go(dialog):
        type_text(qtbot, dialog.search, "Members Entry 1")
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)

    answer_next(go)
    view.find_question()
    assert view.focusWidget() is editor_of(view, repeats.key("members", first))
    view.focus_question("orgs")  # the repeat's own row (last saved when an entry was added)
    assert view.focusWidget() is editor_of(view, repeats.key("org_name", first))
