"""Tests for yingzao.core.forms.expr: the XLSForm expression subset used by relevant, constraint and calculation."""

from __future__ import annotations

import ast
import datetime as dt
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yingzao.core.forms.expr
from yingzao.core.forms.expr import KNOWN_FUNCTIONS, Expression, ExpressionError, compile_expression

# the messages checked here are the English ones a form author reads in the English interface
pytestmark = pytest.mark.usefixtures("english_errors")

TODAY = dt.date(2024, 6, 15)


def ev(text: str, current: object = None, today: dt.date | None = TODAY, **answers: object) -> object:
    return compile_expression(text).evaluate(answers.get, current=current, today=today)


def truthy(text: str, current: object = None, today: dt.date | None = TODAY, **answers: object) -> bool:
    return compile_expression(text).truthy(answers.get, current=current, today=today)


def is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text)
    return info.value


# --- literals, arithmetic, precedence ------------------------------------------------------------


def test_literals() -> None:
    assert ev("42") == 42 and type(ev("42")) is int
    assert ev("3.25") == 3.25
    assert ev(".5") == 0.5
    assert ev("'single'") == "single"
    assert ev('"double"') == "double"
    assert ev("'是'") == "是"
    assert ev('"it\'s"') == "it's"


def test_arithmetic_operators() -> None:
    assert ev("2 + 3") == 5
    assert ev("2 - 3") == -1
    assert ev("2 * 3") == 6
    assert ev("7 div 2") == 3.5
    assert ev("6 div 3") == 2.0 and type(ev("6 div 3")) is float
    assert ev("7 mod 3") == 1
    assert ev("2.5 * 2") == 5.0
    assert ev("-4") == -4
    assert ev("- -4") == 4


def test_integer_results_stay_int() -> None:
    for text in ("1 + 2", "5 - 7", "3 * 4", "7 mod 3"):
        assert type(ev(text)) is int, text
    assert type(ev("1 + 2.0")) is float


def test_mod_truncates_like_xpath() -> None:
    assert ev("-7 mod 3") == -1
    assert ev("7 mod -3") == 1
    assert ev("5.5 mod 2") == 1.5
    assert ev("-5.5 mod 2") == -1.5


def test_division_by_zero_never_raises() -> None:
    assert ev("1 div 0") == math.inf
    assert ev("-1 div 0") == -math.inf
    assert is_nan(ev("0 div 0"))
    assert is_nan(ev("5 mod 0"))
    assert is_nan(ev("5.5 mod 0"))
    assert is_nan(ev("(1 div 0) mod 2"))
    assert is_nan(ev("${x} div ${y}"))


def test_negative_zero_keeps_its_sign_in_division() -> None:
    assert ev("1 div -0") == -math.inf
    assert ev("1 div -${x}", x=0) == -math.inf
    assert ev("-0") == 0


def test_huge_literals_do_not_crash() -> None:
    assert ev("9" * 5000 + " > 1") is True
    assert ev("1" + "0" * 400 + " div 3") == math.inf


def test_arithmetic_on_empty_is_nan() -> None:
    assert is_nan(ev("${x} + 1"))
    assert is_nan(ev("-${x}"))
    assert is_nan(ev("'abc' * 2"))


def test_numeric_strings_are_numbers() -> None:
    assert ev("${x} + 1", x="12") == 13
    assert ev("${x} * 2", x=" 3.5 ") == 7.0
    assert is_nan(ev("${x} + 1", x="1e3"))  # XPath numbers have no exponent
    assert is_nan(ev("${x} + 1", x="inf"))


def test_precedence_multiplicative_over_additive() -> None:
    assert ev("1 + 2 * 3") == 7
    assert ev("(1 + 2) * 3") == 9
    assert ev("10 - 4 div 2") == 8.0
    assert ev("10 - 7 mod 4") == 7


def test_left_associativity() -> None:
    assert ev("10 - 2 - 3") == 5
    assert ev("16 div 4 div 2") == 2.0
    assert ev("2 * 3 mod 4") == 2


def test_unary_minus_binds_tightest() -> None:
    assert ev("-2 * 3") == -6
    assert ev("-2 + 5") == 3
    assert ev("3 - -2") == 5


