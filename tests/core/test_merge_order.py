"""Merging the same packages in any order, some of them more than once, gives the same master."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingzao.core.exchange.conflicts import count_open_conflicts
from yingzao.core.exchange.merge import merge_packages
from yingzao.core.store.database import Store

from tests.laptops import Laptop, canonical_dump, laptop_template  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def packages(laptop_template, tmp_path_factory):  # noqa: F811
    """Nine packages from four laptops, two of them copies of the first: continuations, duplicates,
    an interview edited on three laptops, and paradata that differ between copies."""
    folder = tmp_path_factory.mktemp("order")
    files: list[Path] = []
    one = Laptop(laptop_template, folder / "one.db", "王芳")
    i1, i2 = one.interview(answers=3), one.interview(answers=2, community="B")
    files.append(one.pack(folder / "one_1.yzpack"))
    two = one.copy_to(folder / "two.db", "李强")  # the same database carried to a second laptop
    three = one.copy_to(folder / "three.db", "赵敏")
    one.edit(i1, 0, "王芳改的")
    one.store.add_question_time(i1, one.texts[0], 20.0)
    i3 = one.interview(answers=1)
    files.append(one.pack(folder / "one_2.yzpack"))
    files.append(one.pack(folder / "one_all.yzpack", all_interviews=True))  # duplicates of the above
    two.edit(i2, 1, "李强补充")
    two.store.add_question_time(i2, two.texts[1], 5.0)
    files.append(two.pack(folder / "two_1.yzpack"))
    two.edit(i1, 1, "李强改的")
    files.append(two.pack(folder / "two_2.yzpack"))
    three.edit(i1, 2, None, marker="dont_know")
    three.store.set_status(i1, "completed")
    files.append(three.pack(folder / "three_1.yzpack"))
    four = Laptop(laptop_template, folder / "four.db", "孙丽")
    i4 = four.interview(answers=2)
    files.append(four.pack(folder / "four_1.yzpack"))
    four.edit(i4, 0, "孙丽改的")
    files.append(four.pack(folder / "four_2.yzpack"))
    four.store.add_question_time(i4, four.texts[0], 7.5)
    files.append(four.pack(folder / "four_all.yzpack", all_interviews=True))
    for laptop in (one, two, three, four):
        laptop.close()
    with Store(folder / "reference.db") as reference:
        merge_packages(reference, files)
        assert count_open_conflicts(reference) == 1  # i1, edited on three laptops
        assert reference.count_interviews() == 4
        assert (
            reference.conn.execute("SELECT count(*) FROM conflict_versions WHERE interview_id = ?", (i1,)).fetchone()[0]
            == 3
        )
        expected = canonical_dump(reference)
    assert i3
    return files, expected


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_merge_order_gives_the_same_master(packages, data):
    files, expected = packages
    order = data.draw(st.permutations(files), label="order")
    again = data.draw(st.lists(st.sampled_from(files), max_size=3), label="merged again")
    batches = data.draw(st.integers(1, 3), label="merge runs")
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "master.db", user="研究者") as master:
        sequence = order + again
        size = -(-len(sequence) // batches)
        for start in range(0, len(sequence), size):
            report = merge_packages(master, sequence[start : start + size])
            assert not report.any_refused
        assert canonical_dump(master) == expected
