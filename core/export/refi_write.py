"""Write REFI-QDA files: a codebook (`.qdc`) and a project (`.qdpx`) that NVivo, ATLAS.ti, MAXQDA and
QualCoder import.

    write_qdc(out_path, codes, lang)
    write_qdpx(db, out_path, codes=..., codings=..., notes=..., users=..., community=..., role=...,
               anonymize=..., lang=...)

The project is a zip of `project.qde` (XML valid against REFI's Project.xsd) and `Sources/<guid>.txt`,
one plain-text transcript per interview (UTF-8 without byte-order mark: QualCoder counts a BOM as
character 0 and would shift every coding by one). The XML is streamed, never built whole: each
interview's transcript goes into the zip and its `TextSource` element into a temporary file while the
answers stream past; `project.qde` is then written as users, codebook, variables and cases (which need
the interview dates the stream found), that file copied in, and the notes. Everything is written to
temporary files beside the target and moved into place when complete (`selection.write_into_place`).

Codes, codings, memos and coders arrive as the plain values of `yingzao.core.export.refi_model`.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from yingzao.core import errors, paths
from yingzao.core.export.data import AnswerRow, ExportFilters, InterviewRecord
from yingzao.core.export.labels import role_label, t
from yingzao.core.export.refi_model import (
    QdaCode,
    QdaCoding,
    QdaNote,
    QdaUser,
    code_guid,
    source_guid,
    stable_guid,
    user_guid,
)
from yingzao.core.export.refi_text import build_transcript, xml_safe
from yingzao.core.export.selection import Progress, Selection, selection, write_into_place
from yingzao.core.forms.codebook import Codebook, load_codebook
from yingzao.core.forms.protocol import pick
from yingzao.core.store.database import Store

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Yingzao 营造"


# -- the codebook ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QdcResult:
    path: Path
    codes: int


def write_qdc(out_path: Path | str, codes: list[QdaCode], lang: str = "zh") -> QdcResult:
    """`CodeBook > Codes > Code` in the codebook namespace, nested by parent."""
    out_path = Path(out_path)
    _check_suffix(out_path, ".qdc")

    def write(files) -> None:
        with open(files.workbook, "w", encoding="utf-8", newline="\n") as out:
            xml = _Xml(out)
            xml.start("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
            _write_codes(xml, codes, {})
            xml.end("CodeBook")
            xml.close()

    write_into_place(out_path, "qdc", write)
    return QdcResult(out_path, len(codes))


def _write_codes(xml: _Xml, codes: list[QdaCode], code_notes: dict[str, list[str]]) -> None:
    if not codes:
        return
    by_id = {code.id: code for code in codes}
    children: dict[str | None, list[QdaCode]] = {}
    for code in codes:
        parent = code.parent_id if code.parent_id in by_id and code.parent_id != code.id else None
        children.setdefault(parent, []).append(code)
    written: set[str] = set()

    def one(code: QdaCode) -> None:
        written.add(code.id)
        attrs = {"guid": code.guid or code_guid(code.id), "name": code.name or code.id}
        attrs["isCodable"] = "true" if code.codable else "false"
        if code.colour:
            attrs["color"] = code.colour
        xml.start("Code", attrs)
        if code.description:
            xml.element("Description", code.description)
        for note in code_notes.get(code.id, ()):
            xml.empty("NoteRef", {"targetGUID": note})
        for child in children.get(code.id, ()):
            if child.id not in written:  # a cycle of parents is cut, never followed forever
                one(child)
        xml.end("Code")

    xml.start("Codes")
    for code in children.get(None, ()):
        one(code)
    for code in codes:  # codes only reachable through a cycle: at the top
        if code.id not in written:
            one(code)
    xml.end("Codes")


# -- the project -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QdpxResult:
    path: Path
    sources: int
    codings: int
    skipped_codings: int  # on an interview, question or text the export leaves out, or with an unknown code
    notes: int
    codes: int
    cases: int
    anonymized: bool
    seconds: float

    def summary(self) -> str:
        return str(
            errors.Text(
                f"{self.path}：{self.sources} 份文本来源，{self.codings} 个编码片段，{self.notes} 条备忘，"
                f"{self.codes} 个代码，{self.cases} 个个案{'，已匿名化' if self.anonymized else ''}"
                f"（{self.seconds:.1f} 秒）",
                f"{self.path}: {self.sources} text source(s), {self.codings} coding(s), {self.notes} memo(s), "
                f"{self.codes} codes, {self.cases} cases{', anonymised' if self.anonymized else ''} "
                f"({self.seconds:.1f} s)",
            )
        )


@dataclass(frozen=True)
class _Variable:
    key: str
    name: str
    kind: str  # typeOfVariable
    question: str = ""  # a profile field's question

    @property
    def guid(self) -> str:
        return stable_guid("variable", self.key)


@dataclass
class _SourceFacts:
    """What the cases need to know of each interview once it has streamed past."""

    values: dict[str, object] = field(default_factory=dict)  # variable key -> value


def write_qdpx(
    db: Store | Path | str,
    out_path: Path | str,
    *,
    codes: list[QdaCode],
    codings: Iterable[QdaCoding] = (),
    notes: Iterable[QdaNote] = (),
    users: Iterable[QdaUser] = (),
    community: Iterable[str] | None = None,
    role: Iterable[str] | None = None,
    anonymize: bool = False,
    lang: str = "zh",
    codebook: Codebook | None = None,
    tz: dt.tzinfo | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> QdpxResult:
    """Write the project; raise ExportError (ExportCancelled on cancel) with nothing left at the target."""
    started = time.perf_counter()
    out_path = Path(out_path)
    _check_suffix(out_path, ".qdpx")
    filters = ExportFilters(tuple(community or ()), tuple(role or ()))
    book = codebook or load_codebook(paths.CODEBOOK_PATH)
    with selection(db, book, filters, lang=lang, anonymise=anonymize, tz=tz) as chosen:
        job = _Project(
            chosen, codes, codings, notes, users, lang, anonymize, progress or (lambda d, n: None), cancelled
        )
        write_into_place(out_path, "qdpx", job.write)
    return QdpxResult(
        out_path,
        job.sources,
        job.codings_written,
        job.codings_skipped,
        job.notes_written,
        len(codes),
        job.cases,
        anonymize,
        time.perf_counter() - started,
    )


class _Project:
    def __init__(
        self,
        chosen: Selection,
        codes: list[QdaCode],
        codings: Iterable[QdaCoding],
        notes: Iterable[QdaNote],
        users: Iterable[QdaUser],
        lang: str,
        anonymize: bool,
        progress: Progress,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.chosen, self.codes, self.lang, self.anonymize = chosen, codes, lang, anonymize
        self.progress, self.cancelled = progress, cancelled or (lambda: False)
        self.code_guids = {code.id: code.guid or code_guid(code.id) for code in codes}
        exported = {r.id for r in chosen.records}
        self.codings: dict[str, list[QdaCoding]] = {}
        self.codings_skipped = 0
        for coding in codings:
            if coding.interview_id in exported and coding.code_id in self.code_guids:
                self.codings.setdefault(coding.interview_id, []).append(coding)
            else:
                self.codings_skipped += coding.interview_id in exported  # a filtered-out interview is no loss
        self.notes = [n for n in notes if n.about != "interview" or n.about_id in exported]
        self.users = list(users)
        self.user_names: dict[str, str] = {}  # stored name -> shown name
        self.user_guids: dict[str, str] = {}  # shown name -> GUID
        self.given_guids = {user.name: user.guid for user in self.users if user.guid}
        self.sources = self.cases = self.codings_written = self.notes_written = 0
        self.facts: dict[str, _SourceFacts] = {}
        self.written_codings: set[str] = set()
        # community -> coded selections of interviews filed under none that count for it (see _sources)
        self.case_selections: dict[str, list[str]] = {}
        self._fixed = _fixed_variables(lang)
        self._profiles: dict[str, tuple[InterviewRecord, list[AnswerRow]]] = {}

    # -- people --

    def _user(self, name: str) -> str:
        """The GUID of a coder or author; an anonymised export names them F01… or U01…, never by name."""
        if not name:
            return ""
        shown = self.user_names.get(name)
        if shown is None:
            if self.anonymize:
                others = sum(not v.startswith("F") for v in self.user_guids)
                shown = self.chosen.anon.fieldworkers.get(name) or f"U{others + 1:02d}"
            else:
                shown = name
            self.user_names[name] = shown
            # a GUID the coding core gave the user is kept, except where it could carry the name
            given = self.given_guids.get(name) if not self.anonymize else None
            self.user_guids.setdefault(shown, given or user_guid(shown))
        return self.user_guids[shown]

    # -- the file --

    def write(self, files) -> None:
        fragment = files.part("sources.xml")
        with zipfile.ZipFile(files.workbook, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for user in self.users:
                self._user(user.name)
            for note in self.notes:  # Users is written before Notes: every author is known by then
                self._user(note.author)
            with open(fragment, "w", encoding="utf-8", newline="\n") as out:
                self._sources(_Xml(out, document=False), archive)
            with archive.open("project.qde", "w", force_zip64=True) as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                self._project(_Xml(out), fragment)
                out.flush()
                out.detach()
            if self.cancelled():
                raise errors.ExportCancelled

    def _sources(self, xml: _Xml, archive: zipfile.ZipFile) -> None:
        chosen, lang, anon = self.chosen, self.lang, self.chosen.anon
        notes_by_interview: dict[str, list[str]] = {}
        notes_by_coding: dict[str, list[str]] = {}
        for note in self.notes:
            if note.about == "interview":
                notes_by_interview.setdefault(note.about_id, []).append(note.guid)
            elif note.about == "coding":
                notes_by_coding.setdefault(note.about_id, []).append(note.guid)
        total = len(chosen.records) + 1
        for done, (record, rows) in enumerate(chosen.reader.stream(chosen.records, anon), start=1):
            if self.cancelled():
                raise errors.ExportCancelled
            transcript = build_transcript(record, rows, lang, anon)
            guid = source_guid(record.id)
            archive.writestr(f"Sources/{guid}.txt", transcript.text.encode("utf-8"))
            attrs = {"guid": guid, "name": _source_name(record, lang), "plainTextPath": f"internal://{guid}.txt"}
            if record.started:
                attrs["creationDateTime"] = _when(record.started)
            if record.updated:
                attrs["modifiedDateTime"] = _when(record.updated)
            xml.start("TextSource", attrs)
            for coding in sorted(self.codings.pop(record.id, ()), key=lambda c: (c.question, c.target, c.start)):
                place = transcript.places.get((coding.question, coding.target))
                if place is None or coding.start < 0 or coding.end < coding.start:
                    self.codings_skipped += 1
                    continue
                start, end = place.span(coding.start, coding.end)
                self._selection(xml, coding, start, end, notes_by_coding.get(coding.guid, ()))
                if not record.community_id and record.discussed:
                    # an interview above community level belongs to no community's case; each coded
                    # passage does, to those it counts for on the per-community sheets (groups_of)
                    named = [c for c in record.discussed if c in coding.communities]
                    for community in named or record.discussed:
                        self.case_selections.setdefault(community, []).append(stable_guid("selection", coding.guid))
            for note_guid in notes_by_interview.get(record.id, ()):
                xml.empty("NoteRef", {"targetGUID": note_guid})
            values = self._source_values(record, rows)
            for variable, value in values.items():
                self._value(xml, variable, value)
            xml.end("TextSource")
            self.facts[record.id] = _SourceFacts({v.key: value for v, value in values.items()})
            self.sources += 1
            if done % 25 == 0:
                self.progress(done, total)

    def _selection(self, xml: _Xml, coding: QdaCoding, start: int, end: int, notes: Iterable[str]) -> None:
        who = self._user(coding.coder)
        attrs = {"guid": stable_guid("selection", coding.guid), "startPosition": str(start), "endPosition": str(end)}
        coded = {"guid": coding.guid}
        if who:
            attrs["creatingUser"] = coded["creatingUser"] = who
        if coding.created_at:
            attrs["creationDateTime"] = coded["creationDateTime"] = _when(coding.created_at)
        xml.start("PlainTextSelection", attrs)
        xml.start("Coding", coded)
        xml.empty("CodeRef", {"targetGUID": self.code_guids[coding.code_id]})
        for note in notes:
            xml.empty("NoteRef", {"targetGUID": note})
        xml.end("Coding")
        xml.end("PlainTextSelection")
        self.codings_written += 1
        self.written_codings.add(coding.guid)

    # -- variables and cases --

    def _variables(self) -> list[_Variable]:
        """The fixed variables, then every field of the community profiles' protocols."""
        lang = self.lang
        fixed = list(self._fixed)
        names = {v.name for v in fixed}
        protocols = {record.protocol.sha256: record.protocol for record, _rows in self._profiles.values()}
        for protocol in protocols.values():
            for question in protocol.questions:
                if not question.holds_value or question.type == "calculate" or question.repeat is not None:
                    continue  # a repeated question has no one value for the case
                if self.chosen.anon.drops(question.identifying):
                    continue
                key = f"profile.{question.name}"
                if any(v.key == key for v in fixed):
                    continue
                name = pick(question.labels, lang, protocol.default_language) or question.name
                if name in names:
                    name = f"{name} ({question.name})"
                names.add(name)
                kind = {"integer": "Integer", "decimal": "Float", "date": "Date"}.get(question.type, "Text")
                fixed.append(_Variable(key, name, kind, question.name))
        return fixed

    def _source_values(self, record: InterviewRecord, rows: list[AnswerRow]) -> dict[_Variable, object]:
        anon, lang = self.chosen.anon, self.lang
        day = record.interview_date or (record.started.date() if record.started else None)
        values: dict[str, object] = {
            "role": role_label(record.role, lang),
            "community": anon.community(record.community_id),
            "protocol": pick(record.protocol.titles, lang, record.protocol.default_language) or record.protocol.form_id,
            "version": record.protocol.version,
            "date": day,
            "fieldworker": record.fieldworker,
        }
        return {v: values[v.key] for v in self._fixed if values.get(v.key) not in (None, "")}

    def _project(self, xml: _Xml, fragment: Path) -> None:
        self._profiles = self.chosen.profiles()
        variables = self._variables()
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        xml.start(
            "Project",
            {
                "xmlns": PROJECT_NS,
                "name": "Yingzao interviews" if self.lang == "en" else "营造访谈项目",
                "origin": ORIGIN,
                "creationDateTime": now.isoformat().replace("+00:00", "Z"),
            },
        )
        if self.user_names:
            xml.start("Users")
            for shown, guid in self.user_guids.items():
                xml.empty("User", {"guid": guid, "name": shown})
            xml.end("Users")
        code_notes: dict[str, list[str]] = {}
        for note in self.notes:
            if note.about == "code":
                code_notes.setdefault(note.about_id, []).append(note.guid)
        if self.codes:
            xml.start("CodeBook")
            _write_codes(xml, self.codes, code_notes)
            xml.end("CodeBook")
        xml.start("Variables")
        for variable in variables:
            xml.empty("Variable", {"guid": variable.guid, "name": variable.name, "typeOfVariable": variable.kind})
        xml.end("Variables")
        self._cases(xml, variables)
        if self.sources:
            xml.start("Sources")
            xml.flush()
            with open(fragment, encoding="utf-8") as source:
                shutil.copyfileobj(source, xml.out, 1 << 20)
            xml.end("Sources")
        self._notes(xml)
        xml.end("Project")
        xml.close()

    def _cases(self, xml: _Xml, variables: list[_Variable]) -> None:
        anon, records = self.chosen.anon, self.chosen.records
        respondents: dict[str, list[InterviewRecord]] = {}
        by_community: dict[str, list[InterviewRecord]] = {}
        for record in records:
            if record.community_id:
                by_community.setdefault(record.community_id, []).append(record)
            if not record.is_profile:
                respondents.setdefault(record.respondent or record.short, []).append(record)
        fixed = variables[: len(self._fixed)]
        profile_fields = variables[len(self._fixed) :]
        opened = False

        def case(
            guid: str, name: str, values: list[tuple[_Variable, object]], sources: list[str], selections: list[str]
        ) -> None:
            nonlocal opened
            if not opened:
                xml.start("Cases")
                opened = True
            xml.start("Case", {"guid": guid, "name": name})
            for variable, value in values:
                self._value(xml, variable, value)
            for source in sources:
                xml.empty("SourceRef", {"targetGUID": source})
            for selection_guid in selections:
                xml.empty("SelectionRef", {"targetGUID": selection_guid})
            xml.end("Case")
            self.cases += 1

        for name, interviews in respondents.items():
            first = self.facts.get(interviews[0].id, _SourceFacts())
            own = [(v, first.values[v.key]) for v in fixed if v.key in first.values]
            case(stable_guid("respondent", interviews[0].id), name, own, [source_guid(r.id) for r in interviews], [])
        for community_id in self.case_selections:
            by_community.setdefault(community_id, [])  # discussed, though no interview is filed under it
        for community_id, interviews in by_community.items():
            values: list[tuple[_Variable, object]] = [(fixed[1], anon.community(community_id))]
            profile = self._profiles.get(community_id)
            if profile is not None:
                answers = {row.key: row for row in profile[1] if row.repeat is None}
                for variable in profile_fields:
                    row = answers.get(variable.question)
                    if row is not None and row.text:
                        values.append((variable, row.value))
            case(
                stable_guid("community", community_id),
                anon.community(community_id),
                values,
                [source_guid(r.id) for r in interviews],
                self.case_selections.get(community_id, []),
            )
        if opened:
            xml.end("Cases")

    def _value(self, xml: _Xml, variable: _Variable, value: object) -> None:
        typed = _typed(variable.kind, value)
        if typed is None:
            return
        element, text = typed
        xml.start("VariableValue")
        xml.empty("VariableRef", {"targetGUID": variable.guid})
        xml.element(element, text)
        xml.end("VariableValue")

    def _notes(self, xml: _Xml) -> None:
        anon = self.chosen.anon
        kept = [
            n
            for n in self.notes
            if n.about != "coding" or n.about_id in self.written_codings
            if n.about != "community" or n.about_id in {r.community_id for r in self.chosen.records}
        ]
        if not kept:
            return
        # a memo may name a coder, whom the anonymiser (which knows the interviews' people) does not know
        coders = sorted(
            ((name, shown) for name, shown in self.user_names.items() if self.anonymize and len(name) >= 2),
            key=lambda pair: -len(pair[0]),
        )

        def scrub(text: str) -> str:
            text = anon.scrub(text)
            for name, shown in coders:
                text = text.replace(name, shown)
            return text

        xml.start("Notes")
        for note in kept:
            attrs = {"guid": note.guid, "name": xml_safe(scrub(note.text.strip().split("\n", 1)[0]))[:40]}
            who = self._user(note.author)
            if who:
                attrs["creatingUser"] = who
            if note.at:
                attrs["creationDateTime"] = _when(note.at)
            xml.start("Note", attrs)
            xml.element("PlainTextContent", scrub(xml_safe(note.text)))
            xml.end("Note")
            self.notes_written += 1
        xml.end("Notes")
        links = [n for n in kept if n.about == "community"]
        if links:
            # a Case takes no NoteRef in REFI-QDA 1.0: a memo on a community is linked to its case
            xml.start("Links")
            for note in links:
                xml.empty(
                    "Link",
                    {
                        "guid": stable_guid("link", note.guid),
                        "direction": "OneWay",
                        "originGUID": note.guid,
                        "targetGUID": stable_guid("community", note.about_id),
                    },
                )
            xml.end("Links")


