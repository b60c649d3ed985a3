"""Merging the sessions of many laptops into one master: nothing duplicated, nothing lost."""

from __future__ import annotations

import time
import zipfile

import openpyxl
import pytest

from yingzao import main
from yingzao.core import paths
from yingzao.core.errors import StoreError
from yingzao.core.exchange import merge as merge_module
from yingzao.core.exchange.conflicts import (
    INTERVIEW_ROW,
    count_open_conflicts,
    load_conflict,
    open_conflicts,
    resolve_conflict,
)
from yingzao.core.exchange.content_hash import load_version
from yingzao.core.exchange.merge import merge_packages, provenance
from yingzao.core.exchange.merge_report import save_report_xlsx, summary_lines
from yingzao.core.forms.codebook import load_codebook
from yingzao.core.forms.loader import load_protocol
from yingzao.core.store.database import Store

from tests.laptops import Laptop, canonical_dump, laptop_template  # noqa: F401  (fixture)

# these tests read the errors' English text
pytestmark = pytest.mark.usefixtures("english_errors")


def only(report):
    assert len(report.packages) == 1
    return report.packages[0]


def test_two_laptops_merge_into_one_master_with_provenance(make_laptop, master, tmp_path):
    wang, li = make_laptop("wang", "王芳"), make_laptop("li", "李强")
    ids = [wang.interview(answers=3), wang.interview(answers=1), li.interview(answers=2, community="B")]
    wang.store.add_question_time(ids[0], wang.texts[0], 30.0)
    report = merge_packages(master, [wang.pack(tmp_path / "wang.yzpack"), li.pack(tmp_path / "li.yzpack")])
    assert [(p.status, p.added, p.duplicates, p.conflicts) for p in report.packages] == [
        ("merged", 2, 0, []),
        ("merged", 1, 0, []),
    ]
    for laptop, interview_id in ((wang, ids[0]), (wang, ids[1]), (li, ids[2])):
        assert load_version(master.conn, interview_id).sha256 == load_version(laptop.store.conn, interview_id).sha256
        assert master.interview(interview_id).device_id == laptop.store.device_id
    assert master.question_times(ids[0])[wang.texts[0]].seconds == 30.0
    sources = master.conn.execute(
        "SELECT s.interview_id, p.file_name, s.device_id FROM interview_sources s"
        " JOIN packages p ON p.id = s.package_id"
    ).fetchall()
    assert sorted(sources) == sorted(
        [
            (ids[0], "wang.yzpack", wang.store.device_id),
            (ids[1], "wang.yzpack", wang.store.device_id),
            (ids[2], "li.yzpack", li.store.device_id),
        ]
    )
    assert [(s["file_name"], s["fieldworker"], s["outcome"]) for s in provenance(master, ids[2])] == [
        ("li.yzpack", "李强", "added")
    ]
    merged = [e for e in master.audit_log(ids[0]) if e.field == "merged"]
    assert [(e.old, e.user, e.device_id) for e in merged] == [("added", "研究者", master.device_id)]
    assert {c.id for c in master.communities()} == {"A", "B"}
    assert master.has_protocol(wang.protocol.sha256)


def test_merging_the_same_package_again_changes_nothing(make_laptop, master, tmp_path):
    wang = make_laptop("wang")
    wang.interview()
    package = wang.pack(tmp_path / "wang.yzpack")
    merge_packages(master, [package])
    before = canonical_dump(master)
    audit_rows = master.conn.execute("SELECT count(*) FROM audit").fetchone()
    again = only(merge_packages(master, [package]))
    assert again.status == "already_merged" and again.merged_at
    assert "already merged" in summary_lines(merge_packages(master, [package]))[0]
    assert canonical_dump(master) == before
    assert master.conn.execute("SELECT count(*) FROM audit").fetchone() == audit_rows  # not even bookkeeping


