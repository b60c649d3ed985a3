"""One writer per database: a claim held for the life of the app on a small file beside the database.

SQLite's own locks are per connection and last only as long as a transaction; they cannot say
"another Yingzao window has this file open". The claim is an OS lock on `<database>.lock` (never the
database file itself: opening and closing the database file outside SQLite would drop SQLite's POSIX
locks). The operating system releases it when the process ends, however it ends, so a crash leaves
no stale claim. The file also says who holds the claim, for the message the second window shows.

Within one process the claim is shared: the app's worker threads and an in-process command open the
same database through their own `Store`, and count as the same writer.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from yingzao.core.timestamps import utc_now

_LOCK_OFFSET = 1 << 20  # Windows locks a byte range: lock one far from the holder's note, which stays readable
_MAX_NOTE = 4096


@dataclass(frozen=True)
class Holder:
    """Who holds a database, as the holder wrote it down."""

    user: str = ""
    host: str = ""
    pid: int = 0
    since: str = ""

    @classmethod
    def from_note(cls, raw: bytes) -> Holder:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        pid = data.get("pid")
        return cls(
            user=str(data.get("user", ""))[:200],
            host=str(data.get("host", ""))[:200],
            pid=pid if isinstance(pid, int) and 0 < pid < 1 << 31 else 0,
            since=str(data.get("since", ""))[:40],
        )


class ClaimRefused(Exception):
    """Another process holds the database; `holder` says who, as far as it wrote it down."""

    def __init__(self, holder: Holder) -> None:
        super().__init__("held by another process")
        self.holder = holder


class _Claim:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.count = 0


_claims: dict[str, _Claim] = {}
_guard = threading.Lock()


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def acquire(database: Path, user: str = "") -> str:
    """Claim `database` for this process (again, if it already has it); returns the key to release.

    Raises ClaimRefused when another process holds it, OSError when the lock file cannot be made."""
    key = _key(database)
    with _guard:
        claim = _claims.get(key)
        if claim is None:
            path = lock_path(database)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
            try:
                if not _try_lock(fd):
                    raise ClaimRefused(Holder.from_note(_read_note(fd)))
                _write_note(fd, user)
            except BaseException:
                os.close(fd)
                raise
            claim = _claims[key] = _Claim(fd)
        claim.count += 1
    return key


def release(key: str) -> None:
    with _guard:
        claim = _claims.get(key)
        if claim is None:
            return
        claim.count -= 1
        if claim.count <= 0:
            del _claims[key]
            try:
                _unlock(claim.fd)
            finally:
                os.close(claim.fd)


def holder(database: Path) -> Holder | None:
    """Who holds `database` now, or None when nobody does (nothing is claimed by asking)."""
    path = lock_path(database)
    if _key(database) in _claims:
        return Holder(pid=os.getpid())
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
        return Holder.from_note(_read_note(fd))
    finally:
        os.close(fd)


def _key(database: Path) -> str:
    return os.path.normcase(str(database.resolve()))


def _read_note(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, _MAX_NOTE)


def _host() -> str:
    """The computer's name. `os.uname` has it wherever it exists (not on Windows); `platform`, the
    fallback, costs start-up milliseconds to import (and socket more)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import platform

    return platform.node()


def _write_note(fd: int, user: str) -> None:
    note = json.dumps(
        {"user": user, "host": _host(), "pid": os.getpid(), "since": utc_now()}, ensure_ascii=False
    ).encode("utf-8")
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, note)
    os.ftruncate(fd, len(note))


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    # flock, not fcntl's POSIX locks: a flock belongs to this open file description, so closing some
    # other descriptor of the lock file (a second window asking who holds it) cannot drop it
    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
