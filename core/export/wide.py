"""One row per interview: the layout survey importers read (NVivo's dataset import, ATLAS.ti's survey
import, QualCoder's survey import) and that R, Stata and pandas load as it is.

`wide_tables` turns a selection into one table per protocol: a unique interview id first, then one
column per question (choice labels; each choice of a multiple choice also as a 0/1 column), then the
classifying attributes (community, role, date, fieldworker, status, and the community's profile
fields). A repeat group's questions are not columns there: as KoboToolbox does, each repeat has a
table of its own after its protocol's, one row per entry (the interview id to join on, the entry's
position, then one column per repeated question). The workbook writer (`write_wide`) puts these
sheets first and an About sheet last; the CSV export writes the same tables as files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from yingzao.core import errors
from yingzao.core.export.data import AnswerRow, InterviewRecord
from yingzao.core.export.labels import marker_label, role_label, status_label, t
from yingzao.core.export.selection import Progress, Selection
from yingzao.core.forms.protocol import ROLES, Protocol, Question, pick

MAX_COLUMNS = 16_384  # Excel's last column, XFD


@dataclass(frozen=True)
class WideColumn:
    header: str
    kind: str  # "id", "answer", "choice" (a 0/1 column), "attribute"; a repeat's: "position", "instance"
    question: str = ""
    choice: str = ""
    text: bool = False  # free text: may pass a cell's limit


@dataclass
class WideTable:
    form_id: str
    role: str
    title: str
    columns: list[WideColumn]
    rows: list[list[object]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # full interview ids, in row order
    repeat: str = ""  # a repeat's table (one row per entry): the repeat's name
    repeat_label: str = ""
    protocol_title: str = ""  # a repeat's table: the title of its protocol's table


def wide_tables(
    chosen: Selection,
    lang: str,
    *,
    full_ids: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    also: Callable[[InterviewRecord, list[AnswerRow]], None] | None = None,
) -> list[WideTable]:
    """One table per protocol (all its versions together), in the selection's order of protocols,
    each followed by one table per repeat group of it.
    `full_ids`: column A holds the full interview id (CSV) rather than the short one the workbook shows,
    and a repeat's table also holds each entry's stable id;
    `also` sees each interview's answers as they stream past (the CSV export's long tables)."""
    profiles = chosen.profiles()
    profile_fields = _profile_fields(profiles, chosen, lang)
    tables: dict[str, WideTable] = {}
    repeated: dict[str, dict[str, WideTable]] = {}  # form id -> repeat name -> its table
    total = len(chosen.records) + 1
    for done, (record, rows) in enumerate(chosen.reader.stream(chosen.records, chosen.anon), start=1):
        if cancelled is not None and cancelled():
            raise errors.ExportCancelled
        protocol = record.protocol
        table = tables.get(protocol.form_id)
        if table is None:
            table = tables[protocol.form_id] = _table(protocol, chosen, lang, profile_fields)
        profile = profiles.get(record.community_id or "")
        table.rows.append(_row(table, record, rows, lang, chosen, profile, full_ids))
        table.ids.append(record.id)
        own = repeated.setdefault(protocol.form_id, {})
        for repeat in protocol.repeats:
            entries = own.get(repeat.name)
            if entries is None:
                entries = own[repeat.name] = _repeat_table(protocol, repeat, chosen, lang, full_ids)
            _add_entries(entries, record, rows, lang, chosen, full_ids)
        if also is not None:
            also(record, rows)
        if progress is not None and done % 25 == 0:
            progress(done, total)
    order = {role: i for i, role in enumerate(ROLES)}
    ordered = sorted(tables.values(), key=lambda table: (order.get(table.role, len(ROLES)), table.form_id))
    return [each for table in ordered for each in (table, *repeated.get(table.form_id, {}).values())]


def _questions(protocol: Protocol, chosen: Selection, repeat: str | None = None) -> list[Question]:
    """The columns' questions: those asked once (`repeat` None), or those of one repeat."""
    asked = protocol.repeated(repeat) if repeat else protocol.questions
    return [
        q
        for q in asked
        if q.holds_value
        and q.repeat == repeat
        and (q.type != "calculate" or q.metadata)
        and not chosen.anon.drops(q.identifying)
    ]