def test_the_same_content_in_another_package_is_a_duplicate(make_laptop, master, tmp_path):
    wang = make_laptop("wang")
    wang.interview()
    wang.interview()
    merge_packages(master, [wang.pack(tmp_path / "1.yzpack")])
    line = only(merge_packages(master, [wang.pack(tmp_path / "2.yzpack", all_interviews=True)]))
    assert (line.status, line.added, line.updated, line.duplicates) == ("merged", 0, 0, 2)
    assert master.count_interviews() == 2


def test_a_later_export_of_the_same_interview_updates_it_in_either_order(make_laptop, tmp_path):
    wang = make_laptop("wang")
    interview_id = wang.interview(answers=2)
    early = wang.pack(tmp_path / "early.yzpack")
    wang.edit(interview_id, 1, "补充：居民议事会每月一次")
    wang.edit(interview_id, 2, "新回答")
    late = wang.pack(tmp_path / "late.yzpack")
    final = load_version(wang.store.conn, interview_id)
    dumps = []
    for name, order, outcome in (("a", [early, late], "updated"), ("b", [late, early], "older")):
        with Store(tmp_path / f"master_{name}.db") as master:
            report = merge_packages(master, order)
            assert report.packages[1].interviews[0]["outcome"] == outcome
            assert load_version(master.conn, interview_id).sha256 == final.sha256
            assert master.answers(interview_id)[wang.texts[1]].value == "补充：居民议事会每月一次"
            assert count_open_conflicts(master) == 0
            dumps.append(canonical_dump(master))
    assert dumps[0] == dumps[1]


def test_the_same_interview_edited_on_two_copied_laptops_is_a_conflict_with_both_kept(make_laptop, master, tmp_path):
    wang = make_laptop("wang", "王芳")
    interview_id = wang.interview(answers=3)
    copy = wang.copy_to(tmp_path / "copy.db", "李强")  # the database carried to a second laptop
    wang.edit(interview_id, 0, "王芳改的")
    copy.edit(interview_id, 1, "李强改的")
    first = only(merge_packages(master, [wang.pack(tmp_path / "wang.yzpack")]))
    second = only(merge_packages(master, [copy.pack(tmp_path / "copy.yzpack")]))
    assert first.added == 1 and second.conflicts == [interview_id]
    assert "interviews in conflict" in "\n".join(
        summary_lines(merge_packages(master, [])) + summary_lines(merge_module.MergeReport([second]))
    )
    conflict = load_conflict(master, interview_id)
    assert [v.label for v in conflict.versions] == ["A", "B"]
    hashes = {v.version.sha256 for v in conflict.versions}
    assert hashes == {
        load_version(wang.store.conn, interview_id).sha256,
        load_version(copy.store.conn, interview_id).sha256,
    }
    assert conflict.differing() == [wang.texts[0], wang.texts[1]]
    assert sorted(s["file_name"] for v in conflict.versions for s in v.sources) == ["copy.yzpack", "wang.yzpack"]
    # the audit log holds what happened on both laptops, each change once
    log = [(e.question, e.new) for e in master.audit_log(interview_id) if e.field == "value"]
    assert (wang.texts[0], "王芳改的") in log and (wang.texts[1], "李强改的") in log
    assert len(log) == len(set(log)) == 5
    # merging either package again, or both in the other order, changes nothing
    before = canonical_dump(master)
    merge_packages(master, [tmp_path / "copy.yzpack", tmp_path / "wang.yzpack"])
    assert canonical_dump(master) == before
    with Store(tmp_path / "other_order.db") as other:
        merge_packages(other, [tmp_path / "copy.yzpack", tmp_path / "wang.yzpack"])
        assert canonical_dump(other) == before


