"""Merging session packages into a master database: nothing duplicated, nothing lost.

For each interview a package carries, the master keeps the *maximal* versions it has seen, where a
version is below another when its audit log is a proper prefix of the other's:

- unknown id → added;
- a version already seen (same content hash) → duplicate;
- a version whose log the master's version extends → older, skipped;
- a version whose log extends the master's → updated (the newer log is appended, nothing rewritten);
- anything else → conflict: every version is kept whole in `conflict_versions`, the interview is
  flagged in `conflicts`, the audit table receives the entries of every version (so "the" log holds
  all that happened), and until the researcher resolves it (core/conflicts.py) the tables show the
  version changed last.

The result does not depend on the order packages are merged in. Each package merges in one
transaction after it has been validated whole (core/exchange/unpack.py), so a refused or cancelled package
leaves the master exactly as it was. Paradata merge by keeping, per question, the row with the most
visits. Every interview a package carried gets a `merged` audit row (bookkeeping, not content).
Review comments travel as audit rows (core/comments.py); each version's are added to `comments` by
id, so the table holds every comment of every version, whatever the order of merging.

Review packages (kind `review`, a supervisor's decisions going back to a laptop) merge by the same
rules: the supervisor's version continues the fieldworker's, and the revision continues that.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from yingzao.core import errors
from yingzao.core.exchange import coding_member, pseudonyms, receiving
from yingzao.core.exchange.content_hash import (
    BOOKKEEPING_FIELDS,
    INTERVIEW_FIELDS,
    LOCAL_FIELDS,
    Version,
    audit_identity,
    continues,
    held_version,
)
from yingzao.core.exchange.package import KIND_REVIEW, KIND_SESSION
from yingzao.core.exchange.receiving import Received
from yingzao.core.exchange.unpack import Package, read_manifest, read_package
from yingzao.core.forms import repeats
from yingzao.core.forms.protocol import Protocol
from yingzao.core.review import signatures
from yingzao.core.review.comments import insert_comments
from yingzao.core.security import membership
from yingzao.core.security.keys import KeyPair, PublicKeys
from yingzao.core.store import driver, trust

UNSIGNED_NOTE = "unsigned"  # report notes, said in words by core/exchange/merge_report.py
HELD_NOTE = "was_held"

Progress = Callable[[int, int, str], None]  # (packages done, packages in all, file being merged)

ADDED, UPDATED, DUPLICATE, OLDER, CONFLICT = "added", "updated", "duplicate", "older", "conflict"
MERGED, ALREADY_MERGED, REFUSED, CANCELLED, HELD = "merged", "already_merged", "refused", "cancelled", "held"


@dataclass
class PackageReport:
    """One line of the merge report: what one file brought, or why it was refused."""

    file_name: str
    path: str
    status: str  # merged, already_merged, refused, cancelled, held (until its device is accepted)
    package_id: str = ""
    device_id: str = ""
    fieldworker: str = ""
    created_at: str = ""
    merged_at: str = ""  # for already_merged: when it was merged first
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    older: int = 0
    conflicts: list[str] = field(default_factory=list)  # interview ids now in conflict
    reason: str = ""  # refused: what is wrong and what to do
    notes: list[str] = field(default_factory=list)
    interviews: list[dict] = field(default_factory=list)  # id, outcome, protocol_id, protocol_version
    coding: dict[str, int] = field(default_factory=dict)  # coding records taken, by kind (format 2)
    signed_by: str = ""  # the fingerprint of the key that signed it; "" for an unsigned package

    def to_json(self) -> dict:
        return dict(vars(self))  # shallow: the lists hold only strings and flat dicts


@dataclass
class MergeReport:
    packages: list[PackageReport] = field(default_factory=list)

    @property
    def any_refused(self) -> bool:
        return any(p.status == REFUSED for p in self.packages)

    @property
    def cancelled(self) -> bool:
        return any(p.status == CANCELLED for p in self.packages)

    def conflicts(self) -> list[tuple[str, str]]:
        """(interview id, file name) for every interview a package of this run put in conflict."""
        return [(i, p.file_name) for p in self.packages for i in p.conflicts]


class _Cancelled(Exception):
    pass


def merge_packages(
    store,
    paths: Iterable[Path | str],
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    project_keys: KeyPair | None = None,
    allow_unsigned: bool = False,
) -> MergeReport:
    """Merge each file in turn; a refused file is reported and the others still merge.

    `project_keys` open sealed session packages (core/exchange/sealing.py); `allow_unsigned` lets a
    database of a project take unsigned packages, which each report line then says."""
    files = [Path(p) for p in paths]
    report = MergeReport()
    for done, path in enumerate(files):
        if progress:
            progress(done, len(files), path.name)
        if cancelled and cancelled():
            report.packages += [PackageReport(_file_name(p), _storable(str(p)), CANCELLED) for p in files[done:]]
            break
        line = merge_package(store, path, cancelled=cancelled, project_keys=project_keys, allow_unsigned=allow_unsigned)
        report.packages.append(line)
        if line.status == CANCELLED:
            report.packages += [PackageReport(_file_name(p), _storable(str(p)), CANCELLED) for p in files[done + 1 :]]
            break
    if progress:
        progress(len(files), len(files), "")
    return report


def merge_package(
    store,
    path: Path | str,
    *,
    cancelled: Callable[[], bool] | None = None,
    project_keys: KeyPair | None = None,
    allow_unsigned: bool = False,
    received: Received | None = None,
) -> PackageReport:
    """Validate one file whole, then merge it in one transaction; never raises for a bad file."""
    path = Path(path)
    name = _file_name(path)
    about: dict = {}
    try:
        if received is None:
            received = receiving.receive(store, path, project_keys=project_keys, allow_unsigned=allow_unsigned)
        package_id, manifest = read_manifest(path, received.content)
        about = {
            "package_id": package_id,
            "device_id": manifest["device_id"],
            "fieldworker": manifest["fieldworker"],
            "created_at": manifest["created_at"],
            "signed_by": received.signer.fingerprint if received.signer else "",
        }
        if (
            received.sealed
            and received.header
            and (manifest["device_id"] != received.header["device_id"] or manifest["kind"] != received.kind)
        ):
            raise errors.package_altered(path)  # what the manifest says must be what was signed
        before = _merged_at(store, package_id)
        if before is not None:
            return PackageReport(name, _storable(str(path)), ALREADY_MERGED, merged_at=before, **about)
        package = read_package(path, received.content)
        protocols = {sha: package.protocol(sha) for sha in package.protocol_members if not store.has_protocol(sha)}
        _check_answers(store, package, protocols)
        coding_member.check(store, path, package.versions, package.coding)
        if package.manifest["kind"] == KIND_REVIEW:
            _check_review_target(store, package)
        signatures_kept = _check_review_signatures(store, package)
        if received.hold:
            assert received.signer is not None and received.content is not None
            _hold(store, package, received, name)
            return PackageReport(name, _storable(str(path)), HELD, **about)
        line = PackageReport(name, _storable(str(path)), MERGED, **about)
        if not received.sealed and membership.project(store) is not None:  # taken as the user allowed
            line.notes.append(UNSIGNED_NOTE)
        _merge(store, package, protocols, line, cancelled, signatures_kept)
        return line
    except errors.YingzaoError as error:
        reason = _without_name(error, path)  # the report names the file already
    except _Cancelled:
        return PackageReport(name, _storable(str(path)), CANCELLED, **about)
    except _Unaudited as unaudited:
        reason = _without_name(
            errors.update_not_audited(path, unaudited.interview_id[:80], unaudited.question[:80], unaudited.field),
            path,
        )
    except driver.Error as error:
        # Another process may have merged this very package meanwhile (its row then exists, or our
        # snapshot went stale): that is "already merged", not a failure.
        merged_at = _merged_at(store, about["package_id"]) if about else None
        if merged_at is not None:
            return PackageReport(name, _storable(str(path)), ALREADY_MERGED, merged_at=merged_at, **about)
        if errors.is_busy(error):
            reason = str(errors.database_locked(store.path))
        else:
            reason = _without_name(errors.package_refused_by_master(path, error), path)
    except Exception as error:  # noqa: BLE001 — one unforeseen package must not end the run
        reason = _without_name(errors.package_not_merged(path, error), path)
    return PackageReport(name, _storable(str(path)), REFUSED, reason=reason, **about)


def _without_name(error: errors.YingzaoError, path: Path) -> str:
    """The error as a report line shows it: the line names the file already (in either language)."""
    text = str(error)
    for prefix in (f"{path.name}: ", f"{path.name}："):
        text = text.removeprefix(prefix)
    return text


def _file_name(path: Path) -> str:
    return _storable(path.name)


def _storable(text: str) -> str:
    """A file name or path as it can be stored and shown: one that is not valid UTF-8 on the disk
    (Python keeps such bytes as lone surrogates) would make the packages row unwritable."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _merged_at(store, package_id: str) -> str | None:
    try:
        row = store.conn.execute("SELECT merged_at FROM packages WHERE id = ?", (package_id,)).fetchone()
    except driver.Error:
        return None
    return row[0] if row else None


