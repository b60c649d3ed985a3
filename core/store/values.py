"""Answers as typed values: what a question of each type may hold, and how it is stored.

A typed value that does not fit its type is refused with words saying what to type; it is never
stored as a different value (a number field given "约30家" must not keep 30 and drop the qualifier).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from yingzao.core.errors import Text

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?$")
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_DECIMAL = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)$")


class ValueProblem(ValueError):
    """A value that does not fit its question type; the message says what would, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text

    def __str__(self) -> str:
        return str(self.text)  # in the interface language, read when it is shown


def _number_text(value: object) -> str:
    # full-width digits and signs from a Chinese keyboard are the same number; NFKC maps them
    return unicodedata.normalize("NFKC", str(value)).strip()


def _not_a_number(value: object, whole: bool) -> ValueProblem:
    kind_zh, kind_en = ("整数", "a whole number") if whole else ("数字", "a number")
    example = "6338" if whole else "12.5"
    return ValueProblem(
        Text(
            f"“{value}”不是{kind_zh}：请只填数字，例如 {example}（不要加“约”“以上”、单位或千位逗号）；"
            "“约”“以上”等说明请写在备注里。",
            f"'{value}' is not {kind_en}: type digits only, e.g. {example} (no 'about', '+', units or thousands "
            "commas); write a qualifier such as 'about' or 'more than' in the note.",
        )
    )


def to_stored(question_type: str, value: object) -> object:
    """Normalise a value for storage: int for integer, float for decimal, ISO text for date and time,
    space-separated choice names for select_multiple, text otherwise; None for empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    from decimal import Decimal  # exact parsing of typed numbers; not needed at start-up

    if question_type == "integer":
        if isinstance(value, bool):
            raise _not_a_number(value, True)
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            raise _not_a_number(value, True)
        text = _number_text(value)
        if not _INTEGER.match(text):
            raise _not_a_number(value, True)
        return int(Decimal(text))
    if question_type == "decimal":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = _number_text(value)
        if not _DECIMAL.match(text):
            raise _not_a_number(value, False)
        return float(Decimal(text))
    if question_type == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueProblem(
                Text(
                    f"“{value}”不是完整的日期：请按 年-月-日 填写，例如 2026-03-12。",
                    f"'{value}' is not a complete date: type year-month-day, e.g. 2026-03-12.",
                )
            ) from None
    if question_type == "time":
        if isinstance(value, dt.time):
            return value.replace(microsecond=0).isoformat(timespec="minutes" if not value.second else "seconds")
        match = _TIME.match(str(value).strip())
        if not match:
            raise ValueProblem(
                Text(
                    f"“{value}”不是有效的时间：请按 时:分 填写（00:00 到 23:59），例如 09:30。",
                    f"'{value}' is not a valid time: type hours:minutes (00:00 to 23:59), e.g. 09:30.",
                )
            )
        hours, minutes, seconds = match.group(1), match.group(2), match.group(3)
        return f"{int(hours):02d}:{minutes}" + (f":{seconds}" if seconds and seconds != "00" else "")
    if question_type == "select_multiple":
        names = [str(v) for v in value] if isinstance(value, (list, tuple, set, frozenset)) else str(value).split()
        ordered = list(dict.fromkeys(n for n in names if n))
        return " ".join(ordered) or None
    if question_type == "repeat":  # the ids of a repeat's instances, in order (yingzao.core.forms.repeats)
        from yingzao.core.forms.repeats import MAX_INSTANCES, valid_instance

        ids = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value).split()
        if len(set(ids)) != len(ids) or not all(valid_instance(i) for i in ids) or len(ids) > MAX_INSTANCES:
            raise ValueProblem(
                Text(
                    f"“{' '.join(ids)[:80]}”不是重复组的实例列表（不重复的实例编号，最多 {MAX_INSTANCES} 项）。",
                    f"'{' '.join(ids)[:80]}' is not a repeat's list of instances (distinct instance ids, at most "
                    f"{MAX_INSTANCES}).",
                )
            )
        return " ".join(ids) or None
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
