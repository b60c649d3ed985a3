"""Detection of identifiers in free text, for the researcher's review before release.

    detect(items, lexicon) -> [Detection, …]

`items` is any iterable of (where, text) pairs — answers, notes and comments today (see
`yingzao.core.anonymity.review.store_texts`), memos and codings' quotes as soon as they exist: the
detector does not care where a text comes from. Each distinct term found is one Detection with its
count and a few contexts, ordered by what needs a decision first.

Confidence: `high` for what has a shape (phone, ID card…), what the study's database knows
(people, communities, the values of identifying answers and the names they list) and a title after
a surname (王主任); `medium` for the segmenter's person, place and organisation names (jieba's
nr / ns / nt tags), which are often right (邛崃, 京东方) and sometimes an ordinary word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from yingzao.core.anonymity import names, patterns
from yingzao.core.anonymity.scrub import AUTOMATIC, GAZETTEER, MARKS, TABLE, Term
from yingzao.core.anonymity.trie import Scrubber

HIGH, MEDIUM = "high", "medium"
UNREVIEWED, AUTOMATIC_RULE, ACCEPTED, IGNORED = "unreviewed", "automatic", "accepted", "ignored"
CONTEXTS = 5  # shown per term
_AROUND = 14  # characters of context on each side
SUGGESTIONS = {names.PERSON: "某人", names.PLACE: "某地", names.ORGANISATION: "某机构", "": "〔已删除〕"}


@dataclass
class Detection:
    term: str
    category: str  # a pattern kind (phone…), or person / place / organisation, or '' (an identifying value)
    confidence: str
    status: str  # UNREVIEWED, AUTOMATIC_RULE (a code, a mark), ACCEPTED (the table), IGNORED (allow-list)
    suggestion: str  # what an export shows (or, unreviewed, a proposal the researcher may edit)
    count: int = 0
    contexts: list[tuple[str, str]] = field(default_factory=list)  # (where, text around it)

    @property
    def blocks_export(self) -> bool:
        return self.status == UNREVIEWED and self.confidence == HIGH


@dataclass
class Lexicon:
    """What the detector knows: the export's known terms (yingzao.core.anonymity.scrub.known_terms)
    and the allow-list."""

    terms: dict[str, Term]
    allowed: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._known = Scrubber({w: t.replacement for w, t in self.terms.items()}) if self.terms else None
        kept = {t for t in self.allowed if len(t) >= 2}
        self._allowed = Scrubber({w: w for w in kept}) if kept else None


def detect(
    items: Iterable[tuple[str, str]],
    lexicon: Lexicon,
    *,
    segmenter: bool = True,
    cancelled: Callable[[], bool] | None = None,
) -> list[Detection]:
    """Every identifying term in the texts, once each; `segmenter=False` skips jieba (about 35,000
    characters a second), keeping only what the patterns and the lexicon find."""
    found: dict[str, Detection] = {}
    for number, (where, text) in enumerate(items):
        if cancelled is not None and number % 200 == 0 and cancelled():
            break
        if text:
            _detect_one(where, str(text), lexicon, segmenter, found)
    order = {UNREVIEWED: 0, ACCEPTED: 1, AUTOMATIC_RULE: 2, IGNORED: 3}
    return sorted(found.values(), key=lambda d: (order[d.status], d.confidence != HIGH, -d.count, d.term))


def _detect_one(where: str, text: str, lexicon: Lexicon, segmenter: bool, found: dict[str, Detection]) -> None:
    taken: list[tuple[int, int]] = [m.span() for m in names.PSEUDONYM_SPACE.finditer(text)]
    allowed: list[tuple[int, int, str]] = list(lexicon._allowed.spans(text)) if lexicon._allowed else []

    def free(start: int, end: int) -> bool:
        return not any(start < b and a < end for a, b in taken)

    def note(term: str, start: int, end: int, **kind: str) -> None:
        taken.append((start, end))
        detection = found.get(term)
        if detection is None:
            detection = found[term] = Detection(term, **kind)  # type: ignore[arg-type]
        detection.count += 1
        if len(detection.contexts) < CONTEXTS:
            snippet = text[max(0, start - _AROUND) : end + _AROUND].replace("\n", " ")
            detection.contexts.append((where, snippet))

    for start, end, term in allowed:
        if free(start, end):
            note(term, start, end, category="", confidence=HIGH, status=IGNORED, suggestion=term)
    for hit in patterns.find(text):
        if free(hit.start, hit.end):
            note(
                hit.text,
                hit.start,
                hit.end,
                category=hit.kind,
                confidence=HIGH,
                status=AUTOMATIC_RULE,
                suggestion=MARKS[hit.kind][0],
            )
    if lexicon._known is not None:
        for start, end, term in lexicon._known.spans(text):
            if not free(start, end):
                continue
            known = lexicon.terms[term]
            status = {AUTOMATIC: AUTOMATIC_RULE, TABLE: ACCEPTED, GAZETTEER: UNREVIEWED}[known.source]
            note(
                term, start, end, category=known.category, confidence=HIGH, status=status, suggestion=known.replacement
            )
    for match in names.TITLED_STRANGER.finditer(text):
        if free(*match.span()):
            note(
                match.group(),
                *match.span(),
                category=names.PERSON,
                confidence=HIGH,
                status=UNREVIEWED,
                suggestion="某" + match.group()[1:],
            )
    if not segmenter:
        return
    for word, category, start in names.entities(text):
        end = start + len(word)
        if free(start, end) and not names.is_pseudonym(word):
            note(
                word,
                start,
                end,
                category=category,
                confidence=MEDIUM,
                status=UNREVIEWED,
                suggestion=SUGGESTIONS[category],
            )
