"""Interviews in conflict after a merge, and how the researcher resolves them.

A conflict holds two or more versions of one interview, none of which continues another (typically
the same interview edited on two laptops after a database was copied). Versions are labelled A, B, …
in the order they were last changed. Resolving takes one version whole, or chooses per answer; it is
one transaction that writes an audit row for every answer it changes and a `conflict_resolved` row,
and the versions stay in the database, set aside, so nothing is ever lost.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from yingzao.core import errors
from yingzao.core.exchange.content_hash import Version, held_version
from yingzao.core.forms import repeats
from yingzao.core.forms.protocol import Protocol
from yingzao.core.store.interviews import ROW_AUDITED

_LETTERS = string.ascii_uppercase
INTERVIEW_ROW = "(interview)"  # in a per-answer choice: whose status, outcome and community to take


@dataclass
class ConflictVersion:
    label: str  # 'A', 'B', ...
    version: Version
    sources: list[dict] = field(default_factory=list)  # file_name, device_id, fieldworker, merged_at

    def answer(self, question: str) -> tuple | None:
        row = self.version.answer_map().get(question)
        return None if row is None else tuple(row[1:4])  # value, marker, note


@dataclass
class Conflict:
    interview_id: str
    protocol_sha256: str
    status: str
    opened_at: str
    versions: list[ConflictVersion]
    shown: str  # the label of the version the tables show until it is resolved

    def version(self, choice: str) -> ConflictVersion:
        for candidate in self.versions:
            if choice in (candidate.label, candidate.version.sha256):
                return candidate
        raise errors.unknown_version(self.interview_id, choice, [v.label for v in self.versions])

    def questions(self) -> list[str]:
        """Every question answered in any version, in the order of the first version that has it."""
        seen: dict[str, None] = {}
        for candidate in self.versions:
            for row in candidate.version.answers:
                seen.setdefault(row[0], None)
        return list(seen)

    def differing(self) -> list[str]:
        """Questions whose answer (value, marker or note) is not the same in every version."""
        return [q for q in self.questions() if len({v.answer(q) for v in self.versions}) > 1]

    def row_differs(self) -> bool:
        """Whether the versions disagree on the interview's status, outcome or community."""
        return len({tuple(v.version.interview[c] for c, _ in ROW_AUDITED) for v in self.versions}) > 1


def open_conflicts(store) -> list[Conflict]:
    ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT interview_id FROM conflicts WHERE status = 'open' ORDER BY opened_at, interview_id"
        )
    ]
    return [load_conflict(store, i) for i in ids]


def count_open_conflicts(store) -> int:
    return store.conn.execute("SELECT count(*) FROM conflicts WHERE status = 'open'").fetchone()[0]


def load_conflict(store, interview_id: str) -> Conflict:
    conn = store.conn
    row = conn.execute("SELECT status, opened_at FROM conflicts WHERE interview_id = ?", (interview_id,)).fetchone()
    if row is None or row[0] != "open":
        raise errors.no_open_conflict(interview_id)
    versions = sorted(
        (
            Version.from_json(json.loads(data))
            for (data,) in conn.execute(
                "SELECT data FROM conflict_versions WHERE interview_id = ? AND state = 'open'", (interview_id,)
            )
        ),
        key=Version.sort_key,
    )
    labelled = []
    for index, version in enumerate(versions):
        sources = [
            dict(zip(("file_name", "device_id", "fieldworker", "merged_at"), r))
            for r in conn.execute(
                "SELECT p.file_name, p.device_id, p.fieldworker, s.merged_at FROM interview_sources s"
                " JOIN packages p ON p.id = s.package_id WHERE s.interview_id = ? AND s.content_sha256 = ?"
                " ORDER BY s.merged_at",
                (interview_id, version.sha256),
            )
        ]
        labelled.append(ConflictVersion(_label(index), version, sources))
    shown = held_version(conn, interview_id)
    shown_label = next(
        (v.label for v in reversed(labelled) if v.version.answers == shown.answers),
        labelled[-1].label if labelled else "",
    )
    return Conflict(interview_id, shown.interview["protocol_sha256"], row[0], row[1], labelled, shown_label)


