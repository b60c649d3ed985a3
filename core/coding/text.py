"""The text a coding's offsets count in: an answer's stored value as text, or its note.

Offsets are Unicode code points (Python's string indices; SQLite's substr on TEXT counts the same),
so a Chinese character, an emoji and a line break are each one.
"""

from __future__ import annotations

from yingzao.core.store.records import Answer

CHOICE_TYPES = ("select_one", "select_multiple")


def value_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"  # as SQLite's CAST(2.0 AS TEXT) writes it
    return str(value)


def answer_text(answer: Answer | None, target: str) -> str:
    if answer is None:
        return ""
    if target == "note":
        return answer.note or ""
    return value_text(answer.value)


def find_once(text: str, quote: str) -> int | None:
    """Where `quote` occurs in `text` if it occurs exactly once, else None."""
    if not quote:
        return None
    first = text.find(quote)
    if first < 0 or text.find(quote, first + 1) >= 0:
        return None
    return first


def occurrences(text: str, term: str) -> list[int]:
    """Every start of `term` in `text`, not overlapping; letters compared case-insensitively, as the
    trigram index does."""
    if not term:
        return []
    haystack, needle = text, term
    if haystack.find(needle) < 0:
        haystack, needle = text.casefold(), term.casefold()
        if len(haystack) != len(text):  # casefolding changed lengths (ß): offsets would not hold
            haystack, needle = text.lower(), term.lower()
            if len(haystack) != len(text):
                return []
    found: list[int] = []
    at = haystack.find(needle)
    while at >= 0:
        found.append(at)
        at = haystack.find(needle, at + len(needle))
    return found
