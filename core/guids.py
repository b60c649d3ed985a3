"""Stable GUIDs: the same code, interview, community or user gets the same GUID in every export,
from every laptop, because each is derived from the thing's id and never stored.

One scheme for everything that hands GUIDs out (the coding core, the REFI-QDA writer, the codebook
import that matches by GUID): two schemes would give one code two GUIDs and an import would not find it.
"""

from __future__ import annotations

import uuid

# Fixed forever: changing it changes every GUID ever exported.
NAMESPACE = uuid.UUID("6f1c9f4e-8a53-5d0e-9b7a-59696e677a61")


def stable_guid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def code_guid(code_id: str) -> str:
    return stable_guid("code", code_id)
