"""What an export reads from the store, in a few set-based queries, as values ready for cells.

Interviews are read once (small); answers are streamed in export order — community, role, start —
through one joined query, one interview's answers at a time, so an export of 150,000 answers never
holds them all in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field

from yingzao.core import errors
from yingzao.core.coding.suggestions import suggested_codes
from yingzao.core.coding.text import value_text
from yingzao.core.errors import Text
from yingzao.core.export.anonymize import RESPONDENT_NAME_QUESTION, Anonymizer, InterviewPeople
from yingzao.core.export.damage import ReadOnlyView, Salvage
from yingzao.core.export.labels import role_ref, t
from yingzao.core.export.xlsx_style import CELL_LIMIT, clean_text, split_cell
from yingzao.core.forms.case_check import DISCUSSED_QUESTION, communities_discussed
from yingzao.core.forms.codebook import FAMILIES, Codebook
from yingzao.core.forms.engine import INTERVIEW_TIME
from yingzao.core.forms.protocol import ROLES, Protocol, Question, pick
from yingzao.core.forms.repeats import instances as listed_instances
from yingzao.core.forms.repeats import split as split_key
from yingzao.core.store import driver
from yingzao.core.store.database import Store
from yingzao.core.store.records import STATUSES, Answer
from yingzao.core.store.snapshot import read_snapshot
from yingzao.core.timestamps import to_local

_ALL_DATA_SHEETS = ("answers", "matrix", "actors", "factors", "scenes", "presence", "codebook")
INTERVIEW_DATE_QUESTION = "interview_date"
PROFILE_ROLE = "profile"
_ORDER_TABLE = "temp.yz_export_order"


@dataclass(frozen=True)
class ExportFilters:
    """Which interviews to export; an empty tuple means all."""

    communities: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()

    def check(self, known_communities: list[str]) -> None:
        unknown = [c for c in self.communities if c not in known_communities]
        if unknown:
            raise errors.export_unknown_community(unknown, known_communities)
        bad = [r for r in self.roles if r not in ROLES] + [s for s in self.statuses if s not in STATUSES]
        if bad:
            raise errors.export_bad_filter(bad, ROLES, STATUSES)


@dataclass
class InterviewRecord:
    """One exported interview (or community profile), with what the answers add to it."""

    id: str
    short: str
    protocol: Protocol
    role: str
    community_id: str | None
    fieldworker: str  # as shown (a code when anonymised)
    respondent: str  # as shown
    device: str  # its label where known, else its id
    status: str
    outcome: str | None
    started: dt.datetime | None
    ended: dt.datetime | None
    updated: dt.datetime | None
    seconds: float = 0.0  # time on questions, from paradata
    screen_seconds: float | None = None  # time the interview screen was open, when recorded
    answered: int = 0  # substantive answers
    marked: int = 0  # skipped / refused / don't know
    interview_date: dt.date | None = None
    # for an interview filed under no community (a city official's): the communities its answers were
    # about, from its `communities_discussed` answer; the per-community sheets credit each of them
    discussed: tuple[str, ...] = ()
    # each repeat's instances, in the order its own answer row lists them (read with the answers)
    instances: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def groups(self) -> tuple[str | None, ...]:
        """The community groups this interview's evidence counts in (besides all communities)."""
        if self.community_id:
            return (self.community_id,)
        return self.discussed or (None,)

    def groups_of(self, item: Evidence) -> tuple[str | None, ...]:
        """The community groups one coding counts in. An interview credited to the communities it
        discussed credits an attributed coding only to those of them it is attributed to (a comparison
        of A and B split between them); an unattributed one, or one whose communities the interview no
        longer names as discussed, to all of them. An interview filed under a community: its own."""
        if self.community_id or not item.communities:
            return self.groups
        return tuple(g for g in self.groups if g in item.communities) or self.groups

    @property
    def is_profile(self) -> bool:
        return self.role == PROFILE_ROLE

    @property
    def duration_minutes(self) -> float | None:
        """The time the interview screen was open (what the interview screen's timer, review and the
        quality checks show too); from start to end only for interviews recorded before there was a
        screen timer. Start to end would count the nights between a resumed interview's sessions.

        Time on a question is only counted while the screen is open, so the questions' sum is a floor
        for the screen time: it is higher only when a crash lost the screen's last unsaved stretch
        (the screen time is saved every 30 s, a question's on leaving it), and then it is the better
        figure of the two."""
        if self.screen_seconds:
            return round(max(self.screen_seconds, self.seconds) / 60, 1)
        if self.started is None or self.ended is None:
            return None
        return round((self.ended - self.started).total_seconds() / 60, 1)


