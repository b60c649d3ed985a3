"""Files written so that a crash or a power cut leaves the old file or the whole new one, never a
half-written or empty one that the database already records as written.

A rename is atomic but not durable: after a power cut the new name may point at an empty file unless
the file's data, and then the folder's entry, reached the disk. Never use these on a database the
app has open: only SQLite may open and close a live database file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    # opened for writing: Windows flushes only through a handle that may write
    handle = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def fsync_folder(folder: Path) -> None:
    """The folder's entry for a renamed file; Windows cannot open a folder for this (NTFS journals it)."""
    if os.name == "nt":
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:  # some file systems (network shares) refuse it; the file itself is flushed
        pass
    finally:
        os.close(handle)


def replace_durably(partial: Path, target: Path) -> None:
    """Flush `partial`, rename it to `target`, and flush the folder's entry too."""
    fsync_file(partial)
    os.replace(partial, target)
    fsync_folder(target.parent)


def write_durably(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, flush it, then rename it into place;
    nothing is left behind on failure, and an existing `target` is replaced only by a whole file."""
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as handle:
            handle.write(data)
        replace_durably(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
