"""The coding sheets of an export: Codings (one row per coding), Memos, the code × community
matrix, and Reviews (every supervisor decision and comment)."""

from __future__ import annotations

import json

from yingzao.core.export.data import AnswerRow, InterviewRecord
from yingzao.core.export.frame import coding_ref
from yingzao.core.export.labels import role_label, status_label, t
from yingzao.core.export.sheets import ALL, CodeCounts, SheetContext
from yingzao.core.export.xlsx_style import Column
from yingzao.core.forms.codebook import FAMILIES
from yingzao.core.forms.repeats import split as split_key
from yingzao.core.review.comments import COMMENT_FIELD, REVIEW_FIELD

_ORDER_TABLE = "temp.yz_export_order"  # the export's interviews, filled by ExportReader.stream


def coder_label(ctx: SheetContext, name: str) -> str:
    """A coder as shown: C01, C02… in an anonymised export (numbered by name), else the name."""
    if not name:
        return ""
    if not ctx.anon.enabled:
        return name
    ordered = sorted(ctx.reader.coders)
    return f"C{ordered.index(name) + 1:02d}" if name in ordered else ctx.t("removed")


def _family(code_family: str, lang: str) -> str:
    zh, en, _ = FAMILIES.get(code_family, (code_family, code_family, 0))
    return en if lang == "en" else zh


class CodingsSheet:
    """One row per coding, written while the answers stream by."""

    def __init__(self, sheet, ctx: SheetContext) -> None:
        self.ctx = ctx
        tr = ctx.t
        self.rows: list[list[object]] = []  # held: coder labels need every coder seen first
        self.sheet = sheet
        self.columns = [
            Column(tr("col.ref"), 30),
            Column(tr("col.interview"), 11),
            Column(tr("col.community"), 10),
            Column(tr("col.community_name"), 14),
            Column(tr("col.role"), 12),
            Column(tr("col.question"), 22),
            Column(tr("col.question_text"), 40, wrap=True),
            Column(tr("col.target"), 8),
            Column(tr("col.code"), 22),
            Column(tr("col.code_label"), 22),
            Column(tr("col.family"), 14),
            Column(tr("col.coder"), 12),
            Column(tr("col.origin"), 14),
            Column(tr("col.quote"), 60, wrap=True),
            Column(tr("col.memo"), 40, wrap=True),
            Column(tr("col.key_quote"), 10),
            Column(tr("col.attributed"), 12),
            Column(tr("col.start"), 8),
            Column(tr("col.end"), 8),
        ]
        self.count = 0

    def add(self, record: InterviewRecord, answers: list[AnswerRow]) -> None:
        ctx, lang, book = self.ctx, self.ctx.lang, self.ctx.codebook
        for row in answers:
            for item in row.evidence:
                code = book.get(item.code)
                key = ""
                if item.pinned:
                    key = item.pinned_for or ctx.t("all")
                self.rows.append(
                    [
                        coding_ref(record, row, item),
                        record.short,
                        record.community_id or "",
                        ctx.anon.community(record.community_id),
                        role_label(record.role, lang),
                        row.name,
                        row.label,
                        ctx.t(f"target.{item.target}"),
                        code.id,
                        code.label(lang),
                        _family(code.family, lang),
                        item.coder,  # replaced by its label in close()
                        ctx.t(f"origin.{item.origin}"),
                        item.quote,
                        item.memo or None,
                        key or None,
                        ", ".join(item.communities) or None,
                        item.start,
                        item.end,
                    ]
                )
                self.count += 1

    def close(self) -> None:
        table = self.ctx.table(self.sheet, self.columns, freeze_columns=1)
        for row in self.rows:
            row[11] = coder_label(self.ctx, str(row[11]))
            table.add(row)
        table.close()
        self.rows = []