def test_precedence_additive_over_relational_over_equality() -> None:
    assert ev("1 + 1 = 2") is True
    assert ev("1 < 2 = 2 < 3") is True  # (1<2) = (2<3)
    assert ev("3 > 2 = 1") is True  # (3>2) = 1 compares as booleans


def test_precedence_and_over_or() -> None:
    assert ev("1 = 1 or 1 = 2 and 1 = 3") is True  # or binds loosest
    assert ev("(1 = 1 or 1 = 2) and 1 = 3") is False
    assert ev("1 = 2 and 1 = 3 or 2 = 2") is True


# --- comparisons ---------------------------------------------------------------------------------


def test_relational_operators() -> None:
    assert ev("1 < 2") is True and ev("2 < 1") is False
    assert ev("2 <= 2") is True and ev("3 <= 2") is False
    assert ev("3 > 2") is True and ev("2 > 3") is False
    assert ev("2 >= 2") is True and ev("1 >= 2") is False


def test_relational_strings_compare_as_numbers() -> None:
    assert ev("'10' > '9'") is True
    assert ev("${a} > 9", a="10") is True
    assert ev("'abc' < 'abd'") is False  # both NaN


def test_equality_operators() -> None:
    assert ev("1 = 1") is True and ev("1 != 1") is False
    assert ev("'a' = 'a'") is True and ev("'a' != 'b'") is True
    assert ev("${x} = 'yes'", x="yes") is True
    assert ev("${x} = '是'", x="是") is True
    assert ev("${x} != '是'", x="否") is True


def test_equality_number_vs_string_is_numeric() -> None:
    assert ev("${x} = 12", x="12") is True
    assert ev("${x} = 3.5", x=" 3.5 ") is True
    assert ev("${x} = 12", x="12abc") is False
    assert ev("1 = 1.0") is True


def test_equality_with_boolean_compares_booleans() -> None:
    assert ev("${x} = true()", x="yes") is True
    assert ev("${x} = false()", x="") is True
    assert ev("${x} = false()") is True
    assert ev("0 = false()") is True
    assert ev("'0' = true()") is True  # a non-empty string is true


def test_nan_never_equals() -> None:
    assert ev("(0 div 0) = (0 div 0)") is False
    assert ev("(0 div 0) != (0 div 0)") is True


# --- empty answers -------------------------------------------------------------------------------


def test_empty_answer_semantics() -> None:
    assert ev("${x} = ''") is True
    assert ev("${x} != ''") is False
    assert ev("${x} = ''", x="") is True
    assert ev("${x} = ''", x=0) is False  # an answered 0 is not empty
    assert ev("${x} > 5") is False
    assert ev("${x} < 5") is False
    assert ev("${x} = 5") is False
    assert ev("${x} != 5") is True  # NaN != 5, as in XPath
    assert ev("string-length(${x})") == 0
    assert truthy("${x}") is False
    assert truthy("not(${x})") is True


# --- logic ---------------------------------------------------------------------------------------


def test_and_or() -> None:
    assert truthy("1 = 1 and 2 = 2") is True
    assert truthy("1 = 1 and 2 = 3") is False
    assert truthy("1 = 2 or 2 = 2") is True
    assert truthy("1 = 2 or 2 = 3") is False


def test_and_or_short_circuit() -> None:
    seen: list[str] = []

    def lookup(name: str) -> object:
        seen.append(name)
        return "x"

    assert compile_expression("false() and ${a} = 'x'").evaluate(lookup) is False
    assert compile_expression("true() or ${b} = 'x'").evaluate(lookup) is True
    assert seen == []
    assert compile_expression("true() and ${c} = 'x'").evaluate(lookup) is True
    assert seen == ["c"]


# --- functions -----------------------------------------------------------------------------------


def test_known_functions() -> None:
    assert {
        "not",
        "selected",
        "count-selected",
        "string-length",
        "if",
        "coalesce",
        "today",
        "now",
        "true",
        "false",
        "concat",
        "substr",
        "contains",
        "starts-with",
        "ends-with",
        "round",
        "int",
        "number",
        "string",
        "date",
        "decimal-date-time",
        "format-date",
        "jr:choice-name",
        "regex",
        "once",
        "position",
        "count",
        "sum",
        "indexed-repeat",
    } == KNOWN_FUNCTIONS