def _check_answers(store, package: Package, protocols: dict[str, Protocol]) -> None:
    """Every answer must be to a question of its interview's protocol: one outside it would be
    stored, yet missing from every export."""
    for version in package.versions:
        sha = version.interview["protocol_sha256"]
        protocol = protocols[sha] if sha in protocols else store.protocol(sha)
        for row in version.answers:
            if not protocol.has_question(row[0]):
                raise errors.package_answer_outside_protocol(  # cut: the names come from the package
                    package.path, version.id[:80], row[0][:80], protocol.form_id
                )
            if protocol.question(row[0]).is_repeat and not repeats.well_formed(row[1]):
                raise errors.package_repeat_list_bad(package.path, version.id[:80], row[0], repeats.MAX_INSTANCES)


def _check_review_signatures(store, package: Package) -> list:
    """In a database of a project, every supervisor's decision or comment new to it must be signed
    by a supervisor of the project; returns the carried signatures to keep."""
    joined = membership.project(store)
    if joined is None:
        return []
    missing, keep = signatures.unsigned_rows(store, joined, package.versions, package.signatures)
    if missing:
        interview_id, at = missing[0]
        raise errors.review_row_unsigned(package.path, interview_id[:80], at[:40])
    return keep


def _hold(store, package: Package, received: Received, name: str) -> None:
    """A package from a device not yet accepted waits, verified and whole, for the researcher."""
    header = received.header or {}
    signer = received.signer
    assert signer is not None and received.content is not None
    with store.transaction():
        store.trust.see_device(
            package.device_id,
            signer.signing,
            signer.recipient,
            signer.fingerprint,
            str(header.get("fieldworker", ""))[:200],
            str(header.get("device_label", ""))[:200],
        )
        store.trust.hold(package.package_id, package.device_id, name, received.content)


