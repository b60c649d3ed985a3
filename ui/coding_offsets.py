"""Offsets in the core (Unicode code points) and in a Qt document (UTF-16 code units), both ways.

A coding's start and end count code points, as Python's string indices do; a QTextDocument position
counts UTF-16 code units, so every character outside the Basic Multilingual Plane (an emoji, a rare
CJK ideograph of Extension B) is two positions in Qt and one in the core. This is the one place the
two are converted; everything in the coding page goes through it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class TextOffsets:
    """Converts offsets within one text. Texts without astral characters (nearly all) convert as is."""

    __slots__ = ("_astral", "_qt", "length", "qt_length")

    def __init__(self, text: str) -> None:
        # code point indices of the characters that take two UTF-16 units, and where each starts in Qt
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._qt = [at + n for n, at in enumerate(self._astral)]
        self.length = len(text)
        self.qt_length = len(text) + len(self._astral)

    def to_qt(self, point: int) -> int:
        """Code point offset -> UTF-16 offset."""
        point = max(0, min(point, self.length))
        return point + bisect_left(self._astral, point) if self._astral else point

    def from_qt(self, unit: int) -> int:
        """UTF-16 offset -> code point offset; a position between the two halves of a surrogate pair
        counts as the start of its character."""
        unit = max(0, min(unit, self.qt_length))
        if not self._astral:
            return unit
        whole = bisect_right(self._qt, unit - 2)  # astral characters wholly before the position
        if whole < len(self._qt) and self._qt[whole] == unit - 1:
            return self._astral[whole]
        return unit - whole
