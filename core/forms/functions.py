"""The ODK XPath functions beyond the basic ones: text, numbers, dates and regex(), evaluated safely.

Each takes evaluated values and returns one; like the rest of the evaluator none of them may raise
on any answer (an unanswered question, text in a number, a date that is not one): they return NaN
or '' instead, as ODK Collect does, so a form never stops an interview.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from yingzao.core.errors import Text
from yingzao.core.forms.xpath_values import EPOCH_DT, ISO_DATE, to_number, to_string

# --- regex() ------------------------------------------------------------------------------------

# Python's re backtracks; a pattern with a repeat inside a repeat ((a+)+, (a|aa)*) can take
# exponential time on a short answer. Such patterns are refused when the form loads, and answers
# are matched only up to a length no regex constraint of a form needs (ids, phones, emails).
MAX_PATTERN = 500
MAX_MATCHED = 1_000
_UNBOUNDED = 2  # a repeat allowing this many or more is a loop the engine may backtrack through


def regex_problem(pattern: str) -> Text | None:
    """Why a regex() pattern cannot be used (None: it can)."""
    if len(pattern) > MAX_PATTERN:
        return Text(
            f"regex() 的模式超过 {MAX_PATTERN} 个字符", f"the regex() pattern is longer than {MAX_PATTERN} characters"
        )
    try:
        parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]  # the stdlib's own parse tree
    except (re.error, RecursionError, OverflowError) as error:
        return Text(f"regex() 的模式无效（{error}）", f"the regex() pattern is invalid ({error})")
    if _nested_repeat(list(parsed), inside=False):
        return Text(
            "regex() 的模式在重复中又有重复或选择（如 (a+)+、(a|b)*），匹配可能永不结束；请改写成不嵌套的形式",
            "the regex() pattern repeats a repeat or an alternative (like (a+)+ or (a|b)*), which can take "
            "forever to match; write it without the nesting",
        )
    return None


def _nested_repeat(items: list, inside: bool) -> bool:
    """True when an unbounded repeat contains another repeat, an alternation or a back-reference."""
    constants = re._constants  # type: ignore[attr-defined]
    repeats = {constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT}
    for op, av in items:
        if op in repeats:
            _low, high, sub = av
            unbounded = high >= _UNBOUNDED
            if inside and unbounded:
                return True
            if _nested_repeat(list(sub), inside or unbounded):
                return True
        elif op == constants.SUBPATTERN:
            if _nested_repeat(list(av[-1]), inside):
                return True
        elif op == constants.BRANCH:
            if inside:
                return True
            if any(_nested_repeat(list(branch), inside) for branch in av[1]):
                return True
        elif op in (constants.GROUPREF, constants.GROUPREF_EXISTS) or (
            op in (constants.ASSERT, constants.ASSERT_NOT) and _nested_repeat(list(av[1]), inside)
        ):
            return True
    return False


def _regex(value: object, pattern: object) -> bool:
    text, source = to_string(value), to_string(pattern)
    if len(text) > MAX_MATCHED or regex_problem(source) is not None:
        return False  # a pattern from an answer, not checked at load: refused here instead
    try:
        return re.search(source, text) is not None  # JavaRosa's regex() finds, it does not fullmatch
    except (re.error, RecursionError, OverflowError):
        return False


# --- text ---------------------------------------------------------------------------------------


def _substr(text: object, start: object, end: object = None) -> str:
    """JavaRosa's substr(): 0-based start, end exclusive (not XPath's 1-based substring())."""
    value = to_string(text)
    first = to_number(start)
    last = len(value) if end is None else to_number(end)
    if math.isnan(first) or math.isnan(last):
        return ""
    first, last = max(0, min(len(value), int(first))), max(0, min(len(value), int(last)))
    return value[first:last]


_PATH_NAME = re.compile(r"^\s*(?:\$\{([^}]+)\}|(?:\.\./|/)?(?:[\w.-]+/)*([\w.-]+))\s*$")


def question_named(where: str) -> str | None:
    """The question jr:choice-name()'s second argument names: '${q}' or an XPath like '/data/q'."""
    match = _PATH_NAME.match(where)
    if not match:
        return None
    return match.group(1) or match.group(2)


