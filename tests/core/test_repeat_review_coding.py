"""Review and coding of repeat groups: each instance's answers are flagged, suggested, searched and
coded on their own, under the instance's key, and read as "2.1.3 问题？ · 第 2 项" wherever shown."""

from __future__ import annotations

import pytest

from yingzao.core import errors
from yingzao.core.coding import codebook as cb
from yingzao.core.coding import codings, search, suggestions
from yingzao.core.coding.codings import Span
from yingzao.core.coding.overview import interview_coding
from yingzao.core.forms import answer_keys, repeats
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.review import quality
from yingzao.core.review.dashboard import coverage
from yingzao.core.store.database import Store

from tests.repeat_study import add_orgs_protocol, orgs_interview

STORY = "居委会每月组织一次居民议事会，讨论停车和绿化的问题，参加的人越来越多。"


@pytest.fixture
def study(tmp_path, codebook):
    store = Store(tmp_path / "orgs.db", user="研究员")
    store.add_community("A", "A社区")
    protocol = add_orgs_protocol(store, tmp_path)
    yield store, protocol, cb.research_codebook(store, codebook)
    store.close()


def test_a_key_reads_as_its_question_number_label_and_entry(study):
    store, protocol, _book = study
    interview, (first, second) = orgs_interview(store, protocol, [{"org_name": "居委会"}, {"org_name": "企业"}])
    key = repeats.key("org_story", second)
    lists = answer_keys.instance_lists(protocol, store.answers(interview))
    assert lists == {"orgs": [first, second]}
    assert answer_keys.question_label(protocol, key, lists["orgs"], "zh") == "2.1.3 这个组织做了什么？ · 第 2 项"
    assert answer_keys.question_label(protocol, key, lists["orgs"], "en") == "2.1.3 What has it done? · Entry 2"
    assert answer_keys.question_label(protocol, key, lists["orgs"], "en", text=False) == "2.1.3 · Entry 2"
    assert answer_keys.question_label(protocol, "intro", (), "zh") == "1.1 请介绍一下社区的情况。"
    assert answer_keys.question_label(protocol, "nothing_here", (), "zh") == "nothing_here"
    assert answer_keys.instance_heading(protocol, "orgs", 1, "zh") == "2.1 各个组织 · 第 1 项"
    assert answer_keys.interview_question_label(store, interview, key, "zh").endswith("第 2 项")
    # an instance taken out reads as removed, never as another entry's position
    InterviewSession(store, interview).remove_instance("orgs", first)
    assert answer_keys.interview_question_label(store, interview, key, "zh").endswith("第 1 项")
    gone = repeats.key("org_name", first)
    assert (
        answer_keys.interview_question_label(store, interview, gone, "en")
        == "2.1.1 Organisation's name? · removed entry"
    )
    assert answer_keys.answerable_keys(protocol, {"orgs": [second]}) == [
        "intro",
        f"org_name#{second}",
        f"org_kind#{second}",
        f"org_story#{second}",
        "closing",
    ]


def test_protocol_suggestions_apply_to_each_instance_answer(study):
    store, protocol, book = study
    interview, (first, second) = orgs_interview(
        store,
        protocol,
        [
            {"org_name": "街道", "org_kind": "gov", "org_story": STORY},
            {"org_name": "科技公司", "org_kind": "firm", "org_story": "出钱修了篮球场"},
        ],
    )
    pending = suggestions.suggestions(store, book, interview)
    assert [(s.question, s.code) for s in pending] == [
        (f"org_kind#{first}", "ACT.GOV"),  # only the choice ticked in that instance
        (f"org_story#{first}", "DIM.SUBJECT"),
        (f"org_kind#{second}", "ACT.MARKET"),
        (f"org_story#{second}", "DIM.SUBJECT"),
    ]
    assert pending[1].text == STORY
    accepted = suggestions.accept(store, book, pending[1])
    assert (accepted.question, accepted.quote, accepted.origin) == (f"org_story#{first}", STORY, "suggestion")
    suggestions.reject(store, pending[3])
    left = [(s.question, s.code) for s in suggestions.suggestions(store, book, interview)]
    assert left == [(f"org_kind#{first}", "ACT.GOV"), (f"org_kind#{second}", "ACT.MARKET")]
    assert suggestions.accept_all(store, book, interview) == 2
    assert suggestions.suggestions(store, book, interview) == []
    row = interview_coding(store, book, interview)
    assert (row.answers, row.coded, row.suggestions) == (6, 3, 0)  # each instance's answers count


