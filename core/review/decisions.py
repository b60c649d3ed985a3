"""Supervisor review: approve, send back, reopen, and comment threads on questions or interviews.

    completed --approve--> approved --reopen--> completed
    completed --send back (reason)--> rejected --the fieldworker revises and finalises--> completed

Each action is one transaction that writes its audit rows through the store: `review` (old status →
new status) for a decision and `comment` for a comment (core/comments.py), by the store's user and
device. A reviewed interview's audit log therefore strictly extends the one the fieldworker sent, and
the fieldworker's revision extends that again, so merging either way is an *update*, never a conflict
(core/merge.py). Review actions need a supervisor key: this database's device key listed as a
supervisor in its project file (core/security/membership.py); the role a user gives themselves is a
label and grants nothing. Each decision and supervisor comment is signed by that key
(core/review/signatures.py), so every database it reaches can tell it from a forgery. Anyone else
may reply to a comment on an interview sent back to them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from yingzao.core import errors
from yingzao.core.review.comments import (
    COMMENT_FIELD,
    REVIEW_FIELD,
    Comment,
    audit_value,
    insert_comments,
    read_comments,
)
from yingzao.core.review.signatures import sign_row
from yingzao.core.security import membership
from yingzao.core.store.records import EDITABLE_STATUSES, AuditEntry

SUPERVISOR = "supervisor"
FIELDWORKER = "fieldworker"
REVIEWABLE = ("completed", "approved", "rejected")  # statuses a review queue lists


def is_supervisor(store) -> bool:
    """Whether this database may review: it holds a supervisor key of its project."""
    return membership.is_supervisor(store)


def _require_supervisor(store, action: str) -> None:
    if store.read_only or not is_supervisor(store):
        raise errors.not_a_supervisor(action)


def approve(store, interview_id: str) -> None:
    """completed → approved."""
    _require_supervisor(store, "approve an interview")
    _decide(store, interview_id, ("completed",), "approved", "approved")


def send_back(store, interview_id: str, reason: str) -> Comment:
    """completed → rejected, with the reason as a comment on the whole interview; the fieldworker
    sees it when the review package is merged on their laptop."""
    _require_supervisor(store, "send an interview back")
    if not reason.strip():
        raise errors.reason_required()
    with store.transaction():
        _decide(store, interview_id, ("completed",), "rejected", "sent back")
        return _comment(store, interview_id, None, reason.strip(), None, SUPERVISOR)


def reopen(store, interview_id: str) -> None:
    """approved → completed: back in the review queue, and the reopening is in the audit log."""
    _require_supervisor(store, "reopen an approved interview")
    _decide(store, interview_id, ("approved",), "completed", "reopened")


def add_comment(store, interview_id: str, question: str | None, text: str, *, parent_id: str | None = None) -> Comment:
    """A comment on a question (None: on the whole interview), or a reply to a comment.

    A supervisor comments on a finalised interview not yet sent back; anyone else only replies,
    while the interview is back with them for revision. A reply to a reply joins the thread's first
    comment, so a thread is one comment and its replies."""
    text = text.strip()
    if not text:
        raise errors.empty_comment()
    interview = store.interview(interview_id)
    if question is not None and not store.protocol(interview.protocol_sha256).has_question(question):
        raise errors.unknown_question_in(interview_id, question)
    if parent_id is not None:
        parent = next((c for c in read_comments(store.conn, interview_id) if c.id == parent_id), None)
        if parent is None:
            raise errors.unknown_comment(parent_id, interview_id)
        parent_id, question = parent.parent_id or parent.id, parent.question
    supervisor = not store.read_only and is_supervisor(store)
    if supervisor:
        # never on what the fieldworker may still change (a draft, or a revision under way): their
        # next version would not continue this one, and the merge would see a conflict
        if interview.status not in REVIEWABLE:
            raise errors.wrong_status_for("commented on", interview_id, interview.status, REVIEWABLE)
        if interview.status == "rejected":
            sent = sent_back_at(store, interview_id)
            if sent:
                raise errors.already_sent_back(interview_id, sent)
    elif parent_id is None:
        raise errors.reply_only()
    elif interview.status not in EDITABLE_STATUSES:
        raise errors.reply_needs_editable(interview_id, interview.status)
    with store.transaction():
        return _comment(store, interview_id, question, text, parent_id, SUPERVISOR if supervisor else FIELDWORKER)


def _decide(store, interview_id: str, allowed: tuple[str, ...], status: str, verb: str) -> None:
    current = store.interview(interview_id)
    if current.status not in allowed:
        raise errors.wrong_status_for(verb, interview_id, current.status, allowed)
    at = store.now()
    with store.transaction():
        if not store.writes.change_status(interview_id, current.status, status, REVIEW_FIELD, at):
            # changed meanwhile by another connection (a merge): decide again on what it is now
            now_status = store.interview(interview_id).status
            raise errors.wrong_status_for(verb, interview_id, now_status, allowed)
        sign_row(store, interview_id, [at, store.user, store.device_id, None, REVIEW_FIELD, current.status, status])


def _comment(store, interview_id: str, question: str | None, text: str, parent_id: str | None, role: str) -> Comment:
    comment = Comment(
        str(uuid.uuid4()), interview_id, question, parent_id, store.user, role, store.device_id, store.now(), text
    )
    value = audit_value(comment.id, parent_id, role, text)
    with store.transaction():
        store.write_audit(interview_id, question, COMMENT_FIELD, None, value, comment.at)
        if role == SUPERVISOR:
            sign_row(
                store, interview_id, [comment.at, store.user, store.device_id, question, COMMENT_FIELD, None, value]
            )
        insert_comments(store.conn, interview_id, [comment.row()])
    return comment


# -- reading -----------------------------------------------------------------------------------


def comments(store, interview_id: str) -> list[Comment]:
    """Every comment on one interview, oldest first."""
    return read_comments(store.conn, interview_id)


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def threads(found: list[Comment]) -> dict[str | None, list[Thread]]:
    """Comments grouped by question (None: the whole interview), each thread its replies in order."""
    by_id: dict[str, Thread] = {}
    grouped: dict[str | None, list[Thread]] = defaultdict(list)
    for comment in found:
        if comment.parent_id is None or comment.parent_id not in by_id:
            by_id[comment.id] = Thread(comment)
            grouped[comment.question].append(by_id[comment.id])
        else:
            by_id[comment.parent_id].replies.append(comment)
    return dict(grouped)


def comment_counts(store) -> dict[str, int]:
    return dict(store.conn.execute("SELECT interview_id, count(*) FROM comments GROUP BY interview_id"))


def review_history(store, interview_id: str) -> list[AuditEntry]:
    """The supervisor's decisions on one interview and the fieldworker's finalisations, in order."""
    return [
        e
        for e in store.audit_log(interview_id)
        if e.field == REVIEW_FIELD or (e.field == "status" and e.new == "completed")
    ]


def sent_back_at(store, interview_id: str) -> str | None:
    """When a review package carried this interview after it was last sent back (None: not yet)."""
    row = store.conn.execute(
        "SELECT max(id) FROM audit WHERE interview_id = ? AND field = ? AND new = 'rejected'",
        (interview_id, REVIEW_FIELD),
    ).fetchone()
    if row[0] is None:
        return None
    sent = store.conn.execute(
        "SELECT e.at FROM review_export_items s JOIN review_exports e ON e.id = s.export_id"
        " WHERE s.interview_id = ? AND e.audit_high >= ? ORDER BY e.id DESC LIMIT 1",
        (interview_id, row[0]),
    ).fetchone()
    return sent[0] if sent else None
