"""Quasi-identifiers and the re-identification report of an anonymised export.

Role, community, gender and years in post together single people out: there are a handful of
community cadres per community. The report gives the smallest group size k over role × community ×
gender × tenure band, and names the records in groups smaller than `SMALL_GROUP`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

SMALL_GROUP = 3
GENDER_QUESTIONS = ("resp_gender", "gender")
TENURE_QUESTIONS = ("resp_tenure_years", "tenure_years", "resp_tenure")
AGE_QUESTIONS = ("resp_age", "age")
_TENURE_BANDS = ((0, 2), (3, 5), (6, 10), (11, 20))
_AGE_BANDS = ((0, 29), (30, 39), (40, 49), (50, 59))


def band(question: str, value: object, lang: str = "zh") -> object:
    """A tenure or an age as a band ("3–5年"); any other value unchanged."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    if question in TENURE_QUESTIONS:
        bands, unit = _TENURE_BANDS, ("年", " years")
    elif question in AGE_QUESTIONS:
        bands, unit = _AGE_BANDS, ("岁", " years old")
    else:
        return value
    suffix = unit[1] if lang == "en" else unit[0]
    for low, high in bands:
        if value <= high:
            return f"{low}–{high}{suffix}" if low else f"≤{high}{suffix}"
    return f"≥{bands[-1][1] + 1}{suffix}"


def is_banded(question: str) -> bool:
    return question in TENURE_QUESTIONS or question in AGE_QUESTIONS


def coarse(value: object, precision: str) -> object:
    """A date or date-time at the export's precision, as text ("2020-10"); a time of day: None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, dt.time):
        return None
    if not isinstance(value, dt.date):
        return value
    if precision == "day":
        return value
    return f"{value.year}" if precision == "year" else f"{value.year}-{value.month:02d}"


@dataclass
class GroupSizes:
    """Collects each respondent's quasi-identifiers while an export streams its answers."""

    keys: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)  # record -> its group

    def note(self, record: str, role: str, community: str, answers: dict[str, object], lang: str = "zh") -> None:
        gender = next((str(answers[q]) for q in GENDER_QUESTIONS if answers.get(q) not in (None, "")), "?")
        tenure = next((band(q, answers[q], lang) for q in TENURE_QUESTIONS if answers.get(q) is not None), "?")
        self.keys[record] = (role, community, gender, str(tenure))

    def report(self) -> tuple[int | None, list[str]]:
        """k (None without respondents) and the records in groups smaller than SMALL_GROUP."""
        sizes = Counter(self.keys.values())
        if not sizes:
            return None, []
        return min(sizes.values()), sorted(r for r, key in self.keys.items() if sizes[key] < SMALL_GROUP)
