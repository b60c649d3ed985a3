"""An export only reads: it works on a database on read-only media, beside a window (another
process) that holds the database for writing, and leaves the database's folder as it found it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from yingzao.core.export.workbook import export_workbook, filter_choices
from yingzao.core.store import driver

from tests.export_study import build_study, table

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def study(tmp_path):
    (tmp_path / "data").mkdir()
    return build_study(tmp_path / "data" / "field.db")


def test_an_export_writes_nothing_into_the_database(study, tmp_path):
    # a database that never had a device id: a writing store would make one and save it
    conn = driver.connect(study.path)
    conn.execute("DELETE FROM settings WHERE key = 'device_id'")
    conn.commit()
    conn.close()
    assert filter_choices(study.path).interviews == 6
    export_workbook(study.path, tmp_path / "out.xlsx")
    conn = driver.connect(f"{study.path.as_uri()}?mode=ro", uri=True)
    assert conn.execute("SELECT count(*) FROM settings WHERE key = 'device_id'").fetchone() == (0,)
    conn.close()
    assert len(table(openpyxl.load_workbook(tmp_path / "out.xlsx")["访谈"])) == 6


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="permissions are not enforced for root; Windows has no read-only folder bit",
)
def test_a_database_on_read_only_media_can_be_exported(study, tmp_path):
    folder = study.path.parent
    study.path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        export_workbook(study.path, tmp_path / "out.xlsx")  # "attempt to write a readonly database" before
    finally:
        folder.chmod(stat.S_IRWXU)
        study.path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert len(table(openpyxl.load_workbook(tmp_path / "out.xlsx")["访谈"])) == 6


def test_a_database_another_window_holds_can_be_exported(study, tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from yingzao.core.store.database import Store
        with Store({str(study.path)!r}, user="甲"):
            print("open", flush=True)
            sys.stdin.readline()  # holds the database until told to close
    """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        result = export_workbook(study.path, tmp_path / "out.xlsx")
        assert result.interviews == 4
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0


def _can_mount_read_only() -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    # a private mount namespace (unshare's default): the read-only mount is seen by that process only
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind -o ro /tmp /tmp"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs Linux, root and mount namespaces to make read-only media")
def test_a_database_on_a_read_only_mount_can_be_exported(study, tmp_path):
    """Where permissions do not bind (root), read-only media for real: the database's folder
    mounted read-only in a private mount namespace, so SQLite can create neither -wal nor -shm."""
    folder, out = study.path.parent, tmp_path / "out.xlsx"
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from yingzao.core.export.workbook import export_workbook; "
        f"print(export_workbook({str(study.path)!r}, {str(out)!r}).summary())"
    )
    run = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            'mount --bind -o ro "$1" "$1" && touch "$1/probe" 2>/dev/null; test ! -e "$1/probe" && exec "$2" -c "$3"',
            "sh",
            str(folder),
            sys.executable,
            script,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "4 个访谈" in run.stdout and "损坏" not in run.stdout
    assert len(table(openpyxl.load_workbook(out)["访谈"])) == 6
