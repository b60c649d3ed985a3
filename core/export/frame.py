"""The reading sheets built on the paper's coding frame: the framework matrix (interviews × the four
dimensions), actors × dimensions (Fig. 1), communities × influencing factors (Fig. 2) and the
scenes and goals of Chengdu's plan (Table 2).

Each collector sees every exported interview once, as the answers stream by, and writes its sheet
at the end. "Strongest quotes" are chosen the same way everywhere (see `QuoteBox`).
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter

from yingzao.core.export.data import AnswerRow, Evidence, InterviewRecord
from yingzao.core.export.labels import marker_label, role_label, status_label
from yingzao.core.export.sheets import ALL, CodeCounts, SheetContext
from yingzao.core.export.xlsx_style import CELL_LIMIT, Column, split_cell, utf16_len
from yingzao.core.forms.codebook import Code

QUOTES_PER_CELL = 3
QUOTE_CHARACTERS = 300  # longer answers are shown as an excerpt; the Answers sheet has them whole
MOBILISED_QUESTION = "gov_mobilises"  # the profile's "whom does government mobilise" (Fig. 1)
_RESERVE = 120  # room left in a full cell for the notice that says where it continues


def excerpt(ctx: SheetContext, text: str, limit: int = QUOTE_CHARACTERS) -> str:
    return text if len(text) <= limit else text[:limit] + ctx.t("excerpt")


def coding_ref(record: InterviewRecord, row: AnswerRow, item: Evidence) -> str:
    """The reference of a coded passage, the same in every language: interview, question, offsets,
    e.g. [3f2a9c1e·act_party_structure·12–40] (a note's: ...·note·12–40]; an entry of a repeat:
    [3f2a9c1e·org_name[2]·0–6])."""
    where = f"{row.name}·note" if item.target == "note" else row.name
    return f"[{record.short}·{where}·{item.start}–{item.end}]"


def key_rank(item: Evidence, group: object) -> int:
    """Key quotes come first: pinned for this community's cell, then pinned anywhere."""
    if not item.pinned:
        return 0
    return 2 if item.pinned_for and item.pinned_for == group else 1


class QuoteBox:
    """The strongest quotes per key, kept while streaming (never more than QUOTES_PER_CELL each).

    The researchers' key quotes come first (pinned for the cell's community, then pinned), then the
    longest passage, then the earliest in export order."""

    def __init__(self) -> None:
        self._heaps: dict[tuple, list] = {}
        self._order = itertools.count()

    def offer(self, key: tuple, focus: int, text: str, ref: str) -> None:
        heap = self._heaps.setdefault(key, [])
        item = ((-focus, len(text), -next(self._order)), ref, text)
        if len(heap) < QUOTES_PER_CELL:
            heapq.heappush(heap, item)
        elif item[0] > heap[0][0]:
            heapq.heapreplace(heap, item)

    def text(self, ctx: SheetContext, key: tuple) -> str:
        best = sorted(self._heaps.get(key, []), reverse=True)
        return "\n\n".join(f"{ref} {excerpt(ctx, text)}" for _, ref, text in best)


def _dimensions(ctx: SheetContext) -> tuple[Code, ...]:
    return ctx.codebook.top_level("dimension")


class FrameworkMatrix:
    """Interviews (grouped by community, then role) × the four dimensions; each cell holds the
    passages researchers coded with the dimension (or a code under it), each after its reference."""

    def __init__(self, ctx: SheetContext) -> None:
        self.ctx = ctx
        self.dims = _dimensions(ctx)
        self.rows: list[tuple[list[object], list[str]]] = []  # held: the header depends on overflow

    def add(self, record: InterviewRecord, answers: list[AnswerRow]) -> None:
        ctx, lang = self.ctx, self.ctx.lang
        parts: list[list[str]] = [[] for _ in self.dims]
        for row in answers:
            for i, dim in enumerate(self.dims):
                for item in row.evidence:
                    if dim.id in item.codes:
                        parts[i].append(f"{coding_ref(record, row, item)} {item.quote}")
        head: list[object] = [
            record.community_id or ", ".join(record.discussed) or ctx.t("no_community"),
            ctx.anon.community(record.community_id),
            role_label(record.role, lang),
            record.short,
            record.respondent,
            record.started,
            status_label(record.status, lang),
        ]
        self.rows.append((head, ["\n\n".join(p) for p in parts]))

    def write(self, sheet) -> None:
        ctx = self.ctx
        laid_out: list[list[object]] = []
        widest = 0
        for head, cells in self.rows:
            main: list[object] = []
            extra: list[str] = []
            for dim, text in zip(self.dims, cells, strict=True):
                if utf16_len(text) <= CELL_LIMIT:
                    main.append(text or None)
                    continue
                ctx.overflow_cells += 1
                chunks = _pack(text.split("\n\n"), CELL_LIMIT - _RESERVE)
                for n, chunk in enumerate(chunks):
                    target = extra if n else main
                    target.append(ctx.t("overflow.cont", what=dim.label(ctx.lang), n=n + 1) + chunk if n else chunk)
                    if n + 1 < len(chunks):  # say where the text goes on: the next overflow column
                        column = ctx.t("col.overflow", n=len(extra) + 1)
                        target[-1] = f"{target[-1]}\n{ctx.t('overflow.notice', column=column)}"
            widest = max(widest, len(extra))
            laid_out.append(head + main + extra)
        tr = ctx.t
        columns = [
            Column(tr("col.community"), 10),
            Column(tr("col.community_name"), 14),
            Column(tr("col.role"), 14),
            Column(tr("col.interview"), 11),
            Column(tr("col.respondent"), 12),
            Column(tr("col.started"), 19),
            Column(tr("col.status"), 9),
        ]
        columns += [Column(dim.label(ctx.lang), 60, wrap=True) for dim in self.dims]
        columns += [Column(tr("col.overflow", n=n), 60, wrap=True) for n in range(1, widest + 1)]
        table = ctx.table(sheet, columns, freeze_columns=4)
        for row in laid_out:
            table.add(row)
        table.close()
        self.rows = []


