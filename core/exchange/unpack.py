"""Reading a session or review package from someone else: everything checked before it is used.

The format is core/exchange/package.py's (docs/package-format.md); the limits here keep a hostile
package from exhausting memory, recursion or time, and every refusal names the package and leaves
the master untouched.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yingzao.core import errors
from yingzao.core.anonymity.table import Pseudonym
from yingzao.core.errors import FormError, Text
from yingzao.core.exchange import coding_member, pseudonyms
from yingzao.core.exchange.content_hash import (
    ANSWER_FIELDS,
    AUDIT_FIELDS,
    INTERVIEW_FIELDS,
    PARADATA_FIELDS,
    Version,
)
from yingzao.core.exchange.json_limits import json_depth_exceeds, storable
from yingzao.core.exchange.package import (
    COMMUNITIES,
    FORMAT,
    FORMAT_VERSION,
    INTERVIEWS,
    KINDS,
    MANIFEST,
    MAX_DEVICE_LABEL,
)
from yingzao.core.forms.loader import load_protocol_bytes
from yingzao.core.forms.protocol import Protocol
from yingzao.core.review import signatures
from yingzao.core.security.envelope import is_sealed
from yingzao.core.store.records import MARKERS, STATUSES
from yingzao.core.store.trust import Signature

# Limits on what a package may make the reader do. Real packages are far below them: 600 interviews
# of bench/make_data are 28 MB unpacked (so 512 MB is ~11,000 such interviews in one file), the
# interviews deflate ~20 times, and the JSON is at most 4 levels deep.

MAX_TOTAL_BYTES = 512 << 20  # all members unpacked together
MAX_MANIFEST_BYTES = 64 << 20
MAX_MEMBERS = 1_000  # manifest, interviews, communities and two files per protocol version
MAX_RATIO = 100  # unpacked / packed size of a member, once it is larger than RATIO_FLOOR
RATIO_FLOOR = 1 << 20  # small members may compress better than that (a list of empty answers)
MAX_JSON_DEPTH = 32  # nesting of arrays and objects in any JSON document of a package
_CHUNK = 1 << 20

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_WORKBOOK_NAME = re.compile(r"^[^/\\:\x00-\x1f]{1,200}\.(xlsx|xlsm|xls)$", re.IGNORECASE)
_ZIP_MAGIC = b"PK\x03\x04"
_SCALARS = (str, int, float, type(None))


# Workbooks already parsed in this process, by (hash, file name): a merge of many packages carrying
# the same new protocol version parses it once. The hash names the bytes, so an entry cannot go stale.
_PARSED: dict[tuple[str, str], Protocol] = {}


@dataclass
class Package:
    """A validated package, read whole into memory; nothing here has touched a database yet."""

    path: Path
    package_id: str
    manifest: dict[str, Any]
    versions: list[Version] = field(default_factory=list)
    communities: list[dict[str, Any]] = field(default_factory=list)
    protocol_members: dict[str, tuple[bytes, bytes | None]] = field(default_factory=dict)
    coding: dict[str, list[Any]] = field(default_factory=dict)  # format 2: the researcher's coding
    pseudonyms: list[Pseudonym] = field(default_factory=list)  # the packing laptop's table, when carried
    signatures: list[Signature] = field(default_factory=list)  # supervisors' signatures of review rows

    @property
    def device_id(self) -> str:
        return self.manifest["device_id"]

    @property
    def device_label(self) -> str:
        """The packing laptop's name as its user gave it; '' from packages made before it was carried."""
        return self.manifest.get("device_label", "")

    @property
    def fieldworker(self) -> str:
        return self.manifest["fieldworker"]

    @property
    def created_at(self) -> str:
        return self.manifest["created_at"]

    def protocol(self, sha256: str) -> Protocol:
        """One protocol version the package carries, as the master itself reads its workbook.

        The parsed definition in the package is never trusted (it could clear every `identifying`
        flag while the genuine workbook hashes right): the workbook is parsed here, and a package
        whose definition says anything else is refused. Only protocols the master lacks need this."""
        definition, workbook = self.protocol_members[sha256]
        if workbook is None:
            raise errors.package_protocol_unverifiable(
                self.path, sha256, Text("数据包没有附带它的工作簿", "the package does not carry its workbook")
            )
        if hashlib.sha256(workbook).hexdigest() != sha256:
            raise errors.damaged_package(
                self.path,
                Text(
                    f"提纲 {sha256[:12]} 的工作簿与其哈希值不符",
                    f"the workbook of protocol {sha256[:12]} does not match its hash",
                ),
            )
        carried = _json(self.path, definition, Text(f"提纲 {sha256[:12]}", f"protocol {sha256[:12]}"))
        if not isinstance(carried, dict):
            raise errors.damaged_package(
                self.path, Text(f"提纲 {sha256[:12]} 无法读取", f"protocol {sha256[:12]} cannot be read")
            )
        name = carried.get("source_name")
        if not (isinstance(name, str) and _WORKBOOK_NAME.match(name)):
            name = f"{sha256}.xlsx"
        protocol = _PARSED.get((sha256, name))
        if protocol is None:
            try:
                protocol = load_protocol_bytes(workbook, name)
            except FormError as error:
                first = error.problems[0] if error.problems else error
                raise errors.package_protocol_unverifiable(
                    self.path,
                    sha256,
                    Text(f"它无法载入：{_read(first, 'zh')}", f"it does not load: {_read(first, 'en')}"),
                ) from None
            if len(_PARSED) >= 64:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[(sha256, name)] = protocol
        if json.loads(json.dumps(protocol.to_dict())) != carried:  # as JSON: tuples read back as lists
            raise errors.damaged_package(
                self.path,
                Text(
                    f"提纲 {sha256[:12]} 的定义与它自己的工作簿不一致",
                    f"the definition of protocol {sha256[:12]} is not what its own workbook says",
                ),
            )
        return protocol

    def workbook(self, sha256: str) -> bytes | None:
        return self.protocol_members[sha256][1]