def accept_device(store, device_id: str, *, progress: Progress | None = None) -> MergeReport:
    """The researcher accepts a device (after comparing its fingerprint with the fieldworker's
    screen): its packages held so far are merged now, in the order they arrived."""
    store.trust.decide(device_id, trust.ACCEPTED)
    device = store.trust.device(device_id)
    assert device is not None
    signer = PublicKeys(device.signing_key, device.recipient)
    report = MergeReport()
    held = store.trust.held(device_id)
    for done, item in enumerate(held):
        if progress:
            progress(done, len(held), item.file_name)
        content = store.trust.held_content(item.package_id)
        if content is None:
            continue
        path = Path(item.file_name)
        line = merge_package(store, path, received=Received(content, True, KIND_SESSION, signer))
        line.notes.append(HELD_NOTE)
        report.packages.append(line)
        if line.status in (MERGED, ALREADY_MERGED):
            store.trust.release(item.package_id)
    return report


def refuse_device(store, device_id: str) -> None:
    """Refuse a device: what it sent is dropped, and what it sends later is refused."""
    store.trust.decide(device_id, trust.REFUSED)
    for item in store.trust.held(device_id):
        store.trust.release(item.package_id)


def _check_review_target(store, package: Package) -> None:
    """A review package goes back to the laptop that took its interviews; merged anywhere else it
    would plant another fieldworker's interview there, to be exported again as that laptop's."""
    for version in package.versions:
        row = store.conn.execute("SELECT device_id FROM interviews WHERE id = ?", (version.id,)).fetchone()
        if row is None or row[0] != store.device_id:
            raise errors.review_package_for_another_database(package.path, version.id[:80])


