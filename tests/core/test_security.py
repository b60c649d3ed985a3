"""Who may do what: projects, device keys, sealed packages, held devices, supervisor rights."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import openpyxl
import pyrage
import pytest

from yingzao.core import errors, paths
from yingzao.core.exchange.content_hash import content_sha256
from yingzao.core.exchange.merge import (
    HELD,
    MERGED,
    REFUSED,
    UNSIGNED_NOTE,
    accept_device,
    merge_packages,
    refuse_device,
)
from yingzao.core.exchange.merge_report import summary_lines
from yingzao.core.exchange.package import INTERVIEWS, MANIFEST
from yingzao.core.exchange.review_package import pack_review
from yingzao.core.forms.library import load_library
from yingzao.core.forms.loader import load_protocol_workbook
from yingzao.core.review import decisions
from yingzao.core.security import membership
from yingzao.core.security.envelope import MAGIC, open_sealed, seal
from yingzao.core.security.keys import KeyPair, canonical
from yingzao.core.security.project import ProjectFileError, read_file, signed_file

from tests.laptops import PROJECT_PASSPHRASE, join, make_project


@pytest.fixture
def study(master, make_laptop, tmp_path):
    """A project made on the master, a laptop that joined it and is accepted, and the project keys."""
    project_file = make_project(master)
    laptop = make_laptop("wang", "王芳")
    join(laptop.store, project_file)
    keys = membership.unlock(master, PROJECT_PASSPHRASE)
    return master, laptop, keys, project_file


def _merge(master, paths, keys=None, **options):
    return merge_packages(master, paths, project_keys=keys, **options)


def _first_package(laptop, tmp_path, name="s.yzpack", answers=3, text="居民议事会每月开一次"):
    interview_id = laptop.interview(answers=answers, text=text)
    laptop.store.finalize(interview_id)
    return interview_id, laptop.pack(tmp_path / name)


# -- the project file ---------------------------------------------------------------------------


def test_a_project_file_is_signed_and_names_its_keys_supervisors_and_protocols(master):
    data = make_project(master, encrypt_databases=True)
    project = read_file(data)
    assert project.name == "产业社区治理调研" and project.encrypt_databases and project.revision == 1
    assert [s.keys for s in project.supervisors] == [membership.device_keys(master).public]
    assert len(project.fingerprint) == 19 and project.fingerprint.count("-") == 3
    assert project.protocols == [] or all(p["workbook"] for p in project.protocols)
    assert "code_id" in project.codebook or "id" in project.codebook.splitlines()[0]
    outer = json.loads(data)
    outer["body"] = outer["body"].replace("产业社区治理调研", "另一个项目")
    with pytest.raises(ProjectFileError, match="signature does not match"):
        read_file(json.dumps(outer).encode())


def test_a_laptop_takes_a_newer_revision_only_from_the_same_project_key(master, make_laptop, library_store):
    data = make_project(master)
    laptop = make_laptop("wang")
    join(laptop.store, data)
    assert membership.project(laptop.store).project_id == read_file(data).project_id
    other_store, _library = library_store
    with pytest.raises(errors.SecurityError) as refused:
        join(laptop.store, make_project(other_store))  # another project's file
    assert refused.value.code == "already_in_project"
    _card_name, card_keys = membership.read_key_card(membership.key_card(laptop.store), "wang.yzkey")
    newer = membership.add_supervisor(master, PROJECT_PASSPHRASE, "督导王", card_keys)
    join(laptop.store, newer)
    assert membership.project(laptop.store).revision == 2 and membership.is_supervisor(laptop.store)
    join(laptop.store, data)  # the older file changes nothing
    assert membership.project(laptop.store).revision == 2


def test_a_wrong_passphrase_says_so_and_a_retry_works(master):
    make_project(master)
    for _ in range(3):
        with pytest.raises(errors.SecurityError) as wrong:
            membership.unlock(master, "not the passphrase")
        assert wrong.value.code == "wrong_project_passphrase" and "项目口令不正确" in str(wrong.value)
    assert membership.unlock(master, PROJECT_PASSPHRASE).public == membership.project(master).keys


# -- sealed session packages ----------------------------------------------------------------------


def test_a_stolen_package_reveals_nothing(study, tmp_path):
    _master, laptop, _keys, _file = study
    _interview, package = _first_package(laptop, tmp_path, text="居民议事会每月开一次")
    data = package.read_bytes()
    assert data.startswith(MAGIC)
    for secret in ("居民议事会每月开一次", "王芳", laptop.store.device_id, "interviews.jsonl"):
        assert secret.encode("utf-8") not in data
    assert not list(tmp_path.glob("*.partial"))


def test_an_unknown_device_is_held_until_accepted_then_merged(study, tmp_path):
    master, laptop, keys, _file = study
    interview_id, package = _first_package(laptop, tmp_path)
    membership.lock(master)  # as after the app is started again: the passphrase is asked once more
    without_key = _merge(master, [package])
    assert without_key.packages[0].status == REFUSED and "需要项目密钥" in without_key.packages[0].reason
    report = _merge(master, [package], keys)
    line = report.packages[0]
    assert line.status == HELD and line.fieldworker == "王芳"
    assert line.signed_by == membership.device_keys(laptop.store).public.fingerprint
    assert master.count_interviews() == 0
    assert "暂存" in summary_lines(report)[0] and line.signed_by in summary_lines(report)[0]
    device = master.trust.device(laptop.store.device_id)
    assert device.state == "pending" and device.fieldworker == "王芳"
    accepted = accept_device(master, laptop.store.device_id)
    assert [p.status for p in accepted.packages] == [MERGED]
    assert master.interview(interview_id).status == "completed" and master.trust.held() == []
    _second_id, second = _first_package(laptop, tmp_path, "t.yzpack")
    assert _merge(master, [second], keys).packages[0].status == MERGED  # accepted from now on


def test_a_forged_package_with_recomputed_hashes_is_refused(study, tmp_path):
    """The attack the hashes alone could not stop: decrypt (with the project key), change answers,
    recompute every hash as the format documents, and seal again."""
    master, laptop, keys, _file = study
    interview_id, package = _first_package(laptop, tmp_path)
    assert _merge(master, [package], keys).packages[0].status == HELD
    accept_device(master, laptop.store.device_id)
    opened = open_sealed(package.read_bytes(), [keys.identity])
    forged_zip = _rehashed(opened.payload, lambda line: line["answers"][0].__setitem__(1, "伪造的回答"))

    # 1. sealed again with a key of the forger's own, claiming the laptop's device id
    forger = KeyPair.generate()
    claimed = tmp_path / "claimed.yzpack"
    claimed.write_bytes(seal(forged_zip, _header(opened.header), forger, [membership.project(master).keys]))
    line = _merge(master, [claimed], keys).packages[0]
    assert line.status == REFUSED and "不是该设备的密钥" in line.reason

    # 2. the laptop's own signature header kept, the content swapped (a replayed signature)
    replayed = tmp_path / "replayed.yzpack"
    replayed.write_bytes(_reseal_with_header(package.read_bytes(), keys, forged_zip, membership.project(master)))
    line = _merge(master, [replayed], keys).packages[0]
    assert line.status == REFUSED and "签名不符" in line.reason

    # 3. bytes of the file itself changed
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered = tmp_path / "altered.yzpack"
    altered.write_bytes(bytes(data))
    line = _merge(master, [altered], keys).packages[0]
    assert line.status == REFUSED and "被改动过" in line.reason
    assert master.answers(interview_id)[laptop.texts[0]].value != "伪造的回答"


def test_a_new_device_cannot_slip_in_a_forgery_it_is_held_for_the_researcher(study, tmp_path):
    master, laptop, keys, _file = study
    _interview, package = _first_package(laptop, tmp_path)
    opened = open_sealed(package.read_bytes(), [keys.identity])
    forged_zip = _rehashed(opened.payload, lambda line: line["answers"][0].__setitem__(1, "伪造"), device="ffff")
    header = {**_header(opened.header), "device_id": "ffff"}
    impostor = tmp_path / "impostor.yzpack"
    impostor.write_bytes(seal(forged_zip, header, KeyPair.generate(), [membership.project(master).keys]))
    line = _merge(master, [impostor], keys).packages[0]
    assert line.status == HELD and master.count_interviews() == 0
    claims_master = tmp_path / "claims-master.yzpack"
    forged_as_master = _rehashed(opened.payload, lambda line: None, device=master.device_id)
    header_as_master = {**_header(opened.header), "device_id": master.device_id}
    claims_master.write_bytes(
        seal(forged_as_master, header_as_master, KeyPair.generate(), [membership.project(master).keys])
    )
    assert "不是该设备的密钥" in _merge(master, [claims_master], keys).packages[0].reason
    refuse_device(master, "ffff")  # the researcher refuses it instead of accepting
    assert master.trust.held() == []
    again = _merge(master, [impostor], keys).packages[0]
    assert again.status == REFUSED and "已被拒绝" in again.reason


def test_unsigned_packages_merge_into_a_project_only_when_allowed(master, make_laptop, tmp_path):
    outsider = make_laptop("old")  # a laptop outside any project packs an unsigned package
    _interview, package = _first_package(outsider, tmp_path)
    assert package.read_bytes().startswith(b"PK")
    make_project(master)
    refused = _merge(master, [package]).packages[0]
    assert refused.status == REFUSED and "未签名" in refused.reason
    allowed = _merge(master, [package], allow_unsigned=True).packages[0]
    assert allowed.status == MERGED and allowed.notes == [UNSIGNED_NOTE]
    _interview, later = _first_package(outsider, tmp_path, "later.yzpack")
    assert "未签名的数据包" in summary_lines(_merge(master, [later], allow_unsigned=True))[0]


# -- supervisor rights ------------------------------------------------------------------------------


def test_review_needs_a_supervisor_key_and_a_role_label_grants_nothing(study, tmp_path):
    master, laptop, keys, _file = study
    interview_id, package = _first_package(laptop, tmp_path)
    _merge(master, [package], keys)
    accept_device(master, laptop.store.device_id)
    laptop.store.set_setting("user_role", "supervisor")
    with pytest.raises(errors.ReviewError) as refused:
        decisions.approve(laptop.store, interview_id)
    assert refused.value.code == "not_a_supervisor" and not decisions.is_supervisor(laptop.store)
    decisions.approve(master, interview_id)
    assert master.interview(interview_id).status == "approved"
    assert len(master.trust.signatures([interview_id])) == 1


def test_a_review_package_is_sealed_to_the_laptop_and_merges_there(study, tmp_path):
    master, laptop, keys, _file = study
    interview_id, package = _first_package(laptop, tmp_path)
    _merge(master, [package], keys)
    accept_device(master, laptop.store.device_id)
    decisions.send_back(master, interview_id, "请补充第二题")
    review = tmp_path / "review.yzpack"
    assert pack_review(master, review) is not None
    assert review.read_bytes().startswith(MAGIC) and "请补充".encode() not in review.read_bytes()
    line = merge_packages(laptop.store, [review]).packages[0]
    assert line.status == MERGED, line.reason
    assert laptop.store.interview(interview_id).status == "rejected"
    # the laptop's next package carries the signed decision back, and the master takes it
    laptop.edit(interview_id, 1, "补充的回答")
    laptop.store.finalize(interview_id)
    again = laptop.pack(tmp_path / "again.yzpack")
    assert _merge(master, [again], keys).packages[0].status == MERGED


def test_a_review_package_not_signed_by_a_supervisor_is_refused(study, make_laptop, tmp_path):
    master, laptop, keys, _project_file = study
    interview_id, package = _first_package(laptop, tmp_path)
    _merge(master, [package], keys)
    accept_device(master, laptop.store.device_id)
    decisions.approve(master, interview_id)
    review = tmp_path / "review.yzpack"
    pack_review(master, review)
    opened = open_sealed(review.read_bytes(), [keys.identity])
    stranger = KeyPair.generate()
    forged = tmp_path / "forged-review.yzpack"
    recipients = [membership.project(master).keys, membership.device_keys(laptop.store).public]
    forged.write_bytes(seal(opened.payload, _header(opened.header), stranger, recipients))
    line = merge_packages(laptop.store, [forged]).packages[0]
    assert line.status == REFUSED and "不是由项目的督导签名" in line.reason
    assert laptop.store.interview(interview_id).status == "completed"


def test_a_session_package_carrying_a_forged_approval_is_refused(study, tmp_path):
    """A fieldworker's own laptop (an accepted device) writes an approval into its audit log."""
    master, laptop, keys, _file = study
    interview_id, package = _first_package(laptop, tmp_path)
    _merge(master, [package], keys)
    accept_device(master, laptop.store.device_id)
    laptop.store.writes.change_status(interview_id, "completed", "approved", "review", laptop.store.now())
    forged = laptop.pack(tmp_path / "approved.yzpack")
    line = _merge(master, [forged], keys).packages[0]
    assert line.status == REFUSED and "没有项目督导的有效签名" in line.reason
    assert master.interview(interview_id).status == "completed"


