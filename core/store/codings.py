"""The coding layer's tables (schema 6): codes the researcher changed, aliases of merged codes,
codings, memos, decisions on suggested codes, and the coding audit log.

Owned by a `Store` as `store.coding`; the only place that writes these tables. Every record carries
who changed it last, on which device and when, and a later version replaces an earlier one
whichever order they arrive in (`newer` below): a merge is a set of such upserts, so merging twice,
or in another order, ends the same. Deletions are tombstones (`state = 'deleted'`), so a later merge
of an older copy never brings a deleted coding back.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from yingzao.core.store import driver
from yingzao.core.timestamps import after

if TYPE_CHECKING:
    from yingzao.core.store.database import Store

TARGETS = ("answer", "note")
_LAST = chr(0x10FFFF)  # after every character: the end of a range of terms sharing a prefix
ORIGINS = ("coded", "suggestion")


@dataclass(frozen=True)
class Coding:
    id: str
    interview_id: str
    question: str
    target: str  # 'answer' or 'note'
    start: int  # Unicode code points into the text, end exclusive
    end: int
    quote: str  # the text as it was coded
    code: str
    coder: str
    origin: str  # 'coded', or 'suggestion' (a protocol's suggested code the researcher accepted)
    memo: str
    pinned: int  # 1: a key quote
    pinned_for: str  # '' or the community whose cell it is key for
    state: str  # 'live' or 'deleted'
    anchor: str  # 'ok', 'check' (its answer was written since), 'text_changed'
    created_at: str
    updated_at: str
    updated_by: str
    device_id: str
    # '' or the space-separated communities the passage is about (schema 9; last, as ALTER TABLE put it)
    communities: str = ""

    @property
    def live(self) -> bool:
        return self.state == "live"

    @property
    def attributed(self) -> tuple[str, ...]:
        return tuple(self.communities.split())


@dataclass(frozen=True)
class CodeRow:
    """A code as the researcher made or changed it (shipped codes have no row until changed)."""

    id: str
    family: str
    parent: str
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str
    source: str
    status: str  # '', 'unrecovered', 'retired'
    colour: str
    updated_at: str
    updated_by: str
    device_id: str


@dataclass(frozen=True)
class Alias:
    alias: str
    code: str
    updated_at: str
    updated_by: str
    device_id: str


@dataclass(frozen=True)
class Memo:
    id: str
    about: str  # 'code', 'interview', 'community', 'coding'
    about_id: str
    text: str
    author: str
    state: str
    created_at: str
    updated_at: str
    updated_by: str
    device_id: str


@dataclass(frozen=True)
class Decision:
    interview_id: str
    question: str
    code: str
    decision: str  # 'rejected', or 'open' (a rejection taken back)
    updated_at: str
    updated_by: str
    device_id: str


@dataclass(frozen=True)
class CodingAuditEntry:
    id: int
    at: str
    user: str
    device_id: str
    kind: str
    record_id: str
    action: str
    old: str | None
    new: str | None


# table, its record class, its key columns; the order of each class's fields is the table's
_TABLES: dict[str, tuple[str, type, tuple[str, ...]]] = {
    "code": ("codes", CodeRow, ("id",)),
    "alias": ("code_aliases", Alias, ("alias",)),
    "coding": ("codings", Coding, ("id",)),
    "memo": ("memos", Memo, ("id",)),
    "decision": ("suggestion_decisions", Decision, ("interview_id", "question", "code")),
}
# derived on each laptop from its own answers: never taken from another copy of the record
_LOCAL = {"coding": ("anchor",)}
RECORD_KINDS = tuple(_TABLES)
# the condition of the partial index codings_anchor, spelled out: SQLite uses a partial index only
# for a query whose WHERE contains its condition, and does not infer it from anchor = 'check'.
# Without it, finding the codings to check read every coding (through codings_answer, for the
# order): a merge of 100 packages spent most of its time there, each package longer than the last
_BY_ANCHOR_INDEX = "anchor <> 'ok'"


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _columns(kind: str) -> tuple[str, ...]:
    return _field_names(_TABLES[kind][1])


@cache
def _row_of(kind: str) -> attrgetter:
    """record -> its row, in the table's column order (one C call, not a generator per record)."""
    return attrgetter(*_columns(kind))


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def record_key(kind: str, record: Any) -> str:
    """The id the audit log names a record by."""
    return "/".join(str(getattr(record, k)) for k in _TABLES[kind][2])


