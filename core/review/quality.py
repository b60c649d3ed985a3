"""Data-quality flags of finalised interviews, computed for the whole project and cached.

Flags (each with a JSON detail saying where):

- `missing_required` — a relevant required question has no answer (the engine's own rule); a
  repeated question counts once per instance of its repeat, and the flag names the instance's key;
- `short_answers` — text answers under 25 % of the median length of that question's answers in the
  project (with at least 5 answers to compare, and a median of at least 20 characters: short fields
  such as a name are not expected to be long); a repeated question's answers in every instance are
  compared together, and the flag names the instance's key;
- `short_interview` — under 50 % of the protocol's median duration (the interview screen's recorded
  time, else end − start; consent refusals left out; only when the median is at least a minute, so
  interviews typed in afterwards are not all flagged);
- `empty_section` — a relevant section with no answer at all (answers of its repeats' instances count;
  a section holding only a repeat without instances is not judged: none may be the answer);
- `consent_missing` — the protocol asks for consent and the answer is neither yes nor no;
- `case_mismatch` — the respondent's stated case (`resp_case`) names another community than the one
  the interview is filed under (the interview screen asks at once; an interview merged from a laptop
  whose fieldworker left the question open is flagged here).

A condition that cannot be read (a protocol merged from elsewhere with an expression nested too deeply
or otherwise unparseable) leaves the question it governs out of `missing_required` and `empty_section`
— its relevance is unknown, so it is neither missing nor part of an empty section — and every other
check of that interview and of the project still runs; the review screen names the condition.

Computing reads every answer of every finalised interview once (set-based SQL, then one pass in
Python); relevance is evaluated with the interview engine only for the interviews the cheap test
cannot clear. Results go to `quality_flags` with the data version they were computed for (the last
audit row that can change a flag), so a screen loads them instantly and recomputes — off the UI
thread — only when they are stale.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from yingzao.core.forms import repeats
from yingzao.core.forms.case_check import CASE_QUESTION, case_mismatch
from yingzao.core.forms.engine import INTERVIEW_TIME, InterviewSession, Issue
from yingzao.core.forms.expr import ExpressionError
from yingzao.core.forms.protocol import CONSENT_QUESTION, Protocol
from yingzao.core.review.comments import COMMENT_FIELD, REVIEW_FIELD

FLAGS = ("missing_required", "short_answers", "short_interview", "empty_section", "consent_missing", "case_mismatch")
ALGORITHM = 3  # change when the rules change: caches made by the old rules are recomputed
SHORT_ANSWER_SHARE = 0.25
SHORT_INTERVIEW_SHARE = 0.5
MIN_COMPARED = 5
MIN_MEDIAN_CHARS = 20
MIN_MEDIAN_SECONDS = 60.0
CONSENT_ANSWERS = ("yes", "no")
VERSION_SETTING = "quality_flags_version"


@dataclass(frozen=True)
class Flag:
    interview_id: str
    flag: str
    detail: dict[str, Any] = field(default_factory=dict)


# -- the cache -----------------------------------------------------------------------------------


def data_version(store) -> str:
    """What the flags depend on: review decisions and comments change no flag, so they are skipped."""
    row = store.conn.execute(
        "SELECT id FROM audit WHERE field NOT IN (?, ?) ORDER BY id DESC LIMIT 1", (REVIEW_FIELD, COMMENT_FIELD)
    ).fetchone()
    count = store.conn.execute("SELECT count(*) FROM interviews").fetchone()[0]
    return f"{ALGORITHM}:{row[0] if row else 0}:{count}"


def is_stale(store) -> bool:
    return store.get_setting(VERSION_SETTING) != data_version(store)


def refresh_flags(store, *, force: bool = False, cancelled: Callable[[], bool] | None = None) -> bool:
    """Recompute the cached flags if the data changed since (or `force`); returns whether it did.
    A derived cache, like an interview's progress: written without audit rows."""
    conn = store.conn
    with store.snapshot():  # one consistent state; what changes meanwhile makes the cache stale again
        version = data_version(store)
        if not force and store.get_setting(VERSION_SETTING) == version:
            return False
        flags = compute_flags(store, cancelled=cancelled)
    if cancelled and cancelled():
        return False
    with store.transaction():
        conn.execute("DELETE FROM quality_flags")
        conn.executemany(
            "INSERT INTO quality_flags (interview_id, flag, detail) VALUES (?, ?, ?)",
            [(f.interview_id, f.flag, json.dumps(f.detail, ensure_ascii=False)) for f in flags],
        )
        store.set_setting(VERSION_SETTING, version)
    return True


