"""Is this file's schema exactly the one Yingzao's migrations make? Checked on every open.

A database may come from anywhere (a laptop's file copied to the researcher, `--db` on any file).
SQL stored in it — a trigger, a view, a default — would run inside the app with the user's rights:
a trigger on `audit` could delete answers at the next save. So before anything is written, every
table, index, trigger and view in the file is compared, definition by definition, with what the
migrations create for the file's schema version, built in a private in-memory database.
"""
from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass

from yingzao.core.store.migrations import MIGRATIONS

# written by SQLite itself (ANALYZE, PRAGMA optimize): statistics for the planner, no code
_SQLITE_OWN = ("sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")


@dataclass(frozen=True)
class SchemaDifference:
    unexpected: tuple[str, ...]   # objects the migrations do not make, or make differently
    missing: tuple[str, ...]      # objects the migrations make that the file lacks

    def __bool__(self) -> bool:
        return bool(self.unexpected or self.missing)


def compare(conn: sqlite3.Connection, version: int) -> SchemaDifference:
    """Compare the schema behind `conn` with the one of schema `version`."""
    found = _objects(conn)
    wanted = expected(version)
    unexpected = sorted(f"{kind} {name}" for (kind, name), sql in found.items()
                        if name not in _SQLITE_OWN and wanted.get((kind, name), _ABSENT) != sql)
    missing = sorted(f"{kind} {name}" for key in wanted.keys() - found.keys() for kind, name in [key])
    # an object that exists with another definition is both: name it once, as unexpected
    missing = [item for item in missing if item not in unexpected]
    return SchemaDifference(tuple(unexpected), tuple(missing))


_ABSENT = object()


@functools.lru_cache(maxsize=None)
def expected(version: int) -> dict[tuple[str, str], str | None]:
    """The objects schema `version` has, as the migrations create them."""
    conn = sqlite3.connect(":memory:")
    try:
        for step in range(version):
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
        return _objects(conn)
    finally:
        conn.close()


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str | None]:
    # compared as written, whitespace and comments included: SQLite keeps each statement's text,
    # and a newline moved in or out of a `--` comment changes what the statement does
    return {(kind, name): sql for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")}
