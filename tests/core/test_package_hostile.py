"""Hostile and damaged packages: each is refused with the file named, the master untouched, and the
other packages of the same run still merge (issue 10: points 2, 6, 7, 15, 17)."""

from __future__ import annotations

import json
import zipfile

import pytest

from yingzao.core.errors import PackageError
from yingzao.core.exchange import unpack
from yingzao.core.exchange.json_limits import json_depth_exceeds
from yingzao.core.exchange.merge import merge_packages
from yingzao.core.exchange.package import COMMUNITIES, INTERVIEWS, MANIFEST
from yingzao.core.exchange.unpack import read_package

from tests.core.package_edit import lines_of, manifest_of, members_of, reseal, write_members
from tests.laptops import Laptop, canonical_dump, laptop_template  # noqa: F401  (fixture)


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setattr("yingzao.core.errors.base._language", "en")


@pytest.fixture
def laptop(laptop_template, tmp_path):  # noqa: F811
    laptop = Laptop(laptop_template, tmp_path / "laptop.db", "王芳")
    yield laptop
    laptop.close()


@pytest.fixture
def package(laptop, tmp_path):
    laptop.interview(answers=3)
    return laptop.pack(tmp_path / "s.yzpack")


def refused(master, path) -> str:
    """Merge `path` alone, and check it is refused with the master left exactly as it was."""
    before = canonical_dump(master)
    line = merge_packages(master, [path]).packages[0]
    assert line.status == "refused", line
    assert "unexpectedly" not in line.reason and "意外" not in line.reason, line.reason  # foreseen, not the last resort
    assert canonical_dump(master) == before
    return line.reason


# -- 2: a poisoned protocol definition ---------------------------------------------------------


def test_a_definition_that_differs_from_its_own_workbook_is_refused(package, laptop, master, tmp_path, english):
    members = members_of(package)
    sha = laptop.protocol.sha256
    definition = json.loads(members[f"protocols/{sha}.json"])
    for question in definition["questions"]:
        question["identifying"] = False  # the anonymised export would then show phone numbers
    members[f"protocols/{sha}.json"] = json.dumps(definition, ensure_ascii=False).encode()
    reason = refused(master, write_members(tmp_path / "poisoned.yzpack", reseal(members)))
    assert f"the definition of protocol {sha[:12]} is not what its own workbook says" in reason
    assert not master.has_protocol(sha)


def test_a_genuine_package_brings_the_protocol_as_the_master_reads_its_workbook(package, laptop, master):
    assert merge_packages(master, [package]).packages[0].status == "merged"
    stored = master.protocol(laptop.protocol.sha256)
    assert stored == laptop.protocol and stored.question("resp_phone").identifying


def test_a_protocol_without_its_workbook_is_refused_when_the_master_lacks_it(
    package, laptop, master, tmp_path, english
):
    members = members_of(package)
    sha = laptop.protocol.sha256
    manifest = manifest_of(members)
    for entry in manifest["protocols"]:
        del manifest["files"][entry["workbook"]], members[entry["workbook"]]
        entry["workbook"] = None
    reason = refused(master, write_members(tmp_path / "bare.yzpack", reseal(members, manifest)))
    assert f"protocol {sha[:12]} cannot be verified" in reason and "does not carry its workbook" in reason


# -- 6: JSON that breaks parsers, values that break SQLite --------------------------------------


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_nested_200000_deep_is_refused_in_the_manifest_and_in_members(package, master, tmp_path, english):
    members = members_of(package)
    members[MANIFEST] = members[MANIFEST][:-1].rstrip().rstrip(b"}") + f', "extra": {deep(200_000)}}}'.encode()
    assert "its manifest is nested deeper than 32 levels" in refused(
        master, write_members(tmp_path / "m.yzpack", members)
    )

    members = members_of(package)
    members[COMMUNITIES] = deep(200_000).encode()
    reason = refused(master, write_members(tmp_path / "c.yzpack", reseal(members)))
    assert "communities.json is nested deeper than 32 levels" in reason

    members = members_of(package)
    line = members[INTERVIEWS].rstrip(b"\n")
    members[INTERVIEWS] = line[:-1] + f', "x": {deep(200_000)}}}\n'.encode()
    reason = refused(master, write_members(tmp_path / "i.yzpack", reseal(members)))
    assert "interview 1 of interviews.jsonl is nested deeper than 32 levels" in reason


