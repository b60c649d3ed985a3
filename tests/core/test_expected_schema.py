"""The expected schema kept as text (so start-up need not build it) is exactly what the migrations
build, and is never used when it was made by other migrations or another SQLite library."""

from __future__ import annotations

import pytest

from yingzao.core.store import driver, expected_schema, schema_check
from yingzao.core.store.database import Store
from yingzao.core.store.migrations import LATEST


@pytest.fixture
def uncached():
    schema_check.expected.cache_clear()
    yield
    schema_check.expected.cache_clear()


def test_the_kept_schema_is_the_built_one_for_this_sqlite(uncached):
    fingerprint, objects = expected_schema.OBJECTS[LATEST]
    if fingerprint != schema_check.fingerprint(LATEST):
        pytest.skip(f"kept for another SQLite than {driver.sqlite_version} (or other migrations)")
    assert dict(objects) == schema_check.build(LATEST)
    assert schema_check.expected(LATEST) == schema_check.build(LATEST)


def test_kept_text_from_other_migrations_is_not_trusted(uncached, monkeypatch, tmp_path):
    forged = (("table", "answers"), "CREATE TABLE answers (x)")  # what a stale cache could say
    monkeypatch.setattr(expected_schema, "OBJECTS", {LATEST: ("another fingerprint", (forged,))})
    assert schema_check.expected(LATEST) == schema_check.build(LATEST)
    Store(tmp_path / "fresh.db").close()  # a database the migrations made still opens
    Store(tmp_path / "fresh.db").close()


def test_the_fingerprint_follows_the_statements_and_the_sqlite_library(monkeypatch):
    before = schema_check.fingerprint(LATEST)
    assert schema_check.fingerprint(LATEST - 1) != before
    monkeypatch.setattr(driver, "sqlite_version", "0.0.0")
    assert schema_check.fingerprint(LATEST) != before
