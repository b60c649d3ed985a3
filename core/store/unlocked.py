"""The passphrases of the encrypted databases this process has opened, for its other connections.

The app opens its database once, with the passphrase the user typed; its worker threads then open
the same file again through connections of their own (an export's read-only `Store`, the salvage of
a damaged file, a backup's copy). Each needs the key, and none of them asks the user. So, like the
writer claim (core/store/writer_claim.py), the key is shared within the process: a `Store` opened
with a passphrase remembers it here, by the file's resolved path, until the app forgets it (the
database is closed for good, re-encrypted, or another one is opened).

It lives in this process's memory only; it is never written anywhere. Whoever can read the memory
of the running, unlocked app can read the database through it anyway (docs/security.md).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_passphrases: dict[str, str] = {}
_guard = threading.Lock()


def remember(path: Path, passphrase: str) -> None:
    with _guard:
        _passphrases[_key(path)] = passphrase


def passphrase_for(path: Path) -> str | None:
    """The passphrase this process opened `path` with, or None (a plain database, or not opened yet)."""
    with _guard:
        return _passphrases.get(_key(path))


def forget(path: Path) -> None:
    with _guard:
        _passphrases.pop(_key(path), None)


def _key(path: Path) -> str:
    return os.path.normcase(str(path.resolve()))


def forget_all() -> None:
    """Forget every passphrase (the app ends; a test ends)."""
    with _guard:
        _passphrases.clear()
