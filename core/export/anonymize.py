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

from collections.abc import Iterable
from dataclasses import dataclass, field

from yingzao.core.anonymity.risk import band, coarse, is_banded
from yingzao.core.anonymity.scrub import TextAnonymizer, known_terms

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
    text: TextAnonymizer | None = None  # what free text becomes (yingzao.core.anonymity.scrub)
    date_precision: str = "day"  # dates in an anonymised export: "month" (default), "year", "day"
    lang: str = "zh"

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

    def when(self, value: object) -> object:
        """A date or time cell: coarsened, its time of day dropped, when anonymising."""
        return coarse(value, self.date_precision) if self.enabled else value

    def value(self, question: str, value: object) -> object:
        """An answer's cell: tenure and age in bands, dates coarsened, times dropped, when anonymising."""
        if not self.enabled:
            return value
        if is_banded(question):
            return band(question, value, self.lang)
        return coarse(value, self.date_precision)

    def scrub(self, text: str) -> str:
        if self.text is None or not text:
            return text
        return self.text.scrub(text)


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
    table: dict[str, str] | None = None,
    allowed: Iterable[str] = (),
    date_precision: str = "month",
    lang: str = "zh",
) -> Anonymizer:
    """Codes for everyone, numbered by first appearance; `other_users` (people who saved answers but
    never ran an interview) come after the fieldworkers, in the order given. `table` and `allowed`:
    the researcher's pseudonym table and allow-list (yingzao.core.anonymity.table)."""
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
    codes = dict(fieldworkers)
    codes.update(
        (person.respondent_name.strip(), respondents[person.interview_id])
        for person in respondent_people
        if person.respondent_name
    )
    shown_communities = {
        name: f"{community_id}社区" if name.endswith("社区") and not community_id.endswith("社区") else community_id
        for community_id, name in community_names.items()
        if name != community_id
    }
    terms = known_terms(
        codes,
        shown_communities,
        [v for p in ordered for v in p.identifying_values],
        dict(table or {}),
        removed=removed,
    )
    text = TextAnonymizer(
        terms,
        frozenset(allowed),
        lang=lang,
        date_precision=date_precision,
    )
    replacements.update({term: known.replacement for term, known in terms.items()})
    return Anonymizer(
        True,
        respondents=respondents,
        fieldworkers=fieldworkers,
        communities={c: c for c in community_names},
        replacements=replacements,
        text=text,
        date_precision=date_precision,
        lang=lang,
    )


def _normal(name: str | None) -> str:
    return " ".join(name.split()) if name else ""


def _add(replacements: dict[str, str], value: str, code: str) -> None:
    value = str(value).strip()
    if len(value) >= MIN_SCRUB_LENGTH and value != code:
        replacements[value] = code