def cached_flags(store) -> dict[str, tuple[str, ...]]:
    """interview id -> its flags (in FLAGS order), from the cache."""
    found: dict[str, list[str]] = defaultdict(list)
    for interview_id, flag in store.conn.execute("SELECT interview_id, flag FROM quality_flags"):
        found[interview_id].append(flag)
    return {i: tuple(sorted(f, key=lambda flag: _FLAG_ORDER.get(flag, len(_FLAG_ORDER)))) for i, f in found.items()}


def flags_of(store, interview_id: str) -> dict[str, dict[str, Any]]:
    """One interview's cached flags with their details."""
    cursor = store.conn.execute("SELECT flag, detail FROM quality_flags WHERE interview_id = ?", (interview_id,))
    return {flag: json.loads(detail) for flag, detail in sorted(cursor, key=lambda r: _FLAG_ORDER.get(r[0], 99))}


_FLAG_ORDER = {name: n for n, name in enumerate(FLAGS)}


# -- computing -----------------------------------------------------------------------------------


class _Plan:
    """What one protocol version asks: required questions, sections, text questions, consent. A
    repeated question is named here by its bare name; `keys` turns that into an interview's keys."""

    def __init__(self, protocol: Protocol) -> None:
        once = {q.name for q in protocol.answerable}
        self.protocol = protocol
        self.repeated = {  # repeat -> the questions it asks per instance that hold an answer
            r.name: tuple(q.name for q in protocol.repeated(r.name) if q.holds_value and q.type != "calculate")
            for r in protocol.repeats
        }
        inside = {name for names in self.repeated.values() for name in names}
        self.required = frozenset(q.name for q in protocol.questions if q.required and q.name in once | inside)
        self.sections = [
            (s.name, tuple(n for n in s.questions if n in once or n in self.repeated)) for s in protocol.sections
        ]
        self.sections = [(name, names) for name, names in self.sections if names]
        self.texts = frozenset(q.name for q in protocol.questions if q.type == "text" and q.name in once | inside)
        self.consent = protocol.has_question(CONSENT_QUESTION)

    def keys(self, names: frozenset[str] | tuple[str, ...], lists: dict[str, list[str]]) -> set[str]:
        """The answer keys of these questions (and of the questions of these repeats) in an
        interview whose repeats hold `lists` of instances."""
        found: set[str] = set()
        for name in names:
            if name in self.repeated:
                found.update(repeats.key(q, i) for i in lists.get(name, ()) for q in self.repeated[name])
                continue
            repeat = self.protocol.question(name).repeat
            if repeat is None:
                found.add(name)
            else:
                found.update(repeats.key(name, i) for i in lists.get(repeat, ()))
        return found


def compute_flags(store, *, cancelled: Callable[[], bool] | None = None) -> list[Flag]:
    """Every flag of every finalised interview (completed, approved or sent back)."""
    conn = store.conn
    interviews = conn.execute(
        "SELECT i.id, i.protocol_sha256, i.protocol_id, i.outcome,"
        " coalesce(p.seconds, (julianday(i.ended_at) - julianday(i.started_at)) * 86400.0)"
        " FROM interviews i LEFT JOIN paradata p ON p.interview_id = i.id AND p.question = ?"
        " WHERE i.status != 'draft' ORDER BY i.id",
        (INTERVIEW_TIME,),
    ).fetchall()
    plans = {sha: _Plan(store.protocol(sha)) for sha in {row[1] for row in interviews}}
    answered: dict[str, set[str]] = defaultdict(set)
    lists: dict[str, dict[str, list[str]]] = defaultdict(dict)  # interview -> repeat -> its instances
    consent: dict[str, object] = {}
    lengths: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    protocol_of = {row[0]: row[2] for row in interviews}
    plan_of = {row[0]: plans[row[1]] for row in interviews}
    for interview_id, question, marker, value, length in conn.execute(
        "SELECT a.interview_id, a.question, a.marker, a.value,"
        " CASE WHEN typeof(a.value) = 'text' THEN length(a.value) END"
        " FROM answers a JOIN interviews i ON i.id = a.interview_id WHERE i.status != 'draft'"
    ):
        if marker is not None or (value is not None and value != ""):
            answered[interview_id].add(question)
        if question == CONSENT_QUESTION:
            consent[interview_id] = None if marker else value
        if question in plan_of[interview_id].repeated:
            lists[interview_id][question] = repeats.instances(value)
        # a repeated question's answers in all instances are compared with each other
        if length and marker is None and repeats.split(question)[0] in plan_of[interview_id].texts:
            lengths[(protocol_of[interview_id], repeats.split(question)[0])].append((interview_id, question, length))
    flags: list[Flag] = []
    for interview_id, sha, _protocol_id, _outcome, _seconds in interviews:
        if cancelled and cancelled():
            return []
        plan = plans[sha]
        flags += _answer_flags(store, interview_id, plan, answered[interview_id], lists[interview_id])
        if plan.consent and consent.get(interview_id) not in CONSENT_ANSWERS:
            flags.append(Flag(interview_id, "consent_missing"))
    flags += _short_answers(lengths)
    flags += _short_interviews(interviews)
    flags += _case_mismatches(store, plans)
    return sorted(flags, key=lambda f: (f.interview_id, _FLAG_ORDER[f.flag]))


