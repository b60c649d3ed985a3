"""The value checks that refuse a bad answer: every type's refusal, in Chinese and in English, names what
was typed and says what to type instead; what fits is stored in one canonical form and read back."""

from __future__ import annotations

import datetime as dt

import pytest

from yingzao.core.forms.engine import InterviewSession
from yingzao.core.store.values import ValueProblem, from_stored, to_stored

# (type, what was typed, words of the Chinese refusal, words of the English refusal)
REFUSED = [
    ("integer", "约30", ["“约30”不是整数", "例如 6338", "备注"], ["'约30' is not a whole number", "e.g. 6338", "note"]),
    ("integer", "30+", ["“30+”不是整数"], ["'30+' is not a whole number"]),
    ("integer", "1,000", ["“1,000”不是整数", "千位逗号"], ["'1,000' is not a whole number", "thousands"]),
    ("integer", "3.5", ["“3.5”不是整数"], ["'3.5' is not a whole number"]),
    ("integer", 2.5, ["“2.5”不是整数"], ["'2.5' is not a whole number"]),
    ("integer", True, ["“True”不是整数"], ["'True' is not a whole number"]),
    ("decimal", "12.5元", ["“12.5元”不是数字", "例如 12.5"], ["'12.5元' is not a number", "e.g. 12.5"]),
    ("decimal", "1.2.3", ["“1.2.3”不是数字"], ["'1.2.3' is not a number"]),
    ("decimal", "abc", ["“abc”不是数字"], ["'abc' is not a number"]),
    (
        "date",
        "2026",
        ["“2026”不是完整的日期", "年-月-日", "2026-03-12"],
        ["'2026' is not a complete date", "year-month-day", "2026-03-12"],
    ),
    ("date", "2026-02-30", ["“2026-02-30”不是完整的日期"], ["'2026-02-30' is not a complete date"]),
    ("date", "2026/03/12", ["“2026/03/12”不是完整的日期"], ["'2026/03/12' is not a complete date"]),
    (
        "time",
        "25:70",
        ["“25:70”不是有效的时间", "时:分", "09:30"],
        ["'25:70' is not a valid time", "hours:minutes", "09:30"],
    ),
    ("time", "9点半", ["“9点半”不是有效的时间"], ["'9点半' is not a valid time"]),
    ("time", "24:00", ["“24:00”不是有效的时间", "23:59"], ["'24:00' is not a valid time", "23:59"]),
]


@pytest.mark.parametrize(
    ("question_type", "typed", "zh_words", "en_words"), REFUSED, ids=[f"{t}-{v}" for t, v, _, _ in REFUSED]
)
def test_a_value_that_does_not_fit_is_refused_in_both_languages(question_type, typed, zh_words, en_words, monkeypatch):
    with pytest.raises(ValueProblem) as refused:
        to_stored(question_type, typed)
    problem = refused.value
    assert all(word in problem.text.zh for word in zh_words), problem.text.zh
    assert all(word in problem.text.en for word in en_words), problem.text.en
    assert str(problem) == problem.text.zh  # the interface language, Chinese by default
    monkeypatch.setattr("yingzao.core.errors.base._language", "en")
    assert str(problem) == problem.text.en


ACCEPTED = [
    ("integer", "30", 30),
    ("integer", "３０", 30),  # full-width digits from a Chinese keyboard
    ("integer", " +5 ", 5),
    ("integer", "-2", -2),
    ("integer", "5.0", 5),
    ("integer", 7.0, 7),
    ("integer", 12, 12),
    ("decimal", "12.5", 12.5),
    ("decimal", ".5", 0.5),
    ("decimal", "１２．５", 12.5),
    ("decimal", 3, 3.0),
    ("date", "2026-03-12", "2026-03-12"),
    ("date", dt.date(2026, 3, 12), "2026-03-12"),
    ("date", dt.datetime(2026, 3, 12, 9, 30), "2026-03-12"),
    ("time", "9:05", "09:05"),
    ("time", "09:05:00", "09:05"),
    ("time", "09:05:30", "09:05:30"),
    ("time", dt.time(9, 5), "09:05"),
    ("select_multiple", ["party", "street", "party"], "party street"),
    ("select_multiple", "street  party", "street party"),
    ("select_multiple", [], None),
    ("text", "  居民议事会  ", "  居民议事会  "),
    ("text", "   ", None),
    ("integer", None, None),
]


@pytest.mark.parametrize(("question_type", "typed", "stored"), ACCEPTED, ids=[f"{t}-{v!r}" for t, v, _ in ACCEPTED])
def test_a_value_that_fits_is_stored_in_one_form(question_type, typed, stored):
    result = to_stored(question_type, typed)
    assert result == stored
    assert type(result) is type(stored)


def test_stored_dates_and_times_are_read_back_as_dates_and_times():
    assert from_stored("date", "2026-03-12") == dt.date(2026, 3, 12)
    assert from_stored("time", "09:05") == dt.time(9, 5)
    # a stored value the checks never saw (an old or hand-edited database) is shown as it is
    assert from_stored("date", "去年") == "去年"
    assert from_stored("time", "早上") == "早上"
    assert from_stored("integer", 30) == 30


@pytest.fixture
def session(library_store):
    store, library = library_store
    interview = store.start_interview(library.by_role("cadre")[0].sha256)
    session = InterviewSession(store, interview)
    session.set_value("consent", "yes")
    return session


def test_a_refused_value_is_not_written_and_the_issue_says_what_is_still_saved(session):
    store = session.store
    assert session.type_value("resp_tenure_years", "12")
    assert not session.type_value("resp_tenure_years", "约12")
    assert store.answer(session.id, "resp_tenure_years").value == 12
    zh = session.issue("resp_tenure_years", "zh")
    en = session.issue("resp_tenure_years", "en")
    assert zh.kind == en.kind == "type"
    assert "“约12”不是整数" in zh.message and "未保存；保存的仍是 12" in zh.message
    assert "'约12' is not a whole number" in en.message and "the saved answer is still 12" in en.message
    # typing a value that fits clears the refusal
    assert session.type_value("resp_tenure_years", "13")
    assert session.issue("resp_tenure_years") is None
    assert store.answer(session.id, "resp_tenure_years").value == 13


@pytest.mark.parametrize(
    ("question", "typed", "zh_words", "en_words"),
    [
        ("interview_date", "2026-13-01", "不是完整的日期", "is not a complete date"),
        ("interview_start_time", "9点", "不是有效的时间", "is not a valid time"),
        ("resp_tenure_years", "十二", "不是整数", "is not a whole number"),
    ],
)
def test_check_value_refuses_before_saving_in_either_language(session, question, typed, zh_words, en_words):
    zh = session.check_value(question, typed, "zh")
    en = session.check_value(question, typed, "en")
    assert zh.kind == en.kind == "type"
    assert zh_words in zh.message and typed in zh.message
    assert en_words in en.message and typed in en.message
    assert session.store.answer(session.id, question) is None


def test_a_value_of_the_right_type_outside_the_protocols_range_is_refused_by_its_constraint(session):
    zh = session.check_value("resp_tenure_years", "61", "zh")
    en = session.check_value("resp_tenure_years", "61", "en")
    assert zh.kind == "constraint" and zh.message == "任职年限应在0—60年之间。"
    assert en.message == "Years in post must be between 0 and 60."
    assert session.check_value("resp_tenure_years", "60") is None