@dataclass(frozen=True)
class QuestionInfo:
    """A question as the export shows it, computed once per protocol version."""

    question: Question
    ref: str  # e.g. [官员·S5·act_party_structure]
    section: str
    label: str
    families: tuple[str, ...]  # one text per codebook family (FAMILIES order): the code labels
    codes: frozenset[str]  # its codes and all their ancestors
    own: dict[str, int] = field(default_factory=dict)  # family -> number of its own codes there
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def is_text(self) -> bool:
        return self.question.type == "text"


@dataclass(frozen=True)
class Evidence:
    """One researcher's coding of an answer (or its note), as the reading sheets count it."""

    code: str  # aliases resolved
    codes: frozenset[str]  # the code and every code above it
    quote: str  # as shown (anonymised when the export is)
    target: str  # 'answer' or 'note'
    start: int
    end: int
    pinned: bool
    pinned_for: str  # '' or the community it is a key quote for
    coder: str
    origin: str  # 'coded', 'suggestion' (accepted) or 'suggested' (pending, counted only on request)
    memo: str
    coding_id: str
    communities: tuple[str, ...] = ()  # the communities the passage is attributed to (none: not attributed)


@dataclass(frozen=True)
class AnswerRow:
    info: QuestionInfo
    value: object  # the cell: text, number, date or time
    text: str  # the same as text, for the reading sheets
    marker: str | None
    note: str
    seconds: float | None
    saved: dt.datetime | None
    evidence: tuple[Evidence, ...] = ()  # the codings of this answer and its note
    raw: object = None  # the value as stored (choice codes, the text codings are positioned in)
    raw_note: str = ""  # the note as stored
    key: str = ""  # the answer key: the question's name, or `name#instance` in a repeat
    repeat: QuestionInfo | None = None  # the repeat the answer was given in (its instance: `instance`)
    position: int | None = None  # the instance's place in its repeat, from 1
    entry: str = ""  # the position as the export's language says it, after a label: "（第2项）", " (entry 2)"

    @property
    def instance(self) -> str | None:
        return split_key(self.key)[1]

    @property
    def name(self) -> str:
        """The question's name, with the instance's position for a repeated one: org_name[2]."""
        name = self.info.question.name
        return name if self.position is None else f"{name}[{self.position}]"

    @property
    def ref(self) -> str:
        """The question's reference, e.g. [官员·S5·act_party_structure], [官员·S2·org_name[2]]."""
        return self.info.ref if self.position is None else f"{self.info.ref[:-1]}[{self.position}]]"

    @property
    def label(self) -> str:
        """The question's text, with the instance's position for a repeated one."""
        return self.info.label + self.entry

    @property
    def substantive(self) -> bool:
        """A real answer: a value, not only a marker or a note."""
        return self.text != ""

    @property
    def evidence_codes(self) -> frozenset[str]:
        """Every code (with the codes above it) some coding of this answer gives it."""
        found: set[str] = set()
        for item in self.evidence:
            found |= item.codes
        return frozenset(found)


