"""One version of an interview as it travels between databases, and the hash that names it.

A *version* is what a database holds about one interview: its row, its answers and its audit log.
Two copies with the same content hash are the same version wherever they were made.

What is hashed (SHA-256 of the UTF-8 bytes of one canonical JSON document)::

    {"interview": {the INTERVIEW_FIELDS below, null when empty},
     "answers":   [[question, value, marker, note, updated_at, updated_by], ...]   sorted by question,
     "audit":     [[at, user, device_id, question, field, old, new], ...]           in log order}

serialised with `json.dumps(..., ensure_ascii=False, sort_keys=True, separators=(",", ":"),
allow_nan=False)`. Values keep their JSON types (12, 12.0 and "12" are different answers).

Not hashed, because they are local to one computer or derived: the interview's `last_question`
(where the screen was) and `progress` (recomputed from the answers), paradata (time spent on each
question grows when an interview is merely looked at), and audit rows whose field is in
BOOKKEEPING_FIELDS (what a merge did in this database, not what happened in the interview).

Log order is the order in which the database holding the version appended the rows (`audit.id`):
on a laptop that is the order of time; a merge appends a package's rows in the package's order, so
the order travels with the version and survives clocks that disagree between laptops.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from yingzao.core import errors
from yingzao.core.review.comments import comments_from_audit
from yingzao.core.store.records import INTERVIEW_FIELDS, LOCAL_FIELDS

ANSWER_FIELDS = ("question", "value", "marker", "note", "updated_at", "updated_by")
AUDIT_FIELDS = ("at", "user", "device_id", "question", "field", "old", "new")
PARADATA_FIELDS = ("question", "seconds", "visits", "updated_at")
BOOKKEEPING_FIELDS = ("merged",)

Row = list[Any]


@dataclass
class Version:
    interview: dict[str, Any]  # INTERVIEW_FIELDS + LOCAL_FIELDS
    answers: list[Row]  # ANSWER_FIELDS, sorted by question
    audit: list[Row]  # AUDIT_FIELDS, in log order
    paradata: list[Row] = field(default_factory=list)  # PARADATA_FIELDS
    sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = content_sha256(self.interview, self.answers, self.audit)

    @property
    def id(self) -> str:
        return self.interview["id"]

    @property
    def comments(self) -> list[Row]:
        """Its review comments (COMMENT_FIELDS), read from its `comment` audit rows: hashed with the
        log, so they need no hash of their own (core/comments.py)."""
        return comments_from_audit(self.audit)

    def to_json(self) -> dict[str, Any]:
        data = {
            "interview": self.interview,
            "answers": self.answers,
            "audit": self.audit,
            "paradata": self.paradata,
            "content_sha256": self.sha256,
        }
        comments = self.comments
        if comments:  # a readable copy; without comments a line is exactly what format 1 always was
            data["comments"] = comments
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Version:
        return cls(
            data["interview"], data["answers"], data["audit"], data.get("paradata", []), data.get("content_sha256", "")
        )

    def answer_map(self) -> dict[str, Row]:
        return {row[0]: row for row in self.answers}

    def sort_key(self) -> tuple[str, str]:
        """Which of several versions in conflict is shown until the researcher decides: the one
        changed last, then the larger hash, so every merge order shows the same one."""
        return (self.interview.get("updated_at") or "", self.sha256)


def canonical_json(interview: dict[str, Any], answers: list[Row], audit: list[Row]) -> bytes:
    document = {  # rows may be lists or tuples: JSON writes both as arrays
        "interview": {name: interview.get(name) for name in INTERVIEW_FIELDS},
        "answers": sorted(answers, key=itemgetter(0)),
        "audit": audit,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def content_sha256(interview: dict[str, Any], answers: list[Row], audit: list[Row]) -> str:
    return hashlib.sha256(canonical_json(interview, answers, audit)).hexdigest()


def audit_identity(row: Row) -> tuple:
    """An audit entry across devices: local autoincrement ids differ, this does not."""
    at, _user, device_id, question, field_name, old, new = row
    return (device_id, at, question, field_name, _typed(old), _typed(new))


def _typed(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)  # 1, 1.0 and '1' are different old/new values


def continues(longer: Version, shorter: Version) -> bool:
    """True when `longer`'s audit log strictly extends `shorter`'s: same entries, then more."""
    if len(longer.audit) <= len(shorter.audit):
        return False
    return all(audit_identity(a) == audit_identity(b) for a, b in zip(longer.audit, shorter.audit))


# -- reading a version from a database -------------------------------------------------------

_SELECT_INTERVIEW = f"SELECT {', '.join(INTERVIEW_FIELDS + LOCAL_FIELDS)} FROM interviews WHERE id = ?"
_SELECT_ANSWERS = f"SELECT {', '.join(ANSWER_FIELDS)} FROM answers WHERE interview_id = ? ORDER BY question"
_SELECT_AUDIT = (
    f"SELECT {', '.join(AUDIT_FIELDS)} FROM audit WHERE interview_id = ?"
    f" AND field NOT IN ({', '.join(repr(f) for f in BOOKKEEPING_FIELDS)}) ORDER BY id"
)
_SELECT_PARADATA = f"SELECT {', '.join(PARADATA_FIELDS)} FROM paradata WHERE interview_id = ? ORDER BY question"


def load_version(conn, interview_id: str) -> Version | None:
    """The version of one interview a database holds now (`conn` is a store's connection)."""
    row = conn.execute(_SELECT_INTERVIEW, (interview_id,)).fetchone()
    if row is None:
        return None
    interview = dict(zip(INTERVIEW_FIELDS + LOCAL_FIELDS, row))
    answers = [list(r) for r in conn.execute(_SELECT_ANSWERS, (interview_id,))]
    audit = [list(r) for r in conn.execute(_SELECT_AUDIT, (interview_id,))]
    paradata = [list(r) for r in conn.execute(_SELECT_PARADATA, (interview_id,))]
    return Version(interview, answers, audit, paradata)


def held_version(conn, interview_id: str) -> Version:
    """The version of an interview the database is known to hold (listed, merged or in conflict)."""
    version = load_version(conn, interview_id)
    if version is None:
        raise errors.unknown_interview(interview_id)
    return version
