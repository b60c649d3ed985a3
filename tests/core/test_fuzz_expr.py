"""Fuzzing expressions as a hostile or careless protocol writes them: token soup, deep nesting,
huge numbers, odd characters. The property: compiling raises ExpressionError or gives an expression,
and a compiled expression evaluates on any answers without raising; never another exception, never
a hang. Derandomized and bounded."""

from __future__ import annotations

import datetime as dt

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from yingzao.core.forms.expr import ExpressionError, compile_expression

FUZZ = settings(max_examples=300, deadline=None, derandomize=True)
TODAY = dt.date(2024, 6, 15)

TOKENS = [
    "${a}",
    "${b}",
    "${c.d}",
    "${}",
    "$",
    "{",
    "}",
    ".",
    "..",
    "(",
    ")",
    ",",
    "'x'",
    '"y"',
    "'",
    "1",
    "0",
    "-1",
    "1.5",
    "1e9",
    "99999999999999999999999999",
    "+",
    "-",
    "*",
    "div",
    "mod",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "and",
    "or",
    "not(",
    "selected(",
    "count-selected(",
    "string-length(",
    "if(",
    "coalesce(",
    "today()",
    "now()",
    "concat(",
    "regex(",
    "int(",
    "round(",
    "nosuch(",
    "（",
    "）",
    "＝",
    "，",
    "“",
    "”",
    " ",
    "\t",
    "\n",
    "\x00",
    "\ud800",
    "中文",
    "true()",
    "false()",
]

# well-formed expressions too, so that evaluation gets fuzzed as much as parsing
_atoms = st.sampled_from(
    ["${a}", "${b}", "${c.d}", ".", "1", "0", "-2.5", "'yes'", "''", "today()", "true()", "99999999999999999999"]
)
_grammar = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.builds(
            lambda x, op, y: f"({x} {op} {y})",
            inner,
            st.sampled_from(["+", "-", "*", "div", "mod", "=", "!=", "<", "<=", ">", ">=", "and", "or"]),
            inner,
        ),
        st.builds(lambda f, x: f"{f}({x})", st.sampled_from(["not", "count-selected", "string-length"]), inner),
        st.builds(lambda x, y: f"selected({x}, {y})", inner, inner),
        st.builds(lambda x, y, z: f"if({x}, {y}, {z})", inner, inner, inner),
        st.builds(lambda x, y: f"coalesce({x}, {y})", inner, inner),
        st.builds(lambda x: f"-{x}", inner),
    ),
    max_leaves=12,
)

expressions = st.one_of(
    _grammar,
    _grammar,
    _grammar,
    _grammar,
    st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
    st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
    st.text(max_size=40),
    st.builds(
        lambda opening, middle, depth: opening * depth + middle + ")" * depth,
        st.sampled_from(["(", "not(", "-(", "if(1,", "coalesce("]),
        st.sampled_from(["1", "${a}", ""]),
        st.integers(0, 3000),
    ),
    st.builds(lambda op, n: "1" + op * n, st.sampled_from([" + 1", " and 1", " = 1", "-"]), st.integers(0, 5000)),
)
answers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.dates(),
    st.times(),
    st.sampled_from(["yes no", "", "2024-02-30", "NaN"]),
)


@FUZZ
@given(text=expressions, a=answers, b=answers, current=answers)
@example(text="(" * 200 + "1" + ")" * 200, a=None, b=None, current=None)  # nested too deeply
@example(text="1" + " + 1" * 5000, a=None, b=None, current=None)  # too long a chain for the evaluator
@example(text="-" * 3000 + "1", a=None, b=None, current=None)
@example(text="${a} = '\ud800'", a="\ud800", b=None, current=None)
def test_any_text_compiles_or_is_refused_and_evaluates_without_raising(text, a, b, current):
    try:
        expression = compile_expression(text)
    except ExpressionError as error:
        assert error.message
        event("refused")
        return
    event("compiled")
    values = {"a": a, "b": b, "c.d": a}
    expression.evaluate(values.get, current=current, today=TODAY)
    assert isinstance(expression.truthy(values.get, current=current, today=TODAY), bool)
