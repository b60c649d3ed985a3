"""Review comments as they are stored and as they travel: one audit row each.

A comment is written as an audit row whose field is `comment` and whose `new` value is the JSON
document `{"id", "parent_id", "role", "text"}` (who, where and when are the row's own user, device,
question and time). The interview's content hash covers its audit log, so it covers its comments;
a package carries them again in readable form and the reader checks that copy against the log
(docs/package-format.md). The `comments` table is what the screens read: the same rows, by id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

COMMENT_FIELD = "comment"  # audit field of a comment
REVIEW_FIELD = "review"  # audit field of a supervisor's status decision (old status → new status)
COMMENT_FIELDS = ("id", "question", "parent_id", "author", "author_role", "device_id", "at", "text")


@dataclass(frozen=True)
class Comment:
    id: str
    interview_id: str
    question: str | None  # None: on the whole interview
    parent_id: str | None  # None: starts a thread
    author: str
    author_role: str
    device_id: str
    at: str
    text: str

    def row(self) -> list[Any]:
        """As a package line carries it (COMMENT_FIELDS)."""
        return [
            self.id,
            self.question,
            self.parent_id,
            self.author,
            self.author_role,
            self.device_id,
            self.at,
            self.text,
        ]


def audit_value(comment_id: str, parent_id: str | None, role: str, text: str) -> str:
    return json.dumps(
        {"id": comment_id, "parent_id": parent_id, "role": role, "text": text},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def comments_from_audit(audit: Iterable[list[Any]]) -> list[list[Any]]:
    """The comments a version's audit log records (rows [at, user, device_id, question, field, old,
    new]), as COMMENT_FIELDS rows in log order. Raises ValueError for a malformed comment row."""
    found = []
    for at, user, device_id, question, field, _old, new in audit:
        if field != COMMENT_FIELD:
            continue
        data = json.loads(new) if isinstance(new, str) else None
        if not (
            isinstance(data, dict)
            and isinstance(data.get("id"), str)
            and data["id"]
            and isinstance(data.get("parent_id"), (str, type(None)))
            and isinstance(data.get("role"), str)
            and isinstance(data.get("text"), str)
        ):
            raise ValueError("a comment in the audit log is malformed")
        found.append([data["id"], question, data["parent_id"], user, data["role"], device_id, at, data["text"]])
    return found


_INSERT = (
    f"INSERT OR IGNORE INTO comments (interview_id, {', '.join(COMMENT_FIELDS)})"
    f" VALUES (?, {', '.join('?' for _ in COMMENT_FIELDS)})"
)


def insert_comments(conn, interview_id: str, rows: Iterable[list[Any]]) -> None:
    """Add comments by id; a comment already present is left as it is (merging is idempotent)."""
    conn.executemany(_INSERT, [(interview_id, *row) for row in rows])


def read_comments(conn, interview_id: str) -> list[Comment]:
    cursor = conn.execute(
        f"SELECT {', '.join(COMMENT_FIELDS)} FROM comments WHERE interview_id = ? ORDER BY at, rowid", (interview_id,)
    )
    return [Comment(row[0], interview_id, *row[1:]) for row in cursor]