class ExportReader:
    """Reads one store for one export, inside one read transaction (a consistent snapshot even
    while the app keeps saving answers in another connection)."""

    def __init__(
        self,
        store: Store | ReadOnlyView,
        codebook: Codebook,
        lang: str,
        tz: dt.tzinfo | None = None,
        salvage: Salvage | None = None,
        *,
        anonymising: bool = False,
        count_suggestions: bool = False,
    ) -> None:
        """With `salvage` (a damaged database), every part that cannot be read is left out and noted
        there, and an interview's answers are read one interview at a time, so one damaged page
        costs the interviews on it and not the export."""
        self.store, self.codebook, self.lang, self.tz = store, codebook, lang, tz
        self.salvage, self.anonymising = salvage, anonymising
        self.count_suggestions = count_suggestions
        self.coders: set[str] = set()  # every coder whose codings the export counts
        self.suggestions_counted = 0
        self.conn = store.conn
        if salvage is not None:
            self.conn.text_factory = salvage.lenient_text
        self._questions: dict[tuple[str, str], QuestionInfo] = {}
        self.unknown_codes: set[str] = set()
        self._devices: dict[str, str] | None = None
        # on the connection, not `store.snapshot()`: a damaged database is read through a ReadOnlyView
        self._snapshot = ExitStack()
        self._snapshot.enter_context(read_snapshot(self.conn))

    def close(self) -> None:
        self._snapshot.close()

    # -- small reads -------------------------------------------------------------------------

    def communities(self) -> dict[str, str]:
        try:
            return {c.id: c.name for c in self.store.communities()}
        except driver.DatabaseError:
            if self.salvage is None:
                raise
            self._lose(
                "communities",
                Text("社区名称（以社区代码代替）", "community names (community codes shown instead)"),
                ("interviews", "matrix", "actors", "factors"),
                anonymity=True,
            )
            return {}

    def setting(self, key: str) -> str | None:
        try:
            return self.store.get_setting(key)
        except driver.DatabaseError:
            if self.salvage is None:
                raise
            return None  # only the synthetic-data notice and the device's name come from settings

    def _lose(self, part: str, what: Text, sheets: tuple[str, ...], *, anonymity: bool = False) -> None:
        """Salvage: `part` cannot be read. An anonymised export cannot do without what it must
        remove from the text (names, identifying values): it stops with the damage named."""
        assert self.salvage is not None
        if anonymity and self.anonymising:
            raise errors.export_damaged_not_anonymisable(what, self.salvage.problems)
        self.salvage.lose(part, Text("无法读取：", "cannot be read: ") + what, sheets)

    def people(self, *, with_identifying: bool) -> list[InterviewPeople]:
        rows = self.conn.execute(
            "SELECT id, protocol_sha256, respondent_role, fieldworker, started_at FROM interviews"
        ).fetchall()
        values: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        flagged = self._identifying_questions({sha for _, sha, *_ in rows})
        wanted = sorted({name for _, name in flagged} | {RESPONDENT_NAME_QUESTION})
        if wanted:
            marks = ", ".join("?" for _ in wanted)
            match = f"a.question IN ({marks})"
            repeated = sorted({name for sha, name in flagged if self._repeated(sha, name)})
            if repeated:  # a repeated question's answers are keyed `name#instance`: matched by the name
                match += (
                    " OR (instr(a.question, '#') > 0 AND substr(a.question, 1, instr(a.question, '#') - 1)"
                    f" IN ({', '.join('?' for _ in repeated)}))"
                )
            sql = (
                "SELECT a.interview_id, i.protocol_sha256, a.question, a.value FROM answers a"
                f" JOIN interviews i ON i.id = a.interview_id WHERE ({match}) AND a.value IS NOT NULL"
            )
            try:
                found = self.conn.execute(sql, [*wanted, *repeated]).fetchall()
            except driver.DatabaseError:
                if self.salvage is None:
                    raise
                self._lose(
                    "people",
                    Text("受访者姓名", "respondents' names"),
                    ("interviews", "answers", "matrix"),
                    anonymity=True,
                )
                found = []
            for interview_id, sha, question, value in found:
                if question == RESPONDENT_NAME_QUESTION:
                    names[interview_id] = str(value)
                if with_identifying and (sha, split_key(question)[0]) in flagged:
                    values.setdefault(interview_id, []).append(str(value))
        return [
            InterviewPeople(
                i, started or "", fieldworker or "", names.get(i), tuple(values.get(i, ())), role == PROFILE_ROLE
            )
            for i, _sha, role, fieldworker, started in rows
        ]

    def other_users(self) -> list[str]:
        """People who saved answers, in order of their first save (only read when anonymising)."""
        try:
            return [
                row[0]
                for row in self.conn.execute(
                    "SELECT updated_by, min(updated_at) FROM answers GROUP BY updated_by ORDER BY 2, 1"
                )
                if row[0]
            ]
        except driver.DatabaseError:
            if self.salvage is None:
                raise
            self._lose("users", Text("保存过回答的人的名单", "who saved answers"), (), anonymity=True)
            return []

    def _identifying_questions(self, shas: set[str]) -> set[tuple[str, str]]:
        protocols = [p for p in (self._protocol(sha) for sha in shas) if p is not None]
        return {(p.sha256, q.name) for p in protocols for q in p.questions if q.identifying}

    def _repeated(self, sha: str, name: str) -> bool:
        protocol = self._protocol(sha)
        question = protocol.named(name) if protocol is not None else None
        return question is not None and question.repeat is not None

    def _protocol(self, sha: str) -> Protocol | None:
        """The protocol version, or None when a salvage export cannot read it."""
        if self.salvage is None:
            return self.store.protocol(sha)
        try:
            return self.store.protocol(sha)
        except (driver.DatabaseError, errors.StoreError, ValueError, KeyError, TypeError):
            return None  # its interviews are left out, and named

    # -- interviews --------------------------------------------------------------------------

    def interviews(self, filters: ExportFilters, anon: Anonymizer) -> list[InterviewRecord]:
        """The interviews the filters select, in export order: community, role, start."""
        sql = (
            "SELECT id, protocol_sha256, respondent_role, community_id, fieldworker, device_id, status, outcome,"
            " started_at, ended_at, updated_at FROM interviews"
        )
        where, params = [], []
        for column, wanted in (
            ("community_id", filters.communities),
            ("respondent_role", filters.roles),
            ("status", filters.statuses),
        ):
            if wanted:
                where.append(f"{column} IN ({', '.join('?' for _ in wanted)})")
                params += list(wanted)
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.conn.execute(sql, params).fetchall()
        if self.salvage is not None:
            rows = self._readable_protocols(rows)
        role_order = {role: i for i, role in enumerate(ROLES)}
        rows.sort(key=lambda r: (r[3] is None, r[3] or "", role_order.get(r[2], len(ROLES)), r[8] or "", r[0]))
        shorts = _short_ids([r[0] for r in rows])
        seconds, screen = self._seconds_by_interview()
        discussed = self._discussed({r[0] for r in rows if r[3] is None})
        return [
            InterviewRecord(
                id=id_,
                short=shorts[id_],
                protocol=self._protocol(sha),  # type: ignore[arg-type]  # stored for every interview (a foreign key); salvage drops unreadable ones
                role=role,
                community_id=community,
                fieldworker=anon.fieldworker(fieldworker or ""),
                respondent=anon.respondent(id_),
                status=status,
                outcome=outcome,
                started=self.when(started),
                ended=self.when(ended),
                updated=self.when(updated),
                seconds=seconds.get(id_, 0.0),
                screen_seconds=screen.get(id_),
                device=self._device_label(device or ""),
                discussed=discussed.get(id_, ()),
            )
            for id_, sha, role, community, fieldworker, device, status, outcome, started, ended, updated in rows
        ]

    def _discussed(self, without_community: set[str]) -> dict[str, tuple[str, ...]]:
        """The communities each interview without a community says it discussed."""
        if not without_community:
            return {}
        found: dict[str, tuple[str, ...]] = {}
        try:
            known = [row[0] for row in self.conn.execute("SELECT id FROM communities ORDER BY id")]
            for interview_id, value in self.conn.execute(
                "SELECT interview_id, value FROM answers WHERE question = ? AND marker IS NULL", (DISCUSSED_QUESTION,)
            ):
                if interview_id in without_community:
                    found[interview_id] = communities_discussed(value, known)
        except driver.DatabaseError:
            if self.salvage is None:
                raise
            return {}  # a damaged database: such interviews stay under "no community", as before
        return found

    def _readable_protocols(self, rows: list[tuple]) -> list[tuple]:
        assert self.salvage is not None
        kept = [row for row in rows if self._protocol(row[1]) is not None]
        if len(kept) < len(rows):
            self.salvage.skipped += sorted(
                row[0].replace("-", "")[:8] for row in rows if self._protocol(row[1]) is None
            )
            self._lose(
                "protocols",
                Text("部分提纲版本（其访谈未导出）", "some protocol versions (their interviews are left out)"),
                ("interviews", *_ALL_DATA_SHEETS),
            )
        return kept

    def _seconds_by_interview(self) -> tuple[dict[str, float], dict[str, float]]:
        try:
            return self._read_seconds()
        except driver.DatabaseError:
            if self.salvage is None:
                raise
            self._lose(
                "times",
                Text(
                    "答题计时（时长按开始和结束时间计算）", "time on questions (durations from start and end instead)"
                ),
                ("interviews", "answers"),
            )
            return {}, {}

    def _read_seconds(self) -> tuple[dict[str, float], dict[str, float]]:
        """Time on questions and time on the interview screen, per interview. The screen's own row
        (INTERVIEW_TIME) is kept apart: it covers the same minutes as the questions' rows, and adding
        it in counted every minute twice (12.1 minutes on questions for a 7.9-minute interview)."""
        questions: dict[str, float] = {}
        screen: dict[str, float] = {}
        for interview_id, question, seconds in self.conn.execute(
            "SELECT interview_id, question, sum(seconds) FROM paradata GROUP BY interview_id, question"
        ):
            if question == INTERVIEW_TIME:
                screen[interview_id] = seconds or 0.0
            else:
                questions[interview_id] = questions.get(interview_id, 0.0) + (seconds or 0.0)
        return questions, screen

    def _device_label(self, device_id: str) -> str:
        """The name a device was given on its first run, where this database knows it: its own
        setting for its own device, the label the latest package from another laptop carried for that
        one; otherwise the id, which still tells devices apart."""
        if self._devices is None:
            self._devices = self._merged_device_labels()
            own = self.setting("device_id")
            label = self.setting("device_label")
            if own and label:
                self._devices[own] = label
        return self._devices.get(device_id) or device_id

    def _merged_device_labels(self) -> dict[str, str]:
        """Each other device's label as its newest merged package says (by when the laptop made it,
        then when it was merged); a package without a label never hides an older package's one."""
        try:
            # a database too old to have the column (read-only exports do not upgrade the file)
            if "device_label" not in {row[1] for row in self.conn.execute("PRAGMA table_info(packages)")}:
                return {}
            return dict(
                self.conn.execute(
                    "SELECT device_id, device_label FROM packages WHERE device_label != ''"
                    " ORDER BY created_at, merged_at"
                )
            )  # later rows overwrite earlier ones
        except driver.DatabaseError:
            if self.salvage is None:
                raise
            self._lose(
                "devices",
                Text("其他设备的名称（以设备编号代替）", "other devices' names (their ids shown instead)"),
                ("interviews",),
            )
            return {}

    def when(self, stamp: str | None) -> dt.datetime | None:
        """A stored UTC timestamp as a local date-time Excel can hold (no time zone, whole seconds)."""
        return to_local(stamp, self.tz)

    # -- answers -----------------------------------------------------------------------------

    def stream(
        self,
        records: list[InterviewRecord],
        anon: Anonymizer,
    ) -> Iterator[tuple[InterviewRecord, list[AnswerRow]]]:
        """Each record with its answers in protocol order, in one joined query over all of them."""
        if self.salvage is not None:
            for record in records:
                yield record, self._answers(record, self._one_interview(record), anon)
            return
        self._fill_order(records)
        cursor = self.conn.execute(
            "SELECT o.pos, a.question, a.value, a.marker, a.note, a.updated_at, p.seconds"
            f" FROM {_ORDER_TABLE} o JOIN answers a ON a.interview_id = o.interview_id"
            " LEFT JOIN paradata p ON p.interview_id = a.interview_id AND p.question = a.question"
            " ORDER BY o.pos"
        )
        pending = next(cursor, None)
        for pos, record in enumerate(records):
            raw = []
            while pending is not None and pending[0] == pos:
                raw.append(pending)
                pending = next(cursor, None)
            yield record, self._answers(record, raw, anon, codings=self._codings(record, raw))

    def _codings(self, record: InterviewRecord, raw: list[tuple]) -> dict[str, list[tuple]]:
        """question -> the interview's live codings of it (target, start, end, quote, code, coder,
        origin, memo, pinned, pinned_for, id, communities); with `count_suggestions`, the protocol's pending
        suggestions too, as whole-answer evidence of origin 'suggested'."""
        found: dict[str, list[tuple]] = {}
        if self.salvage is not None:
            return found  # a damaged database: the reading sheets fall back to nothing coded
        for row in self.conn.execute(
            'SELECT question, target, start, "end", quote, code, coder, origin, memo, pinned, pinned_for, id,'
            " communities"
            " FROM codings WHERE interview_id = ? AND state = 'live' ORDER BY question, target, start",
            (record.id,),
        ):
            found.setdefault(row[0], []).append(row[1:])
        if self.count_suggestions and not record.is_profile:
            self._add_suggestions(record, raw, found)
        return found

    def _add_suggestions(self, record: InterviewRecord, raw: list[tuple], found: dict[str, list[tuple]]) -> None:
        rejected = {
            (q, self._resolve(c))
            for q, c in self.conn.execute(
                "SELECT question, code FROM suggestion_decisions WHERE interview_id = ? AND decision = 'rejected'",
                (record.id,),
            )
        }
        protocol = record.protocol
        for _pos, name, value, marker, note, updated_at, _seconds in raw:
            if not protocol.has_question(name) or protocol.question(name).is_repeat:
                continue
            answer = Answer(name, value, marker, note, updated_at or "", "")
            taken = {self._resolve(c[4]) for c in found.get(name, ()) if c[0] == "answer"}
            text = value_text(value)
            for code in suggested_codes(protocol, protocol.question(name), answer):
                code = self._resolve(code)
                if code in taken or (name, code) in rejected or not self.codebook.has(code):
                    continue
                found.setdefault(name, []).append(
                    ("answer", 0, len(text), text, code, "", "suggested", "", 0, "", "", "")
                )
                self.suggestions_counted += 1

    def _resolve(self, code: str) -> str:
        resolve = getattr(self.codebook, "resolve", None)
        return resolve(code) if resolve else code

    def long_text_pieces(self, records: list[InterviewRecord], anon: Anonymizer, expansion: int) -> tuple[int, int]:
        """How many cells the longest answer and the longest note need (1 when all fit one cell).

        Only texts that could pass the limit after anonymisation (`expansion`: how many times longer
        a replacement can make a text) are formatted to measure them exactly."""
        threshold = CELL_LIMIT // (2 * max(1, expansion))
        answer_cells = note_cells = 1
        if self.salvage is not None:
            cursor: Iterator[tuple] = (
                (pos, *row[1:])
                for pos, record in enumerate(records)
                for row in self._one_interview(record, quiet=True)
                if len(str(row[2] or "")) > threshold or len(row[4] or "") > threshold
            )
        else:
            self._fill_order(records)
            cursor = self.conn.execute(
                "SELECT o.pos, a.question, a.value, a.marker, a.note, a.updated_at, NULL"
                f" FROM {_ORDER_TABLE} o JOIN answers a ON a.interview_id = o.interview_id"
                " WHERE length(a.value) > ? OR length(a.note) > ?",
                (threshold, threshold),
            )
        for raw in cursor:
            for row in self._answers(records[raw[0]], [raw], anon, count=False, every_instance=True):
                if isinstance(row.value, str):
                    answer_cells = max(answer_cells, len(split_cell(row.value)))
                note_cells = max(note_cells, len(split_cell(row.note)))
        return answer_cells, note_cells

    def _one_interview(self, record: InterviewRecord, *, quiet: bool = False) -> list[tuple]:
        """Salvage: one interview's answer rows, [] (and noted) when they cannot be read."""
        assert self.salvage is not None
        with_times = "times" not in self.salvage.missing
        sql = (
            "SELECT NULL, a.question, a.value, a.marker, a.note, a.updated_at, "
            + (
                "p.seconds FROM answers a LEFT JOIN paradata p ON p.interview_id = a.interview_id"
                " AND p.question = a.question"
                if with_times
                else "NULL FROM answers a"
            )
            + " WHERE a.interview_id = ?"
        )
        self.salvage.counting = not quiet  # long_text_pieces reads the rows that stream() reads again
        try:
            return self.conn.execute(sql, (record.id,)).fetchall()
        except driver.DatabaseError:
            if not quiet and record.short not in self.salvage.without_answers:
                self.salvage.without_answers.append(record.short)
                self.salvage.incomplete_sheets.update(_ALL_DATA_SHEETS)
            return []

    def _fill_order(self, records: list[InterviewRecord]) -> None:
        self.conn.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_ORDER_TABLE} (pos INTEGER PRIMARY KEY, interview_id TEXT NOT NULL)"
        )
        self.conn.execute(f"DELETE FROM {_ORDER_TABLE}")
        self.conn.executemany(
            f"INSERT INTO {_ORDER_TABLE} (pos, interview_id) VALUES (?, ?)",
            ((pos, r.id) for pos, r in enumerate(records)),
        )

    def _answers(
        self,
        record: InterviewRecord,
        raw: list[tuple],
        anon: Anonymizer,
        *,
        count: bool = True,
        codings: dict[str, list[tuple]] | None = None,
        every_instance: bool = False,
    ) -> list[AnswerRow]:
        """The interview's answer rows in the form's order, an instance's answers at its place in
        its repeat. A repeat's own row lists its instances and is not an answer; the answers of an
        instance no longer listed (removed) are never exported. `every_instance`: the rows are
        only measured, without their repeats' rows, so an instance's answer counts whatever its list."""
        protocol = record.protocol
        listed: dict[str, dict[str, int]] = {}  # repeat -> instance -> position
        for _pos, name, value, *_rest in raw:
            question = protocol.named(name)
            if question is not None and question.is_repeat:
                ids = listed_instances(value)
                listed[name] = {instance: n for n, instance in enumerate(ids, start=1)}
                if count:
                    record.instances[name] = tuple(ids)
        rows: list[AnswerRow] = []
        for _pos, name, value, marker, note, updated_at, seconds in raw:
            if not protocol.has_question(name):
                continue
            info = self.question(protocol, name)
            question = info.question
            if question.is_repeat:
                continue
            position: int | None = None
            if question.repeat is not None:
                instance = split_key(name)[1] or ""
                position = listed.get(question.repeat, {}).get(instance)
                if position is None and not every_instance:
                    continue  # removed from its repeat: its answers left with it
            if anon.drops(question.identifying) or (value is None and marker is None and not note):
                continue
            cell, text = self._value(info, value, anon)
            # whole seconds: the timer's fractions (4.909651828000278) are noise, not precision
            row = AnswerRow(
                info,
                cell,
                text,
                marker,
                anon.scrub(clean_text(note)) if note else "",
                round(seconds) if seconds is not None else None,
                self.when(updated_at),
                self._evidence(codings.get(name, ()), anon) if codings else (),
                value,
                note or "",
                key=name,
                repeat=None if question.repeat is None else self.question(protocol, question.repeat),
                position=position,
                entry="" if position is None else t("entry", self.lang, n=position),
            )
            rows.append(row)
            if count:
                record.answered += row.substantive
                record.marked += marker is not None
                if name == INTERVIEW_DATE_QUESTION and isinstance(cell, dt.date):
                    record.interview_date = cell
        rows.sort(key=_form_order)
        return rows

    def _evidence(self, codings: Iterable[tuple], anon: Anonymizer) -> tuple[Evidence, ...]:
        book = self.codebook
        out: list[Evidence] = []
        for target, start, end, quote, code, coder, origin, memo, pinned, pinned_for, coding_id, attributed in codings:
            code = self._resolve(code)
            if not book.has(code):
                self.unknown_codes.add(code)
                continue
            self.coders.add(coder)
            out.append(
                Evidence(
                    code=code,
                    codes=frozenset((code, *book.ancestors(code))),
                    quote=anon.scrub(clean_text(quote)),
                    target=target,
                    start=start,
                    end=end,
                    pinned=bool(pinned),
                    pinned_for=pinned_for,
                    coder=coder,
                    origin=origin,
                    memo=anon.scrub(clean_text(memo)) if memo else "",
                    coding_id=coding_id,
                    communities=tuple(attributed.split()),
                )
            )
        return tuple(out)

    def _value(self, info: QuestionInfo, value: object, anon: Anonymizer) -> tuple[object, str]:
        if value is None or value == "":
            return None, ""
        kind = info.question.type
        if kind == "select_one" and str(value) in info.choices:
            label = info.choices[str(value)]
            return label, label
        if kind == "select_multiple" and all(n in info.choices for n in str(value).split()):
            text = t("sep", self.lang).join(info.choices[n] for n in str(value).split())
            return text, text
        if kind in ("select_one", "select_multiple"):
            # not a choice code (the store takes any text; a merge or an older protocol version can
            # bring one): it is free text, so it is scrubbed like free text, and marked so the
            # researcher sees it was not one of the choices
            text = t("not_choice", self.lang) + anon.scrub(clean_text(str(value)))
            return text, text
        if kind in ("integer", "decimal") and isinstance(value, (int, float)):
            return value, f"{value:.15g}" if isinstance(value, float) else str(value)
        if kind == "date":
            try:
                day = dt.date.fromisoformat(str(value))
                return day, day.isoformat()
            except ValueError:
                pass
        if kind == "time":
            try:
                moment = dt.time.fromisoformat(str(value))
                return moment, str(value)
            except ValueError:
                pass
        text = anon.scrub(clean_text(str(value)))
        return text, text

    def question(self, protocol: Protocol, name: str) -> QuestionInfo:
        """The question an answer key is for, as the export shows it (one for all of a repeated
        question's instances)."""
        key = (protocol.sha256, split_key(name)[0])
        info = self._questions.get(key)
        if info is None:
            info = self._questions[key] = self._question_info(protocol, protocol.question(name))
        return info

    def _question_info(self, protocol: Protocol, question: Question) -> QuestionInfo:
        lang, book = self.lang, self.codebook
        sections = {s.name: (i, s) for i, s in enumerate(protocol.sections, start=1)}
        number, section = sections.get(question.section, (0, None))
        by_family: dict[str, list[str]] = {family: [] for family in FAMILIES}
        rolled: set[str] = set()
        own: dict[str, int] = {}
        for code_id in question.codes:
            if not book.has(code_id):
                self.unknown_codes.add(code_id)
                continue
            code = book.get(code_id)
            label = code.label(lang)
            if code.family == "scene" and code.parent and book.has(code.parent):
                label = f"{book.get(code.parent).label(lang)}·{label}"
            by_family[code.family].append(label)
            own[code.family] = own.get(code.family, 0) + 1
            rolled.add(code_id)
            rolled.update(book.ancestors(code_id))
        choices = {
            c.name: pick(c.labels, lang, protocol.default_language) or c.name
            for c in protocol.choices.get(question.list_name or "", ())
        }
        return QuestionInfo(
            question=question,
            # a form naming no role of this study (a team's own) has no role part
            ref="["
            + "·".join(part for part in (role_ref(protocol.role, lang), f"S{number}", question.name) if part)
            + "]",
            section=pick(section.labels, lang, protocol.default_language) if section else question.section,
            label=pick(question.labels, lang, protocol.default_language) or question.name,
            families=tuple(t("sep", lang).join(labels) for labels in by_family.values()),
            codes=frozenset(rolled),
            own=own,
            choices=choices,
        )


def _form_order(row: AnswerRow) -> tuple[int, int, int]:
    """Where an answer comes in the form: an instance's answers at their repeat's place, entry by
    entry (a repeat's questions follow its begin_repeat row, so its row places them)."""
    row_number = row.info.question.row
    if row.repeat is None:
        return row_number, 0, 0
    return row.repeat.question.row, row.position or 0, row_number


def _short_ids(ids: list[str], length: int = 8) -> dict[str, str]:
    """The shortest prefix of each id (at least `length` characters) that is unique in the export."""
    while True:
        prefixes = {i: i.replace("-", "")[:length] for i in ids}
        if len(set(prefixes.values())) == len(ids) or length >= 32:
            return prefixes if len(set(prefixes.values())) == len(ids) else {i: i for i in ids}
        length += 4