# --- numbers ------------------------------------------------------------------------------------


def _round(value: object, digits: object = 0) -> float:
    """ODK's round(): half away from zero, to `digits` places (negative: tens, hundreds)."""
    number, places = to_number(value), to_number(digits)
    if math.isnan(places) or math.isinf(places):
        return math.nan
    if math.isnan(number) or math.isinf(number):
        return float(number)
    places = int(places)
    if abs(places) > 300:
        return math.nan
    try:
        quantum = Decimal(1).scaleb(-places)
        return float(Decimal(repr(float(number))).quantize(quantum, rounding=ROUND_HALF_UP))
    except (InvalidOperation, OverflowError, ValueError):
        return math.nan


def _int(value: object) -> int | float:
    number = to_number(value)
    if math.isnan(number) or math.isinf(number):
        return number
    return int(number)  # toward zero, like JavaRosa's int()


# --- dates --------------------------------------------------------------------------------------

_ISO_DATETIME = re.compile(
    r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?\s*"
)
_MAX_DAYS = 3_000_000  # beyond year 9999: no date


def _as_datetime(value: object) -> datetime.datetime | None:
    """A date or time of day as ODK reads it: a date, an ISO text, or a number of days since 1970."""
    try:
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, datetime.date):
            return datetime.datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            if match := _ISO_DATETIME.fullmatch(value):
                parts = [int(p or 0) for p in match.groups()]
                return datetime.datetime(*parts)  # type: ignore[arg-type]
            if match := ISO_DATE.fullmatch(value):
                year, month, day = (int(part) for part in match.groups())
                return datetime.datetime(year, month, day)
        if isinstance(value, (bool, datetime.time)):
            return None
        days = to_number(value)
        if math.isnan(days) or math.isinf(days) or abs(days) > _MAX_DAYS:
            return None
        return EPOCH_DT + datetime.timedelta(days=days)
    except (ValueError, OverflowError):
        return None


def _date(value: object) -> datetime.date | str:
    moment = _as_datetime(value)
    return moment.date() if moment is not None else ""


def _decimal_date_time(value: object) -> float:
    moment = _as_datetime(value)
    return (moment - EPOCH_DT).total_seconds() / 86400 if moment is not None else math.nan


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FORMAT_CODES: dict[str, Callable[[datetime.datetime], str]] = {
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "b": lambda d: _MONTHS[d.month - 1],
    "d": lambda d: f"{d.day:02d}",
    "e": lambda d: str(d.day),
    "a": lambda d: _DAYS[d.weekday()],
    "H": lambda d: f"{d.hour:02d}",
    "h": lambda d: str(d.hour),
    "M": lambda d: f"{d.minute:02d}",
    "S": lambda d: f"{d.second:02d}",
    "3": lambda d: f"{d.microsecond // 1000:03d}",
}


def _format_date(value: object, form: object) -> str:
    """format-date() with ODK's codes (%Y %y %m %n %b %d %e %a %H %h %M %S %3); other text as it is."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    pattern, out, i = to_string(form), [], 0
    while i < len(pattern):
        if pattern[i] == "%" and i + 1 < len(pattern) and pattern[i + 1] in _FORMAT_CODES:
            out.append(_FORMAT_CODES[pattern[i + 1]](moment))
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


SIMPLE: dict[str, Callable[..., object]] = {
    "substr": _substr,
    "round": _round,
    "int": _int,
    "date": _date,
    "decimal-date-time": _decimal_date_time,
    "format-date": _format_date,
    "regex": _regex,
}

__all__ = ["MAX_MATCHED", "SIMPLE", "question_named", "regex_problem"]
