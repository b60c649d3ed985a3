"""One writer per database: a second process is told who holds the file and may only read it, and
nothing a reader or an in-process command does can make the writer's saved answers vanish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from yingzao.core import errors
from yingzao.core.store import writer_claim
from yingzao.core.store.database import Store

ROOT = Path(__file__).resolve().parents[2]
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and the process lock table are POSIX")

HOLDER = r"""
import sys
sys.path.insert(0, sys.argv[2])
from yingzao.core.store.database import Store
store = Store(sys.argv[1], user="王芳")
print("HOLDING", flush=True)
sys.stdin.readline()
store.close()
print("RELEASED", flush=True)
sys.stdin.readline()
"""


def _start(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _expect(child: subprocess.Popen, word: str) -> None:
    line = child.stdout.readline()
    if line.strip() != word:
        child.kill()
        pytest.fail(f"expected {word}, got {line!r}: {child.communicate()[1]}")


def test_a_second_process_is_told_who_holds_the_database_and_may_read(interview_db):
    path, interview, text = interview_db
    child = _start(HOLDER, str(path), str(ROOT))
    try:
        _expect(child, "HOLDING")
        with pytest.raises(errors.DatabaseInUse) as refused:
            Store(path)
        assert refused.value.holder.user == "王芳" and refused.value.holder.pid == child.pid
        assert "正在被另一个营造窗口使用" in refused.value.message and "王芳" in refused.value.message
        assert writer_claim.holder(path).pid == child.pid
        with Store(path, read_only=True) as reader:
            assert reader.read_only
            assert reader.answers(interview)[text].value == "居民议事会每月开一次"
            with pytest.raises(errors.StoreError) as read_only:
                reader.save_answer(interview, text, "改了")
            assert read_only.value.code == "read_only"
        child.stdin.write("\n")
        child.stdin.flush()
        _expect(child, "RELEASED")
        with Store(path) as writer:  # released on close: the next window may write
            assert not writer.read_only
            assert writer_claim.holder(path).pid == os.getpid()
    finally:
        child.kill()
        child.communicate()


@POSIX
def test_a_killed_holder_leaves_no_stale_claim(interview_db):
    path, _interview, _text = interview_db
    child = _start(HOLDER, str(path), str(ROOT))
    _expect(child, "HOLDING")
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert writer_claim.holder(path) is None
    with Store(path):
        pass


def test_stores_of_one_process_share_the_claim(interview_db):
    path, interview, text = interview_db
    with Store(path) as window, Store(path) as worker:  # the app's worker threads open their own store
        worker.save_answer(interview, text, "工作线程")
        assert window.answers(interview)[text].value == "工作线程"
    assert writer_claim.holder(path) is None  # both closed: nobody holds it


def test_read_only_needs_no_claim_and_never_writes(interview_db, tmp_path):
    path, interview, _text = interview_db
    with Store(path) as writer, Store(path, read_only=True) as reader:
        assert not writer.read_only
        assert reader.read_only and writer_claim.holder(path).pid == os.getpid()
        assert reader.interview(interview).id == interview
    with pytest.raises(errors.StoreError) as missing:
        Store(tmp_path / "nothing.db", read_only=True)
    assert missing.value.code == "no_database" and not (tmp_path / "nothing.db").exists()


# The field report: window A exports in-process, window B (another process) exports the same file and
# closes; A saves again and is killed. Opening and closing the database file outside SQLite (the old
# header check did) dropped A's POSIX locks, B then deleted the -wal A still wrote to, and A's later
# answers were gone.
SCENARIO = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[3])
from yingzao import main
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
db, out = sys.argv[1], sys.argv[2]
store = Store(db, user="fieldworker")
protocol = load_library(store).by_role("cadre")[0]
interview = store.start_interview(protocol.sha256)
texts = [q.name for q in protocol.questions if q.type == "text"]
store.save_answer(interview, texts[0], "导出之前保存的回答")
assert main.main(["--db", db, "export", "--out", out]) == 0
print("EXPORTED", interview, texts[0], texts[1], flush=True)
sys.stdin.readline()  # the other process exports the same file meanwhile
store.save_answer(interview, texts[1], "导出之后保存的回答")
print("SAVED", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@POSIX
def test_answers_survive_an_in_process_export_a_second_process_and_a_kill(tmp_path):
    db = tmp_path / "field.db"
    child = _start(SCENARIO, str(db), str(tmp_path / "a.xlsx"), str(ROOT))
    try:
        line = ""
        for line in child.stdout:  # the in-process export prints its summary first
            if line.startswith("EXPORTED"):
                break
        assert line.startswith("EXPORTED"), child.communicate()[1]
        _word, interview, first, second = line.split()
        other = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--db", str(db), "export", "--out", str(tmp_path / "b.xlsx")],
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
        assert other.returncode == 0, other.stderr
        assert (db.parent / "field.db-wal").exists()  # the other process did not checkpoint it away
        child.stdin.write("\n")
        child.stdin.flush()
        _expect(child, "SAVED")
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    with Store(db) as store:
        answers = store.answers(interview)
    assert answers[first].value == "导出之前保存的回答"
    assert answers[second].value == "导出之后保存的回答"


def test_a_command_that_writes_stops_while_the_app_holds_the_database(interview_db, tmp_path, capsys):
    from yingzao import main

    path, _interview, _text = interview_db
    child = _start(HOLDER, str(path), str(ROOT))
    try:
        _expect(child, "HOLDING")
        code = main.main(["--db", str(path), "pack", "--out", str(tmp_path / "s.yzpack")])
        assert code != 0 and "正在被另一个营造窗口使用" in capsys.readouterr().err
        assert not (tmp_path / "s.yzpack").exists()
    finally:
        child.kill()
        child.communicate()
