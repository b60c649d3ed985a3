"""A keychain for the start-up benchmark's child process: it answers with the passphrase in the
environment variable YINGZAO_BENCH_PASSPHRASE, so the app opens an encrypted database with no prompt
(the prompt is not what is measured). Chosen through keyring's own PYTHON_KEYRING_BACKEND variable;
never used by the app itself."""

from __future__ import annotations

import os

import keyring.backend
import keyring.errors


class EnvKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return os.environ.get("YINGZAO_BENCH_PASSPHRASE")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the benchmark's keychain keeps nothing")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("the benchmark's keychain keeps nothing")
