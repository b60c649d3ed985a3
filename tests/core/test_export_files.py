"""Where an export keeps its temporary files (beside the target, never in the system temp folder),
and how the files of a killed export are removed by the next one."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from yingzao.core.export import files as export_files
from yingzao.core.export import workbook as export
from yingzao.core.export.workbook import export_workbook

from tests.export_study import build_study

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("study") / "study.db")


def ours(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(export_files.PREFIX))


def age(folder: Path, seconds: float = 3600) -> None:
    """Make the files look as old as a crash an hour ago (the clean-up leaves just-made locks alone)."""
    then = time.time() - seconds
    for name in ours(folder):
        os.utime(folder / name, (then, then))


def test_sheets_stream_beside_the_target_and_nothing_goes_to_the_temp_folder(study, tmp_path, monkeypatch):
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    folder = tmp_path / "exports"
    folder.mkdir()
    seen: list[list[str]] = []
    export_workbook(study.path, folder / "out.xlsx", progress=lambda done, total: seen.append(ours(folder)))
    during = {name for names in seen for name in names}
    assert any(name.endswith(".lock") for name in during)
    assert sum(".sheet" in name for name in during) >= 3  # the sheets written while the answers stream
    assert list(system_temp.iterdir()) == []
    assert ours(folder) == [] and [p.name for p in folder.iterdir()] == ["out.xlsx"]
    openpyxl.load_workbook(folder / "out.xlsx")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_the_files_of_a_killed_export_are_removed_by_the_next_export(study, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from yingzao.core.export.workbook import export_workbook
        def progress(done, total):
            if done >= 4:  # in the middle of the answers: sheets half written
                os.kill(os.getpid(), signal.SIGKILL)
        export_workbook({str(study.path)!r}, {str(folder / "out.xlsx")!r}, progress=progress)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == -9, run.stderr
    left = ours(folder)
    assert any(".sheet" in name for name in left) and any(name.endswith(".lock") for name in left)
    assert any((folder / name).stat().st_size > 0 for name in left if ".sheet" in name)  # answers in clear
    age(folder)
    export_workbook(study.path, folder / "again.xlsx")
    assert ours(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == ["again.xlsx"]


def test_the_clean_up_leaves_a_running_export_alone(tmp_path):
    running = export_files.ExportFiles(tmp_path / "a.xlsx")
    sheet = running.sheet_file()
    age(tmp_path)
    assert export_files.remove_stale(tmp_path) == 0
    assert Path(sheet).exists() and running.workbook.exists()
    running.close()
    assert ours(tmp_path) == []


def test_files_without_a_lock_are_leftovers_and_other_files_are_never_touched(tmp_path):
    (tmp_path / f"{export_files.PREFIX}0123456789abcdef.xlsx.part").write_bytes(b"")
    (tmp_path / f"{export_files.PREFIX}0123456789abcdef.sheet1.part").write_text("<row>王建国</row>")
    (tmp_path / ".study-1234.xlsx.part").write_bytes(b"")  # not named like ours: someone else's
    (tmp_path / "openpyxl.abc").write_bytes(b"")
    assert export_files.remove_stale(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".study-1234.xlsx.part", "openpyxl.abc"]


def test_the_workbook_is_flushed_to_disk_before_it_takes_the_targets_name(study, tmp_path, monkeypatch):
    events: list[str] = []
    real_fsync, real_replace = export_files.os.fsync, export.os.replace
    monkeypatch.setattr(export_files.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(export.os, "replace", lambda a, b: (events.append("rename"), real_replace(a, b))[1])
    export_workbook(study.path, tmp_path / "out.xlsx")
    assert events[:2] == ["fsync", "rename"]
    if sys.platform != "win32":
        assert events[2:] == ["fsync"]  # the folder's entry too
