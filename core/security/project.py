"""The project file (`.yzproject`): what every database of one study agrees on, signed by the project.

    {"format": "yingzao-project", "body": "<canonical JSON of the project>", "signature": "<base64>"}

The body carries the project's public keys (its signing key, and the age recipient every session
package is encrypted to), the supervisors' public keys, the protocols in use (their workbooks) and
the codebook, and whether laptops must encrypt their databases. Its signature is the project
signing key's, over b"yingzao-project\\0" + body. A laptop takes the first project file it is given
on trust (the researcher hands it over, and its fingerprint is shown); after that, only a file
signed by the same project key with a higher revision replaces it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from yingzao.core.errors import Text
from yingzao.core.exchange.json_limits import json_depth_exceeds, storable
from yingzao.core.security.keys import BadKey, KeyPair, PublicKeys, canonical

FORMAT = "yingzao-project"
MAX_BYTES = 64 << 20  # four protocol workbooks and a codebook are well under a megabyte
_CONTEXT = b"yingzao-project\0"


class ProjectFileError(Exception):
    """Why a project file cannot be used, in both languages (`why`); the error catalogue (core/errors/) says it to the user."""

    def __init__(self, why: Text) -> None:
        super().__init__(why.en)
        self.why = why


_NOT_A_PROJECT_FILE = Text("它不是项目文件", "it is not a project file")


@dataclass(frozen=True)
class Supervisor:
    name: str
    keys: PublicKeys

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, **self.keys.to_json()}


@dataclass
class Project:
    project_id: str
    name: str
    keys: PublicKeys  # the project's own: checks the project file, receives every session package
    revision: int = 1
    created_at: str = ""
    updated_at: str = ""
    supervisors: list[Supervisor] = field(default_factory=list)
    protocols: list[dict[str, str]] = field(default_factory=list)  # sha256, form_id, version, workbook (base64)
    codebook: str = ""  # forms/codebook.csv format
    encrypt_databases: bool = False

    @property
    def fingerprint(self) -> str:
        return self.keys.fingerprint

    def supervisor(self, signing_key: str) -> Supervisor | None:
        return next((s for s in self.supervisors if s.keys.signing == signing_key), None)

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": 1,
            "project_id": self.project_id,
            "name": self.name,
            "revision": self.revision,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            **self.keys.to_json(),
            "supervisors": [s.to_json() for s in self.supervisors],
            "protocols": self.protocols,
            "codebook": self.codebook,
            "encrypt_databases": self.encrypt_databases,
        }

    def workbooks(self) -> list[tuple[str, bytes]]:
        """(sha256, workbook bytes) of each protocol the project carries."""
        return [(p["sha256"], base64.b64decode(p["workbook"])) for p in self.protocols]


def signed_file(project: Project, project_keys: KeyPair) -> bytes:
    """The `.yzproject` bytes: the body and the project key's signature over it."""
    if project_keys.public != project.keys:
        raise ProjectFileError(Text("这些不是项目的密钥", "these are not the project's keys"))
    body = canonical(project.body()).decode("utf-8")
    signature = project_keys.sign(_CONTEXT + body.encode("utf-8"))
    return json.dumps({"format": FORMAT, "body": body, "signature": signature}, ensure_ascii=False).encode("utf-8")


def read_file(data: bytes) -> Project:
    """A project file checked whole: its shape, every key, and its own signature."""
    if len(data) > MAX_BYTES:
        raise ProjectFileError(Text("它比任何项目文件都大", "it is larger than any project file"))
    if json_depth_exceeds(data, 16):
        raise ProjectFileError(_NOT_A_PROJECT_FILE)
    try:
        outer = json.loads(data)
        if not isinstance(outer, dict) or outer.get("format") != FORMAT:
            raise ProjectFileError(_NOT_A_PROJECT_FILE)
        body_text, signature = outer["body"], outer["signature"]
        if not isinstance(body_text, str) or not isinstance(signature, str):
            raise ProjectFileError(_NOT_A_PROJECT_FILE)
        body = json.loads(body_text)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ProjectFileError(_NOT_A_PROJECT_FILE) from None
    if not isinstance(body, dict) or not storable(body):
        raise ProjectFileError(_NOT_A_PROJECT_FILE)
    try:
        project = _project(body)
    except (KeyError, TypeError, ValueError, BadKey) as error:
        raise ProjectFileError(Text(f"它不完整（{error}）", f"it is incomplete ({error})")) from None
    if not project.keys.verify(_CONTEXT + body_text.encode("utf-8"), signature):
        raise ProjectFileError(
            Text("签名不符：它在生成后被改动过", "signature does not match: altered after it was made")
        )
    return project


def _project(body: dict[str, Any]) -> Project:
    if body.get("format") != FORMAT or body.get("format_version") != 1:
        raise ValueError("unknown format")
    texts = ("project_id", "name", "created_at", "updated_at", "codebook")
    if not all(isinstance(body[n], str) for n in texts) or type(body["revision"]) is not int:
        raise TypeError("fields of the wrong type")
    if not isinstance(body["encrypt_databases"], bool):
        raise TypeError("encrypt_databases")
    supervisors = []
    for item in body["supervisors"]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise TypeError("a supervisor")
        supervisors.append(Supervisor(item["name"], PublicKeys.from_json(item)))
    protocols = body["protocols"]
    if not isinstance(protocols, list) or not all(
        isinstance(p, dict) and all(isinstance(p.get(k), str) for k in ("sha256", "form_id", "version", "workbook"))
        for p in protocols
    ):
        raise TypeError("protocols")
    for entry in protocols:
        base64.b64decode(entry["workbook"], validate=True)
    return Project(
        project_id=body["project_id"],
        name=body["name"],
        keys=PublicKeys.from_json(body),
        revision=body["revision"],
        created_at=body["created_at"],
        updated_at=body["updated_at"],
        supervisors=supervisors,
        protocols=protocols,
        codebook=body["codebook"],
        encrypt_databases=body["encrypt_databases"],
    )
