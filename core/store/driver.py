"""The SQLite module every part of the core talks to: SQLCipher's build of SQLite when it is installed,
else Python's own `sqlite3`.

SQLCipher (`sqlcipher3`, from the `sqlcipher3-wheels` package) is SQLite with page-level encryption:
without a key it reads and writes plain databases exactly as `sqlite3` does, so one module serves
both. Its exception classes are its own, not subclasses of `sqlite3`'s: a `sqlite3.DatabaseError`
clause would miss every error it raises. So nothing in the core imports `sqlite3` for connecting or
catching; everything goes through the names here, and one family of exceptions is raised and caught
everywhere.

Without SQLCipher (a source install where the wheel is missing) plain databases work as before and
an encrypted one is refused by name (`errors.encryption_unavailable`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from yingzao.core import errors

if TYPE_CHECKING:
    # sqlcipher3 ships no type information; its API is the standard module's, so that is what is checked
    import sqlite3 as dbapi
    from sqlite3 import (
        SQLITE_BUSY,
        SQLITE_CANTOPEN,
        SQLITE_LOCKED,
        SQLITE_NOTADB,
        Connection,
        Cursor,
        DatabaseError,
        Error,
        IntegrityError,
        OperationalError,
        sqlite_version,
    )

    ENCRYPTION: bool
else:
    try:
        from sqlcipher3 import dbapi2 as dbapi

        ENCRYPTION = True
    except ImportError:
        import sqlite3 as dbapi

        ENCRYPTION = False
    SQLITE_BUSY = dbapi.SQLITE_BUSY
    SQLITE_CANTOPEN = dbapi.SQLITE_CANTOPEN
    SQLITE_LOCKED = dbapi.SQLITE_LOCKED
    SQLITE_NOTADB = dbapi.SQLITE_NOTADB
    Connection = dbapi.Connection
    Cursor = dbapi.Cursor
    DatabaseError = dbapi.DatabaseError
    Error = dbapi.Error
    IntegrityError = dbapi.IntegrityError
    OperationalError = dbapi.OperationalError
    sqlite_version = dbapi.sqlite_version

__all__ = [
    "ENCRYPTION",
    "SQLITE_BUSY",
    "SQLITE_CANTOPEN",
    "SQLITE_LOCKED",
    "SQLITE_NOTADB",
    "Connection",
    "Cursor",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "OperationalError",
    "connect",
    "dbapi",
    "key",
    "quote",
    "sqlite_version",
]


def connect(
    database: str | Path,
    *,
    uri: bool = False,
    timeout: float = 5.0,
    isolation_level: Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None = "DEFERRED",
    passphrase: str | None = None,
) -> Connection:
    """A connection to `database` (a path, a `file:` URI with `uri=True`, or ":memory:"); with a
    passphrase, keyed before anything else touches the file (see `key`)."""
    conn = dbapi.connect(str(database), uri=uri, timeout=timeout, isolation_level=isolation_level)
    if passphrase is not None:
        try:
            key(conn, passphrase)
        except BaseException:
            conn.close()
            raise
    return conn


def key(conn: Connection, passphrase: str) -> None:
    """Give SQLCipher the passphrase of the database behind `conn`. It must come first: SQLCipher reads
    nothing of the file until it has the key, and a first read without one fails as "not a database".
    A wrong passphrase is not noticed here but at the first read (also as SQLITE_NOTADB)."""
    if not ENCRYPTION:
        raise errors.encryption_unavailable()
    # SQLCipher writes its own diagnostics to stderr (a wrong key as "hmac check failed"); the app
    # says what went wrong in its own words instead
    conn.execute("PRAGMA cipher_log_level = NONE")
    # a PRAGMA takes no bound parameters: the passphrase goes in as an SQL string literal
    conn.execute(f"PRAGMA key = {quote(passphrase)}")


def quote(text: str) -> str:
    """`text` as an SQL string literal (for PRAGMA key and ATTACH … KEY, which take no parameters)."""
    if "\x00" in text:
        raise ValueError("a passphrase cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"
