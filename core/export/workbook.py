"""Export a database to one Excel workbook organised by the paper's coding frame.

    export_workbook(db_path, out_path, ExportOptions(...), progress=..., cancelled=...)

Runs without Qt, in the caller's thread: the app calls it from a worker thread, the command line
directly. It opens its own store (a SQLite connection belongs to one thread) and reads one snapshot.
The workbook is written to a temporary file beside the target and moved into place only when
complete and flushed to disk, so a failure or a cancel never leaves a half-written file; every
temporary file stays in the target's folder (`yingzao.core.export.files`). The database is opened read-only
(it works on read-only media and beside a window that holds it); a damaged one is exported as far as
it can be read, and the file says what is missing (`yingzao.core.export.damage`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yingzao.core import durable, errors, paths
from yingzao.core.anonymity import table as pseudonym_table
from yingzao.core.anonymity.risk import GroupSizes
from yingzao.core.anonymity.scrub import DATE_PRECISIONS
from yingzao.core.coding.codebook import research_codebook
from yingzao.core.export import anonymize
from yingzao.core.export import damage as export_damage
from yingzao.core.export import files as export_files
from yingzao.core.export.about import AboutFacts, write_about
from yingzao.core.export.coding_sheets import CodingsSheet, write_code_matrix, write_memos, write_reviews
from yingzao.core.export.data import PROFILE_ROLE, AnswerRow, ExportFilters, ExportReader, InterviewRecord
from yingzao.core.export.frame import (
    ActorsByDimension,
    FactorEvidence,
    FrameworkMatrix,
    profile_mobilised,
    write_scenes,
)
from yingzao.core.export.labels import t
from yingzao.core.export.selection import selection, write_into_place
from yingzao.core.export.sheets import (
    AnswersSheet,
    CodeCounts,
    InterviewsSheet,
    PresenceSheet,
    SheetContext,
    write_codebook,
)
from yingzao.core.export.wide import WideFacts, wide_tables, write_wide
from yingzao.core.export.xlsx_style import add_styles
from yingzao.core.forms.codebook import FAMILIES, Codebook, load_codebook
from yingzao.core.forms.protocol import ROLES, Protocol
from yingzao.core.store import driver
from yingzao.core.store.database import Store

__all__ = ["ExportFilters", "ExportOptions", "ExportResult", "export_workbook", "filter_choices"]

SHEETS = (
    "about",
    "interviews",
    "answers",
    "codings",
    "matrix",
    "actors",
    "factors",
    "scenes",
    "presence",
    "code_matrix",
    "memos",
    "reviews",
    "codebook",
)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportOptions:
    filters: ExportFilters = field(default_factory=ExportFilters)
    lang: str = "zh"
    anonymize: bool = False
    count_suggestions: bool = False  # pending protocol suggestions count as evidence (About says so)
    layout: str = "tidy"  # "wide": one row per interview, one sheet per protocol first (`yingzao.core.export.wide`)
    # anonymised exports only: release even with detections nobody reviewed (they are replaced by the
    # removal mark, and the About sheet says so), and how precise the dates stay
    accept_detected: bool = False
    date_precision: str = "month"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    interviews: int
    profiles: int
    answers: int
    communities: int
    anonymized: bool
    overflow_cells: int
    seconds: float
    damage: tuple[errors.Text, ...] = ()  # a damaged database: what the file lacks (About lists it too)
    incomplete_sheets: tuple[str, ...] = ()  # keys of SHEETS

    def summary(self) -> str:
        """One line (two for a damaged database) in the interface language (`errors.set_language`)."""
        text = str(
            errors.Text(
                f"{self.path}：{self.interviews} 个访谈，{self.profiles} 份社区概况，{self.answers} 个回答，"
                f"{self.communities} 个社区{'，已匿名化' if self.anonymized else ''}（{self.seconds:.1f} 秒）",
                f"{self.path}: {self.interviews} interview(s), {self.profiles} community profile(s), "
                f"{self.answers} answers, {self.communities} communities{', anonymised' if self.anonymized else ''} "
                f"({self.seconds:.1f} s)",
            )
        )
        if self.damage:
            text += "\n" + str(
                errors.Text(
                    "警告：数据库已损坏，只导出了可读取的部分。",
                    "WARNING: the database is damaged; only what could be read was exported. ",
                )
            )
            text += str(errors.Text("；", "; ")).join(str(d) for d in self.damage)
        return text


@dataclass(frozen=True)
class FilterChoices:
    """What an export can be filtered by, for the export dialog."""

    communities: list[tuple[str, str, int]]  # id, name, number of interviews
    interviews: int


def filter_choices(db_path: Path | str) -> FilterChoices:
    db_path = Path(db_path)
    if not db_path.exists():
        raise errors.export_database_missing(db_path)
    with _open_store(db_path, damaged_too=True) as store:
        try:
            counts = dict(store.conn.execute("SELECT community_id, count(*) FROM interviews GROUP BY community_id"))
            communities = [(c.id, c.name, counts.get(c.id, 0)) for c in store.communities()]
        except driver.DatabaseError:
            # a damaged database: no filters to offer, and the export itself says what is damaged
            return FilterChoices([], 0)
        return FilterChoices(communities, sum(counts.values()))


def export_workbook(
    db_path: Path | str,
    out_path: Path | str,
    options: ExportOptions = ExportOptions(),
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    codebook: Codebook | None = None,
    tz: dt.tzinfo | None = None,
) -> ExportResult:
    """Write the workbook; raise ExportError (ExportCancelled on cancel) with nothing left behind."""
    started = time.perf_counter()
    db_path, out_path = Path(db_path), Path(out_path)
    _check_target(out_path)
    if not db_path.exists():
        raise errors.export_database_missing(db_path)
    codebook = codebook or load_codebook(paths.CODEBOOK_PATH)
    if options.layout == "wide":
        return _export_wide(db_path, out_path, codebook, options, tz, progress, cancelled, started)
    export_files.remove_stale(out_path.parent)  # what a killed export left here
    run = functools.partial(
        _run,
        db_path,
        out_path,
        codebook,
        options,
        tz,
        progress or (lambda done, total: None),
        cancelled or (lambda: False),
    )
    salvage: export_damage.Salvage | None = None
    try:
        job, counts = run(None)
    except (driver.DatabaseError, errors.StoreError) as error:
        if isinstance(error, errors.StoreError) and error.code != _DAMAGED:
            raise
        salvage = _damage(db_path, out_path, error)
    if salvage is not None:  # a damaged database: once more, keeping what can be read
        try:
            job, counts = run(salvage)
        except (driver.DatabaseError, errors.StoreError) as error:
            if isinstance(error, errors.StoreError) and error.code != _DAMAGED:
                raise
            raise errors.export_database_damaged(db_path, salvage.problems) from error
    return ExportResult(
        out_path,
        *counts,
        anonymized=options.anonymize,
        overflow_cells=job.ctx.overflow_cells,
        seconds=time.perf_counter() - started,
        damage=tuple(salvage.findings()) if salvage else (),
        incomplete_sheets=tuple(k for k in SHEETS if salvage and k in salvage.incomplete_sheets),
    )


def _run(
    db_path: Path,
    out_path: Path,
    codebook: Codebook,
    options: ExportOptions,
    tz: dt.tzinfo | None,
    progress: Progress,
    cancelled: Callable[[], bool],
    salvage: export_damage.Salvage | None,
) -> tuple[_Export, tuple[int, int, int, int]]:
    with _open_store(db_path, damaged_too=salvage is not None) as store:
        files = _job_files(out_path)
        try:
            job = _Export(store, codebook, options, tz, progress, cancelled, salvage)
            counts = job.write(files)
            if job.cancelled():
                raise errors.ExportCancelled
            _make_durable(files.workbook, out_path)
            _move_into_place(files.workbook, out_path)
            durable.fsync_folder(out_path.parent)
        finally:
            files.close()
    return job, counts


def _export_wide(
    db_path: Path,
    out_path: Path,
    codebook: Codebook,
    options: ExportOptions,
    tz: dt.tzinfo | None,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    started: float,
) -> ExportResult:
    """The survey-import layout. A damaged database is refused here (the tidy layout salvages it)."""
    lang = options.lang
    answers = 0

    def count(record: InterviewRecord, rows: list[AnswerRow]) -> None:
        nonlocal answers
        answers += len(rows)

    with selection(db_path, codebook, options.filters, lang=lang, anonymise=options.anonymize, tz=tz) as chosen:

        def write(files: export_files.ExportFiles) -> WideFacts:
            tables = wide_tables(chosen, lang, progress=progress, cancelled=cancelled, also=count)
            if cancelled is not None and cancelled():
                raise errors.ExportCancelled
            return write_wide(tables, files.workbook, lang, _wide_about(db_path, options))

        facts = write_into_place(out_path, "xlsx", write)
        records = chosen.records
    profiles = sum(r.is_profile for r in records)
    return ExportResult(
        out_path,
        len(records) - profiles,
        profiles,
        answers,
        len({r.community_id for r in records if r.community_id}),
        anonymized=options.anonymize,
        overflow_cells=facts.overflow_cells,
        seconds=time.perf_counter() - started,
    )


def _wide_about(db_path: Path, options: ExportOptions) -> list[tuple[str, str]]:
    en = options.lang == "en"
    return [
        (
            "Layout" if en else "版式",
            "One sheet per protocol, one row per interview: the interview id in column A, one column per "
            "question (multiple choices also as 0/1 columns), then community, role, date and profile fields."
            if en
            else "每个提纲一张表，每个访谈一行：A 列为访谈编号，每题一列（多选题另有每个选项的 0/1 列），"
            "其后为社区、受访者类型、日期和社区概况字段。",
        ),
        ("Database" if en else "数据库", str(db_path.resolve())),
        ("Anonymised" if en else "匿名化", ("yes" if en else "是") if options.anonymize else ("no" if en else "否")),
    ]


_DAMAGED = "damaged_database"  # the code of the store's refusal to open a damaged file


def _open_store(db_path: Path, *, damaged_too: bool = False) -> Store | export_damage.ReadOnlyView:
    """Read-only: an export writes nothing into the database, so it works on read-only media and
    beside the window that holds the database for writing. `damaged_too`: a file the store refuses
    as damaged is opened with the few reads an export needs (a salvage export; the export dialog,
    which must open to offer one)."""
    try:
        return Store(db_path, read_only=True)
    except errors.StoreError as error:
        if error.code == "read_only_needs_upgrade":  # an older database is upgraded first, as it always was
            return Store(db_path)
        if damaged_too and error.code == _DAMAGED:
            return export_damage.ReadOnlyView(db_path)
        raise


def _damage(db_path: Path, out_path: Path, error: Exception) -> export_damage.Salvage:
    """After a read error: is the database damaged? Then a salvage export follows; otherwise this
    is an ordinary failure, reported as such."""
    if isinstance(error, driver.Error) and export_damage.is_busy(error):
        raise errors.database_locked(db_path) from error
    problems = export_damage.diagnose(db_path, error)
    if not problems:
        raise errors.export_failed(out_path, error) from error
    return export_damage.Salvage(problems)


Profiles = dict[str | None, tuple[InterviewRecord, list[AnswerRow]]]


class _Export:
    """One export: read the snapshot, stream the answers through every sheet, save."""

    def __init__(
        self,
        store: Store | export_damage.ReadOnlyView,
        codebook: Codebook,
        options: ExportOptions,
        tz: dt.tzinfo | None,
        progress: Progress,
        cancelled: Callable[[], bool],
        salvage: export_damage.Salvage | None,
    ) -> None:
        self.store, self.codebook, self.options, self.tz = store, codebook, options, tz
        self.salvage = salvage
        self.progress, self.cancelled = progress, cancelled
        self.ctx: SheetContext
        self.protocols: list[Protocol] = []
        self.codings = 0
        self.groups: _GroupSizes | None = None

    def write(self, files: export_files.ExportFiles) -> tuple[int, int, int, int]:
        """Write the workbook to `files.workbook`; returns interviews, profiles, answers, communities."""
        from openpyxl import Workbook  # imported on use: the command line and the app start faster

        target = files.workbook
        if isinstance(self.store, Store):  # the researchers' codebook; a damaged file's salvage keeps the shipped one
            self.codebook = research_codebook(self.store, self.codebook)
        reader = ExportReader(
            self.store,
            self.codebook,
            self.options.lang,
            self.tz,
            self.salvage,
            anonymising=self.options.anonymize,
            count_suggestions=self.options.count_suggestions,
        )
        workbook = Workbook(write_only=True)
        # no user, folder or file name in the document properties (openpyxl names itself the creator)
        workbook.properties.creator = "Yingzao"
        workbook.properties.lastModifiedBy = None
        try:
            records, profiles = self._select(reader)
            add_styles(workbook)
            titles = {key: t(f"sheet.{key}", self.options.lang) for key in SHEETS}
            sheets = {key: workbook.create_sheet(titles[key]) for key in SHEETS}
            files.keep_sheets_here(workbook)
            answers = self._stream(reader, records, profiles, sheets)
            self._about(sheets["about"], records, answers, titles)
            if self.cancelled():
                raise errors.ExportCancelled
            self.progress(len(records) + 1, len(records) + 2)
            try:
                workbook.save(target)
            except OSError as error:
                raise errors.export_failed(target, error) from error
            self.progress(len(records) + 2, len(records) + 2)
        except BaseException:
            _discard(workbook)
            raise
        finally:
            reader.close()
        profiles_n = sum(r.is_profile for r in records)
        return len(records) - profiles_n, profiles_n, answers, len({r.community_id for r in records if r.community_id})

    def _select(self, reader: ExportReader) -> tuple[list[InterviewRecord], Profiles]:
        """The people and their codes, the interviews the filters select, and the community profiles."""
        options, lang = self.options, self.options.lang
        communities = reader.communities()
        options.filters.check(list(communities))
        people = reader.people(with_identifying=options.anonymize)
        if options.anonymize:
            if options.date_precision not in DATE_PRECISIONS:
                raise errors.bad_date_precision(options.date_precision)
            anon = anonymize.anonymizer(
                people,
                communities,
                other_users=reader.other_users(),
                removed=t("removed", lang),
                table=pseudonym_table.replacements(reader.conn),
                allowed=pseudonym_table.allowed(reader.conn),
                date_precision=options.date_precision,
                lang=lang,
            )
        else:
            anon = anonymize.plain(people, communities)
        records = reader.interviews(options.filters, anon)
        groups = _groups(options.filters, communities, records)
        self.ctx = SheetContext(lang, self.codebook, anon, reader, groups)
        return records, self._profiles(reader, anon, groups)

    def _stream(self, reader: ExportReader, records: list[InterviewRecord], profiles: Profiles, sheets: dict) -> int:
        """Every interview's answers once through every sheet; returns the number of answer rows."""
        ctx, anon = self.ctx, self.ctx.anon
        expansion = max((len(v) for v in anon.replacements.values()), default=1)
        answer_cells, note_cells = reader.long_text_pieces(records, anon, expansion)
        if anon.text is not None:  # that measuring pass scrubbed some texts: count each text once, below
            anon.text.unreviewed.clear()
            anon.text.replaced.clear()
        answers_sheet = AnswersSheet(sheets["answers"], ctx, answer_cells, note_cells)
        presence = PresenceSheet(sheets["presence"], ctx)
        matrix, actors, factors, counts = (
            FrameworkMatrix(ctx),
            ActorsByDimension(ctx),
            FactorEvidence(ctx),
            CodeCounts(),
        )
        codings = CodingsSheet(sheets["codings"], ctx)
        self.groups = _GroupSizes(lang=ctx.lang) if anon.enabled else None
        collectors: tuple[Any, ...] = (answers_sheet, presence, matrix, actors, factors, counts, codings)
        if self.groups is not None:
            collectors += (self.groups,)
        total = len(records) + 2
        for done, (record, answers) in enumerate(reader.stream(records, anon), start=1):
            if self.cancelled():
                raise errors.ExportCancelled
            for collector in collectors:
                collector.add(record, answers)
            if done % 25 == 0 or done == len(records):
                self.progress(done, total)
        answers_sheet.close()
        presence.close()
        codings.close()
        self.codings = codings.count
        self._check_reviewed()
        interviews = InterviewsSheet(sheets["interviews"], ctx)
        for record in records:
            interviews.add(record)
        interviews.close()
        matrix.write(sheets["matrix"])
        actors.write(sheets["actors"], profile_mobilised(profiles))
        factors.write(sheets["factors"], profiles)
        write_scenes(sheets["scenes"], ctx, counts)
        write_code_matrix(sheets["code_matrix"], ctx, counts)
        write_memos(sheets["memos"], ctx, records)
        write_reviews(sheets["reviews"], ctx, records)
        self.protocols = _protocols(records)
        write_codebook(sheets["codebook"], ctx, self.protocols, counts)
        return answers_sheet.count

    def _check_reviewed(self) -> None:
        """An anonymised file is released only when every detection was reviewed, or accepted as is."""
        text = self.ctx.anon.text
        if text is None or not text.unreviewed or self.options.accept_detected:
            return
        top = text.unreviewed.most_common(8)
        raise errors.export_unreviewed_detections([f"{term} ×{n}" for term, n in top], len(text.unreviewed))

    def _about(self, sheet, records: list[InterviewRecord], answers: int, titles: dict[str, str]) -> None:
        made = dt.datetime.now(self.tz).astimezone(self.tz)
        write_about(
            sheet,
            self.ctx,
            AboutFacts(
                made=made.replace(tzinfo=None, microsecond=0),
                utc_offset=_offset(made),
                db_path=self.store.path.resolve(),
                filters=self.options.filters,
                records=records,
                answers=answers,
                communities=len({r.community_id for r in records if r.community_id}),
                protocols=self.protocols,
                synthetic=self.ctx.reader.setting("synthetic_data"),
                database_empty=self.store.count_interviews() == 0,
                codebook_codes=len(self.codebook.codes),
                codebook_families=len(FAMILIES),
                salvage=self.salvage,
                risk=self.groups.report() if self.groups else None,
                accepted=sum(self.ctx.anon.text.unreviewed.values()) if self.ctx.anon.text else 0,
                date_precision=self.options.date_precision,
            ),
            titles,
        )

    def _profiles(self, reader: ExportReader, anon: anonymize.Anonymizer, groups: list[str | None]) -> Profiles:
        """Each community's most recently updated profile, whatever the role and status filters."""
        wanted = tuple(g for g in groups if g is not None)
        if not wanted:
            return {}
        latest: dict[str | None, InterviewRecord] = {}
        for record in reader.interviews(ExportFilters(communities=wanted, roles=(PROFILE_ROLE,)), anon):
            current = latest.get(record.community_id)
            if current is None or (record.updated or dt.datetime.min) > (current.updated or dt.datetime.min):
                latest[record.community_id] = record
        return {
            record.community_id: (record, answers) for record, answers in reader.stream(list(latest.values()), anon)
        }