def test_quality_flags_count_repeated_questions_per_instance(study):
    store, protocol, _book = study
    ids = []
    for n in range(5):  # five long stories to compare with, in instances of five interviews
        interview, _ = orgs_interview(store, protocol, [{"org_name": f"组织{n}", "org_story": STORY}])
        store.save_answer(interview, "intro", "社区在开发区里")
        store.save_answer(interview, "closing", "没有了")
        ids.append(interview)
    short, (named, unnamed) = orgs_interview(
        store, protocol, [{"org_name": "业委会", "org_story": "开会"}, {"org_story": STORY}]
    )
    store.save_answer(short, "intro", "社区在开发区里")
    # answers only inside the repeat: its section is not empty; the sections around it are
    inside_only, _ = orgs_interview(store, protocol, [{"org_name": "老年协会", "org_story": STORY}])
    # instances added but nothing said in them: the section of the repeat is empty
    silent, (blank,) = orgs_interview(store, protocol, [{}])
    store.save_answer(silent, "intro", "社区在开发区里")
    for interview in [*ids, short, inside_only, silent]:
        store.finalize(interview)
    quality.refresh_flags(store, force=True)
    assert all(quality.flags_of(store, i) == {} for i in ids)
    found = quality.flags_of(store, short)
    assert found["missing_required"] == {"questions": [f"org_name#{unnamed}"]}
    assert found["short_answers"] == {"questions": [f"org_story#{named}"]}
    assert "empty_section" in found and found["empty_section"]["sections"] == ["close"]
    assert quality.flags_of(store, inside_only)["empty_section"] == {"sections": ["about", "close"]}
    silent_flags = quality.flags_of(store, silent)
    assert silent_flags["empty_section"] == {"sections": ["orgs_part", "close"]}
    assert silent_flags["missing_required"] == {"questions": [f"org_name#{blank}"]}


def test_search_over_instance_answers_labels_and_codes_all_hits(study):
    store, protocol, book = study
    interview, (first, second) = orgs_interview(
        store, protocol, [{"org_name": "居委会", "org_story": STORY}, {"org_name:note": "议事会的召集人"}]
    )
    hits = search.search(store, "议事会")
    assert {(h.question, h.target) for h in hits} == {(f"org_story#{first}", "answer"), (f"org_name#{second}", "note")}
    labels = {answer_keys.interview_question_label(store, h.interview_id, h.question, "zh") for h in hits}
    assert labels == {"2.1.3 这个组织做了什么？ · 第 1 项", "2.1.1 组织名称？ · 第 2 项"}
    # the repeat's own row (its instance ids) is stored as text, but nobody said it: never a hit
    assert search.search(store, first[:5]) == []
    with pytest.raises(errors.CodingError):
        codings.apply_code(store, book, Span(interview, "orgs", "answer", 0, 5), "DIM.ORG")
    made = search.code_all_hits(store, book, hits, "FAC.AUTONOMY")
    assert sorted((c.question, c.target, c.quote) for c in made) == [
        (f"org_name#{second}", "note", "议事会"),
        (f"org_story#{first}", "answer", "议事会"),
    ]


def test_a_coding_on_an_instance_survives_a_move_and_is_flagged_when_its_answer_goes(study):
    store, protocol, book = study
    interview, (first, _second) = orgs_interview(
        store, protocol, [{"org_name": "居委会", "org_story": STORY}, {"org_name": "企业", "org_story": "修了篮球场"}]
    )
    key = repeats.key("org_story", first)
    at = STORY.index("居民议事会")
    coding = codings.apply_code(store, book, Span(interview, key, "answer", at, at + 5), "FAC.AUTONOMY")
    session = InterviewSession(store, interview)
    session.move_instance("orgs", first, 1)  # the organisation is now the second entry
    [kept] = codings.codings_of(store, interview)
    assert (kept.id, kept.question, kept.start, kept.anchor) == (coding.id, key, at, "ok")
    assert answer_keys.interview_question_label(store, interview, key, "zh").endswith("第 2 项")
    # revised in its instance: re-anchored to the same words
    session.set_value(key, "补充：" + STORY)
    [moved] = codings.codings_of(store, interview)
    assert moved.anchor == "ok" and moved.start == at + 3
    # the instance removed: its answer cleared, the coding kept and flagged for its coder
    session.remove_instance("orgs", first)
    codings.settle_anchors(store)
    flagged = store.coding.coding(coding.id)
    assert (flagged.state, flagged.anchor, flagged.quote) == ("live", "text_changed", "居民议事会")
    assert answer_keys.interview_question_label(store, interview, key, "zh").endswith("已删除的项")


def test_the_dashboard_counts_instance_answers_under_their_question(study, codebook):
    store, protocol, _book = study
    interview, _ = orgs_interview(
        store, protocol, [{"org_story": STORY}, {"org_story": "修了篮球场"}], community_id="A"
    )
    store.finalize(interview)
    found = coverage(store, codebook)
    assert found.get("A", "DIM.SUBJECT") == 2 and found.get("A", "DIM.SPACE") == 0
