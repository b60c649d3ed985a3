"""How far the coding of each interview has come: what the coding page's list of interviews shows
and filters by (answers coded, pending suggestions, who coded), and the code counts beside the
codebook tree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.suggestions import pending_suggestions
from yingzao.core.forms.answer_keys import answerable_keys, instance_lists
from yingzao.core.forms.protocol import Protocol
from yingzao.core.store.codings import Coding
from yingzao.core.store.database import Store
from yingzao.core.store.records import Interview


@dataclass(frozen=True)
class InterviewCoding:
    interview: Interview
    answers: int  # substantive answers (no marker, not empty) that can be coded
    coded: int  # of them, those with at least one live coding (of the answer or its note)
    codings: int
    suggestions: int  # protocol suggestions nobody accepted, narrowed or rejected yet
    coders: frozenset[str]

    @property
    def uncoded(self) -> int:
        return self.answers - self.coded


def overview(store: Store, book: ResearchCodebook) -> list[InterviewCoding]:
    """Every interview that has answers (refusals of consent left out), in the store's order."""
    by_interview: dict[str, list[Coding]] = {}
    for coding in store.coding.codings():
        by_interview.setdefault(coding.interview_id, []).append(coding)
    decisions: dict[str, list] = {}
    for decision in store.coding.decisions():
        decisions.setdefault(decision.interview_id, []).append(decision)
    protocols: dict[str, Protocol] = {}
    rows: list[InterviewCoding] = []
    for interview in store.interviews():
        if interview.outcome == "consent_refused":
            continue
        rows.append(_row(store, book, interview, protocols, by_interview.get(interview.id, []), decisions))
    return rows


def interview_coding(
    store: Store, book: ResearchCodebook, interview_id: str, codings: list[Coding] | None = None
) -> InterviewCoding:
    """One interview's row again, after an action on it (with its codings, when already read)."""
    decisions = {interview_id: store.coding.decisions(interview_id)}
    if codings is None:
        codings = store.coding.codings(interview_id)
    return _row(store, book, store.interview(interview_id), {}, codings, decisions)


def _row(
    store: Store,
    book: ResearchCodebook,
    interview: Interview,
    protocols: dict[str, Protocol],
    codings: list[Coding],
    decisions: dict[str, list],
) -> InterviewCoding:
    if interview.protocol_sha256 not in protocols:
        protocols[interview.protocol_sha256] = store.protocol(interview.protocol_sha256)
    protocol = protocols[interview.protocol_sha256]
    answers = store.answers(interview.id)
    substantive = {name for name, answer in answers.items() if answer.marker is None and not answer.is_empty}
    substantive |= {name for name, answer in answers.items() if answer.note}
    substantive &= set(answerable_keys(protocol, instance_lists(protocol, answers)))  # each instance's too
    coded = {c.question for c in codings} & substantive
    pending = pending_suggestions(protocol, interview.id, answers, codings, decisions.get(interview.id, []), book)
    return InterviewCoding(
        interview=interview,
        answers=len(substantive),
        coded=len(coded),
        codings=len(codings),
        suggestions=len(pending),
        coders=frozenset(c.coder for c in codings),
    )


def code_counts(codings: list[Coding]) -> Counter[str]:
    """Codings per code."""
    return Counter(c.code for c in codings)


def all_code_counts(store: Store) -> Counter[str]:
    return Counter(c.code for c in store.coding.codings())