def _merge(
    store,
    package: Package,
    protocols: dict[str, Protocol],
    line: PackageReport,
    cancelled: Callable[[], bool] | None,
    signatures_kept: list | None = None,
) -> None:
    conn = store.conn
    now = store.now()
    ids = [v.id for v in package.versions]
    with store.transaction():
        # first, so that a second process merging the same file stops here (see merge_package)
        conn.execute(
            "INSERT INTO packages (id, file_name, kind, format_version, app_version, device_id, device_label,"
            " fieldworker, created_at, merged_at, merged_by, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')",
            (
                package.package_id,
                line.file_name,
                package.manifest["kind"],
                package.manifest["format_version"],
                package.manifest["app_version"],
                package.device_id,
                package.device_label,
                package.fieldworker,
                package.created_at,
                now,
                store.user,
            ),
        )
        for sha, protocol in protocols.items():
            store.add_protocol(protocol, package.workbook(sha))
        _add_communities(store, package, line)
        pseudonyms.merge(store, package.pseudonyms)
        existing = _existing(conn, ids)
        fresh: list[Version] = []
        outcomes: list[str] = []
        for version in package.versions:
            if cancelled and cancelled():
                raise _Cancelled
            if version.id in existing:
                outcomes.append(_merge_existing(store, version, now))
            else:
                fresh.append(version)
                outcomes.append(ADDED)
        _insert(store, fresh)
        for version in package.versions:  # by id: a comment of any version is kept, once
            insert_comments(conn, version.id, version.comments)
        if signatures_kept:
            store.trust.keep_signatures(signatures_kept)
        line.coding = coding_member.merge(store, package.package_id, package.coding)
        carried = list(zip(package.versions, outcomes))
        conn.executemany(
            "INSERT INTO interview_sources (interview_id, package_id, device_id, content_sha256, outcome, merged_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(v.id, package.package_id, package.device_id, v.sha256, o, now) for v, o in carried],
        )
        store.writes.append_audit(  # bookkeeping, not content: see BOOKKEEPING_FIELDS
            [(now, store.user, store.device_id, v.id, None, "merged", o, package.package_id) for v, o in carried]
        )
        counts = Counter(outcomes)
        line.merged_at = now
        line.added, line.updated, line.duplicates, line.older = (
            counts[ADDED],
            counts[UPDATED],
            counts[DUPLICATE],
            counts[OLDER],
        )
        line.conflicts = [v.id for v, o in carried if o == CONFLICT]
        line.interviews = [
            {
                "id": v.id,
                "outcome": o,
                "protocol_id": v.interview["protocol_id"],
                "protocol_version": v.interview["protocol_version"],
                "status": v.interview["status"],
            }
            for v, o in carried
        ]
        conn.execute(
            "UPDATE packages SET report = ? WHERE id = ?",
            (json.dumps(line.to_json(), ensure_ascii=False), package.package_id),
        )


