"""A database's place in a project: its device keys, the project file it holds, and (on the
researcher's database) the project's own keys under a passphrase.

Kept in the `settings` table: `device_keys` (this database's signing key and age identity, made the
first time they are needed; protected at rest when the database is encrypted), `project_file` (the
signed `.yzproject` it joined or made) and `project_secrets` (the project's keys wrapped under the
researcher's passphrase; only where the project was made, or where its keys were imported).
"""

from __future__ import annotations

import base64
import json
import uuid
import weakref
from dataclasses import replace
from functools import lru_cache
from typing import Any

from yingzao.core import errors
from yingzao.core.coding.codebook import research_codebook
from yingzao.core.errors import Text
from yingzao.core.forms.codebook import codebook_csv
from yingzao.core.forms.library import PROJECT_PROTOCOLS
from yingzao.core.forms.loader import load_protocol_bytes
from yingzao.core.security import keys as keylib
from yingzao.core.security.keys import BadKey, KeyPair, PublicKeys, WrongPassphrase
from yingzao.core.security.project import Project, ProjectFileError, Supervisor, read_file, signed_file
from yingzao.core.store.encryption import MIN_PASSPHRASE

DEVICE_KEYS = "device_keys"
PROJECT_FILE = "project_file"
PROJECT_SECRETS = "project_secrets"
KEY_CARD = "yingzao-key-card"
KEYS_FILE = "yingzao-project-keys"

# The project's keys once opened with the passphrase, for as long as the store is open: the
# researcher types it once per session, as with an SSH agent, not once per merge. Never on disk.
_UNLOCKED: weakref.WeakKeyDictionary[Any, KeyPair] = weakref.WeakKeyDictionary()


def device_keys(store) -> KeyPair:
    """This database's own keys, made and kept the first time they are asked for."""
    text = store.get_setting(DEVICE_KEYS)
    if text:
        return _key_pair(text)
    if store.read_only:
        raise errors.no_device_keys(store.path)
    pair = KeyPair.generate()
    store.set_setting(DEVICE_KEYS, pair.secret_text())
    return pair


@lru_cache(maxsize=8)
def _key_pair(text: str) -> KeyPair:
    return KeyPair.from_secret_text(text)


def project(store) -> Project | None:
    """The project this database belongs to, or None."""
    text = store.get_setting(PROJECT_FILE)
    if not text:
        return None
    kept = _parsed(text)  # shared by every caller: each gets its own lists to change
    return replace(kept, supervisors=list(kept.supervisors), protocols=[dict(p) for p in kept.protocols])


@lru_cache(maxsize=4)
def _parsed(text: str) -> Project:
    return read_file(text.encode("utf-8"))  # checked when it was kept; checked again, it is cheap


def is_supervisor(store) -> bool:
    """Whether this database holds a supervisor's key of its project: the one source of review rights."""
    text, keys = store.get_setting(PROJECT_FILE), store.get_setting(DEVICE_KEYS)
    if not text or not keys:
        return False
    return _parsed(text).supervisor(_key_pair(keys).public.signing) is not None  # read only: no copy needed


def must_encrypt(store) -> bool:
    """The project asks its laptops to encrypt their databases, and this one is not encrypted yet."""
    joined = project(store)
    return joined is not None and joined.encrypt_databases and not store.encrypted


def holds_project_keys(store) -> bool:
    return bool(store.get_setting(PROJECT_SECRETS))


# -- making a project --------------------------------------------------------------------------


def create_project(store, name: str, passphrase: str, *, encrypt_databases: bool = False) -> bytes:
    """Make a project on this (the researcher's) database: new project keys kept under
    `passphrase`, this database's key as the first supervisor, the protocols and codebook it holds.
    Returns the signed project file to hand to every laptop."""
    name = name.strip()
    if not name:
        raise errors.project_name_required()
    if len(passphrase) < MIN_PASSPHRASE:
        raise errors.passphrase_too_short(MIN_PASSPHRASE)
    if project(store) is not None:
        raise errors.already_in_project(store.path, project(store).name)  # type: ignore[union-attr]
    project_keys = KeyPair.generate()
    mine = device_keys(store)
    now = store.now()
    made = Project(
        project_id=str(uuid.uuid4()),
        name=name,
        keys=project_keys.public,
        created_at=now,
        updated_at=now,
        supervisors=[Supervisor(store.user or str(Text("研究者", "researcher")), mine.public)],
        protocols=_protocols(store),
        codebook=codebook_csv(research_codebook(store).codes),
        encrypt_databases=encrypt_databases,
    )
    data = signed_file(made, project_keys)
    wrapped = keylib.wrap(project_keys.secret_text().encode("utf-8"), passphrase, _purpose(made.project_id))
    with store.transaction():
        store.set_setting(PROJECT_FILE, data.decode("utf-8"))
        store.set_setting(PROJECT_PROTOCOLS, json.dumps([entry["sha256"] for entry in made.protocols]))
        store.set_setting(PROJECT_SECRETS, json.dumps({"project_id": made.project_id, "wrapped": wrapped}))
    _UNLOCKED[store] = project_keys  # who just chose the passphrase need not type it again
    return data


