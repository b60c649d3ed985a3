"""Matrix queries: codes × a case attribute (community, respondent role, or a community-profile field).

A cell holds the interviews with evidence — at least one live coding of the code (or, rolled up, of
any code below it) — and the number of those codings; `segments` returns the codings behind a cell.
Protocol suggestions nobody accepted do not count: only researchers' codings are evidence.

By community, an interview filed under no community (a city official's) counts for the communities
its `communities_discussed` answer names, and a coding of it attributed to some of them only for
those — as the export's per-community sheets count them (core/export/data.py, `groups_of`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.forms.case_check import DISCUSSED_QUESTION, communities_discussed
from yingzao.core.store.codings import Coding
from yingzao.core.store.database import Store

BY_COMMUNITY = "community"
BY_ROLE = "role"
PROFILE_PREFIX = "profile:"
NONE = ""  # the column of interviews without a value (no community, a profile field left empty)


@dataclass
class Matrix:
    by: str
    rows: list[str]  # code ids, in the order asked
    columns: list[str]  # attribute values, sorted, NONE last if present
    interviews: dict[tuple[str, str], int] = field(default_factory=dict)
    codings: dict[tuple[str, str], int] = field(default_factory=dict)

    def cell(self, row: str, column: str) -> tuple[int, int]:
        """(interviews with evidence, codings) of a cell."""
        return self.interviews.get((row, column), 0), self.codings.get((row, column), 0)


def attribute_of_interviews(store: Store, by: str) -> dict[str, list[str]]:
    """interview id -> its value(s) of the attribute (a multiple-choice profile field gives several)."""
    conn = store.conn
    if by == BY_COMMUNITY:
        discussed = _discussed(store)
        return {
            i: [c] if c else (list(discussed.get(i, ())) or [NONE])
            for i, c in conn.execute("SELECT id, community_id FROM interviews")
        }
    if by == BY_ROLE:
        return {i: [r] for i, r in conn.execute("SELECT id, respondent_role FROM interviews")}
    if not by.startswith(PROFILE_PREFIX):
        raise ValueError(f"unknown matrix attribute {by!r}")
    question = by[len(PROFILE_PREFIX) :]
    # each community's profile: its latest profile interview's answer to the field
    per_community: dict[str, list[str]] = {}
    for community, value in conn.execute(
        "SELECT i.community_id, a.value FROM interviews i JOIN answers a ON a.interview_id = i.id"
        " WHERE i.respondent_role = 'profile' AND a.question = ? AND a.marker IS NULL"
        " ORDER BY i.updated_at",
        (question,),
    ):
        values = str(value).split() if isinstance(value, str) and " " in value.strip() else [str(value)]
        per_community[community] = [v for v in values if v] or [NONE]
    return {
        i: per_community.get(c, [NONE])
        for i, c in conn.execute("SELECT id, community_id FROM interviews WHERE respondent_role <> 'profile'")
    }


def _discussed(store: Store) -> dict[str, tuple[str, ...]]:
    """interview filed under no community -> the communities its answer says it discussed."""
    known = [c.id for c in store.communities()]
    return {
        i: found
        for i, value in store.conn.execute(
            "SELECT a.interview_id, a.value FROM answers a JOIN interviews i ON i.id = a.interview_id"
            " WHERE a.question = ? AND a.marker IS NULL AND i.community_id IS NULL",
            (DISCUSSED_QUESTION,),
        )
        if (found := communities_discussed(value, known))
    }


def coding_columns(columns: Sequence[str], attributed: str) -> Sequence[str]:
    """The community columns one coding counts in: those of its interview's columns it is attributed
    to; all of them when it is not attributed, or to none of them any more."""
    if not attributed:
        return columns
    named = attributed.split()
    return [c for c in columns if c in named] or columns


def _narrow_to_attribution(
    store: Store,
    counts_in: dict[str, list[str]],
    values: dict[str, list[str]],
    coders: tuple[str, ...],
    codings: dict[tuple[str, str], int],
    interviews: dict[tuple[str, str], int],
) -> None:
    """Correct the counts by community for attributed codings (few: passages of interviews above
    community level), which the fast count credited to every community their interview discussed."""
    by_coder = f" AND c.coder IN ({_marks(coders)})" if coders else ""
    attributed = {  # through the partial index of attributed codings (schema 10)
        i
        for (i,) in store.conn.execute(
            "SELECT DISTINCT c.interview_id FROM codings c INDEXED BY codings_attributed"
            f" WHERE c.communities <> '' AND c.state = 'live'{by_coder}",
            coders,
        )
    }
    filed = {i for i, (c,) in _filed(store, attributed).items() if c}
    for interview in attributed - filed:
        columns = values.get(interview)
        if not columns or columns == [NONE]:
            continue
        naive: dict[str, int] = defaultdict(int)  # row -> its codings here, each counted in every column
        exact: dict[tuple[str, str], int] = defaultdict(int)
        for code, communities in store.conn.execute(
            f"SELECT c.code, c.communities FROM codings c WHERE c.interview_id = ? AND c.state = 'live'{by_coder}",
            (interview, *coders),
        ):
            for row in dict.fromkeys(counts_in.get(code, ())):
                naive[row] += 1
                for column in coding_columns(columns, communities):
                    exact[(row, column)] += 1
        for row, n in naive.items():
            for column in columns:
                codings[(row, column)] -= n
                interviews[(row, column)] -= 1
        for cell, n in exact.items():
            codings[cell] += n
            interviews[cell] += 1
    for counts in (codings, interviews):
        for cell in [cell for cell, n in counts.items() if n == 0]:
            del counts[cell]


def _filed(store: Store, interview_ids: set[str]) -> dict[str, tuple[str | None]]:
    """interview id -> (its community,) for these interviews."""
    found: dict[str, tuple[str | None]] = {}
    ids = sorted(interview_ids)
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        for i, c in store.conn.execute(f"SELECT id, community_id FROM interviews WHERE id IN ({_marks(chunk)})", chunk):
            found[i] = (c,)
    return found


def _row_of_code(book: ResearchCodebook, rows: list[str], roll_up: bool) -> dict[str, list[str]]:
    """code id -> the matrix rows it counts in (itself, and with roll-up each row above it)."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        found[row].append(row)
        if roll_up:
            for below in book.descendants(row):
                found[below].append(row)
    for alias, code in book.aliases.items():  # codings still under a merged id count as their code
        if code in found:
            found[alias] = found[code]
    return found


