"""The supervisor's review queue as plain Python: rows, filters, sort order and counts, no Qt.

`ui/review_model.py` is a thin Qt adapter over `ReviewQueue`. Filtering and sorting are list
operations on indices (a few milliseconds for 10,000 interviews), never a rebuild of widgets and
never a Python call per row from Qt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from yingzao.core.forms.engine import INTERVIEW_TIME
from yingzao.core.review.decisions import REVIEWABLE
from yingzao.core.review.quality import FLAGS, cached_flags, flags_of

NO_FLAG = "none"  # in a flag filter: interviews without any flag
FLAG_CHOICES = (NO_FLAG, *FLAGS)
COLUMNS = ("status", "flags", "community", "role", "protocol", "fieldworker", "ended", "duration", "comments")


class QueueRow(NamedTuple):
    id: str
    status: str
    fieldworker: str
    community_id: str | None
    role: str
    protocol_id: str
    protocol_version: str
    protocol_sha256: str
    started_at: str
    ended_at: str | None
    updated_at: str
    outcome: str | None
    seconds: float | None  # the interview screen's recorded time, else end − start
    comments: int
    flags: tuple[str, ...]


def load_rows(store, statuses: Iterable[str] = REVIEWABLE, *, ids: Iterable[str] | None = None) -> list[QueueRow]:
    """Every finalised interview (or only these ids) with its duration, comment count and cached
    quality flags."""
    wanted = list(statuses)
    only = list(ids) if ids is not None else None
    flags = cached_flags(store) if only is None else {i: f for i in only if (f := _flags_of(store, i))}
    cursor = store.conn.execute(
        "SELECT i.id, i.status, i.fieldworker, i.community_id, i.respondent_role, i.protocol_id,"
        " i.protocol_version, i.protocol_sha256, i.started_at, i.ended_at, i.updated_at, i.outcome,"
        " coalesce(p.seconds, (julianday(i.ended_at) - julianday(i.started_at)) * 86400.0), coalesce(c.n, 0)"
        " FROM interviews i LEFT JOIN paradata p ON p.interview_id = i.id AND p.question = ?"
        " LEFT JOIN (SELECT interview_id, count(*) AS n FROM comments GROUP BY interview_id) c"
        " ON c.interview_id = i.id"
        f" WHERE i.status IN ({', '.join('?' for _ in wanted)})"
        + ("" if only is None else f" AND i.id IN ({', '.join('?' for _ in only)})"),
        [INTERVIEW_TIME, *wanted, *(only or ())],
    )
    empty: tuple[str, ...] = ()
    return [QueueRow._make((*row, flags.get(row[0], empty))) for row in cursor]


@dataclass(frozen=True)
class QueueFilter:
    """Each field: the values to show, or None for all. `flags` shows interviews having any of the
    chosen flags (NO_FLAG: those with none)."""

    statuses: frozenset[str] | None = frozenset({"completed"})  # the queue: what waits for a decision
    fieldworkers: frozenset[str] | None = None
    communities: frozenset[str] | None = None  # community ids; '' for interviews without one
    roles: frozenset[str] | None = None
    protocols: frozenset[str] | None = None  # protocol ids (form ids): every version of a protocol
    flags: frozenset[str] | None = None

    def accepts(self, row: QueueRow) -> bool:
        if self.statuses is not None and row.status not in self.statuses:
            return False
        if self.fieldworkers is not None and row.fieldworker not in self.fieldworkers:
            return False
        if self.communities is not None and (row.community_id or "") not in self.communities:
            return False
        if self.roles is not None and row.role not in self.roles:
            return False
        if self.protocols is not None and row.protocol_id not in self.protocols:
            return False
        if self.flags is not None:
            if row.flags:
                return not self.flags.isdisjoint(row.flags)
            return NO_FLAG in self.flags
        return True

    @property
    def is_default(self) -> bool:
        return self == QueueFilter()


SHOW_ALL = QueueFilter(statuses=None)


class ReviewQueue:
    """Rows in load order; `_view` lists the rows shown (filtered, then sorted)."""

    def __init__(
        self,
        rows: Iterable[QueueRow] = (),
        *,
        text_key: Callable[[str], Any] | None = None,
        label: Callable[[str, QueueRow], str] | None = None,
    ) -> None:
        """`label(column, row)` is the text a text column sorts by (the UI's words, e.g. a community's
        name); `text_key` turns it into a sort key (the UI passes a collator: pinyin for Chinese)."""
        self._text_key = text_key or (lambda text: text)
        self._label = label or _raw_label
        self.filter = QueueFilter()
        self._sort: tuple[str, bool] = ("ended", False)  # column, descending
        self.reload(rows)

    # -- changing ------------------------------------------------------------------------------

    def reload(self, rows: Iterable[QueueRow]) -> None:
        self._rows = list(rows)
        self._index = {row.id: n for n, row in enumerate(self._rows)}
        self._keys: dict[str, list] = {}
        self._arrange()

    def set_filter(self, queue_filter: QueueFilter | None = None, **changes) -> bool:
        """Show only what `queue_filter` (default: the current filter) with `changes` accepts; whether
        that changed anything."""
        wanted = replace(queue_filter if queue_filter is not None else self.filter, **changes)
        if wanted == self.filter:
            return False
        self.filter = wanted
        self._arrange()
        return True

    def sort(self, column: str, descending: bool = False) -> None:
        if column not in COLUMNS:
            raise ValueError(f"unknown column {column!r}")
        self._sort = (column, descending)
        self._arrange()

    def relabel(self) -> None:
        """The words changed (another language): text columns sort again by the new words."""
        self._keys.clear()
        self._arrange()

    def update(self, row: QueueRow) -> None:
        """One interview changed (a decision, a comment): it may now be filtered out."""
        index = self._index.get(row.id)
        if index is None:
            self._index[row.id] = len(self._rows)
            self._rows.append(row)
        else:
            self._rows[index] = row
        self._keys.clear()
        self._arrange()

    def set_flags(self, flags: dict[str, tuple[str, ...]]) -> None:
        """New quality flags (after a recomputation in the background)."""
        self._rows = [row._replace(flags=flags.get(row.id, ())) for row in self._rows]
        self._keys.pop("flags", None)
        self._arrange()

    def _arrange(self) -> None:
        accepts = self.filter.accepts
        shown = [n for n, row in enumerate(self._rows) if accepts(row)]
        column, descending = self._sort
        keys = self._sort_keys(column)
        shown.sort(key=keys.__getitem__, reverse=descending)
        self._view = shown
        self._shown_at = {n: place for place, n in enumerate(shown)}

    def _sort_keys(self, column: str) -> list:
        keys = self._keys.get(column)
        if keys is None:
            rows = self._rows
            if column == "ended":
                keys = [(row.ended_at or "", row.id) for row in rows]
            elif column == "duration":
                keys = [(row.seconds if row.seconds is not None else -1.0, row.id) for row in rows]
            elif column == "comments":
                keys = [(row.comments, row.id) for row in rows]
            elif column == "flags":
                keys = [(len(row.flags), row.flags, row.id) for row in rows]
            else:  # few distinct words: rank each once with the collator
                texts = [self._label(column, row) for row in rows]
                order = {word: place for place, word in enumerate(sorted(set(texts), key=self._text_key))}
                keys = [(order[text], row.ended_at or "", row.id) for text, row in zip(texts, rows)]
            self._keys[column] = keys
        return keys

    # -- reading (rows as shown) -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._view)

    @property
    def total(self) -> int:
        return len(self._rows)

    def row(self, shown: int) -> QueueRow:
        return self._rows[self._view[shown]]

    def rows(self) -> list[QueueRow]:
        return [self._rows[n] for n in self._view]

    def all_rows(self) -> list[QueueRow]:
        return list(self._rows)

    def position(self, interview_id: str) -> int | None:
        """Where an interview is shown, or None (filtered out or unknown)."""
        index = self._index.get(interview_id)
        return None if index is None else self._shown_at.get(index)

    def get(self, interview_id: str) -> QueueRow | None:
        index = self._index.get(interview_id)
        return None if index is None else self._rows[index]

    def values(self, name: str) -> list[str]:
        """The distinct values of a filterable field among all rows, for the filter menus."""
        attribute = {
            "statuses": "status",
            "fieldworkers": "fieldworker",
            "communities": "community_id",
            "roles": "role",
            "protocols": "protocol_id",
        }[name]
        return sorted({getattr(row, attribute) or "" for row in self._rows})

    def counts(self) -> dict[str, int]:
        """Per status among all rows, plus 'flagged' and 'shown'."""
        counts = Counter(row.status for row in self._rows)
        result = {status: counts.get(status, 0) for status in REVIEWABLE}
        result["flagged"] = sum(1 for row in self._rows if row.flags)
        result["shown"] = len(self._view)
        return result


def _flags_of(store, interview_id: str) -> tuple[str, ...]:
    return tuple(flags_of(store, interview_id))


def _raw_label(column: str, row: QueueRow) -> str:
    return {
        "status": row.status,
        "community": row.community_id or "",
        "role": row.role,
        "protocol": f"{row.protocol_id} {row.protocol_version}",
        "fieldworker": row.fieldworker,
    }[column]
