"""The researcher's coding in session packages (format 2): the member `coding.jsonl`.

One JSON object a line, `{"kind": ..., "record": {...}}`, for every code, alias, coding, memo and
suggestion decision changed since the last export (all of them for a full export). Each record is
the whole current version with who changed it, where and when; merging takes a record unless the
master holds the same or a later version (core/store/codings.py `upsert_newer`), so merging is
idempotent and the same in any order, two researchers' codings are both kept, and a deleted coding
(a tombstone) is never brought back by an older copy.

Reading checks every record's shape; merging checks that every coding lies inside the text of an
answer the package carries, with a code the master or the package knows. Anything else refuses the
whole package, naming it and the interview, and leaves the master as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from yingzao.core import errors
from yingzao.core.coding.codebook import research_codebook
from yingzao.core.coding.codings import settle_anchors
from yingzao.core.coding.text import value_text
from yingzao.core.errors import Text
from yingzao.core.exchange.content_hash import ANSWER_FIELDS, Version
from yingzao.core.exchange.json_limits import json_depth_exceeds
from yingzao.core.forms.codebook import FAMILIES, STATUSES
from yingzao.core.store.codings import RECORD_KINDS, TARGETS, Alias, CodeRow, Coding, Decision, Memo
from yingzao.core.store.database import Store

CODING = "coding.jsonl"
_CLASSES: dict[str, type] = {"code": CodeRow, "alias": Alias, "coding": Coding, "memo": Memo, "decision": Decision}
_INTS = {"start", "end", "pinned"}
MAX_TEXT = 1_000_000  # characters in any one field: a memo or a quote is never near this
# fields a package from an older version of Yingzao does not carry, with the value they then take
_OPTIONAL = {"coding": {"communities": ""}}
MAX_COMMUNITIES = 1_000  # characters of a coding's attributed community ids: a handful of short ids
_VALUE = ANSWER_FIELDS.index("value")
_NOTE = ANSWER_FIELDS.index("note")
_QUESTION = ANSWER_FIELDS.index("question")


def records_to_pack(store: Store, since: str | None) -> dict[str, list[Any]]:
    """The records a package carries: changed after `since` (the last export's time), or all."""
    return store.coding.changed_since(since or "")


def interviews_of(records: dict[str, list[Any]]) -> set[str]:
    """Interviews the package must carry so that its codings can be checked against their text."""
    return {c.interview_id for c in records.get("coding", [])} | {d.interview_id for d in records.get("decision", [])}


def encode(records: dict[str, list[Any]]) -> bytes:
    lines = []
    for kind in RECORD_KINDS:
        for record in records.get(kind, []):
            data = {f.name: getattr(record, f.name) for f in fields(record)}
            if kind == "coding":
                data.pop("anchor")  # each laptop's own bookkeeping
            lines.append(json.dumps({"kind": kind, "record": data}, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def counts(records: dict[str, list[Any]]) -> dict[str, int]:
    return {f"coding_{kind}s": len(items) for kind, items in records.items() if items}


def decode(path: Path, data: bytes) -> dict[str, list[Any]]:
    """Every record of the member, checked field by field; a malformed line refuses the package."""
    out: dict[str, list[Any]] = {kind: [] for kind in RECORD_KINDS}
    if json_depth_exceeds(data, 4):  # once for the whole member: the lines are objects side by side
        raise errors.damaged_package(path, Text(f"{CODING} 嵌套过深", f"{CODING} is nested too deep"))
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            kind = item["kind"]
            out[kind].append(_record(kind, item["record"]))
        except (ValueError, KeyError, TypeError) as error:
            where = Text(f"{CODING} 第 {number} 行", f"line {number} of {CODING}")  # made only when needed
            raise errors.damaged_package(
                path, where + Text(f" 格式错误（{str(error)[:80]}）", f" is malformed ({str(error)[:80]})")
            ) from None
    return out


# each kind's fields as a package carries them (a coding's `anchor` is each laptop's own)
_FIELDS = {kind: tuple(f.name for f in fields(cls) if f.name != "anchor") for kind, cls in _CLASSES.items()}


def _record(kind: str, data: dict[str, Any]) -> Any:
    cls, names = _CLASSES[kind], _FIELDS[kind]
    if not isinstance(data, dict):
        raise TypeError("a record must be an object")
    optional = _OPTIONAL.get(kind, {})
    if any(name not in data for name in optional):
        data = {**optional, **data}  # an older package: what it lacks takes the value it then had
    if len(data) != len(names) or not all(name in data for name in names):
        unknown = sorted(set(data) - set(names)) or sorted(set(names) - set(data))
        raise ValueError(f"unknown or missing field {unknown[0] if unknown else ''}")
    for name in names:
        value = data[name]
        if name in _INTS:
            if type(value) is not int or value < 0:
                raise ValueError(f"{name} must be a whole number")
        elif type(value) is not str or len(value) > MAX_TEXT or "\x00" in value:
            raise ValueError(f"{name} must be text")
    record = cls(**data, anchor="check") if kind == "coding" else cls(**data)
    if kind == "coding":
        if record.target not in TARGETS or record.state not in ("live", "deleted"):
            raise ValueError("target or state")
        if record.origin not in ("coded", "suggestion") or record.pinned not in (0, 1):
            raise ValueError("origin or pinned")
        if len(record.communities) > MAX_COMMUNITIES or record.communities != " ".join(record.attributed):
            raise ValueError("communities must be community ids separated by single spaces")
    if kind == "memo" and (
        record.about not in ("code", "interview", "community", "coding") or record.state not in ("live", "deleted")
    ):
        raise ValueError("about or state")
    if kind == "decision" and record.decision not in ("rejected", "open"):
        raise ValueError("decision")
    if kind == "code" and (record.family not in FAMILIES or record.status not in STATUSES):
        raise ValueError("family or status")
    return record


def check(store: Store, path: Path, versions: Iterable[Version], records: dict[str, list[Any]]) -> None:
    """Refuse codings outside their text, on answers the package does not carry, or with codes
    nobody knows; nothing has been written yet."""
    answers: dict[tuple[str, str], list[Any]] = {}
    for version in versions:
        for row in version.answers:
            answers[version.id, row[_QUESTION]] = row
    book = research_codebook(store)
    known = {code.id for code in book.codes} | {r.id for r in records.get("code", [])}
    known |= {a.alias for a in records.get("alias", [])}
    for alias in records.get("alias", []):
        if alias.code not in known:
            raise errors.package_coding_refused(
                path,
                "-",
                Text(f"别名指向未知编码“{alias.code}”", f"an alias points to the unknown code '{alias.code}'"),
            )
    for coding in records.get("coding", []):
        if coding.code not in known:
            raise errors.package_coding_refused(
                path, coding.interview_id, Text(f"未知编码“{coding.code}”", f"the unknown code '{coding.code}'")
            )
        carried = answers.get((coding.interview_id, coding.question))
        if carried is None:
            raise errors.package_coding_refused(
                path,
                coding.interview_id,
                Text(
                    f"问题“{coding.question}”的回答不在数据包中",
                    f"the answer to '{coding.question}' is not in the package",
                ),
            )
        text = (carried[_NOTE] or "") if coding.target == "note" else value_text(carried[_VALUE])
        if not (0 <= coding.start < coding.end <= len(text)):
            raise errors.package_coding_refused(
                path,
                coding.interview_id,
                Text(
                    f"问题“{coding.question}”的片段 {coding.start}–{coding.end} 超出文本（{len(text)} 字）",
                    f"the span {coding.start}–{coding.end} of '{coding.question}' lies outside its text"
                    f" ({len(text)} characters)",
                ),
            )


def merge(store: Store, package_id: str, records: dict[str, list[Any]]) -> dict[str, int]:
    """Take the records inside the merge's transaction; re-anchor what arrived."""
    written = {kind: store.coding.upsert_newer(kind, records.get(kind, [])) for kind in RECORD_KINDS}
    # codings still under a merged code's id are not rewritten here (that would depend on which
    # package came first): every reader resolves the alias (ResearchCodebook.resolve)
    summary = {kind: n for kind, n in written.items() if n}
    if summary:
        store.coding.log_merge(package_id, summary)
        settle_anchors(store)
    return summary