# -- reading -----------------------------------------------------------------------------------


def read_manifest(path: Path | str, content: bytes | None = None) -> tuple[str, dict[str, Any]]:
    """The package id (SHA-256 of its manifest) and the validated manifest, without the rest.
    `content`: the zip's bytes when they were already read (and decrypted) from `path`."""
    path = Path(path)
    with _open_zip(path, content) as zf:
        return _manifest(path, zf)


def read_package(path: Path | str, content: bytes | None = None) -> Package:
    """Read and validate a whole package; raises PackageError saying what is wrong and what to do."""
    path = Path(path)
    with _open_zip(path, content) as zf:
        package_id, manifest = _manifest(path, zf)
        files: dict[str, str] = manifest["files"]
        unexpected = sorted(set(zf.namelist()) - set(files) - {MANIFEST})
        if unexpected:
            raise errors.damaged_package(
                path,
                Text(
                    f"其中有清单未列出的文件（{_shown(unexpected[0])}）",
                    f"it holds a file its manifest does not list ({_shown(unexpected[0])})",
                ),
            )
        members = {name: _member(path, zf, name, sha) for name, sha in files.items()}
    package = Package(path, package_id, manifest)
    for entry in manifest["protocols"]:
        workbook = members[entry["workbook"]] if entry["workbook"] else None
        package.protocol_members[entry["sha256"]] = (members[entry["definition"]], workbook)
    package.communities = _communities(path, members[COMMUNITIES])
    if pseudonyms.MEMBER in members:
        package.pseudonyms = pseudonyms.rows(
            path, _json(path, members[pseudonyms.MEMBER], Text(pseudonyms.MEMBER, pseudonyms.MEMBER))
        )
    if signatures.MEMBER in members:
        try:
            package.signatures = signatures.read_member(
                _json(path, members[signatures.MEMBER], Text(signatures.MEMBER, signatures.MEMBER))
            )
        except ValueError:
            raise errors.damaged_package(
                path, Text(f"{signatures.MEMBER} 格式错误", f"{signatures.MEMBER} is malformed")
            ) from None
    package.versions = _versions(path, members[INTERVIEWS], manifest, package)
    if coding_member.CODING in members:
        package.coding = coding_member.decode(path, members[coding_member.CODING])
    return package


