from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# the laptop and master fixtures of the package and merge tests, and the test keychains, for every test module
pytest_plugins = ["tests.laptops", "tests.keychains"]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Never touch the real user's data folder from a test."""
    monkeypatch.setenv("YINGZAO_HOME", str(tmp_path_factory.mktemp("yingzao_home")))


@pytest.fixture(autouse=True)
def _no_real_keychain():
    """Never touch the real user's keychain from a test: no keychain at all, unless a test installs one
    of its own (tests/keychains.py)."""
    import keyring
    import keyring.backends.fail

    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture(autouse=True)
def _errors_speak_chinese():
    """Every test starts with the app's default language and cannot leak another into the next."""
    from yingzao.core import errors

    errors.set_language("zh")
    yield
    errors.set_language("zh")


@pytest.fixture(autouse=True)
def _cheap_passphrase_keys(monkeypatch):
    """scrypt at a laptop's cost takes a fifth of a second per key: tests wrap many. The cost is
    stored with each wrapped key, so what is read back is checked the same way."""
    from yingzao.core.security import keys

    monkeypatch.setattr(keys, "SCRYPT_N", 1 << 10)


@pytest.fixture
def english_errors():
    """For tests that read an error's English text (the CLI with --lang en, the English interface)."""
    from yingzao.core import errors

    errors.set_language("en")
    yield
    errors.set_language("zh")


@pytest.fixture
def codebook():
    from yingzao.core import paths
    from yingzao.core.forms.codebook import load_codebook

    return load_codebook(paths.CODEBOOK_PATH)


@pytest.fixture
def library_store(tmp_path):
    """A fresh database with the study's protocols loaded, as the app starts with."""
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store

    store = Store(tmp_path / "study.db", user="测试员")
    library = load_library(store)
    assert not library.problems, [str(p) for e in library.problems for p in e.problems]
    yield store, library
    store.close()
