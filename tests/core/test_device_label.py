"""A laptop's name travels in its packages, so the master's export shows every device by the name
its user gave it — not only the master's own device — and old packages without one still merge."""

from __future__ import annotations

import openpyxl
import pytest

from yingzao.core.errors import PackageError
from yingzao.core.exchange.merge import MERGED, merge_packages
from yingzao.core.exchange.unpack import read_manifest, read_package
from yingzao.core.export.workbook import export_workbook

from tests.core.package_edit import manifest_of, members_of, reseal, write_members
from tests.export_study import CHENGDU, table
from tests.laptops import Laptop, laptop_template  # noqa: F401  (fixture)


@pytest.fixture
def laptops(laptop_template, tmp_path):  # noqa: F811
    master = Laptop(laptop_template, tmp_path / "master.db", "研究员")
    field = Laptop(laptop_template, tmp_path / "field.db", "王芳")
    yield master, field
    master.close()
    field.close()


def devices_in_export(master: Laptop, out) -> dict[str, str]:
    """Each exported interview's device cell, by full interview id."""
    export_workbook(master.path, out, tz=CHENGDU)  # while the master is open, as from the app's window
    return {row["完整编号"]: row["设备"] for row in table(openpyxl.load_workbook(out)["访谈"])}


def merged(master: Laptop, package) -> None:
    report = merge_packages(master.store, [package])
    assert [line.status for line in report.packages] == [MERGED], report.packages[0].reason


def test_a_merged_laptops_label_is_the_exported_device(laptops, tmp_path):
    master, field = laptops
    master.store.set_setting("device_label", "研究室台式机")
    field.store.set_setting("device_label", "笔记本-2")
    own = master.interview()
    theirs = field.interview()
    package = field.pack(tmp_path / "field.yzpack")
    assert read_manifest(package)[1]["device_label"] == "笔记本-2"
    merged(master, package)
    devices = devices_in_export(master, tmp_path / "out.xlsx")
    assert devices == {own: "研究室台式机", theirs: "笔记本-2"}


def test_an_old_package_without_a_label_still_merges_and_shows_the_device_id(laptops, tmp_path):
    master, field = laptops
    field.store.set_setting("device_label", "笔记本-2")
    theirs = field.interview()
    members = members_of(field.pack(tmp_path / "new.yzpack"))
    manifest = manifest_of(members)
    del manifest["device_label"]  # as every package was before the field existed
    old = write_members(tmp_path / "old.yzpack", reseal(members, manifest))
    assert read_package(old).device_label == ""
    merged(master, old)
    assert master.store.conn.execute("SELECT device_label FROM packages").fetchall() == [("",)]
    devices = devices_in_export(master, tmp_path / "out.xlsx")
    assert devices[theirs] == field.store.device_id


def test_the_newest_package_names_the_device_and_one_without_a_label_does_not_erase_it(laptops, tmp_path):
    master, field = laptops
    field.store.set_setting("device_label", "笔记本-2")
    first = field.interview()
    earlier = field.pack(tmp_path / "1.yzpack")
    field.store.set_setting("device_label", "王芳的笔记本")
    second = field.interview()
    later = field.pack(tmp_path / "2.yzpack")
    field.store.set_setting("device_label", "")
    third = field.interview()
    unnamed = field.pack(tmp_path / "3.yzpack")
    assert "device_label" not in read_manifest(unnamed)[1]
    for package in (later, unnamed, earlier):  # merged out of order: the laptop's own order counts
        merged(master, package)
    devices = devices_in_export(master, tmp_path / "out.xlsx")
    assert {devices[first], devices[second], devices[third]} == {"王芳的笔记本"}


@pytest.mark.parametrize("label", [42, None, ["笔记本"], "笔" * 201])
def test_a_label_that_is_not_a_short_text_refuses_the_package(laptops, tmp_path, label):
    master, field = laptops
    field.interview()
    members = members_of(field.pack(tmp_path / "good.yzpack"))
    manifest = manifest_of(members)
    manifest["device_label"] = label
    bad = write_members(tmp_path / "bad.yzpack", reseal(members, manifest))
    with pytest.raises(PackageError, match="已损坏"):
        read_package(bad)
    report = merge_packages(master.store, [bad])
    assert report.any_refused
    assert master.store.conn.execute("SELECT count(*) FROM packages").fetchone() == (0,)


def test_a_label_of_200_characters_is_accepted(laptops, tmp_path):
    master, field = laptops
    field.store.set_setting("device_label", "笔" * 200)
    theirs = field.interview()
    merged(master, field.pack(tmp_path / "field.yzpack"))
    assert devices_in_export(master, tmp_path / "out.xlsx")[theirs] == "笔" * 200
