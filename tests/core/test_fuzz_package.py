"""Fuzzing packages: valid packages mutated every way a damaged copy or an attacker could.

The property, whatever the mutation: reading raises a PackageError or returns a package; merging
refuses it with a message (never the last-resort "failed unexpectedly") or merges it; never another
exception, never a hang; and a refused package leaves the master's content exactly as it was.
Derandomized with bounded examples, so CI runs it the same way every time in seconds. Failures
found while writing it are kept below as @example regressions.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from yingzao.core.errors import PackageError
from yingzao.core.exchange.merge import merge_package
from yingzao.core.exchange.package import COMMUNITIES, INTERVIEWS, MANIFEST
from yingzao.core.exchange.unpack import read_package
from yingzao.core.store.database import Store

from tests.core.package_edit import write_members
from tests.laptops import Laptop, canonical_dump, laptop_template  # noqa: F401  (fixture)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Raw JSON texts: what json.dumps would never write, or what breaks SQLite, parsers or type checks.
HOSTILE_JSON = [
    "[" * 200_000 + "]" * 200_000,
    '{"a":' * 50 + "1" + "}" * 50,
    str(2**64),
    str(-(2**63) - 1),
    "1e999",
    "NaN",
    "-Infinity",
    '"\\ud800"',
    '"\\udfff\\ud800"',
    '"=HYPERLINK(\\"x\\")"',
    '"\\u0000\\u001b[31m"',
    "null",
    "true",
    "0",
    "-1",
    "1.5",
    '""',
    "[]",
    "{}",
    '"x"',
    '["a", 1]',
    '{"id": null}',
    '"' + "长" * 100_000 + '"',
    "9" * 5000,
]


class World(tuple):
    """(folder, valid package bytes, its members, master): shown briefly in a falsifying example."""

    def __repr__(self) -> str:
        return "World(...)"


@pytest.fixture(scope="module")
def world(laptop_template, tmp_path_factory):  # noqa: F811
    """A valid package of two interviews (with comments-free audit and paradata) and a master."""
    folder = tmp_path_factory.mktemp("fuzz_package")
    laptop = Laptop(laptop_template, folder / "laptop.db", "王芳")
    first = laptop.interview(answers=3)
    laptop.interview(answers=1, community="B")
    laptop.store.add_question_time(first, laptop.texts[0], 12.5)
    package = laptop.pack(folder / "valid.yzpack")
    laptop.close()
    with zipfile.ZipFile(package) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    master = Store(folder / "master.db", user="研究者")
    yield World((folder, package.read_bytes(), members, master))
    master.close()


def json_paths(value, prefix=()):
    """Every place in a JSON tree a value could be replaced (capped: lines hold hundreds)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:6]):
            yield from json_paths(item, (*prefix, index))


MARK = "@@HOSTILE@@"


def replaced(document: bytes, path: tuple, raw: str) -> bytes:
    tree = json.loads(document)
    if not path:
        return raw.encode("utf-8", "surrogatepass")
    parent = tree
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = MARK
    return json.dumps(tree, ensure_ascii=False).replace(f'"{MARK}"', raw).encode("utf-8", "surrogatepass")