def _label(index: int) -> str:
    return _LETTERS[index] if index < len(_LETTERS) else f"V{index + 1}"


def _list_chosen_instances(
    protocol: Protocol, conflict: Conflict, choice: dict[str, str], wanted: dict[str, tuple | None], shown: dict
) -> list[str]:
    """Answers of a repeat's instance taken from a version whose instance the repeat's list (as kept)
    does not hold — each laptop added its own instance — are listed too, in the order of the version
    they come from, so taking both laptops' instances keeps both (changes `wanted`). Returns the keys
    of the repeats whose list changed."""
    changed: list[str] = []
    for key, label in sorted(choice.items()):
        name, instance = repeats.split(key)
        question = protocol.named(name)
        if instance is None or question is None or question.repeat is None:
            continue
        repeat = question.repeat
        kept = wanted[repeat] if repeat in wanted else (tuple(shown[repeat][1:4]) if repeat in shown else None)
        listed = repeats.instances(kept[0] if kept else None)
        if instance in listed:
            continue
        theirs = conflict.version(label).answer(repeat)
        order = repeats.instances(theirs[0] if theirs else None)
        # after the last instance that comes before it in its own version and is kept here
        before = [i for i in order[: order.index(instance)] if i in listed] if instance in order else []
        at = listed.index(before[-1]) + 1 if before else len(listed)
        listed.insert(at, instance)
        wanted[repeat] = (repeats.stored_list(listed), kept[1] if kept else None, kept[2] if kept else None)
        if repeat not in changed:
            changed.append(repeat)
    return changed


def resolve_conflict(store, interview_id: str, choice: str | Mapping[str, str]) -> None:
    """Settle a conflict: `choice` is a version ('A', 'B', … or its content hash) taken whole, or a
    mapping question → version for the answers to take from each (the key INTERVIEW_ROW picks whose
    status, outcome and community to keep); whatever is not named stays as shown."""
    conn = store.conn
    with store.transaction():
        conflict = load_conflict(store, interview_id)
        current = held_version(conn, interview_id)
        shown = current.answer_map()
        whole: ConflictVersion | None
        if isinstance(choice, str):
            whole = conflict.version(choice)
            wanted = {q: whole.answer(q) for q in set(shown) | set(whole.version.answer_map())}
            record: dict = {"whole": whole.label, "content_sha256": whole.version.sha256}
        else:
            choice = dict(choice)
            row_from = conflict.version(choice.pop(INTERVIEW_ROW)) if INTERVIEW_ROW in choice else None
            known = set(conflict.questions())
            unknown = [q for q in choice if q not in known]
            if unknown:
                raise errors.unanswered_in_versions(unknown[0], interview_id)
            wanted = {q: conflict.version(label).answer(q) for q, label in choice.items()}
            record = {"answers": {q: conflict.version(label).label for q, label in sorted(choice.items())}}
            kept = _list_chosen_instances(store.protocol(conflict.protocol_sha256), conflict, choice, wanted, shown)
            if kept:
                record["instances_listed"] = kept
            if row_from is not None:
                record["interview"] = row_from.label
            whole = row_from
        now = store.now()
        for question, answer in sorted(wanted.items()):
            store.writes.set_answer(
                interview_id, question, tuple(shown[question][1:4]) if question in shown else None, answer, now
            )
        if whole is not None:
            store.writes.take_row(interview_id, current.interview, whole.version.interview, now)
        record["versions"] = [v.version.sha256 for v in conflict.versions]
        store.write_audit(
            interview_id, None, "conflict_resolved", None, json.dumps(record, ensure_ascii=False, sort_keys=True), now
        )
        store.writes.touch(interview_id, now)
        conn.execute(
            "UPDATE conflicts SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?"
            " WHERE interview_id = ?",
            (now, store.user, json.dumps(record, ensure_ascii=False), interview_id),
        )
        conn.execute("UPDATE conflict_versions SET state = 'set_aside' WHERE interview_id = ?", (interview_id,))
