"""Edit session packages as an attacker or a damaged copy would, for the hostile-input tests.

members = members_of(package)
members[MANIFEST] = ...
write_members(tmp_path / "bad.yzpack", members)            # hashes left as they are
write_members(tmp_path / "bad.yzpack", reseal(members))    # every hash recomputed: only the content is wrong
"""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from pathlib import Path

from yingzao.core.exchange.content_hash import Version
from yingzao.core.exchange.package import INTERVIEWS, MANIFEST


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_members(out: Path, members: dict[str, bytes] | list[tuple[str, bytes]]) -> Path:
    items = members.items() if isinstance(members, dict) else members
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names some tests write on purpose
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in items:
                zf.writestr(name, data)
    return out


def manifest_of(members: dict[str, bytes]) -> dict:
    return json.loads(members[MANIFEST])


def lines_of(members: dict[str, bytes]) -> list[dict]:
    return [json.loads(line) for line in members[INTERVIEWS].splitlines() if line]


def reseal(
    members: dict[str, bytes], manifest: dict | None = None, lines: list[dict] | None = None
) -> dict[str, bytes]:
    """Recompute every hash and count after an edit, as a careful forger would."""
    manifest = manifest if manifest is not None else manifest_of(members)
    if lines is not None:
        for line, entry in zip(lines, manifest["interviews"]):
            version = Version.from_json({**line, "content_sha256": ""})
            line["content_sha256"] = entry["content_sha256"] = version.sha256
            entry["answers"], entry["audit"] = len(version.answers), len(version.audit)
        manifest["counts"]["answers"] = sum(e["answers"] for e in manifest["interviews"])
        manifest["counts"]["audit"] = sum(e["audit"] for e in manifest["interviews"])
        members[INTERVIEWS] = b"".join(
            json.dumps(line, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n" for line in lines
        )
    for name in manifest["files"]:
        if name in members:
            manifest["files"][name] = hashlib.sha256(members[name]).hexdigest()
    members[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return members
