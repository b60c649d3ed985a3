"""The interview screen with the v2 protocols: the short version, time budgets, the consent read out
with the study's details, and the question of which community is right."""

from __future__ import annotations

import pytest

from yingzao.core.forms import study
from yingzao.core.forms.engine import InterviewSession
from yingzao.ui.i18n import Translator
from yingzao.ui.interview_view import InterviewView
from yingzao.ui.study_details_dialog import StudyDetailsDialog

from tests.ui.clicks import click_button


@pytest.fixture
def open_screen(qtbot, library_store):
    store, library = library_store
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    views = []

    def open_(role="cadre", lang="zh", answers=None):
        protocol = library.by_role(role)[0]
        interview = store.start_interview(protocol.sha256, community_id="A")
        session = InterviewSession(store, interview)
        for name, value in {"consent": "yes", **(answers or {})}.items():
            session.set_value(name, value)
        view = InterviewView(session, Translator(lang), community_name="A社区")
        qtbot.addWidget(view)
        view.resize(1280, 800)
        view.show()
        qtbot.waitExposed(view)
        views.append(view)
        return view, interview

    yield store, open_
    for view in views:
        view.shutdown()


def shown(view, name):
    view.focus_question(name)
    return view.widgets[name].isVisibleTo(view.pages[view.stack.currentIndex()].widget())


def test_the_short_version_hides_optional_questions_and_probes(qtbot, open_screen):
    _store, open_ = open_screen
    view, _ = open_(answers={"par_belonging": "认同感在慢慢增强"})
    assert shown(view, "sp_ecology") and shown(view, "sp_land_assets")
    land = view.widgets["sp_land_assets"]
    assert "可选追问" in land.probes.text() and "集体资产管理的合作社" in land.probes.text()
    assert "可选" in view.widgets["sp_ecology"].badges.text()
    click_button(qtbot, view.short_box)
    assert view.short
    assert not shown(view, "sp_ecology")  # optional, unanswered: left out
    assert shown(view, "sp_land_assets")  # core: kept, with its core probes only
    assert land.probes.text().startswith("追问") and "可选追问" not in land.probes.text()
    assert "有哪些人或单位参与？各自做了什么？" in land.probes.text()
    assert shown(view, "par_belonging")  # optional but answered: never hidden
    click_button(qtbot, view.short_box)
    assert shown(view, "sp_ecology") and "可选追问" in land.probes.text()


def test_sections_show_their_time_budget_and_the_interview_its_total(open_screen):
    _store, open_ = open_screen
    view, _ = open_()
    heading = view.pages[0].widget().findChild(type(view.timer_label), "sectionHeading")
    assert heading.text() == "知情同意　·　建议 5 分钟"
    assert "建议 5 分钟" in view.navigator.item(0).text()
    assert f"（建议 {view.protocol.minutes} 分钟）" in view.timer_label.text()


def test_the_consent_reads_the_study_details_and_shows_what_is_missing(open_screen):
    store, open_ = open_screen
    study.save_study_details(store, {"institution": "某大学社会学系", "ethics_number": "2026-SOC-017"})
    view, _ = open_(lang="en")
    statement = view.widgets["consent_statement"].label.text()
    assert "carried out by 某大学社会学系" in statement and "approval number 2026-SOC-017" in statement
    assert "independent of the team: (not filled in)" in statement
    assert "{{" not in statement
    for item in ("consent_record", "consent_quote", "consent_archive", "consent_form_signed"):
        assert view.widgets[item].isVisible()


def test_the_respondents_case_is_right_and_the_interview_moves(qtbot, open_screen):
    store, open_ = open_screen
    view, interview = open_(answers={"resp_case": "B"})
    assert view.case_bar.isVisible()
    assert "“B社区”" in view.case_bar.text.text() and "“A社区”" in view.case_bar.text.text()
    click_button(qtbot, view.case_bar.stated_button)
    assert store.interview(interview).community_id == "B"
    assert [(e.old, e.new) for e in store.audit_log(interview) if e.field == "community"] == [("A", "B")]
    assert not view.case_bar.isVisible() and "B社区" in view.title.text()


def test_the_interviews_community_is_right_and_the_answer_is_corrected(qtbot, open_screen):
    store, open_ = open_screen
    view, interview = open_(answers={"resp_case": "B"})
    click_button(qtbot, view.case_bar.filed_button)
    assert store.answer(interview, "resp_case").value == "A"
    assert store.interview(interview).community_id == "A"
    assert not view.case_bar.isVisible()


def test_study_details_are_filled_in_once(qtbot, library_store):
    store, _library = library_store
    dialog = StudyDetailsDialog(store, Translator("zh"))
    qtbot.addWidget(dialog)
    assert dialog.fields["complaints_contact"].placeholderText() == "（未填写）"
    dialog.fields["complaints_contact"].setText("学校伦理委员会办公室 028-00000000")
    dialog.fields["retention"].setText("研究结束后5年")
    dialog.save()
    details = study.study_details(store)
    assert (details["complaints_contact"], details["retention"]) == (
        "学校伦理委员会办公室 028-00000000",
        "研究结束后5年",
    )
