"""Codings, memos, codebook changes and decisions travel in session packages and merge like answers."""

from __future__ import annotations

import json

import pytest

from yingzao.core.coding import codebook as cb
from yingzao.core.coding import codings, memos, suggestions
from yingzao.core.coding.codings import Span
from yingzao.core.exchange.coding_member import CODING
from yingzao.core.exchange.merge import ALREADY_MERGED, MERGED, REFUSED, merge_package
from yingzao.core.exchange.package import pack_session
from yingzao.core.store.database import Store

from tests.core.package_edit import manifest_of, members_of, reseal, write_members
from tests.laptops import canonical_dump


@pytest.fixture
def field(make_laptop, tmp_path):
    """A fieldworker's two interviews, merged into two researchers' databases."""
    laptop = make_laptop("field", "访员甲")
    first = laptop.interview(answers=2, text="居民议事会每月开会")
    second = laptop.interview(answers=1, text="企业参与社区服务", community="B")
    package = laptop.pack(tmp_path / "field.yzpack")
    researchers = {}
    for name in ("r1", "r2"):
        researcher = make_laptop(name, f"研究者{name}")
        assert merge_package(researcher.store, package).status == MERGED
        researchers[name] = researcher
    return laptop, researchers, (first, second), laptop.texts


def _book(store):
    return cb.research_codebook(store)


def test_two_researchers_codings_are_both_kept_in_any_order(field, tmp_path):
    _laptop, researchers, (first, second), texts = field
    r1, r2 = researchers["r1"].store, researchers["r2"].store
    codings.apply_code(r1, _book(r1), Span(first, texts[0], "answer", 0, 5), "FAC.AUTONOMY")
    talent = cb.add_code(r1, _book(r1), family="emergent", label_zh="议事规则")
    codings.apply_code(r1, _book(r1), Span(first, texts[0], "answer", 2, 5), talent.id)
    memos.add_memo(r1, _book(r1), "community", "A", "A社区议事会活跃")
    codings.apply_code(r2, _book(r2), Span(second, texts[0], "answer", 0, 2), "ACT.MARKET")
    for s in suggestions.suggestions(r2, _book(r2), second):
        suggestions.reject(r2, s)
    p1 = tmp_path / "r1.yzpack"
    p2 = tmp_path / "r2.yzpack"
    assert pack_session(r1, p1) is not None and pack_session(r2, p2) is not None
    assert CODING in members_of(p1) and manifest_of(members_of(p1))["format_version"] == 2

    dumps = []
    for order in ((p1, p2), (p2, p1)):
        path = tmp_path / f"master{len(dumps)}.db"
        with Store(path, user="总研究者") as master:
            for package in order:
                assert merge_package(master, package).status == MERGED
            for package in order:  # again: already merged
                assert merge_package(master, package).status == ALREADY_MERGED
            live = master.coding.codings()
            assert {c.coder for c in live} == {"研究者r1", "研究者r2"}
            assert len(live) == 3
            assert _book(master).get(talent.id).label_zh == "议事规则"
            assert [m.text for m in master.coding.memos("community", "A")] == ["A社区议事会活跃"]
            assert suggestions.suggestions(master, _book(master), second) == []
            dumps.append(canonical_dump(master))
    assert dumps[0] == dumps[1]


def test_a_deleted_coding_is_never_resurrected_by_an_older_copy(field, tmp_path):
    _laptop, researchers, (first, _second), texts = field
    r1 = researchers["r1"].store
    coding = codings.apply_code(r1, _book(r1), Span(first, texts[0], "answer", 0, 3), "DIM.ORG")
    old = pack_session(r1, tmp_path / "old.yzpack").path
    codings.remove_coding(r1, coding.id)
    new = pack_session(r1, tmp_path / "new.yzpack").path
    for order in ((old, new), (new, old)):
        with Store(tmp_path / f"m{order[0].stem}.db", user="总") as master:
            for package in order:
                assert merge_package(master, package).status == MERGED
            assert master.coding.codings() == []
            assert master.coding.coding(coding.id).state == "deleted"


