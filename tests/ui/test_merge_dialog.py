"""The merge, conflict and export dialogs: what a researcher and a fieldworker see and click."""

from __future__ import annotations

import time

import openpyxl
import pytest

from yingzao.core.exchange.conflicts import count_open_conflicts
from yingzao.core.exchange.merge import merge_packages
from yingzao.core.exchange.unpack import read_package
from yingzao.core.store.database import Store
from yingzao.ui.conflict_dialog import ConflictsDialog
from yingzao.ui.i18n import Translator
from yingzao.ui.merge_dialog import MergeDialog
from yingzao.ui.pack_dialog import PackDialog

from tests.laptops import Laptop, laptop_template  # noqa: F401  (fixture)


@pytest.fixture
def laptops(laptop_template, tmp_path):  # noqa: F811
    wang = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    li = Laptop(laptop_template, tmp_path / "li.db", "李强")
    yield wang, li
    wang.close()
    li.close()


def test_merge_dialog_merges_several_files_and_reports_each(qtbot, laptops, tmp_path):
    wang, li = laptops
    wang.interview()
    li.interview()
    li.interview()
    files = [wang.pack(tmp_path / "wang.yzpack"), li.pack(tmp_path / "li.yzpack")]
    (tmp_path / "junk.yzpack").write_text("junk")
    dialog = MergeDialog(tmp_path / "master.db", Translator("zh"))
    qtbot.addWidget(dialog)
    dialog.add_files([*files, tmp_path / "junk.yzpack", files[0]])  # the same file twice is listed once
    assert dialog.files() == [str(files[0]), str(files[1]), str(tmp_path / "junk.yzpack")]
    assert not dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.merge_finished, timeout=20_000) as finished:
        dialog.start_button.click()
    report = finished.args[0]
    assert [p.status for p in report.packages] == ["merged", "merged", "refused"]
    table = dialog.table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert rows[0][:3] == ["wang.yzpack", "已合并", "1"] and rows[1][:3] == ["li.yzpack", "已合并", "2"]
    assert rows[2][1] == "拒收" and "这不是营造的数据包" in rows[2][-1]
    assert "完成：2 个已合并" in dialog.status.text()
    assert dialog.save_button.isEnabled()
    assert not dialog.start_button.isEnabled()  # the same list again: nothing to start
    with qtbot.assertNotEmitted(dialog.merge_finished, wait=300):
        dialog.start_button.click()  # the second click of a double-click that came after a quick merge
    assert "完成：2 个已合并" in dialog.status.text()  # the report is still the whole run's
    book = openpyxl.load_workbook(dialog.save_report(tmp_path / "report.xlsx"))
    assert [row[0] for row in book["packages"].iter_rows(min_row=2, values_only=True)] == [
        "wang.yzpack",
        "li.yzpack",
        "junk.yzpack",
    ]
    with qtbot.waitSignal(dialog.merge_finished, timeout=20_000) as again:  # merging again changes nothing
        dialog.start()
    assert [p.status for p in again.args[0].packages] == ["already_merged", "already_merged", "refused"]
    assert table.item(0, 1).text() == "此前已合并"
    with Store(tmp_path / "master.db") as master:
        assert master.count_interviews() == 3


def test_cancel_stops_the_merge(qtbot, laptops, tmp_path, monkeypatch):
    wang, li = laptops
    wang.interview()
    li.interview()
    dialog = MergeDialog(tmp_path / "master.db", Translator("en"))
    qtbot.addWidget(dialog)
    dialog.add_files([wang.pack(tmp_path / "wang.yzpack"), li.pack(tmp_path / "li.yzpack")])

    def after_cancel(store, files, *, progress, cancelled, **options):  # waits for the click, then merges
        while not cancelled():
            time.sleep(0.01)
        return merge_packages(store, files, progress=progress, cancelled=cancelled, **options)

    monkeypatch.setattr("yingzao.ui.merge_dialog.merge_packages", after_cancel)
    with qtbot.waitSignal(dialog.merge_finished, timeout=20_000) as finished:
        dialog.start()
        assert dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
        dialog.cancel_button.click()
    assert finished.args[0].cancelled
    assert dialog.status.text().startswith("Cancelled")
    with Store(tmp_path / "master.db") as master:
        assert master.count_interviews() == 0