def provenance(store, interview_id: str) -> list[dict]:
    """Every package that carried this interview: file, device, fieldworker, version, outcome, when."""
    cursor = store.conn.execute(
        "SELECT p.file_name, s.device_id, p.fieldworker, p.created_at, s.content_sha256, s.outcome, s.merged_at"
        " FROM interview_sources s JOIN packages p ON p.id = s.package_id WHERE s.interview_id = ?"
        " ORDER BY s.merged_at, p.file_name",
        (interview_id,),
    )
    keys = ("file_name", "device_id", "fieldworker", "created_at", "content_sha256", "outcome", "merged_at")
    return [dict(zip(keys, row)) for row in cursor]


def _existing(conn, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            r[0]
            for r in conn.execute(f"SELECT id FROM interviews WHERE id IN ({', '.join('?' for _ in chunk)})", chunk)
        )
    return found


def _add_communities(store, package: Package, line: PackageReport) -> None:
    for community in package.communities:
        kept = store.keep_community(community["id"], community["name"], community["created_at"])
        if kept != community["name"]:
            line.notes.append(
                str(
                    errors.Text(
                        f"社区 {community['id']} 在这个数据包中叫“{community['name']}”，在主数据库中叫“{kept}”；保留了主数据库中的名称",
                        f"community {community['id']} is called '{community['name']}' in this package and "
                        f"'{kept}' in the master; the master's name was kept",
                    )
                )
            )


# -- one interview that the master already has ------------------------------------------------


def _merge_existing(store, version: Version, now: str) -> str:
    conn = store.conn
    interview_id = version.id
    _merge_paradata(store, [version])
    known = {
        r[0]
        for r in conn.execute(
            "SELECT content_sha256 FROM interview_sources WHERE interview_id = ?"
            " UNION SELECT content_sha256 FROM conflict_versions WHERE interview_id = ?",
            (interview_id, interview_id),
        )
    }
    if version.sha256 in known:
        return DUPLICATE
    heads: list[Version] = []
    set_aside: list[Version] = []
    for state, data in conn.execute(
        "SELECT state, data FROM conflict_versions WHERE interview_id = ?", (interview_id,)
    ):
        (heads if state == "open" else set_aside).append(Version.from_json(json.loads(data)))
    if heads:  # an open conflict: the versions in it are what the master holds
        current = held_version(conn, interview_id)
        if _state(current) != _state(max(heads, key=Version.sort_key)):  # changed here meanwhile: keep that too
            _keep_version(conn, current, now)
            heads.append(current)
        if any(continues(other, version) for other in heads + set_aside):
            return OLDER
        for other in heads:
            if continues(version, other):
                conn.execute(
                    "DELETE FROM conflict_versions WHERE interview_id = ? AND content_sha256 = ?",
                    (interview_id, other.sha256),
                )
        heads = [h for h in heads if not continues(version, h)] + [version]
        _keep_version(conn, version, now)
        _union_audit(store, version)
        _show(store, max(heads, key=Version.sort_key))
        return CONFLICT
    current = held_version(conn, interview_id)
    if version.sha256 == current.sha256:
        return DUPLICATE
    if continues(current, version) or any(continues(other, version) for other in set_aside):
        return OLDER
    if continues(version, current):
        unexplained = unaudited_changes(current, version)
        if unexplained:
            raise _Unaudited(interview_id, unexplained[0])
        _show(store, version)
        _append_audit(store, interview_id, version.audit[len(current.audit) :])
        return UPDATED
    conn.execute(
        "INSERT INTO conflicts (interview_id, status, opened_at) VALUES (?, 'open', ?) ON CONFLICT(interview_id)"
        " DO UPDATE SET status = 'open', opened_at = excluded.opened_at, resolved_at = NULL, resolved_by = NULL,"
        " resolution = NULL",
        (interview_id, now),
    )
    _keep_version(conn, current, now)
    _keep_version(conn, version, now)
    _union_audit(store, version)
    _show(store, max((current, version), key=Version.sort_key))
    return CONFLICT


class _Unaudited(Exception):
    """An update whose answers differ from the master's where its own new audit rows say nothing."""

    def __init__(self, interview_id: str, where: tuple[str, str]) -> None:
        super().__init__(interview_id)
        self.interview_id, self.question, self.field = interview_id, *where


