"""Applying codes to spans of text, and every change a researcher makes to a coding.

Each action is one core function and one transaction with its audit row (core/store/codings.py).
A coding that is removed stays as a tombstone, so an undo restores the same record and a merge of
an older copy never brings it back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from yingzao.core import errors
from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.text import CHOICE_TYPES, answer_text, find_once, value_text
from yingzao.core.forms.case_check import DISCUSSED_QUESTION, communities_discussed
from yingzao.core.forms.protocol import Protocol
from yingzao.core.store.codings import TARGETS, Coding
from yingzao.core.store.database import Store


@dataclass(frozen=True)
class Span:
    """Where a coding goes: an answer (or its note) of an interview, from `start` to `end`."""

    interview_id: str
    question: str
    target: str
    start: int
    end: int


def coding_text(store: Store, interview_id: str, question: str, target: str = "answer") -> str:
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}")
    return answer_text(store.answer(interview_id, question), target)


def check_span(
    store: Store,
    span: Span,
    protocols: dict[str, Protocol] | None = None,
    texts: dict[tuple[str, str], tuple[object, str | None]] | None = None,
) -> str:
    """The text the span covers, after checking the interview, question and offsets. `protocols`
    (interview id -> its protocol) and `texts` (store.coding.answer_texts) save reading them again
    when many spans are checked."""
    cache = protocols if protocols is not None else {}
    protocol = cache.get(span.interview_id)
    if protocol is None:
        interview = store.interview(span.interview_id)  # raises unknown_interview
        protocol = cache[span.interview_id] = store.protocol(interview.protocol_sha256)
    if not protocol.has_question(span.question):
        raise errors.unknown_question(protocol.form_id, span.question)
    if span.target == "answer" and protocol.question(span.question).is_repeat:
        raise errors.coding_instance_list(span.question)  # its list of instance ids (its note is codable)
    if texts is None:
        text = coding_text(store, span.interview_id, span.question, span.target)
    elif span.target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}")
    else:
        value, note = texts.get((span.interview_id, span.question), (None, None))
        text = (note or "") if span.target == "note" else value_text(value)
    if not (0 <= span.start <= span.end <= len(text)):
        raise errors.coding_span_outside(span.interview_id, span.question, span.start, span.end, len(text))
    if (
        span.target == "answer"
        and protocol.question(span.question).type in CHOICE_TYPES
        and (span.start, span.end) != (0, len(text))
    ):
        raise errors.coding_whole_answer_only(span.question)
    return text[span.start : span.end]


def usable_code(book: ResearchCodebook, code_id: str) -> str:
    """The code a new coding gets: aliases resolved; unknown, retired and merged codes refused."""
    resolved = book.resolve(code_id)
    if not book.has(resolved):
        raise errors.coding_unknown_code(code_id)
    code = book.get(resolved)
    if not code.codable:
        raise errors.coding_not_codable(code.id, code.status)
    return resolved


def apply_code(
    store: Store, book: ResearchCodebook, span: Span, code_id: str, *, memo: str = "", origin: str = "coded"
) -> Coding | None:
    """Code a span. An empty span does nothing (None); the same code on the same span by the same
    coder is the existing coding, not a second one."""
    made = _new_codings(store, book, [span], code_id, memo=memo, origin=origin)
    if made and made[0][1]:
        store.coding.put("coding", made[0][0], "created")
    return made[0][0] if made else None


def apply_many(
    store: Store,
    book: ResearchCodebook,
    spans: Iterable[Span],
    code_id: str,
    *,
    protocols: dict[str, Protocol] | None = None,
) -> list[Coding]:
    """One code on many spans (every hit of a search), all in one transaction; spans already so
    coded by this coder are left as they are. Returns the new codings. `protocols` as check_span."""
    made = [coding for coding, new in _new_codings(store, book, spans, code_id, protocols=protocols) if new]
    store.coding.put_many("coding", made, "created")
    return made


def interview_protocols(store: Store, interview_ids: Iterable[str]) -> dict[str, Protocol]:
    """interview id -> its protocol, for those of the interviews that exist, in one query."""
    return {i: store.protocol(sha) for i, sha in store.coding.protocols_of(set(interview_ids)).items()}


def _new_codings(
    store: Store,
    book: ResearchCodebook,
    spans: Iterable[Span],
    code_id: str,
    *,
    memo: str = "",
    origin: str = "coded",
    protocols: dict[str, Protocol] | None = None,
) -> list[tuple[Coding, bool]]:
    """(coding, whether it is new) per non-empty span: the existing coding where this coder already
    coded the span with the code. Every span is checked before anything is written; the answers'
    texts, their codings and the interviews' protocols are read once for all the spans."""
    code = usable_code(book, code_id)
    spans = list(spans)
    keys = {(span.interview_id, span.question) for span in spans}
    if protocols is None:
        protocols = interview_protocols(store, {interview_id for interview_id, _q in keys})
    texts = store.coding.answer_texts(keys)
    existing: dict[tuple[str, str], dict[tuple, Coding]] = {key: {} for key in keys}
    for held in store.coding.codings_of_answers(keys):  # in id order: the last of equals wins, as before
        existing[(held.interview_id, held.question)][(held.target, held.start, held.end, held.code, held.coder)] = held
    now, user, device = store.now(), store.user, store.device_id
    memo = memo.strip()
    out: list[tuple[Coding, bool]] = []
    for span in spans:
        quote = check_span(store, span, protocols, texts)
        if span.start == span.end:
            continue
        held_here = existing[(span.interview_id, span.question)]
        same = (span.target, span.start, span.end, code, user)
        if same in held_here:
            out.append((held_here[same], False))
            continue
        coding = Coding(
            id=str(uuid.uuid4()),
            interview_id=span.interview_id,
            question=span.question,
            target=span.target,
            start=span.start,
            end=span.end,
            quote=quote,
            code=code,
            coder=user,
            origin=origin,
            memo=memo,
            pinned=0,
            pinned_for="",
            state="live",
            anchor="ok",
            created_at=now,
            updated_at=now,
            updated_by=user,
            device_id=device,
        )
        held_here[same] = coding
        out.append((coding, True))
    return out


