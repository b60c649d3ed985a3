"""XPath 1.0 value conversions as ODK Collect applies them: number(), string(), boolean() of answers.

Shared by the expression evaluator (`expr`) and its function library (`functions`), so both read an
answer the same way.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from decimal import Decimal

EPOCH = datetime.date(1970, 1, 1)
EPOCH_DT = datetime.datetime(1970, 1, 1)
# XPath's Number production: no sign other than '-', no exponent, no inf/nan, ASCII digits only;
# float() alone would accept '1e3', 'inf' and '1_000'.
_NUMERIC = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
ISO_DATE = re.compile(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*")
# ODK stores times with a UTC offset; it is accepted and ignored, comparing wall-clock times.
ISO_TIME = re.compile(
    r"\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6})[0-9]*)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?\s*"
)


def is_number(v: object) -> bool:
    return isinstance(v, numbers.Number) and not isinstance(v, bool)


def to_number(v: object) -> int | float:
    if v is None:
        return math.nan
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        return float(v.strip()) if _NUMERIC.fullmatch(v) else math.nan
    # ODK turns dates into day numbers, which is what makes date arithmetic and ordering work.
    if isinstance(v, datetime.datetime):
        return (v.replace(tzinfo=None) - EPOCH_DT).total_seconds() / 86400
    if isinstance(v, datetime.date):
        return (v - EPOCH).days
    if isinstance(v, datetime.time):
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    try:  # e.g. Decimal; anything unconvertible is simply not a number, never an error
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return math.nan


def to_string(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return "NaN" if math.isnan(v) else "Infinity" if v > 0 else "-Infinity"
        # repr gives the shortest round-tripping digits; XPath never prints exponent notation.
        return str(int(v)) if v.is_integer() else format(Decimal(repr(v)), "f")
    if isinstance(v, (datetime.datetime, datetime.time)):
        return v.isoformat(timespec="seconds")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)


def to_boolean(v: object) -> bool:
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (datetime.date, datetime.time)):
        return True
    if is_number(v):
        n = to_number(v)
        return n == n and n != 0  # NaN is the only value unequal to itself
    return to_string(v) != ""


def parse_temporal(text: str, like: object) -> datetime.date | datetime.time | None:
    """text as a date/time of the same kind as like, or None if it does not read as one."""
    try:
        if isinstance(like, datetime.date) and (m := ISO_DATE.fullmatch(text)):
            return datetime.date(*map(int, m.groups()))
        if isinstance(like, datetime.time) and (m := ISO_TIME.fullmatch(text)):
            hour, minute, second, fraction = m.groups()
            return datetime.time(int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0")))
    except ValueError:  # '2024-02-30' or '25:00' is text that merely looks like a date/time
        pass
    return None