# -- helpers ------------------------------------------------------------------------------------------


def _header(header: dict) -> dict:
    return {k: v for k, v in header.items() if k not in ("format", "format_version", "signer", "content_sha256")}


def _rehashed(zip_bytes: bytes, change, device: str | None = None) -> bytes:
    """The package's zip with its first interview changed and every hash recomputed."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(members[MANIFEST])
    lines = [json.loads(line) for line in members[INTERVIEWS].splitlines()]
    change(lines[0])
    for line, entry in zip(lines, manifest["interviews"]):
        line["content_sha256"] = content_sha256(line["interview"], line["answers"], line["audit"])
        entry["content_sha256"] = line["content_sha256"]
    members[INTERVIEWS] = b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)
    manifest["files"][INTERVIEWS] = hashlib.sha256(members[INTERVIEWS]).hexdigest()
    if device:
        manifest["device_id"] = device
    members[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _reseal_with_header(sealed: bytes, keys: KeyPair, payload: bytes, project) -> bytes:
    """The laptop's signed header and signature, put before other content, encrypted anew."""
    plaintext = pyrage.decrypt(sealed[len(MAGIC) :], [keys.identity])
    size = int.from_bytes(plaintext[:4], "big")
    inner = plaintext[4 : 4 + size]
    assert json.loads(inner)["header"]["content_sha256"] != hashlib.sha256(payload).hexdigest()
    return MAGIC + pyrage.encrypt(size.to_bytes(4, "big") + inner + payload, [project.keys.age_recipient()])


