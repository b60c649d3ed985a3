"""The pseudonym table travels in session packages and merges in any order, any number of times,
to the same table; a package without it, or from before it existed, merges as always."""

from __future__ import annotations

import json
import zipfile

from yingzao.core.anonymity import table
from yingzao.core.exchange.merge import merge_package
from yingzao.core.exchange.pseudonyms import MEMBER
from yingzao.core.store.database import Store

from tests.core.package_edit import members_of, reseal, write_members
from tests.laptops import Laptop


def rows(store: Store) -> list[tuple]:
    return [p.row() for p in table.all_rows(store.conn)]


def test_a_package_carries_the_table_and_a_master_merges_it(laptop_template, tmp_path):
    one = Laptop(laptop_template, tmp_path / "one.db", "王芳")
    one.interview()
    table.set_pseudonym(one.store, "邛崃", "Q市", "place")
    table.allow(one.store, "成都")
    package = one.pack(tmp_path / "one.yzpack")
    with zipfile.ZipFile(package) as zf:
        carried = json.loads(zf.read(MEMBER))
        assert MEMBER in json.loads(zf.read("manifest.json"))["files"]
    assert {(r["term"], r["decision"], r["replacement"]) for r in carried} == {
        ("邛崃", "replace", "Q市"),
        ("成都", "allow", ""),
    }
    with Store(tmp_path / "master.db", user="研究者") as master:
        assert merge_package(master, package).status == "merged"
        assert table.replacements(master.conn) == {"邛崃": "Q市"} and table.allowed(master.conn) == {"成都"}
    one.close()


def test_an_empty_table_leaves_the_member_out(laptop_template, tmp_path):
    one = Laptop(laptop_template, tmp_path / "one.db", "王芳")
    one.interview()
    with zipfile.ZipFile(one.pack(tmp_path / "one.yzpack")) as zf:
        assert MEMBER not in zf.namelist()
    one.close()


def test_merging_in_either_order_and_twice_gives_the_same_table(laptop_template, tmp_path):
    one = Laptop(laptop_template, tmp_path / "one.db", "王芳")
    two = Laptop(laptop_template, tmp_path / "two.db", "李明")
    one.interview()
    two.interview()
    table.set_pseudonym(one.store, "华为", "某企业")
    table.set_pseudonym(two.store, "邛崃", "Q市")
    two.store._clock = lambda: "2099-01-01T00:00:00.000Z"  # surely later, even within the same millisecond
    table.set_pseudonym(two.store, "华为", "某通信企业")  # later: the newest decision wins everywhere
    table.remove(one.store, "京东方")
    first, second = one.pack(tmp_path / "one.yzpack"), two.pack(tmp_path / "two.yzpack")
    tables = []
    for name, order in (("ab", (first, second)), ("ba", (second, first, second, first))):
        with Store(tmp_path / f"{name}.db", user="研究者") as master:
            for package in order:
                merge_package(master, package)
            tables.append(rows(master))
    assert tables[0] == tables[1]
    kept = {row[0]: row[1:3] for row in tables[0]}
    assert kept == {"华为": ("replace", "某通信企业"), "邛崃": ("replace", "Q市"), "京东方": ("removed", "")}
    one.close()
    two.close()


def test_a_malformed_table_refuses_the_package(laptop_template, tmp_path):
    one = Laptop(laptop_template, tmp_path / "one.db", "王芳")
    one.interview()
    table.set_pseudonym(one.store, "邛崃", "Q市")
    package = one.pack(tmp_path / "one.yzpack")
    members = members_of(package)
    members[MEMBER] = json.dumps([{"term": "邛崃", "decision": "delete"}]).encode()
    write_members(package, reseal(members))
    with Store(tmp_path / "master.db", user="研究者") as master:
        report = merge_package(master, package)
        assert report.status == "refused" and MEMBER in report.reason
        assert rows(master) == []
    one.close()
