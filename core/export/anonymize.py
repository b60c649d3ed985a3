"""Who appears in an export, and as what: names, or codes in an anonymised export.

An anonymised export
- leaves out every answer to a question the protocol marks `identifying` (name, unit, position,
  place, phone, referrals), notes included;
- shows each respondent as R01, R02, … and each fieldworker as F01, F02, …, numbered in the order
  of their first interview (`started_at`) over the *whole* database, so a code means the same person
  in every export of that database, whatever the filters; interviews that give the same respondent
  name share one code;
- shows each community by its case letter (A, B, …) instead of its name;
- replaces, in every answer and note it does keep, exact occurrences of those values: a
  respondent's name by their code, a fieldworker's by theirs, a community's name by its letter
  ("清源社区" becomes "C社区"), any other identifying value by a removal mark. Values shorter than two
  characters are not searched for inside other text (a single character would erase ordinary words).

Pure Python: the store reads the people (`yingzao.core.export.data`), this module decides what they become.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

RESPONDENT_NAME_QUESTION = "resp_name"  # the protocols' question for the respondent's name
MIN_SCRUB_LENGTH = 2


@dataclass(frozen=True)
class InterviewPeople:
    """The people one interview names, as stored."""

    interview_id: str
    started_at: str
    fieldworker: str
    respondent_name: str | None  # None for a community profile or an unanswered name
    identifying_values: tuple[str, ...] = ()
    is_profile: bool = False


@dataclass
class Anonymizer:
    """What the export shows for people and communities, and how it cleans free text."""

    enabled: bool
    respondents: dict[str, str] = field(default_factory=dict)  # interview id -> shown respondent
    fieldworkers: dict[str, str] = field(default_factory=dict)  # stored name -> shown name
    communities: dict[str, str] = field(default_factory=dict)  # community id -> shown name
    replacements: dict[str, str] = field(default_factory=dict)  # identifying value -> replacement
    _scrubber: _Scrubber | None = None

    def respondent(self, interview_id: str) -> str:
        return self.respondents.get(interview_id, "")

    def fieldworker(self, name: str) -> str:
        return self.fieldworkers.get(name, name if not self.enabled else "")

    def community(self, community_id: str | None) -> str:
        if community_id is None:
            return ""
        return self.communities.get(community_id, community_id)

    def drops(self, identifying: bool) -> bool:
        """Is an answer to a question with this `identifying` flag left out of the export?"""
        return self.enabled and identifying

    def scrub(self, text: str) -> str:
        if self._scrubber is None or not text:
            return text
        return self._scrubber.sub(text)


def plain(people: Iterable[InterviewPeople], community_names: dict[str, str]) -> Anonymizer:
    """A non-anonymised export: names as stored."""
    respondents = {p.interview_id: p.respondent_name or "" for p in people}
    return Anonymizer(False, respondents=respondents, communities=dict(community_names))


def anonymizer(
    people: Iterable[InterviewPeople],
    community_names: dict[str, str],
    *,
    other_users: Iterable[str] = (),
    removed: str = "[removed]",
) -> Anonymizer:
    """Codes for everyone, numbered by first appearance; `other_users` (people who saved answers but
    never ran an interview) come after the fieldworkers, in the order given."""
    ordered = sorted(people, key=lambda p: (p.started_at, p.interview_id))
    respondent_keys: dict[str, str] = {}  # normalised name or interview id -> code
    respondents: dict[str, str] = {}
    fieldworkers: dict[str, str] = {}
    respondent_people = [p for p in ordered if not p.is_profile]
    width = max(2, len(str(len(respondent_people))))
    for person in respondent_people:
        key = _normal(person.respondent_name) or f"\0{person.interview_id}"
        code = respondent_keys.setdefault(key, f"R{len(respondent_keys) + 1:0{width}d}")
        respondents[person.interview_id] = code
    users = list(dict.fromkeys([p.fieldworker for p in ordered if p.fieldworker] + [u for u in other_users if u]))
    width = max(2, len(str(len(users))))
    for number, name in enumerate(users, start=1):
        fieldworkers[name] = f"F{number:0{width}d}"

    replacements: dict[str, str] = {}
    # later assignments win, so the most specific meaning of a value is the one kept
    for person in ordered:
        for value in person.identifying_values:
            _add(replacements, value, removed)
    for name, code in fieldworkers.items():
        _add(replacements, name, code)
    for community_id, name in community_names.items():
        # in running text "清源社区" reads better as "C社区" than as a bare "C"
        shown = f"{community_id}社区" if name.endswith("社区") and not community_id.endswith("社区") else community_id
        if name != community_id:
            _add(replacements, name, shown)
    for person in respondent_people:
        if person.respondent_name:
            _add(replacements, person.respondent_name, respondents[person.interview_id])
    return Anonymizer(
        True,
        respondents=respondents,
        fieldworkers=fieldworkers,
        communities={c: c for c in community_names},
        replacements=replacements,
        _scrubber=_Scrubber(replacements) if replacements else None,
    )


def _normal(name: str | None) -> str:
    return " ".join(name.split()) if name else ""


def _add(replacements: dict[str, str], value: str, code: str) -> None:
    value = str(value).strip()
    if len(value) >= MIN_SCRUB_LENGTH and value != code:
        replacements[value] = code


_HEAD = 8  # characters of each value the search pattern holds; the rest is compared at a match


class _Scrubber:
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
        done = search_from = 0
        while True:
            found = self._starts.search(text, search_from)
            if found is None:
                break
            at = found.start()
            word = self._longest_at(text, at, found.group(0))
            if word is None:
                search_from = at + 1  # values can overlap: another may start at the next character
                continue
            pieces += [text[done:at], self.replacements[word]]
            done = search_from = at + len(word)
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)

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