def _answer_columns(
    protocol: Protocol, questions: list[Question], lang: str, unique: Callable[[str, str], str]
) -> list[WideColumn]:
    columns = []
    for question in questions:
        label = pick(question.labels, lang, protocol.default_language) or question.name
        columns.append(WideColumn(unique(label, question.name), "answer", question.name, text=question.type == "text"))
        if question.type == "select_multiple":
            for choice in protocol.choices.get(question.list_name or "", ()):
                choice_label = pick(choice.labels, lang, protocol.default_language) or choice.name
                columns.append(
                    WideColumn(
                        unique(f"{label}: {choice_label}", f"{question.name}/{choice.name}"),
                        "choice",
                        question.name,
                        choice.name,
                    )
                )
    return columns


def _unique(used: set[str]) -> Callable[[str, str], str]:
    def unique(header: str, name: str) -> str:
        header = header if header not in used else f"{header} [{name}]"
        used.add(header)
        return header

    return unique


def _table(protocol: Protocol, chosen: Selection, lang: str, profile_fields: list[tuple[str, str]]) -> WideTable:
    """Columns from the first version met; a question only a later version has is added when met."""
    columns = [WideColumn(t("col.interview", lang), "id")]
    unique = _unique({columns[0].header})
    columns += _answer_columns(protocol, _questions(protocol, chosen), lang, unique)
    for key in ("community", "role", "interview_date", "fieldworker", "status"):
        columns.append(WideColumn(unique(t(f"col.{key}", lang), key), "attribute", key))
    for name, header in profile_fields:
        columns.append(WideColumn(unique(header, name), "attribute", f"profile.{name}", text=True))
    title = pick(protocol.titles, lang, protocol.default_language) or protocol.form_id
    return WideTable(protocol.form_id, protocol.role, title, columns)


def _repeat_table(protocol: Protocol, repeat: Question, chosen: Selection, lang: str, full_ids: bool) -> WideTable:
    """A repeat's table: the interview (to join the protocol's table on), the entry's position (and
    its stable id, in CSV), then one column per question of the repeat."""
    columns = [WideColumn(t("col.interview", lang), "id"), WideColumn(t("col.position", lang), "position")]
    if full_ids:
        columns.append(WideColumn("instance", "instance"))
    unique = _unique({c.header for c in columns})
    columns += _answer_columns(protocol, _questions(protocol, chosen, repeat.name), lang, unique)
    title = pick(protocol.titles, lang, protocol.default_language) or protocol.form_id
    label = pick(repeat.labels, lang, protocol.default_language) or repeat.name
    # a sheet's name holds 28 characters here: the protocol's title gives way to the repeat's label
    room = max(0, _TITLE_LENGTH - len(label) - 1)
    return WideTable(
        protocol.form_id,
        protocol.role,
        f"{title[:room].rstrip()}·{label}" if room else label,
        columns,
        repeat=repeat.name,
        repeat_label=label,
        protocol_title=title,
    )


def _add_entries(
    table: WideTable,
    record: InterviewRecord,
    rows: list[AnswerRow],
    lang: str,
    chosen: Selection,
    full_ids: bool,
) -> None:
    """One row per entry of the repeat, in the interview's order of entries (an entry with no
    answer still has its row: it was added)."""
    entries: dict[int, dict[str, AnswerRow]] = {}
    for row in rows:
        if row.repeat is not None and row.repeat.question.name == table.repeat and row.position is not None:
            entries.setdefault(row.position, {})[row.info.question.name] = row
    known = {c.question for c in table.columns if c.kind == "answer"}
    for answers in entries.values():
        for name, row in answers.items():  # a question of a later version of the protocol
            if name not in known and not chosen.anon.drops(row.info.question.identifying):
                table.columns.append(WideColumn(f"{row.info.label} [{name}]", "answer", name, text=row.info.is_text))
                for old in table.rows:
                    old.append(None)
                known.add(name)
    for position, instance in enumerate(record.instances.get(table.repeat, ()), start=1):
        answers = entries.get(position, {})
        values: list[object] = []
        for column in table.columns:
            if column.kind == "id":
                values.append(record.id if full_ids else record.short)
            elif column.kind == "position":
                values.append(position)
            elif column.kind == "instance":
                values.append(instance)
            else:
                values.append(_answer_cell(column, answers, lang))
        table.rows.append(values)
        table.ids.append(record.id)