def write_memos(sheet, ctx: SheetContext, records: list[InterviewRecord]) -> int:
    """The memos on codes, the exported interviews and the exported communities."""
    tr, lang = ctx.t, ctx.lang
    table = ctx.table(
        sheet,
        [
            Column(tr("col.memo_about"), 12),
            Column(tr("col.memo_subject"), 26),
            Column(tr("col.memo"), 80, wrap=True),
            Column(tr("col.author"), 12),
            Column(tr("col.updated"), 19),
        ],
    )
    shorts = {r.id: r for r in records}
    communities = {g for g in ctx.groups if g not in (None, ALL)}
    n = 0
    try:
        rows = ctx.reader.conn.execute(
            "SELECT about, about_id, text, author, updated_at FROM memos WHERE state = 'live'"
            " ORDER BY about, about_id, created_at"
        ).fetchall()
    except Exception:  # noqa: BLE001 - a salvage export of a damaged database: no memos sheet rows
        rows = []
    book = ctx.codebook
    for about, about_id, text, author, updated_at in rows:
        if about == "interview":
            if about_id not in shorts:
                continue
            subject = shorts[about_id].short
        elif about == "community":
            if about_id not in communities:
                continue
            subject = f"{about_id} {ctx.anon.community(about_id)}".strip()
        elif about == "code":
            subject = f"{about_id} {book.get(about_id).label(lang)}" if book.has(about_id) else about_id
        else:
            continue
        table.add(
            [
                tr(f"memo.{about}"),
                subject,
                ctx.anon.scrub(text),
                ctx.anon.fieldworker(author) if ctx.anon.enabled else author,
                ctx.reader.when(updated_at),
            ]
        )
        n += 1
    table.close()
    return n


def write_code_matrix(sheet, ctx: SheetContext, counts: CodeCounts) -> None:
    """Codes × communities: interviews with evidence and codings per cell, codes under a code included."""
    tr, lang = ctx.t, ctx.lang
    groups = [ALL, *ctx.groups]
    columns = [Column(tr("col.code"), 22), Column(tr("col.code_label"), 24), Column(tr("col.family"), 14)]
    for group in groups:
        label = ctx.group_label(group)
        columns += [Column(tr("col.interviews_n", what=label), 10), Column(tr("col.codings_n", what=label), 10)]
    table = ctx.table(sheet, columns, freeze_columns=2)
    for code in ctx.codebook.codes:
        cells: list[object] = []
        for group in groups:
            cells += [counts.interviews[group, code.id], counts.codings[group, code.id]]
        table.add([code.id, code.label(lang), _family(code.family, lang), *cells])
    table.close()


def write_reviews(sheet, ctx: SheetContext, records: list[InterviewRecord]) -> int:
    """Every review decision and comment on the exported interviews, in order."""
    tr, lang = ctx.t, ctx.lang
    table = ctx.table(
        sheet,
        [
            Column(tr("col.interview"), 11),
            Column(tr("col.community"), 10),
            Column(tr("col.role"), 12),
            Column(tr("col.review_kind"), 10),
            Column(tr("col.question"), 22),
            Column(tr("col.author"), 12),
            Column(tr("col.at"), 19),
            Column(tr("col.details"), 70, wrap=True),
        ],
    )
    by_id = {r.id: r for r in records}
    n = 0
    try:
        rows = ctx.reader.conn.execute(
            f"SELECT a.interview_id, a.field, a.question, a.user, a.at, a.old, a.new FROM audit a"
            f" JOIN {_ORDER_TABLE} o ON o.interview_id = a.interview_id"
            " WHERE a.field IN (?, ?) ORDER BY o.pos, a.id",
            (REVIEW_FIELD, COMMENT_FIELD),
        ).fetchall()
    except Exception:  # noqa: BLE001 - a salvage export: the audit log may be unreadable
        rows = []
    for interview_id, field, question, user, at, old, new in rows:
        record = by_id.get(interview_id)
        if record is None:
            continue
        if field == REVIEW_FIELD:
            kind = tr("review.decision")
            details = f"{status_label(str(old), lang)} → {status_label(str(new), lang)}"
        else:
            kind = tr("review.comment")
            details = _comment_text(new)
        table.add(
            [
                record.short,
                record.community_id or "",
                role_label(record.role, lang),
                kind,
                _question_shown(record, question, lang) or None,
                ctx.anon.fieldworker(user) if ctx.anon.enabled else user,
                ctx.reader.when(at),
                ctx.anon.scrub(details),
            ]
        )
        n += 1
    table.close()
    return n


def _question_shown(record: InterviewRecord, key: str | None, lang: str) -> str:
    """A comment's question as the other sheets show it: an entry of a repeat by its position
    (org_name[2]), never by its instance id; an entry since removed says so."""
    name, instance = split_key(key or "")
    question = record.protocol.named(name)
    if instance is None or question is None or question.repeat is None:
        return key or ""
    listed = record.instances.get(question.repeat, ())
    return f"{name}[{listed.index(instance) + 1 if instance in listed else t('entry_removed', lang)}]"


def _comment_text(value: object) -> str:
    try:
        data = json.loads(str(value))
    except ValueError:
        return str(value or "")
    return str(data.get("text", "")) if isinstance(data, dict) else str(value)
