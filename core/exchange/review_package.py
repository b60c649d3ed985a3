"""Review packages: the supervisor's decisions and comments going back to the fieldworkers.

A review package is a session package of kind `review` (docs/package-format.md): the same file,
members and checks, holding the interviews a supervisor reviewed — approved, sent back or commented
on — on this database since they were last packed for review. The fieldworker merges it with the same
Merge sessions (`python main.py merge`): each reviewed version continues the one their laptop holds,
so it is an update. `review_exports` records each package and `review_export_items` what it carried.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yingzao.core import errors
from yingzao.core.exchange import sealing
from yingzao.core.exchange.package import KIND_REVIEW, PackSummary, pack_read_error, write_package
from yingzao.core.review.comments import COMMENT_FIELD, REVIEW_FIELD
from yingzao.core.store import driver

_REVIEWED = (
    f"SELECT interview_id, max(id) FROM audit WHERE field IN ('{REVIEW_FIELD}', '{COMMENT_FIELD}')"
    " AND device_id = ? GROUP BY interview_id"
)


def pending_reviews(store, *, fieldworker: str | None = None, everything: bool = False) -> list[str]:
    """Interviews reviewed on this database (decided or commented here) since a review package last
    carried them — or ever, with `everything` — only `fieldworker`'s when given; oldest first."""
    conn = store.conn
    reviewed = conn.execute(_REVIEWED, (store.device_id,)).fetchall()
    if not everything:
        sent = dict(
            conn.execute(
                "SELECT s.interview_id, max(e.audit_high) FROM review_export_items s"
                " JOIN review_exports e ON e.id = s.export_id GROUP BY s.interview_id"
            )
        )
        reviewed = [(i, high) for i, high in reviewed if high > sent.get(i, 0)]
    wanted = {i for i, _ in reviewed}
    rows = conn.execute("SELECT id, fieldworker, started_at FROM interviews").fetchall()
    chosen = [r for r in rows if r[0] in wanted and (fieldworker is None or r[1] == fieldworker)]
    return [r[0] for r in sorted(chosen, key=lambda r: (r[2], r[0]))]


def pending_by_fieldworker(store) -> dict[str, int]:
    """How many reviewed interviews wait to be sent, per fieldworker."""
    ids = set(pending_reviews(store))
    counts: dict[str, int] = {}
    for interview_id, fieldworker in store.conn.execute("SELECT id, fieldworker FROM interviews"):
        if interview_id in ids:
            counts[fieldworker] = counts.get(fieldworker, 0) + 1
    return dict(sorted(counts.items()))


def last_review_export(store) -> dict[str, Any] | None:
    """The latest review package (None before the first); a damaged database raises what `pack` says."""
    try:
        row = store.conn.execute(
            "SELECT at, file_name, fieldworker, interviews FROM review_exports ORDER BY id DESC LIMIT 1"
        ).fetchone()
    except driver.DatabaseError as error:
        raise pack_read_error(store.path, error) from None
    return dict(zip(("at", "file_name", "fieldworker", "interviews"), row)) if row else None


def _devices_of(conn, ids: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found += [
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT device_id FROM interviews WHERE id IN ({', '.join('?' for _ in chunk)})", chunk
            )
        ]
    return found


def pack_review(
    store, out: Path | str, *, fieldworker: str | None = None, all_reviewed: bool = False, overwrite: bool = False
) -> PackSummary | None:
    """Write the reviewed interviews (only `fieldworker`'s when given) to `out`; None when there is
    nothing to send (then no file is made). Records what was sent, so the next package starts after it."""
    out = Path(out)
    conn = store.conn
    manifest = None
    try:
        with store.snapshot():  # what is reviewed meanwhile waits for the next package
            audit_high = conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
            ids = pending_reviews(store, fieldworker=fieldworker, everything=all_reviewed)
            selection = "all" if all_reviewed else "reviewed"
            manifest = (
                write_package(
                    store,
                    out,
                    ids,
                    selection,
                    kind=KIND_REVIEW,
                    overwrite=overwrite,
                    extra={"for_fieldworker": fieldworker or ""},
                    sealer=sealing.review_sealer(store, KIND_REVIEW, _devices_of(conn, ids)),
                )
                if ids
                else None
            )
        if manifest is None:
            return None
        with store.transaction():
            cursor = conn.execute(
                "INSERT INTO review_exports (at, user, file_name, package_id, fieldworker, selection, audit_high,"
                " interviews) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    manifest["created_at"],
                    store.user,
                    out.name,
                    manifest["package_id"],
                    fieldworker or "",
                    selection,
                    audit_high,
                    len(ids),
                ),
            )
            conn.executemany(
                "INSERT INTO review_export_items (export_id, interview_id) VALUES (?, ?)",
                [(cursor.lastrowid, i) for i in ids],
            )
    except (driver.DatabaseError, errors.YingzaoError) as error:
        # as pack_session: a damaged file is said plainly, and a package written but not recorded
        # (the user is told it failed) must not stay behind
        if manifest is not None:
            out.unlink(missing_ok=True)
        if isinstance(error, driver.DatabaseError):
            raise pack_read_error(store.path, error) from None
        raise
    counts = manifest["counts"]
    return PackSummary(
        out,
        manifest["package_id"],
        selection,
        counts["interviews"],
        counts["answers"],
        counts["audit"],
        counts["protocols"],
        manifest["sealed"],
    )