def test_not_true_false() -> None:
    assert ev("not(1 = 2)") is True
    assert ev("not(${x})", x="a") is False
    assert ev("true()") is True
    assert ev("false()") is False
    assert ev("not(0)") is True


def test_selected() -> None:
    assert truthy("selected(${s}, 'b')", s="a b c") is True
    assert truthy("selected(${s}, 'd')", s="a b c") is False
    assert truthy("selected(${s}, 'a b')", s="a b c") is False  # a value, not a substring
    assert truthy("selected(${s}, 'a')", s="ab") is False
    assert truthy("selected(${s}, 'a')") is False
    assert truthy("selected(${s}, ${v})", s="1 2 3", v=2) is True


def test_count_selected() -> None:
    assert ev("count-selected(${s})", s="a b c") == 3
    assert ev("count-selected(${s})", s="  a   b ") == 2
    assert ev("count-selected(${s})", s="") == 0
    assert ev("count-selected(${s})") == 0
    assert truthy("count-selected(${s}) >= 2", s="a b c") is True


def test_string_length() -> None:
    assert ev("string-length('abc')") == 3
    assert ev("string-length('营造社区')") == 4  # characters, not bytes
    assert ev("string-length(${x})", x=12.5) == 4
    assert ev("string-length(${x})") == 0
    assert truthy("string-length(.) <= 5", current="短答") is True


def test_if() -> None:
    assert ev("if(${a} = 'yes', 1, 2)", a="yes") == 1
    assert ev("if(${a} = 'yes', 1, 2)", a="no") == 2
    assert ev("if(${a}, 'answered', 'empty')") == "empty"
    assert ev("if(1 = 1, '是', '否')") == "是"


def test_if_evaluates_only_the_chosen_branch() -> None:
    seen: list[str] = []

    def lookup(name: str) -> object:
        seen.append(name)
        return 1

    compile_expression("if(true(), ${a}, ${b})").evaluate(lookup)
    assert seen == ["a"]


def test_coalesce() -> None:
    assert ev("coalesce(${a}, ${b})", a="x", b="y") == "x"
    assert ev("coalesce(${a}, ${b})", b="y") == "y"
    assert ev("coalesce(${a}, ${b})", a="", b="y") == "y"
    assert ev("coalesce(${a}, 'default')", a=0) == 0  # 0 is an answer, not empty
    assert ev("coalesce(${a}, 0) + 1") == 1
    assert ev("coalesce(${a}, ${b})") is None


def test_today_uses_injected_date() -> None:
    assert ev("today()", today=dt.date(2023, 1, 2)) == dt.date(2023, 1, 2)
    assert ev("today() - ${dob}", dob=dt.date(2024, 6, 1)) == 14


def test_today_defaults_to_the_real_date() -> None:
    before = dt.date.today()
    value = ev("today()", today=None)
    assert isinstance(value, dt.date) and before <= value <= dt.date.today()


# --- current answer ------------------------------------------------------------------------------


def test_range_constraint_on_current() -> None:
    expr = compile_expression(". >= 0 and . <= 60")
    assert expr.uses_current is True
    assert expr.truthy(lambda name: None, current=30) is True
    assert expr.truthy(lambda name: None, current=0) is True
    assert expr.truthy(lambda name: None, current=60) is True
    assert expr.truthy(lambda name: None, current=61) is False
    assert expr.truthy(lambda name: None, current=-1) is False
    assert expr.truthy(lambda name: None, current="45") is True
    assert expr.truthy(lambda name: None, current=None) is False


def test_current_string_constraint() -> None:
    assert truthy(". != '是'", current="否") is True
    assert truthy(". = '是'", current="是") is True


# --- dates and times -----------------------------------------------------------------------------


def test_date_compared_with_today() -> None:
    expr = compile_expression(". <= today()")
    assert expr.truthy(lambda n: None, current=dt.date(2024, 6, 15), today=TODAY) is True
    assert expr.truthy(lambda n: None, current=dt.date(2024, 6, 14), today=TODAY) is True
    assert expr.truthy(lambda n: None, current=dt.date(2024, 6, 16), today=TODAY) is False
    assert expr.truthy(lambda n: None, current="2024-06-15", today=TODAY) is True
    assert expr.truthy(lambda n: None, current="2024-06-16", today=TODAY) is False
    assert expr.truthy(lambda n: None, current=None, today=TODAY) is False
    assert expr.truthy(lambda n: None, current="not a date", today=TODAY) is False


