"""Session packages: the file a fieldworker's laptop exports and a researcher merges.

A package is a zip file (`.yzpack`) of JSON documents only — nothing in it is ever unpickled or
evaluated. The format is described for people in docs/package-format.md; reading validates every
part of it (zip integrity, manifest, member hashes, each interview's content hash, protocols)
before the caller touches any database.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yingzao.core import errors
from yingzao.core.durable import write_durably
from yingzao.core.exchange import coding_member, pseudonyms, sealing
from yingzao.core.exchange.content_hash import (
    held_version,
)
from yingzao.core.export.damage import diagnose
from yingzao.core.review import signatures
from yingzao.core.store import driver

FORMAT = "yingzao-package"
FORMAT_VERSION = 2  # 2: the researcher's coding (coding.jsonl, core/exchange/coding_member.py)
KIND_SESSION = "session"
KIND_REVIEW = (
    "review"  # a supervisor's decisions and comments going back to a fieldworker (core/exchange/review_package.py)
)
KINDS = (KIND_SESSION, KIND_REVIEW)
SUFFIX = ".yzpack"
MANIFEST = "manifest.json"
INTERVIEWS = "interviews.jsonl"
COMMUNITIES = "communities.json"
MAX_DEVICE_LABEL = 200  # characters; the first-run dialog's labels are a few words


@dataclass
class PackSummary:
    path: Path
    package_id: str
    selection: str  # 'changed' or 'all'
    interviews: int
    answers: int
    audit: int
    protocols: int
    sealed: bool = False  # signed by this device and encrypted to the project (core/exchange/sealing.py)


def app_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("yingzao")
    except PackageNotFoundError:  # imported from a checkout that was never installed
        return "unknown"


# -- writing -----------------------------------------------------------------------------------


def changed_since_last_export(store) -> list[str]:
    """Interviews with an audit entry newer than the last export (all of them before the first)."""
    conn = store.conn
    last = conn.execute("SELECT audit_high FROM exports ORDER BY id DESC LIMIT 1").fetchone()
    if last is None:
        return [r[0] for r in conn.execute("SELECT id FROM interviews ORDER BY started_at, id")]
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM interviews WHERE id IN (SELECT interview_id FROM audit WHERE id > ?)"
            " ORDER BY started_at, id",
            (last[0],),
        )
    ]


def last_export(store) -> dict[str, Any] | None:
    cursor = store.conn.execute("SELECT at, file_name, interviews FROM exports ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    return dict(zip(("at", "file_name", "interviews"), row)) if row else None


def pack_counts(store) -> tuple[int, dict[str, Any] | None, int]:
    """What the pack dialog shows before packing: interviews in all, the last export (None before the
    first) and the interviews changed since. A damaged database raises the error `pack` would give."""
    try:
        return store.count_interviews(), last_export(store), len(changed_since_last_export(store))
    except driver.DatabaseError as error:
        raise pack_read_error(store.path, error) from None


def pack_session(
    store, out: Path | str, *, all_interviews: bool = False, overwrite: bool = False
) -> PackSummary | None:
    """Write the interviews changed since the last export (or all) to `out`; None when there is
    nothing to write (then no file is made). Records the export so the next one knows where to start."""
    out = Path(out)
    conn = store.conn
    manifest = None
    try:
        with store.snapshot():  # edits made meanwhile (the app keeps running) wait for the next export
            audit_high = conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
            ids = (
                [r[0] for r in conn.execute("SELECT id FROM interviews ORDER BY started_at, id")]
                if all_interviews
                else changed_since_last_export(store)
            )
            last = None if all_interviews else last_export(store)
            coding = coding_member.records_to_pack(store, last["at"] if last else None)
            coded = coding_member.interviews_of(coding) - set(ids)
            if coded:  # a coding travels with the text it is checked against
                ids += [
                    r[0]
                    for r in conn.execute(
                        f"SELECT id FROM interviews WHERE id IN ({_marks(coded)}) ORDER BY started_at, id", list(coded)
                    )
                ]
            manifest = (
                write_package(
                    store,
                    out,
                    ids,
                    "all" if all_interviews else "changed",
                    overwrite=overwrite,
                    coding=coding,
                    sealer=sealing.session_sealer(store, KIND_SESSION),
                )
                if ids or any(coding.values())
                else None
            )
        if manifest is None:
            return None
        with store.transaction():
            conn.execute(
                "INSERT INTO exports (at, user, file_name, package_id, selection, audit_high, interviews)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    manifest["created_at"],
                    store.user,
                    out.name,
                    manifest["package_id"],
                    manifest["selection"],
                    audit_high,
                    manifest["counts"]["interviews"],
                ),
            )
    except (driver.DatabaseError, errors.YingzaoError) as error:
        if manifest is not None:  # written but not recorded: a package the user was told failed must not stay
            out.unlink(missing_ok=True)
        if isinstance(error, driver.DatabaseError):
            raise pack_read_error(store.path, error) from None
        raise
    counts = manifest["counts"]
    return PackSummary(
        out,
        manifest["package_id"],
        manifest["selection"],
        counts["interviews"],
        counts["answers"],
        counts["audit"],
        counts["protocols"],
        manifest["sealed"],
    )


def pack_read_error(path: Path, error: driver.DatabaseError) -> errors.StoreError:
    """What to tell the user when the database cannot be read for a package: by SQLite's error code
    where that says "damaged" or "busy"; otherwise SQLite's own checks on the file say what is wrong
    (a missing table, text that is not UTF-8). Never a traceback: `export` can still save the rest."""
    known = errors.from_sqlite(path, error)
    if known.code in ("damaged_database", "not_a_database", "database_locked"):
        return known
    return errors.pack_read_failed(path, error, diagnose(path, error))


def write_package(
    store,
    out: Path,
    ids: list[str],
    selection: str,
    *,
    kind: str = KIND_SESSION,
    extra: dict[str, Any] | None = None,
    overwrite: bool = False,
    coding: dict[str, list[Any]] | None = None,
    sealer: Callable[[bytes, dict[str, Any]], bytes] | None = None,
) -> dict[str, Any]:
    """Write the file (atomically: to a .partial file, then renamed); returns the manifest, with the
    package id added (it is the hash of the manifest, so it cannot be inside the file). `extra`
    adds manifest fields of a kind (a review package's `for_fieldworker`). An existing file is
    never replaced unless `overwrite`: it may be an earlier package that has not reached the
    researcher yet, and the next "changed since the last export" would no longer contain it."""
    if out.exists() and not overwrite:
        raise errors.package_exists(out)
    conn = store.conn
    buffer = io.BytesIO()  # built in memory: a sealed package never touches the disk in clear
    entries: list[dict[str, Any]] = []
    protocol_shas: dict[str, None] = {}
    community_ids: dict[str, None] = {}
    fieldworkers: dict[str, None] = {}
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            with zf.open(INTERVIEWS, "w") as member:
                for interview_id in ids:
                    version = held_version(conn, interview_id)
                    line = (
                        json.dumps(
                            version.to_json(), ensure_ascii=False, separators=(",", ":"), allow_nan=False
                        ).encode("utf-8")
                        + b"\n"
                    )
                    digest.update(line)
                    member.write(line)
                    info = version.interview
                    entries.append(
                        {
                            "id": interview_id,
                            "content_sha256": version.sha256,
                            "protocol_sha256": info["protocol_sha256"],
                            "protocol_version": info["protocol_version"],
                            "status": info["status"],
                            "answers": len(version.answers),
                            "audit": len(version.audit),
                        }
                    )
                    comments = len(version.comments)
                    if comments:
                        entries[-1]["comments"] = comments
                    protocol_shas.setdefault(info["protocol_sha256"], None)
                    if info["community_id"] is not None:
                        community_ids.setdefault(info["community_id"], None)
                    fieldworkers.setdefault(info["fieldworker"], None)
            files = {INTERVIEWS: digest.hexdigest()}
            communities = [
                dict(zip(("id", "name", "created_at"), row))
                for row in conn.execute(
                    f"SELECT id, name, created_at FROM communities WHERE id IN ({_marks(community_ids)}) ORDER BY id",
                    list(community_ids),
                )
            ]
            files[COMMUNITIES] = _write(zf, COMMUNITIES, _dumps(communities))
            coding_bytes = coding_member.encode(coding or {})
            if coding_bytes:
                files[coding_member.CODING] = _write(zf, coding_member.CODING, coding_bytes)
            signed = signatures.member(store, ids)
            if signed is not None:  # supervisors' signatures of the review rows these interviews carry
                files[signatures.MEMBER] = _write(zf, signatures.MEMBER, signed)
            table = pseudonyms.member(store)
            if table is not None:  # optional: older readers ignore it, an empty table leaves it out
                files[pseudonyms.MEMBER] = _write(zf, pseudonyms.MEMBER, table)
            protocols = []
            for sha in protocol_shas:
                form_id, version_name, definition, workbook = conn.execute(
                    "SELECT form_id, version, definition, workbook FROM protocols WHERE sha256 = ?", (sha,)
                ).fetchone()
                entry = {
                    "sha256": sha,
                    "form_id": form_id,
                    "version": version_name,
                    "definition": f"protocols/{sha}.json",
                    "workbook": None,
                }
                files[entry["definition"]] = _write(zf, entry["definition"], definition.encode("utf-8"))
                if workbook is not None:
                    entry["workbook"] = f"protocols/{sha}.xlsx"
                    files[entry["workbook"]] = _write(zf, entry["workbook"], bytes(workbook))
                protocols.append(entry)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "kind": kind,
                "app_version": app_version(),
                "device_id": store.device_id,
                **_device_label(store),
                "fieldworker": store.user or "、".join(name for name in fieldworkers if name),
                "created_at": store.now(),
                "selection": selection,
                "interviews": entries,
                "protocols": protocols,
                "counts": {
                    "interviews": len(entries),
                    "answers": sum(e["answers"] for e in entries),
                    "audit": sum(e["audit"] for e in entries),
                    "protocols": len(protocols),
                    "communities": len(communities),
                },
                "files": files,
                **(extra or {}),
            }
            comments = sum(e.get("comments", 0) for e in entries)
            if comments:  # only then: a package without comments is exactly what format 1 always was
                manifest["counts"]["comments"] = comments
            manifest["counts"].update(coding_member.counts(coding or {}))
            manifest_bytes = _dumps(manifest)
            zf.writestr(MANIFEST, manifest_bytes)
        package_id = hashlib.sha256(manifest_bytes).hexdigest()
        data = buffer.getvalue()
        if sealer is not None:
            data = sealer(data, manifest)
        write_durably(out, data)  # on disk for good before the caller records the export as done
    except OSError as error:
        raise errors.package_not_written(out, error) from error
    return {**manifest, "package_id": package_id, "sealed": sealer is not None}


def _device_label(store) -> dict[str, str]:
    """The manifest's `device_label`, when the laptop has one: the master's exports show it instead
    of the device id. Cut to what a reader accepts, so an odd setting cannot make the package unreadable."""
    label = (store.get_setting("device_label") or "").strip()[:MAX_DEVICE_LABEL]
    return {"device_label": label} if label else {}


def _marks(items: Iterable) -> str:
    return ", ".join("?" for _ in items)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def _write(zf: zipfile.ZipFile, name: str, data: bytes) -> str:
    zf.writestr(name, data)
    return hashlib.sha256(data).hexdigest()
