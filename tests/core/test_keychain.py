"""The passphrase in the OS keychain: kept and found by the database's path, and a computer without a
keychain says so when asked to keep one and finds nothing at start-up. The real keychain is never
touched: keyring is given a backend of the test's own, through keyring's API."""

from __future__ import annotations

from pathlib import Path

import pytest

from yingzao.core import errors, keychain


def test_a_kept_passphrase_is_found_by_the_database_path(memory_keychain, tmp_path):
    backend = memory_keychain
    path = tmp_path / "field.db"
    assert keychain.available()
    assert keychain.remembered(path) is None
    keychain.remember(path, "村委会门前有三棵柳树")
    assert backend.entries == {("Yingzao", keychain.account(path)): "村委会门前有三棵柳树"}
    # the same file however it is named
    assert keychain.remembered(tmp_path / "." / "field.db") == "村委会门前有三棵柳树"
    assert keychain.remembered(tmp_path / "other.db") is None
    keychain.forget(path)
    keychain.forget(path)  # nothing kept: nothing to say
    assert keychain.remembered(path) is None and backend.entries == {}


def test_without_a_keychain_nothing_is_found_and_keeping_says_it_is_unavailable(no_keychain, tmp_path):
    path = Path(tmp_path / "field.db")
    assert not keychain.available()
    assert keychain.remembered(path) is None  # start-up: the passphrase is asked for
    with pytest.raises(errors.StoreError) as refused:
        keychain.remember(path, "村委会门前有三棵柳树")
    assert refused.value.code == "keychain_unavailable" and "钥匙串不可用" in refused.value.message
    keychain.forget(path)
