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
  ("清源社区" becomes "C社区"), any other identifying value by a removal mark. Values shorter than two characters are not searched
  for inside other text (a single character would erase ordinary words).

Pure Python: the store reads the people (`core.export_data`), this module decides what they become.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

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


class _Scrubber:
    """Replaces, left to right, the longest value that starts at each place in a text.

    A regular expression over the values' first two characters (at most two levels deep, so it
    compiles whatever the values are) finds where a value may start, at C speed; there, the value
    is looked up by length in a set, longest first. One alternation of all the values nested like
    their prefix tree would recurse once per nesting level: 3,000 community names that are prefixes
    of one another made both the pattern's builder and `re` itself fail with RecursionError."""

    def __init__(self, replacements: dict[str, str]) -> None:
        self.replacements = replacements
        by_head: dict[str, set[str]] = {}
        for word in replacements:
            by_head.setdefault(word[:MIN_SCRUB_LENGTH], set()).add(word)
        # per head: the distinct lengths, longest first, and the words themselves
        self._heads = {head: (sorted({len(w) for w in words}, reverse=True), words)
                       for head, words in by_head.items()}
        self._starts = re.compile(_prefix_pattern(sorted(by_head)))

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
                search_from = at + 1  # heads can overlap ("aab" holds "aa" and "ab")
                continue
            pieces += [text[done:at], self.replacements[word]]
            done = search_from = at + len(word)
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)

    def _longest_at(self, text: str, at: int, head: str) -> str | None:
        lengths, words = self._heads[head]
        room = len(text) - at
        for length in lengths:
            if length <= room:
                candidate = text[at:at + length]
                if candidate in words:
                    return candidate
        return None


def _prefix_pattern(heads: list[str]) -> str:
    """An alternation of the (sorted, distinct, equally short) heads grouped by first character, so
    that `re` can skip quickly over text where no head starts."""
    groups: dict[str, list[str]] = {}
    for head in heads:
        groups.setdefault(head[0], []).append(re.escape(head[1:]))
    branches = []
    for first, rests in groups.items():
        rest = rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"
        branches.append(re.escape(first) + rest)
    return "|".join(branches)
