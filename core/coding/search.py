"""Text search over every answer and note, Chinese included, and "code all hits".

The index is SQLite FTS5 with the trigram tokenizer (migration 6): Chinese has no spaces between
words, and trigrams find 议事会 inside 居民议事会制度. A trigram index cannot look up fewer than three
characters, so shorter terms (两个字 such as 议事) are found by a scan of the same texts, which is fast
enough at the study's size (bench: fts_search). Results are ranked by FTS5's bm25, then by how
often the term occurs; each hit is one occurrence, with a snippet around it.
"""

from __future__ import annotations

from dataclasses import dataclass

from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.codings import Span, apply_many
from yingzao.core.coding.text import CHOICE_TYPES, occurrences
from yingzao.core.store.codings import Coding
from yingzao.core.store.database import Store

SNIPPET_CONTEXT = 30  # characters each side of a hit
MAX_ROWS = 5000  # texts read per search; the screen shows the first hits anyway


@dataclass(frozen=True)
class Hit:
    interview_id: str
    question: str
    target: str
    start: int
    end: int
    snippet: str  # the hit with some context, the hit itself between 【】
    text_length: int

    @property
    def span(self) -> Span:
        return Span(self.interview_id, self.question, self.target, self.start, self.end)


def search(store: Store, term: str, *, limit: int = MAX_ROWS) -> list[Hit]:
    term = " ".join(term.split())  # as typed, with runs of spaces made one
    if not term:
        return []
    store.coding.bring_index_up_to_date()
    indexed = len(term) >= 3 and not store.coding.search_pending()
    if indexed:
        rows = store.coding.fts_match('"' + term.replace('"', '""') + '"', limit)
    else:
        rows = store.coding.scan_text(term, limit)
        rows.sort(key=lambda row: -len(occurrences(row[4], term)))
    hits: list[Hit] = []
    for _id, interview_id, question, target, text in rows:
        for at in occurrences(text, term):
            hits.append(
                Hit(interview_id, question, target, at, at + len(term), _snippet(text, at, len(term)), len(text))
            )
    return hits


def capped(hits: list[Hit]) -> bool:
    """Whether a search stopped at MAX_ROWS texts (more may hold the term)."""
    return len({(h.interview_id, h.question, h.target) for h in hits}) >= MAX_ROWS


def _snippet(text: str, at: int, length: int) -> str:
    before = text[max(0, at - SNIPPET_CONTEXT) : at]
    after = text[at + length : at + length + SNIPPET_CONTEXT]
    lead = "…" if at > SNIPPET_CONTEXT else ""
    tail = "…" if at + length + SNIPPET_CONTEXT < len(text) else ""
    return f"{lead}{_flat(before)}【{text[at : at + length]}】{_flat(after)}{tail}"


def _flat(text: str) -> str:
    return " ".join(text.split())  # line breaks would break a one-line list of results


def code_all_hits(store: Store, book: ResearchCodebook, hits: list[Hit], code_id: str) -> list[Coding]:
    """Code every hit with `code_id`, in one transaction; hits already so coded are left as they are.
    Hits inside choice answers are skipped: those are coded whole."""
    spans: list[Span] = []
    types: dict[tuple[str, str], str] = {}
    for hit in hits:
        key = (hit.interview_id, hit.question)
        if key not in types:
            interview = store.interview(hit.interview_id)
            types[key] = store.protocol(interview.protocol_sha256).question(hit.question).type
        if hit.target == "answer" and types[key] in CHOICE_TYPES:
            continue
        spans.append(hit.span)
    return apply_many(store, book, spans, code_id)
