"""Data-quality flags: each rule on interviews made for it, the engine's relevance, and the cache."""

from __future__ import annotations

import json

import pytest

from yingzao.core.forms.engine import INTERVIEW_TIME, InterviewSession
from yingzao.core.forms.expr import ExpressionError
from yingzao.core.review import decisions as review
from yingzao.core.review import quality
from yingzao.core.store.database import Store

from tests.laptops import make_project

LONG = "好" * 100


@pytest.fixture
def project(library_store):
    """Seven finalised official interviews answered in full (100-character texts, 50 minutes each)."""
    store, library = library_store
    store.add_community("A", "A社区")
    protocol = library.by_role("official")[0]

    def make(skip=(), values=None, seconds=3000.0, finalize=True) -> str:
        values = values or {}
        interview = store.start_interview(protocol.sha256, community_id="A")
        with store.transaction():
            for question in protocol.answerable:
                if question.name in skip:
                    continue
                value = values.get(question.name, _value(protocol, question))
                if value is not None:
                    store.save_answer(interview, question.name, value)
            store.add_question_time(interview, INTERVIEW_TIME, seconds)
        if finalize:
            InterviewSession(store, interview).finalize()  # as the screen does: a refusal is its outcome
        return interview

    ids = [make() for _ in range(7)]
    return store, protocol, make, ids


def _value(protocol, question):
    if question.type == "text":
        return LONG
    if question.type in ("select_one", "select_multiple"):
        return protocol.choices[question.list_name][0].name  # consent: yes
    return {"integer": 5, "decimal": 1.5, "date": "2021-01-05", "time": "10:00"}.get(question.type)


def flags(store) -> dict[str, dict]:
    return {i: quality.flags_of(store, i) for i in quality.cached_flags(store)}


def test_a_complete_project_has_no_flags(project):
    store, _, _, _ids = project
    assert quality.refresh_flags(store)
    assert quality.cached_flags(store) == {}


def test_each_rule_flags_its_interview(project):
    store, protocol, make, _ = project
    texts = [q.name for q in protocol.answerable if q.type == "text"]
    last = protocol.sections[-1]
    last_questions = [n for n in last.questions if protocol.question(n).holds_value]
    short = make(values={texts[3]: "太短了"})
    quick = make(seconds=600.0)
    missing = make(skip={"resp_case"})
    empty = make(skip=set(last_questions))
    no_consent = make(skip={"consent"})
    draft = make(skip={"resp_case"}, finalize=False)
    quality.refresh_flags(store)
    found = flags(store)
    assert found[short] == {"short_answers": {"questions": [texts[3]]}}
    assert found[quick] == {"short_interview": {"seconds": 600, "median": 3000}}
    assert found[missing] == {"missing_required": {"questions": ["resp_case"]}}
    assert found[empty] == {"empty_section": {"sections": [last.name]}}
    assert set(found[no_consent]) >= {"consent_missing", "missing_required"}
    assert "consent" in found[no_consent]["missing_required"]["questions"]
    assert draft not in found  # drafts are not reviewed


def test_relevance_is_the_engines_a_refusal_is_not_missing_anything(project):
    store, protocol, make, _ = project
    answerable = [q.name for q in protocol.answerable]
    refused = make(values={"consent": "no"}, skip=set(answerable[1:]), seconds=60.0)
    quality.refresh_flags(store)
    assert refused not in quality.cached_flags(store)  # nothing after a refusal is asked, and it is short by nature


def test_short_answers_need_enough_answers_to_compare(library_store):
    store, library = library_store
    protocol = library.by_role("cadre")[0]
    text = next(q.name for q in protocol.answerable if q.type == "text" and not q.required)
    ids = []
    for value in (LONG, LONG, LONG, "短"):  # four answers: too few to call one of them short
        interview = store.start_interview(protocol.sha256)
        store.save_answer(interview, text, value)
        store.finalize(interview)
        ids.append(interview)
    quality.refresh_flags(store)
    assert all("short_answers" not in quality.flags_of(store, i) for i in ids)


def test_the_cache_is_recomputed_only_when_the_answers_changed(project):
    store, _protocol, make, ids = project
    assert quality.is_stale(store)
    assert quality.refresh_flags(store) is True
    assert not quality.is_stale(store) and quality.refresh_flags(store) is False
    make_project(store)
    review.approve(store, ids[0])
    review.add_comment(store, ids[1], None, "好")
    assert not quality.is_stale(store)  # decisions and comments change no flag
    make(skip={"resp_case"})
    assert quality.is_stale(store)
    assert quality.refresh_flags(store) is True
    assert len(quality.cached_flags(store)) == 1


def test_computing_writes_nothing_but_the_cache(project):
    store, _, make, _ = project
    rejected = make(skip={"resp_case"})
    make_project(store)
    review.send_back(store, rejected, "请补充")  # editable again: the engine must not save
    audit = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    quality.refresh_flags(store, force=True)
    assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit
    assert "missing_required" in quality.flags_of(store, rejected)


TOO_DEEP = "(" * 150 + "1" + ")" * 150  # more nesting than the expression parser accepts


def test_an_unreadable_condition_leaves_its_question_out_and_the_rest_is_flagged(project, library_store):
    """A protocol merged with a condition that cannot be read (issue 10, point 12) must not stop the
    flags of the whole project: the question it governs is left out of the checks (its relevance is
    unknown, so it is neither missing nor part of an empty section); every other rule still runs."""
    store, protocol, make, complete = project
    _, library = library_store
    missing = make(skip={"consent_record", "interview_start_time"})
    cadre = library.by_role("cadre")[0]
    other = store.start_interview(cadre.sha256, community_id="A")
    store.save_answer(other, "consent", "yes")
    store.finalize(other)
    definition = json.loads(
        store.conn.execute("SELECT definition FROM protocols WHERE sha256 = ?", (protocol.sha256,)).fetchone()[0]
    )
    for question in definition["questions"]:
        if question["name"] == "interview_start_time":
            question["relevant"] = [TOO_DEEP]
        if question["name"] == "interview_date":  # answered: its constraint is evaluated too
            question["constraint"] = TOO_DEEP
    with store.transaction():  # as a master that merged a poisoned definition before they were checked
        store.conn.execute(
            "UPDATE protocols SET definition = ? WHERE sha256 = ?",
            (json.dumps(definition, ensure_ascii=False), protocol.sha256),
        )
    path = store.path
    store.close()
    with Store(path) as reopened:  # the protocol as the file now holds it
        with pytest.raises(ExpressionError):  # what the flags met before
            InterviewSession(reopened, missing, read_only=True)
        assert quality.refresh_flags(reopened)
        found = flags(reopened)
    assert found[missing] == {"missing_required": {"questions": ["consent_record"]}}
    assert "missing_required" in found[other] and "resp_case" in found[other]["missing_required"]["questions"]
    assert "empty_section" in found[other]  # the other protocol's interviews are flagged as usual
    assert not set(complete) & set(found)


def test_a_stated_case_that_is_not_the_interviews_community_is_flagged(project):
    store, _protocol, make, _ = project
    store.add_community("B", "B社区")
    elsewhere = make(values={"resp_case": "B"})  # filed under A
    city = make(values={"resp_case": "city_level"})  # names no community: nothing to compare
    quality.refresh_flags(store)
    found = flags(store)
    assert found[elsewhere] == {"case_mismatch": {"questions": ["resp_case"], "stated": "B", "filed": "A"}}
    assert city not in found
