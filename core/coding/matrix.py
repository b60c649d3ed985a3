"""Matrix queries: codes × a case attribute (community, respondent role, or a community-profile field).

A cell holds the interviews with evidence — at least one live coding of the code (or, rolled up, of
any code below it) — and the number of those codings; `segments` returns the codings behind a cell.
Protocol suggestions nobody accepted do not count: only researchers' codings are evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from yingzao.core.coding.codebook import ResearchCodebook
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
        return {i: [c or NONE] for i, c in conn.execute("SELECT id, community_id FROM interviews")}
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
    """Codes (rows) × the attribute's values (columns), counted by SQLite in one grouped query over
    the index of live codings (rows and values are joined in as small temporary tables)."""
    rows = list(dict.fromkeys(codes))
    counts_in = _row_of_code(book, rows, roll_up)
    values = attribute_of_interviews(store, by)
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS yz_matrix_rows (code TEXT NOT NULL, row TEXT NOT NULL)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS yz_matrix_values (interview_id TEXT NOT NULL, value TEXT NOT NULL)")
    conn.execute("CREATE INDEX IF NOT EXISTS temp.yz_matrix_values_id ON yz_matrix_values (interview_id)")
    conn.execute("DELETE FROM yz_matrix_rows")
    conn.execute("DELETE FROM yz_matrix_values")
    conn.executemany(
        "INSERT INTO yz_matrix_rows VALUES (?, ?)", [(code, row) for code, rs in counts_in.items() for row in rs]
    )
    conn.executemany("INSERT INTO yz_matrix_values VALUES (?, ?)", [(i, v) for i, vs in values.items() for v in vs])
    sql = (
        # CROSS JOIN fixes the order: the few codes asked for first, then their live codings by the
        # index; left to itself the planner scans every coding (3-4x slower at 300,000)
        "SELECT r.row, v.value, count(DISTINCT c.interview_id), count(*) FROM yz_matrix_rows r"
        " CROSS JOIN codings c ON c.code = r.code AND c.state = 'live'"
        " CROSS JOIN yz_matrix_values v ON v.interview_id = c.interview_id"
    )
    args: list[object] = []
    if coders:
        sql += f" WHERE c.coder IN ({', '.join('?' for _ in coders)})"
        args += list(coders)
    found = conn.execute(sql + " GROUP BY r.row, v.value", args).fetchall()
    columns = sorted({v for vs in values.values() for v in vs} - {NONE})
    if any(NONE in vs for vs in values.values()):
        columns.append(NONE)
    return Matrix(
        by=by,
        rows=rows,
        columns=columns,
        interviews={(row, value): n for row, value, n, _c in found},
        codings={(row, value): c for row, value, _n, c in found},
    )


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
        if coding.live and value in values.get(coding.interview_id, ()) and (not coders or coding.coder in coders)
    ]
    return sorted(found, key=lambda k: (-k.pinned, k.interview_id, k.question, k.target, k.start))