def matrix_query(
    store: Store,
    book: ResearchCodebook,
    codes: list[str],
    by: str = BY_COMMUNITY,
    *,
    roll_up: bool = True,
    coders: tuple[str, ...] = (),
) -> Matrix:
    """Codes (rows) × the attribute's values (columns).

    SQLite reads, per code, the interview of each of its live codings from the index of live
    codings by code, as one string (a row per coding costs several times as much); Python counts
    each interview's codings (one Counter, in C), then adds each interview once to its columns:
    about a third fewer steps than counting codings and interviews per column apart. Joining each coding with its interview's value in SQL, and grouping by row
    and value, cost a lookup and a sort per coding: 2-3x as long at 300,000 codings."""
    rows = list(dict.fromkeys(codes))
    counts_in = _row_of_code(book, rows, roll_up)
    values = attribute_of_interviews(store, by)
    # each interview's values as the index of their combination (most attributes give one value):
    # counting small ints beats counting the values themselves, and a combination is expanded once
    combinations: dict[tuple[str, ...], int] = {}
    combination_of = {
        i: combinations.setdefault(tuple(vs) if len(vs) == 1 else tuple(dict.fromkeys(vs)), len(combinations))
        for i, vs in values.items()
    }
    expand = list(combinations)
    of = combination_of.get
    codings: dict[tuple[str, str], int] = defaultdict(int)
    interviews: dict[tuple[str, str], int] = defaultdict(int)
    per_row: dict[str, list[list[str]]] = defaultdict(list)  # row -> the interview of each coding, code by code
    for code, coded in _interviews_of_codings(store, list(counts_in), coders):
        for row in dict.fromkeys(counts_in[code]):
            per_row[row].append(coded)
    for row, lists in per_row.items():
        per_interview = Counter(lists[0])  # interview -> its codings in this row: one count, in C
        for coded in lists[1:]:
            per_interview.update(coded)
        combination_of_each = list(map(of, per_interview))
        with_evidence = Counter(combination_of_each)
        coded_in: dict[int | None, int] = defaultdict(int)
        for combination, n in zip(combination_of_each, per_interview.values()):
            coded_in[combination] += n
        for counted, into in ((coded_in, codings), (with_evidence, interviews)):
            for combination, n in counted.items():
                if combination is not None:  # an interview without a row in `values` (a profile itself)
                    for value in expand[combination]:
                        into[(row, value)] += n
    if by == BY_COMMUNITY:
        _narrow_to_attribution(store, counts_in, values, coders, codings, interviews)
    columns = sorted({v for vs in values.values() for v in vs} - {NONE})
    if any(NONE in vs for vs in values.values()):
        columns.append(NONE)
    return Matrix(by=by, rows=rows, columns=columns, interviews=dict(interviews), codings=dict(codings))


def _interviews_of_codings(store: Store, codes: list[str], coders: tuple[str, ...]) -> Iterator[tuple[str, list[str]]]:
    """(code, the interview of each of its live codings) for those of the codes that have any."""
    conn = store.conn
    by_coder = f" AND coder IN ({_marks(coders)})" if coders else ""
    for at in range(0, len(codes), 500):  # well below SQLite's limit of bound parameters
        chunk = codes[at : at + 500]
        for code, count, joined in conn.execute(
            "SELECT code, count(*), group_concat(interview_id, char(31)) FROM codings"
            f" WHERE code IN ({_marks(chunk)}) AND state = 'live'{by_coder} GROUP BY code",
            [*chunk, *coders],
        ):
            coded = joined.split(_SEPARATOR)
            if len(coded) != count:  # an interview id holding the separator: this code's codings one by one
                coded = [
                    i
                    for (i,) in conn.execute(
                        f"SELECT interview_id FROM codings WHERE code = ? AND state = 'live'{by_coder}", [code, *coders]
                    )
                ]
            yield code, coded


_SEPARATOR = "\x1f"  # char(31), the unit separator


def _columns_of(coding: Coding, columns: Sequence[str], by: str) -> Sequence[str]:
    return coding_columns(columns, coding.communities) if by == BY_COMMUNITY and columns != [NONE] else columns


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def segments(
    store: Store,
    book: ResearchCodebook,
    code: str,
    by: str,
    value: str,
    *,
    roll_up: bool = True,
    coders: tuple[str, ...] = (),
) -> list[Coding]:
    """The codings behind one cell, pinned key quotes first, then in interview order."""
    codes = [c for c, rows in _row_of_code(book, [code], roll_up).items() if code in rows]
    values = attribute_of_interviews(store, by)
    found = [
        coding
        for c in codes
        for coding in store.coding.codings_of_code(c)
        if coding.live
        and value in _columns_of(coding, values.get(coding.interview_id, ()), by)
        and (not coders or coding.coder in coders)
    ]
    return sorted(found, key=lambda k: (-k.pinned, k.interview_id, k.question, k.target, k.start))
