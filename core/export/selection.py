"""What the REFI-QDA, CSV and wide exports share with the workbook: the store opened read-only, the
interviews the filters select, the same anonymisation, and each community's latest profile.

The rules are those of `yingzao.core.export.workbook` (codes R01/F01 over the whole database, names
scrubbed from free text), so every format of one database says the same thing about the same person.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from yingzao.core import durable, errors
from yingzao.core.export import anonymize
from yingzao.core.export import files as export_files
from yingzao.core.export.data import PROFILE_ROLE, AnswerRow, ExportFilters, ExportReader, InterviewRecord
from yingzao.core.export.labels import t
from yingzao.core.forms.codebook import Codebook
from yingzao.core.store import driver
from yingzao.core.store.database import Store

T = TypeVar("T")
Progress = Callable[[int, int], None]


@dataclass
class Selection:
    reader: ExportReader
    anon: anonymize.Anonymizer
    records: list[InterviewRecord]
    communities: dict[str, str]  # id -> stored name

    def profiles(self) -> dict[str, tuple[InterviewRecord, list[AnswerRow]]]:
        """Each selected community's most recently updated profile, whatever the role filter."""
        wanted = tuple(sorted({r.community_id for r in self.records if r.community_id}))
        if not wanted:
            return {}
        latest: dict[str, InterviewRecord] = {}
        for record in self.reader.interviews(ExportFilters(communities=wanted, roles=(PROFILE_ROLE,)), self.anon):
            current = latest.get(record.community_id or "")
            if current is None or (record.updated or dt.datetime.min) > (current.updated or dt.datetime.min):
                latest[record.community_id or ""] = record
        return {r.community_id or "": (r, rows) for r, rows in self.reader.stream(list(latest.values()), self.anon)}


@contextmanager
def selection(
    db: Store | Path | str,
    codebook: Codebook,
    filters: ExportFilters,
    *,
    lang: str,
    anonymise: bool,
    tz: dt.tzinfo | None = None,
) -> Iterator[Selection]:
    """The interviews to export, read in one snapshot; an open Store is used as it is."""
    if isinstance(db, Store):
        with _reading(db, codebook, filters, lang, anonymise, tz) as found:
            yield found
        return
    path = Path(db)
    if not path.exists():
        raise errors.export_database_missing(path)
    with open_read_only(path) as store, _reading(store, codebook, filters, lang, anonymise, tz) as found:
        yield found


@contextmanager
def _reading(
    store: Store, codebook: Codebook, filters: ExportFilters, lang: str, anonymise: bool, tz: dt.tzinfo | None
) -> Iterator[Selection]:
    reader = ExportReader(store, codebook, lang, tz, anonymising=anonymise)
    try:
        communities = reader.communities()
        filters.check(list(communities))
        people = reader.people(with_identifying=anonymise)
        if anonymise:
            anon = anonymize.anonymizer(
                people, communities, other_users=reader.other_users(), removed=t("removed", lang)
            )
        else:
            anon = anonymize.plain(people, communities)
        yield Selection(reader, anon, reader.interviews(filters, anon), communities)
    except driver.Error as error:
        if errors.is_busy(error):
            raise errors.database_locked(store.path) from error
        raise errors.export_database_damaged(store.path, [errors.Text(str(error), str(error))]) from error
    finally:
        reader.close()


def open_read_only(path: Path) -> Store:
    """Read-only, as the workbook export opens it (an older database is upgraded first)."""
    try:
        return Store(path, read_only=True)
    except errors.StoreError as error:
        if error.code == "read_only_needs_upgrade":
            return Store(path)
        raise


def write_into_place(out_path: Path, kind: str, write: Callable[[export_files.ExportFiles], T]) -> T:
    """Run `write` on a temporary file beside `out_path` (`files.workbook`), then make it durable and
    move it into place: a failure or a cancel leaves the old file (or none), never a partial one."""
    if out_path.is_dir():
        raise errors.export_not_writable(out_path)
    if not out_path.parent.is_dir():
        raise errors.export_folder_missing(out_path)
    export_files.remove_stale(out_path.parent)  # what a killed export left here
    try:
        files = export_files.ExportFiles(out_path, kind)
    except FileNotFoundError as error:
        raise errors.export_folder_missing(out_path) from error
    except PermissionError as error:
        raise errors.export_not_writable(out_path, error) from error
    except OSError as error:
        raise errors.export_failed(out_path, error) from error
    try:
        try:
            result = write(files)
            durable.fsync_file(files.workbook)
        except OSError as error:
            raise errors.export_failed(out_path, error) from error
        move_into_place(files.workbook, out_path)
        # the file is in place; a folder that cannot be synced (some network shares) is not a failure
        with contextlib.suppress(OSError):
            durable.fsync_folder(out_path.parent)
        return result
    finally:
        files.close()


def move_into_place(temporary: Path, out_path: Path) -> None:
    try:
        os.replace(temporary, out_path)
    except PermissionError as error:
        raise errors.export_file_in_use(out_path) from error  # Windows: the file is open elsewhere
    except OSError as error:
        raise errors.export_failed(out_path, error) from error