def test_date_comparisons_with_iso_literals() -> None:
    assert truthy("${d} > '2024-01-01'", d=dt.date(2024, 3, 1)) is True
    assert truthy("'2024-01-01' < ${d}", d=dt.date(2024, 3, 1)) is True
    assert truthy("${d} = '2024-03-01'", d=dt.date(2024, 3, 1)) is True
    assert truthy("${d} != '2024-03-02'", d=dt.date(2024, 3, 1)) is True
    assert truthy("${d} = ${e}", d=dt.date(2024, 3, 1), e=dt.date(2024, 3, 1)) is True
    assert truthy("${d} < ${e}", d=dt.date(2024, 3, 1), e=dt.date(2024, 3, 2)) is True
    assert truthy("${d} = ''") is True
    assert truthy("${d} = ''", d=dt.date(2024, 3, 1)) is False
    assert truthy("${d} = '2024-02-30'", d=dt.date(2024, 3, 1)) is False  # not a real date


def test_dates_become_day_numbers() -> None:
    assert ev("${d} + 0", d=dt.date(1970, 1, 11)) == 10
    assert ev("today() - ${d}", d="2024-06-01") == 14  # ISO text facing a date reads as a date
    assert ev("${d} + 1", d=dt.date(2024, 6, 15)) == (TODAY - dt.date(1970, 1, 1)).days + 1
    assert truthy("(today() - ${dob}) div 365.25 >= 18", dob=dt.date(2000, 1, 1)) is True


def test_times() -> None:
    assert truthy(". >= '08:00'", current=dt.time(9, 30)) is True
    assert truthy(". < '08:00:00'", current=dt.time(9, 30)) is False
    assert truthy("${a} < ${b}", a=dt.time(9, 0), b=dt.time(10, 0)) is True
    assert truthy("${a} = '09:00'", a=dt.time(9, 0)) is True
    assert ev("string-length(${a})", a=dt.time(9, 5)) == 8  # 09:05:00


def test_truthiness_of_values() -> None:
    assert truthy("${x}", x=dt.date(2024, 1, 1)) is True
    assert truthy("${x}", x=0) is False
    assert truthy("${x}", x=0.0) is False
    assert truthy("${x}", x=2) is True
    assert truthy("${x}", x="0") is True  # a non-empty string, as in XPath
    assert truthy("0 div 0") is False
    assert truthy("${x}", x=False) is False


def test_string_conversions() -> None:
    # string-length exposes the XPath string() of a value
    assert ev("string-length(${x})", x=5.0) == 1  # '5', no trailing .0
    assert ev("string-length(${x})", x=0.1) == 3  # '0.1'
    assert ev("string-length(${x})", x=1e-7) == 9  # '0.0000001', never exponent notation
    assert ev("string-length(${x})", x=dt.date(2024, 1, 1)) == 10
    assert ev("string-length(${x})", x=True) == 4  # 'true'
    assert ev("string-length(1 div 0)") == len("Infinity")
    assert ev("string-length(0 div 0)") == len("NaN")


# --- refs and metadata ---------------------------------------------------------------------------


def test_refs_collected() -> None:
    expr = compile_expression("${consent} = 'yes' and (selected(${q-2.b}, 'a') or ${_x} > 1)")
    assert expr.refs == frozenset({"consent", "q-2.b", "_x"})
    assert expr.uses_current is False
    assert expr.source == "${consent} = 'yes' and (selected(${q-2.b}, 'a') or ${_x} > 1)"


def test_refs_inside_strings_are_not_refs() -> None:
    assert compile_expression("'${not_a_ref}' = ${real}").refs == frozenset({"real"})


def test_unicode_question_names() -> None:
    assert compile_expression("${年龄} > 18").evaluate({"年龄": 30}.get) is True


def test_expression_is_hashable_value() -> None:
    a, b = compile_expression("${a} = 1"), compile_expression("${a} = 1")
    assert a == b and hash(a) == hash(b)
    assert isinstance(a, Expression)
    with pytest.raises(AttributeError):
        a.source = "x"  # type: ignore[misc]


def test_whitespace_is_insignificant() -> None:
    assert ev("  not ( ${a} = 1 )\n", a=2) is True
    assert ev("5div 2") == 2.5
    assert ev("5 div-1") == -5.0