def _pack(parts: list[str], budget: int) -> list[str]:
    """Group answers into chunks of at most `budget` characters, cutting an answer only when it
    alone is longer than a chunk."""
    chunks: list[str] = []
    current = ""
    for part in parts:
        for piece in split_cell(part, budget):
            joined = f"{current}\n\n{piece}" if current else piece
            if utf16_len(joined) <= budget:
                current = joined
            else:
                chunks.append(current)
                current = piece
    chunks.append(current)
    return chunks


class ActorsByDimension:
    """Fig. 1: the four dimensions × the four actors, for all communities and for each one: the
    interviews with an answer coded with both, and the passages behind each cell."""

    def __init__(self, ctx: SheetContext) -> None:
        self.ctx = ctx
        self.dims = _dimensions(ctx)
        self.actors = ctx.codebook.top_level("actor")
        self.counts: Counter = Counter()
        self.quotes = QuoteBox()

    def add(self, record: InterviewRecord, answers: list[AnswerRow]) -> None:
        """An interview is evidence for (dimension, actor) when one of its answers is coded with
        both; the quotes are the passages coded with the actor there, key quotes first."""
        if record.is_profile:
            return
        found: set[tuple[str | None, str, str]] = set()
        for row in answers:
            # per community group, the codings of this answer that count there (an attributed
            # coding of a city official's answer only in the communities it is attributed to)
            by_group: dict[str | None, list[Evidence]] = {}
            for item in row.evidence:
                for group in (ALL, *record.groups_of(item)):
                    by_group.setdefault(group, []).append(item)
            for group, items in by_group.items():
                codes = frozenset().union(*(item.codes for item in items))
                dims = [d.id for d in self.dims if d.id in codes]
                actors = [a.id for a in self.actors if a.id in codes] if dims else []
                for dim in dims:
                    for actor in actors:
                        found.add((group, dim, actor))
                        for item in items:
                            if actor in item.codes:
                                self.quotes.offer(
                                    (group, dim, actor),
                                    key_rank(item, group),
                                    item.quote,
                                    coding_ref(record, row, item),
                                )
        for key in found:
            self.counts[key] += 1

    def write(self, sheet, mobilised: dict[str | None, str]) -> None:
        ctx = self.ctx
        tr, lang = ctx.t, ctx.lang
        columns = [
            Column(tr("col.community"), 12),
            Column(tr("col.community_name"), 14),
            Column(tr("col.dimension"), 14),
        ]
        for actor in self.actors:
            columns += [
                Column(tr("col.count", what=actor.label(lang)), 10),
                Column(tr("col.quotes", what=actor.label(lang)), 50, wrap=True),
            ]
        columns.append(Column(tr("col.mobilised"), 16))
        table = ctx.table(sheet, columns, freeze_columns=3)
        for group in [ALL, *ctx.groups]:
            for dim in self.dims:
                row: list[object] = [ctx.group_label(group), ctx.group_name(group), dim.label(lang)]
                for actor in self.actors:
                    row += [
                        self.counts[group, dim.id, actor.id],
                        self.quotes.text(ctx, (group, dim.id, actor.id)) or None,
                    ]
                row.append(mobilised.get(group, ""))
                table.add(row)
        table.close()


