"""The files an export writes before the workbook is in place, all of them beside the target.

An export holds answers in clear in several files while it runs: openpyxl streams each write-only
sheet to a file of its own, and the workbook is first saved under a temporary name. openpyxl puts
its sheet files in the system temp folder, where a killed export left them for anyone to read; here
every one of them is made in the target's folder, named `.yingzao-export-<job>.…`, and removed when
the export ends, however it ends. A killed export cannot remove its files, so every export (and the
app at start, for the folder it exports to by default) first removes those of jobs that are no
longer running: a running job holds an OS lock on its `.lock` file for its whole life, and a
lock that can be taken means the job is gone.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import time
import uuid
from pathlib import Path
from typing import IO

PREFIX = ".yingzao-export-"
_NAME = re.compile(re.escape(PREFIX) + r"(?P<job>[0-9a-f]{16})\.")
# a job creates its lock file and locks it a moment later: never judge a lock file this young
_GRACE_SECONDS = 5.0
_UNLOCKABLE_AFTER_SECONDS = 24 * 3600.0  # where the file system has no locks: no export runs for a day


class ExportFiles:
    """The temporary files of one export job, in the target's folder."""

    def __init__(self, out_path: Path, kind: str = "xlsx") -> None:
        """Raises OSError (FileNotFoundError, PermissionError, …) when the folder takes no file.
        `kind`: the suffix of the file the job writes first (`workbook`), e.g. "qdpx", "csv"."""
        self.folder = out_path.parent
        self.job = uuid.uuid4().hex[:16]
        self._created: list[Path] = []
        self._sheets = 0
        lock_path = self._path("lock")
        self._lock: IO[bytes] | None = lock_path.open("xb")
        self._created.append(lock_path)
        try:
            try:
                _lock(self._lock)
            except OSError as error:
                if _held_elsewhere(error):
                    raise
                # a file system without locks (some network shares): the job's files are then
                # judged by their age alone (see `_abandoned`)
            self.workbook = self._new(f"{kind}.part")
        except BaseException:
            self.close()
            raise

    def _path(self, suffix: str) -> Path:
        return self.folder / f"{PREFIX}{self.job}.{suffix}"

    def _new(self, suffix: str) -> Path:
        path = self._path(suffix)
        path.open("xb").close()  # created like any file the user makes there (not private like mkstemp's)
        self._created.append(path)
        return path

    def part(self, suffix: str) -> Path:
        """Another temporary file of this job, removed with the others when the job ends."""
        return self._new(f"{suffix}.part")

    def sheet_file(self) -> str:
        """A new file for one sheet's rows."""
        self._sheets += 1
        return str(self._new(f"sheet{self._sheets}.part"))

    def keep_sheets_here(self, workbook) -> None:
        """Make every write-only sheet of `workbook` stream its rows into a file of this job.

        openpyxl creates a sheet's writer (and its file, via `tempfile`) on the sheet's first row,
        after the columns and panes are set; that moment is kept, only the file's place changes.
        Changing `tempfile.tempdir` instead would move the temporary files of the whole process,
        including those of another export running in another thread."""
        from openpyxl.worksheet import _writer

        for sheet in workbook.worksheets:

            def get_writer(sheet=sheet) -> None:
                if sheet._writer is None:
                    out = self.sheet_file()
                    _writer.ALL_TEMP_FILES.append(out)  # openpyxl's own cleanup expects it listed
                    sheet._writer = _writer.WorksheetWriter(sheet, out=out)
                    sheet._writer.write_top()

            sheet._get_writer = get_writer

    def close(self) -> None:
        """Remove every file of the job (the workbook's `.part` included, if it is still there),
        then the lock."""
        for path in self._created[1:]:
            _remove(path)
        if self._lock is not None:
            self._lock.close()  # closing drops the lock
            self._lock = None
        _remove(self._created[0])


def remove_stale(folder: Path) -> int:
    """Remove the files of export jobs in `folder` that are no longer running; returns how many
    files were removed. Never raises: a folder that cannot be listed has nothing to clean."""
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return 0
    jobs: dict[str, list[str]] = {}
    for name in names:
        found = _NAME.match(name)
        if found:
            jobs.setdefault(found["job"], []).append(name)
    removed = 0
    for job, files in jobs.items():
        lock_name = f"{PREFIX}{job}.lock"
        if lock_name in files and not _abandoned(folder / lock_name):
            continue
        for name in sorted(files, key=lambda n: n == lock_name):  # the lock last
            removed += _remove(folder / name)
    return removed


def _abandoned(lock_path: Path) -> bool:
    try:
        age = time.time() - lock_path.stat().st_mtime
        if age < _GRACE_SECONDS:
            return False
        with lock_path.open("r+b") as handle:
            try:
                _lock(handle)
            except OSError as error:
                if _held_elsewhere(error):
                    return False  # its job still runs
                return age > _UNLOCKABLE_AFTER_SECONDS  # no locks here: only old files are surely abandoned
            return True  # the lock goes with the handle; the caller removes the files next
    except OSError:
        return False


def _held_elsewhere(error: OSError) -> bool:
    """Does this failure to lock mean another holder (and not a file system without locks)?"""
    return error.errno in (errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDEADLK)


def _lock(handle: IO[bytes]) -> None:
    """An exclusive lock on `handle` without waiting; OSError if another process holds one."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _remove(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except FileNotFoundError:
        return 0
    except OSError:  # held open elsewhere (Windows) or refused: left for a later clean-up
        return 0