def test_canonical_json_is_what_signatures_cover():
    assert canonical({"b": 1, "a": "议"}) == '{"a":"议","b":1}'.encode()


@pytest.mark.parametrize("change", ["rewrite", "empty"])
def test_an_update_whose_answers_changed_without_audit_is_refused(study, tmp_path, change):
    """An accepted laptop's own package, its answers changed behind the store (a tampered laptop):
    the log continues the master's, but says nothing of the changed answers."""
    master, laptop, keys, _file = study
    interview_id = laptop.interview(answers=3)
    _merge(master, [laptop.pack(tmp_path / "first.yzpack")], keys)
    accept_device(master, laptop.store.device_id)
    laptop.edit(interview_id, 0, "合法的修改")  # audited: the log continues
    if change == "rewrite":
        laptop.store.conn.execute(
            "UPDATE answers SET value = '伪造的回答' WHERE interview_id = ? AND question = ?",
            (interview_id, laptop.texts[1]),
        )
    else:
        laptop.store.conn.execute("DELETE FROM answers WHERE interview_id = ?", (interview_id,))
    laptop.store.conn.commit()
    line = _merge(master, [laptop.pack(tmp_path / "second.yzpack")], keys).packages[0]
    assert line.status == REFUSED and "审计记录里没有这次修改" in line.reason
    assert master.answer(interview_id, laptop.texts[1]).value == "回答1"


