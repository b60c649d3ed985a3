"""Applying the anonymisation to text: one left-to-right pass that decides, for each place in a
text, what an anonymised export shows there.

In order of precedence:
1. the study's own pseudonyms (A社区, L街道, R05) and the allow-list are kept as they are — never
   redacted, even inside a longer known term;
2. identifiers with a shape (phone, ID card, e-mail, WeChat, QQ, plate, address) become a mark
   naming their kind (〔电话〕);
3. known terms, longest first: the pseudonym table's replacements, people's names and their forms
   of address as their codes (陈书记 → R03书记), communities' names as their letters, identifying
   answers' values (and their parts) as the removal mark;
4. a title after a common surname for someone the database does not know (王主任): 某主任.
Terms of steps 3 and 4 that nobody reviewed (not in the table, not a code) are *unreviewed
detections*: they are replaced all the same, and counted; an export refuses to release a file with
them unless told to accept them.
Dates written in the text (2020年10月12日, 2020-10-12) are coarsened to the export's precision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from yingzao.core.anonymity import names, patterns
from yingzao.core.anonymity.trie import Scrubber

MARKS: dict[str, tuple[str, str]] = {
    patterns.PHONE: ("〔电话〕", "[phone]"),
    patterns.LANDLINE: ("〔电话〕", "[phone]"),
    patterns.ID_CARD: ("〔身份证号〕", "[ID number]"),
    patterns.EMAIL: ("〔邮箱〕", "[e-mail]"),
    patterns.WECHAT: ("〔微信号〕", "[WeChat id]"),
    patterns.QQ: ("〔QQ号〕", "[QQ id]"),
    patterns.PLATE: ("〔车牌〕", "[licence plate]"),
    patterns.ADDRESS: ("〔地址〕", "[address]"),
}
SOMEONE = ("某", "Mr/Ms X ")
DATE_PRECISIONS = ("day", "month", "year")

# 2020年10月12日 / 2020-10-12 / 2020/10/12 / 2020.10.12, optionally with a time after it
_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?:(?P<cn>年)(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?"
    r"|(?P<sep>[-/.])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?!\d))"
    r"(?P<t>\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?|\d{1,2}[点时](?:\d{1,2}分?)?))?"
)

AUTOMATIC, TABLE, GAZETTEER = "automatic", "table", "gazetteer"  # where a known term's replacement comes from


@dataclass(frozen=True)
class Term:
    replacement: str
    source: str  # AUTOMATIC (a code), TABLE (the researcher's), GAZETTEER (unreviewed: the removal mark)
    category: str = ""


@dataclass
class TextAnonymizer:
    """What an export does to every free text it keeps. Unreviewed detections are replaced too (by
    the removal mark, or 某 before a title), so no text ever leaks them; they are also counted in
    `unreviewed`, and the export refuses to release a file while any is left unless told to accept
    them (yingzao.core.export.workbook)."""

    terms: dict[str, Term]
    allowed: frozenset[str] = frozenset()
    lang: str = "zh"
    date_precision: str = "month"
    unreviewed: Counter[str] = field(default_factory=Counter)  # term -> occurrences replaced without review
    replaced: Counter[str] = field(default_factory=Counter)  # kind or source -> replacements made

    def __post_init__(self) -> None:
        kept = {t for t in self.allowed if len(t) >= 2}
        self._terms = Scrubber({w: t.replacement for w, t in self.terms.items()}) if self.terms else None
        self._allowed = Scrubber({w: w for w in kept}) if kept else None

    def scrub(self, text: str) -> str:
        if not text:
            return text
        spans: list[tuple[int, int, str | None]] = []  # (start, end, replacement); None: keep as is
        for found in names.PSEUDONYM_SPACE.finditer(text):
            spans.append((found.start(), found.end(), None))
        if self._allowed is not None:
            spans += [(a, b, None) for a, b, _w in self._allowed.spans(text)]
        spans = _merge(spans)
        lang = 1 if self.lang == "en" else 0
        for hit in patterns.find(text):
            if _free(spans, hit.start, hit.end):
                _insert(spans, (hit.start, hit.end, MARKS[hit.kind][lang]))
                self.replaced[hit.kind] += 1
        if self._terms is not None:
            for start, end, word in self._terms.spans(text):
                if not _free(spans, start, end):
                    continue
                term = self.terms[word]
                if term.source == GAZETTEER:
                    self.unreviewed[word] += 1
                _insert(spans, (start, end, term.replacement))
                self.replaced[term.source] += 1
        for found in names.TITLED_STRANGER.finditer(text):
            start, end = found.span()
            if not _free(spans, start, end):
                continue
            self.unreviewed[found.group()] += 1
            _insert(spans, (start, end, SOMEONE[lang] + found.group()[1:]))
            self.replaced[GAZETTEER] += 1
        if self.date_precision != "day":
            for found in _DATE.finditer(text):
                if _free(spans, *found.span()):
                    _insert(spans, (*found.span(), self._date(found)))
        pieces: list[str] = []
        done = 0
        for start, end, replacement in spans:
            if replacement is None:
                continue
            pieces += [text[done:start], replacement]
            done = end
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)

    def _date(self, found: re.Match[str]) -> str:
        year = found.group("y")
        month = found.group("m") or found.group("m2")
        if self.date_precision == "year":
            return f"{year}年" if found.group("cn") else year
        if found.group("cn"):
            return f"{year}年{int(month)}月"
        return f"{year}{found.group('sep')}{int(month):02d}"


def _merge(spans: list[tuple[int, int, str | None]]) -> list[tuple[int, int, str | None]]:
    spans.sort()
    merged: list[tuple[int, int, str | None]] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span[1]), None)
        else:
            merged.append(span)
    return merged


def _free(spans: list[tuple[int, int, str | None]], start: int, end: int) -> bool:
    return not any(start < b and a < end for a, b, _ in spans)


def _insert(spans: list[tuple[int, int, str | None]], span: tuple[int, int, str | None]) -> None:
    at = len(spans)
    while at and spans[at - 1][0] > span[0]:
        at -= 1
    spans.insert(at, span)


def known_terms(
    codes: dict[str, str],
    communities: dict[str, str],
    identifying: Iterable[str],
    table: dict[str, str],
    *,
    removed: str,
) -> dict[str, Term]:
    """Every term an anonymised export knows, with what it becomes; later kinds win over earlier
    ones for the same term, so the researcher's table has the last word.

    `codes`: a person's stored name -> their code; `communities`: a community's name -> its letter
    form; `identifying`: values of answers the protocols mark identifying."""
    terms: dict[str, Term] = {}

    def add(term: str, replacement: str, source: str, category: str = "") -> None:
        term = term.strip()
        if len(term) >= 2 and term != replacement and not names.is_pseudonym(term):
            terms[term] = Term(replacement, source, category)

    for value in identifying:
        add(value, removed, GAZETTEER)
        for part in split_parts(value):
            add(part, removed, GAZETTEER)
    forms: dict[str, set[str]] = {}  # a form of address -> the codes of the people it may mean
    for name, code in codes.items():
        for form in names.address_forms(name):
            forms.setdefault(form, set()).add(code)
    for form, people in forms.items():
        if len(people) == 1:
            (code,) = people
            title = next((t for t in names.TITLES if form.endswith(t) and len(form) > len(t)), "")
            add(form, code + title, AUTOMATIC, names.PERSON)
        else:  # 老陈 may be either of two 陈s: it still names a person, but not which code
            add(form, removed, AUTOMATIC, names.PERSON)
    for name, shown in communities.items():
        add(name, shown, AUTOMATIC, names.PLACE)
    for name, code in codes.items():
        add(name, code, AUTOMATIC, names.PERSON)
    for term, replacement in table.items():
        add(term, replacement, TABLE)
    return terms


_PARTS = re.compile(r"[、，,;；/／\s（）()和及与]+")


def split_parts(value: str) -> list[str]:
    """The names inside a listed value ("华为、京东方；破土咖啡" → 华为, 京东方, 破土咖啡)."""
    parts = [p for p in _PARTS.split(value) if len(p) >= 2]
    return parts if len(parts) > 1 else []
