"""Keys: what signs (Ed25519, from `cryptography`), what encrypts (age X25519, through `pyrage`), and
how a secret key is kept under a passphrase (scrypt, then ChaCha20-Poly1305, both `cryptography`).

Nothing here invents cryptography: each primitive is a library's, used as its documentation says.
docs/security.md names every key and what it protects.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

# scrypt's cost for keys kept under a passphrase: about 0.2 s and 64 MB on a laptop, per try. The
# parameters are stored with each wrapped key, so raising them later still opens older files; what
# a file may ask for is capped (a hostile file must not make us allocate gigabytes).
SCRYPT_N = 1 << 16
SCRYPT_R = 8
_MAX_SCRYPT_N = 1 << 20
_WRAP_FORMAT = "yingzao-wrapped-key"


class WrongPassphrase(Exception):
    """The passphrase does not open the wrapped key (or the wrapping was altered)."""


class BadKey(Exception):
    """Key material that is not what it claims to be."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, size: int | None = None) -> bytes:
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError, AttributeError) as error:
        raise BadKey("not base64") from error
    if size is not None and len(data) != size:
        raise BadKey(f"{len(data)} bytes, not {size}")
    return data


def canonical(value: Any) -> bytes:
    """The one byte form a signature covers: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def fingerprint(signing_key: str) -> str:
    """A short name for a public signing key that two people can read to each other and compare:
    80 bits of its SHA-256, in four groups of base32 (no 0/1/8 confusions with O/I/B)."""
    digest = hashlib.sha256(unb64(signing_key, 32)).digest()[:10]
    text = base64.b32encode(digest).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class PublicKeys:
    """What others may know of a key holder: the key that checks its signatures and the age
    recipient that encrypts to it."""

    signing: str  # base64 of the raw 32-byte Ed25519 public key
    recipient: str  # age1…

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing)

    def verify(self, data: bytes, signature: str) -> bool:
        try:
            key = Ed25519PublicKey.from_public_bytes(unb64(self.signing, 32))
            key.verify(unb64(signature, 64), data)
        except (InvalidSignature, BadKey, ValueError):
            return False
        return True

    def age_recipient(self) -> pyrage.x25519.Recipient:
        try:
            return pyrage.x25519.Recipient.from_str(self.recipient)
        except Exception as error:
            raise BadKey("not an age recipient") from error

    def to_json(self) -> dict[str, str]:
        return {"signing_key": self.signing, "recipient": self.recipient}

    @classmethod
    def from_json(cls, data: Any) -> PublicKeys:
        if not isinstance(data, dict):
            raise BadKey("not a key record")
        signing, recipient = data.get("signing_key"), data.get("recipient")
        if not isinstance(signing, str) or not isinstance(recipient, str):
            raise BadKey("missing keys")
        keys = cls(signing, recipient)
        unb64(signing, 32)
        keys.age_recipient()
        return keys


class KeyPair:
    """A signing key and an age identity held together: a device's, or the project's."""

    def __init__(self, signing: Ed25519PrivateKey, identity: pyrage.x25519.Identity) -> None:
        self._signing = signing
        self._identity = identity
        raw = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public = PublicKeys(b64(raw), str(identity.to_public()))

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(Ed25519PrivateKey.generate(), pyrage.x25519.Identity.generate())

    def sign(self, data: bytes) -> str:
        return b64(self._signing.sign(data))

    @property
    def identity(self) -> pyrage.x25519.Identity:
        return self._identity

    def secret_text(self) -> str:
        """Both secret keys as one line of JSON, to be kept where only their holder reads them."""
        raw = self._signing.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return json.dumps({"signing": b64(raw), "identity": str(self._identity)})

    @classmethod
    def from_secret_text(cls, text: str) -> KeyPair:
        try:
            data = json.loads(text)
            signing = Ed25519PrivateKey.from_private_bytes(unb64(data["signing"], 32))
            identity = pyrage.x25519.Identity.from_str(data["identity"])
        except Exception as error:
            raise BadKey("not a key pair") from error
        return cls(signing, identity)


# -- a secret under a passphrase ---------------------------------------------------------------


def wrap(secret: bytes, passphrase: str, purpose: str) -> dict[str, Any]:
    """`secret` sealed under a key derived from `passphrase` (scrypt); `purpose` is bound in as
    associated data, so a wrapped key cannot be passed off as another kind of key."""
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R)
    sealed = ChaCha20Poly1305(key).encrypt(nonce, secret, purpose.encode("utf-8"))
    return {
        "format": _WRAP_FORMAT,
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": 1,
        "salt": b64(salt),
        "aead": "chacha20-poly1305",
        "nonce": b64(nonce),
        "sealed": b64(sealed),
    }


def unwrap(wrapped: Any, passphrase: str, purpose: str) -> bytes:
    if not isinstance(wrapped, dict) or wrapped.get("format") != _WRAP_FORMAT:
        raise BadKey("not a wrapped key")
    n, r, p = wrapped.get("n"), wrapped.get("r"), wrapped.get("p")
    if not (
        isinstance(n, int)
        and 2 <= n <= _MAX_SCRYPT_N
        and n & (n - 1) == 0
        and isinstance(r, int)
        and 1 <= r <= 32
        and p == 1
    ):  # a hostile file must not ask for gigabytes or hours
        raise BadKey("unsupported key derivation")
    try:
        salt, nonce, sealed = unb64(wrapped["salt"], 16), unb64(wrapped["nonce"], 12), unb64(wrapped["sealed"])
    except (KeyError, TypeError) as error:
        raise BadKey("incomplete wrapped key") from error
    key = _derive(passphrase, salt, n, r)
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, sealed, purpose.encode("utf-8"))
    except InvalidTag:
        raise WrongPassphrase from None


def _derive(passphrase: str, salt: bytes, n: int, r: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=1).derive(passphrase.encode("utf-8"))
