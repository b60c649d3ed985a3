"""A consistent view for a set of reads while the app keeps writing (another connection saving answers).

In WAL mode a read transaction sees the database as it was when its first read ran, whatever is
committed meanwhile; without one, each statement sees the latest state and a package or an export
could pair one interview's row with another moment's answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from yingzao.core.store import driver


@contextmanager
def read_snapshot(conn: driver.Connection) -> Iterator[None]:
    """One read transaction around the block, or nothing when the caller's transaction is one already
    (its own view is the consistent one). `Store.snapshot()` is this on the store's connection; an
    export of a database `Store` cannot open reads through this directly."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        # it only read: ending it by a rollback touches nothing on the disk (a COMMIT on a damaged
        # file can fail), and also drops what the block kept in temporary tables
        with suppress(driver.Error):  # a damaged file may refuse even this; the first error is the one to report
            conn.rollback()
