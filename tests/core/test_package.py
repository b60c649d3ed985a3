"""Session packages: what a laptop exports, and every way a file can be refused before it is merged."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from yingzao.core.errors import PackageError
from yingzao.core.exchange.content_hash import load_version
from yingzao.core.exchange.package import FORMAT_VERSION, INTERVIEWS, MANIFEST, last_export, pack_session
from yingzao.core.exchange.unpack import read_package
from yingzao.core.store import driver

from tests.laptops import Laptop, laptop_template  # noqa: F401  (fixture)

# these tests read the errors' English text
pytestmark = pytest.mark.usefixtures("english_errors")


@pytest.fixture
def laptop(laptop_template, tmp_path):  # noqa: F811
    laptop = Laptop(laptop_template, tmp_path / "laptop.db", "王芳")
    yield laptop
    laptop.close()


def rewrite(path, out, change):
    """Copy a package, letting `change(members)` edit its members (a dict name -> bytes)."""
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    change(members)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def test_a_package_carries_the_interviews_their_protocols_and_a_manifest(laptop, tmp_path):
    first = laptop.interview(answers=3)
    second = laptop.interview(answers=2, community="B")
    laptop.store.set_status(second, "completed")
    laptop.store.add_question_time(first, laptop.texts[0], 12.5)
    summary = pack_session(laptop.store, tmp_path / "s.yzpack")
    assert (summary.interviews, summary.answers, summary.protocols, summary.selection) == (2, 5, 1, "changed")

    package = read_package(tmp_path / "s.yzpack")
    manifest = package.manifest
    assert manifest["format_version"] == FORMAT_VERSION and manifest["kind"] == "session"
    assert manifest["device_id"] == laptop.store.device_id and manifest["fieldworker"] == "王芳"
    assert manifest["created_at"] and manifest["app_version"]
    assert sorted(e["id"] for e in manifest["interviews"]) == sorted([first, second])
    assert manifest["counts"] == {"interviews": 2, "answers": 5, "audit": 8, "protocols": 1, "communities": 2}
    assert package.package_id == hashlib.sha256(zipfile.ZipFile(tmp_path / "s.yzpack").read(MANIFEST)).hexdigest()
    for version in package.versions:
        here = load_version(laptop.store.conn, version.id)
        assert (
            version.sha256
            == here.sha256
            == next(e["content_sha256"] for e in manifest["interviews"] if e["id"] == version.id)
        )
        assert version.answers == here.answers and version.audit == here.audit
    assert next(v for v in package.versions if v.id == first).paradata[0][:3] == [laptop.texts[0], 12.5, 1]
    assert package.protocol(laptop.protocol.sha256) == laptop.protocol
    assert hashlib.sha256(package.workbook(laptop.protocol.sha256)).hexdigest() == laptop.protocol.sha256
    assert {c["id"] for c in package.communities} == {"A", "B"}


def test_the_content_hash_is_the_documented_canonical_json(laptop, tmp_path):
    interview_id = laptop.interview(answers=2)
    conn = laptop.store.conn
    row = conn.execute(
        "SELECT id, protocol_sha256, protocol_id, protocol_version, respondent_role, community_id, fieldworker,"
        " device_id, status, started_at, ended_at, updated_at, outcome FROM interviews"
    ).fetchone()
    keys = (
        "id",
        "protocol_sha256",
        "protocol_id",
        "protocol_version",
        "respondent_role",
        "community_id",
        "fieldworker",
        "device_id",
        "status",
        "started_at",
        "ended_at",
        "updated_at",
        "outcome",
    )
    document = {
        "interview": dict(zip(keys, row)),
        "answers": [
            list(r)
            for r in conn.execute(
                "SELECT question, value, marker, note, updated_at, updated_by FROM answers ORDER BY question"
            )
        ],
        "audit": [
            list(r)
            for r in conn.execute("SELECT at, user, device_id, question, field, old, new FROM audit ORDER BY id")
        ],
    }
    expected = hashlib.sha256(
        json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    ).hexdigest()
    assert load_version(conn, interview_id).sha256 == expected
    before = expected
    laptop.store.add_question_time(interview_id, laptop.texts[0], 3.0)  # paradata: not content
    laptop.store.set_progress(interview_id, 40)  # derived: not content
    assert load_version(conn, interview_id).sha256 == before
    laptop.edit(interview_id, 0, "改过")
    assert load_version(conn, interview_id).sha256 != before


def test_the_default_export_holds_what_changed_since_the_last_one(laptop, tmp_path):
    first = laptop.interview()
    second = laptop.interview()
    assert pack_session(laptop.store, tmp_path / "1.yzpack").interviews == 2
    assert pack_session(laptop.store, tmp_path / "2.yzpack") is None
    assert not (tmp_path / "2.yzpack").exists()
    assert last_export(laptop.store)["file_name"] == "1.yzpack"
    laptop.edit(second, 0, "补充了一句")
    summary = pack_session(laptop.store, tmp_path / "3.yzpack")
    assert [v.id for v in read_package(summary.path).versions] == [second]
    everything = pack_session(laptop.store, tmp_path / "4.yzpack", all_interviews=True)
    assert (everything.interviews, everything.selection) == (2, "all")
    assert {v.id for v in read_package(everything.path).versions} == {first, second}


def test_a_truncated_file_is_refused_as_incomplete(laptop, tmp_path):
    laptop.interview()
    data = laptop.pack(tmp_path / "s.yzpack").read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 30):
        (tmp_path / "cut.yzpack").write_bytes(data[:cut])
        with pytest.raises(PackageError, match="the file is incomplete") as refused:
            read_package(tmp_path / "cut.yzpack")
        assert "Copy it again" in refused.value.hint and "has not been changed" in refused.value.hint
    (tmp_path / "empty.yzpack").write_bytes(b"")
    with pytest.raises(PackageError, match="incomplete"):
        read_package(tmp_path / "empty.yzpack")


def test_files_that_are_not_packages_are_refused_with_what_to_choose(laptop, tmp_path):
    text = tmp_path / "notes.yzpack"
    text.write_text("访谈笔记，不是数据包", encoding="utf-8")
    with pytest.raises(PackageError, match="not a Yingzao session package .it is not a zip file") as refused:
        read_package(text)
    assert "Export session" in refused.value.hint
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8\xff" + bytes(100))
    with pytest.raises(PackageError, match="a zip file without a Yingzao manifest"):
        read_package(tmp_path / "photos.zip")
    with pytest.raises(PackageError, match="it is a database file"):
        read_package(laptop.path)
    conn = driver.connect(tmp_path / "other.db")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(PackageError, match="database file"):
        read_package(tmp_path / "other.db")
    with pytest.raises(PackageError, match="cannot be read"):
        read_package(tmp_path / "missing.yzpack")


def test_a_package_of_a_newer_format_asks_to_update_first(laptop, tmp_path):
    laptop.interview()
    package = laptop.pack(tmp_path / "s.yzpack")

    def newer(members):
        manifest = json.loads(members[MANIFEST])
        manifest["format_version"] = FORMAT_VERSION + 1
        manifest["interviews"] = "a shape this version does not know"
        members[MANIFEST] = json.dumps(manifest).encode()

    with pytest.raises(PackageError, match=f"made by a newer Yingzao .package format {FORMAT_VERSION + 1}") as refused:
        read_package(rewrite(package, tmp_path / "newer.yzpack", newer))
    assert refused.value.hint.startswith("Update Yingzao")


def test_a_tampered_member_or_interview_is_refused(laptop, tmp_path):
    interview_id = laptop.interview()
    package = laptop.pack(tmp_path / "s.yzpack")

    def edit_answer(members):
        members[INTERVIEWS] = members[INTERVIEWS].replace("回答1".encode(), "改了1".encode())

    with pytest.raises(PackageError, match="interviews.jsonl does not match the hash in its manifest"):
        read_package(rewrite(package, tmp_path / "t1.yzpack", edit_answer))

    def edit_answer_and_file_hash(members):  # a careless tool that re-hashed the file but not the interview
        edit_answer(members)
        manifest = json.loads(members[MANIFEST])
        manifest["files"][INTERVIEWS] = hashlib.sha256(members[INTERVIEWS]).hexdigest()
        members[MANIFEST] = json.dumps(manifest).encode()

    with pytest.raises(PackageError, match=f"the content of interview {interview_id} does not match its hash"):
        read_package(rewrite(package, tmp_path / "t2.yzpack", edit_answer_and_file_hash))

    def extra_member(members):
        members["run_me.py"] = b"print('hello')"

    with pytest.raises(PackageError, match="a file its manifest does not list .run_me.py"):
        read_package(rewrite(package, tmp_path / "t3.yzpack", extra_member))


def test_a_wrongly_typed_answer_is_refused_even_with_matching_hashes(laptop, tmp_path):
    laptop.interview()
    package = laptop.pack(tmp_path / "s.yzpack")

    def dict_answer(members):
        line = json.loads(members[INTERVIEWS])
        line["answers"][0][1] = {"not": "a value"}
        members[INTERVIEWS] = json.dumps(line, ensure_ascii=False).encode() + b"\n"
        manifest = json.loads(members[MANIFEST])
        manifest["files"][INTERVIEWS] = hashlib.sha256(members[INTERVIEWS]).hexdigest()
        members[MANIFEST] = json.dumps(manifest).encode()

    with pytest.raises(PackageError, match="interview 1 of interviews.jsonl is malformed .an answer has a value"):
        read_package(rewrite(package, tmp_path / "typed.yzpack", dict_answer))


def test_an_existing_package_is_never_replaced_unless_asked(tmp_path):
    from yingzao.core.errors import YingzaoError
    from yingzao.core.exchange.package import pack_session
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store

    with Store(tmp_path / "laptop.db", user="王芳") as store:
        protocol = load_library(store).by_role("cadre")[0]
        first = store.start_interview(protocol.sha256)
        out = tmp_path / "day.yzpack"
        assert pack_session(store, out, all_interviews=True).interviews == 1
        before = out.read_bytes()
        store.start_interview(protocol.sha256)
        with pytest.raises(YingzaoError, match="already exists"):
            pack_session(store, out)
        assert out.read_bytes() == before  # the earlier package, not yet merged, is intact
        assert pack_session(store, out, overwrite=True).interviews == 1
        assert first