def _answer_cell(column: WideColumn, answers: dict[str, AnswerRow], lang: str) -> object:
    given = answers.get(column.question)
    if column.kind == "answer":
        if given is None:
            return None
        return given.value if given.text else marker_label(given.marker, lang) or None
    if given is None or not given.text:
        return None
    return int(column.choice in str(given.raw or "").split())


def _row(
    table: WideTable,
    record: InterviewRecord,
    rows: list[AnswerRow],
    lang: str,
    chosen: Selection,
    profile: tuple[InterviewRecord, list[AnswerRow]] | None,
    full_ids: bool,
) -> list[object]:
    answers = {row.key: row for row in rows if row.repeat is None}  # a repeat's entries: its own table
    known = {c.question for c in table.columns if c.kind == "answer"}
    for name, row in answers.items():  # a question of a later version of the protocol
        if name not in known and not chosen.anon.drops(row.info.question.identifying):
            at = next(i for i, c in enumerate(table.columns) if c.kind == "attribute")
            table.columns.insert(at, WideColumn(f"{row.info.label} [{name}]", "answer", name, text=row.info.is_text))
            for old in table.rows:
                old.insert(at, None)
            known.add(name)
    facts = {row.key: row for row in profile[1] if row.repeat is None} if profile else {}
    attributes: dict[str, object] = {
        "community": chosen.anon.community(record.community_id),
        "role": role_label(record.role, lang),
        "interview_date": record.interview_date or (record.started.date() if record.started else None),
        "fieldworker": record.fieldworker,
        "status": status_label(record.status, lang),
    }
    values: list[object] = []
    for column in table.columns:
        if column.kind == "id":
            values.append(record.id if full_ids else record.short)
        elif column.kind in ("answer", "choice"):
            values.append(_answer_cell(column, answers, lang))
        elif column.question.startswith("profile."):
            fact = facts.get(column.question.removeprefix("profile."))
            values.append(fact.value if fact is not None and fact.text else None)
        else:
            values.append(attributes.get(column.question) or None)
    return values


def _profile_fields(profiles: dict, chosen: Selection, lang: str) -> list[tuple[str, str]]:
    """(question name, header) of every profile field answered in a selected community's profile."""
    fields: dict[str, str] = {}
    for _record, rows in profiles.values():
        for row in rows:
            if row.text and row.repeat is None and row.info.question.name not in fields:
                fields[row.info.question.name] = f"{t('col.profile', lang)}·{row.info.label}"
    return list(fields.items())


# -- the workbook -------------------------------------------------------------------------------


@dataclass
class WideFacts:
    overflow_cells: int = 0
    cut_columns: int = 0  # columns past Excel's last one, left out (the About sheet says which tables)
    notes: list[str] = field(default_factory=list)


