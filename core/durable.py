"""Make a written file survive a power cut before anything claims it was written.

A rename is atomic but not durable: after a crash the new name may point at an empty file unless the
file's data, and then the folder's entry, reached the disk. Never use these on a database the app
has open: only SQLite may open and close a live database file.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """The folder's entry for a renamed file; Windows has no way to open a folder for this."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems (network shares) refuse it; the data itself was synced
        pass
    finally:
        os.close(fd)


def replace_durably(part: Path, target: Path) -> None:
    """Move a fully written temporary file into place, durably."""
    fsync_file(part)
    os.replace(part, target)
    fsync_folder(target.parent)