def _open_zip(path: Path, content: bytes | None = None) -> zipfile.ZipFile:
    """The zip, once its directory shows nothing a session package never has: duplicate names,
    more members, more unpacked bytes or a higher compression ratio than the limits above."""
    head = read_head(path) if content is None else content[:16]
    if not head:
        raise errors.package_incomplete(path)
    if is_sealed(head):  # the caller opens a sealed package first (core/exchange/merge.py)
        raise errors.package_needs_project_key(path)
    if not head.startswith(_ZIP_MAGIC):
        what = (
            Text(
                "这是数据库文件；请在营造中用“导出数据包”从它导出",
                "it is a database file; export a session from it with Export session",
            )
            if head.startswith(b"SQLite")
            else Text("它不是 zip 文件", "it is not a zip file")
        )
        raise errors.not_a_package(path, what)
    try:
        zf = zipfile.ZipFile(path if content is None else io.BytesIO(content))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise errors.package_incomplete(path) from error
    try:
        _check_directory(path, zf)
    except BaseException:
        zf.close()
        raise
    return zf


def read_head(path: Path) -> bytes:
    """The first bytes of a package file: enough to tell a sealed package, a zip and a database apart."""
    try:
        with path.open("rb") as handle:
            return handle.read(32)
    except OSError as error:
        raise errors.package_unreadable(path, error) from error


