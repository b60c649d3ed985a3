"""Nothing lost: a process killed with SIGKILL mid-interview keeps every answer it reported saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from yingzao.core.store.database import Store

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
sys.path.insert(0, sys.argv[2])
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store

store = Store(sys.argv[1], user="fieldworker")
protocol = load_library(store).by_role("cadre")[0]
interview = store.start_interview(protocol.sha256)
texts = [q.name for q in protocol.questions if q.type == "text"]
print("INTERVIEW", interview, flush=True)
n = 0
while True:
    question = texts[n % len(texts)]
    store.save_answer(interview, question, f"{n}: 社区干部谈居民议事会与三长制度。")
    print("SAVED", question, n, flush=True)  # reported only after the commit returned
    n += 1
"""


def _saved_lines(lines: list[str]) -> dict[str, int]:
    last: dict[str, int] = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "SAVED":
            last[parts[1]] = int(parts[2])
    return last


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_answers_reported_saved_survive_sigkill(tmp_path):
    db = tmp_path / "field.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(ROOT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines: list[str] = []
    try:
        for line in child.stdout:
            lines.append(line)
            if len(lines) > 300:
                break
        os.kill(child.pid, signal.SIGKILL)
        rest, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    # lines printed before the kill but still in the pipe were reported too
    lines += [line for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    assert lines and lines[0].startswith("INTERVIEW"), err
    interview = lines[0].split()[1]
    reported = _saved_lines(lines)
    assert sum(1 for line in lines if line.startswith("SAVED")) >= 300
    with Store(db) as store:
        answers = store.answers(interview)
    for question, n in reported.items():
        stored = int(str(answers[question].value).split(":")[0])
        # the last value reported for each question is there (or a later one saved just before the kill)
        assert stored >= n
        assert answers[question].value.endswith("社区干部谈居民议事会与三长制度。")
