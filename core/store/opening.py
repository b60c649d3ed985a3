"""Opening a database file safely, and copying it: the checks made before anything is written.

A file may come from anywhere; these look at it through SQLite only (never a plain open of the
database file, which would drop SQLite's POSIX locks) and refuse, by name, what must not be used.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from yingzao.core import errors
from yingzao.core.durable import fsync_file, fsync_folder
from yingzao.core.store import driver, schema_check
from yingzao.core.store.migrations import APPLICATION_ID, LATEST

BUSY_SECONDS = 10.0  # how long a write waits for another connection of this process before giving up


def connect(path: Path, read_only: bool, passphrase: str | None = None) -> driver.Connection:
    """A connection to `path`, keyed with `passphrase` (an encrypted database) before anything is read."""
    if read_only:
        uri = path.resolve().as_uri()
        conn = driver.connect(uri + "?mode=ro", uri=True, timeout=BUSY_SECONDS, passphrase=passphrase)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # the first read opens the -shm
        except driver.OperationalError as error:
            # read-only media: SQLite cannot make the -shm a WAL database needs. With no -wal
            # beside it the main file is the whole database, and `immutable` reads it as it is.
            if error.sqlite_errorcode & 0xFF != driver.SQLITE_CANTOPEN or wal_path(path).exists():
                conn.close()
                raise
            conn.close()
            conn = driver.connect(uri + "?immutable=1", uri=True, passphrase=passphrase)
        except BaseException:
            conn.close()
            raise
    else:
        conn = driver.connect(path, timeout=BUSY_SECONDS, passphrase=passphrase)
    # a file from elsewhere may define functions in views or defaults; none of it runs with our rights
    conn.execute("PRAGMA trusted_schema=OFF")
    return conn


def check_schema(conn: driver.Connection, path: Path, *, existed: bool, read_only: bool) -> None:
    """Refuse a file that is not Yingzao's, is newer, or holds any table, index, trigger or view
    that Yingzao's migrations do not make: SQL stored in a file must never run here."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]  # NOTADB here for a non-SQLite file
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if existed and app_id != APPLICATION_ID:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != 0 or version != 0 or tables:
            raise errors.foreign_database(path)
    if version > LATEST:
        raise errors.newer_database(path, version, LATEST)
    difference = schema_check.compare(conn, version)
    if difference.unexpected:
        raise errors.unexpected_schema(path, difference.unexpected)
    if difference.missing:
        raise errors.damaged_database(path, difference.missing)
    if read_only and version < LATEST:
        raise errors.read_only_needs_upgrade(path, version, LATEST)


def check_wal_belongs(path: Path, passphrase: str | None = None) -> None:
    """A -wal file left beside the database (after a crash, or copied there from elsewhere) is
    replayed into it on open. Before that, look at the database through it without writing: a
    -wal of another database shows as damage, or as another database's identity. An encrypted
    database's -wal is encrypted too: both looks are keyed with its passphrase."""
    wal = wal_path(path)
    try:
        if not wal.exists() or wal.stat().st_size == 0:
            return
    except OSError:
        return
    uri = path.resolve().as_uri()
    as_saved = as_seen = None
    try:
        # immutable: the main file alone, as it was before the -wal
        with contextlib.closing(driver.connect(uri + "?immutable=1", uri=True, passphrase=passphrase)) as bare:
            bare.execute("PRAGMA trusted_schema=OFF")
            as_saved = database_id(bare)
    except driver.DatabaseError as error:
        # the main file itself is unreadable without (the right) key, whatever the -wal holds:
        # that is what the user must hear, not a word about the -wal
        if error.sqlite_errorcode & 0xFF == driver.SQLITE_NOTADB:
            raise
    try:
        # read-only: through the -wal; a read-only connection never checkpoints it into the file
        with contextlib.closing(driver.connect(uri + "?mode=ro", uri=True, passphrase=passphrase)) as seen:
            seen.execute("PRAGMA trusted_schema=OFF")
            verdict = [row[0] for row in seen.execute("PRAGMA quick_check(1)")]
            as_seen = database_id(seen)
    except driver.DatabaseError as error:
        if error.sqlite_errorcode & 0xFF in (driver.SQLITE_CANTOPEN, driver.SQLITE_BUSY, driver.SQLITE_LOCKED):
            return  # cannot look (read-only folder, busy): opening proper will say what is wrong
        raise errors.foreign_wal(path) from error
    if verdict != ["ok"] or (as_saved and as_seen and as_saved != as_seen):
        raise errors.foreign_wal(path)


def backup(conn: driver.Connection, path: Path, target: Path | str, passphrase: str | None = None) -> Path:
    """A consistent copy of the database, the latest saves included (they may still be in the
    -wal file, which a plain copy of the .db misses), through SQLite's online backup. The copy of
    an encrypted database is encrypted with the same passphrase: a plain copy would leak it all."""
    target = Path(target)
    if target.resolve() == path.resolve():
        raise errors.backup_onto_itself(target)
    part = target.with_name(f".{target.name}.yzpart")
    try:
        part.unlink(missing_ok=True)
        with contextlib.closing(driver.connect(part, passphrase=passphrase)) as copy:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        fsync_file(part)
        os.replace(part, target)
        fsync_folder(target.parent)
    except (OSError, driver.Error) as error:
        part.unlink(missing_ok=True)
        raise errors.backup_failed(target, error) from error
    return target


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def database_id(conn: driver.Connection) -> str | None:
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'database_id'").fetchone()
    except driver.OperationalError:  # no settings table yet, or a file of schema 4 and before
        return None
    return row[0] if row else None
