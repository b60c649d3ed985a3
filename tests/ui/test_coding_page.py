"""The coding page as a researcher uses it: select a Chinese phrase with the keyboard and code it,
undo and redo, the protocol's suggestions accepted, narrowed and rejected in place, search and
"code all hits", a matrix cell down to its segment, a memo on a code, two coders compared.

Positions on screen come from the widgets' own layout (the document's cursor rectangles, the
views' item rectangles), never from guessed coordinates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from yingzao.core.coding import codings as core
from yingzao.core.coding.codings import Span
from yingzao.ui.coding_page import CodingPage
from yingzao.ui.i18n import Translator

from tests.ui.typing import type_text

# an emoji first: the document's positions (UTF-16) and the codings' offsets (code points) differ
ANSWER = "🏠我们社区成立了居民议事会制度，每月开一次居民议事会，企业老总也来参加。"
OTHER = "楼里的议事会每季度开一次。"


@pytest.fixture
def study(library_store):
    store, library = library_store
    store.set_setting("user_role", "researcher")
    protocol = library.by_role("cadre")[0]
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    question = next(q for q in protocol.questions if q.type == "text" and len(q.codes) >= 3)
    other_q = next(q for q in protocol.questions if q.type == "text" and q.name != question.name)
    b = store.start_interview(protocol.sha256, community_id="B")
    store.save_answer(b, question.name, ANSWER)
    a = store.start_interview(protocol.sha256, community_id="A")
    store.save_answer(a, other_q.name, OTHER)
    return store, library, {"A": a, "B": b}, question.name, other_q.name


@pytest.fixture
def page(qtbot, study):
    store, library, ids, _q, _o = study
    view = CodingPage(store, library, Translator("zh"))
    qtbot.addWidget(view)
    view.resize(1300, 820)
    view.show()
    qtbot.waitExposed(view)
    view.show_interview(ids["B"])
    return view


def select_by_keys(qtbot, page, question: str, start: int, length: int) -> None:
    """Place the cursor through the document at a code-point offset, then Shift+Right per character."""
    doc = page.document
    segment = doc.segment(question, "answer")
    cursor = QTextCursor(doc.document())
    cursor.setPosition(segment.doc_pos(start))
    doc.setTextCursor(cursor)
    doc.setFocus()
    for _ in range(length):
        qtbot.keyClick(doc, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)


def click_at_position(qtbot, doc, position: int) -> None:
    """Click the document at a text position, where its layout puts it."""
    cursor = QTextCursor(doc.document())
    cursor.setPosition(position + 1)
    rect = doc.cursorRect(cursor)
    qtbot.mouseClick(doc.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_phrase_selected_with_the_keyboard_is_coded_highlighted_undone_and_redone(qtbot, page, study):
    store, _lib, ids, question, _o = study
    start = ANSWER.index("居民议事会制度")
    select_by_keys(qtbot, page, question, start, 5)
    assert page.document.textCursor().selectedText() == "居民议事会"
    # type-ahead in the codebook, then Enter
    qtbot.keyClicks(page.codebook.filter, "FAC.AUTONOMY")
    qtbot.keyClick(page.codebook.filter, Qt.Key.Key_Return)
    [coding] = store.coding.codings(ids["B"])
    assert (coding.question, coding.start, coding.end, coding.quote, coding.code) == (
        question,
        start,
        start + 5,
        "居民议事会",
        "FAC.AUTONOMY",
    )
    assert ANSWER[coding.start : coding.end] == "居民议事会"
    # the highlight covers exactly the stored span: one more Qt position than code points (the emoji)
    [highlight] = [s for s in page.document.extraSelections() if s.format.background().style() != Qt.BrushStyle.NoBrush]
    segment = page.document.segment(question, "answer")
    assert highlight.cursor.selectionStart() == segment.start + start + 1
    assert highlight.cursor.selectedText() == "居民议事会"
    # its stripe in the margin spans the phrase's line, from the document's layout
    [stripe] = page.document.margin.stripes()
    top = page.document.cursorRect(highlight.cursor).top() + page.document.verticalScrollBar().value()
    assert stripe.code == "FAC.AUTONOMY" and stripe.top <= top + 1 and stripe.bottom > stripe.top
    assert page.codebook.counts("FAC.AUTONOMY") == (1, 1)

    qtbot.keyClick(page.document, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.coding.codings(ids["B"]) == []
    assert page.document.margin.stripes() == []
    assert page.codebook.counts("FAC.AUTONOMY") == (0, 0)
    qtbot.keyClick(page.document, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    [again] = store.coding.codings(ids["B"])
    assert again.id == coding.id and (again.start, again.end) == (start, start + 5)
    actions = [e.action for e in store.coding.audit("coding", coding.id)]
    assert actions == ["created", "deleted", "restored"]


def test_a_digit_key_and_a_double_click_code_the_selection(qtbot, page, study):
    store, _lib, ids, question, _o = study
    page.set_key("ACT.RESIDENT", 3)
    start = ANSWER.index("居民议事会")
    select_by_keys(qtbot, page, question, start, 2)
    qtbot.keyClick(page.document, Qt.Key.Key_3)
    item = page.codebook.items["DIM.SUBJECT"]
    tree = page.codebook.tree
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    # a double-click as the window system delivers it: press and release, then the second press
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    stored = sorted((c.code, c.quote) for c in store.coding.codings(ids["B"]))
    assert stored == [("ACT.RESIDENT", "居民"), ("DIM.SUBJECT", "居民")]


def test_right_click_menu_removes_recodes_and_pins_a_coded_span(qtbot, page, study):
    store, _lib, ids, question, _o = study
    start = ANSWER.index("企业老总")
    coding = core.apply_code(store, page.book, Span(ids["B"], question, "answer", start, start + 4), "ACT.MARKET")
    page.reload_codings()
    segment = page.document.segment(question, "answer")
    menu = page.span_menu(segment.doc_pos(start + 1))
    [sub] = [a.menu() for a in menu.actions() if a.menu() is not None]
    pin = next(a for a in sub.actions() if a.text() == "设为 B社区 的关键引语")
    pin.trigger()
    assert (store.coding.coding(coding.id).pinned, store.coding.coding(coding.id).pinned_for) == (1, "B")
    page.recode(store.coding.coding(coding.id), "ACT.GOV")
    assert store.coding.coding(coding.id).code == "ACT.GOV"
    menu = page.span_menu(segment.doc_pos(start + 1))
    [sub] = [a.menu() for a in menu.actions() if a.menu() is not None]
    next(a for a in sub.actions() if a.text() == "移除此编码").trigger()
    assert store.coding.codings(ids["B"]) == []
    page.undo_stack.undo()
    page.undo_stack.undo()
    now = store.coding.coding(coding.id)
    assert (now.state, now.code, now.pinned) == ("live", "ACT.MARKET", 1)


def test_suggestions_are_accepted_narrowed_and_rejected_in_place(qtbot, page, study):
    store, _lib, ids, question, _o = study
    doc = page.document
    first, second, third = page.suggestions[:3]
    # accept the first by clicking its link where the layout puts it
    click_at_position(qtbot, doc, doc.link_position("accept", 0))
    accepted = [c for c in store.coding.codings(ids["B"]) if c.code == first.code]
    assert [(c.start, c.end, c.origin) for c in accepted] == [(0, len(ANSWER), "suggestion")]
    assert first not in page.suggestions
    # narrow the (now first) second suggestion to a phrase selected with the keyboard
    index = page.suggestions.index(second)
    start = ANSWER.index("每月")
    select_by_keys(qtbot, page, question, start, 7)
    click_at_position(qtbot, doc, doc.link_position("narrow", index))
    narrowed = [c for c in store.coding.codings(ids["B"]) if c.code == second.code]
    assert [(c.start, c.end, c.quote) for c in narrowed] == [(start, start + 7, "每月开一次居民")]
    # reject the third
    index = page.suggestions.index(third)
    click_at_position(qtbot, doc, doc.link_position("reject", index))
    assert third not in page.suggestions
    assert [d.code for d in store.coding.decisions(ids["B"]) if d.decision == "rejected"] == [third.code]
    page.undo_stack.undo()  # the rejection taken back: suggested again
    assert third in page.suggestions
    assert page.rows[ids["B"]].suggestions == len(page.suggestions)


def test_search_for_a_phrase_opens_a_hit_and_codes_all_hits(qtbot, page, study):
    store, _lib, ids, _question, _other_q = study
    page.show_interview(ids["A"])
    qtbot.keyClick(page.document, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = page.search_dialog
    assert dialog is not None and dialog.isVisible()
    type_text(qtbot, dialog.term, "议事会")
    qtbot.keyClick(dialog.term, Qt.Key.Key_Return)
    hits = dialog.model.hits
    assert len(hits) == 3 and all("【议事会】" in h.snippet for h in hits)
    row = next(i for i, h in enumerate(hits) if h.interview_id == ids["B"])
    rect = dialog.table.visualRect(dialog.model.index(row, 2))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.interview_id == ids["B"]
    assert page.document.textCursor().selectedText() == "议事会"
    assert dialog.choose_code("FAC.AUTONOMY")
    dialog.code_all_button.click()
    made = [c for c in store.coding.codings() if c.code == "FAC.AUTONOMY"]
    assert sorted((c.interview_id, c.quote) for c in made) == sorted(
        [(ids["B"], "议事会"), (ids["B"], "议事会"), (ids["A"], "议事会")]
    )
    assert page.codebook.counts("FAC.AUTONOMY") == (2, 3)
    page.undo_stack.undo()
    assert [c for c in store.coding.codings() if c.code == "FAC.AUTONOMY"] == []


def test_a_matrix_cell_lists_its_segments_and_one_opens_at_its_span(qtbot, page, study):
    store, _lib, ids, question, _other_q = study
    start = ANSWER.index("企业老总")
    core.apply_code(store, page.book, Span(ids["B"], question, "answer", start, start + 4), "ACT.MARKET")
    page.show_interview(ids["A"])
    dialog = page.open_matrix()
    qtbot.addWidget(dialog)
    dialog.choose("actor", "community")
    matrix = dialog.matrix
    r, c = matrix.rows.index("ACT.MARKET"), matrix.columns.index("B")
    assert dialog.table.item(r, c).text() == "1"
    assert dialog.table.item(r, matrix.columns.index("A")).text() == "·"
    rect = dialog.table.visualItemRect(dialog.table.item(r, c))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.segments.count() == 1
    item = dialog.segments.item(0)
    assert "企业老总" in item.text()
    rect = dialog.segments.visualItemRect(item)
    qtbot.mouseClick(dialog.segments.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.segments.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.interview_id == ids["B"]
    assert page.document.textCursor().selectedText() == "企业老总"


def test_the_matrix_exports_as_a_workbook(qtbot, page, study, tmp_path):
    from openpyxl import load_workbook

    store, _lib, ids, question, _o = study
    core.apply_code(store, page.book, Span(ids["B"], question, "answer", 1, 3), "ACT.RESIDENT")
    dialog = page.open_matrix()
    qtbot.addWidget(dialog)
    dialog.choose("actor", "community")
    assert dialog.export(str(tmp_path / "matrix.xlsx"))
    sheet = load_workbook(tmp_path / "matrix.xlsx").worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[1:] == ["A社区", "B社区"]
    rows = {row[0].value: [cell.value for cell in row[1:]] for row in sheet.iter_rows(min_row=2)}
    assert rows[page.book.get("ACT.RESIDENT").label_zh] == [0, 1]


def test_a_memo_on_a_code_is_saved_and_listed(qtbot, page, study):
    store, _lib, _ids, _q, _o = study
    tree = page.codebook.tree
    item = page.codebook.items["ACT.RESIDENT"]
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    pane = page.memo_pane
    assert pane.current_about() == "code" and pane.subjects["code"][0] == "ACT.RESIDENT"
    type_text(qtbot, pane.editor, "居民是议事会的主体")
    pane.add_button.click()
    [memo] = store.coding.memos("code", "ACT.RESIDENT")
    assert (memo.text, memo.author) == ("居民是议事会的主体", "测试员")
    assert pane.memo_texts() == ["居民是议事会的主体"]
    listing = page.open_memo_list()
    qtbot.addWidget(listing)
    assert [row[4] for row in listing.rows()] == ["居民是议事会的主体"]


def test_a_coding_memo_is_undoable(qtbot, page, study):
    store, _lib, ids, question, _o = study
    coding = core.apply_code(store, page.book, Span(ids["B"], question, "answer", 1, 3), "ACT.RESIDENT")
    page.reload_codings()
    page.memo_coding(coding)
    type_text(qtbot, page.memo_pane.editor, "代表居民")
    page.memo_pane.save_button.click()
    assert store.coding.coding(coding.id).memo == "代表居民"
    page.undo_stack.undo()
    assert store.coding.coding(coding.id).memo == ""


def test_two_coders_are_compared_and_their_disagreements_shown_side_by_side(qtbot, page, study):
    store, _lib, ids, question, _o = study
    ten = "一二三四五六七八九十"
    store.save_answer(ids["A"], question, ten)
    store.user = "甲"
    core.apply_code(store, page.book, Span(ids["A"], question, "answer", 0, 6), "ACT.RESIDENT")
    store.user = "乙"
    core.apply_code(store, page.book, Span(ids["A"], question, "answer", 2, 8), "ACT.RESIDENT")
    store.user = "测试员"
    dialog = page.open_compare()
    qtbot.addWidget(dialog)
    result = dialog.choose("甲", "乙")
    assert result is not None and result.interviews == [ids["A"]]
    row = next(
        r
        for r in range(dialog.table.rowCount())
        if dialog.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "ACT.RESIDENT"
    )
    cells = [dialog.table.item(row, c).text() for c in range(1, 6)]
    # both 4, A only 2, B only 2 of the answer's 10 characters (and the other answer's 13)
    assert cells[:3] == ["4", "2", "2"]
    agreement = next(c for c in result.codes if c.code == "ACT.RESIDENT")
    assert cells[3] == f"{agreement.agreement * 100:.1f}%" and cells[4] == f"{agreement.kappa:.2f}"
    rect = dialog.table.visualItemRect(dialog.table.item(row, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    sides = sorted(
        (dialog.spans.item(r, 1).text(), dialog.spans.item(r, 2).text()) for r in range(dialog.spans.rowCount())
    )
    assert sides == [("", "七八"), ("一二", "")]


def test_the_page_speaks_english_after_a_live_switch(qtbot, page, study):
    tr = page.tr
    tr.set_language("en")
    assert page.title.text() == "Code interviews"
    assert page.codebook.tree.headerItem().text(0) == "Code"
    assert "Suggested by the protocol" in page.document.toPlainText()
    tr.set_language("zh")
    assert page.title.text() == "编码访谈"


def test_enter_in_the_search_window_searches_once_and_opens_a_hit_without_searching_again(
    qtbot, page, study, monkeypatch
):
    from yingzao.core.coding import search as core_search

    store, _lib, ids, _question, _other_q = study
    page.show_interview(ids["A"])
    dialog = page.open_search()
    terms: list[str] = []
    real = core_search.search
    monkeypatch.setattr(core_search, "search", lambda s, term, **kw: terms.append(term) or real(s, term, **kw))
    type_text(qtbot, dialog.term, "议事会")
    qtbot.keyClick(dialog.term, Qt.Key.Key_Return)
    assert terms == ["议事会"] and len(dialog.model.hits) == 3
    assert dialog.choose_code("FAC.AUTONOMY")
    row = next(i for i, h in enumerate(dialog.model.hits) if h.interview_id == ids["B"])
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(row, 0))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert page.interview_id == ids["B"] and page.document.textCursor().selectedText() == "议事会"
    assert terms == ["议事会"]  # Enter on a result opens it: no second search, and no button pressed
    assert not [c for c in store.coding.codings() if c.code == "FAC.AUTONOMY"]