_ANSWER_COLUMNS = {"value": 1, "marker": 2, "note": 3}


def unaudited_changes(current: Version, version: Version) -> list[tuple[str, str]]:
    """(question, field) of every answer field that `version` (which continues `current`) holds
    differently from `current` without an audit row among its new ones that ends at its value.
    Every write path of the store audits what it changes, so such a difference was made outside it."""
    appended: dict[tuple[str, str], object] = {}
    for row in version.audit[len(current.audit) :]:
        question, field_name, new = row[3], row[4], row[6]
        if question is not None and field_name in _ANSWER_COLUMNS:
            appended[(question, field_name)] = _typed(new)
    before, after = current.answer_map(), version.answer_map()
    missing: list[tuple[str, str]] = []
    for question in sorted(before.keys() | after.keys()):
        old_row, new_row = before.get(question), after.get(question)
        for field_name, column in _ANSWER_COLUMNS.items():
            old = _typed(old_row[column] if old_row else None)
            new = _typed(new_row[column] if new_row else None)
            if old != new and appended.get((question, field_name), old) != new:
                missing.append((question, field_name))
    return missing


def _typed(value: object) -> tuple[str, object]:
    return (type(value).__name__, value)  # 1, 1.0 and '1' are different answers


def _state(version: Version) -> tuple:
    return tuple(version.interview[name] for name in INTERVIEW_FIELDS), version.answers


def _keep_version(conn, version: Version, now: str) -> None:
    """Keep a version whole while it is in conflict; its paradata are already merged into `paradata`."""
    version = Version(version.interview, version.answers, version.audit, [], version.sha256)
    conn.execute(
        "INSERT OR REPLACE INTO conflict_versions (interview_id, content_sha256, state, data, added_at)"
        " VALUES (?, ?, 'open', ?, ?)",
        (version.id, version.sha256, json.dumps(version.to_json(), ensure_ascii=False, allow_nan=False), now),
    )


def _union_audit(store, version: Version) -> None:
    """Append the entries of `version` the interview's log does not have yet (as a multiset)."""
    have = Counter(
        audit_identity(list(r))
        for r in store.conn.execute(
            "SELECT at, user, device_id, question, field, old, new FROM audit WHERE interview_id = ?"
            f" AND field NOT IN ({', '.join(repr(f) for f in BOOKKEEPING_FIELDS)})",
            (version.id,),
        )
    )
    missing = []
    for row in version.audit:
        key = audit_identity(row)
        if have[key]:
            have[key] -= 1
        else:
            missing.append(row)
    _append_audit(store, version.id, missing)


def _append_audit(store, interview_id: str, rows: list[list]) -> None:
    store.writes.append_audit((r[0], r[1], r[2], interview_id, r[3], r[4], r[5], r[6]) for r in rows)


_ROW_FIELDS = INTERVIEW_FIELDS + LOCAL_FIELDS


def _show(store, version: Version) -> None:
    """Make the interview's row and answers those of `version` (its audit is handled apart)."""
    store.writes.show(
        version.id,
        {name: version.interview[name] for name in _ROW_FIELDS[1:]},
        [(version.id, *r) for r in version.answers],
    )


# -- interviews new to the master: bulk inserts -----------------------------------------------


def _insert(store, versions: list[Version]) -> None:
    if not versions:
        return
    versions = sorted(versions, key=lambda v: v.id)  # key order: see InterviewWrites.add_interviews
    store.writes.add_interviews(
        _ROW_FIELDS,
        [[v.interview[name] for name in _ROW_FIELDS] for v in versions],
        [(v.id, *r) for v in versions for r in v.answers],
        [(r[0], r[1], r[2], v.id, r[3], r[4], r[5], r[6]) for v in versions for r in v.audit],
        [(v.id, *r) for v in versions for r in v.paradata],
    )


def _merge_paradata(store, versions: list[Version]) -> None:
    store.writes.merge_paradata([(v.id, *r) for v in versions for r in v.paradata])