def conflicted(make_laptop, master, tmp_path):
    wang = make_laptop("wang", "王芳")
    interview_id = wang.interview(answers=3)
    copy = wang.copy_to(tmp_path / "copy.db", "李强")
    wang.edit(interview_id, 0, "王芳改的")
    wang.store.set_status(interview_id, "completed")
    time.sleep(0.002)  # a later millisecond: the copy's edits are the last, so its version is shown
    copy.edit(interview_id, 1, "李强改的")
    copy.edit(interview_id, 2, None, marker="refused")
    merge_packages(master, [wang.pack(tmp_path / "wang.yzpack"), copy.pack(tmp_path / "copy.yzpack")])
    conflict = load_conflict(master, interview_id)
    by_fieldworker = {v.sources[0]["fieldworker"]: v.label for v in conflict.versions}
    return wang, copy, interview_id, by_fieldworker


def test_resolving_a_conflict_as_a_whole_takes_one_version_and_keeps_the_other(make_laptop, master, tmp_path):
    wang, _copy, interview_id, label = conflicted(make_laptop, master, tmp_path)
    resolve_conflict(master, interview_id, label["李强"])
    answers = master.answers(interview_id)
    assert answers[wang.texts[0]].value == "回答0" and answers[wang.texts[1]].value == "李强改的"
    assert answers[wang.texts[2]].marker == "refused"
    assert master.interview(interview_id).status == "draft"  # the copy never completed it
    assert count_open_conflicts(master) == 0 and open_conflicts(master) == []
    kept = master.conn.execute("SELECT state FROM conflict_versions WHERE interview_id = ?", (interview_id,)).fetchall()
    assert kept == [("set_aside",), ("set_aside",)]
    resolved = [e for e in master.audit_log(interview_id) if e.field == "conflict_resolved"]
    assert len(resolved) == 1 and resolved[0].user == "研究者"
    with pytest.raises(StoreError, match="no open conflict"):
        resolve_conflict(master, interview_id, "A")
    # a package that was already in the conflict, merged again, does not reopen it
    merge_packages(master, [tmp_path / "wang.yzpack"])
    assert count_open_conflicts(master) == 0


def test_resolving_a_conflict_per_answer_is_audited(make_laptop, master, tmp_path):
    wang, _copy, interview_id, label = conflicted(make_laptop, master, tmp_path)
    with pytest.raises(StoreError, match="no version 'Z'"):
        resolve_conflict(master, interview_id, {wang.texts[0]: "Z"})
    conflict = load_conflict(master, interview_id)
    assert conflict.row_differs() and conflict.shown == label["李强"]  # the version changed last is shown
    resolve_conflict(
        master,
        interview_id,
        {
            wang.texts[0]: label["王芳"],
            wang.texts[1]: label["李强"],
            wang.texts[2]: label["王芳"],
            INTERVIEW_ROW: label["王芳"],
        },
    )
    answers = master.answers(interview_id)
    assert [answers[q].value for q in wang.texts[:3]] == ["王芳改的", "李强改的", "回答2"]
    assert answers[wang.texts[2]].marker is None
    assert master.interview(interview_id).status == "completed"  # as 王芳 left it
    changes = [(e.question, e.field, e.old, e.new) for e in master.audit_log(interview_id)][-5:]
    assert changes[:4] == [
        (wang.texts[0], "value", "回答0", "王芳改的"),
        (wang.texts[2], "value", None, "回答2"),
        (wang.texts[2], "marker", "refused", None),
        (None, "status", "draft", "completed"),
    ]
    assert changes[-1][1] == "conflict_resolved"
    # what the researcher decided travels on: a later export of the master continues from here
    assert load_version(master.conn, interview_id).audit[-1][4] == "conflict_resolved"


def test_a_change_made_in_the_master_during_a_conflict_is_kept_as_a_version(make_laptop, master, tmp_path):
    wang = make_laptop("wang", "王芳")
    interview_id = wang.interview(answers=2)
    copy = wang.copy_to(tmp_path / "copy.db", "李强")
    wang.edit(interview_id, 0, "王芳改的")
    copy.edit(interview_id, 0, "李强改的")
    merge_packages(master, [wang.pack(tmp_path / "wang.yzpack"), copy.pack(tmp_path / "copy.yzpack")])
    master.save_answer(interview_id, wang.texts[1], "研究者在主库改的")
    wang.edit(interview_id, 0, "王芳又改了")
    line = only(merge_packages(master, [wang.pack(tmp_path / "wang2.yzpack")]))
    assert line.conflicts == [interview_id]
    values = [v.answer(wang.texts[1])[0] for v in load_conflict(master, interview_id).versions]
    assert "研究者在主库改的" in values  # never a silent overwrite, not even of the master's own edit
    assert len(values) == 3