def _fixed_variables(lang: str) -> tuple[_Variable, ...]:
    """Variables every interview has (on its source and its respondent's case)."""
    return (
        _Variable("role", t("col.role", lang), "Text"),
        _Variable("community", t("col.community", lang), "Text"),
        _Variable("protocol", t("col.protocol", lang), "Text"),
        _Variable("version", t("col.version", lang), "Text"),
        _Variable("date", t("col.interview_date", lang), "Date"),
        _Variable("fieldworker", t("col.fieldworker", lang), "Text"),
    )


def _typed(kind: str, value: object) -> tuple[str, str] | None:
    """The VariableValue element and text for `value` in a variable of type `kind`; None when it does not fit."""
    if value is None or value == "":
        return None
    if kind == "Integer":
        return ("IntegerValue", str(value)) if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "Float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return ("FloatValue", format(number, "f")) if number.is_finite() else None
    if kind == "Date":
        if isinstance(value, dt.datetime):
            value = value.date()
        return ("DateValue", value.isoformat()) if isinstance(value, dt.date) else None
    return "TextValue", str(value)


def _source_name(record: InterviewRecord, lang: str) -> str:
    who = record.respondent or ""
    return " ".join(p for p in (record.short, role_label(record.role, lang), who) if p)


def _when(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _check_suffix(out_path: Path, suffix: str) -> None:
    if out_path.suffix.lower() != suffix:
        raise errors.export_wrong_suffix(out_path, suffix)


class _Xml:
    """XMLGenerator with every text made XML 1.0-safe, and empty elements written short."""

    def __init__(self, out: IO[str], *, document: bool = True) -> None:
        self.out = out
        self._gen = XMLGenerator(out, "utf-8", short_empty_elements=True)  # type: ignore[arg-type]  # any text stream
        if document:
            self._gen.startDocument()

    def start(self, name: str, attrs: dict[str, str] | None = None) -> None:
        self._gen.startElement(name, AttributesImpl({k: xml_safe(v) for k, v in (attrs or {}).items()}))

    def end(self, name: str) -> None:
        self._gen.endElement(name)

    def empty(self, name: str, attrs: dict[str, str]) -> None:
        self.start(name, attrs)
        self.end(name)

    def element(self, name: str, text: str) -> None:
        self.start(name)
        self._gen.characters(xml_safe(text))
        self.end(name)

    def flush(self) -> None:
        """Close a pending start tag, so raw text can follow."""
        self._gen.ignorableWhitespace("\n")

    def close(self) -> None:
        self._gen.endDocument()
        self.out.flush()