# -- hostile files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json at all",
        b"[" * 100_000,
        json.dumps({"format": "yingzao-project", "body": "{}", "signature": ""}).encode(),
        json.dumps({"format": "yingzao-project", "body": "[1, 2]", "signature": "AAAA"}).encode(),
    ],
)
def test_a_broken_project_file_is_refused_by_name_and_changes_nothing(make_laptop, data):
    laptop = make_laptop("wang")
    with pytest.raises(errors.SecurityError) as refused:
        join(laptop.store, data)
    assert refused.value.code == "bad_project_file" and "study.yzproject" in str(refused.value)
    assert membership.project(laptop.store) is None


def test_a_project_file_whose_protocol_does_not_match_its_hash_is_refused(master, make_laptop):
    load_library(master)
    make_project(master)
    project = membership.project(master)
    project.protocols[0]["sha256"] = "0" * 64
    keys = membership.unlock(master, PROJECT_PASSPHRASE)
    laptop = make_laptop("wang")
    before = len(laptop.store.protocol_versions())
    with pytest.raises(errors.SecurityError, match="哈希值不符"):
        join(laptop.store, signed_file(project, keys))
    assert len(laptop.store.protocol_versions()) == before and membership.project(laptop.store) is None


def test_damaged_sealed_packages_are_refused_and_leave_the_master_as_it_was(study, tmp_path):
    master, laptop, keys, _file = study
    _interview, package = _first_package(laptop, tmp_path)
    data = package.read_bytes()
    for number, damaged in enumerate(
        [data[: len(data) // 2], data[:30], MAGIC, MAGIC + b"\x00" * 200, data + b"tail", data[:-1]]
    ):
        path = tmp_path / f"damaged_{number}.yzpack"
        path.write_bytes(damaged)
        line = _merge(master, [path], keys).packages[0]
        assert line.status == REFUSED and line.reason, number
    assert master.count_interviews() == 0 and master.trust.devices() == []


def test_laptops_of_a_project_interview_with_the_projects_protocols(master, make_laptop, tmp_path):
    """The researcher revised a protocol: the project file carries that version, and a laptop whose
    Yingzao ships the older one offers the project's."""
    shipped = load_library(master)
    official = next(p for p in shipped.protocols if p.role == "official")
    source = paths.FORMS_DIR / official.source_name
    book = openpyxl.load_workbook(source)
    settings = book["settings"]
    header = [cell.value for cell in settings[1]]
    settings.cell(row=2, column=header.index("version") + 1, value="2026.9-field")
    revised = tmp_path / official.source_name
    book.save(revised)
    protocol, workbook = load_protocol_workbook(revised, shipped.codebook)
    master.add_protocol(protocol, workbook)
    project_file = make_project(master)
    carried = {p["form_id"]: p["version"] for p in read_file(project_file).protocols}
    assert carried[official.form_id] == "2026.9-field"  # the version in use, not every version kept

    laptop = make_laptop("wang")
    join(laptop.store, project_file)
    offered = load_library(laptop.store)
    assert next(p for p in offered.protocols if p.form_id == official.form_id).version == "2026.9-field"
    assert {p.form_id for p in offered.protocols} == {p.form_id for p in shipped.protocols}


def test_a_protocol_revised_mid_fieldwork_reaches_the_laptops_in_a_new_revision(master, make_laptop, tmp_path, capsys):
    from yingzao import main

    shipped = load_library(master)
    project_file = make_project(master)
    laptop = make_laptop("wang")
    join(laptop.store, project_file)
    official = next(p for p in shipped.protocols if p.role == "official")
    assert membership.publish_protocols(master, PROJECT_PASSPHRASE) is None  # nothing revised yet
    book = openpyxl.load_workbook(paths.FORMS_DIR / official.source_name)
    settings = book["settings"]
    header = [cell.value for cell in settings[1]]
    settings.cell(row=2, column=header.index("version") + 1, value="2026.10-revised")
    revised = tmp_path / official.source_name
    book.save(revised)
    protocol, workbook = load_protocol_workbook(revised, shipped.codebook)
    master.add_protocol(protocol, workbook)  # as the library does when the workbook in forms/ changed
    # until it is published, the project's version is the one in use, here as on the laptops
    assert next(p for p in load_library(master).protocols if p.form_id == official.form_id).version == official.version
    with pytest.raises(errors.SecurityError):
        membership.publish_protocols(master, "not the passphrase")
    membership.lock(master)
    with pytest.raises(errors.SecurityError):
        membership.publish_protocols(master, "not the passphrase")
    assert membership.project(master).revision == 1  # a wrong passphrase changed nothing
    newer = membership.publish_protocols(master, PROJECT_PASSPHRASE)
    assert newer is not None and read_file(newer).revision == 2
    assert next(p for p in load_library(master).protocols if p.form_id == official.form_id).version == "2026.10-revised"
    join(laptop.store, newer)
    offered = load_library(laptop.store)
    assert next(p for p in offered.protocols if p.form_id == official.form_id).version == "2026.10-revised"
    # interviews begun with the former version keep it; new ones take the revised one
    assert laptop.store.has_protocol(official.sha256) and laptop.store.has_protocol(protocol.sha256)
    # the command line says when there is nothing new
    db = master.path
    master.close()
    (tmp_path / "pass.txt").write_text(PROJECT_PASSPHRASE, encoding="utf-8")
    code = main.main(
        [
            "--lang",
            "en",
            "project",
            "publish-protocols",
            "--db",
            str(db),
            "--out",
            str(tmp_path / "again.yzproject"),
            "--project-passphrase-file",
            str(tmp_path / "pass.txt"),
        ]
    )
    assert code == 0 and "nothing to publish" in capsys.readouterr().out
    assert not (tmp_path / "again.yzproject").exists()
