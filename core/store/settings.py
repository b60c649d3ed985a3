"""A setting read before the store is opened: the app draws its first window in the language chosen
last time, before it opens (and claims) the database, which takes longer."""

from __future__ import annotations

from pathlib import Path

from yingzao.core import errors
from yingzao.core.store import driver, unlocked


def stored_setting(path: Path, key: str, *, passphrase: str | None = None) -> str | None:
    """The setting's value in the database at `path`, read through a read-only SQLite connection
    that is closed at once; None when there is no such file, setting or readable database (opening
    it properly then says what is wrong). An encrypted database is read with `passphrase`, else with
    the one this process opened it with; without either it reads as no setting."""
    if not path.is_file():
        return None
    if passphrase is None:
        passphrase = unlocked.passphrase_for(path)
    try:
        conn = driver.connect(path.resolve().as_uri() + "?mode=ro", uri=True, passphrase=passphrase)
    except (driver.Error, errors.StoreError):  # StoreError: no SQLCipher here for an encrypted file
        return None
    try:
        conn.execute("PRAGMA trusted_schema=OFF")  # the file may come from anywhere: run none of its SQL
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    except driver.Error:
        return None
    finally:
        conn.close()
    return row[0] if row is not None and isinstance(row[0], str) else None
