"""The interview engine without Qt: relevance, consent, calculations, validation, progress."""

from __future__ import annotations

import datetime as dt

import pytest

from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.loader import load_protocol
from yingzao.core.store.database import Store

from tests.forms import write_xlsform

FORM = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | required | relevant | constraint | constraint_message::中文 (zh) | constraint_message::English (en) | calculation | default |
| | select_one yes_no | consent | 同意？ | Consent? | yes | | | | | | |
| | begin_group | main | 主体 | Main | | ${consent} = 'yes' | | | | | |
| | integer | years | 年限 | Years | yes | | . >= 0 and . <= 60 | 0到60 | 0 to 60 | | |
| | date | day | 日期 | Day | | | . <= today() | 不能晚于今天 | Not after today | | |
| | select_multiple actors | actors | 参与方 | Actors | | | | | | | |
| | text | actors_other | 其他参与方 | Other actors | yes | selected(${actors}, 'other') | | | | | |
| | calculate | n_actors | | | | | | | | count-selected(${actors}) | |
| | text | story | 经过 | Story | | | | | | | 无 |
| | end_group | | | | | | | | | | |
| choices |
| | list_name | name | label::中文 (zh) | label::English (en) |
| | yes_no | yes | 是 | Yes |
| | yes_no | no | 否 | No |
| | actors | gov | 政府 | Government |
| | actors | other | 其他 | Other |
| settings |
| | form_id | version | default_language |
| | engine_test | 1 | 中文 (zh) |
"""


@pytest.fixture
def session(tmp_path):
    store = Store(tmp_path / "e.db", user="王芳")
    protocol = load_protocol(write_xlsform(tmp_path / "f.xlsx", FORM))
    store.add_protocol(protocol)
    interview = store.start_interview(protocol.sha256)
    yield InterviewSession(store, interview, today=dt.date(2021, 4, 2))
    store.close()


def test_nothing_after_consent_is_asked_until_it_is_given(session):
    assert session.is_relevant("consent")
    assert not session.is_relevant("years")
    session.set_value("consent", "yes")
    assert session.is_relevant("years") and not session.is_relevant("actors_other")


def test_refusing_consent_ends_the_interview_and_finalising_records_it(session):
    session.set_value("consent", "no")
    assert session.consent_refused
    assert [q.name for q in session.protocol.questions if session.is_relevant(q.name)] == ["consent"]
    assert session.issues() == []
    session.finalize()
    assert (session.interview.status, session.interview.outcome) == ("completed", "consent_refused")
    assert not session.editable


def test_relevance_and_calculations_follow_the_answers(session):
    session.set_value("consent", "yes")
    session.set_value("actors", ["gov", "other"])
    assert session.is_relevant("actors_other")
    assert session.value("n_actors") == "2"
    session.set_value("actors", ["gov"])
    assert not session.is_relevant("actors_other")
    assert session.value("n_actors") == "1"


def test_issues_say_what_is_wrong_in_the_chosen_language(session):
    session.set_value("consent", "yes")
    assert session.issue("years").kind == "required"
    session.set_value("years", 75)
    assert session.issue("years").message == "0到60"
    assert session.issue("years", "en").message == "0 to 60"
    session.set_value("day", "2021-05-01")
    assert session.issue("day").message == "不能晚于今天"
    session.set_value("day", dt.date(2021, 4, 1))
    assert session.issue("day") is None
    session.set_marker("years", "refused")
    assert session.issue("years") is None  # a refusal is an answer
    assert session.check_value("years", "abc").kind == "type"
    assert session.check_value("years", "12") is None


def test_progress_counts_relevant_questions_only(session):
    assert session.progress() == 0
    session.set_value("consent", "yes")
    before = session.progress()
    session.set_value("years", 3)
    assert session.progress() > before
    assert session.store.interview(session.id).progress == session.progress()
    section = session.protocol.sections[-1]
    progress = session.section_progress(section)
    assert (progress.answered, progress.total) == (1, 4)


def test_defaults_are_applied_once_to_a_new_interview(session):
    session.apply_defaults()
    assert session.value("story") == "无"
    session.set_value("story", "改了")
    session.apply_defaults()
    assert session.value("story") == "改了"


def test_the_shipped_protocols_run_in_the_engine(library_store):
    store, library = library_store
    for protocol in library.protocols:
        interview = store.start_interview(protocol.sha256)
        session = InterviewSession(store, interview)
        if protocol.has_question("consent"):
            session.set_value("consent", "yes")
        assert session.progress() < 100
        assert all(
            session.is_relevant(n)
            for n in protocol.sections[-1].questions
            if not protocol.question(n).relevant or "consent" in protocol.question(n).relevant[-1]
        )
