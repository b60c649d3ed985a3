"""Files written so that a crash or a power cut leaves the old file or the whole new one, never a
half-written or empty one that the database already records as written."""
from __future__ import annotations

import os
from pathlib import Path


def replace_durably(partial: Path, target: Path) -> None:
    """Flush `partial` to the disk, rename it to `target`, and flush the folder's entry too (where
    the system allows it: POSIX), so that a power cut right after cannot leave an empty or missing
    file that the database already records as written."""
    handle = os.open(partial, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows flushes only writable handles
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
    os.replace(partial, target)
    if os.name != "nt":  # a folder cannot be opened for flushing on Windows; NTFS journals the rename
        try:
            folder = os.open(target.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(folder)
        except OSError:  # some file systems (network shares) refuse it; the file itself is flushed
            pass
        finally:
            os.close(folder)


def write_durably(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, flush it, then rename it into place;
    nothing is left behind on failure, and an existing `target` is replaced only by a whole file."""
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as handle:
            handle.write(data)
        replace_durably(partial, target)
    except BaseException:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
        raise