def _protocols(store, *, with_workbooks: bool = True) -> list[dict[str, str]]:
    """The protocols in use: of each form, the version this database loaded last (older versions,
    kept for the interviews taken with them, stay out of the project file)."""
    latest: dict[str, dict] = {}
    for version in store.protocol_versions():  # in the order they were loaded
        latest[version["form_id"]] = version
    found = []
    for version in latest.values():
        if not with_workbooks:
            found.append({"sha256": version["sha256"]})
            continue
        workbook = store.protocol_workbook(version["sha256"])
        if workbook is not None:
            found.append(
                {
                    "sha256": version["sha256"],
                    "form_id": version["form_id"],
                    "version": version["version"],
                    "source_name": version["source_name"],
                    "workbook": base64.b64encode(workbook).decode("ascii"),
                }
            )
    return found


def _purpose(project_id: str) -> str:
    return f"yingzao project keys {project_id}"


def unlock(store, passphrase: str) -> KeyPair:
    """The project's keys, opened with the passphrase; a wrong one says so and changes nothing."""
    text = store.get_setting(PROJECT_SECRETS)
    if not text:
        raise errors.no_project_keys(store.path)
    try:
        kept = json.loads(text)
        secret = keylib.unwrap(kept["wrapped"], passphrase, _purpose(kept["project_id"]))
        pair = KeyPair.from_secret_text(secret.decode("utf-8"))
    except WrongPassphrase:
        raise errors.wrong_project_passphrase() from None
    except (ValueError, KeyError, TypeError, BadKey) as error:
        raise errors.project_keys_damaged(store.path) from error
    joined = project(store)
    if joined is None or pair.public != joined.keys:
        raise errors.project_keys_damaged(store.path)
    _UNLOCKED[store] = pair
    return pair


def unlocked(store) -> KeyPair | None:
    """The project's keys if they were opened in this session (see `unlock`)."""
    return _UNLOCKED.get(store)


def lock(store) -> None:
    _UNLOCKED.pop(store, None)


def export_keys(store) -> bytes:
    """The project's keys as they are kept (still under the passphrase), to give a second
    researcher or supervisor who merges packages, or to keep a copy away from this laptop."""
    text = store.get_setting(PROJECT_SECRETS)
    if not text:
        raise errors.no_project_keys(store.path)
    return json.dumps({"format": KEYS_FILE, **json.loads(text)}).encode("utf-8")


def import_keys(store, data: bytes, passphrase: str, source) -> None:
    """Keep the project's keys exported from the researcher's database, once the passphrase opens
    them and they are the keys of the project this database belongs to."""
    joined = project(store)
    if joined is None:
        raise errors.not_in_project(store.path)
    try:
        kept = json.loads(data[: 1 << 20])
        if kept.get("format") != KEYS_FILE:
            raise ValueError
        secret = keylib.unwrap(kept["wrapped"], passphrase, _purpose(kept["project_id"]))
        pair = KeyPair.from_secret_text(secret.decode("utf-8"))
    except WrongPassphrase:
        raise errors.wrong_project_passphrase() from None
    except (ValueError, KeyError, TypeError, AttributeError, BadKey, UnicodeDecodeError):
        raise errors.not_a_keys_file(source) from None
    if pair.public != joined.keys:
        raise errors.keys_of_another_project(source, joined.name)
    store.set_setting(PROJECT_SECRETS, json.dumps({"project_id": kept["project_id"], "wrapped": kept["wrapped"]}))


# -- joining and updating ----------------------------------------------------------------------


