"""The write paths of the interview aggregate (its row, answers, audit log and paradata) for jobs
bigger than one answer: a merge (thousands of rows at once), a conflict resolution, a review decision.

Only the store writes these tables, so the store's cache of interview state (`Store._interview_state`)
is kept right by the writes themselves and no caller has to repair it. Each method is one
transaction, or a savepoint within the job's bigger one, and writes its audit rows alongside.
Rows are passed as plain tuples in the tables' column order, so a bulk insert stays one
`executemany` (a merge is as fast as when it ran the SQL itself: bench/bench_merge.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from yingzao.core.store.records import INTERVIEW_FIELDS, LOCAL_FIELDS

if TYPE_CHECKING:
    from yingzao.core.store.database import Store

# (interview column, audit field) of the interview row's parts whose change is audited
ROW_AUDITED = (("status", "status"), ("outcome", "outcome"), ("community_id", "community"))
ANSWER_PARTS = ("value", "marker", "note")
# a conflict resolution takes these from the chosen version; the rest of the row stays as it is
_TAKEN_COLUMNS = ("status", "outcome", "community_id", "ended_at", "last_question", "progress")

_INSERT_AUDIT = (
    "INSERT INTO audit (at, user, device_id, interview_id, question, field, old, new) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_ANSWER = (
    "INSERT INTO answers (interview_id, question, value, marker, note, updated_at, updated_by)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# per question, the row with the most visits (then time, then the later change) wins: merging is
# the same whatever the order packages come in
_MERGE_PARADATA = (
    "INSERT INTO paradata (interview_id, question, seconds, visits, updated_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT(interview_id, question) DO UPDATE SET seconds = excluded.seconds,"
    " visits = excluded.visits, updated_at = excluded.updated_at"
    " WHERE (excluded.visits, excluded.seconds, excluded.updated_at)"
    " > (paradata.visits, paradata.seconds, paradata.updated_at)"
)

# what the tuples hold, in order
AuditRow = tuple  # at, user, device_id, interview_id, question, field, old, new
AnswerRow = tuple  # interview_id, question, value, marker, note, updated_at, updated_by
ParadataRow = tuple  # interview_id, question, seconds, visits, updated_at


class InterviewWrites:
    """Owned by a `Store` as `store.writes`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add_interviews(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[object]],
        answers: Iterable[AnswerRow],
        audit: Iterable[AuditRow],
        paradata: Iterable[ParadataRow],
    ) -> None:
        """Insert interviews new to this database with everything they carry (a merge). `columns`
        name the interview row's values and start with `id`; rows in key order fill the B-trees page
        by page (1.5x faster on the merge bench)."""
        _check_columns(columns)
        store = self._store
        with store.transaction():
            conn = store.conn
            conn.executemany(
                f"INSERT INTO interviews ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows
            )
            conn.executemany(_INSERT_ANSWER, answers)
            conn.executemany(_INSERT_AUDIT, audit)
            conn.executemany(_MERGE_PARADATA, paradata)
        store._changed(str(row[0]) for row in rows)

    def show(self, interview_id: str, row: Mapping[str, object], answers: Iterable[AnswerRow]) -> None:
        """Make the interview's row (the columns `row` names) and its answers these; its audit log
        is appended apart (`append_audit`), as a merge decides which entries are new."""
        _check_columns(row)
        store = self._store
        with store.transaction():
            conn = store.conn
            conn.execute(
                f"UPDATE interviews SET {', '.join(f'{name} = ?' for name in row)} WHERE id = ?",
                [*row.values(), interview_id],
            )
            conn.execute("DELETE FROM answers WHERE interview_id = ?", (interview_id,))
            conn.executemany(_INSERT_ANSWER, answers)
        store._changed([interview_id])

    def append_audit(self, rows: Iterable[AuditRow]) -> None:
        """Append audit rows as they come (from a package: their own time, user and device)."""
        with self._store.transaction():
            self._store.conn.executemany(_INSERT_AUDIT, rows)

    def merge_paradata(self, rows: Iterable[ParadataRow]) -> None:
        with self._store.transaction():
            self._store.conn.executemany(_MERGE_PARADATA, rows)

    def set_answer(self, interview_id: str, question: str, before: tuple | None, after: tuple | None, at: str) -> None:
        """Set one answer's (value, marker, note) to `after` (None: no answer) as a conflict
        resolution decides, with an audit row for each part that changes from `before`."""
        if before == after:
            return
        store = self._store
        old = before or (None, None, None)
        new = after or (None, None, None)
        with store.transaction():
            for part, a, b in zip(ANSWER_PARTS, old, new):
                if a != b or type(a) is not type(b):
                    store.write_audit(interview_id, question, part, a, b, at)
            if after is None:
                store.conn.execute(
                    "DELETE FROM answers WHERE interview_id = ? AND question = ?", (interview_id, question)
                )
            else:
                store.conn.execute(
                    "INSERT OR REPLACE INTO answers (interview_id, question, value, marker, note, updated_at,"
                    " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (interview_id, question, *after, at, store.user),
                )

    def take_row(self, interview_id: str, current: Mapping[str, object], chosen: Mapping[str, object], at: str) -> None:
        """Take the chosen version's status, outcome, community, end time and place on screen, each
        audited change (ROW_AUDITED) with its audit row."""
        store = self._store
        with store.transaction():
            for column, audit_field in ROW_AUDITED:
                if current[column] != chosen[column]:
                    store.write_audit(interview_id, None, audit_field, current[column], chosen[column], at)
            store.conn.execute(
                f"UPDATE interviews SET {', '.join(f'{c} = ?' for c in _TAKEN_COLUMNS)} WHERE id = ?",
                [chosen[c] for c in _TAKEN_COLUMNS] + [interview_id],
            )
        store._changed([interview_id])

    def touch(self, interview_id: str, at: str) -> None:
        """Mark the interview changed now (its row's `updated_at`), as a resolution does."""
        with self._store.transaction():
            self._store.conn.execute("UPDATE interviews SET updated_at = ? WHERE id = ?", (at, interview_id))

    def change_status(self, interview_id: str, old: str, new: str, audit_field: str, at: str) -> bool:
        """`old` → `new` with its audit row, only if the status is still `old` in the database (another
        connection may have changed it since it was read); returns whether it was."""
        store = self._store
        with store.transaction():
            changed = (
                store.conn.execute(
                    "UPDATE interviews SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                    (new, at, interview_id, old),
                ).rowcount
                == 1
            )
            if changed:
                store.write_audit(interview_id, None, audit_field, old, new, at)
        store._changed([interview_id])
        return changed


def _check_columns(columns: Iterable[str]) -> None:
    # the names go into the SQL text: only the interviews table's own column names may
    bad = [c for c in columns if not c.isidentifier() or c not in _INTERVIEW_COLUMNS]
    if bad:
        raise ValueError(f"not a column of interviews: {bad[0]!r}")


_INTERVIEW_COLUMNS = frozenset(INTERVIEW_FIELDS + LOCAL_FIELDS)
