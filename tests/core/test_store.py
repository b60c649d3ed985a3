"""The store: typed answers, markers, audit log, protocol versions, migrations, bad files."""

from __future__ import annotations

import pytest

from yingzao.core.errors import StoreError
from yingzao.core.store import driver, migrations, schema_check
from yingzao.core.store.database import Store

# these tests read the errors' English text
pytestmark = pytest.mark.usefixtures("english_errors")


@pytest.fixture
def store(library_store):
    return library_store[0]


@pytest.fixture
def official(library_store):
    return library_store[1].by_role("official")[0]


def test_a_new_database_is_wal_with_full_sync_and_versioned(tmp_path):
    with Store(tmp_path / "new.db") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.schema_version == migrations.LATEST
        device = store.device_id
    with Store(tmp_path / "new.db") as again:
        assert again.device_id == device  # stable per database, recorded in every audit row


def test_an_interview_knows_the_exact_protocol_version(store, official):
    interview_id = store.start_interview(official.sha256, community_id=None, fieldworker="王芳")
    interview = store.interview(interview_id)
    assert (interview.protocol_sha256, interview.protocol_id, interview.protocol_version) == (
        official.sha256,
        "yz_official",
        official.version,
    )
    assert interview.respondent_role == "official" and interview.status == "draft"
    assert interview.fieldworker == "王芳" and interview.device_id == store.device_id
    assert len(interview_id) == 36  # a UUID
    assert store.protocol(official.sha256) == official


def test_answers_are_typed_and_markers_are_distinct_from_empty(store, official):
    interview_id = store.start_interview(official.sha256)
    integer = next(q for q in official.questions if q.type == "integer")
    date = next(q for q in official.questions if q.type == "date")
    text = next(q for q in official.questions if q.type == "text")
    multi = next(q for q in official.questions if q.type == "select_multiple")
    store.save_answer(interview_id, integer.name, "12")
    store.save_answer(interview_id, date.name, "2021-04-02")
    store.save_answer(interview_id, text.name, "社区党委牵头，企业参与。")
    store.save_answer(interview_id, multi.name, [multi_choice := official.choices[multi.list_name][0].name])
    answers = store.answers(interview_id)
    assert answers[integer.name].value == 12 and isinstance(answers[integer.name].value, int)
    assert answers[date.name].value == "2021-04-02"
    assert answers[text.name].value == "社区党委牵头，企业参与。"
    assert answers[multi.name].value == multi_choice
    store.save_answer(interview_id, text.name, None, marker="refused", note="受访者要求此段不记录")
    refused = store.answers(interview_id)[text.name]
    assert (refused.value, refused.marker, refused.note) == (None, "refused", "受访者要求此段不记录")
    assert not refused.is_empty
    stored = store.conn.execute("SELECT typeof(value) FROM answers WHERE question = ?", (integer.name,)).fetchone()
    assert stored == ("integer",)


