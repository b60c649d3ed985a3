"""The protocol's codes as suggestions: a researcher accepts, narrows or rejects each.

A question's `codes` (and, for choice questions, the `codes` of the choices ticked) no longer count
by themselves. They propose a whole-answer coding of each substantive answer, marked *suggested
(protocol)*, until a researcher accepts it (a coding with origin 'suggestion'), narrows it to a span
(the same, on the span) or rejects it (a decision that stops it being suggested again).

A repeated question suggests its codes for each instance's answer on its own (the suggestion, its
acceptance and its rejection are keyed by the instance's answer key), so a researcher judges what
was said about each organisation separately.
"""

from __future__ import annotations

from dataclasses import dataclass

from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.codings import Span, apply_code
from yingzao.core.coding.text import CHOICE_TYPES, answer_text
from yingzao.core.forms.answer_keys import answerable_keys, instance_lists
from yingzao.core.forms.protocol import Protocol, Question
from yingzao.core.store.codings import Coding, Decision
from yingzao.core.store.database import Store
from yingzao.core.store.records import Answer


@dataclass(frozen=True)
class Suggestion:
    interview_id: str
    question: str
    code: str
    text: str  # the whole answer it would code


def suggested_codes(protocol: Protocol, question: Question, answer: Answer | None) -> tuple[str, ...]:
    """What the protocol suggests for this answer: nothing for an empty or marked one; for a choice
    question, the codes of the choices ticked plus the question's codes no choice carries."""
    if answer is None or answer.marker is not None or answer.is_empty:
        return ()
    codes = list(question.codes)
    if question.type in CHOICE_TYPES and question.list_name:
        choices = protocol.choices.get(question.list_name, ())
        on_choices = {code for choice in choices for code in choice.codes}
        ticked = set(str(answer.value).split()) if question.type == "select_multiple" else {str(answer.value)}
        codes = [code for code in codes if code not in on_choices]
        for choice in choices:
            if choice.name in ticked:
                codes += [code for code in choice.codes if code not in codes]
    return tuple(codes)


def pending_suggestions(
    protocol: Protocol,
    interview_id: str,
    answers: dict[str, Answer],
    codings: list[Coding],
    decisions: list[Decision],
    book: ResearchCodebook,
) -> list[Suggestion]:
    """The suggestions of one interview nobody has accepted, narrowed or rejected yet."""
    taken = {(c.question, c.code) for c in codings if c.live and c.target == "answer"}
    rejected = {(d.question, book.resolve(d.code)) for d in decisions if d.decision == "rejected"}
    found: list[Suggestion] = []
    for key in answerable_keys(protocol, instance_lists(protocol, answers)):
        answer = answers.get(key)
        for code in suggested_codes(protocol, protocol.question(key), answer):
            code = book.resolve(code)
            if not book.has(code) or not book.get(code).codable:
                continue
            if (key, code) in taken or (key, code) in rejected:
                continue
            found.append(Suggestion(interview_id, key, code, answer_text(answer, "answer")))
    return found


def suggestions(store: Store, book: ResearchCodebook, interview_id: str) -> list[Suggestion]:
    interview = store.interview(interview_id)
    return pending_suggestions(
        store.protocol(interview.protocol_sha256),
        interview_id,
        store.answers(interview_id),
        store.coding.codings(interview_id),
        store.coding.decisions(interview_id),
        book,
    )


def accept(store: Store, book: ResearchCodebook, suggestion: Suggestion) -> Coding | None:
    span = Span(suggestion.interview_id, suggestion.question, "answer", 0, len(suggestion.text))
    return apply_code(store, book, span, suggestion.code, origin="suggestion")


def narrow(store: Store, book: ResearchCodebook, suggestion: Suggestion, start: int, end: int) -> Coding | None:
    """Accept a suggestion on part of the answer only."""
    span = Span(suggestion.interview_id, suggestion.question, "answer", start, end)
    return apply_code(store, book, span, suggestion.code, origin="suggestion")


def reject(store: Store, suggestion: Suggestion, rejected: bool = True) -> None:
    """Reject a suggestion (or take a rejection back)."""
    decision = Decision(
        interview_id=suggestion.interview_id,
        question=suggestion.question,
        code=suggestion.code,
        decision="rejected" if rejected else "open",
        updated_at=store.now(),
        updated_by=store.user,
        device_id=store.device_id,
    )
    store.coding.put("decision", decision, decision.decision)


def accept_all(store: Store, book: ResearchCodebook, interview_id: str) -> int:
    """Accept every pending suggestion of the interview, in one transaction."""
    made = 0
    with store.transaction():
        for suggestion in suggestions(store, book, interview_id):
            made += accept(store, book, suggestion) is not None
    return made
