"""The plain-text transcript of one interview, as a REFI-QDA text source, and where each answer's
and note's text sits in it, so a coding's span on the stored text lands on the same words.

The transcript reads question by question (label, answer, note). Positions count Unicode code
points, as REFI-QDA tools read a UTF-8 source without byte-order mark. The text shown differs
from the stored one where the export must change it: line ends become "\\n" (tools read the file
with universal newlines, and "\\r\\n" would shift every later position by one), characters XML 1.0
forbids are removed, and an anonymised export replaces names. A position p of the stored text is
placed at len(shown(stored[:p])): exact wherever nothing was changed before it, and inside the
replacement when a span cuts through a replaced name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from yingzao.core.export.anonymize import Anonymizer
from yingzao.core.export.data import AnswerRow, InterviewRecord
from yingzao.core.export.labels import marker_label, role_label, t
from yingzao.core.forms.protocol import pick

# what XML 1.0 allows (https://www.w3.org/TR/xml/#charsets); everything else, lone surrogates included, goes
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@dataclass(frozen=True, slots=True)
class Place:
    """Where one stored text (an answer or a note) appears in the transcript."""

    offset: int
    shown: str
    stored: str
    shows: Callable[[str], str] | None  # stored text -> shown text; None: not text (a choice, a number)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span [start, end) of the stored text as a span of the transcript."""
        length = len(self.shown)
        if self.shows is None:
            return self.offset, self.offset + length  # a choice or a number: the whole answer
        if self.shown == self.stored:
            a, b = start, end
        else:
            a, b = len(self.shows(self.stored[:start])), len(self.shows(self.stored[:end]))
        a = min(max(a, 0), length)
        b = min(max(b, a), length)
        return self.offset + a, self.offset + b


@dataclass
class Transcript:
    text: str
    places: dict[tuple[str, str], Place]  # (answer key, "answer" | "note") -> place


def build_transcript(record: InterviewRecord, rows: list[AnswerRow], lang: str, anon: Anonymizer) -> Transcript:
    def shows(text: str) -> str:
        return anon.scrub(xml_safe(_lines(text)))

    protocol = record.protocol
    parts: list[str] = []
    size = 0

    def add(piece: str) -> int:
        nonlocal size
        at = size
        parts.append(piece)
        size += len(piece)
        return at

    title = pick(protocol.titles, lang, protocol.default_language) or protocol.form_id
    add(xml_safe(_lines(title)) + "\n")
    facts = [
        (t("col.interview", lang), record.short),
        (t("col.respondent", lang), record.respondent),
        (t("col.role", lang), role_label(record.role, lang)),
        (t("col.community", lang), anon.community(record.community_id)),
        (t("col.interview_date", lang), (record.interview_date or record.started or "") and _day(record)),
        (t("col.fieldworker", lang), record.fieldworker),
        (t("col.version", lang), f"{protocol.form_id} {protocol.version}"),
    ]
    sep = "：" if lang != "en" else ": "
    for label, value in facts:
        if value:
            add(f"{label}{sep}{xml_safe(_lines(str(value)))}\n")
    places: dict[tuple[str, str], Place] = {}
    section = None
    for row in rows:
        info = row.info
        if info.section != section:
            section = info.section
            add(f"\n【{xml_safe(_lines(section))}】\n")
        add(f"\n{xml_safe(_lines(row.label))}\n")  # a repeat's entry says which: 组织名称（第2项）
        if row.text:
            if info.is_text and isinstance(row.raw, str):
                shown = shows(row.raw)
                place = Place(add(shown), shown, row.raw, shows)
            else:
                shown = xml_safe(_lines(row.text))
                place = Place(add(shown), shown, "" if row.raw is None else str(row.raw), None)
            places[(row.key, "answer")] = place
            add("\n")
        if row.marker:
            add(f"〔{marker_label(row.marker, lang)}〕\n")
        if row.raw_note and row.note:
            add(t("note_prefix", lang))
            shown = shows(row.raw_note)
            places[(row.key, "note")] = Place(add(shown), shown, row.raw_note, shows)
            add("\n")
    return Transcript("".join(parts), places)


def _day(record: InterviewRecord) -> str:
    if record.interview_date is not None:
        return record.interview_date.isoformat()
    return record.started.date().isoformat() if record.started else ""
