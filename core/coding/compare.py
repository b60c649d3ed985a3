"""Coding comparison between two coders, as NVivo's coding comparison computes it.

Over the interviews both coders coded (each has at least one live coding there), every character of
every answer and note is a unit. For each code, each character is coded with it by A, by B, by
both or by neither:

    a = both, b = A only, c = B only, d = neither, n = a + b + c + d
    agreement  = (a + d) / n
    expected   = ((a + b)(a + c) + (c + d)(b + d)) / n²
    kappa      = (agreement − expected) / (1 − expected)      (1 when expected is 1: neither coded it)

Characters are Unicode code points, as the codings' offsets are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.text import answer_text
from yingzao.core.store.codings import TARGETS
from yingzao.core.store.database import Store

Intervals = list[tuple[int, int]]


@dataclass(frozen=True)
class Disagreement:
    code: str
    interview_id: str
    question: str
    target: str
    start: int
    end: int
    coded_by: str  # the coder who coded it; the other did not
    text: str


@dataclass(frozen=True)
class CodeAgreement:
    code: str
    both: int
    only_a: int
    only_b: int
    neither: int

    @property
    def total(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    @property
    def agreement(self) -> float:
        return (self.both + self.neither) / self.total if self.total else 1.0

    @property
    def kappa(self) -> float:
        n = self.total
        if not n:
            return 1.0
        a, b, c, d = self.both, self.only_a, self.only_b, self.neither
        expected = ((a + b) * (a + c) + (c + d) * (b + d)) / (n * n)
        if expected >= 1.0:
            return 1.0
        return (self.agreement - expected) / (1.0 - expected)


@dataclass
class Comparison:
    coder_a: str
    coder_b: str
    interviews: list[str]
    characters: int
    codes: list[CodeAgreement] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)


def coders(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT DISTINCT coder FROM codings WHERE state = 'live' ORDER BY coder")]


def merged(intervals: Intervals) -> Intervals:
    out: Intervals = []
    for start, end in sorted(intervals):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def overlap(a: Intervals, b: Intervals) -> int:
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, hi - lo)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def minus(a: Intervals, b: Intervals) -> Intervals:
    """The parts of `a` outside `b` (both merged)."""
    out: Intervals = []
    for start, end in a:
        cursor = start
        for lo, hi in b:
            if hi <= cursor or lo >= end:
                continue
            if lo > cursor:
                out.append((cursor, lo))
            cursor = max(cursor, hi)
        if cursor < end:
            out.append((cursor, end))
    return out


def compare_coders(
    store: Store, book: ResearchCodebook, coder_a: str, coder_b: str, codes: list[str] | None = None
) -> Comparison:
    live = [c for c in store.coding.codings() if c.coder in (coder_a, coder_b)]
    by_coder: dict[str, set[str]] = {coder_a: set(), coder_b: set()}
    for coding in live:
        by_coder[coding.coder].add(coding.interview_id)
    shared = sorted(by_coder[coder_a] & by_coder[coder_b])
    shared_set = set(shared)
    texts: dict[tuple[str, str, str], str] = {}
    for interview_id in shared:
        for question, answer in store.answers(interview_id).items():
            for target in TARGETS:
                text = answer_text(answer, target)
                if text:
                    texts[interview_id, question, target] = text
    n = sum(len(t) for t in texts.values())
    spans: dict[tuple[str, str], dict[tuple[str, str, str], Intervals]] = {}
    for coding in live:
        if coding.interview_id not in shared_set:
            continue
        code = book.resolve(coding.code)
        key = (coding.interview_id, coding.question, coding.target)
        if key not in texts:
            continue
        spans.setdefault((code, coding.coder), {}).setdefault(key, []).append((coding.start, coding.end))
    wanted = codes if codes is not None else sorted({code for code, _coder in spans})
    result = Comparison(coder_a, coder_b, shared, n)
    for code in wanted:
        a_spans, b_spans = spans.get((code, coder_a), {}), spans.get((code, coder_b), {})
        both = only_a = only_b = 0
        for key in set(a_spans) | set(b_spans):
            a_set, b_set = merged(a_spans.get(key, [])), merged(b_spans.get(key, []))
            common = overlap(a_set, b_set)
            both += common
            only_a += sum(e - s for s, e in a_set) - common
            only_b += sum(e - s for s, e in b_set) - common
            for who, mine, theirs in ((coder_a, a_set, b_set), (coder_b, b_set, a_set)):
                for start, end in minus(mine, theirs):
                    result.disagreements.append(Disagreement(code, *key, start, end, who, texts[key][start:end]))
        result.codes.append(CodeAgreement(code, both, only_a, only_b, n - both - only_a - only_b))
    return result