def _check_directory(path: Path, zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise errors.package_too_large(
            path,
            Text(f"{len(infos)} 个文件", f"{len(infos)} files"),
            Text(f"{MAX_MEMBERS} 个文件", f"{MAX_MEMBERS} files"),
        )
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:  # zipfile would silently read the last one
            raise errors.package_duplicate_member(path, _shown(info.filename))
        seen.add(info.filename)
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise errors.package_too_large(
            path, Text(f"解压后 {_mib(total)}", f"{_mib(total)} unpacked"), _mib(MAX_TOTAL_BYTES)
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise errors.package_too_large(
                path,
                Text(
                    f"{_shown(info.filename)} 解压后是压缩大小的 {info.file_size // max(info.compress_size, 1)} 倍",
                    f"{_shown(info.filename)} unpacks {info.file_size // max(info.compress_size, 1)} times its size",
                ),
                Text(f"{MAX_RATIO} 倍", f"{MAX_RATIO} times"),
            )


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB"


def _shown(name: str) -> str:
    """A member name as it may appear in a message: hostile names can hold anything."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]", "?", name)[:120]


def _member(
    path: Path, zf: zipfile.ZipFile, name: str, sha256: str | None = None, *, limit: int = MAX_TOTAL_BYTES
) -> bytes:
    """A member's bytes, read in chunks and abandoned as soon as it passes what its directory entry
    declared or `limit`: the directory may lie, and inflating first would already be the damage."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise errors.damaged_package(path, Text(f"缺少 {_shown(name)}", f"{_shown(name)} is missing")) from None
    if info.file_size > limit:
        raise errors.package_too_large(
            path,
            Text(f"{_shown(name)} 有 {_mib(info.file_size)}", f"{_shown(name)} is {_mib(info.file_size)}"),
            _mib(limit),
        )
    allowed = min(info.file_size, limit)
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > allowed:
                    raise errors.damaged_package(
                        path,
                        Text(
                            f"{_shown(name)} 比 zip 目录中记载的大", f"{_shown(name)} is larger than its zip entry says"
                        ),
                    )
                chunks.append(chunk)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as error:  # RuntimeError: an encrypted member
        raise errors.damaged_package(
            path, Text(f"{_shown(name)} 无法解压（{error}）", f"{_shown(name)} cannot be unpacked ({error})")
        ) from error
    data = b"".join(chunks)
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise errors.damaged_package(
            path,
            Text(f"{_shown(name)} 与清单中的哈希值不符", f"{_shown(name)} does not match the hash in its manifest"),
        )
    return data


def _json(path: Path, data: bytes, what: Text) -> Any:
    """Parse one JSON document of a package, refusing before parsing anything nested deeper than
    MAX_JSON_DEPTH (a 200,000-deep array exhausts Python's recursion), numbers that are not finite
    and text that is not valid UTF-8 (lone surrogates cannot be stored)."""
    if json_depth_exceeds(data, MAX_JSON_DEPTH):
        raise errors.damaged_package(
            path, what + Text(f" 的嵌套超过 {MAX_JSON_DEPTH} 层", f" is nested deeper than {MAX_JSON_DEPTH} levels")
        )
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise errors.damaged_package(path, what + Text(" 不是可读的 JSON", " is not readable JSON")) from error
    if not storable(value):
        raise errors.damaged_package(
            path,
            what
            + Text(
                " 含有无法保存的值（超出范围的数字，或不是有效 Unicode 的文字）",
                " holds a value that cannot be stored (a number out of range or text that is not valid Unicode)",
            ),
        )
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


_MANIFEST_TEXT = Text("清单", "its manifest")
_NAME_TOO_LONG = Text("清单中的名称远长于任何真实的名称", "its manifest has a name far longer than any real one")


def _read(problem: object, language: str) -> str:
    """A form problem (or error) in one language, to quote inside a message that has both."""
    read = getattr(problem, "read", None)
    return read(language) if callable(read) else str(problem)


_MANIFEST_TYPES = {
    "kind": str,
    "app_version": str,
    "device_id": str,
    "fieldworker": str,
    "created_at": str,
    "interviews": list,
    "protocols": list,
    "counts": dict,
    "files": dict,
}


def _manifest(path: Path, zf: zipfile.ZipFile) -> tuple[str, dict[str, Any]]:
    if MANIFEST not in zf.namelist():
        raise errors.not_a_package(
            path, Text("这是没有营造清单的 zip 文件", "it is a zip file without a Yingzao manifest")
        )
    raw = _member(path, zf, MANIFEST, limit=MAX_MANIFEST_BYTES)
    manifest = _json(path, raw, _MANIFEST_TEXT)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise errors.not_a_package(path, Text("它的清单不是营造的清单", "its manifest is not a Yingzao manifest"))
    version = manifest.get("format_version")
    if type(version) is not int or version < 1:
        raise errors.damaged_package(path, Text("清单没有有效的格式版本", "its manifest has no valid format version"))
    if version > FORMAT_VERSION:
        raise errors.newer_package(path, version, FORMAT_VERSION)
    for key, kind in _MANIFEST_TYPES.items():
        if not isinstance(manifest.get(key), kind):
            raise errors.damaged_package(path, Text(f"清单缺少有效的“{key}”", f"its manifest lacks a valid '{key}'"))
    if manifest["kind"] not in KINDS:
        raise errors.not_a_package(
            path,
            Text(
                f"它是“{_shown(manifest['kind'])[:40]}”数据包，不是访谈数据包",
                f"it is a '{_shown(manifest['kind'])[:40]}' package, not a session",
            ),
        )
    for optional in ("for_fieldworker", "device_label"):  # absent from older packages, or from other kinds
        if not isinstance(manifest.get(optional, ""), str):
            raise errors.damaged_package(
                path, Text(f"清单缺少有效的“{optional}”", f"its manifest lacks a valid '{optional}'")
            )
    if len(manifest.get("device_label", "")) > MAX_DEVICE_LABEL:
        raise errors.damaged_package(path, _NAME_TOO_LONG)
    if any(len(manifest[key]) > 1000 for key in ("app_version", "device_id", "fieldworker", "created_at")):
        raise errors.damaged_package(path, _NAME_TOO_LONG)
    files = manifest["files"]
    if (
        not all(isinstance(v, str) and _SHA256.match(v) for v in files.values())
        or INTERVIEWS not in files
        or COMMUNITIES not in files
        or MANIFEST in files
    ):
        raise errors.damaged_package(path, Text("清单中的文件列表有误", "its manifest lists its files wrongly"))
    for entry in manifest["interviews"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and isinstance(entry.get("content_sha256"), str)
            and _SHA256.match(entry["content_sha256"])
            and type(entry.get("answers")) is int
            and type(entry.get("audit")) is int
            and type(entry.get("comments", 0)) is int
        ):
            raise errors.damaged_package(path, Text("清单中的访谈条目有误", "its manifest lists an interview wrongly"))
    for entry in manifest["protocols"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and _SHA256.match(entry["sha256"])
            and isinstance(entry.get("definition"), str)
            and entry["definition"] in files
            and (entry.get("workbook") is None or (isinstance(entry["workbook"], str) and entry["workbook"] in files))
        ):
            raise errors.damaged_package(path, Text("清单中的提纲条目有误", "its manifest lists a protocol wrongly"))
    return hashlib.sha256(raw).hexdigest(), manifest


def _communities(path: Path, data: bytes) -> list[dict[str, Any]]:
    rows = _json(path, data, Text(COMMUNITIES, COMMUNITIES))
    if not isinstance(rows, list) or not all(
        isinstance(r, dict)
        and isinstance(r.get("id"), str)
        and isinstance(r.get("name"), str)
        and isinstance(r.get("created_at"), str)
        for r in rows
    ):
        raise errors.damaged_package(
            path, Text(f"{COMMUNITIES} 不是社区列表", f"{COMMUNITIES} is not a list of communities")
        )
    return rows


def _versions(path: Path, data: bytes, manifest: dict[str, Any], package: Package) -> list[Version]:
    entries = manifest["interviews"]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != len(entries):
        raise errors.damaged_package(
            path,
            Text(
                f"{INTERVIEWS} 有 {len(lines)} 个访谈，清单却记有 {len(entries)} 个",
                f"{INTERVIEWS} holds {len(lines)} interviews, its manifest {len(entries)}",
            ),
        )
    communities = {c["id"] for c in package.communities}
    versions: list[Version] = []
    seen: set[str] = set()
    for number, (line, entry) in enumerate(zip(lines, entries), start=1):
        parsed = _json(path, line, Text(f"{INTERVIEWS} 的第 {number} 个访谈", f"interview {number} of {INTERVIEWS}"))
        try:
            version = _version(parsed)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise errors.damaged_package(
                path,
                Text(
                    f"{INTERVIEWS} 的第 {number} 个访谈格式错误（{_shown(str(error))}）",
                    f"interview {number} of {INTERVIEWS} is malformed ({_shown(str(error))})",
                ),
            ) from None
        where = Text(f"访谈 {version.id}", f"interview {version.id}")
        if version.id != entry["id"] or version.id in seen:
            raise errors.damaged_package(path, where + Text(" 不在清单所说的位置", " is not where its manifest says"))
        if version.sha256 != entry["content_sha256"]:
            raise errors.damaged_package(
                path, Text(f"{where.zh} 的内容与其哈希值不符", f"the content of {where.en} does not match its hash")
            )
        if (
            len(version.answers) != entry["answers"]
            or len(version.audit) != entry["audit"]
            or len(version.comments) != entry.get("comments", 0)
        ):
            raise errors.damaged_package(
                path, where + Text(" 的回答数与清单所记不符", " does not have the answers its manifest counts")
            )
        if version.interview["protocol_sha256"] not in package.protocol_members:
            raise errors.damaged_package(
                path,
                where + Text(" 使用了数据包未附带的提纲版本", " uses a protocol version the package does not carry"),
            )
        if version.interview["community_id"] is not None and version.interview["community_id"] not in communities:
            raise errors.damaged_package(
                path, where + Text(" 所属的社区不在数据包中", " names a community the package does not carry")
            )
        seen.add(version.id)
        versions.append(version)
    counts = manifest["counts"]
    if (counts.get("answers"), counts.get("audit"), counts.get("comments", 0)) != (
        sum(len(v.answers) for v in versions),
        sum(len(v.audit) for v in versions),
        sum(len(v.comments) for v in versions),
    ):
        raise errors.damaged_package(path, Text("清单中的计数与内容不符", "its counts do not match its content"))
    return versions


def _version(data: dict[str, Any]) -> Version:
    """A version from one line of interviews.jsonl, every field type checked; its hash is computed
    from the content, never taken from the file."""
    interview = data["interview"]
    if not isinstance(interview, dict) or not all(name in interview for name in INTERVIEW_FIELDS):
        raise ValueError("the interview lacks fields")
    row = {name: interview[name] for name in INTERVIEW_FIELDS}
    row["last_question"] = interview.get("last_question")
    row["progress"] = interview.get("progress") or 0
    if (
        not all(
            isinstance(row[n], str)
            for n in (
                "id",
                "protocol_sha256",
                "protocol_id",
                "protocol_version",
                "respondent_role",
                "fieldworker",
                "device_id",
                "started_at",
                "updated_at",
            )
        )
        or row["status"] not in STATUSES
    ):
        raise ValueError("the interview has fields of the wrong type")
    optional = ("community_id", "ended_at", "outcome", "last_question")
    if not all(isinstance(row[n], (str, type(None))) for n in optional) or type(row["progress"]) is not int:
        raise ValueError("the interview has fields of the wrong type")
    answers = _rows(data["answers"], len(ANSWER_FIELDS), "answers")
    if not (
        _column(answers, 0, (str,))
        and _column(answers, 1, _SCALARS)
        and _column(answers, 3, (str, type(None)))
        and _column(answers, 4, (str,))
        and _column(answers, 5, (str,))
        and all(r[2] is None or r[2] in MARKERS for r in answers)
    ):
        raise ValueError("an answer has a value of the wrong type")
    if len({r[0] for r in answers}) != len(answers):
        raise ValueError("a question is answered twice")
    audit = _rows(data["audit"], len(AUDIT_FIELDS), "audit")
    if not (
        _column(audit, 0, (str,))
        and _column(audit, 1, (str,))
        and _column(audit, 2, (str,))
        and _column(audit, 3, (str, type(None)))
        and _column(audit, 4, (str,))
        and _column(audit, 5, _SCALARS)
        and _column(audit, 6, _SCALARS)
    ):
        raise ValueError("an audit entry has a field of the wrong type")
    paradata = _rows(data.get("paradata", []), len(PARADATA_FIELDS), "paradata")
    if not (
        _column(paradata, 0, (str,))
        and _column(paradata, 1, (int, float))
        and _column(paradata, 2, (int,))
        and _column(paradata, 3, (str,))
    ):
        raise ValueError("paradata of the wrong type")
    version = Version(row, sorted(answers, key=lambda r: r[0]), audit, paradata)  # hash recomputed here
    if data.get("comments", []) != version.comments:  # the readable copy must be what the hashed log says
        raise ValueError("its comments are not those its audit log records")
    return version


def _rows(rows: Any, width: int, what: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(type(r) is list and len(r) == width for r in rows):
        raise ValueError(f"{what} are not rows of {width} fields")
    return rows


def _column(rows: list[list[Any]], index: int, kinds: tuple[type, ...]) -> bool:
    # exact types: True is an int to isinstance, but never a stored answer
    return {type(r[index]) for r in rows} <= set(kinds)
