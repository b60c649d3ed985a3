"""The pseudonym table in session packages: an optional member, `pseudonyms.json`.

A package carries every row of the packing database's table (yingzao.core.anonymity.table),
`removed` ones included, as a list of objects with the table's columns. Readers before this member
existed read it as one more listed file and ignore it; a package without it merges as before.

Merging keeps, per term, the row that sorts last by (updated_at, device_id, decision, replacement,
category, updated_by): the latest decision wins, ties are broken the same way everywhere, so merging
packages in any order, or the same package twice, ends with the same table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from yingzao.core import errors
from yingzao.core.anonymity import table
from yingzao.core.anonymity.table import COLUMNS, DECISIONS, MAX_TERM, Pseudonym
from yingzao.core.errors import Text

MEMBER = "pseudonyms.json"
_MAX_TEXT = 1000


def member(store) -> bytes | None:
    """The member's bytes, or None when the table is empty (the package then does not have it)."""
    rows = table.all_rows(store.conn)
    if not rows:
        return None
    return json.dumps(
        [dict(zip(COLUMNS, row.row())) for row in rows], ensure_ascii=False, indent=1, allow_nan=False
    ).encode("utf-8")


def rows(path: Path, data: Any) -> list[Pseudonym]:
    """The member's rows, every field checked; a malformed member refuses the whole package."""
    if not isinstance(data, list):
        raise errors.damaged_package(path, Text(f"{MEMBER} 不是代称列表", f"{MEMBER} is not a list of pseudonyms"))
    found = []
    for item in data:
        if not (
            isinstance(item, dict)
            and all(isinstance(item.get(c), str) and len(item[c]) <= _MAX_TEXT for c in COLUMNS)
            and item["decision"] in DECISIONS
            and 0 < len(item["term"]) <= MAX_TERM
        ):
            raise errors.damaged_package(path, Text(f"{MEMBER} 中有无效的条目", f"{MEMBER} holds an invalid entry"))
        found.append(Pseudonym(*(item[c] for c in COLUMNS)))
    return found


def _order(row: Pseudonym) -> tuple[str, ...]:
    return (row.updated_at, row.device_id, row.decision, row.replacement, row.category, row.updated_by)


def merge(store, carried: list[Pseudonym]) -> int:
    """Keep the latest row per term; returns how many terms changed. Inside the caller's transaction."""
    if not carried or not table.has_table(store.conn):
        return 0
    changed = 0
    with store.transaction():
        conn = store.conn
        for row in carried:
            held = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM pseudonyms WHERE term = ?", (row.term,)).fetchone()
            if held is not None and _order(Pseudonym(*held)) >= _order(row):
                continue
            conn.execute(
                f"INSERT OR REPLACE INTO pseudonyms ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
                row.row(),
            )
            changed += 1
    return changed
