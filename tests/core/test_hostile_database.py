"""A database from elsewhere: nothing stored in it runs, the audit log cannot be rewritten, a -wal
that is not its own is refused, and SQLite's errors reach the user as what they mean."""

from __future__ import annotations

import hashlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from yingzao.core import errors
from yingzao.core.store import driver
from yingzao.core.store.database import Store

ROOT = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:  # the test's own file, closed by every store: safe to read
    return hashlib.sha256(path.read_bytes()).hexdigest()


PLANTED = {
    "trigger on audit": "CREATE TRIGGER wipe AFTER INSERT ON audit BEGIN DELETE FROM answers; END",
    "trigger on settings": "CREATE TRIGGER evil AFTER INSERT ON settings BEGIN UPDATE interviews SET status = 'approved'; END",
    "trigger on interviews": "CREATE TRIGGER flip AFTER UPDATE ON interviews BEGIN UPDATE answers SET value = 'no'; END",
    "view": "CREATE VIEW leak AS SELECT * FROM answers",
    "table": "CREATE TABLE extra (x)",
    "index": "CREATE INDEX answers_by_value ON answers(value)",
}


@pytest.mark.parametrize("what", sorted(PLANTED))
def test_sql_planted_in_a_database_is_refused_and_the_file_left_as_it_was(interview_db, what):
    path, _interview, _text = interview_db
    with driver.connect(path) as conn:
        conn.execute(PLANTED[what])
    conn.close()
    before = _digest(path)
    with pytest.raises(errors.StoreError) as refused:
        Store(path)
    name = PLANTED[what].split()[2]  # CREATE <kind> <name> …
    assert refused.value.code == "unexpected_schema" and name in refused.value.message
    assert "不会创建" in refused.value.message
    with pytest.raises(errors.StoreError):
        Store(path, read_only=True)  # not even to read: a view or trigger could be its bait
    assert _digest(path) == before
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # nothing written beside it either


def test_a_known_table_redefined_is_refused(interview_db):
    path, _interview, _text = interview_db
    with driver.connect(path) as conn:
        conn.execute("ALTER TABLE answers RENAME TO answers_old")
        conn.execute("CREATE TABLE answers (interview_id, question, value, marker, note, updated_at, updated_by)")
        conn.execute("INSERT INTO answers SELECT * FROM answers_old")
        conn.execute("DROP TABLE answers_old")
    conn.close()
    with pytest.raises(errors.StoreError) as refused:
        Store(path)
    assert refused.value.code == "unexpected_schema" and "table answers" in refused.value.message


def test_a_missing_table_is_reported_as_damage(interview_db):
    path, _interview, _text = interview_db
    with driver.connect(path) as conn:
        conn.execute("DROP TABLE paradata")
    conn.close()
    with pytest.raises(errors.StoreError) as refused:
        Store(path)
    assert refused.value.code == "damaged_database" and "paradata" in refused.value.message
    assert "已损坏" in refused.value.message


def test_the_connection_does_not_trust_the_schema(interview_db):
    path, _interview, _text = interview_db
    with Store(path) as store:
        assert store.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def test_the_audit_log_refuses_replace(interview_db):
    path, interview, _text = interview_db
    with Store(path) as store:
        first = store.conn.execute(
            "SELECT id, field FROM audit WHERE interview_id = ? ORDER BY id", (interview,)
        ).fetchone()
        with pytest.raises(driver.DatabaseError, match="append-only"):
            store.conn.execute(
                "REPLACE INTO audit (id, at, user, device_id, interview_id, field) VALUES (?, 'x', 'x', 'x', ?, 'forged')",
                (first[0], interview),
            )
        with pytest.raises(driver.DatabaseError, match="append-only"):
            store.conn.execute(
                "INSERT OR REPLACE INTO audit (id, at, user, device_id, interview_id, field)"
                " VALUES (?, 'x', 'x', 'x', ?, 'forged')",
                (first[0], interview),
            )
        store.conn.rollback()
        assert store.conn.execute("SELECT field FROM audit WHERE id = ?", (first[0],)).fetchone()[0] == first[1]


def test_a_lone_surrogate_is_the_apps_own_error(interview_db):
    path, interview, text = interview_db
    with Store(path) as store:
        for where in ({"value": "坏字\udc80"}, {"note": "备注\ud800"}):
            with pytest.raises(errors.StoreError) as refused:
                store.save_answer(interview, text, **where)
            assert refused.value.code == "unstorable_text"
        assert store.answers(interview)[text].value == "居民议事会每月开一次"