def _answer_flags(store, interview_id: str, plan: _Plan, answered: set[str], lists: dict[str, list[str]]) -> list[Flag]:
    sections = [(name, plan.keys(names, lists)) for name, names in plan.sections]
    sections = [(name, keys) for name, keys in sections if keys]
    if plan.keys(plan.required, lists) <= answered and all(keys & answered for _, keys in sections):
        return []  # every required question and every section answered: relevance cannot add a flag
    session = _FlagSession(store, interview_id)  # the engine's own relevance and rules
    flags = []
    missing = [issue.question for issue in session.issues() if issue.kind == "required"]
    if missing:
        flags.append(Flag(interview_id, "missing_required", {"questions": missing}))
    empty = [name for name, keys in sections if not keys & answered and any(session.is_relevant(k) for k in keys)]
    if empty:
        flags.append(Flag(interview_id, "empty_section", {"sections": empty}))
    return flags


class _FlagSession(InterviewSession):
    """The engine's relevance and rules, read only, where a condition that cannot be read counts as
    "not asked" (no flag can then be raised on its question) instead of failing every interview's flags."""

    def __init__(self, store, interview_id: str) -> None:
        super().__init__(store, interview_id, read_only=True)

    def _conditions_hold(self, key: str) -> bool:
        try:
            return super()._conditions_hold(key)
        except (ExpressionError, RecursionError):
            return False

    def issue(self, name: str, lang: str = "zh") -> Issue | None:
        try:
            return super().issue(name, lang)
        except (ExpressionError, RecursionError):  # a constraint: only `required` issues make flags
            return None


def _case_mismatches(store, plans: dict[str, _Plan]) -> list[Flag]:
    communities = [c.id for c in store.communities()]
    flags = []
    for interview_id, sha, community, value in store.conn.execute(
        "SELECT i.id, i.protocol_sha256, i.community_id, a.value FROM answers a JOIN interviews i"
        " ON i.id = a.interview_id WHERE i.status != 'draft' AND a.question = ? AND a.marker IS NULL",
        (CASE_QUESTION,),
    ):
        mismatch = case_mismatch(plans[sha].protocol, value, community, communities) if sha in plans else None
        if mismatch is not None:
            detail = {"questions": [CASE_QUESTION], "stated": mismatch.stated, "filed": mismatch.filed}
            flags.append(Flag(interview_id, "case_mismatch", detail))
    return flags


def _short_answers(lengths: dict[tuple[str, str], list[tuple[str, str, int]]]) -> list[Flag]:
    """`lengths`: (protocol, question) -> (interview, answer key, length) of each text answer."""
    short: dict[str, list[str]] = defaultdict(list)
    for (_protocol_id, _question), found in sorted(lengths.items()):
        if len(found) < MIN_COMPARED:
            continue
        median = statistics.median(length for _, _, length in found)
        if median < MIN_MEDIAN_CHARS:
            continue
        for interview_id, key, length in found:
            if length < SHORT_ANSWER_SHARE * median:
                short[interview_id].append(key)
    return [Flag(i, "short_answers", {"questions": questions}) for i, questions in short.items()]


def _short_interviews(interviews: list[tuple]) -> list[Flag]:
    durations: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for interview_id, _sha, protocol_id, outcome, seconds in interviews:
        if seconds is not None and seconds > 0 and outcome != "consent_refused":
            durations[protocol_id].append((interview_id, float(seconds)))
    flags = []
    for found in durations.values():
        if len(found) < MIN_COMPARED:
            continue
        median = statistics.median(seconds for _, seconds in found)
        if median < MIN_MEDIAN_SECONDS:
            continue
        flags += [
            Flag(i, "short_interview", {"seconds": round(s), "median": round(median)})
            for i, s in found
            if s < SHORT_INTERVIEW_SHARE * median
        ]
    return flags