def test_a_coding_outside_its_text_refuses_the_package_and_changes_nothing(field, tmp_path):
    _laptop, researchers, (first, _second), texts = field
    r1 = researchers["r1"].store
    codings.apply_code(r1, _book(r1), Span(first, texts[0], "answer", 0, 3), "DIM.ORG")
    good = pack_session(r1, tmp_path / "good.yzpack", all_interviews=True).path

    def forged(name, edit):
        members = members_of(good)
        lines = [json.loads(line) for line in members[CODING].splitlines() if line]
        for line in lines:
            if line["kind"] == "coding":
                edit(line["record"])
        members[CODING] = ("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n").encode()
        return write_members(tmp_path / name, reseal(members))

    cases = {
        "outside.yzpack": lambda r: r.update(end=999),
        "unknown.yzpack": lambda r: r.update(code="NOPE.X"),
        "missing.yzpack": lambda r: r.update(question="no_such_question"),
        "negative.yzpack": lambda r: r.update(start=-1),
    }
    with Store(tmp_path / "master.db", user="总") as master:
        before = canonical_dump(master)
        for name, edit in cases.items():
            report = merge_package(master, forged(name, edit))
            assert report.status == REFUSED, name
            assert first[:8] in report.reason or "格式错误" in report.reason, (name, report.reason)
            assert canonical_dump(master) == before
        assert merge_package(master, good).status == MERGED
        assert len(master.coding.codings()) == 1


def test_format_1_packages_still_merge(field, tmp_path):
    _laptop, _researchers, _ids, _texts = field
    members = members_of(tmp_path / "field.yzpack")
    manifest = manifest_of(members)
    manifest["format_version"] = 1
    old = write_members(tmp_path / "format1.yzpack", reseal(members, manifest))
    with Store(tmp_path / "master.db", user="总") as master:
        assert merge_package(master, old).status == MERGED
        assert master.count_interviews() == 2


def test_a_change_within_the_same_millisecond_is_still_the_later_version(field, tmp_path):
    _laptop, researchers, (first, _second), texts = field
    r1 = researchers["r1"].store
    r1._clock = lambda: "2026-05-01T08:00:00.000Z"  # a clock that does not move
    coding = codings.apply_code(r1, _book(r1), Span(first, texts[0], "answer", 0, 3), "DIM.ORG")
    old = pack_session(r1, tmp_path / "old.yzpack").path
    codings.remove_coding(r1, coding.id)
    assert r1.coding.coding(coding.id).updated_at > coding.updated_at
    new = pack_session(r1, tmp_path / "new.yzpack").path
    for order in ((old, new), (new, old)):
        with Store(tmp_path / f"same{order[0].stem}.db", user="总") as master:
            for package in order:
                assert merge_package(master, package).status == MERGED
            assert master.coding.coding(coding.id).state == "deleted"


def _coding_line(**changes) -> str:
    record = {
        "id": "c-1",
        "interview_id": "i-1",
        "question": "q",
        "target": "answer",
        "start": 0,
        "end": 3,
        "quote": "议事会",
        "code": "DIM.ORG",
        "coder": "研究者",
        "origin": "coded",
        "memo": "",
        "pinned": 0,
        "pinned_for": "",
        "state": "live",
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
        "updated_by": "研究者",
        "device_id": "d",
    }
    record.update(changes)
    for name in [k for k, v in changes.items() if v is _DROP]:
        del record[name]
    return json.dumps({"kind": "coding", "record": record}, ensure_ascii=False)


_DROP = object()


def test_the_coding_member_is_read_line_by_line_and_refuses_the_first_bad_field_by_name():
    from pathlib import Path

    from yingzao.core import errors
    from yingzao.core.exchange.coding_member import MAX_TEXT, decode

    good = _coding_line()
    path = Path("field.yzpack")
    read = decode(path, (good + "\n\n \t\n" + _coding_line(id="c-2") + "\r\n").encode())
    assert [(c.id, c.quote, c.anchor) for c in read["coding"]] == [
        ("c-1", "议事会", "check"),
        ("c-2", "议事会", "check"),
    ]
    with_bom = decode(path, ("\ufeff" + good + "\n").encode())  # as json.loads reads bytes: the mark is skipped
    assert [c.id for c in with_bom["coding"]] == ["c-1"]
    cases = [
        ({"start": -1}, "start must be a whole number"),
        ({"pinned": True}, "pinned must be a whole number"),
        ({"quote": 5}, "quote must be text"),
        ({"memo": "a\x00b"}, "memo must be text"),
        ({"memo": "长" * (MAX_TEXT + 1)}, "memo must be text"),
        ({"quote": None, "start": "0"}, "start must be a whole number"),  # the first in the record's order
        ({"memo": _DROP}, "unknown or missing field memo"),
        ({"extra": "x"}, "unknown or missing field extra"),
        ({"target": "title"}, "target or state"),
    ]
    for changes, message in cases:
        with pytest.raises(errors.PackageError) as refused:
            decode(path, (good + "\n" + _coding_line(**changes) + "\n").encode())
        assert f"{CODING} 第 2 行 格式错误（{message}" in str(refused.value), (changes, str(refused.value))
    with pytest.raises(errors.PackageError, match="第 1 行"):
        decode(path, b"\xff" + good.encode() + b"\n")  # not UTF-8: refused, line named, as before