class _GroupSizes(GroupSizes):
    """The re-identification report's collector, fed like the sheets."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def add(self, record: InterviewRecord, answers: list[AnswerRow]) -> None:
        if not record.is_profile:
            values = {row.key: row.value for row in answers if row.repeat is None}
            self.note(record.short, record.role, record.community_id or "", values, self.lang)


def _groups(filters: ExportFilters, communities: dict[str, str], records: list[InterviewRecord]) -> list[str | None]:
    """The communities the per-community sheets show: those filtered for, else all; then 'no community'."""
    groups: list[str | None] = [*filters.communities] if filters.communities else [*sorted(communities)]
    groups += sorted({g for r in records for g in r.groups if g and g not in groups})
    if any(None in r.groups for r in records):
        groups.append(None)
    return groups


def _protocols(records: list[InterviewRecord]) -> list[Protocol]:
    seen: dict[str, Protocol] = {}
    for record in records:
        seen.setdefault(record.protocol.sha256, record.protocol)
    order = {role: i for i, role in enumerate(ROLES)}
    return sorted(seen.values(), key=lambda p: (order.get(p.role, len(ROLES)), p.form_id, p.version))


def _offset(moment: dt.datetime) -> str:
    offset = moment.strftime("%z") or "+0000"
    return f"UTC{offset[:3]}:{offset[3:]}"


# -- the file ----------------------------------------------------------------------------------


def _check_target(out_path: Path) -> None:
    if out_path.suffix.lower() != ".xlsx":
        raise errors.export_not_xlsx(out_path)
    if out_path.is_dir():
        raise errors.export_not_writable(out_path)
    if not out_path.parent.is_dir():
        raise errors.export_folder_missing(out_path)


def _job_files(out_path: Path) -> export_files.ExportFiles:
    """The job's temporary files, in the target's folder (so the final move is a rename on one disk,
    and no answer is ever written to the system's temp folder)."""
    try:
        return export_files.ExportFiles(out_path)
    except FileNotFoundError as error:
        raise errors.export_folder_missing(out_path) from error
    except PermissionError as error:
        raise errors.export_not_writable(out_path, error) from error
    except OSError as error:
        raise errors.export_failed(out_path, error) from error


def _make_durable(temporary: Path, out_path: Path) -> None:
    """On the disk before it takes the target's name: a power cut after the rename must not leave
    an empty workbook where the researcher's last good export was."""
    try:
        durable.fsync_file(temporary)
    except OSError as error:
        raise errors.export_failed(out_path, error) from error


def _move_into_place(temporary: Path, out_path: Path) -> None:
    try:
        os.replace(temporary, out_path)
    except PermissionError as error:
        # Windows refuses to replace a workbook Excel or WPS holds open
        raise errors.export_file_in_use(out_path) from error
    except OSError as error:
        raise errors.export_failed(out_path, error) from error


def _discard(workbook) -> None:
    """Close the sheets of an unsaved write-only workbook and remove their temporary files now,
    not at exit (openpyxl keeps one per sheet)."""
    for sheet in workbook.worksheets:
        try:
            sheet.close()
            sheet._writer.cleanup()  # openpyxl internals: best effort only
        except Exception:  # noqa: BLE001 - cleanup must never hide the real error
            pass
