"""The ODK functions forms from ODK and Kobo use: what each returns, and that none of them raises or
hangs on any answer (hypothesis properties, like test_fuzz_expr)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from yingzao.core.forms.expr import ExpressionError, compile_expression
from yingzao.core.forms.functions import MAX_MATCHED, regex_problem

TODAY = dt.date(2024, 6, 15)
FUZZ = settings(max_examples=300, deadline=None, derandomize=True)


def ev(text: str, current: object = None, **answers: object) -> object:
    return compile_expression(text).evaluate(answers.get, current=current, today=TODAY)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("concat('a', ${n}, 'b')", "a3b"),
        ("concat(${missing})", ""),
        ("substr('营造社区', 0, 2)", "营造"),
        ("substr('hello', 2)", "llo"),
        ("substr('hello', 3, 99)", "lo"),
        ("substr('hello', 'x')", ""),
        ("contains('街道办事处', '街道')", True),
        ("starts-with(${t}, 'ab')", True),
        ("ends-with(${t}, 'cd')", True),
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(1.005, 2)", 1.01),
        ("round(1234, -2)", 1200.0),
        ("int(-3.7)", -3),
        ("int('12.9')", 12),
        ("number('12')", 12.0),
        ("string(1.50)", "1.5"),
        ("string(${missing})", ""),
        ("date('2024-03-05')", dt.date(2024, 3, 5)),
        ("date(1)", dt.date(1970, 1, 2)),
        ("date('not a date')", ""),
        ("decimal-date-time('1970-01-02T12:00:00')", 1.5),
        ("format-date('2024-03-05', '%Y-%m-%d %e/%n %b %a %y')", "2024-03-05 5/3 Mar Tue 24"),
        ("format-date('nonsense', '%Y')", ""),
        ("regex('13800138000', '^1[3-9][0-9]{9}$')", True),
        ("regex('12345', '^1[3-9][0-9]{9}$')", False),
        ("regex('abc123', '[0-9]+')", True),  # found anywhere, as JavaRosa does
        ("once(5)", 5),
        ("position(..)", 1),
    ],
)
def test_function_values(text: str, expected: object) -> None:
    assert ev(text, n=3, t="abcd") == expected


def test_once_keeps_a_value_already_there() -> None:
    assert ev("once(concat('b', 'c'))", current="a") == "a"
    assert ev("once(concat('b', 'c'))", current="") == "bc"


def test_choice_name_asks_the_form_for_the_label() -> None:
    labels = {("district", "d1"): "东城区"}
    expression = compile_expression("jr:choice-name(${district}, '${district}')")
    value = expression.evaluate({"district": "d1"}.get, choice_name=lambda q, v: labels.get((q, str(v)), ""))
    assert value == "东城区"
    assert expression.evaluate({"district": "d1"}.get) == ""  # no form to ask: empty, not an error


def test_choice_filter_reads_the_choice_columns() -> None:
    expression = compile_expression("district = ${district} and name != 'x'", frozenset({"district", "name"}))
    assert expression.refs == {"district"}
    assert expression.truthy({"district": "d1"}.get, fields={"district": "d1", "name": "a"}) is True
    assert expression.truthy({"district": "d2"}.get, fields={"district": "d1", "name": "a"}) is False
    with pytest.raises(ExpressionError) as raised:
        compile_expression("district = ${district}")
    assert "unknown name 'district'" in raised.value.text.en  # outside a choice_filter a bare word is a mistake


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a*)*", "(a|aa)*b", "(x+x+)+y", r"(a)\1", "(ab|cd)+"])
def test_catastrophic_patterns_are_refused_when_the_form_loads(pattern: str) -> None:
    assert regex_problem(pattern) is not None
    with pytest.raises(ExpressionError) as raised:
        compile_expression(f"regex(., '{pattern}')")
    assert "regex()" in raised.value.text.en


@pytest.mark.parametrize("pattern", [r"^\d{11}$", r"^[\w.+-]+@[\w-]+\.[\w.]+$", "^(yes|no)$", "^[A-Z]{2}[0-9]{4}$"])
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert regex_problem(pattern) is None


def test_a_pattern_from_an_answer_is_checked_when_matched() -> None:
    expression = compile_expression("regex(${text}, ${pattern})")
    assert expression.truthy({"text": "a" * 30 + "!", "pattern": "(a+)+$"}.get) is False
    assert expression.truthy({"text": "abc", "pattern": "b"}.get) is True


def test_an_answer_longer_than_any_regex_checks_does_not_match() -> None:
    assert ev("regex(${t}, 'a')", t="a" * (MAX_MATCHED + 1)) is False


@pytest.mark.parametrize(
    "text, message",
    [
        ("round()", "round() takes 1 to 2 arguments, got 0"),
        ("concat()", "concat() takes at least 1 argument, got 0"),
        ("substr('a')", "substr() takes 2 to 3 arguments, got 1"),
        ("position(${a})", "position() takes 0 arguments, got 1"),
    ],
)
def test_arity_messages(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        compile_expression(text)
    assert raised.value.text.en == message


def test_parent_step_is_only_for_position() -> None:
    with pytest.raises(ExpressionError) as raised:
        compile_expression("concat(..)")
    assert "paths are not supported" in raised.value.text.en


answers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.dates(),
    st.times(),
    st.datetimes(),
    st.sampled_from(["2024-02-30", "2024-01-31T25:00", "NaN", "-1e400", "9" * 400, "%", "(a+)+$", "a" * 40]),
)
_atoms = st.sampled_from(["${a}", "${b}", ".", "1", "-2.5", "'x'", "''", "today()", "'%Y-%m-%d %a'", "'(a|b)+'"])
_calls = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.builds(lambda f, x: f"{f}({x})", st.sampled_from(["int", "number", "string", "date", "once"]), inner),
        st.builds(lambda f, x: f"{f}({x})", st.sampled_from(["decimal-date-time", "round", "concat"]), inner),
        st.builds(
            lambda f, x, y: f"{f}({x}, {y})",
            st.sampled_from(["contains", "starts-with", "ends-with", "round", "format-date", "regex", "substr"]),
            inner,
            inner,
        ),
        st.builds(lambda x, y, z: f"substr({x}, {y}, {z})", inner, inner, inner),
        st.builds(lambda x, y: f"jr:choice-name({x}, {y})", inner, inner),
        st.builds(lambda x, y: f"({x} + {y})", inner, inner),
    ),
    max_leaves=10,
)


@FUZZ
@given(text=_calls, a=answers, b=answers, current=answers)
@example(text="round(${a}, ${b})", a=1e308, b=-400, current=None)
@example(text="date(${a})", a=10**30, b=None, current=None)
@example(text="regex(${a}, ${b})", a="a" * 40 + "!", b="(a+)+$", current=None)
def test_functions_never_raise_on_any_answer(text: str, a: object, b: object, current: object) -> None:
    try:
        expression = compile_expression(text)
    except ExpressionError:
        return  # a literal pattern refused at load time
    values = {"a": a, "b": b}
    value = expression.evaluate(values.get, current=current, today=TODAY, choice_name=lambda q, v: str(v))
    assert value is None or isinstance(value, (str, bool, int, float, dt.date, dt.time))
    if isinstance(value, float) and not math.isnan(value):
        assert value == value


@FUZZ
@given(pattern=st.text(alphabet="ab()|*+?{}1,[]^$.\\", max_size=16))
def test_any_pattern_is_refused_or_matches_a_long_answer_quickly(pattern: str) -> None:
    # what regex_problem lets through may not backtrack exponentially: the longest answer matched
    # against it has to finish (a hang here would stop the run; nothing is timed)
    if regex_problem(pattern) is None:
        compile_expression("regex(${a}, ${b})").evaluate({"a": "ab" * 400 + "!", "b": pattern}.get)
