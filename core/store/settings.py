"""A setting read before the store is opened: the app draws its first window in the language chosen
last time, before it opens (and claims) the database, which takes longer."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def stored_setting(path: Path, key: str) -> str | None:
    """The setting's value in the database at `path`, read through a read-only SQLite connection
    that is closed at once; None when there is no such file, setting or readable database (opening
    it properly then says what is wrong)."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA trusted_schema=OFF")  # the file may come from anywhere: run none of its SQL
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return row[0] if row is not None and isinstance(row[0], str) else None
