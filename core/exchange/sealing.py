"""Which packages are sealed, to whom, and what a database accepts (core/security/envelope.py).

- A session package from a database of a project is signed by that database's device key and
  encrypted to the project's key: only a database holding the project's keys reads it.
- A review package is signed by a supervisor's key and encrypted to the laptops it goes back to
  (their device keys, learnt from their own signed packages) and to the project.
- A database of a project merges (core/exchange/receiving.py) a session package only once its device is accepted (until then
  it is held), never one claiming another device's id, and a review package only when a supervisor
  of the project signed it. Unsigned packages (format 1 and 2, or made outside a project) merge
  there only when the user allows them, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yingzao.core import errors
from yingzao.core.security import membership
from yingzao.core.security.envelope import seal
from yingzao.core.security.keys import PublicKeys
from yingzao.core.store.trust import ACCEPTED

Sealer = Callable[[bytes, dict[str, Any]], bytes]


def session_sealer(store, kind: str) -> Sealer | None:
    """How this database seals a session package; None outside a project (an unsigned package)."""
    joined = membership.project(store)
    if joined is None:
        return None
    return _sealer(store, kind, [joined.keys])


def review_sealer(store, kind: str, device_ids: list[str]) -> Sealer | None:
    """How a supervisor seals a review package for the laptops that took `device_ids`' interviews."""
    joined = membership.project(store)
    if joined is None:
        return None
    recipients = [joined.keys]
    for device_id in dict.fromkeys(device_ids):
        if device_id == store.device_id:
            recipients.append(membership.device_keys(store).public)
            continue
        device = store.trust.device(device_id)
        if device is None or device.state != ACCEPTED:
            raise errors.device_key_unknown(device.fieldworker if device else "")
        recipients.append(PublicKeys(device.signing_key, device.recipient))
    return _sealer(store, kind, recipients)


def _sealer(store, kind: str, recipients: list[PublicKeys]) -> Sealer:
    joined = membership.project(store)
    keys = membership.device_keys(store)
    assert joined is not None

    def sealer(content: bytes, manifest: dict[str, Any]) -> bytes:
        header = {
            "kind": kind,
            "project_id": joined.project_id,
            "device_id": store.device_id,
            "fieldworker": manifest.get("fieldworker", ""),
            "device_label": manifest.get("device_label", ""),
            "created_at": manifest.get("created_at", ""),
        }
        return seal(content, header, keys, recipients)

    return sealer