def _live(store: Store, coding_id: str) -> Coding:
    coding = store.coding.coding(coding_id)
    if coding is None or not coding.live:
        raise errors.coding_unknown(coding_id)
    return coding


def _change(store: Store, before: Coding, action: str, **changes: Any) -> Coding:
    after = replace(before, **changes, updated_at=store.now(), updated_by=store.user, device_id=store.device_id)
    store.coding.put("coding", after, action, before)
    return after


def remove_coding(store: Store, coding_id: str) -> Coding:
    return _change(store, _live(store, coding_id), "deleted", state="deleted")


def restore_coding(store: Store, coding_id: str) -> Coding:
    """Undo a removal: the same record, live again."""
    before = store.coding.coding(coding_id)
    if before is None:
        raise errors.coding_unknown(coding_id)
    if before.live:
        return before
    return _change(store, before, "restored", state="live")


def recode(store: Store, book: ResearchCodebook, coding_id: str, code_id: str) -> Coding:
    before = _live(store, coding_id)
    code = usable_code(book, code_id)
    if code == before.code:
        return before
    return _change(store, before, "recoded", code=code)


def set_memo(store: Store, coding_id: str, memo: str) -> Coding:
    before = _live(store, coding_id)
    if memo.strip() == before.memo:
        return before
    return _change(store, before, "memo", memo=memo.strip())


def pin(store: Store, coding_id: str, pinned: bool = True, *, for_community: str = "") -> Coding:
    """Pin a coding as a key quote (for one community's cell, or everywhere); unpin it."""
    before = _live(store, coding_id)
    if for_community and for_community not in {c.id for c in store.communities()}:
        raise errors.unknown_community(for_community)
    wanted = (int(pinned), for_community if pinned else "")
    if (before.pinned, before.pinned_for) == wanted:
        return before
    return _change(store, before, "pinned" if pinned else "unpinned", pinned=wanted[0], pinned_for=wanted[1])


def attributable(store: Store, interview_id: str) -> tuple[str, ...]:
    """The communities a coding of this interview can be attributed to: its own community, then
    those its `communities_discussed` answer names, in the project's order."""
    interview = store.interview(interview_id)  # raises unknown_interview
    known = [c.id for c in store.communities()]
    answer = store.answer(interview_id, DISCUSSED_QUESTION)
    discussed = communities_discussed(answer.value if answer and answer.marker is None else None, known)
    # an id with a space inside could not be told apart in the space-separated attribution
    own = (interview.community_id,) if interview.community_id and len(interview.community_id.split()) == 1 else ()
    return own + tuple(c for c in discussed if c not in own)


def attribute(store: Store, coding_id: str, communities: Iterable[str]) -> Coding:
    """Say which of the communities its interview discussed a coded passage is about (a city
    official's comparison of A and B, split between them); none clears it, and the passage counts
    again for every community the interview is credited to."""
    before = _live(store, coding_id)
    wanted = {c.strip() for c in communities if c.strip()}
    allowed = attributable(store, before.interview_id)
    refused = sorted(wanted - set(allowed))
    if refused:
        raise errors.coding_attribution_refused(refused, list(allowed))
    value = " ".join(c for c in allowed if c in wanted)  # in the project's order, each once
    if value == before.communities:
        return before
    return _change(store, before, "attributed", communities=value)


def settle_anchors(store: Store) -> tuple[int, int]:
    """Re-anchor codings whose answer was written since they were coded: where the text at their
    offsets is unchanged nothing moves; else a quote found exactly once moves there; else the coding
    is kept and flagged 'text_changed' for its coder. Returns (moved, flagged)."""
    if store.read_only:
        return (0, 0)
    records = store.coding
    records.settle_unchanged_anchors()
    moved = flagged = 0
    pending = records.codings_to_check()
    if not pending:
        return (0, 0)
    with store.transaction():
        for coding in pending:
            text = coding_text(store, coding.interview_id, coding.question, coding.target)
            if text[coding.start : coding.end] == coding.quote:
                records.set_anchor(coding.id, coding.start, coding.end, "ok", coding)
                continue
            at = find_once(text, coding.quote)
            if at is None:
                records.set_anchor(coding.id, coding.start, coding.end, "text_changed", coding)
                flagged += 1
            else:
                records.set_anchor(coding.id, at, at + len(coding.quote), "ok", coding)
                moved += 1
    return (moved, flagged)


def codings_of(store: Store, interview_id: str) -> list[Coding]:
    """The live codings of an interview, re-anchored first where its answers changed."""
    settle_anchors(store)
    return store.coding.codings(interview_id)