@pytest.mark.parametrize("where", ["answer value", "progress", "paradata visits"])
def test_integers_beyond_sqlite_are_refused(package, master, tmp_path, english, where):
    members = members_of(package)
    lines = lines_of(members)
    if where == "answer value":
        lines[0]["answers"][0][1] = 2**64
    elif where == "progress":
        lines[0]["interview"]["progress"] = 2**63
    else:
        lines[0]["paradata"] = [["q", 1.0, -(2**63) - 1, "2021-01-01T00:00:00.000Z"]]
    reason = refused(master, write_members(tmp_path / "big.yzpack", reseal(members, lines=lines)))
    assert "holds a value that cannot be stored" in reason


def test_lone_surrogates_are_refused_in_the_manifest_and_in_answers(package, master, tmp_path, english):
    members = members_of(package)
    manifest = manifest_of(members)
    manifest["fieldworker"] = "王\ud800芳"
    reason = refused(master, write_members(tmp_path / "m.yzpack", reseal(members, manifest)))
    assert "its manifest holds a value that cannot be stored" in reason

    members = members_of(package)
    lines = lines_of(members)
    lines[0]["answers"][0][1] = "\udfff"
    lines[0]["content_sha256"] = ""  # the hash cannot even be computed over such text
    members[INTERVIEWS] = json.dumps(lines[0]).encode() + b"\n"  # ASCII escapes: \udfff
    reason = refused(master, write_members(tmp_path / "a.yzpack", reseal(members)))
    assert "interview 1 of interviews.jsonl holds a value that cannot be stored" in reason


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m["protocols"][0].update(workbook=["not", "a", "name"]),
        lambda m: m["protocols"][0].update(definition={"a": 1}),
        lambda m: m.update(files=[]),
        lambda m: m.update(interviews={"id": "x"}),
        lambda m: m["interviews"][0].update(content_sha256=5),
        lambda m: m.update(counts=None),
        lambda m: m.update(fieldworker="名" * 5000),
        lambda m: m.update(format_version=2**70),
        lambda m: m.update(kind=["session"]),
    ],
)
def test_a_manifest_with_wrong_types_is_refused(package, master, tmp_path, change):
    members = members_of(package)
    manifest = manifest_of(members)
    change(manifest)
    members[MANIFEST] = json.dumps(manifest).encode()
    refused(master, write_members(tmp_path / "typed.yzpack", members))


def test_nan_and_infinity_are_refused(package, master, tmp_path, english):
    members = members_of(package)
    members[COMMUNITIES] = b'[{"id": "A", "name": NaN, "created_at": "x"}]'
    assert "communities.json is not readable JSON" in refused(
        master, write_members(tmp_path / "n.yzpack", reseal(members))
    )
    members = members_of(package)
    lines = lines_of(members)
    members[INTERVIEWS] = json.dumps(lines[0]).replace('"answers": [[', '"answers": [[1e999, ', 1).encode() + b"\n"
    refused(master, write_members(tmp_path / "inf.yzpack", reseal(members)))