class FactorEvidence:
    """Fig. 2: each community × the four influencing factors: the facts of its community profile,
    then how many interviews have passages coded with the factor, and the strongest of them."""

    def __init__(self, ctx: SheetContext) -> None:
        self.ctx = ctx
        self.factors = ctx.codebook.top_level("factor")
        self.counts: Counter = Counter()
        self.quotes = QuoteBox()

    def add(self, record: InterviewRecord, answers: list[AnswerRow]) -> None:
        if record.is_profile:
            return
        found: set[tuple[str | None, str]] = set()
        for row in answers:
            for item in row.evidence:
                for factor in self.factors:
                    if factor.id in item.codes:
                        for group in record.groups_of(item):
                            found.add((group, factor.id))
                            self.quotes.offer(
                                (group, factor.id), key_rank(item, group), item.quote, coding_ref(record, row, item)
                            )
        for key in found:
            self.counts[key] += 1

    def write(self, sheet, profiles: dict[str | None, tuple[InterviewRecord, list[AnswerRow]]]) -> None:
        ctx = self.ctx
        tr, lang = ctx.t, ctx.lang
        columns = [
            Column(tr("col.community"), 12),
            Column(tr("col.community_name"), 14),
            Column(tr("col.profile"), 22, wrap=True),
            Column(tr("col.other_facts"), 40, wrap=True),
        ]
        for factor in self.factors:
            label = factor.label(lang)
            columns += [
                Column(tr("col.facts", what=label), 45, wrap=True),
                Column(tr("col.evidence_count", what=label), 10),
                Column(tr("col.evidence", what=label), 50, wrap=True),
            ]
        table = ctx.table(sheet, columns, freeze_columns=2)
        factor_ids = {f.id for f in self.factors}
        for group in ctx.groups:
            record, answers = profiles.get(group, (None, []))
            if record is None:
                about = tr("no_profile")
            else:
                about = tr(
                    "profile_record",
                    id=record.short,
                    status=status_label(record.status, lang),
                    updated=record.updated.strftime("%Y-%m-%d") if record.updated else "",
                )
            other = [self._fact(a) for a in answers if not (a.info.codes & factor_ids)]
            row: list[object] = [ctx.group_label(group), ctx.group_name(group), about, "\n".join(other) or None]
            for factor in self.factors:
                facts = [self._fact(a) for a in answers if factor.id in a.info.codes]
                row += [
                    "\n".join(facts) or None,
                    self.counts[group, factor.id],
                    self.quotes.text(ctx, (group, factor.id)) or None,
                ]
            table.add(row)
        table.close()

    def _fact(self, row: AnswerRow) -> str:
        value = row.text or (marker_label(row.marker, self.ctx.lang) if row.marker else "")
        fact = f"{row.label}：{excerpt(self.ctx, value)}"
        return fact + (f"（{excerpt(self.ctx, row.note)}）" if row.note else "")


def profile_mobilised(profiles: dict[str | None, tuple[InterviewRecord, list[AnswerRow]]]) -> dict[str | None, str]:
    """Whom government mainly mobilises in each community, as its profile records it (Fig. 1)."""
    found: dict[str | None, str] = {}
    for community, (_record, answers) in profiles.items():
        for row in answers:
            if row.key == MOBILISED_QUESTION and row.text:
                found[community] = row.text
    return found


def write_scenes(sheet, ctx: SheetContext, counts: CodeCounts) -> None:
    """Table 2: every scene, then its goals; per community, the interviews with evidence (a coding
    of the code or of a code under it) and the number of those codings."""
    tr, lang, book = ctx.t, ctx.lang, ctx.codebook
    groups = [ALL, *ctx.groups]
    columns = [
        Column(tr("col.code"), 24),
        Column(tr("col.scene"), 14),
        Column(tr("col.goal"), 26, wrap=True),
        Column(tr("col.scene_note"), 40, wrap=True),
    ]
    for group in groups:
        label = ctx.group_label(group)
        columns += [Column(tr("col.interviews_n", what=label), 10), Column(tr("col.codings_n", what=label), 10)]
    table = ctx.table(sheet, columns, freeze_columns=2)

    def numbers(code_id: str) -> list[object]:
        out: list[object] = []
        for group in groups:
            out += [counts.interviews[group, code_id], counts.codings[group, code_id]]
        return out

    for scene in book.top_level("scene"):
        goals = _descendants(ctx, scene.id)
        goal_text = tr("unrecovered") if scene.unrecovered and not goals else tr("scene_total")
        note = tr("unrecovered_note") if scene.unrecovered else ""
        table.add([scene.id, scene.label(lang), goal_text, note, *numbers(scene.id)])
        for goal in goals:
            table.add([goal.id, scene.label(lang), goal.label(lang), goal.definition(lang), *numbers(goal.id)])
    table.close()


def _descendants(ctx: SheetContext, code_id: str) -> list[Code]:
    found: list[Code] = []
    for child in ctx.codebook.children(code_id):
        found.append(child)
        found += _descendants(ctx, child.id)
    return found
