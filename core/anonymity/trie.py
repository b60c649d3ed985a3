"""One pass over a text that finds any of thousands of known terms (names, values), longest first.

Used by the anonymisation (yingzao.core.anonymity.scrub) for the known terms and the allow-list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

MIN_SCRUB_LENGTH = 2

_HEAD = 8  # characters of each value the search pattern holds; the rest is compared at a match


class Scrubber:
    """Replaces, left to right, the longest value that starts at each place in a text.

    One regular expression shaped like the prefix tree of the values' first `_HEAD` characters finds,
    at C speed, where a value may start; there, the value itself is looked up in a set, longest
    first. A pattern of the whole values nests once per value that is a prefix of another: 3,000
    community names that are prefixes of one another made both its builder and `re` itself fail with
    RecursionError. Cut at `_HEAD` characters the nesting is at most `_HEAD` deep, whatever the values."""

    def __init__(self, replacements: dict[str, str]) -> None:
        self.replacements = replacements
        by_head: dict[str, set[str]] = {}
        for word in replacements:
            by_head.setdefault(word[:_HEAD], set()).add(word)
        # per head: the distinct lengths of its words, longest first, and the words
        self._heads = {head: (sorted({len(w) for w in words}, reverse=True), words) for head, words in by_head.items()}
        self._short = {word for word in replacements if len(word) < _HEAD}  # each its own head
        self._starts = _trie_pattern(by_head)

    def sub(self, text: str) -> str:
        pieces: list[str] = []
        done = 0
        for at, end, word in self.spans(text):
            pieces += [text[done:at], self.replacements[word]]
            done = end
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)

    def spans(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, value) of each value found, left to right, none overlapping."""
        search_from = 0
        while True:
            found = self._starts.search(text, search_from)
            if found is None:
                return
            at = found.start()
            word = self._longest_at(text, at, found.group(0))
            if word is None:
                search_from = at + 1  # values can overlap: another may start at the next character
                continue
            yield at, at + len(word), word
            search_from = at + len(word)

    def _longest_at(self, text: str, at: int, head: str) -> str | None:
        """The pattern matched the longest head at `at`; a shorter value may still be the one there
        (a head that is a prefix of the matched one is a whole value, shorter than `_HEAD`)."""
        lengths, words = self._heads[head]
        room = len(text) - at
        for length in lengths:
            if length <= room and text[at : at + length] in words:
                return text[at : at + length]
        for length in range(len(head) - 1, MIN_SCRUB_LENGTH - 1, -1):
            if text[at : at + length] in self._short:
                return text[at : at + length]
        return None


def _trie_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One regular expression matching any of `words`, longest first, shaped like their prefix tree
    so that thousands of values cost one pass over each text. Built from the sorted words (no tree
    in memory)."""
    ordered = sorted(set(words))
    return re.compile(_branches(ordered, 0, len(ordered), 0))


def _branches(words: list[str], lo: int, hi: int, depth: int) -> str:
    """The pattern for words[lo:hi], which all share their first `depth` characters."""
    end = len(words[lo]) == depth  # sorted: a word that ends here comes first
    if end:
        lo += 1
    branches = []
    while lo < hi:
        char = words[lo][depth]
        group_end = lo + 1
        while group_end < hi and words[group_end][depth] == char:
            group_end += 1
        # the group's common prefix is that of its first and last word, the list being sorted
        first, last = words[lo], words[group_end - 1]
        common = depth + 1
        while common < len(first) and common < len(last) and first[common] == last[common]:
            common += 1
        branches.append(re.escape(first[depth:common]) + _branches(words, lo, group_end, common))
        lo = group_end
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if end else body
