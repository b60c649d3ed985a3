"""The one object that owns the SQLite connection: every read and write of study data goes here.

Durability first: WAL with synchronous=FULL, so a committed answer survives a killed process or a
power cut; every change is one short transaction that also appends its audit row.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from yingzao.core import errors
from yingzao.core.store import driver, opening, unlocked, writer_claim
from yingzao.core.store.interviews import InterviewWrites
from yingzao.core.store.migrations import APPLICATION_ID, LATEST, MIGRATIONS
from yingzao.core.store.records import (
    EDITABLE_STATUSES,
    MARKERS,
    OUTCOMES,
    STATUSES,
    Answer,
    AuditEntry,
    Community,
    Interview,
    InterviewId,
    ListedInterview,
    QuestionTime,
)
from yingzao.core.store.snapshot import read_snapshot
from yingzao.core.store.values import ValueProblem, to_stored
from yingzao.core.timestamps import utc_now

if TYPE_CHECKING:
    from yingzao.core.forms.protocol import Protocol
    from yingzao.core.store.codings import CodingRecords
    from yingzao.core.store.trust import TrustRecords

UNSET: object = object()  # "leave this field as it is" in save_answer
SEARCH_JOURNAL_AT_CLOSE = 50_000  # changes; a bigger journal (after a merge) waits for the first search


class Store:
    """A Yingzao database file. Open it once and pass it to whoever needs it.

    Opening for writing claims the file for this process (core/writer_claim.py): a second window or
    a command in another process gets `errors.DatabaseInUse` and may open it with `read_only=True`,
    which never writes, never migrates and never checkpoints.

    An encrypted database (SQLCipher) is opened with its `passphrase`; a new file opened with one is
    made encrypted. Without one, the passphrase this process already opened the file with is used
    (core/store/unlocked.py), so a worker's second `Store` of the app's database needs no asking.
    A wrong or missing passphrase raises `database_passphrase_wrong` / `database_needs_passphrase`
    and changes nothing; it can be tried again at once, as often as needed."""

    def __init__(
        self,
        path: Path | str,
        *,
        user: str = "",
        clock: Callable[[], str] = utc_now,
        read_only: bool = False,
        passphrase: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._passphrase = passphrase if passphrase is not None else unlocked.passphrase_for(self.path)
        self._clock = clock
        self._protocols: dict[str, Protocol] = {}
        # id -> (protocol sha, status), to check an answer before it is written. Every write of this
        # store keeps it right; another connection (a merge in a worker thread) may still change an
        # interview behind it, so it is only a first guess: save_answer refuses only on what the
        # database says, and its UPDATE re-checks both inside the write (see save_answer).
        self._interview_cache: dict[str, tuple[str, str]] = {}
        self.writes = InterviewWrites(self)  # the interview aggregate's bulk write paths (merge, conflicts, review)
        self._savepoints = itertools.count(1)
        self._snapshots = 0  # read snapshots this store opened and has not ended (see snapshot())
        self._claim: str | None = None
        self._conn: driver.Connection | None = None
        # stat() reads the folder, not the file: it cannot disturb SQLite's locks on the file
        existed = self.path.exists() and (self.path.stat().st_size > 0 or opening.wal_path(self.path).exists())
        try:
            if read_only:
                if not existed:
                    raise errors.no_such_database(self.path)
            else:
                self._take_claim(user)
                if existed:
                    opening.check_wal_belongs(self.path, self._passphrase)
            self._conn = opening.connect(self.path, read_only, self._passphrase)
            opening.check_schema(self._conn, self.path, existed=existed, read_only=read_only)
            if not read_only:
                self._migrate(existed)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.device_id = self._ensure_device_id()
            self.user = user or self.get_setting("user_name") or ""
        except driver.DatabaseError as error:
            self._close_quietly()
            raise self._opening_error(error) from error
        except BaseException:
            self._close_quietly()
            raise
        if self._passphrase is not None:
            unlocked.remember(self.path, self._passphrase)

    @property
    def encrypted(self) -> bool:
        """Whether the file is encrypted (it opened with a passphrase; a plain file would not have)."""
        return self._passphrase is not None

    # -- opening -----------------------------------------------------------------------------

    def _opening_error(self, error: driver.DatabaseError) -> errors.StoreError:
        # SQLITE_NOTADB is all SQLite says both for a wrong key and for a file that is no database
        if errors.sqlite_code(error) == driver.SQLITE_NOTADB and driver.ENCRYPTION:
            if self._passphrase is not None:
                return errors.database_passphrase_wrong(self.path)
            return errors.database_needs_passphrase(self.path)
        return errors.from_sqlite(self.path, error, opening=True)

    def _take_claim(self, user: str) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._claim = writer_claim.acquire(self.path, user)
        except writer_claim.ClaimRefused as refused:
            raise errors.DatabaseInUse(self.path, refused.holder) from None
        except OSError as error:
            raise errors.cannot_open(self.path, error) from error

    def _migrate(self, existed: bool) -> None:
        conn = self.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == LATEST:
            return
        conn.execute("BEGIN IMMEDIATE")
        step = version
        try:
            for step in range(version, LATEST):
                for statement in MIGRATIONS[step]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {LATEST}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except driver.Error as error:
            conn.execute("ROLLBACK")
            raise errors.migration_failed(self.path, step + 1, error) from error

    def _ensure_device_id(self) -> str:
        device = self.get_setting("device_id")
        if not device and not self.read_only:
            import uuid  # imported when needed: it pulls in `platform`, which start-up can do without

            device = str(uuid.uuid4())
            self.set_setting("device_id", device)
        return device or ""  # a read-only store of a file that never had one

    def close(self) -> None:
        if self._conn is not None and not self.read_only:
            # the search index's journal holds a copy of every text saved since the last search; a
            # fieldworker may never search, so it is brought into the index here, when it is small
            with contextlib.suppress(errors.YingzaoError, driver.Error):
                self.coding.bring_index_up_to_date(most=SEARCH_JOURNAL_AT_CLOSE)
        self._close_quietly()

    def _close_quietly(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            with contextlib.suppress(driver.Error):
                conn.close()
            self._conn = None
        claim, self._claim = getattr(self, "_claim", None), None
        if claim is not None:  # after the connection: its last act may be the checkpoint
            writer_claim.release(claim)

    def backup(self, target: Path | str) -> Path:
        """A consistent copy of the database, the latest saves included (core/store/opening.py)."""
        return opening.backup(self.conn, self.path, target, self._passphrase)

    @property
    def conn(self) -> driver.Connection:
        """The one connection; using a closed store is a programming error, said as such."""
        if self._conn is None:
            raise errors.store_closed(self.path)
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @functools.cached_property
    def trust(self) -> TrustRecords:
        """Devices, held packages and review signatures (core/store/trust.py); made on first use, as
        `coding` is: start-up never needs them."""
        from yingzao.core.store.trust import TrustRecords

        return TrustRecords(self)

    @functools.cached_property
    def coding(self) -> CodingRecords:
        """The researcher's codes, codings and memos (core/store/codings.py). Made on first use: its
        record classes take milliseconds to define, which start-up (the home list) does without."""
        from yingzao.core.store.codings import CodingRecords

        return CodingRecords(self)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """One transaction; nested ones become savepoints, so a core function that writes several
        rows can be called alone or inside a bigger job (a merge) and still be all-or-nothing."""
        conn = self.conn
        if self._snapshots:
            raise RuntimeError("a write inside a read snapshot would be rolled back with it")
        if conn.in_transaction:
            name = f"yz_{next(self._savepoints)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        if self.read_only:
            raise errors.read_only_store(self.path)
        try:
            # IMMEDIATE: take the write lock now, waiting up to the busy timeout for another writer
            # (a merge, an export's bookkeeping) — a deferred BEGIN upgraded later fails at once
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except driver.DatabaseError as error:
            # full disk, a pulled USB stick, a file made read-only, another program holding a lock,
            # damaged pages: nothing of this transaction was written, and the user is told why.
            # Anything else (a constraint) is the caller's to explain.
            if not errors.is_environmental(error):
                raise
            raise errors.from_sqlite(self.path, error) from error
        except UnicodeEncodeError as error:  # a lone surrogate pasted from somewhere: SQLite cannot store it
            raise errors.unstorable_text() from error

    def now(self) -> str:
        """The store's clock (tests inject one), for core modules that write their own rows (merge)."""
        return self._clock()

    def write_audit(
        self, interview_id: str, question: str | None, field: str, old: object, new: object, at: str
    ) -> None:
        """One audit row, by this store's user and device, for a change another core module makes
        in the same transaction (a review decision, a comment, a conflict resolution)."""
        with self.transaction():
            self._audit(interview_id, question, field, old, new, at)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Read a consistent state in the block while the app keeps writing (core/store/snapshot.py);
        nothing when already inside a transaction. No writes in the block: a snapshot ends by rolling
        back, so `transaction()` refuses there rather than lose them."""
        opened = not self.conn.in_transaction
        with read_snapshot(self.conn):
            self._snapshots += opened
            try:
                yield self
            finally:
                self._snapshots -= opened

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- settings ----------------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    # -- protocols ---------------------------------------------------------------------------

    def add_protocol(self, protocol: Protocol, workbook: bytes | None = None) -> str:
        """Keep a protocol version for good; adding the same workbook again changes nothing."""
        if self.read_only:  # a window beside the writer: the version is known for this session only
            self._protocols[protocol.sha256] = protocol
            return protocol.sha256
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO protocols (sha256, form_id, version, role, title, source_name, definition,"
                " workbook, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    protocol.sha256,
                    protocol.form_id,
                    protocol.version,
                    protocol.role,
                    protocol.title(protocol.default_language),
                    protocol.source_name,
                    json.dumps(protocol.to_dict(), ensure_ascii=False),
                    workbook,
                    self._clock(),
                ),
            )
        if not self.conn.in_transaction:  # inside a bigger job (a merge) that may still roll back: read it later
            self._protocols[protocol.sha256] = protocol
        return protocol.sha256

    def has_protocol(self, sha256: str) -> bool:
        if sha256 in self._protocols:
            return True
        return self.conn.execute("SELECT 1 FROM protocols WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def protocol(self, sha256: str) -> Protocol:
        cached = self._protocols.get(sha256)
        if cached is not None:
            return cached
        row = self.conn.execute("SELECT definition FROM protocols WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise errors.unknown_protocol(sha256)
        # imported with the first protocol read: the home list at start-up needs only titles
        from yingzao.core.forms.protocol import Protocol

        protocol = Protocol.from_dict(json.loads(row[0]))
        self._protocols[sha256] = protocol
        return protocol

    def protocol_titles(self, shas: Iterable[str]) -> dict[str, dict[str, str]]:
        """The titles by language of these protocol versions (those the store knows), without
        building the protocols: the home list shows only the title, and reading a whole definition
        costs about a millisecond a protocol at start-up."""
        wanted = list(shas)
        titles = {sha: dict(self._protocols[sha].titles) for sha in wanted if sha in self._protocols}
        for sha in wanted:
            if sha not in titles:
                row = self.conn.execute(
                    "SELECT json_extract(definition, '$.titles') FROM protocols WHERE sha256 = ?", (sha,)
                ).fetchone()
                if row is not None and row[0] is not None:
                    titles[sha] = json.loads(row[0])
        return titles

    def protocol_form_id(self, sha256: str) -> str | None:
        """The form a protocol version belongs to (None: not known here), without building it."""
        cached = self._protocols.get(sha256)
        if cached is not None:
            return cached.form_id
        row = self.conn.execute("SELECT form_id FROM protocols WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def protocol_workbook(self, sha256: str) -> bytes | None:
        """The exact workbook a protocol version was parsed from (None: kept without one)."""
        row = self.conn.execute("SELECT workbook FROM protocols WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def protocol_versions(self) -> list[dict]:
        cursor = self.conn.execute(
            "SELECT sha256, form_id, version, role, title, source_name, loaded_at FROM protocols ORDER BY loaded_at"
        )
        keys = [d[0] for d in cursor.description]
        return [dict(zip(keys, row)) for row in cursor]

    # -- communities -------------------------------------------------------------------------

    def add_community(self, community_id: str, name: str) -> Community:
        community_id = community_id.strip()
        if not community_id:
            raise errors.community_id_required()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO communities (id, name, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name",
                (community_id, name.strip() or community_id, self._clock()),
            )
        return self.community(community_id)

    def keep_community(self, community_id: str, name: str, created_at: str) -> str:
        """A community a package carries, added as it was made there when this database has none of
        that code; returns the name this database holds, which a package never renames."""
        with self.transaction():
            row = self.conn.execute("SELECT name FROM communities WHERE id = ?", (community_id,)).fetchone()
            if row is not None:
                return row[0]
            self.conn.execute(
                "INSERT INTO communities (id, name, created_at) VALUES (?, ?, ?)", (community_id, name, created_at)
            )
        return name

    def community(self, community_id: str) -> Community:
        row = self.conn.execute("SELECT id, name, created_at FROM communities WHERE id = ?", (community_id,)).fetchone()
        if row is None:
            raise errors.unknown_community(community_id)
        return Community(*row)

    def communities(self) -> list[Community]:
        return [
            Community(*row) for row in self.conn.execute("SELECT id, name, created_at FROM communities ORDER BY id")
        ]

    # -- interviews --------------------------------------------------------------------------

    def start_interview(
        self,
        protocol_sha256: str,
        *,
        community_id: str | None = None,
        fieldworker: str | None = None,
        interview_id: str | None = None,
    ) -> InterviewId:
        import uuid

        protocol = self.protocol(protocol_sha256)
        new_id = InterviewId(interview_id or str(uuid.uuid4()))
        now = self._clock()
        who = fieldworker or self.user
        with self.transaction():
            self.conn.execute(
                "INSERT INTO interviews (id, protocol_sha256, protocol_id, protocol_version, respondent_role,"
                " community_id, fieldworker, device_id, status, started_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
                (
                    new_id,
                    protocol_sha256,
                    protocol.form_id,
                    protocol.version,
                    protocol.role,
                    community_id,
                    who,
                    self.device_id,
                    now,
                    now,
                ),
            )
            self._audit(new_id, None, "created", None, protocol_sha256, now)
        self._cache(new_id, (protocol_sha256, "draft"))
        return new_id

    def interview(self, interview_id: str) -> Interview:
        row = self.conn.execute(f"SELECT {_INTERVIEW_COLUMNS} FROM interviews WHERE id = ?", (interview_id,)).fetchone()
        if row is None:
            raise errors.unknown_interview(interview_id)
        return Interview(*row)

    def interviews(self, *, statuses: Iterable[str] | None = None) -> list[Interview]:
        """Drafts first, newest change first within each status."""
        sql = f"SELECT {_INTERVIEW_COLUMNS} FROM interviews"
        params: list = []
        if statuses is not None:
            wanted = list(statuses)
            sql += f" WHERE status IN ({', '.join('?' for _ in wanted)})"
            params += wanted
        rows = [Interview._make(row) for row in self.conn.execute(sql, params)]
        rows.sort(key=lambda i: i.updated_at, reverse=True)  # two stable sorts: cheaper than SQL's here
        rows.sort(key=lambda i: i.status != "draft")
        return rows

    def listed_interviews(self, *, limit: int | None = None) -> list[ListedInterview]:
        """Every interview (or the first `limit`) as the home list shows it, in its order: what is
        still to be worked on (drafts, interviews sent back) first, then the rest; the most recently
        changed first in each."""
        columns = ", ".join(ListedInterview._fields)
        if limit is None:
            rows = self.conn.execute(
                f"SELECT {columns} FROM interviews ORDER BY status NOT IN ('draft', 'rejected'), updated_at DESC, rowid"
            )
            return list(map(ListedInterview._make, rows))
        # The first rows at start-up: that ORDER BY sorts every interview (~10 ms of 5,000); the
        # index interviews_status gives each status's most recent ones at once, merged here
        to_do: list[tuple] = []
        done: list[tuple] = []
        for (status,) in self.conn.execute("SELECT DISTINCT status FROM interviews").fetchall():
            (to_do if status in EDITABLE_STATUSES else done).extend(
                self.conn.execute(
                    f"SELECT {columns}, rowid FROM interviews WHERE status = ? ORDER BY updated_at DESC, rowid LIMIT ?",
                    (status, limit),
                )
            )
        updated, rowid = ListedInterview._fields.index("updated_at"), len(ListedInterview._fields)
        listed: list[ListedInterview] = []
        for part in (to_do, done):
            part.sort(key=lambda row: (row[updated], -row[rowid]), reverse=True)  # newest first; ties by rowid
            listed += (ListedInterview._make(row[:rowid]) for row in part[: limit - len(listed)])
        return listed

    def fieldworkers(self) -> list[str]:
        """Everyone who took an interview in this database, by name."""
        return sorted(r[0] for r in self.conn.execute("SELECT DISTINCT fieldworker FROM interviews") if r[0])

    def count_interviews(self) -> int:
        return self.conn.execute("SELECT count(*) FROM interviews").fetchone()[0]

    def set_status(self, interview_id: str, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        current = self.interview(interview_id)
        if current.status == status:
            return
        now = self._clock()
        with self.transaction():
            ended = now if status == "completed" else current.ended_at
            self.conn.execute(
                "UPDATE interviews SET status = ?, ended_at = ?, updated_at = ? WHERE id = ?",
                (status, ended, now, interview_id),
            )
            self._audit(interview_id, None, "status", current.status, status, now)
        self._cache(interview_id, (current.protocol_sha256, status))

    def set_interview_community(self, interview_id: str, community_id: str | None) -> None:
        """Move an editable interview to another community (or to none), audited: the fieldworker's
        answer when the respondent's stated case shows the interview was filed under the wrong one."""
        current = self.interview(interview_id)
        if current.status not in EDITABLE_STATUSES:
            raise errors.interview_read_only(interview_id, current.status)
        if community_id is not None:
            self.community(community_id)  # raises unknown_community
        if current.community_id == community_id:
            return
        now = self._clock()
        with self.transaction():
            self.conn.execute(
                "UPDATE interviews SET community_id = ?, updated_at = ? WHERE id = ?", (community_id, now, interview_id)
            )
            self._audit(interview_id, None, "community", current.community_id, community_id, now)
        self._changed([interview_id])

    def finalize(self, interview_id: str, *, outcome: str | None = None) -> None:
        """End an interview: completed, read-only for the fieldworker from now on."""
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        current = self.interview(interview_id)
        if current.status not in EDITABLE_STATUSES:
            raise errors.interview_read_only(interview_id, current.status)
        now = self._clock()
        with self.transaction():
            self.conn.execute(
                "UPDATE interviews SET status = 'completed', outcome = ?, ended_at = ?, updated_at = ? WHERE id = ?",
                (outcome, now, now, interview_id),
            )
            self._audit(interview_id, None, "status", current.status, "completed", now)
            if outcome != current.outcome:
                self._audit(interview_id, None, "outcome", current.outcome, outcome, now)
        self._cache(interview_id, (current.protocol_sha256, "completed"))

    def set_progress(self, interview_id: str, percent: int) -> None:
        """Derived from the answers (not audited): kept so lists need not evaluate every form."""
        with self.transaction():
            self.conn.execute("UPDATE interviews SET progress = ? WHERE id = ?", (int(percent), interview_id))

    # -- paradata ----------------------------------------------------------------------------

    def add_question_time(self, interview_id: str, question: str, seconds: float) -> None:
        """Add one visit's time to a question (paradata; not an answer, so not audited)."""
        if seconds <= 0:
            return
        with self.transaction():
            self.conn.execute(
                "INSERT INTO paradata (interview_id, question, seconds, visits, updated_at) VALUES (?, ?, ?, 1, ?)"
                " ON CONFLICT(interview_id, question) DO UPDATE SET seconds = seconds + excluded.seconds,"
                " visits = visits + 1, updated_at = excluded.updated_at",
                (interview_id, question, float(seconds), self._clock()),
            )

    def question_times(self, interview_id: str) -> dict[str, QuestionTime]:
        cursor = self.conn.execute(
            "SELECT question, seconds, visits FROM paradata WHERE interview_id = ?", (interview_id,)
        )
        return {row[0]: QuestionTime(*row) for row in cursor}

    # -- answers -----------------------------------------------------------------------------

    def save_answer(
        self,
        interview_id: str,
        question: str,
        value: object = UNSET,
        *,
        marker: object = UNSET,
        note: object = UNSET,
    ) -> bool:
        """Save what changed of one answer, with its audit rows, in one transaction.

        Returns False when nothing changed (nothing is written then)."""
        try:
            return self._save_answer(interview_id, question, value, marker, note)
        except _CacheBehind:
            # another connection changed the interview's protocol behind the cache: check the
            # answer again against what the database holds now
            return self._save_answer(interview_id, question, value, marker, note)

    def _save_answer(self, interview_id: str, question: str, value: object, marker: object, note: object) -> bool:
        sha, status = self._interview_state(interview_id)
        if status not in EDITABLE_STATUSES:
            # the cache may be behind another connection (a review package merged in a worker
            # thread sends the interview back): refuse only on what the database says now
            self._interview_cache.pop(interview_id, None)
            sha, status = self._interview_state(interview_id)
            if status not in EDITABLE_STATUSES:
                raise errors.interview_read_only(interview_id, status)
        protocol = self.protocol(sha)
        if not protocol.has_question(question):
            raise errors.unknown_question(protocol.form_id, question)
        conn = self.conn
        old = conn.execute(
            "SELECT value, marker, note FROM answers WHERE interview_id = ? AND question = ?",
            (interview_id, question),
        ).fetchone() or (None, None, None)
        new = list(old)
        if value is not UNSET:
            try:
                new[0] = to_stored(protocol.question(question).type, value)
            except ValueProblem as problem:
                raise errors.bad_value(question, problem) from problem
        if marker is not UNSET:
            if marker is not None and marker not in MARKERS:
                raise ValueError(f"marker must be one of {MARKERS} or None, not {marker!r}")
            new[1] = marker
        if note is not UNSET:
            new[2] = (str(note) if note is not None else None) or None
        if tuple(new) == tuple(old) and not _type_changed(old[0], new[0]):
            return False
        now = self._clock()
        with self.transaction():
            # status and protocol are checked again here, inside the write: another connection (a
            # merge in a worker thread) may have finalised this interview since it was cached
            touched = conn.execute(
                f"UPDATE interviews SET updated_at = ?, last_question = ? WHERE id = ?"
                f" AND status IN ({', '.join(repr(s) for s in EDITABLE_STATUSES)}) AND protocol_sha256 = ?",
                (now, question, interview_id, sha),
            ).rowcount
            if touched != 1:
                self._interview_cache.pop(interview_id, None)
                current = self.interview(interview_id)
                if current.status not in EDITABLE_STATUSES:
                    raise errors.interview_read_only(interview_id, current.status)
                raise _CacheBehind
            conn.execute(
                "INSERT OR REPLACE INTO answers (interview_id, question, value, marker, note, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (interview_id, question, new[0], new[1], new[2], now, self.user),
            )
            for field, before, after in zip(("value", "marker", "note"), old, new):
                if before != after or _type_changed(before, after):
                    self._audit(interview_id, question, field, before, after, now)
        return True

    def answer(self, interview_id: str, question: str) -> Answer | None:
        row = self.conn.execute(
            "SELECT question, value, marker, note, updated_at, updated_by FROM answers"
            " WHERE interview_id = ? AND question = ?",
            (interview_id, question),
        ).fetchone()
        return Answer(*row) if row else None

    def answers(self, interview_id: str) -> dict[str, Answer]:
        cursor = self.conn.execute(
            "SELECT question, value, marker, note, updated_at, updated_by FROM answers WHERE interview_id = ?",
            (interview_id,),
        )
        return {row[0]: Answer(*row) for row in cursor}

    def audit_log(self, interview_id: str) -> list[AuditEntry]:
        cursor = self.conn.execute(
            "SELECT id, at, user, device_id, interview_id, question, field, old, new FROM audit"
            " WHERE interview_id = ? ORDER BY id",
            (interview_id,),
        )
        return [AuditEntry(*row) for row in cursor]

    # -- internals ---------------------------------------------------------------------------

    def _interview_state(self, interview_id: str) -> tuple[str, str]:
        state = self._interview_cache.get(interview_id)
        if state is None:
            row = self.conn.execute(
                "SELECT protocol_sha256, status FROM interviews WHERE id = ?", (interview_id,)
            ).fetchone()
            if row is None:
                raise errors.unknown_interview(interview_id)
            state = (row[0], row[1])
            self._interview_cache[interview_id] = state
        return state

    def _cache(self, interview_id: str, state: tuple[str, str]) -> None:
        """Remember an interview's state after this store changed it; inside a bigger job that may
        still roll back, forget it instead (it is read again when next needed)."""
        if self.conn.in_transaction:
            self._interview_cache.pop(interview_id, None)
        else:
            self._interview_cache[interview_id] = state

    def _changed(self, interview_ids: Iterable[str]) -> None:
        """The store's write paths (core/store/interviews.py) rewrote these interviews' rows."""
        for interview_id in interview_ids:
            self._interview_cache.pop(interview_id, None)

    def _audit(self, interview_id: str, question: str | None, field: str, old: object, new: object, at: str) -> None:
        self.conn.execute(
            "INSERT INTO audit (at, user, device_id, interview_id, question, field, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (at, self.user, self.device_id, interview_id, question, field, old, new),
        )


_INTERVIEW_COLUMNS = (
    "id, protocol_sha256, protocol_id, protocol_version, respondent_role, community_id, fieldworker,"
    " device_id, status, started_at, ended_at, updated_at, last_question, outcome, progress"
)


class _CacheBehind(Exception):
    """save_answer's cached protocol of an interview is no longer the database's."""


def _type_changed(before: object, after: object) -> bool:
    # 1 == 1.0 == True in Python, but '1' stored as text and 1 stored as integer are different answers
    return before is not None and after is not None and type(before) is not type(after)