KILLED_WRITER = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[3])
from yingzao.core.store.database import Store
store = Store(sys.argv[1])
store.conn.execute("PRAGMA wal_autocheckpoint=0")
store.set_setting("last_words", sys.argv[2])
os.kill(os.getpid(), signal.SIGKILL)
"""


def _crash_with_wal(path: Path, words: str) -> None:
    child = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path), words, str(ROOT)], capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert path.with_name(path.name + "-wal").stat().st_size > 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_wal_of_another_database_is_refused_and_its_own_is_replayed(interview_db, tmp_path):
    path, interview, text = interview_db
    other = tmp_path / "other" / "field.db"
    other.parent.mkdir()
    with Store(other):
        pass
    _crash_with_wal(other, "另一台电脑")
    _crash_with_wal(path, "这台电脑")
    own_wal = path.with_name(path.name + "-wal")
    kept = tmp_path / "kept-wal"
    shutil.copyfile(own_wal, kept)
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    shutil.copyfile(other.with_name(other.name + "-wal"), own_wal)  # as a careless copy would put it there
    before = _digest(path)
    with pytest.raises(errors.StoreError) as refused:
        Store(path)
    assert refused.value.code == "foreign_wal" and f"{path.name}-wal" in refused.value.message
    assert _digest(path) == before
    shutil.copyfile(kept, own_wal)  # its own -wal back: the save made before the crash is there
    with Store(path) as store:
        assert store.get_setting("last_words") == "这台电脑"
        assert store.answers(interview)[text].value == "居民议事会每月开一次"


def test_backup_holds_the_latest_saves_and_opens_on_its_own(interview_db, tmp_path):
    path, interview, text = interview_db
    with Store(path) as store:
        store.save_answer(interview, text, "备份之前刚保存")
        target = store.backup(tmp_path / "copies" / "backup.db") if (tmp_path / "copies").mkdir() is None else None
        with pytest.raises(errors.StoreError) as itself:
            store.backup(path)
        assert itself.value.code == "backup_onto_itself"
    assert not target.with_name(target.name + "-wal").exists()
    with Store(target) as copy:
        assert copy.answers(interview)[text].value == "备份之前刚保存"
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []


def test_the_backup_command_works_beside_the_writer(interview_db, tmp_path, capsys):
    from yingzao import main

    path, interview, text = interview_db
    with Store(path) as store:
        store.save_answer(interview, text, "窗口还开着")
        assert main.main(["--db", str(path), "backup", "--out", str(tmp_path / "b.db")]) == 0
    with Store(tmp_path / "b.db") as copy:
        assert copy.answers(interview)[text].value == "窗口还开着"
    assert main.main(["backup", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "c.db")]) == 1
    assert "没有这个数据库" in capsys.readouterr().err


def test_a_writer_waits_for_another_connection_instead_of_failing_busy(interview_db):
    path, interview, text = interview_db
    with Store(path) as window, Store(path) as merge:
        holding, release = threading.Event(), threading.Event()

        def long_merge() -> None:
            conn = driver.connect(path, timeout=10)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE settings SET value = value WHERE key = 'device_id'")
            holding.set()
            release.wait(10)
            conn.commit()
            conn.close()

        worker = threading.Thread(target=long_merge)
        worker.start()
        holding.wait(10)
        threading.Timer(0.3, release.set).start()
        assert window.save_answer(interview, text, "合并进行时保存")  # waits for the lock, then saves
        worker.join()
        assert merge.answers(interview)[text].value == "合并进行时保存"


def _error(kind: type, code: int) -> sqlite3.Error:
    error = kind("from SQLite")
    error.sqlite_errorcode = code
    return error


def test_sqlite_errors_are_told_by_their_code(tmp_path):
    path = tmp_path / "x.db"
    full = errors.from_sqlite(path, _error(sqlite3.OperationalError, sqlite3.SQLITE_FULL))
    assert "磁盘已满" in full.message and full.code == "write_failed"
    damaged = errors.from_sqlite(path, _error(sqlite3.DatabaseError, sqlite3.SQLITE_CORRUPT))
    assert damaged.code == "damaged_database" and "空间" not in damaged.hint
    assert errors.from_sqlite(path, _error(sqlite3.OperationalError, sqlite3.SQLITE_BUSY)).code == "database_locked"
    assert (
        errors.from_sqlite(path, _error(sqlite3.DatabaseError, sqlite3.SQLITE_NOTADB), opening=True).code
        == "not_a_database"
    )
    assert not errors.is_environmental(_error(sqlite3.IntegrityError, sqlite3.SQLITE_CONSTRAINT))


def test_a_text_file_named_db_is_not_a_database_and_is_not_touched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这是一份访谈笔记，不是数据库。" * 50, encoding="utf-8")
    before = _digest(path)
    with pytest.raises(errors.StoreError) as refused:
        Store(path)
    # from outside, a file that is no database and an encrypted one look the same: the message says both
    if driver.ENCRYPTION:
        assert refused.value.code == "database_needs_passphrase"
        assert "不是营造的数据库" in refused.value.message and "加密" in refused.value.message
    else:
        assert refused.value.code == "not_a_database"
    assert _digest(path) == before and not path.with_name("notes.db-wal").exists()
