"""On the coding page, a coded passage of a city official's interview is attributed to the communities
it is about through its right-click menu, shown beside its code, and the change is undone with Ctrl+Z."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from yingzao.core.coding import codings as core
from yingzao.core.coding.codings import Span
from yingzao.ui.coding_page import CodingPage
from yingzao.ui.i18n import Translator

ANSWER = "A社区的议事会很活跃，B社区靠企业办服务。"
PHRASE = "B社区靠企业办服务"
QUESTION = "fac_industry_type"


@pytest.fixture
def study(library_store):
    store, library = library_store
    store.set_setting("user_role", "researcher")
    for community in ("A", "B", "C"):
        store.add_community(community, f"{community}社区")
    official = store.start_interview(library.by_role("official")[0].sha256, community_id=None)
    store.save_answer(official, QUESTION, ANSWER)
    store.save_answer(official, "communities_discussed", "A B")
    cadre_protocol = library.by_role("cadre")[0]
    text = next(q.name for q in cadre_protocol.questions if q.type == "text")
    cadre = store.start_interview(cadre_protocol.sha256, community_id="A")
    store.save_answer(cadre, text, ANSWER)
    return store, official, cadre, text, library


@pytest.fixture
def page(qtbot, study):
    store, library = study[0], study[4]
    view = CodingPage(store, library, Translator("zh"))
    qtbot.addWidget(view)
    view.resize(1300, 820)
    view.show()
    qtbot.waitExposed(view)
    return view


def coded(page, interview_id: str, question: str):
    start = ANSWER.index(PHRASE)
    coding = core.apply_code(
        page.store, page.book, Span(interview_id, question, "answer", start, start + len(PHRASE)), "ACT.MARKET"
    )
    page.show_interview(interview_id)
    return coding, page.document.segment(question, "answer").doc_pos(start + 1)


def submenu(page, position):
    [sub] = [a.menu() for a in page.span_menu(position).actions() if a.menu() is not None]
    return sub


def test_a_passage_is_attributed_through_the_menu_shown_and_undone(qtbot, page, study):
    store, official, _cadre, _text, _library = study
    coding, position = coded(page, official, QUESTION)
    attribute = next(a for a in submenu(page, position).actions() if a.text() == "归属社区…")
    attribute.trigger()
    dialog = page.attribution_dialog
    assert dialog is not None and dialog.isVisible()
    assert [box.text() for box in dialog.boxes.values()] == ["A · A社区", "B · B社区"]  # C was not discussed
    dialog.boxes["B"].click()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert store.coding.coding(coding.id).communities == "B"
    assert [e.action for e in store.coding.audit("coding", coding.id)] == ["created", "attributed"]
    # shown beside its code: the menu, the margin's stripe and its tooltip
    label = page.code_label("ACT.MARKET")
    assert submenu(page, position).title().startswith(f"{label} → B")
    margin = page.document.margin
    [stripe] = margin.stripes()
    assert margin.tooltip([stripe]) == f"{label} → B"

    qtbot.keyClick(page.document, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.coding.coding(coding.id).communities == ""
    assert margin.tooltip(margin.stripes()) == label
    qtbot.keyClick(page.document, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert store.coding.coding(coding.id).communities == "B"
    # opened again: ticked as it is now; cancelling changes nothing
    next(a for a in submenu(page, position).actions() if a.text() == "归属社区…").trigger()
    dialog = page.attribution_dialog
    assert [box.isChecked() for box in dialog.boxes.values()] == [False, True]
    dialog.boxes["A"].click()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert store.coding.coding(coding.id).communities == "B"


def test_an_interview_of_one_community_offers_no_attribution(qtbot, page, study):
    _store, _official, cadre, text, _library = study
    _coding, position = coded(page, cadre, text)
    assert "归属社区…" not in [a.text() for a in submenu(page, position).actions()]
