"""Sealed packages: a package's bytes signed by the device that made them, then encrypted to whoever
may read them.

    file      = MAGIC + age ciphertext (X25519 recipients; pyrage)
    plaintext = 4-byte big-endian length of `inner` + inner + payload
    inner     = canonical JSON {"header": {...}, "signature": base64 Ed25519}
    signature = Ed25519 over b"yingzao-sealed\\0" + canonical JSON of the header

The header names the project, the kind of package, the device and its public keys, and the SHA-256
of the payload, so the signature covers every byte of the package. age authenticates the ciphertext
(an edited file does not decrypt); the signature says who made it (a file made anew with the
project's public key, which anyone may hold, is still not signed by an accepted device).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pyrage

from yingzao.core.security.keys import BadKey, KeyPair, PublicKeys, canonical

MAGIC = b"YINGZAO-SEALED/1\n"
FORMAT = "yingzao-sealed"
_CONTEXT = b"yingzao-sealed\0"
_MAX_INNER = 1 << 20  # the header is a few hundred bytes


class NotForUs(Exception):
    """None of our keys opens it, or it was altered (age cannot tell the two apart)."""


class Altered(Exception):
    """It decrypts, but what it says of itself is not what it holds or not what was signed."""


@dataclass(frozen=True)
class Opened:
    header: dict[str, Any]
    signer: PublicKeys
    payload: bytes


def is_sealed(head: bytes) -> bool:
    return head.startswith(MAGIC)


def seal(payload: bytes, header: dict[str, Any], signer: KeyPair, recipients: list[PublicKeys]) -> bytes:
    header = {
        **header,
        "format": FORMAT,
        "format_version": 1,
        "signer": signer.public.to_json(),
        "content_sha256": hashlib.sha256(payload).hexdigest(),
    }
    signature = signer.sign(_CONTEXT + canonical(header))
    inner = canonical({"header": header, "signature": signature})
    plaintext = len(inner).to_bytes(4, "big") + inner + payload
    # the same recipient twice would only make the file longer
    unique = {r.recipient: r for r in recipients}.values()
    return MAGIC + pyrage.encrypt(plaintext, [r.age_recipient() for r in unique])


def open_sealed(data: bytes, identities: list[pyrage.x25519.Identity]) -> Opened:
    """Decrypt with any of `identities` and check the signature against the key the header names;
    whether that key may make such a package is the caller's to decide."""
    if not is_sealed(data):
        raise Altered("not a sealed package")
    try:
        plaintext = pyrage.decrypt(data[len(MAGIC) :], identities)
    except Exception as error:  # noqa: BLE001 — pyrage's DecryptError and its header errors alike
        raise NotForUs(str(error)) from None
    size = int.from_bytes(plaintext[:4], "big")
    if len(plaintext) < 4 + size or size > _MAX_INNER:
        raise Altered("its header is cut short")
    try:
        inner = json.loads(plaintext[4 : 4 + size])
        header, signature = inner["header"], inner["signature"]
        if not isinstance(header, dict) or not isinstance(signature, str):
            raise TypeError
        signer = PublicKeys.from_json(header.get("signer"))
    except (ValueError, KeyError, TypeError, BadKey):
        raise Altered("its header cannot be read") from None
    if header.get("format") != FORMAT or header.get("format_version") != 1:
        raise Altered("its header is not a sealed package's")
    if not signer.verify(_CONTEXT + canonical(header), signature):
        raise Altered("signature does not match")
    payload = plaintext[4 + size :]
    if hashlib.sha256(payload).hexdigest() != header.get("content_sha256"):
        raise Altered("its content is not what was signed")
    return Opened(header, signer, payload)