def test_every_change_is_in_the_append_only_audit_log(store, official):
    interview_id = store.start_interview(official.sha256)
    text = next(q for q in official.questions if q.type == "text").name
    assert store.save_answer(interview_id, text, "第一稿")
    assert store.save_answer(interview_id, text, "第二稿", note="补充")
    assert not store.save_answer(interview_id, text, "第二稿")  # unchanged: nothing written
    store.set_status(interview_id, "completed")
    log = [(e.question, e.field, e.old, e.new, e.user) for e in store.audit_log(interview_id)]
    assert log[0][:2] == (None, "created")
    assert log[1:] == [
        (text, "value", None, "第一稿", "测试员"),
        (text, "value", "第一稿", "第二稿", "测试员"),
        (text, "note", None, "补充", "测试员"),
        (None, "status", "draft", "completed", "测试员"),
    ]
    with pytest.raises(driver.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM audit")
    with pytest.raises(driver.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE audit SET new = 'x'")


def test_a_completed_interview_is_read_only_for_the_fieldworker(store, official):
    interview_id = store.start_interview(official.sha256)
    store.set_status(interview_id, "completed")
    assert store.interview(interview_id).ended_at
    with pytest.raises(StoreError, match="can no longer be edited"):
        store.save_answer(interview_id, official.answerable[0].name, "x")


def test_bad_values_and_unknown_questions_are_refused_with_the_question_named(store, official):
    interview_id = store.start_interview(official.sha256)
    integer = next(q for q in official.questions if q.type == "integer").name
    with pytest.raises(StoreError, match=f"Question '{integer}': 'twelve' is not a whole number"):
        store.save_answer(interview_id, integer, "twelve")
    with pytest.raises(StoreError, match="has no question named 'nope'"):
        store.save_answer(interview_id, "nope", "x")
    with pytest.raises(StoreError, match="No interview"):
        store.save_answer("missing", integer, 1)
    assert store.answers(interview_id) == {}


def test_communities_and_listing(store, official):
    store.add_community("A", "A社区")
    store.add_community("B", "B社区")
    first = store.start_interview(official.sha256, community_id="A")
    second = store.start_interview(official.sha256, community_id="B")
    store.set_status(first, "completed")
    assert [c.name for c in store.communities()] == ["A社区", "B社区"]
    assert [i.id for i in store.interviews()] == [second, first]  # drafts first
    assert [i.id for i in store.interviews(statuses=["completed"])] == [first]


def test_adding_the_same_protocol_twice_changes_nothing(store, official):
    before = store.protocol_versions()
    store.add_protocol(official)
    assert store.protocol_versions() == before


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"just some text, not a database" * 10)
    with pytest.raises(StoreError, match="is not a Yingzao database"):
        Store(path)
    assert path.read_bytes() == b"just some text, not a database" * 10


def test_a_foreign_sqlite_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.db"
    conn = driver.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="made by another program"):
        Store(path)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    conn = driver.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer version of Yingzao"):
        Store(path)


def test_migrations_are_all_or_nothing(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.set_setting("user_name", "王芳")
    failing = [
        "CREATE TABLE reviews (interview_id TEXT, comment TEXT)",
        "ALTER TABLE answers ADD COLUMN extra TEXT",
        "THIS IS NOT SQL",
    ]
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, failing])
    monkeypatch.setattr("yingzao.core.store.database.MIGRATIONS", migrations.MIGRATIONS)
    monkeypatch.setattr("yingzao.core.store.database.LATEST", len(migrations.MIGRATIONS))
    latest = len(migrations.MIGRATIONS) - 1
    with pytest.raises(StoreError, match=f"Upgrading .* to schema {latest + 1} failed.*the file is unchanged"):
        Store(path)
    conn = driver.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "reviews" not in tables
    columns = {r[1] for r in conn.execute("PRAGMA table_info(answers)")}
    assert "extra" not in columns
    assert conn.execute("SELECT value FROM settings WHERE key = 'user_name'").fetchone() == ("王芳",)
    conn.close()
    working = [*migrations.MIGRATIONS[:-1], failing[:2]]
    monkeypatch.setattr("yingzao.core.store.database.MIGRATIONS", working)
    monkeypatch.setattr("yingzao.core.store.database.LATEST", len(working))
    with Store(path) as upgraded:
        assert upgraded.schema_version == latest + 1
        assert upgraded.get_setting("user_name") == "王芳"


def test_a_first_version_database_is_upgraded_with_its_data(tmp_path, library_store):
    store, library = library_store
    interview = store.start_interview(library.protocols[0].sha256)
    text = next(q.name for q in library.protocols[0].questions if q.type == "text")
    store.save_answer(interview, text, "旧版本的回答")
    store.close()
    # rebuild the file as schema 1 would have left it
    conn = driver.connect(store.path)
    for kind, name in schema_check.expected(migrations.LATEST):
        if (kind, name) not in schema_check.expected(1) and kind in ("table", "trigger") and name != "sqlite_sequence":
            conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")  # a virtual table drops its own shadow tables
    conn.execute("ALTER TABLE interviews DROP COLUMN outcome")
    conn.execute("ALTER TABLE interviews DROP COLUMN progress")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store(store.path) as upgraded:
        assert upgraded.schema_version == migrations.LATEST
        assert upgraded.answers(interview)[text].value == "旧版本的回答"
        assert upgraded.interview(interview).outcome is None
        upgraded.add_question_time(interview, text, 12.5)
        assert upgraded.question_times(interview)[text].seconds == 12.5