def resealed(members: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute the member hashes in the manifest, when it still is a manifest (the forger's care)."""
    try:
        manifest = json.loads(members[MANIFEST])
        files = manifest["files"]
        for name in list(files):
            if name in members:
                files[name] = hashlib.sha256(members[name]).hexdigest()
        members[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        pass
    return members


@st.composite
def json_mutation(draw, members):
    name = draw(st.sampled_from([MANIFEST, INTERVIEWS, COMMUNITIES]))
    members = dict(members)
    if name == INTERVIEWS:
        lines = members[INTERVIEWS].splitlines()
        index = draw(st.integers(0, len(lines) - 1))
        paths = list(json_paths(json.loads(lines[index])))
        lines[index] = replaced(lines[index], draw(st.sampled_from(paths)), draw(st.sampled_from(HOSTILE_JSON)))
        members[INTERVIEWS] = b"\n".join(lines) + b"\n"
    else:
        paths = list(json_paths(json.loads(members[name])))
        members[name] = replaced(members[name], draw(st.sampled_from(paths)), draw(st.sampled_from(HOSTILE_JSON)))
    return resealed(members) if draw(st.booleans()) else members


@st.composite
def member_mutation(draw, members):
    items = list(members.items())
    action = draw(st.sampled_from(["drop", "duplicate", "rename", "extra", "empty"]))
    index = draw(st.integers(0, len(items) - 1))
    name, data = items[index]
    if action == "drop":
        del items[index]
    elif action == "duplicate":
        items.append((name, draw(st.sampled_from([data, b"{}", b""]))))
    elif action == "rename":
        items[index] = (
            draw(st.sampled_from(["../evil.json", "/abs.json", "protocols/x.json", name.upper(), ""])) or "x",
            data,
        )
    elif action == "extra":
        items.append((draw(st.sampled_from(["run.py", "manifest.json/", "a" * 300])), b"print(1)"))
    else:
        items[index] = (name, b"")
    return items


def flipped(data: bytes, positions: list[int], values: list[int]) -> bytes:
    buffer = bytearray(data)
    for position, value in zip(positions, values):
        buffer[position % len(buffer)] ^= value or 1
    return bytes(buffer)


def check(world, path) -> None:
    _, _, _, master = world
    with contextlib.suppress(PackageError):
        read_package(path)
    before = canonical_dump(master)
    line = merge_package(master, path)
    event(f"{line.status}: {line.reason.split('。')[0][:60]}")  # --hypothesis-show-statistics shows the spread
    assert line.status in ("merged", "refused", "already_merged"), line
    assert "unexpectedly" not in line.reason and "意外" not in line.reason, line.reason
    if line.status == "refused":
        assert line.reason
        assert canonical_dump(master) == before


@FUZZ
@given(data=st.data())
def test_a_mutated_json_value_is_refused_or_merged_never_a_crash(world, data):
    folder, _, members, _ = world
    mutated = data.draw(json_mutation(members))
    check(world, write_members(folder / "json.yzpack", mutated))


@FUZZ
@given(data=st.data())
def test_dropped_duplicated_renamed_or_emptied_members_are_refused(world, data):
    folder, _, members, _ = world
    mutated = data.draw(member_mutation(members))
    check(world, write_members(folder / "members.yzpack", mutated))


@FUZZ
@given(
    positions=st.lists(st.integers(0, 1 << 20), min_size=1, max_size=8),
    values=st.lists(st.integers(0, 255), min_size=8, max_size=8),
    cut=st.one_of(st.none(), st.integers(0, 1 << 20)),
)
@example(positions=[0], values=[0x50] * 8, cut=None)  # "PK" broken: not a zip at all
@example(positions=[1], values=[1] * 8, cut=30)  # cut inside the first local header
def test_flipped_or_cut_bytes_are_refused(world, positions, values, cut):
    folder, valid, _, _ = world
    data = flipped(valid, positions, values)
    if cut is not None:
        data = data[: cut % len(data)]
    path = folder / "bytes.yzpack"
    path.write_bytes(data)
    check(world, path)


@FUZZ
@given(data=st.data())
def test_a_mutated_protocol_definition_is_never_used(world, data):
    """Whatever a package says a protocol is, the master reads the workbook itself: a definition that
    differs from it is refused, whatever the change (here with every hash resealed)."""
    folder, _, members, _ = world
    name = next(n for n in members if n.startswith("protocols/") and n.endswith(".json"))
    paths = list(json_paths(json.loads(members[name])))
    mutated = dict(members)
    mutated[name] = replaced(
        members[name],
        data.draw(st.sampled_from(paths)),
        data.draw(st.sampled_from([*HOSTILE_JSON, "false", "true", '"identifying"', '"text"', '["x"]'])),
    )
    sha = name.removeprefix("protocols/").removesuffix(".json")
    try:
        package = read_package(write_members(folder / "definition.yzpack", resealed(mutated)))
        protocol = package.protocol(sha)
    except PackageError:
        return
    # accepted only when the "mutation" left the definition as it was (false replaced by false)
    assert json.loads(mutated[name]) == json.loads(members[name])
    assert protocol.sha256 == sha
