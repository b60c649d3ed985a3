"""What a database accepts of a package file, before anything is read from its content: see
core/exchange/sealing.py for who seals what."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yingzao.core import errors
from yingzao.core.exchange.package import KIND_REVIEW, KIND_SESSION
from yingzao.core.exchange.unpack import MAX_TOTAL_BYTES, read_head
from yingzao.core.security import membership
from yingzao.core.security.envelope import Altered, NotForUs, is_sealed, open_sealed
from yingzao.core.security.keys import KeyPair, PublicKeys
from yingzao.core.store.trust import ACCEPTED, REFUSED


@dataclass(frozen=True)
class Received:
    """A package file as this database may use it: its zip bytes (None: a plain zip on disk), who
    signed it, and whether it must wait for its device to be accepted."""

    content: bytes | None
    sealed: bool
    kind: str = ""
    signer: PublicKeys | None = None
    header: dict[str, Any] | None = None
    hold: bool = False


def receive(store, path: Path, *, project_keys: KeyPair | None = None, allow_unsigned: bool = False) -> Received:
    """Open, verify and judge one package file before anything is read from its content."""
    head = read_head(path)
    joined = membership.project(store)
    if not is_sealed(head):
        if joined is not None and not allow_unsigned:
            raise errors.unsigned_package_refused(path)
        return Received(None, sealed=False)
    if joined is None:
        raise errors.package_needs_project_key(path)
    try:
        size = path.stat().st_size
        if size > MAX_TOTAL_BYTES:
            found, limit = f"{size >> 20} MB", f"{MAX_TOTAL_BYTES >> 20} MB"  # the same in either language
            raise errors.package_too_large(path, found, limit)
        data = path.read_bytes()
    except OSError as error:
        raise errors.package_unreadable(path, error) from error
    identities = [membership.device_keys(store).identity]
    project_keys = project_keys or membership.unlocked(store)
    if project_keys is not None:
        identities.append(project_keys.identity)
    try:
        opened = open_sealed(data, identities)
    except NotForUs:
        if project_keys is None and membership.holds_project_keys(store):
            raise errors.package_needs_project_key(path) from None
        raise errors.package_not_for_us(path) from None
    except Altered:
        raise errors.package_altered(path) from None
    header = opened.header
    if header.get("project_id") != joined.project_id:
        raise errors.package_of_another_project(path)
    kind = header.get("kind")
    device_id = header.get("device_id")
    if not isinstance(device_id, str) or not device_id or len(device_id) > 200:
        raise errors.package_altered(path)
    if kind == KIND_REVIEW:
        if joined.supervisor(opened.signer.signing) is None:
            raise errors.review_package_not_from_supervisor(path, opened.signer.fingerprint)
        return Received(opened.payload, True, kind, opened.signer, header)
    if kind != KIND_SESSION:
        raise errors.package_altered(path)
    if device_id == store.device_id:  # this database's own id, from some other key
        raise errors.package_device_claimed(path, device_id, opened.signer.fingerprint)
    known = store.trust.device(device_id)
    if known is not None and known.signing_key != opened.signer.signing:
        raise errors.package_device_claimed(path, device_id, opened.signer.fingerprint)
    if known is not None and known.state == REFUSED:
        raise errors.package_from_refused_device(path, known.fingerprint)
    hold = known is None or known.state != ACCEPTED
    return Received(opened.payload, True, kind, opened.signer, header, hold=hold)