# --- errors --------------------------------------------------------------------------------------


def test_unknown_function() -> None:
    err = error("${a} = 1 and pulldata(., '[0-9]+')")
    assert err.message.startswith("unknown function 'pulldata()'; supported: ")
    for name in KNOWN_FUNCTIONS:
        assert f"{name}()" in err.message
    assert err.position == 13
    assert isinstance(err, ValueError)
    assert str(err) == err.message


def test_unknown_prefixed_function_named_whole() -> None:
    err = error("jr:itext(${a}, '${a}')")
    assert err.message.startswith("unknown function 'jr:itext()'")
    assert err.position == 0


@pytest.mark.parametrize(
    "text, message, position",
    [
        ("selected(${a})", "selected() takes 2 arguments, got 1", 0),
        ("today(1)", "today() takes 0 arguments, got 1", 0),
        ("1 + not()", "not() takes 1 argument, got 0", 4),
        ("if(1, 2)", "if() takes 3 arguments, got 2", 0),
        ("coalesce(1, 2, 3)", "coalesce() takes 2 arguments, got 3", 0),
    ],
)
def test_wrong_arity(text: str, message: str, position: int) -> None:
    err = error(text)
    assert (err.message, err.position) == (message, position)


@pytest.mark.parametrize(
    "text, message, position",
    [
        ("(${a} = 1", "unclosed '('", 0),
        ("1 + ((2)", "unclosed '('", 4),
        ("not(${a} = 1", "unclosed '(' of not()", 3),
        ("${a} = 1)", "unmatched ')'", 8),
        ("(1 2)", "expected ')' but found '2'", 3),
        ("if(1 2, 3)", "expected ',' or ')' in if() but found '2'", 5),
        ("not(1 2)", "expected ',' or ')' in not() but found '2'", 6),
    ],
)
def test_unbalanced_parentheses(text: str, message: str, position: int) -> None:
    err = error(text)
    assert (err.message, err.position) == (message, position)


@pytest.mark.parametrize(
    "text, message, position",
    [
        ("1 2", "unexpected '2' after a complete expression; missing operator?", 2),
        ("${a} ${b}", "unexpected '${b}' after a complete expression; missing operator?", 5),
        ("${a} = 'x' 'y'", "unexpected \"'y'\" after a complete expression; missing operator?", 11),
        ("${a} = 1 AND ${b} = 2", "operators are lowercase: write 'and'", 9),
    ],
)
def test_trailing_tokens(text: str, message: str, position: int) -> None:
    err = error(text)
    assert (err.message, err.position) == (message, position)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_expression(text: str) -> None:
    err = error(text)
    assert (err.message, err.position) == ("empty expression", 0)


@pytest.mark.parametrize(
    "text, message, position",
    [
        ("abc", "unknown name 'abc'; refer to a question as ${abc} or quote text as 'abc'", 0),
        ("${a} = yes", "unknown name 'yes'; refer to a question as ${yes} or quote text as 'yes'", 7),
        ("${a} = 是", "unknown name '是'; refer to a question as ${是} or quote text as '是'", 7),
        ("true", "true is a function; write true()", 0),
        ("not ${a}", "not is a function; write not(…)", 0),
        ("and 1", "'and' needs a value before it", 0),
    ],
)
def test_bare_words(text: str, message: str, position: int) -> None:
    err = error(text)
    assert (err.message, err.position) == (message, position)


@pytest.mark.parametrize(
    "text, position",
    [
        ("/data/age > 18", 0),
        ("../age > 18", 0),
        ("..", 0),
        ("./age", 1),
        ("${a} = //x", 7),
        ("@id = 1", 0),
        (". [1]", 2),
    ],
)
def test_paths_are_rejected(text: str, position: int) -> None:
    err = error(text)
    assert "paths are not supported" in err.message
    assert "${name}" in err.message
    assert err.position == position