def as_json(record: Any) -> str:
    """The record as JSON, its fields by name in sorted order, as `json.dumps(asdict(record),
    sort_keys=True)` wrote it, without asdict's deep copy of each value (every field of these
    records is a str, an int or None) or a new encoder per record."""
    record_type: type = type(record)
    names, values = _sorted_fields(record_type)
    return _JSON.encode(dict(zip(names, values(record))))


_JSON = json.JSONEncoder(ensure_ascii=False)  # the dicts it is given are already in sorted order


@cache
def _sorted_fields(cls: type) -> tuple[tuple[str, ...], attrgetter]:
    names = tuple(sorted(_field_names(cls)))
    return names, attrgetter(*names)


class CodingRecords:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading -------------------------------------------------------------------------------

    def _select(self, kind: str, where: str = "", args: Sequence[object] = (), order: str = "") -> list[Any]:
        table, cls, _key = _TABLES[kind]
        sql = f"SELECT {_quoted(_columns(kind))} FROM {table}"
        if where:
            sql += f" WHERE {where}"
        if order:
            sql += f" ORDER BY {order}"
        return [cls(*row) for row in self._store.conn.execute(sql, tuple(args))]

    def code_rows(self) -> list[CodeRow]:
        return self._select("code", order="id")

    def aliases(self) -> list[Alias]:
        return self._select("alias", order="alias")

    def coding(self, coding_id: str) -> Coding | None:
        found = self._select("coding", "id = ?", (coding_id,))
        return found[0] if found else None

    def codings(
        self,
        interview_id: str | None = None,
        *,
        question: str | None = None,
        include_deleted: bool = False,
    ) -> list[Coding]:
        where, args = _matching(interview_id=interview_id, question=question, state=None if include_deleted else "live")
        return self._select("coding", where, args, order="interview_id, question, target, start, id")

    def codings_of_answers(self, keys: Collection[tuple[str, str]]) -> list[Coding]:
        """The live codings of many answers, (interview, question) each, in one query."""
        if not keys:
            return []
        self._answer_keys(keys)
        columns = ", ".join(f"c.{name}" for name in _quoted(_columns("coding")).split(", "))
        return [
            Coding(*row)
            for row in self._store.conn.execute(
                f"SELECT {columns} FROM temp.yz_answer_keys k CROSS JOIN codings c"
                " ON c.interview_id = k.interview_id AND c.question = k.question"
                " WHERE c.state = 'live' ORDER BY c.id"
            )
        ]

    def answer_texts(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], tuple[object, str | None]]:
        """(value, note) of many answers, (interview, question) each, in one query: a search's
        "code all hits" checks a thousand spans against their texts."""
        if not keys:
            return {}
        self._answer_keys(keys)
        return {
            (interview_id, question): (value, note)
            for interview_id, question, value, note in self._store.conn.execute(
                "SELECT a.interview_id, a.question, a.value, a.note FROM temp.yz_answer_keys k CROSS JOIN answers a"
                " ON a.interview_id = k.interview_id AND a.question = k.question"
            )
        }

    def protocols_of(self, interview_ids: Collection[str]) -> dict[str, str]:
        """interview id -> the sha256 of its protocol, for those of the interviews that exist."""
        if not interview_ids:
            return {}
        self._answer_keys([(i, "") for i in interview_ids])
        return dict(
            self._store.conn.execute(
                "SELECT i.id, i.protocol_sha256 FROM temp.yz_answer_keys k CROSS JOIN interviews i"
                " ON i.id = k.interview_id"
            ).fetchall()
        )

    def _answer_keys(self, keys: Iterable[tuple[str, str]]) -> None:
        """Fill a temporary table of (interview, question) keys to join with: thousands of keys in
        one query, through the tables' own indexes (row values IN a VALUES list are scanned)."""
        fill_temp_table(self._store.conn, "yz_answer_keys", ("interview_id", "question"), keys)

    def memos(self, about: str | None = None, about_id: str | None = None, *, include_deleted: bool = False):
        where, args = _matching(about=about, about_id=about_id, state=None if include_deleted else "live")
        return self._select("memo", where, args, order="updated_at, id")

    def memo(self, memo_id: str) -> Memo | None:
        found = self._select("memo", "id = ?", (memo_id,))
        return found[0] if found else None

    def decisions(self, interview_id: str | None = None) -> list[Decision]:
        if interview_id is None:
            return self._select("decision", order="interview_id, question, code")
        return self._select("decision", "interview_id = ?", (interview_id,), order="question, code")

    def audit(self, kind: str | None = None, record_id: str | None = None) -> list[CodingAuditEntry]:
        where, args = _matching(kind=kind, record_id=record_id)
        sql = "SELECT id, at, user, device_id, kind, record_id, action, old, new FROM coding_audit"
        if where:
            sql += " WHERE " + where
        return [CodingAuditEntry(*row) for row in self._store.conn.execute(sql + " ORDER BY id", args)]

    def changed_since(self, stamp: str) -> dict[str, list[Any]]:
        """Every record changed since `stamp` ('' : all of them), by kind: what a package carries. The
        same millisecond counts as since: sending a record twice is harmless, missing it is not."""
        return {kind: self._select(kind, "updated_at >= ?", (stamp,)) for kind in _TABLES}

    def put(self, kind: str, record: Any, action: str, old: Any = None) -> None:
        """Write one record as it now is, with its audit row, in one transaction."""
        table, _cls, key = _TABLES[kind]
        store = self._store
        with store.transaction():
            held = store.conn.execute(
                f"SELECT updated_at FROM {table} WHERE {' AND '.join(f'{k} = ?' for k in key)}",
                [getattr(record, k) for k in key],
            ).fetchone()
            if held is not None and record.updated_at <= held[0]:
                # a new version must sort after the one it replaces, even within one millisecond
                record = replace(record, updated_at=after(held[0], record.updated_at))
            store.conn.execute(
                f"INSERT OR REPLACE INTO {table} ({_quoted(_columns(kind))})"
                f" VALUES ({', '.join('?' for _ in _columns(kind))})",
                tuple(getattr(record, c) for c in _columns(kind)),
            )
            self._log(kind, record_key(kind, record), action, old, record)

    def put_many(self, kind: str, records: list[Any], action: str) -> None:
        """New records, each with its audit row, in one transaction (codes for every search hit)."""
        if not records:
            return
        table, _cls, _key = _TABLES[kind]
        store = self._store
        columns = _columns(kind)
        at = store.now()
        with store.transaction():
            store.conn.executemany(
                f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                [_row_of(kind)(r) for r in records],
            )
            store.conn.executemany(
                "INSERT INTO coding_audit (at, user, device_id, kind, record_id, action, old, new)"
                " VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                [(at, store.user, store.device_id, kind, record_key(kind, r), action, as_json(r)) for r in records],
            )

    def move_codings(self, old_code: str, new_code: str, at: str) -> int:
        """Every coding of `old_code` becomes one of `new_code` (a merge of two codes)."""
        store = self._store
        moved = self.codings_of_code(old_code)
        with store.transaction():
            for coding in moved:
                after = _replace(coding, code=new_code, updated_at=at, updated_by=store.user, device_id=store.device_id)
                self.put("coding", after, "code_merged", coding)
        return len(moved)

    def codings_of_code(self, code: str) -> list[Coding]:
        return self._select("coding", "code = ?", (code,))

    def set_anchor(self, coding_id: str, start: int, end: int, anchor: str, before: Coding | None) -> None:
        """Re-anchor a coding after its text changed: local bookkeeping, not a new version of the
        record (every laptop re-anchors the same way from the same text)."""
        with self._store.transaction():
            self._store.conn.execute(
                'UPDATE codings SET start = ?, "end" = ?, anchor = ? WHERE id = ?', (start, end, anchor, coding_id)
            )
            if before is not None and (before.start, before.end, before.anchor) != (start, end, anchor):
                action = "re_anchored" if anchor == "ok" else "text_changed"
                self._log("coding", coding_id, action, before, _replace(before, start=start, end=end, anchor=anchor))

    def settle_unchanged_anchors(self) -> int:
        """Codings marked 'check' whose text still reads the same at their offsets: back to 'ok' in
        one statement (SQLite's substr counts characters, as the offsets do). Returns how many."""
        with self._store.transaction():
            return self._store.conn.execute(
                f"""UPDATE codings SET anchor = 'ok' WHERE anchor = 'check' AND {_BY_ANCHOR_INDEX} AND quote IS (
                     SELECT substr(CASE codings.target WHEN 'note' THEN a.note ELSE CAST(a.value AS TEXT) END,
                                   codings.start + 1, codings."end" - codings.start)
                     FROM answers a WHERE a.interview_id = codings.interview_id AND a.question = codings.question)"""
            ).rowcount

    def codings_to_check(self) -> list[Coding]:
        return self._select("coding", f"anchor = 'check' AND {_BY_ANCHOR_INDEX}", order="interview_id, question")

    # -- a merge: many records from elsewhere ---------------------------------------------------

    def upsert_newer(self, kind: str, records: Iterable[Any]) -> int:
        """Take each record unless this database already holds the same or a later version of it.
        Versions are ordered by (updated_at, device_id, the record as JSON): a total order, so the
        result is the same whatever order packages are merged in. Returns the rows written."""
        table, _cls, key = _TABLES[kind]
        columns = _columns(kind)
        local = _LOCAL.get(kind, ())
        taken = [c for c in columns if c not in key]
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in taken)
        if local:  # a new version's text must be checked against this laptop's answers
            updates += ", " + ", ".join(f"\"{c}\" = 'check'" for c in local)
        version = "updated_at, device_id, updated_by"
        given = [c for c in columns if c not in local]  # the local ones are 'check' in the SQL itself
        placeholders = ", ".join("'check'" if c in local else "?" for c in columns)
        sql = (
            f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({placeholders})"
            f" ON CONFLICT({_quoted(key)}) DO UPDATE SET {updates}"
            f" WHERE ({', '.join('excluded.' + c for c in version.split(', '))}) > ({version})"
        )
        store = self._store
        row_of = attrgetter(*given)  # one C call a record (every kind has several columns)
        rows = [row_of(r) for r in records]
        with store.transaction():
            before = store.conn.total_changes
            store.conn.executemany(sql, rows)
            return store.conn.total_changes - before

    def log_merge(self, package_id: str, summary: dict[str, int]) -> None:
        with self._store.transaction():
            self._log("package", package_id, "merged", None, summary)

    # -- full-text index ------------------------------------------------------------------------
    # The searches return each text as its UTF-8 bytes (core/coding/search.py `_hits` says why).

    def search_pending(self) -> int:
        return self._store.conn.execute("SELECT count(*) FROM search_pending").fetchone()[0]

    def bring_index_up_to_date(self, *, most: int | None = None) -> int:
        """Apply the journal of text changes to the FTS5 index (see migration 6). Per row, only its
        first and last change in the journal matter: a row whose first change is a deletion was in
        the index (with that text) and comes out; a row whose last change is an insertion goes in
        with that text. Grouped by row, so a journal of 450,000 changes costs one sort, not a scan
        per change."""
        store = self._store
        pending = 0 if store.read_only else self.search_pending()
        if not pending or (most is not None and pending > most) or store.conn.in_transaction:
            return 0
        with store.transaction():
            conn = store.conn
            high = conn.execute("SELECT max(seq) FROM search_pending").fetchone()[0]
            for first_or_last, op, command in (("min", "delete", "'delete', "), ("max", "insert", "")):
                target = "search_text_fts, rowid, text" if command else "rowid, text"
                conn.execute(
                    f"INSERT INTO search_text_fts ({target})"
                    f" SELECT {command}p.row_id, p.text FROM"
                    f" (SELECT {first_or_last}(seq) AS seq FROM search_pending WHERE seq <= ? GROUP BY row_id) f"
                    f" JOIN search_pending p ON p.seq = f.seq WHERE p.op = '{op}' ORDER BY p.seq",
                    (high,),
                )
            return conn.execute("DELETE FROM search_pending WHERE seq <= ?", (high,)).rowcount

    def fts_count(self, phrase: str) -> int:
        """How many texts hold the phrase (3 characters or more): a walk of one trigram's list, cheap
        beside ranking them."""
        return self._store.conn.execute(
            "SELECT count(*) FROM search_text_fts WHERE search_text_fts MATCH ?", (phrase,)
        ).fetchone()[0]

    def fts_match(self, phrase: str, limit: int, *, ranked: bool) -> list[tuple[str, str, str, bytes]]:
        """Rows whose text holds the phrase (3 characters or more): best ranked by bm25 first, or,
        not `ranked`, the first `limit` in the order they were stored (ranking costs a score for
        every text that holds the phrase, before the first row comes out)."""
        order = " ORDER BY f.rank" if ranked else ""
        return self._store.conn.execute(
            "SELECT s.interview_id, s.question, s.target, CAST(s.text AS BLOB) FROM search_text_fts f"
            f" JOIN search_text s ON s.id = f.rowid WHERE search_text_fts MATCH ?{order} LIMIT ?",
            (phrase, limit),
        ).fetchall()

    def fts_two_characters(self, term: str, limit: int) -> list[tuple[str, str, str, bytes]]:
        """The first `limit` rows holding the two-character `term`, in the order they were stored,
        through the trigram index, which cannot look up two characters itself. Every occurrence of
        the term but one at a text's very end starts a trigram, so the texts holding it are those
        holding any trigram that begins with it (their list read from the index's vocabulary), and
        those ending with it (migration 11's index of each text's last two characters, which also
        holds texts of exactly those two characters). Letters compare without case, as trigrams do."""
        conn = self._store.conn
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary USING fts5vocab(main, search_text_fts, row)"
        )
        folded = term.lower()  # the tokenizer folds the case of what it indexes
        trigrams = [
            t
            for (t,) in conn.execute(
                "SELECT term FROM temp.search_vocabulary WHERE term >= ? AND term < ?", (folded, folded + _LAST)
            )
        ]
        endings = sorted(
            {a + b for a in {term[0].lower(), term[0].upper()} for b in {term[1].lower(), term[1].upper()}}
        )
        ending = [  # few: through the index of endings, without reading a text
            i
            for (i,) in conn.execute(
                f"SELECT id FROM search_text WHERE substr(text, -2) IN ({', '.join('?' for _ in endings)})"
                " ORDER BY id LIMIT ?",
                (*endings, limit),
            )
        ]
        phrase = " OR ".join('"' + t.replace('"', '""') + '"' for t in trigrams)
        through_trigrams = (
            "SELECT {}s.interview_id, s.question, s.target, CAST(s.text AS BLOB) FROM search_text_fts f"
            " JOIN search_text s ON s.id = f.rowid WHERE search_text_fts MATCH ? ORDER BY f.rowid LIMIT ?"
        )
        if not ending:  # as a rule: the rows as they come, in the order stored
            return conn.execute(through_trigrams.format(""), (phrase, limit)).fetchall() if trigrams else []
        found = conn.execute(through_trigrams.format("f.rowid, "), (phrase, limit)).fetchall() if trigrams else []
        have = {row[0] for row in found}
        if ending := [i for i in ending if i not in have]:
            marks = ", ".join("?" for _ in ending)
            found = sorted(
                found
                + conn.execute(
                    "SELECT id, interview_id, question, target, CAST(text AS BLOB) FROM search_text"
                    f" WHERE id IN ({marks})",
                    ending,
                ).fetchall()
            )[:limit]
        return [row[1:] for row in found]

    def scan_text(self, term: str, limit: int) -> list[tuple[str, str, str, bytes]]:
        """The first `limit` rows holding `term`, in the order they were stored, by a scan: for terms
        too short for trigrams, and read-only copies whose index could not be brought up to date.
        The table's own order: no sort, no index to look each row up through, and the scan stops
        at the limit."""
        return self._store.conn.execute(
            "SELECT interview_id, question, target, CAST(text AS BLOB) FROM search_text WHERE instr(text, ?) > 0"
            " LIMIT ?",
            (term, limit),
        ).fetchall()

    def _log(self, kind: str, record_id: str, action: str, old: Any, new: Any) -> None:
        store = self._store
        store.conn.execute(
            "INSERT INTO coding_audit (at, user, device_id, kind, record_id, action, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (store.now(), store.user, store.device_id, kind, record_id, action, _json(old), _json(new)),
        )


def fill_temp_table(conn: driver.Connection, name: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Make the temporary table `name` (text columns, together its key) hold exactly `rows`, each
    once. Python's sqlite3 opens a transaction before any INSERT or DELETE, a temporary table's
    too; left open, it would keep this read snapshot and turn the next `Store.transaction()` into a
    savepoint that is never committed. So it is ended here, unless the caller's was already open."""
    opened_here = not conn.in_transaction
    conn.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} ({', '.join(f'{c} TEXT NOT NULL' for c in columns)},"
        f" PRIMARY KEY ({', '.join(columns)})) WITHOUT ROWID"
    )
    conn.execute(f"DELETE FROM temp.{name}")
    conn.executemany(f"INSERT OR IGNORE INTO temp.{name} VALUES ({', '.join('?' for _ in columns)})", rows)
    if opened_here and conn.in_transaction:
        conn.commit()


def _matching(**columns: str | None) -> tuple[str, list[object]]:
    """A WHERE clause for the columns given a value (None: any); the names are this module's own."""
    given = {name: value for name, value in columns.items() if value is not None}
    return " AND ".join(f"{name} = ?" for name in given), list(given.values())


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return as_json(value)


def _replace(record: Any, **changes: Any) -> Any:
    return replace(record, **changes)
