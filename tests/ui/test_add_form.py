"""File → Add protocol (XLSForm)…: a team's own form with a repeat is checked, offered for new
interviews at once (without a role of this study), and interviewed; a form that does not load lists
every problem."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from yingzao.core.forms.library import load_library
from yingzao.ui.i18n import Translator
from yingzao.ui.main_window import MainWindow
from yingzao.ui.new_interview_dialog import NewInterviewDialog

from tests.core.test_odk_forms import KOBO
from tests.core.test_repeats import ORGS
from tests.forms import write_xlsform
from tests.ui.modal import answer_next


def _window(qtbot, library_store):
    store, library = library_store
    window = MainWindow(store, library, Translator("zh"))
    qtbot.addWidget(window)
    return window


def test_a_teams_form_is_added_and_offered_for_a_new_interview(qtbot, library_store, tmp_path, monkeypatch):
    window = _window(qtbot, library_store)
    path = write_xlsform(tmp_path / "orgs.xlsx", ORGS)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(path), ""))
    told = answer_next(lambda box: box.button(QMessageBox.StandardButton.Ok).click(), kind=QMessageBox)
    assert window.add_form_action.isEnabled()
    window.add_form_action.trigger()
    assert (
        len(told) == 1 and told[0].text() == "已添加“orgs_form”（1）：新建访谈时可以选用它。"
    )  # no form_title: its id
    assert "orgs_form" in {p.form_id for p in window.library.protocols}
    dialog = NewInterviewDialog(window.store, window.library, window.tr)
    qtbot.addWidget(dialog)
    ours = next(p for p in window.library.protocols if p.form_id == "orgs_form")
    assert dialog.protocol_buttons[ours.sha256].text() == "orgs_form（1）"  # its title: it names no role


def test_a_form_that_does_not_load_shows_every_problem(qtbot, library_store, tmp_path, monkeypatch):
    window = _window(qtbot, library_store)
    md = KOBO.replace("| | text | who |", "| | geopoint | where |").replace("| | start | start |", "| | osm | start |")
    path = write_xlsform(tmp_path / "bad.xlsx", md)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(path), ""))
    shown: list[str] = []

    def read(box):
        shown.append(box.detailedText())
        box.button(QMessageBox.StandardButton.Ok).click()

    answer_next(read, kind=QMessageBox)
    window.add_form_action.trigger()
    assert len(shown) == 1 and shown[0].count("bad.xlsx:survey:") == 2  # both rows, each at its place
    assert {p.form_id for p in load_library(window.store).protocols} == {p.form_id for p in window.library.protocols}
