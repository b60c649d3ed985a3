"""Answers as typed values: what a question of each type may hold, and how it is stored."""
from __future__ import annotations

import datetime as dt
import re

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?$")


class ValueProblem(ValueError):
    """A value that does not fit its question type; the message says what would."""


def to_stored(question_type: str, value: object) -> object:
    """Normalise a value for storage: int for integer, float for decimal, ISO text for date and time,
    space-separated choice names for select_multiple, text otherwise; None for empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    from decimal import Decimal, InvalidOperation  # exact parsing of typed numbers; not needed at start-up

    if question_type == "integer":
        if isinstance(value, bool):
            raise ValueProblem("expected a whole number")
        if isinstance(value, int):
            return value
        text = str(value).strip().replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueProblem(f"'{value}' is not a whole number") from None
        if number != number.to_integral_value():
            raise ValueProblem(f"'{value}' is not a whole number")
        return int(number)
    if question_type == "decimal":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        try:
            return float(Decimal(str(value).strip().replace(",", "")))
        except InvalidOperation:
            raise ValueProblem(f"'{value}' is not a number") from None
    if question_type == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueProblem(f"'{value}' is not a date (YYYY-MM-DD)") from None
    if question_type == "time":
        if isinstance(value, dt.time):
            return value.replace(microsecond=0).isoformat(timespec="minutes" if not value.second else "seconds")
        match = _TIME.match(str(value).strip())
        if not match:
            raise ValueProblem(f"'{value}' is not a time (HH:MM)")
        hours, minutes, seconds = match.group(1), match.group(2), match.group(3)
        return f"{int(hours):02d}:{minutes}" + (f":{seconds}" if seconds and seconds != "00" else "")
    if question_type == "select_multiple":
        if isinstance(value, (list, tuple, set, frozenset)):
            names = [str(v) for v in value]
        else:
            names = str(value).split()
        ordered = list(dict.fromkeys(n for n in names if n))
        return " ".join(ordered) or None
    return str(value)


def from_stored(question_type: str, value: object) -> object:
    """The value as expressions and widgets want it (dates as date objects, times as time objects)."""
    if value is None:
        return None
    if question_type == "date":
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return value
    if question_type == "time":
        try:
            return dt.time.fromisoformat(str(value))
        except ValueError:
            return value
    return value
