"""The review queue's Qt model and the filters of the review page, as a supervisor uses them."""

from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex, Qt

from yingzao.core.forms.library import load_library
from yingzao.core.review.queue import QueueRow
from yingzao.core.store.records import Community
from yingzao.ui.i18n import Translator
from yingzao.ui.review_model import COL, ID_ROLE, ReviewQueueModel
from yingzao.ui.review_view import ReviewView

from tests.laptops import make_project


def row(n, **changes) -> QueueRow:
    base = QueueRow(
        f"id{n}",
        "completed",
        "王芳",
        "A",
        "official",
        "yz_official",
        "2026.1",
        "sha",
        "2021-01-01T00:00:00Z",
        f"2021-01-0{n + 1}T02:00:00Z",
        "2021-02-01T00:00:00Z",
        None,
        3725.0,
        0,
        (),
    )
    return base._replace(**changes)


def model_with_rows(tr):
    model = ReviewQueueModel(tr)
    rows = [
        row(0, flags=("missing_required", "short_answers")),
        row(1, community_id="B", role="cadre", comments=3),
        row(2, status="approved", fieldworker="李强"),
        row(3, community_id=None, seconds=None),
    ]
    model.reload(
        rows,
        [Community("A", "A社区", ""), Community("B", "B社区", "")],
        {"yz_official": {"zh": "官员访谈提纲", "en": "Officials' protocol"}},
    )
    return model


def test_cells_are_words_the_supervisor_reads(qtbot):
    tr = Translator("zh")
    model = model_with_rows(tr)
    assert model.rowCount() == 3  # the approved one is not waiting
    assert [model.text(0, c) for c in range(model.columnCount())][:6] == [
        "待审核",
        "缺必答题 · 回答过短",
        "A社区",
        "官员",
        "官员访谈提纲（2026.1）",
        "王芳",
    ]
    assert model.text(0, COL["duration"]) == "1:02:05" and model.text(2, COL["duration"]) == ""
    assert model.text(1, COL["comments"]) == "3" and model.text(2, COL["community"]) == "（不针对单个社区）"
    index = model.index(0, COL["flags"])
    assert model.data(index, ID_ROLE) == "id0" and model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    assert model.headerData(COL["flags"], Qt.Orientation.Horizontal) == "质量提示"
    tr.set_language("en")
    model.retranslate()
    assert (
        model.text(0, COL["status"]) == "To review"
        and model.text(0, COL["flags"]) == "Missing required · Short answers"
    )
    assert model.text(0, COL["protocol"]) == "Officials' protocol (2026.1)"


def test_sorting_keeps_the_selection_and_filtering_resets_the_rows(qtbot):
    model = model_with_rows(Translator("zh"))
    keep = QPersistentModelIndex(model.index(0, 0))
    model.sort(COL["ended"], Qt.SortOrder.DescendingOrder)
    assert [model.interview_id(r) for r in range(3)] == ["id3", "id1", "id0"]
    assert keep.row() == 2 and model.data(keep, ID_ROLE) == "id0"
    model.sort(COL["community"], Qt.SortOrder.AscendingOrder)  # by the collator: punctuation, then A社区, B社区
    assert [model.interview_id(r) for r in range(3)] == ["id3", "id0", "id1"]
    assert model.set_filter(roles=frozenset({"cadre"}))
    assert model.rowCount() == 1 and model.row_of("id1") == 0 and model.row_of("id0") is None
    model.update_row(row(1, community_id="B", role="cadre", status="approved"))
    assert model.rowCount() == 0


def test_the_review_page_filters_through_its_check_menus(qtbot, library_store):
    store, _ = library_store
    store.set_setting("user_role", "supervisor")
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    library = load_library(store)
    official, cadre = library.by_role("official")[0], library.by_role("cadre")[0]
    made = {}
    for name, protocol, community, who in (
        ("a", official, "A", "王芳"),
        ("b", cadre, "B", "李强"),
        ("c", cadre, "A", "王芳"),
    ):
        interview = store.start_interview(protocol.sha256, community_id=community, fieldworker=who)
        store.finalize(interview)
        made[name] = interview
    view = ReviewView(store, library, Translator("zh"))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.flag_job is None, timeout=10_000)
    assert view.model.rowCount() == 3
    assert list(view.filters["fieldworkers"].actions_) == ["李强", "王芳"]
    assert list(view.filters["communities"].actions_) == ["A", "B"]
    assert view.filters["communities"].actions_["A"].text() == "A社区"
    view.filters["fieldworkers"].actions_["李强"].setChecked(False)
    assert view.model.rowCount() == 2 and view.filters["fieldworkers"].text() == "访员：王芳"
    view.filters["roles"].set_checked({"cadre"})
    assert [view.model.interview_id(r) for r in range(view.model.rowCount())] == [made["c"]]
    view.select_interview(made["c"])
    view.filters["protocols"].set_checked({"yz_cadre"})
    assert view.selected_id() == made["c"]  # the selection survives a filter change
    view.filters["flags"].set_checked({"short_interview"})
    assert view.model.rowCount() == 0 and view.table_stack.currentWidget() is view.empty_label
    view.clear_filters()
    assert view.model.rowCount() == 3 and "显示 3 / 3" in view.count_label.text()
    view.shutdown()


def test_open_review_shows_the_page_in_the_main_window_and_back_returns_home(qtbot, library_store):
    from yingzao.ui.main_window import MainWindow
    from yingzao.ui.review_view import open_review

    store, library = library_store
    make_project(store)  # this database made the project: its key is a supervisor's
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    view = open_review(window)
    assert window.stack.currentWidget() is view and view.send_button.isVisibleTo(view)
    view.back_button.click()
    assert window.stack.currentWidget() is window.home
    store.set_setting("user_role", "fieldworker")  # changed in My identity…: a label, no right lost
    assert open_review(window) is view and view.send_button.isVisibleTo(view) and not view.notice.isVisibleTo(view)
    view.shutdown()