def test_conflict_dialog_shows_versions_side_by_side_and_resolves_per_answer(qtbot, laptops, tmp_path):
    wang, _ = laptops
    interview_id = wang.interview(answers=3)
    copy = wang.copy_to(tmp_path / "copy.db", "李强")
    wang.edit(interview_id, 0, "王芳改的")
    copy.edit(interview_id, 1, "李强改的")
    files = [wang.pack(tmp_path / "wang.yzpack"), copy.pack(tmp_path / "copy.yzpack")]
    copy.close()
    master = Store(tmp_path / "master.db", user="研究者")
    merge_packages(master, files)
    dialog = ConflictsDialog(master, Translator("en"))
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == ["Question", "A", "B"]
    assert table.rowCount() == 2  # the two answers that differ
    texts = {table.cellWidget(r, c).text.text() for r in range(2) for c in (1, 2)}
    assert {"王芳改的", "李强改的", "回答0", "回答1"} <= texts
    label = {v.sources[0]["fieldworker"]: v.label for v in dialog.current.versions}
    assert "Version A:" in dialog.versions_label.text() and "(王芳)" in dialog.versions_label.text()
    dialog.choose(wang.texts[0], label["王芳"])
    dialog.choose(wang.texts[1], label["李强"])
    dialog.apply_button.click()
    answers = master.answers(interview_id)
    assert (answers[wang.texts[0]].value, answers[wang.texts[1]].value) == ("王芳改的", "李强改的")
    assert count_open_conflicts(master) == 0 and dialog.list.count() == 0
    assert dialog.versions_label.text() == "There are no conflicts to resolve."
    master.close()


def test_conflict_dialog_takes_a_whole_version(qtbot, laptops, tmp_path):
    wang, _ = laptops
    interview_id = wang.interview(answers=2)
    copy = wang.copy_to(tmp_path / "copy.db", "李强")
    wang.edit(interview_id, 0, "王芳改的")
    copy.edit(interview_id, 0, "李强改的")
    files = [wang.pack(tmp_path / "wang.yzpack"), copy.pack(tmp_path / "copy.yzpack")]
    copy.close()
    with Store(tmp_path / "master.db") as master:
        merge_packages(master, files)
        dialog = ConflictsDialog(master, Translator("zh"))
        qtbot.addWidget(dialog)
        label = {v.sources[0]["fieldworker"]: v.label for v in dialog.current.versions}
        button = next(b for b in dialog.whole_buttons if b.text() == f"整体采用版本 {label['李强']}")
        button.click()
        assert master.answers(interview_id)[wang.texts[0]].value == "李强改的"
        assert count_open_conflicts(master) == 0


def test_pack_dialog_exports_what_changed_and_then_nothing(qtbot, laptops, tmp_path):
    wang, _ = laptops
    wang.interview()
    wang.interview()
    wang.close()
    dialog = PackDialog(wang.path, Translator("en"))
    qtbot.addWidget(dialog)
    assert "all 2 interviews" in dialog.counts.text()
    dialog.path_edit.setText(str(tmp_path / "out.yzpack"))
    with qtbot.waitSignal(dialog.packed, timeout=20_000) as packed:
        dialog.export_button.click()
    assert packed.args[0].interviews == 2
    assert "Exported 2 interview(s)" in dialog.result.text()
    assert len(read_package(tmp_path / "out.yzpack").versions) == 2
    assert "changed since the last export (out.yzpack" in dialog.counts.text() and ": 0 of 2" in dialog.counts.text()
    dialog.path_edit.setText(str(tmp_path / "again.yzpack"))
    with qtbot.waitSignal(dialog.packed, timeout=20_000) as nothing:
        dialog.export()
    assert nothing.args[0] is None and "Nothing changed" in dialog.result.text()
    assert not (tmp_path / "again.yzpack").exists()
    dialog.all_box.setChecked(True)
    with qtbot.waitSignal(dialog.packed, timeout=20_000) as everything:
        dialog.export()
    assert everything.args[0].interviews == 2
    wang.store = Store(wang.path)  # so the fixture can close it


