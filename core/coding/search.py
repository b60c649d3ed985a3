"""Text search over every answer and note, Chinese included, and "code all hits".

The index is SQLite FTS5 with the trigram tokenizer (migration 6): Chinese has no spaces between
words, and trigrams find 议事会 inside 居民议事会制度. A trigram index cannot look up fewer than three
characters itself: a two-character term (两个字 such as 议事) is found through the trigrams that begin
with it, and an index of each text's last two characters (core/store/codings.py
`fts_two_characters`); a single character by a scan of the texts.

A search reads at most MAX_ROWS texts. When no more texts than that hold the term, they are ranked
by FTS5's bm25. When more do, ranking them all would cost more than the rest of the search (a score
for each of 50,000 texts before the first row comes out), and the list shows only MAX_ROWS of them
anyway: the search takes the first MAX_ROWS texts in the order they were stored and the window says
so. Those, and the texts a scan finds, are ordered by how often the term occurs in them, then as
they were stored. Each hit is one occurrence; its snippet is made when it is shown.
"""

from __future__ import annotations

from typing import NamedTuple

from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.codings import Span, apply_many, interview_protocols
from yingzao.core.coding.text import CHOICE_TYPES, occurrences
from yingzao.core.store.codings import Coding
from yingzao.core.store.database import Store

SNIPPET_CONTEXT = 30  # characters each side of a hit
MAX_ROWS = 5000  # texts read per search; the screen shows the first hits anyway


class Hit(NamedTuple):
    """One occurrence of the term. A tuple, not a dataclass: a search makes thousands of them, and a
    frozen dataclass costs several times as much to make. The text is kept as the UTF-8 bytes the
    search read, and the hit as a byte offset in them: its offsets in code points (`start`, `end`)
    are counted when asked for, for the few hits a researcher opens or codes (see `_hits`)."""

    interview_id: str
    question: str
    target: str
    at: int  # the hit's first byte in `utf8`
    length: int  # the term's length, in code points
    utf8: bytes  # the whole text as stored, shared by its hits

    @property
    def start(self) -> int:
        """Code points into the text before the hit: the bytes before it that begin a character."""
        return len(self.utf8[: self.at].translate(None, _CONTINUATION))

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def text(self) -> str:
        return self.utf8.decode()

    @property
    def span(self) -> Span:
        return Span(self.interview_id, self.question, self.target, self.start, self.end)

    @property
    def snippet(self) -> str:
        """The hit with some context, the hit itself between 【】."""
        return _snippet(self.text, self.start, self.length)


_CONTINUATION = bytes(range(0x80, 0xC0))  # the bytes of UTF-8 that continue a character


def search(store: Store, term: str, *, limit: int = MAX_ROWS) -> list[Hit]:
    term = " ".join(term.split())  # as typed, with runs of spaces made one
    if not term:
        return []
    records = store.coding
    records.bring_index_up_to_date()
    ranked = False
    if len(term) >= 3 and not records.search_pending():
        phrase = '"' + term.replace('"', '""') + '"'
        ranked = records.fts_count(phrase) <= limit
        rows = records.fts_match(phrase, limit, ranked=ranked)
    elif len(term) == 2 and len(term.lower()) == 2 and not records.search_pending():  # (İ lowers to two)
        rows = records.fts_two_characters(term, limit)
    else:
        rows = records.scan_text(term, limit)
    rows = _without_instance_lists(store, rows)
    return _hits(rows, term, ranked=ranked)


def _without_instance_lists(store: Store, rows: list) -> list:
    """The rows less a repeat's own row (its list of instance ids is stored as text, and indexed
    with the answers, but nobody said it). A repeated question's answers (`question#instance`)
    stay: they are what was said in each instance."""
    names = {r.name for v in store.protocol_versions() for r in store.protocol(v["sha256"]).repeats}
    suspect = [row for row in rows if row[1] in names and row[2] == "answer"] if names else []
    if not suspect:
        return rows
    shas = store.coding.protocols_of({row[0] for row in suspect})
    dropped = {  # by the text's place: (interview, question, target)
        row[:3]
        for row in suspect
        if row[0] in shas and (q := store.protocol(shas[row[0]]).named(row[1])) and q.is_repeat
    }
    return [row for row in rows if row[:3] not in dropped] if dropped else rows


def _hits(rows: list[tuple[str, str, str, bytes]], term: str, *, ranked: bool) -> list[Hit]:
    """Every occurrence of `term` in the rows' texts, as hits: in the rows' order when they come
    ranked, else the texts holding the term most often first, in the order they were stored among
    equals. One pass that files each text's hits under its count: a stable sort by count without
    sorting, and most texts hold the term once, which two find calls settle without a list.

    The texts come as UTF-8 bytes and are searched as such (UTF-8 never matches inside a
    character): turning 5,000 texts into str, or counting the characters before each hit, cost
    more than the rest of the search, and the screen shows a few of them."""
    size, needle = len(term), term.encode()
    step = len(needle)
    new = tuple.__new__  # Hit's own __new__ is Python code, 3x slower for the thousands of hits
    ordered: list[Hit] = []
    by_count: dict[int, list[Hit]] = {1: ordered if ranked else []}
    once = by_count[1]
    for interview_id, question, target, utf8 in rows:
        at = utf8.find(needle)
        if at >= 0:
            second = utf8.find(needle, at + step)
            if second < 0:
                once.append(new(Hit, (interview_id, question, target, at, size, utf8)))
                continue
            starts = [at, second]
            at = utf8.find(needle, second + step)
            while at >= 0:
                starts.append(at)
                at = utf8.find(needle, at + step)
        else:  # the trigram index matched the term in other letter case
            text = utf8.decode()
            starts = [len(text[:at].encode()) for at in occurrences(text, term)]
        hits = ordered if ranked else by_count.get(len(starts))
        if hits is None:
            hits = by_count[len(starts)] = []
        hits += [new(Hit, (interview_id, question, target, at, size, utf8)) for at in starts]
    if ranked:
        return ordered
    for count in sorted(by_count, reverse=True):
        ordered += by_count[count]
    return ordered


def capped(hits: list[Hit]) -> bool:
    """Whether a search stopped at MAX_ROWS texts (more may hold the term)."""
    return len({hit[:3] for hit in hits}) >= MAX_ROWS  # (interview, question, target): the text


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
    protocols = interview_protocols(store, {hit.interview_id for hit in hits})
    spans: list[Span] = []
    for hit in hits:
        protocol = protocols.get(hit.interview_id)
        if protocol is None:
            protocol = protocols[hit.interview_id] = store.protocol(store.interview(hit.interview_id).protocol_sha256)
        question = protocol.question(hit.question)
        if hit.target == "answer" and (question.type in CHOICE_TYPES or question.is_repeat):
            continue
        spans.append(hit.span)
    return apply_many(store, book, spans, code_id, protocols=protocols)
