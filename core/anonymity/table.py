"""The researcher's pseudonym table, stored in the database (schema 7, table `pseudonyms`).

One row per real term, holding the researcher's decision about it:
- `replace`: an anonymised export shows `replacement` instead (邛崃 → Q市, 华为 → 某通信企业);
- `allow`: reviewed and kept as it is (the allow-list: a public hotline, an ordinary word the
  segmenter took for a name);
- `removed`: a decision taken back. The row stays so that merging an older copy of the table
  cannot bring the decision back (core/exchange/pseudonyms.py keeps the latest row per term).

Accepting a detection in *Review anonymisation* writes a `replace` row, ignoring it an `allow`
row, editing it a `replace` row with the researcher's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from yingzao.core import errors

REPLACE, ALLOW, REMOVED = "replace", "allow", "removed"
DECISIONS = (REPLACE, ALLOW, REMOVED)
MAX_TERM = 200  # characters: a term is a name, not a paragraph
COLUMNS = ("term", "decision", "replacement", "category", "updated_at", "updated_by", "device_id")


@dataclass(frozen=True)
class Pseudonym:
    term: str
    decision: str
    replacement: str = ""
    category: str = ""
    updated_at: str = ""
    updated_by: str = ""
    device_id: str = ""

    def row(self) -> tuple[str, str, str, str, str, str, str]:
        return (
            self.term,
            self.decision,
            self.replacement,
            self.category,
            self.updated_at,
            self.updated_by,
            self.device_id,
        )


def has_table(conn) -> bool:
    """False for a database opened read-only before schema 7 (an export does not upgrade it)."""
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pseudonyms'").fetchone() is not None
    )


def all_rows(conn) -> list[Pseudonym]:
    """Every row, `removed` ones included (what a package carries)."""
    if not has_table(conn):
        return []
    return [Pseudonym(*row) for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM pseudonyms ORDER BY term")]


def pseudonyms(conn) -> list[Pseudonym]:
    """The decisions in force: `replace` and `allow` rows, by term."""
    return [p for p in all_rows(conn) if p.decision != REMOVED]


def replacements(conn) -> dict[str, str]:
    return {p.term: p.replacement for p in pseudonyms(conn) if p.decision == REPLACE}


def allowed(conn) -> set[str]:
    return {p.term for p in pseudonyms(conn) if p.decision == ALLOW}


def clean_term(term: str) -> str:
    """A term as stored: one line, no surrounding spaces; refuses what cannot be a term."""
    term = " ".join(str(term).split())
    if not term or len(term) > MAX_TERM:
        raise errors.bad_pseudonym_term(term[:40])
    return term


def set_pseudonym(store, term: str, replacement: str, category: str = "") -> Pseudonym:
    """Accept (or edit) a term: exports show `replacement` instead of it."""
    replacement = " ".join(str(replacement).split())
    term = clean_term(term)
    if not replacement:
        raise errors.pseudonym_needs_replacement(term)
    if replacement == term:
        raise errors.pseudonym_same_as_term(term)
    return _write(store, Pseudonym(term, REPLACE, replacement, category.strip()))


def allow(store, term: str, category: str = "") -> Pseudonym:
    """Ignore a detection: the term is kept in exports and no longer reported."""
    return _write(store, Pseudonym(clean_term(term), ALLOW, "", category.strip()))


def remove(store, term: str) -> Pseudonym:
    """Take a decision back; the term is detected (and reviewed) again."""
    return _write(store, Pseudonym(clean_term(term), REMOVED))


def _write(store, row: Pseudonym) -> Pseudonym:
    stamped = Pseudonym(
        row.term, row.decision, row.replacement, row.category, store.now(), store.user or "", store.device_id
    )
    with store.transaction():
        store.conn.execute(
            f"INSERT OR REPLACE INTO pseudonyms ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
            stamped.row(),
        )
    return stamped
