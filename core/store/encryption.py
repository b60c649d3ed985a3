"""Encrypting a database that exists, and changing the passphrase of an encrypted one.

SQLCipher cannot encrypt a file in place. The database is exported, through SQLite, into a new
encrypted file beside it (`sqlcipher_export` into an attached database keyed with the passphrase);
that copy is opened again with the passphrase and compared with the original — integrity check,
schema check, the rows of every table counted and hashed — and flushed to the disk; only then does it
replace the original (`os.replace`, atomic). Until that moment the original is untouched: a crash, a
full disk or a killed process at any earlier point leaves it as it was, and opening it works as
before. The half-written copy is a hidden `.NAME.yzpart` file in the same folder, removed by the
next attempt.

The writer claim (core/store/writer_claim.py) is held throughout, so no other window or command
writes to the database meanwhile. The app's own `Store` of the file must be closed first (the
file under it is replaced): the UI closes its store, converts, and opens the encrypted file anew.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from yingzao.core import errors
from yingzao.core.durable import fsync_file, fsync_folder
from yingzao.core.store import driver, opening, unlocked, writer_claim
from yingzao.core.store.database import Store

MIN_PASSPHRASE = 8  # characters: the least the app accepts; a sentence is better (docs/security.md)


@dataclass(frozen=True)
class Converted:
    """What an encryption or a change of passphrase wrote, as verified in the new file."""

    path: Path
    tables: int
    rows: int
    database_id: str  # the key under which the OS keychain may keep the passphrase (core/store/keychain.py)


class _CopyDiffers(Exception):
    """The encrypted copy does not hold what the original holds: it is not used."""


def is_encrypted(path: Path) -> bool:
    """Whether SQLite cannot read the existing file at `path` without a key.

    Asked of SQLite, never by reading the file's bytes (which would drop SQLite's locks). SQLite
    cannot tell an encrypted database from a file that is no database at all (both fail as
    SQLITE_NOTADB): True means "needs a passphrase, or is not a database", and opening it with the
    passphrase says which. False for a missing or empty file (a new database) and a plain one."""
    try:
        if not path.is_file() or path.stat().st_size == 0:  # stat(): the folder's entry, no open of the file
            return False
    except OSError:
        return False
    try:
        conn = opening.connect(path, read_only=True)
    except driver.DatabaseError as error:
        return errors.sqlite_code(error) == driver.SQLITE_NOTADB
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except driver.DatabaseError as error:
        return errors.sqlite_code(error) == driver.SQLITE_NOTADB
    finally:
        conn.close()
    return False


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to protect anything (raises `passphrase_too_short`)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise errors.passphrase_too_short(MIN_PASSPHRASE)


def encrypt_database(path: Path, passphrase: str, *, user: str = "") -> Converted:
    """Encrypt the plain database at `path` with `passphrase`, replacing it (see the module's text).

    Raises `already_encrypted` for a file that needs a key already, `DatabaseInUse` when another
    process has it open for writing, `database_locked` when this process still has it open, and
    `encryption_failed` when the copy could not be written or verified — the original untouched."""
    path = Path(path)
    check_passphrase(passphrase)
    if not driver.ENCRYPTION:
        raise errors.encryption_unavailable()
    if is_encrypted(path):
        raise errors.already_encrypted(path)
    return _convert(path, None, passphrase, user)


def change_passphrase(path: Path, old: str, new: str, *, user: str = "") -> Converted:
    """Give the encrypted database at `path` the passphrase `new` instead of `old`, the same way: a
    new file, verified, then replacing the old one. A wrong `old` raises `database_passphrase_wrong`
    and changes nothing."""
    path = Path(path)
    check_passphrase(new)
    if not driver.ENCRYPTION:
        raise errors.encryption_unavailable()
    if not is_encrypted(path):
        raise errors.not_encrypted(path)
    return _convert(path, old, new, user)


def part_path(path: Path) -> Path:
    """The encrypted copy while it is written: hidden, beside the database, on the same disk."""
    return path.with_name(f".{path.name}.yzpart")


def _convert(path: Path, old: str | None, new: str, user: str) -> Converted:
    held = writer_claim.holder(path)
    if held is not None and held.pid == os.getpid():
        # this process has a Store of it open (the window, a running export): the file must not be
        # replaced under it. The UI closes its store first.
        raise errors.database_locked(path)
    part = part_path(path)
    _remove_part(part)  # what a killed attempt left
    # the claim and the source store both last until the copy has replaced the original
    with Store(path, user=user, passphrase=old) as store:
        # everything in the main file: the copy is made from it, and the -wal can then go
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        claim = writer_claim.acquire(path, user)
        try:
            try:
                expected = _contents(store.conn, "main")
                _write_copy(store, part, new)
                found = _verify(part, new)
                if found != expected:
                    raise _CopyDiffers("the copy's rows differ from the original's")
                fsync_file(part)
            except (OSError, driver.Error, errors.StoreError, _CopyDiffers) as error:
                _remove_part(part)
                if isinstance(error, errors.StoreError) and error.code == "database_passphrase_wrong":
                    raise
                raise errors.encryption_failed(path, error) from error
            except BaseException:
                _remove_part(part)
                raise
            database_id = store.get_setting("database_id") or ""
            store.close()  # the last connection: SQLite checkpoints and removes the -wal and -shm
            try:
                os.replace(part, path)
            except OSError as error:
                _remove_part(part)
                raise errors.encryption_failed(path, error) from error
            fsync_folder(path.parent)
            # the original's -wal and -shm, should SQLite have left them: never beside the new file
            for leftover in (opening.wal_path(path), path.with_name(path.name + "-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
        finally:
            writer_claim.release(claim)
    unlocked.forget(path)
    unlocked.remember(path, new)
    tables = len(expected)
    return Converted(path, tables, sum(count for count, _digest in expected.values()), database_id)


def _write_copy(store: Store, part: Path, passphrase: str) -> None:
    """The whole database, schema and rows, exported by SQLCipher into a new file keyed with `passphrase`."""
    conn = store.conn
    conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(part), passphrase))
    try:
        conn.execute("SELECT sqlcipher_export('encrypted')").fetchall()
        # not copied by the export; the schema check and the next open need them
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        application = conn.execute("PRAGMA main.application_id").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute(f"PRAGMA encrypted.application_id = {int(application)}")
    finally:
        conn.execute("DETACH DATABASE encrypted")


def _verify(part: Path, passphrase: str) -> dict[str, tuple[int, str]]:
    """The copy read back through SQLite with the passphrase: intact, Yingzao's schema, and its rows."""
    conn = driver.connect(part, passphrase=passphrase)
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        verdict = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        if verdict != ["ok"]:
            raise _CopyDiffers("; ".join(str(line) for line in verdict))
        opening.check_schema(conn, part, existed=True, read_only=False)
        return _contents(conn, "main")
    finally:
        conn.close()


def _contents(conn: driver.Connection, schema: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its rows in a fixed order, to compare two copies."""
    found: dict[str, tuple[int, str]] = {}
    tables = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND rootpage > 0 "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        columns = len(conn.execute(f"SELECT * FROM {schema}.{quoted} LIMIT 0").description)
        order = ", ".join(str(n) for n in range(1, columns + 1))
        digest = hashlib.sha256()
        count = 0
        for row in conn.execute(f"SELECT * FROM {schema}.{quoted} ORDER BY {order}"):
            digest.update(repr(row).encode("utf-8", "surrogatepass"))
            count += 1
        found[table] = (count, digest.hexdigest())
    return found


def _remove_part(part: Path) -> None:
    for leftover in (part, part.with_name(part.name + "-journal"), part.with_name(part.name + "-wal")):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)
