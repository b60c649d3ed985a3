"""The numbers of the progress dashboard: who has been interviewed where, and what evidence exists.

- `status_counts`: interviews by community × respondent role × status;
- `coverage`: per community, for each code of the families 营造维度, 动力机制 and 影响因素
  (STUDY.md families 1–3), the number of answered, non-empty answers to questions tagged with that
  code (or a code below it) in finalised interviews (an answer in each instance of a repeat counts) — a zero is a dimension, actor or factor with no
  evidence yet in that community, which is what a supervisor looks at to decide whom to interview next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from yingzao.core.forms import repeats
from yingzao.core.forms.case_check import DISCUSSED_QUESTION, communities_discussed
from yingzao.core.forms.codebook import INTERVIEW_FAMILIES, Codebook
from yingzao.core.store.records import STATUSES

EVIDENCE_STATUSES = ("completed", "approved", "rejected")  # finalised at least once


@dataclass
class StatusCounts:
    communities: list[str | None]  # community ids in order; None: interviews without a community
    roles: list[str]
    counts: Counter = field(default_factory=Counter)  # (community, role, status) -> n

    def get(self, community: str | None, role: str, status: str) -> int:
        return self.counts.get((community, role, status), 0)

    def total(self, community: str | None, role: str) -> int:
        return sum(self.get(community, role, s) for s in STATUSES)

    def pairs(self) -> list[tuple[str | None, str]]:
        """(community, role) with at least one interview, in order."""
        return [(c, r) for c in self.communities for r in self.roles if self.total(c, r)]


def status_counts(store) -> StatusCounts:
    rows = store.conn.execute(
        "SELECT community_id, respondent_role, status, count(*) FROM interviews"
        " GROUP BY community_id, respondent_role, status"
    ).fetchall()
    counts = Counter({(c, r, s): n for c, r, s, n in rows})
    known = [c.id for c in store.communities()]
    present = {c for c, _, _, _ in rows}
    communities: list[str | None] = [c for c in known if c in present] + sorted(
        c for c in present if c is not None and c not in known
    )
    if None in present:
        communities.append(None)
    from yingzao.core.forms.protocol import ROLES

    roles = [r for r in ROLES if any(k[1] == r for k in counts)] + sorted({k[1] for k in counts} - set(ROLES))
    return StatusCounts(communities, roles, counts)


@dataclass
class Coverage:
    communities: list[str]  # community ids, rows of the grid
    codes: list[str]  # the codes of families 1–3, columns of the grid, in codebook order
    counts: Counter = field(default_factory=Counter)  # (community, code) -> answers of evidence

    def get(self, community: str, code: str) -> int:
        return self.counts.get((community, code), 0)

    def missing(self, community: str) -> list[str]:
        """The codes with no evidence yet in this community."""
        return [code for code in self.codes if not self.get(community, code)]


def frame_codes(codebook: Codebook) -> list[str]:
    """The top-level codes of families 1–3: four dimensions, four actors, four factors."""
    return [code.id for family in INTERVIEW_FAMILIES for code in codebook.top_level(family)]


def coverage(store, codebook: Codebook, statuses: tuple[str, ...] = EVIDENCE_STATUSES) -> Coverage:
    codes = frame_codes(codebook)
    wanted = set(codes)
    rows = store.conn.execute(
        "SELECT i.community_id, i.protocol_sha256, a.question, count(*) FROM answers a"
        " JOIN interviews i ON i.id = a.interview_id"
        f" WHERE i.status IN ({', '.join('?' for _ in statuses)}) AND i.community_id IS NOT NULL"
        " AND a.marker IS NULL AND a.value IS NOT NULL AND a.value != ''"
        " GROUP BY i.community_id, i.protocol_sha256, a.question",
        list(statuses),
    ).fetchall()
    rows += _discussed_rows(store, statuses)
    tagged: dict[str, dict[str, set[str]]] = {}  # protocol sha -> question -> frame codes
    counts: Counter = Counter()
    for community, sha, question, n in rows:
        if sha not in tagged:
            protocol = store.protocol(sha)
            tagged[sha] = {
                q.name: _topical(codebook, _frame(codebook, q.codes, wanted)) for q in protocol.questions if q.codes
            }
        # an answer in a repeat's instance counts under its question (each instance is evidence)
        for code in tagged[sha].get(repeats.split(question)[0], ()):
            counts[(community, code)] += n
    return Coverage([c.id for c in store.communities()], codes, counts)


def _discussed_rows(store, statuses: tuple[str, ...]) -> list[tuple]:
    """Interviews filed under no community (a city official's) count, as on the export's frame sheets,
    for each community their `communities_discussed` answer names: rows as the main query's."""
    marks = ", ".join("?" for _ in statuses)
    known = [c.id for c in store.communities()]
    discussed = {
        interview_id: communities_discussed(value, known)
        for interview_id, value in store.conn.execute(
            "SELECT i.id, a.value FROM answers a JOIN interviews i ON i.id = a.interview_id"
            f" WHERE i.status IN ({marks}) AND i.community_id IS NULL AND a.question = ? AND a.marker IS NULL",
            [*statuses, DISCUSSED_QUESTION],
        )
    }
    rows: list[tuple] = []
    for interview_id, communities in discussed.items():
        answered = store.conn.execute(
            "SELECT i.protocol_sha256, a.question, count(*) FROM answers a JOIN interviews i ON i.id = a.interview_id"
            " WHERE i.id = ? AND a.marker IS NULL AND a.value IS NOT NULL AND a.value != ''"
            " GROUP BY i.protocol_sha256, a.question",
            (interview_id,),
        ).fetchall()
        rows += [(community, sha, question, n) for community in communities for sha, question, n in answered]
    return rows


def _topical(codebook: Codebook, codes: set[str]) -> set[str]:
    """A question tagged with every code of a family (the closing remarks carry all four dimensions, so
    that whatever is said there can be coded) is about none of them in particular: an answer to it is
    no evidence that the family's gaps are filled."""
    for family in INTERVIEW_FAMILIES:
        whole = {code.id for code in codebook.top_level(family)}
        if whole and whole <= codes:
            codes = codes - whole
    return codes


def _frame(codebook: Codebook, codes: tuple[str, ...], wanted: set[str]) -> set[str]:
    found: set[str] = set()
    for code in codes:
        chain = (code, *codebook.ancestors(code)) if codebook.has(code) else (code,)
        found.update(c for c in chain if c in wanted)
    return found