def test_a_version_that_extends_the_masters_log_is_a_continuation(make_laptop, master, tmp_path):
    """A supervisor's review travelling back and forth: the master's database, carried to a laptop,
    edited there and exported, continues the master's version."""
    wang = make_laptop("wang")
    interview_id = wang.interview(answers=2)
    merge_packages(master, [wang.pack(tmp_path / "wang.yzpack")])
    master.close()
    review = Laptop(tmp_path / "master.db", tmp_path / "master.db", "督导", new_device=False).copy_to(
        tmp_path / "review.db", "督导"
    )
    review.store.set_status(interview_id, "approved")
    package = review.pack(tmp_path / "review.yzpack", all_interviews=True)
    review.close()
    with Store(tmp_path / "master.db", user="研究者") as again:
        line = only(merge_packages(again, [package]))
        assert (line.updated, line.conflicts) == (1, [])
        assert again.interview(interview_id).status == "approved"


def test_bad_files_are_refused_and_the_good_ones_still_merge(make_laptop, master, tmp_path):
    wang, li = make_laptop("wang"), make_laptop("li")
    wang.interview()
    li.interview()
    good = wang.pack(tmp_path / "good.yzpack")
    other = li.pack(tmp_path / "other.yzpack")
    data = other.read_bytes()
    (tmp_path / "cut.yzpack").write_bytes(data[: len(data) // 2])
    (tmp_path / "notes.txt").write_text("not a package")
    with zipfile.ZipFile(tmp_path / "random.zip", "w") as zf:
        zf.writestr("a.txt", "hello")
    before = canonical_dump(master)
    bad = merge_packages(master, [tmp_path / "cut.yzpack", tmp_path / "notes.txt", tmp_path / "random.zip", li.path])
    assert [p.status for p in bad.packages] == ["refused"] * 4
    assert "incomplete" in bad.packages[0].reason and "Copy it again" in bad.packages[0].reason
    assert canonical_dump(master) == before  # refused files leave the master untouched
    report = merge_packages(master, [tmp_path / "cut.yzpack", good, tmp_path / "notes.txt", other])
    assert [p.status for p in report.packages] == ["refused", "merged", "refused", "merged"]
    assert report.any_refused and master.count_interviews() == 2
    lines = summary_lines(report)
    assert lines[0].startswith("cut.yzpack: REFUSED — the file is incomplete")
    assert lines[1].startswith("good.yzpack: merged — 1 added")


def test_a_package_failing_midway_leaves_the_master_as_it_was(make_laptop, master, tmp_path, monkeypatch):
    wang = make_laptop("wang")
    wang.interview()
    first = wang.pack(tmp_path / "first.yzpack")
    merge_packages(master, [first])
    wang.interview()
    second = wang.pack(tmp_path / "second.yzpack")
    before = canonical_dump(master)

    real_insert = merge_module._insert

    def broken(store, versions):
        real_insert(store, versions)  # the interview, its answers and audit are written, then it fails
        store.conn.execute("INSERT INTO interviews (id) VALUES (NULL)")

    monkeypatch.setattr(merge_module, "_insert", broken)
    line = only(merge_packages(master, [second]))
    assert line.status == "refused" and "The master database has not been changed" in line.reason
    assert canonical_dump(master) == before
    monkeypatch.undo()
    assert only(merge_packages(master, [second])).added == 1


def test_cancelling_stops_between_packages_and_rolls_back_the_current_one(make_laptop, master, tmp_path):
    wang, li = make_laptop("wang"), make_laptop("li")
    wang.interview()
    li.interview()
    files = [wang.pack(tmp_path / "wang.yzpack"), li.pack(tmp_path / "li.yzpack")]
    seen = []
    report = merge_packages(
        master,
        files,
        progress=lambda done, total, name: seen.append((done, total, name)),
        cancelled=lambda: len(seen) > 1,
    )
    assert [p.status for p in report.packages] == ["merged", "cancelled"] and report.cancelled
    assert master.count_interviews() == 1 and seen[0] == (0, 2, "wang.yzpack")


def revise_workbook(laptop, tmp_path, version: str):
    """Load a revised version of the laptop's protocol as the app does: a real workbook, whose
    bytes travel in the package and which the master parses itself."""
    source = next(p for p in paths.shipped_protocols() if p.name == laptop.protocol.source_name)
    book = openpyxl.load_workbook(source)
    settings = book["settings"]
    column = next(c.column for c in settings[1] if c.value == "version")
    settings.cell(2, column).value = version
    revised_path = tmp_path / source.name
    book.save(revised_path)
    revised = load_protocol(revised_path, load_codebook(paths.CODEBOOK_PATH))
    laptop.store.add_protocol(revised, revised_path.read_bytes())
    return revised


def test_interviews_of_different_protocol_versions_coexist_and_the_report_shows_the_version(
    make_laptop, master, tmp_path
):
    wang, li = make_laptop("wang"), make_laptop("li")
    revised = revise_workbook(li, tmp_path, "2021-03-revised")
    old_id = wang.interview()
    new_id = li.interview(protocol=revised)
    report = merge_packages(master, [wang.pack(tmp_path / "wang.yzpack"), li.pack(tmp_path / "li.yzpack")])
    assert master.interview(old_id).protocol_version == wang.protocol.version
    assert master.interview(new_id).protocol_version == "2021-03-revised"
    assert master.protocol(revised.sha256).version == "2021-03-revised"
    book = openpyxl.load_workbook(save_report_xlsx(report, tmp_path / "report.xlsx"))
    rows = list(book["interviews"].iter_rows(values_only=True))
    assert ("li.yzpack", new_id, "added", revised.form_id, "2021-03-revised", "draft") in rows
    packages = list(book["packages"].iter_rows(values_only=True))
    assert packages[0][:3] == ("文件 file", "结果 status", "新增 added") and packages[1][:3] == (
        "wang.yzpack",
        "merged",
        1,
    )


def test_the_command_line_packs_and_merges(make_laptop, tmp_path, capsys):
    wang = make_laptop("wang")
    wang.interview()
    wang.close()
    assert main.main(["pack", "--db", str(wang.path), "--out", str(tmp_path / "s.yzpack")]) == 0
    assert "1 个访谈（自上次导出以来有改动的）" in capsys.readouterr().out
    assert main.main(["--lang", "en", "pack", "--db", str(wang.path), "--out", str(tmp_path / "again.yzpack")]) == 0
    assert "Nothing changed since the last export" in capsys.readouterr().out
    assert not (tmp_path / "again.yzpack").exists()
    (tmp_path / "junk.yzpack").write_text("junk")
    master = str(tmp_path / "cli_master.db")
    assert main.main(["merge", "--into", master, str(tmp_path / "s.yzpack")]) == 0
    assert "s.yzpack：已合并 —— 新增 1" in capsys.readouterr().out
    code = main.main(
        [
            "merge",
            "--into",
            master,
            str(tmp_path / "s.yzpack"),
            str(tmp_path / "junk.yzpack"),
            "--report",
            str(tmp_path / "r.xlsx"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1 and "s.yzpack：已于" in out and "junk.yzpack：拒收 —— 这不是营造的数据包" in out
    assert (tmp_path / "r.xlsx").exists()
    wang.store = Store(wang.path)  # so the fixture can close it
