"""The record sheets of an export: Interviews, Answers, Presence matrix and Codebook.

Answers and Presence are written while the answers stream by; Interviews and Codebook at the end,
when the stream has counted what they report. The reading sheets built on the coding frame are in
`yingzao.core.export.frame`; the About sheet in `yingzao.core.export.about`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from yingzao.core.export.anonymize import Anonymizer
from yingzao.core.export.data import AnswerRow, ExportReader, InterviewRecord
from yingzao.core.export.labels import marker_label, review_label, role_label, status_label, t
from yingzao.core.export.xlsx_style import CELL_LIMIT, Column, Table, split_cell
from yingzao.core.forms.codebook import FAMILIES, Code, Codebook
from yingzao.core.forms.protocol import Protocol

ALL = "\0all"  # the group of every community, on the per-community sheets


@dataclass
class SheetContext:
    """What every sheet builder of one export shares."""

    lang: str
    codebook: Codebook
    anon: Anonymizer
    reader: ExportReader
    groups: list[str | None]  # communities shown on the per-community sheets, in order
    overflow_cells: int = 0  # cells continued in overflow columns (reported on About)
    cut_cells: int = 0  # cells cut at the limit with a visible notice (reported on About)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def group_label(self, group: str | None) -> str:
        if group == ALL:
            return self.t("all_communities")
        return self.t("no_community") if group is None else group

    def group_name(self, group: str | None) -> str:
        return "" if group in (ALL, None) else self.anon.community(group)

    def table(self, sheet, columns: list[Column], *, freeze_columns: int = 1) -> Table:
        return Table(sheet, columns, freeze_columns=freeze_columns, too_long=self.cut)

    def cut(self, text: str) -> str:
        """Last resort for a text no sheet continues elsewhere (a huge codebook definition, say):
        keep what fits and say in the cell how much is missing; About counts these cells."""
        self.cut_cells += 1
        kept = split_cell(text, CELL_LIMIT - 200)[0]
        return kept + self.t("overflow.cut", n=len(text) - len(kept))


def answer_ref(record: InterviewRecord, row: AnswerRow) -> str:
    """The reference of one answer: interview and question, e.g. [3f2a9c1e·官员·S5·act_party_structure]
    (an entry of a repeat: [3f2a9c1e·官员·S2·org_name[2]])."""
    return f"[{record.short}·{row.ref[1:]}"


class InterviewsSheet:
    def __init__(self, sheet, ctx: SheetContext) -> None:
        self.ctx = ctx
        tr = ctx.t
        columns = [
            Column(tr("col.interview"), 11),
            Column(tr("col.interview_id"), 38),
            Column(tr("col.community"), 10),
            Column(tr("col.community_name"), 16),
            Column(tr("col.role"), 14),
            Column(tr("col.respondent"), 14),
            Column(tr("col.fieldworker"), 12),
            Column(tr("col.protocol"), 24),
            Column(tr("col.version"), 10),
            Column(tr("col.interview_date"), 12),
            Column(tr("col.started"), 19),
            Column(tr("col.ended"), 19),
            Column(tr("col.duration"), 10),
            Column(tr("col.timed"), 12),
            Column(tr("col.status"), 10),
            Column(tr("col.outcome"), 12),
            Column(tr("col.review"), 14),
            Column(tr("col.answer_count"), 9),
            Column(tr("col.marked_count"), 14),
            Column(tr("col.updated"), 19),
        ]
        self.with_device = not ctx.anon.enabled
        if self.with_device:
            columns.append(Column(tr("col.device"), 38))
        self.table = ctx.table(sheet, columns)

    def add(self, record: InterviewRecord) -> None:
        lang = self.ctx.lang
        row = [
            record.short,
            record.id,
            record.community_id or "",
            self.ctx.anon.community(record.community_id),
            role_label(record.role, lang),
            record.respondent,
            record.fieldworker,
            record.protocol.title(lang),
            record.protocol.version,
            self.ctx.anon.when(record.interview_date),
            self.ctx.anon.when(record.started),
            self.ctx.anon.when(record.ended),
            record.duration_minutes,
            round(record.seconds / 60, 1) if record.seconds else None,
            status_label(record.status, lang),
            self.ctx.t(f"outcome.{record.outcome}") if record.outcome else "",
            review_label(record.status, lang),
            record.answered,
            record.marked,
            self.ctx.anon.when(record.updated),
        ]
        if self.with_device:
            row.append(record.device)
        self.table.add(row)

    def close(self) -> None:
        self.table.close()


class AnswersSheet:
    """One row per answer, long and tidy; a text past Excel's cell limit continues in the next column.
    A repeated question's answer is one row per entry of its repeat: the reference says which entry
    (org_name[2]), and the last two columns give the repeat and the entry's position, empty for a
    question asked once (last, so every other column keeps its place)."""

    def __init__(self, sheet, ctx: SheetContext, answer_cells: int, note_cells: int) -> None:
        self.ctx, self.answer_cells, self.note_cells = ctx, answer_cells, note_cells
        tr = ctx.t
        columns = [
            Column(tr("col.interview"), 11),
            Column(tr("col.community"), 10),
            Column(tr("col.role"), 14),
            Column(tr("col.respondent"), 12),
            Column(tr("col.protocol"), 16),
            Column(tr("col.section"), 18),
            Column(tr("col.ref"), 30),
            Column(tr("col.question"), 22),
            Column(tr("col.label"), 40, wrap=True),
            Column(tr("col.answer"), 70, wrap=True),
        ]
        columns += [Column(tr("col.answer_more", n=n), 70, wrap=True) for n in range(1, answer_cells)]
        lang = ctx.lang
        columns += [Column(FAMILIES[f][1] if lang == "en" else FAMILIES[f][0], 20, wrap=True) for f in FAMILIES]
        columns += [Column(tr("col.marker"), 9), Column(tr("col.note"), 40, wrap=True)]
        columns += [Column(tr("col.note_more", n=n), 40, wrap=True) for n in range(1, note_cells)]
        columns += [Column(tr("col.seconds"), 10), Column(tr("col.saved"), 19)]
        columns += [Column(tr("col.repeat"), 18, wrap=True), Column(tr("col.position"), 8)]
        self.table = ctx.table(sheet, columns)
        self.count = 0

    def add(self, record: InterviewRecord, answers: list[AnswerRow]) -> None:
        lang, add = self.ctx.lang, self.table.add
        head: list[object] = [
            record.short,
            record.community_id or "",
            role_label(record.role, lang),
            record.respondent,
            record.protocol.form_id,
        ]
        for row in answers:
            info = row.info
            values = [*head, info.section, row.ref, info.question.name, info.label]
            values += _pieces(self.ctx.anon.value(info.question.name, row.value), self.answer_cells)
            values += info.families
            values.append(marker_label(row.marker, lang))
            values += _pieces(row.note or None, self.note_cells)
            values += [row.seconds, self.ctx.anon.when(row.saved)]
            values += [row.repeat.label if row.repeat else None, row.position]
            add(values)
        self.count += len(answers)

    def close(self) -> None:
        self.table.close()


def _pieces(value: object, cells: int) -> list[object]:
    if cells == 1:
        return [value]
    pieces: list[object] = [*split_cell(value)] if isinstance(value, str) else [value]
    return pieces + [None] * (cells - len(pieces))


class PresenceSheet:
    """Interviews × codes, 1 when a researcher coded a passage of it with the code (or a code under it)."""

    def __init__(self, sheet, ctx: SheetContext) -> None:
        self.ctx = ctx
        self.codes = [code.id for code in ctx.codebook.codes]
        tr = ctx.t
        columns = [
            Column(tr("col.interview"), 11),
            Column(tr("col.community"), 10),
            Column(tr("col.role"), 14),
            Column(tr("col.status"), 9),
        ]
        columns += [Column(f"{code.id} {code.label(ctx.lang)}", 12) for code in ctx.codebook.codes]
        self.table = ctx.table(sheet, columns, freeze_columns=1)

    def add(self, record: InterviewRecord, answers: list[AnswerRow]) -> None:
        touched: set[str] = set()
        for row in answers:
            touched |= row.evidence_codes
        self.table.add(
            [
                record.short,
                record.community_id or "",
                role_label(record.role, self.ctx.lang),
                status_label(record.status, self.ctx.lang),
            ]
            + [int(c in touched) for c in self.codes]
        )

    def close(self) -> None:
        self.table.close()


@dataclass
class CodeCounts:
    """Per community group, the interviews with evidence for each code (a coding of it or of a code
    under it: goals roll up to their scenes) and the number of those codings; community profiles
    are not interviews and are not counted."""

    interviews: Counter = field(default_factory=Counter)  # (group, code) -> interviews with evidence
    codings: Counter = field(default_factory=Counter)  # (group, code) -> codings

    def add(self, record: InterviewRecord, answers: list[AnswerRow]) -> None:
        if record.is_profile:
            return
        touched: dict[str | None, set[str]] = {}
        for row in answers:
            for item in row.evidence:
                for group in (ALL, *record.groups_of(item)):
                    touched.setdefault(group, set()).update(item.codes)
                    for code in item.codes:
                        self.codings[group, code] += 1
        for group, codes in touched.items():
            for code in codes:
                self.interviews[group, code] += 1


def write_codebook(sheet, ctx: SheetContext, protocols: list[Protocol], counts: CodeCounts) -> None:
    tr, lang = ctx.t, ctx.lang
    table = ctx.table(
        sheet,
        [
            Column(tr("col.code"), 26),
            Column(tr("col.family"), 16),
            Column(tr("col.parent"), 18),
            Column(tr("col.label_zh"), 20, wrap=True),
            Column(tr("col.label_en"), 24, wrap=True),
            Column(tr("col.definition"), 70, wrap=True),
            Column(tr("col.source"), 22, wrap=True),
            Column(tr("col.code_status"), 18, wrap=True),
            Column(tr("col.asked_by"), 40, wrap=True),
            Column(tr("col.interviews_n", what=tr("all")), 10),
            Column(tr("col.codings_n", what=tr("all")), 10),
        ],
    )
    asked: dict[str, list[str]] = {}
    for protocol in protocols:
        for question in protocol.questions:
            for code_id in question.codes:
                asked.setdefault(code_id, []).append(ctx.reader.question(protocol, question.name).ref)
    for code in ctx.codebook.codes:
        table.add(
            [
                code.id,
                _family_label(code, lang),
                code.parent,
                code.label_zh,
                code.label_en,
                code.definition(lang),
                code.source,
                tr("unrecovered") if code.unrecovered else tr(f"code_status.{code.status}") if code.status else "",
                "\n".join(asked.get(code.id, [])),
                counts.interviews[ALL, code.id],
                counts.codings[ALL, code.id],
            ]
        )
    table.close()


def _family_label(code: Code, lang: str) -> str:
    zh, en, _ = FAMILIES[code.family]
    return en if lang == "en" else zh