def test_bad_packages_are_refused_one_by_one_and_the_run_goes_on(package, laptop, master, tmp_path):
    bad = []
    for number, edit in enumerate(
        [
            lambda m: m.__setitem__(COMMUNITIES, deep(200_000).encode()),
            lambda m: m.__setitem__(MANIFEST, m[MANIFEST].replace(b'"fieldworker"', b'"fieldworker": "\\ud800", "x"')),
            lambda m: m.__setitem__(
                INTERVIEWS, m[INTERVIEWS].replace(b'"progress":', b'"progress":99999999999999999999999,"p":')
            ),
        ]
    ):
        members = members_of(package)
        edit(members)
        bad.append(write_members(tmp_path / f"bad{number}.yzpack", reseal(members)))
    report = merge_packages(master, [*bad, package])
    assert [p.status for p in report.packages] == ["refused", "refused", "refused", "merged"]
    assert master.count_interviews() == 1


def test_the_depth_check_is_exact_enough_and_ignores_brackets_in_text():
    assert not json_depth_exceeds(b'{"a": [[1, 2], {"b": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]}', 4)
    assert json_depth_exceeds(deep(9).encode(), 8)
    assert not json_depth_exceeds(deep(8).encode(), 8)
    assert not json_depth_exceeds(b'["\\"[[[[[[[[[[", "\\\\"]', 1)
    assert json_depth_exceeds(b"[" * 100, 32)  # unbalanced, and deep: refused before json.loads


# -- 7: zip bombs ----------------------------------------------------------------------------


def test_a_member_that_inflates_far_beyond_its_size_is_refused_from_the_directory(package, master, tmp_path, english):
    members = members_of(package)
    members["interviews.jsonl"] = members[INTERVIEWS] + b" " * (8 << 20)  # 8 MB of blanks deflate ~1000 times
    reason = refused(master, write_members(tmp_path / "bomb.yzpack", reseal(members)))
    assert "interviews.jsonl unpacks" in reason and "the limit is 100 times" in reason


def test_the_total_unpacked_size_is_capped(package, master, tmp_path, monkeypatch, english):
    monkeypatch.setattr(unpack, "MAX_TOTAL_BYTES", 1000)
    reason = refused(master, package)
    assert "larger than Yingzao accepts" in reason and "s.yzpack" not in reason  # the report names the file


def test_a_directory_that_understates_a_member_never_inflates_more(package, master, tmp_path, english):
    members = members_of(package)
    members[INTERVIEWS] = members[INTERVIEWS] + b" " * (1 << 20)
    path = write_members(tmp_path / "liar.yzpack", reseal(members))
    data = bytearray(path.read_bytes())
    real = len(members[INTERVIEWS]).to_bytes(4, "little")
    data = data.replace(real, (100).to_bytes(4, "little"))  # local header and central directory
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(INTERVIEWS).file_size == 100
    assert "interviews.jsonl cannot be unpacked" in refused(master, path)


# -- 17: duplicate member names --------------------------------------------------------------


def test_duplicate_member_names_are_refused(package, master, tmp_path, english):
    members = members_of(package)
    forged = [(name, data) for name, data in members.items()] + [(INTERVIEWS, b"{}\n")]
    reason = refused(master, write_members(tmp_path / "twice.yzpack", forged))
    assert f"the package holds two files named {INTERVIEWS}" in reason
    with pytest.raises(PackageError, match="two files named"):
        read_package(tmp_path / "twice.yzpack")


# -- 15: answers to questions outside the protocol -------------------------------------------


def test_an_answer_to_a_question_outside_its_protocol_is_refused_naming_it(package, laptop, master, tmp_path, english):
    members = members_of(package)
    lines = lines_of(members)
    interview_id = lines[0]["interview"]["id"]
    lines[0]["answers"].append(["zz_not_in_the_form", "秘密", None, None, "2021-01-01T00:00:00.000Z", "王芳"])
    line = refused(master, write_members(tmp_path / "outside.yzpack", reseal(members, lines=lines)))
    assert f"interview {interview_id} answers a question 'zz_not_in_the_form'" in line
    assert laptop.protocol.form_id in line
    report = merge_packages(master, [tmp_path / "outside.yzpack"])
    assert report.packages[0].file_name == "outside.yzpack"