def write_wide(tables: list[WideTable], target: Path, lang: str, about: list[tuple[str, str]]) -> WideFacts:
    """The survey-import workbook: one sheet per protocol first, About last."""
    from openpyxl import Workbook

    from yingzao.core.export.xlsx_style import Column, Table, add_styles, split_cell

    facts = WideFacts()
    workbook = Workbook(write_only=True)
    add_styles(workbook)
    titles: set[str] = set()
    sheet_of: dict[str, str] = {}  # form id -> the title of its protocol's sheet
    repeat_notes: list[tuple[str, str]] = []
    for table in tables:
        pieces = _pieces_per_column(table, split_cell)
        headers: list[str] = []
        spread: list[int] = []  # per source column: how many sheet columns it takes
        for column, n in zip(table.columns, pieces):
            headers.append(column.header)
            headers += [_continued(column.header, k, lang) for k in range(2, n + 1)]
            spread.append(n)
        if len(headers) > MAX_COLUMNS:
            facts.cut_columns += len(headers) - MAX_COLUMNS
            facts.notes.append(
                f"{table.title}: {len(headers) - MAX_COLUMNS} "
                + (
                    "列超出 Excel 的 16,384 列上限，未写入"
                    if lang != "en"
                    else "columns past Excel's 16,384 not written"
                )
            )
            headers = headers[:MAX_COLUMNS]
        sheet = workbook.create_sheet(_sheet_title(table.title, titles))
        if table.repeat:
            repeat_notes.append((t("col.repeat", lang), repeat_about(table, sheet.title, sheet_of, lang)))
        else:
            sheet_of[table.form_id] = sheet.title
        out = Table(sheet, [Column(h, 24 if i else 12, wrap=i > 0) for i, h in enumerate(headers)])
        for row in table.rows:
            cells: list[object] = []
            for value, n in zip(row, spread):
                if n == 1:
                    cells.append(value)
                    continue
                parts = split_cell(value) if isinstance(value, str) else [value]
                facts.overflow_cells += len(parts) > 1
                cells += parts + [None] * (n - len(parts))
            out.add(cells[: len(headers)])
        out.close()
    sheet = workbook.create_sheet(t("sheet.about", lang))
    out = Table(sheet, [Column(t("col.item", lang), 28), Column(t("col.details", lang), 90, wrap=True)])
    notes = [(t("col.overflow", lang, n=""), note) for note in facts.notes]
    for item, details in [*about, *repeat_notes, *notes]:
        out.add([item, details])
    out.close()
    workbook.save(target)
    return facts


def repeat_about(table: WideTable, name: str, sheet_of: dict[str, str], lang: str) -> str:
    """What a repeat's table holds and how it joins its protocol's (the About sheet, README.txt)."""
    main = sheet_of.get(table.form_id, table.protocol_title)
    if lang == "en":
        return (
            f"{name}: one row per entry of the repeat group '{table.repeat_label}' ({table.repeat}) of "
            f"{table.protocol_title}, in each interview's order of entries: the interview id (as in column A of "
            f"{main}: join on it), the entry's position (from 1), then one column per question of the repeat. "
            f"These questions are not columns of {main}. An entry removed in the interview is left out; the "
            "positions are those the interview shows."
        )
    return (
        f"「{name}」：{table.protocol_title} 中重复组「{table.repeat_label}」（{table.repeat}）的每一项一行，"
        f"按访谈中各项的顺序：访谈编号（与「{main}」A 列相同，可据此连接）、该项的序号（从 1 起），其后该组每题一列。"
        f"这些题目不在「{main}」中单列。访谈中删除的项不导出；序号与访谈界面所示一致。"
    )


def _pieces_per_column(table: WideTable, split_cell: Callable[[str], list[str]]) -> list[int]:
    """How many cells each column needs for its longest text (1 when every text fits one cell)."""
    counts = [1] * len(table.columns)
    for row in table.rows:
        for index, value in enumerate(row):
            if isinstance(value, str) and len(value) > 16_000:
                counts[index] = max(counts[index], len(split_cell(value)))
    return counts


def _continued(header: str, n: int, lang: str) -> str:
    return f"{header} (cont. {n})" if lang == "en" else f"{header}（续{n}）"


_TITLE_LENGTH = 28  # Excel's 31, less room for a "~2" that tells two alike apart
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _BAD_TITLE.sub("_", title)[:_TITLE_LENGTH] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:26]}~{n}", n + 1
    used.add(name.lower())
    return name


def iso(value: object) -> object:
    """Dates and times as ISO 8601 text (what R, Stata and pandas parse)."""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value
