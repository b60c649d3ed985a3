"""Encrypted databases (SQLCipher): opened only with their passphrase, a wrong one changes nothing and
can be tried again, nothing readable in the file, and a plain database converted without risk."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from yingzao import main
from yingzao.core import errors
from yingzao.core.exchange.merge import merge_packages
from yingzao.core.exchange.package import pack_session
from yingzao.core.export.workbook import export_workbook
from yingzao.core.forms.library import load_library
from yingzao.core.store import driver, encryption, unlocked
from yingzao.core.store.database import Store
from yingzao.core.store.settings import stored_setting

pytestmark = pytest.mark.skipif(not driver.ENCRYPTION, reason="SQLCipher (sqlcipher3-wheels) is not installed")

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "村委会门前有三棵柳树"
SECRET = "书记说村里的低保名单是他亲戚定的"  # what a respondent said, never to be found in the file


@pytest.fixture(autouse=True)
def _no_keys_left():
    """Each test starts with no passphrase known to the process, as a new app does."""
    unlocked.forget_all()
    yield
    unlocked.forget_all()


def _make(path: Path, passphrase: str | None) -> str:
    """A database at `path` (encrypted when a passphrase is given) with one interview answering SECRET."""
    with Store(path, user="访员", passphrase=passphrase) as store:
        protocol = load_library(store).by_role("cadre")[0]
        interview = store.start_interview(protocol.sha256)
        text = next(q.name for q in protocol.questions if q.type == "text")
        store.save_answer(interview, text, SECRET, note="笔记：" + SECRET)
        store.set_status(interview, "completed")
    unlocked.forget_all()  # as after the app ended
    return interview


def _answers(path: Path, passphrase: str | None) -> list[str]:
    with Store(path, read_only=True, passphrase=passphrase) as store:
        return [row[0] for row in store.conn.execute("SELECT value FROM answers ORDER BY value")]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_encrypted_file_holds_no_answer_text(tmp_path):
    plain, secret = tmp_path / "plain.db", tmp_path / "secret.db"
    _make(plain, None)
    _make(secret, PASSPHRASE)
    # read only now that every connection is closed (the stores are): the bytes as a thief has them
    needle = SECRET.encode("utf-8")
    assert needle in plain.read_bytes()  # the same data in the clear shows it: the search can find it
    assert not Path(f"{secret}-wal").exists()
    data = secret.read_bytes()
    assert needle not in data and "笔记".encode() not in data and b"SQLite format 3" not in data
    assert encryption.is_encrypted(secret) and not encryption.is_encrypted(plain)


def test_a_wrong_or_missing_passphrase_says_so_changes_nothing_and_can_be_tried_again(tmp_path):
    path = tmp_path / "field.db"
    _make(path, PASSPHRASE)
    before = path.read_bytes()
    with pytest.raises(errors.StoreError) as missing:
        Store(path)
    assert missing.value.code == "database_needs_passphrase"
    assert "加密" in missing.value.message and "不是营造的数据库" in missing.value.message
    for attempt in range(5):  # no lockout: as many wrong tries as anyone makes
        with pytest.raises(errors.StoreError) as wrong:
            Store(path, passphrase=f"猜错的口令{attempt}")
        assert wrong.value.code == "database_passphrase_wrong"
        assert "口令不正确" in wrong.value.message and "没有任何改动" in wrong.value.hint
    with pytest.raises(errors.StoreError):
        Store(path, read_only=True, passphrase="wrong passphrase")
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists() and unlocked.passphrase_for(path) is None
    assert _answers(path, PASSPHRASE) == [SECRET]


def test_the_wrong_passphrase_in_english(tmp_path, english_errors):
    path = tmp_path / "field.db"
    _make(path, PASSPHRASE)
    with pytest.raises(errors.StoreError) as wrong:
        Store(path, passphrase="not it at all")
    assert "passphrase is wrong" in wrong.value.message and "no limit on tries" in wrong.value.hint


def test_other_connections_of_the_process_use_the_passphrase_the_store_was_opened_with(tmp_path):
    path = tmp_path / "field.db"
    _make(path, PASSPHRASE)
    assert stored_setting(path, "device_id") is None  # before it is unlocked: nothing to read
    device = stored_setting(path, "device_id", passphrase=PASSPHRASE)
    assert device
    with Store(path, passphrase=PASSPHRASE) as store:
        assert store.encrypted and store.device_id == device
        with Store(path, read_only=True) as second:  # a worker's read-only store: no asking
            assert second.encrypted and second.device_id == device
        assert stored_setting(path, "device_id") == device


def test_export_from_an_encrypted_database_reads_back_as_from_a_plain_one(tmp_path):
    path = tmp_path / "field.db"
    interview = _make(path, PASSPHRASE)
    with Store(path, passphrase=PASSPHRASE):  # the app has it open; the export opens its own connections
        result = export_workbook(path, tmp_path / "out.xlsx")
    assert result.interviews == 1
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c}
    book.close()
    assert SECRET in cells and interview in cells


def test_pack_and_merge_work_from_and_into_encrypted_databases(tmp_path):
    laptop = tmp_path / "laptop.db"
    interview = _make(laptop, PASSPHRASE)
    with Store(laptop, passphrase=PASSPHRASE) as store:
        summary = pack_session(store, tmp_path / "s.yzpack")
    assert summary is not None and summary.interviews == 1
    with Store(tmp_path / "master.db", user="研究者", passphrase="研究者的另一个口令") as master:
        report = merge_packages(master, [tmp_path / "s.yzpack"])
        assert not report.any_refused
        assert master.interview(interview).status == "completed"
    unlocked.forget_all()
    assert encryption.is_encrypted(tmp_path / "master.db")
    assert _answers(tmp_path / "master.db", "研究者的另一个口令") == [SECRET]


def test_the_backup_of_an_encrypted_database_is_encrypted_with_the_same_passphrase(tmp_path):
    path = tmp_path / "field.db"
    _make(path, PASSPHRASE)
    with Store(path, read_only=True, passphrase=PASSPHRASE) as store:
        copy = store.backup(tmp_path / "backup.db")
    unlocked.forget_all()
    assert encryption.is_encrypted(copy)
    assert SECRET.encode() not in copy.read_bytes()
    assert _answers(copy, PASSPHRASE) == [SECRET]


def test_converting_a_plain_database_keeps_every_row_and_leaves_no_plain_file(tmp_path):
    path = tmp_path / "field.db"
    interview = _make(path, None)
    with Store(path, read_only=True) as store:
        audit_before = len(store.audit_log(interview))
    done = encryption.encrypt_database(path, PASSPHRASE)
    assert done.path == path and done.rows > 0 and done.database_id
    assert _files(tmp_path) == ["field.db", "field.db.lock"]  # no copy, no -wal, no part file
    assert SECRET.encode() not in path.read_bytes()
    unlocked.forget_all()
    with pytest.raises(errors.StoreError, match="口令"):
        Store(path)
    with Store(path, passphrase=PASSPHRASE) as store:
        assert store.answers(interview)[_text_question(store)].value == SECRET
        assert len(store.audit_log(interview)) == audit_before
        assert store.get_setting("database_id") == done.database_id
    with pytest.raises(errors.StoreError) as again:
        encryption.encrypt_database(path, PASSPHRASE)
    assert again.value.code == "already_encrypted"


def _text_question(store: Store) -> str:
    protocol = load_library(store).by_role("cadre")[0]
    return next(q.name for q in protocol.questions if q.type == "text")


def test_a_too_short_passphrase_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "field.db"
    _make(path, None)
    with pytest.raises(errors.StoreError) as short:
        encryption.encrypt_database(path, "1234567")
    assert short.value.code == "passphrase_too_short"
    assert not encryption.is_encrypted(path) and _answers(path, None) == [SECRET]


def test_a_database_this_process_still_has_open_is_not_replaced(tmp_path):
    path = tmp_path / "field.db"
    _make(path, None)
    with Store(path), pytest.raises(errors.StoreError) as busy:
        encryption.encrypt_database(path, PASSPHRASE)
    assert busy.value.code == "database_locked"
    assert not encryption.is_encrypted(path)


@pytest.mark.parametrize("failing", ["_write_copy", "_verify"])
def test_a_conversion_that_fails_midway_leaves_the_plain_database_as_it_was(tmp_path, monkeypatch, failing):
    path = tmp_path / "field.db"
    _make(path, None)
    real = getattr(encryption, failing)

    def fail(*args):
        real(*args)  # the encrypted copy is (partly) there, then the disk gives out
        raise driver.OperationalError("disk I/O error")

    monkeypatch.setattr(encryption, failing, fail)
    with pytest.raises(errors.StoreError) as failed:
        encryption.encrypt_database(path, PASSPHRASE)
    assert failed.value.code == "encryption_failed" and "没有任何改动" in failed.value.message
    assert _files(tmp_path) == ["field.db", "field.db.lock"]
    assert not encryption.is_encrypted(path) and _answers(path, None) == [SECRET]


def test_a_copy_that_does_not_match_the_original_is_not_used(tmp_path, monkeypatch):
    path = tmp_path / "field.db"
    _make(path, None)
    real = encryption._write_copy

    def lossy(store, part, passphrase):
        real(store, part, passphrase)
        conn = driver.connect(part, passphrase=passphrase)
        conn.execute("DELETE FROM settings WHERE key = 'device_id'")  # a row lost on the way
        conn.commit()
        conn.close()

    monkeypatch.setattr(encryption, "_write_copy", lossy)
    with pytest.raises(errors.StoreError) as failed:
        encryption.encrypt_database(path, PASSPHRASE)
    assert failed.value.code == "encryption_failed"
    assert not encryption.is_encrypted(path) and _answers(path, None) == [SECRET]


KILLED = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[3])
from yingzao.core.store import encryption

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # as a power cut or the task manager would, at this very step

if sys.argv[2] == "verify":
    encryption._verify = killed  # the encrypted copy is written, not yet verified
else:
    encryption.os.replace = killed  # verified and flushed, about to replace the plain file
encryption.encrypt_database(encryption.Path(sys.argv[1]), "村委会门前有三棵柳树")
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
@pytest.mark.parametrize("step", ["verify", "replace"])
def test_a_conversion_killed_midway_leaves_the_plain_database_and_the_next_one_cleans_up(tmp_path, step):
    path = tmp_path / "field.db"
    _make(path, None)
    child = subprocess.run(
        [sys.executable, "-c", KILLED, str(path), step, str(ROOT)], capture_output=True, text=True, timeout=120
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert encryption.part_path(path).exists()  # the half-made copy the kill left
    assert not encryption.is_encrypted(path) and _answers(path, None) == [SECRET]  # opens as before
    encryption.encrypt_database(path, PASSPHRASE)
    assert not encryption.part_path(path).exists()
    unlocked.forget_all()
    assert _answers(path, PASSPHRASE) == [SECRET]


def test_changing_the_passphrase(tmp_path):
    path = tmp_path / "field.db"
    _make(path, PASSPHRASE)
    with pytest.raises(errors.StoreError) as wrong:
        encryption.change_passphrase(path, "not the passphrase", "一个全新的口令啊")
    assert wrong.value.code == "database_passphrase_wrong"
    assert _answers(path, PASSPHRASE) == [SECRET]
    unlocked.forget_all()
    encryption.change_passphrase(path, PASSPHRASE, "一个全新的口令啊")
    unlocked.forget_all()
    with pytest.raises(errors.StoreError) as old:
        Store(path, passphrase=PASSPHRASE)
    assert old.value.code == "database_passphrase_wrong"
    assert _answers(path, "一个全新的口令啊") == [SECRET]
    with pytest.raises(errors.StoreError) as plain:
        encryption.change_passphrase(tmp_path / "new.db", "x" * 8, "y" * 8)
    assert plain.value.code == "not_encrypted"


def test_the_command_line_opens_an_encrypted_database_with_a_passphrase_file_or_the_variable(
    tmp_path, monkeypatch, capsys
):
    path = tmp_path / "field.db"
    _make(path, None)
    secret_file = tmp_path / "passphrase.txt"
    secret_file.write_text(PASSPHRASE + "\nanything after the first line\n", encoding="utf-8")
    assert main.main(["encrypt", "--db", str(path), "--passphrase-file", str(secret_file)]) == 0
    assert "已加密" in capsys.readouterr().out
    unlocked.forget_all()
    assert main.main(["export", "--db", str(path), "--out", str(tmp_path / "no.xlsx")]) == 1
    assert "口令" in capsys.readouterr().err and not (tmp_path / "no.xlsx").exists()
    unlocked.forget_all()
    out = tmp_path / "out.xlsx"
    assert main.main(["export", "--db", str(path), "--out", str(out), "--passphrase-file", str(secret_file)]) == 0
    unlocked.forget_all()
    monkeypatch.setenv("YINGZAO_PASSPHRASE", PASSPHRASE)
    assert main.main(["backup", "--db", str(path), "--out", str(tmp_path / "copy.db")]) == 0
    assert main.main(["pack", "--db", str(path), "--out", str(tmp_path / "s.yzpack")]) == 0
    unlocked.forget_all()
    # a new master made with a passphrase given is made encrypted
    assert main.main(["merge", "--into", str(tmp_path / "master.db"), str(tmp_path / "s.yzpack")]) == 0
    unlocked.forget_all()
    assert encryption.is_encrypted(tmp_path / "master.db") and _answers(tmp_path / "master.db", PASSPHRASE) == [SECRET]
    unlocked.forget_all()
    monkeypatch.setenv("YINGZAO_PASSPHRASE", "wrong passphrase")
    assert main.main(["backup", "--db", str(path), "--out", str(tmp_path / "copy2.db")]) == 1
    assert "口令不正确" in capsys.readouterr().err
    book = openpyxl.load_workbook(out, read_only=True)
    assert any(SECRET in str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)
    book.close()
    assert encryption.is_encrypted(tmp_path / "copy.db")


def test_a_passphrase_given_for_a_plain_database_is_ignored(tmp_path, monkeypatch):
    path = tmp_path / "field.db"
    _make(path, None)
    monkeypatch.setenv("YINGZAO_PASSPHRASE", PASSPHRASE)
    assert main.main(["backup", "--db", str(path), "--out", str(tmp_path / "copy.db")]) == 0
    assert not encryption.is_encrypted(tmp_path / "copy.db")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_an_encrypted_wal_left_by_a_crash_is_replayed_with_the_passphrase(tmp_path):
    path = tmp_path / "field.db"
    _make(path, PASSPHRASE)
    child = subprocess.run(
        [sys.executable, "-c", CRASH_WITH_WAL, str(path), str(ROOT)], capture_output=True, text=True, timeout=120
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert Path(f"{path}-wal").exists()
    with Store(path, passphrase=PASSPHRASE) as store:
        assert store.get_setting("left_in_the_wal") == "yes"


CRASH_WITH_WAL = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[2])
from yingzao.core.store.database import Store
store = Store(sys.argv[1], passphrase="村委会门前有三棵柳树")
store.set_setting("left_in_the_wal", "yes")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_cipher_is_sqlciphers_documented_default(tmp_path):
    """docs/security.md names these primitives: this is what the files really get."""
    with Store(tmp_path / "field.db", passphrase=PASSPHRASE) as store:
        assert store.conn.execute("PRAGMA cipher").fetchone()[0] == "AES-256-CBC"
        settings = {row[0] for row in store.conn.execute("PRAGMA cipher_settings")}
    assert {
        "PRAGMA kdf_iter = 256000;",
        "PRAGMA cipher_page_size = 4096;",
        "PRAGMA cipher_use_hmac = 1;",
        "PRAGMA cipher_plaintext_header_size = 0;",
        "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;",
        "PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512;",
    } <= settings
