"""The home list as a fieldworker sees it: drafts first, search, filters, opening, starting, languages."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog

from yingzao.ui.home_view import HomeView
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_list_model import COL
from yingzao.ui.new_interview_dialog import NewInterviewDialog

from tests.ui.typing import type_text


@pytest.fixture
def seeded(library_store):
    """Four interviews: two drafts, one completed, one refused; by 王芳, 李明 and 张伟."""
    store, library = library_store
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    sha = {role: library.by_role(role)[0].sha256 for role in ("official", "street_staff", "cadre")}
    ids = {
        "done": store.start_interview(sha["cadre"], community_id="A", fieldworker="王芳"),
        "street": store.start_interview(sha["street_staff"], community_id="B", fieldworker="李明"),
        "refused": store.start_interview(sha["cadre"], community_id="B", fieldworker="张伟"),
        "official": store.start_interview(sha["official"], community_id=None, fieldworker="王芳"),
    }
    store.set_progress(ids["done"], 100)
    store.set_status(ids["done"], "completed")
    store.set_progress(ids["street"], 45)
    store.set_progress(ids["official"], 10)
    store.finalize(ids["refused"], outcome="consent_refused")
    store.set_setting("user_name", "王芳")
    store.set_setting("user_role", "fieldworker")
    return store, library, ids


@pytest.fixture
def home(qtbot, seeded):
    store, library, ids = seeded
    tr = Translator("zh")
    view = HomeView(store, library, tr)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    return view, store, ids, tr


def rows(view: HomeView) -> list[dict[str, str]]:
    """What the table shows, top to bottom, column name -> text."""
    proxy = view.proxy
    return [
        {name: proxy.index(r, c).data() for name, c in COL.items()}
        | {"id": view.model.interview_id(proxy.mapToSource(proxy.index(r, 0)).row())}
        for r in range(proxy.rowCount())
    ]


def row_of(view: HomeView, interview_id: str) -> dict[str, str]:
    return next(row for row in rows(view) if row["id"] == interview_id)


def test_drafts_come_first_with_role_community_and_progress(home):
    view, _store, ids, _tr = home
    shown = rows(view)
    assert [row["status"] for row in shown] == ["草稿", "草稿", "已完成", "已完成"]
    assert {row["id"] for row in shown[:2]} == {ids["street"], ids["official"]}
    street = row_of(view, ids["street"])
    assert (street["role"], street["community"], street["progress"], street["fieldworker"]) == (
        "街道工作人员",
        "B社区",
        "45%",
        "李明",
    )
    assert "街道工作人员访谈提纲" in street["protocol"] and "2026.2" in street["protocol"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", street["started"])  # local time, to the minute
    assert row_of(view, ids["official"])["community"] == "（不针对单个社区）"
    assert row_of(view, ids["refused"])["outcome"] == "拒绝受访"
    assert row_of(view, ids["done"])["role"] == "社区干部"
    assert view.count_label.text() == "共 4 份访谈"
    assert view.table.isVisible() and not view.empty_label.isVisible()


def test_header_names_the_user_role_and_database(home):
    view, store, _ids, _tr = home
    assert "王芳 · 访员" in view.user_label.text()
    assert str(store.path) in view.database_label.full_text()


def test_typing_in_the_search_box_keeps_only_matching_rows(qtbot, home):
    view, _store, ids, _tr = home
    type_text(qtbot, view.search, "王")
    assert {row["id"] for row in rows(view)} == {ids["done"], ids["official"]}
    assert view.count_label.text() == "显示 2 / 4 份访谈"
    view.search.clear()
    assert len(rows(view)) == 4


def test_search_ignores_case_and_needs_every_word(qtbot, home):
    view, _store, ids, _tr = home
    qtbot.keyClicks(view.search, "b")  # B社区, and the case id B
    assert {row["id"] for row in rows(view)} == {ids["street"], ids["refused"]}
    type_text(qtbot, view.search, " 拒绝")
    assert [row["id"] for row in rows(view)] == [ids["refused"]]
    type_text(qtbot, view.search, "没有这个")
    assert view.proxy.rowCount() == 0
    assert view.empty_label.isVisible() and "没有符合" in view.empty_label.text()
    view.clear_filters()
    assert view.proxy.rowCount() == 4 and view.table.isVisible()


def test_status_filter_keeps_only_the_checked_statuses(home):
    view, _store, ids, _tr = home
    for status in ("completed", "approved", "rejected"):
        view.status_filter.actions_[status].trigger()  # untick
    assert {row["id"] for row in rows(view)} == {ids["street"], ids["official"]}
    assert view.status_filter.text() == "状态：草稿"
    view.status_filter.show_all.trigger()
    assert len(rows(view)) == 4 and view.status_filter.text() == "状态：全部"


def test_role_filter(home):
    view, _store, ids, _tr = home
    view.role_filter.set_checked({"cadre"})
    assert {row["id"] for row in rows(view)} == {ids["done"], ids["refused"]}


def test_double_click_asks_to_open_that_interview(qtbot, home):
    view, _store, ids, _tr = home
    index = view.proxy.index(rows(view).index(row_of(view, ids["street"])), COL["community"])
    where = view.table.visualRect(index).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    with qtbot.waitSignal(view.open_requested, timeout=1000) as signal:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert signal.args == [ids["street"]]


def test_enter_opens_the_selected_row_and_ctrl_f_goes_to_search(qtbot, home):
    view, _store, ids, _tr = home
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=1000)
    assert view.select_interview(ids["done"])
    view.table.setFocus()
    with qtbot.waitSignal(view.open_requested, timeout=1000) as signal:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert signal.args == [ids["done"]]
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus()


def test_empty_database_shows_how_to_start(qtbot, library_store):
    store, library = library_store
    view = HomeView(store, library, Translator("zh"))
    qtbot.addWidget(view)
    view.show()
    assert view.empty_label.isVisible() and not view.table.isVisible()
    assert view.empty_label.text() == "还没有访谈。点击“新建访谈”开始。"
    assert not view.open_button.isEnabled()


def test_language_switch_retranslates_in_place(qtbot, home):
    view, _store, ids, tr = home
    assert view.select_interview(ids["street"])
    type_text(qtbot, view.search, "李")
    tr.set_language("en")
    header = [view.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COL))]
    assert header[COL["status"]] == "Status" and header[COL["role"]] == "Respondent"
    assert rows(view)[0]["role"] == "Street / district staff"
    assert rows(view)[0]["status"] == "Draft"
    assert view.search.text() == "李" and view.selected_id() == ids["street"]
    assert view.new_button.text() == "New interview"
    assert view.count_label.text() == "Showing 1 of 4 interviews"
    view.search.clear()
    assert row_of(view, ids["refused"])["outcome"] == "Consent refused"
    tr.set_language("zh")
    assert row_of(view, ids["street"])["role"] == "街道工作人员"
    assert view.selected_id() == ids["street"]


def test_sorting_by_a_column_and_back_to_drafts_first(home):
    view, _store, _ids, _tr = home
    view.table.sortByColumn(COL["progress"], Qt.SortOrder.DescendingOrder)
    assert [row["progress"] for row in rows(view)] == ["100%", "45%", "10%", "0%"]
    view.table.sortByColumn(COL["status"], Qt.SortOrder.AscendingOrder)
    assert [row["status"] for row in rows(view)][:2] == ["草稿", "草稿"]


def drive_new_interview(qtbot, monkeypatch, fill):
    """Stand in for the modal exec(): fill the real dialog as a user would, then click its button."""

    def fake_exec(dialog: NewInterviewDialog) -> int:
        dialog.show()
        fill(dialog)
        if dialog.ok_button.isEnabled():
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        else:
            dialog.reject()
        return dialog.result()

    monkeypatch.setattr(NewInterviewDialog, "exec", fake_exec)


def test_new_interview_in_an_existing_community_starts_and_opens_it(qtbot, monkeypatch, home):
    view, store, _ids, _tr = home

    def fill(dialog):
        dialog.select_protocol("cadre")
        dialog.select_community("A")

    drive_new_interview(qtbot, monkeypatch, fill)
    with qtbot.waitSignal(view.open_requested, timeout=1000) as signal:
        qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    new_id = signal.args[0]
    interview = store.interview(new_id)
    assert (interview.respondent_role, interview.community_id, interview.status) == ("cadre", "A", "draft")
    assert interview.fieldworker == "测试员"  # the store's user
    assert view.selected_id() == new_id and len(rows(view)) == 5


def test_new_interview_in_a_new_community_creates_the_community(qtbot, monkeypatch, home):
    view, store, _ids, _tr = home

    def fill(dialog):
        dialog.select_protocol("street_staff")
        qtbot.keyClicks(dialog.new_id_edit, "C")

    drive_new_interview(qtbot, monkeypatch, fill)
    new_id = view.new_interview()
    assert new_id is not None
    assert store.community("C").name == "C社区"
    assert store.interview(new_id).community_id == "C"
    assert row_of(view, new_id)["community"] == "C社区"


def test_cancelling_the_new_interview_dialog_starts_nothing(qtbot, monkeypatch, home):
    view, store, _ids, _tr = home
    monkeypatch.setattr(NewInterviewDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert view.new_interview() is None
    assert store.count_interviews() == 4


def test_new_community_profile_uses_the_profile_protocol(qtbot, monkeypatch, home):
    view, store, _ids, _tr = home
    drive_new_interview(qtbot, monkeypatch, lambda dialog: dialog.select_community("B"))
    new_id = view.new_interview(profile=True)
    interview = store.interview(new_id)
    assert (interview.respondent_role, interview.community_id) == ("profile", "B")
    assert row_of(view, new_id)["role"] == "社区概况"


def test_ctrl_n_asks_for_a_new_interview_only_while_home_is_on_screen(qtbot, monkeypatch, home):
    from PySide6.QtWidgets import QLineEdit, QStackedWidget

    view, store, _ids, tr = home
    asked = []
    monkeypatch.setattr(NewInterviewDialog, "exec", lambda dialog: asked.append(dialog) or QDialog.DialogCode.Rejected)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=1000)
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1

    stack = QStackedWidget()  # as the main window hosts it: another page in front
    qtbot.addWidget(stack)
    other = QLineEdit(stack)
    stack.addWidget(HomeView(store, view.library, tr, stack))
    stack.addWidget(other)
    stack.setCurrentWidget(other)
    stack.show()
    stack.activateWindow()
    qtbot.waitUntil(stack.isActiveWindow, timeout=1000)
    other.setFocus()
    qtbot.keyClick(other, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1
    stack.setCurrentIndex(0)
    qtbot.keyClick(stack.currentWidget().table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 2


def test_five_thousand_interviews_search_and_sort_in_the_model(qtbot, home):
    """Thousands of rows: search and sort go through the model, never by rebuilding widgets."""
    view, store, _ids, _tr = home
    template = store.interviews()[0]
    many = [
        template._replace(
            id=f"iv{n}",
            fieldworker=f"访员{n % 12}",
            updated_at=f"2021-01-01T00:{n // 100 % 60:02d}:{n % 60:02d}.000Z",
            status="draft" if n % 3 else "completed",
        )
        for n in range(5000)
    ]
    titles = {template.protocol_sha256: store.protocol(template.protocol_sha256).titles}
    table = view.table
    view.model.reload(many, store.communities(), titles)
    view.proxy.set_search("访员11")
    assert view.proxy.rowCount() == len([n for n in range(5000) if n % 12 == 11])
    view.proxy.set_search("")
    view.table.sortByColumn(COL["fieldworker"], Qt.SortOrder.DescendingOrder)
    assert view.table is table
    first = view.proxy.index(0, COL["fieldworker"]).data()
    last = view.proxy.index(4999, COL["fieldworker"]).data()
    assert first != last
    assert view.proxy.rowCount() == 5000


def test_a_long_list_reads_its_first_rows_then_the_rest_when_needed(qtbot, home, monkeypatch):
    """The first screen reads only the first rows; the count, scrolling to the end, a search, a
    filter, another sort order and finding an interview still see every interview."""
    from yingzao.ui import home_view

    view, _store, ids, _tr = home
    everything = rows(view)
    monkeypatch.setattr(home_view, "FIRST_ROWS", 2)
    view.refresh()
    assert view.model.rowCount() == 2 and view.model.total() == 4
    assert view.count_label.text() == "共 4 份访谈"
    assert [r["id"] for r in rows(view)] == [r["id"] for r in everything[:2]]
    assert view.proxy.canFetchMore(QModelIndex())
    view.proxy.fetchMore(QModelIndex())  # what the table does when scrolled to the end
    assert rows(view) == everything and not view.proxy.canFetchMore(QModelIndex())

    view.refresh()
    view.search.setText("张伟")  # only in a row not read yet
    assert [r["id"] for r in rows(view)] == [ids["refused"]]
    assert view.count_label.text() == "显示 1 / 4 份访谈"
    view.clear_filters()
    assert rows(view) == everything

    view.refresh()
    view.table.sortByColumn(COL["fieldworker"], Qt.SortOrder.AscendingOrder)
    assert len(rows(view)) == 4
    view.table.sortByColumn(COL["status"], Qt.SortOrder.AscendingOrder)

    view.refresh()
    assert view.model.rowCount() == 2
    assert view.select_interview(ids["refused"])  # further down than the first rows
    assert view.selected_id() == ids["refused"]
    view.refresh()  # the selection is kept, and its row read
    assert view.selected_id() == ids["refused"]