def join_project(store, data: bytes, source) -> Project:
    """Take a project file: the first one on trust (its fingerprint is shown to compare with the
    researcher's), later ones only from the same project key and with a higher revision. The
    protocols it carries are added to the database."""
    try:
        offered = read_file(data)
    except ProjectFileError as error:
        raise errors.bad_project_file(source, error.why) from None
    current = project(store)
    if current is not None:
        if offered.project_id != current.project_id or offered.keys != current.keys:
            raise errors.already_in_project(store.path, current.name)
        if offered.revision <= current.revision:
            return current  # the same or an older file: nothing to take
    protocols = []
    for entry in offered.protocols:
        if store.has_protocol(entry["sha256"]):
            continue
        workbook = base64.b64decode(entry["workbook"])
        try:
            protocol = load_protocol_bytes(workbook, entry.get("source_name") or f"{entry['form_id']}.xlsx")
        except errors.FormError as error:
            why = Text(
                f"提纲 {entry['form_id']} 无法载入：{error}", f"protocol {entry['form_id']} does not load: {error}"
            )
            raise errors.bad_project_file(source, why) from None
        if protocol.sha256 != entry["sha256"]:
            why = Text(
                f"提纲 {entry['form_id']} 与其哈希值不符", f"protocol {entry['form_id']} does not match its hash"
            )
            raise errors.bad_project_file(source, why)
        protocols.append((protocol, workbook))
    device_keys(store)
    with store.transaction():
        for protocol, workbook in protocols:
            store.add_protocol(protocol, workbook)
        store.set_setting(PROJECT_FILE, data.decode("utf-8"))
        store.set_setting(PROJECT_PROTOCOLS, json.dumps([entry["sha256"] for entry in offered.protocols]))
    return offered


def key_card(store, name: str | None = None) -> bytes:
    """This database's public keys, with its user's name, for the researcher to list as a supervisor."""
    mine = device_keys(store).public
    card = {"format": KEY_CARD, "name": (name or store.user).strip(), "device_id": store.device_id, **mine.to_json()}
    return json.dumps({**card, "fingerprint": mine.fingerprint}, ensure_ascii=False).encode("utf-8")


def read_key_card(data: bytes, source) -> tuple[str, PublicKeys]:
    try:
        card = json.loads(data[: 1 << 20])
        if not isinstance(card, dict) or card.get("format") != KEY_CARD or not isinstance(card.get("name"), str):
            raise ValueError
        return card["name"][:200], PublicKeys.from_json(card)
    except (ValueError, UnicodeDecodeError, BadKey):
        raise errors.not_a_key_card(source) from None


def set_supervisors(store, passphrase: str, change: Any) -> bytes:
    """A new revision of the project file, signed with the project's keys, after `change(project)`
    (adding or removing supervisors, the encryption rule, the protocols); kept here and returned to
    hand out."""
    joined = project(store)
    if joined is None:
        raise errors.not_in_project(store.path)
    project_keys = unlock(store, passphrase)
    updated = read_file(store.get_setting(PROJECT_FILE).encode("utf-8"))
    change(updated)
    updated.revision = joined.revision + 1
    updated.updated_at = store.now()
    data = signed_file(updated, project_keys)
    store.set_setting(PROJECT_FILE, data.decode("utf-8"))
    return data


def add_supervisor(store, passphrase: str, name: str, public: PublicKeys) -> bytes:
    def change(p: Project) -> None:
        p.supervisors = [s for s in p.supervisors if s.keys.signing != public.signing] + [Supervisor(name, public)]

    return set_supervisors(store, passphrase, change)


def remove_supervisor(store, passphrase: str, fingerprint: str) -> bytes:
    def change(p: Project) -> None:
        kept = [s for s in p.supervisors if s.keys.fingerprint != fingerprint]
        if len(kept) == len(p.supervisors):
            raise errors.unknown_supervisor(fingerprint)
        p.supervisors = kept

    return set_supervisors(store, passphrase, change)


def protocols_to_publish(store) -> bool:
    """Whether this database uses protocols or a codebook its project file does not carry yet."""
    joined = project(store)
    if joined is None:
        return False
    carried = [p["sha256"] for p in joined.protocols]
    in_use = [p["sha256"] for p in _protocols(store, with_workbooks=False)]
    return in_use != carried or codebook_csv(research_codebook(store).codes) != joined.codebook


def publish_protocols(store, passphrase: str) -> bytes | None:
    """A new revision of the project file carrying the protocols and codebook this (the researcher's)
    database uses now — a protocol revised in forms/ mid-fieldwork reaches every laptop that takes the
    new file, and this database interviews with it too. None when the project already carries them."""
    joined = project(store)
    if joined is None:
        raise errors.not_in_project(store.path)
    protocols = _protocols(store)
    codebook = codebook_csv(research_codebook(store).codes)
    if [p["sha256"] for p in protocols] == [p["sha256"] for p in joined.protocols] and codebook == joined.codebook:
        return None

    def change(p: Project) -> None:
        p.protocols, p.codebook = protocols, codebook

    with store.transaction():
        data = set_supervisors(store, passphrase, change)
        store.set_setting(PROJECT_PROTOCOLS, json.dumps([entry["sha256"] for entry in protocols]))
    return data


def project_file(store) -> bytes:
    text = store.get_setting(PROJECT_FILE)
    if not text:
        raise errors.not_in_project(store.path)
    return text.encode("utf-8")
