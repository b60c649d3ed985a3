"""Supervisors sign their decisions and comments, one audit row at a time.

A review decision (`review` row) or a supervisor's comment (`comment` row whose role is supervisor)
is an audit row like any other, and travels inside every version of its interview. Anyone can
write such a row into a package; only a holder of a supervisor key listed in the project file can
sign it. The signature covers the project and the whole row:

    Ed25519 over b"yingzao-review\\0" + canonical JSON [project_id, interview_id, at, user,
                                                         device_id, question, field, old, new]

Signatures are kept in `review_signatures` by the SHA-256 of the same JSON without the project,
and travel in packages beside the interviews (member `review_signatures.json`). A database merging
a package checks every such row it does not already hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from yingzao.core.review.comments import COMMENT_FIELD, REVIEW_FIELD
from yingzao.core.security import membership
from yingzao.core.security.keys import canonical
from yingzao.core.security.project import Project
from yingzao.core.store.trust import Signature

MEMBER = "review_signatures.json"
_CONTEXT = b"yingzao-review\0"
SUPERVISOR = "supervisor"  # the role a signed comment is made in


def needs_signature(row: list[Any]) -> bool:
    """A row only a supervisor may make: a decision, or a comment made in the supervisor's role."""
    field_name, new = row[4], row[6]
    if field_name == REVIEW_FIELD:
        return True
    if field_name != COMMENT_FIELD or not isinstance(new, str):
        return False
    try:
        return json.loads(new).get("role") == SUPERVISOR
    except (ValueError, AttributeError):
        return True  # a comment row that does not read is not let through unsigned


def row_sha256(interview_id: str, row: list[Any]) -> str:
    return hashlib.sha256(canonical([interview_id, *row])).hexdigest()


def _signed_bytes(project_id: str, interview_id: str, row: list[Any]) -> bytes:
    return _CONTEXT + canonical([project_id, interview_id, *row])


def sign_row(store, interview_id: str, row: list[Any]) -> None:
    """Sign one row this database just wrote (inside the caller's transaction)."""
    joined = membership.project(store)
    if joined is None:
        return
    keys = membership.device_keys(store)
    signature = keys.sign(_signed_bytes(joined.project_id, interview_id, row))
    store.trust.keep_signatures(
        [Signature(row_sha256(interview_id, row), interview_id, keys.public.signing, signature)]
    )


def member(store, interview_ids: Iterable[str]) -> bytes | None:
    """The signatures of the packed interviews' rows, as the package member (None: there are none)."""
    found = store.trust.signatures(interview_ids)
    if not found:
        return None
    return json.dumps([list(s) for s in found], separators=(",", ":")).encode("utf-8")


def read_member(data: Any) -> list[Signature]:
    """The member's rows, each field checked; anything else raises ValueError (a damaged package)."""
    if not isinstance(data, list):
        raise ValueError("not a list")
    rows = []
    for item in data:
        if not (isinstance(item, list) and len(item) == 4 and all(isinstance(x, str) and len(x) < 200 for x in item)):
            raise ValueError("not a signature row")
        rows.append(Signature(*item))
    return rows


def unsigned_rows(
    store, joined: Project, versions: Iterable[Any], carried: list[Signature]
) -> tuple[list[tuple[str, str]], list[Signature]]:
    """Rows of `versions` that need a supervisor's signature, lack a valid one and are new to this
    database: [(interview id, at)]; and the carried signatures worth keeping."""
    by_row = {s.row_sha256: s for s in carried}
    missing: list[tuple[str, str]] = []
    keep: list[Signature] = []
    for version in versions:
        held = None
        for row in version.audit:
            if not needs_signature(row):
                continue
            sha = row_sha256(version.id, row)
            signature = by_row.get(sha) or store.trust.signature(sha)
            if (
                signature is not None
                and signature.interview_id == version.id
                and _valid(joined, version.id, row, signature)
            ):
                if sha in by_row:
                    keep.append(signature)
                continue
            if held is None:
                held = _held_rows(store, version.id)
            if sha not in held:
                missing.append((version.id, str(row[0])))
    return missing, keep


def _valid(joined: Project, interview_id: str, row: list[Any], signature: Signature) -> bool:
    supervisor = joined.supervisor(signature.signer)
    return supervisor is not None and supervisor.keys.verify(
        _signed_bytes(joined.project_id, interview_id, row), signature.signature
    )


def _held_rows(store, interview_id: str) -> set[str]:
    """The rows of this kind the database already holds: made here, or taken before signatures existed."""
    cursor = store.conn.execute(
        "SELECT at, user, device_id, question, field, old, new FROM audit WHERE interview_id = ? AND field IN (?, ?)",
        (interview_id, REVIEW_FIELD, COMMENT_FIELD),
    )
    return {row_sha256(interview_id, list(row)) for row in cursor}