@pytest.mark.parametrize(
    "text, message, position",
    [
        ("1 +", "expression ends too early: a value is missing", 3),
        ("= 1", "expected a value but found '='", 0),
        ("1 + * 2", "expected a value but found '*'", 4),
        ("()", "expected a value but found ')'", 1),
        ("if(1, 2, )", "expected a value but found ')'", 9),
        ("'abc", "unterminated string: missing closing '", 0),
        ('${a} = "abc', 'unterminated string: missing closing "', 7),
        ("${a", "missing '}' after '${'", 0),
        ("$a = 1", "'$' must be followed by {name}, as in ${name}", 0),
        ("${} = 1", "invalid question name '' in ${…}", 2),
        ("${1a} = 1", "invalid question name '1a' in ${…}", 2),
        ("${a b} = 1", "invalid question name 'a b' in ${…}", 2),
        ("${a} == 1", "use '=' to compare, not '=='", 5),
        ("${a} = 1 && ${b} = 2", "unexpected character '&'; use 'and'", 9),
        ("!${a}", "unexpected character '!'; use not(…) or '!='", 0),
        ("${a} = 1 # note", "unexpected character '#'", 9),
        ("not（${a}）", "full-width or curly '（'; type the ASCII '('", 3),
        ("${a} = ‘是’", "full-width or curly '‘'; type the ASCII \"'\"", 7),
        (". ≥ 0", "full-width or curly '≥'; type the ASCII '>='", 2),
        ("1.2.3", "unexpected '.3' after a complete expression; missing operator?", 3),
    ],
)
def test_other_syntax_errors(text: str, message: str, position: int) -> None:
    err = error(text)
    assert (err.message, err.position) == (message, position)


def test_too_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    assert error("(" * 500 + "1" + ")" * 500).message == "expression is nested too deeply"
    chain = error(" or ".join(["${a} = 1"] * 300))
    assert chain.message.startswith("expression is nested too deeply")
    assert chain.position == -1
    assert truthy(" or ".join(["${a} = 1"] * 40), a=1) is True  # realistic lengths are fine


def test_error_default_position() -> None:
    assert ExpressionError("boom").position == -1
    assert ExpressionError("boom", 3).position == 3


# --- robustness ----------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["expr", "functions", "xpath_values"])
def test_module_uses_no_eval_or_exec(module: str) -> None:
    source = (Path(yingzao.core.forms.expr.__file__).parent / f"{module}.py").read_text(encoding="utf-8")
    assert "eval(" not in source
    assert "exec(" not in source
    assert "PySide" not in source
    tree = ast.parse(source)
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__", "getattr"}
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module not in (
            "yingzao.core.errors",  # its messages' Text
            "yingzao.core.forms",  # the evaluator's own modules
            "yingzao.core.forms.functions",
            "yingzao.core.forms.xpath_values",
        ):
            imported.add((node.module or "").split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}  # standard library only


_ANSWERS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["", " ", "12", " 3.5 ", "2024-02-29", "2024-02-30", "09:30", "a b c", "NaN", "-0"]),
    st.dates(),
    st.times(),
    st.datetimes(),
)
_EXPRESSIONS = [
    compile_expression(text)
    for text in (
        "${a} = ${b}",
        "${a} != ${b}",
        "${a} < ${b}",
        "${a} >= ${b}",
        "${a} + ${b}",
        "${a} - ${b}",
        "${a} * ${b}",
        "${a} div ${b}",
        "${a} mod ${b}",
        "-${a}",
        "not(${a})",
        "selected(${a}, ${b})",
        "count-selected(${a})",
        "string-length(${a})",
        "if(${a}, ${b}, .)",
        "coalesce(${a}, ${b})",
        ". <= today()",
        ". >= 0 and . <= 60",
        "${a} or ${b}",
        "string-length(${a} div ${b})",
    )
]


@settings(max_examples=300, deadline=None)
@given(a=_ANSWERS, b=_ANSWERS, current=_ANSWERS)
def test_evaluate_never_raises_on_data(a: object, b: object, current: object) -> None:
    answers = {"a": a, "b": b}
    for expr in _EXPRESSIONS:
        expr.evaluate(answers.get, current=current, today=TODAY)
        assert isinstance(expr.truthy(answers.get, current=current, today=TODAY), bool)


def test_an_expression_error_reads_in_the_interface_language(english_errors):
    from yingzao.core import errors

    with pytest.raises(ExpressionError) as raised:
        compile_expression("${a} == 1")
    assert raised.value.message == "use '=' to compare, not '=='"
    errors.set_language("zh")
    assert raised.value.message == "比较请用“=”，不要用“==”" and str(raised.value) == raised.value.message
