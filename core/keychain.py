"""An encrypted database's passphrase kept in the operating system's keychain, when the user asks.

Windows Credential Manager, the macOS Keychain or a Secret Service (GNOME Keyring, KWallet) keep it
under the service "Yingzao", one entry per database file. The entry is keyed by the file's path: at
start-up the passphrase is needed to read anything in the file, its `database_id` included, so the
path is all there is to look it up by (a moved file is asked for again, once).

A computer without a keychain (a Linux machine with no Secret Service, a keychain that is locked or
refuses) is not an error at start-up: nothing is found and the passphrase is asked for. Saving
there says the keychain is unavailable (`errors.keychain_unavailable`).
"""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import keyring.errors

from yingzao.core import errors

SERVICE = "Yingzao"

# what a backend raises when it cannot serve: no backend at all (NoKeyringError is a KeyringError),
# a locked or refusing keychain, a D-Bus or OS failure underneath
_UNAVAILABLE = (keyring.errors.KeyringError, RuntimeError, OSError)


def account(path: Path) -> str:
    """The entry's name for the database at `path`: its full path, as this computer writes it."""
    return os.path.normcase(str(Path(path).resolve()))


def remembered(path: Path) -> str | None:
    """The passphrase kept for `path`, or None (none kept, or no keychain to ask)."""
    try:
        return keyring.get_password(SERVICE, account(path))
    except _UNAVAILABLE:
        return None


def remember(path: Path, passphrase: str) -> None:
    """Keep the passphrase for `path`; raises `keychain_unavailable` when there is no keychain."""
    try:
        keyring.set_password(SERVICE, account(path), passphrase)
    except _UNAVAILABLE as error:
        raise errors.keychain_unavailable(error) from error


def forget(path: Path) -> None:
    """Remove the kept passphrase of `path`, if any (a wrong one, or the user no longer wants it kept)."""
    try:
        keyring.delete_password(SERVICE, account(path))
    except keyring.errors.PasswordDeleteError:
        pass  # none was kept
    except _UNAVAILABLE:
        pass  # nothing can have been kept where there is no keychain


def available() -> bool:
    """Whether this computer has a keychain to keep a passphrase in (said before offering to)."""
    try:
        backend = keyring.get_keyring()
        return float(backend.priority) > 0
    except (*_UNAVAILABLE, NotImplementedError):
        return False