def test_times_in_the_report_are_local_not_raw_timestamps(qtbot, laptops, tmp_path):
    wang, _ = laptops
    wang.interview()
    package = wang.pack(tmp_path / "wang.yzpack")
    with Store(tmp_path / "master.db") as master:
        merge_packages(master, [package])
    dialog = MergeDialog(tmp_path / "master.db", Translator("zh"))
    qtbot.addWidget(dialog)
    dialog.add_files([package])
    with qtbot.waitSignal(dialog.merge_finished, timeout=20_000):
        dialog.start_button.click()
    details = dialog.table.item(0, dialog.table.columnCount() - 1).text()
    assert "合并，未作任何改动" in details
    assert "T" not in details and "Z" not in details  # "2026-12-03 14:46", not "2026-12-03T06:46:59.074Z"


def test_conflict_dialog_names_each_entry_of_a_repeat_and_keeps_both_laptops_entries(qtbot, laptops, tmp_path):
    from yingzao.core.forms.engine import InterviewSession
    from yingzao.core.forms.loader import load_protocol_workbook

    from tests.core.test_repeats import ORGS
    from tests.forms import write_xlsform

    wang, _ = laptops
    protocol, workbook = load_protocol_workbook(write_xlsform(tmp_path / "orgs.xlsx", ORGS))
    wang.store.add_protocol(protocol, workbook)
    session = InterviewSession(wang.store, wang.store.start_interview(protocol.sha256, community_id="A"))
    shared = session.add_instance("orgs")
    session.type_value(f"org_name#{shared}", "居民议事会")
    copy = wang.copy_to(tmp_path / "copy.db", "李强")
    mine = InterviewSession(wang.store, session.id)
    added_here = mine.add_instance("orgs")
    mine.type_value(f"org_name#{added_here}", "王芳加的")
    theirs = InterviewSession(copy.store, session.id)
    added_there = theirs.add_instance("orgs")
    theirs.type_value(f"org_name#{added_there}", "李强加的")
    files = [wang.pack(tmp_path / "wang.yzpack"), copy.pack(tmp_path / "copy.yzpack")]
    copy.close()
    master = Store(tmp_path / "master.db", user="研究者")
    merge_packages(master, files)
    dialog = ConflictsDialog(master, Translator("en"))
    qtbot.addWidget(dialog)
    table = dialog.table
    labels = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert "1.2 Each organisation" in labels  # the repeat's list of entries
    label = {v.sources[0]["fieldworker"]: v.label for v in dialog.current.versions}
    # each laptop's new entry, where that laptop put it, and whose it is
    assert f"1.2.1 Name · Entry 2 · only in version {label['王芳']}" in labels
    assert f"1.2.1 Name · Entry 2 · only in version {label['李强']}" in labels
    assert "1.2.1 Name · Entry 1" not in labels  # the entry both have is the same in both
    row = labels["1.2 Each organisation"]
    assert {table.cellWidget(row, c).text.text() for c in (1, 2)} == {"entries: 2"}  # no raw ids
    dialog.choose("orgs", label["王芳"])
    dialog.choose(f"org_name#{added_here}", label["王芳"])
    dialog.choose(f"org_name#{added_there}", label["李强"])
    dialog.apply_button.click()
    kept = InterviewSession(master, session.id, read_only=True)
    assert [kept.value(f"org_name#{i}") for i in kept.instances("orgs")] == ["居民议事会", "李强加的", "王芳加的"]
    master.close()
