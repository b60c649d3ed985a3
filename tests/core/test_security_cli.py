"""The project and devices commands, end to end on real files, as a researcher and a fieldworker run them."""

from __future__ import annotations

from yingzao import main
from yingzao.core.exchange.package import pack_session
from yingzao.core.security import membership
from yingzao.core.store import encryption
from yingzao.core.store.database import Store

from tests.laptops import Laptop


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_project_from_init_to_an_accepted_device(laptop_template, tmp_path, capsys):
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("研究者的口令很长\n", encoding="utf-8")
    master, project_file = tmp_path / "master.db", tmp_path / "study.yzproject"
    code, out, _ = _run(
        capsys,
        "project", "init", "--db", str(master), "--name", "产业社区", "--out", str(project_file),
        "--keys-out", str(tmp_path / "study.yzkeys"), "--project-passphrase-file", str(passphrase),
    )  # fmt: skip
    assert code == 0 and "指纹" in out and project_file.exists() and (tmp_path / "study.yzkeys").exists()

    laptop = Laptop(laptop_template, tmp_path / "wang.db", "王芳")
    laptop.close()
    code, out, _ = _run(capsys, "project", "join", "--db", str(laptop.path), str(project_file))
    assert code == 0 and "已加入项目“产业社区”" in out
    with Store(laptop.path, user="王芳") as store:
        fingerprint = membership.device_keys(store).public.fingerprint
        sha = store.protocol_versions()[0]["sha256"]
        interview = store.start_interview(sha)
        question = next(q.name for q in store.protocol(sha).questions if q.type == "text")
        store.save_answer(interview, question, "社区议事会")
    assert fingerprint in out
    code, out, _ = _run(capsys, "pack", "--db", str(laptop.path), "--out", str(tmp_path / "s.yzpack"))
    assert code == 0 and "已用本机密钥签名" in out

    code, _, err = _run(capsys, "merge", "--into", str(master), str(tmp_path / "s.yzpack"))
    assert code == 2 and "需要项目口令" in err  # no terminal, no file, no variable: asked for, nothing changed
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("不对的口令", encoding="utf-8")
    code, _, err = _run(
        capsys, "merge", "--into", str(master), str(tmp_path / "s.yzpack"), "--project-passphrase-file", str(wrong)
    )
    assert code == 2 and "项目口令不正确" in err
    code, out, _ = _run(
        capsys,
        "merge", "--into", str(master), str(tmp_path / "s.yzpack"), "--project-passphrase-file", str(passphrase),
    )  # fmt: skip
    assert code == 0 and "暂存" in out and fingerprint in out

    code, out, _ = _run(capsys, "devices", "list", "--db", str(master))
    assert code == 0 and fingerprint in out and "待接受" in out and "王芳" in out
    code, out, _ = _run(capsys, "devices", "accept", fingerprint.lower(), "--db", str(master))
    assert code == 0 and "已合并" in out
    with Store(master, read_only=True) as store:
        assert store.answer(interview, question).value == "社区议事会"


def test_supervisors_are_added_with_their_key_card(laptop_template, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("YINGZAO_PROJECT_PASSPHRASE", "研究者的口令很长")
    master, project_file = tmp_path / "master.db", tmp_path / "study.yzproject"
    assert _run(capsys, "project", "init", "--db", str(master), "--name", "P", "--out", str(project_file))[0] == 0
    li = Laptop(laptop_template, tmp_path / "li.db", "李督导")
    li.close()
    _run(capsys, "project", "join", "--db", str(li.path), str(project_file))
    card = tmp_path / "li.yzkey"
    assert _run(capsys, "project", "key-card", "--db", str(li.path), "--out", str(card), "--name", "李督导")[0] == 0
    newer = tmp_path / "study-2.yzproject"
    code, out, _ = _run(capsys, "project", "add-supervisor", "--db", str(master), str(card), "--out", str(newer))
    assert code == 0 and "李督导" in out
    assert _run(capsys, "project", "join", "--db", str(li.path), str(newer))[0] == 0
    code, out, _ = _run(capsys, "--lang", "en", "project", "show", "--db", str(li.path))
    assert "this database holds a supervisor key" in out and "revision 2" in out
    code, _, err = _run(capsys, "project", "add-supervisor", "--db", str(li.path), str(card), "--out", str(newer))
    assert code == 2 and "没有项目密钥" in err  # only the database holding the project keys signs a new revision


def test_unsigned_packages_need_the_flag_in_a_project(laptop_template, tmp_path, capsys, monkeypatch):
    outsider = Laptop(laptop_template, tmp_path / "old.db", "旧电脑")
    outsider.interview(answers=1)
    pack_session(outsider.store, tmp_path / "old.yzpack")
    outsider.close()
    monkeypatch.setenv("YINGZAO_PROJECT_PASSPHRASE", "研究者的口令很长")
    master = tmp_path / "master.db"
    _run(capsys, "project", "init", "--db", str(master), "--name", "P", "--out", str(tmp_path / "p.yzproject"))
    code, out, _ = _run(capsys, "merge", "--into", str(master), str(tmp_path / "old.yzpack"))
    assert code == 1 and "未签名" in out
    code, out, _ = _run(capsys, "merge", "--into", str(master), str(tmp_path / "old.yzpack"), "--allow-unsigned")
    assert code == 0 and "已合并" in out and "未签名的数据包" in out


def test_joining_a_project_that_asks_for_encryption_encrypts_the_laptop(laptop_template, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("YINGZAO_PROJECT_PASSPHRASE", "研究者的口令很长")
    project_file = tmp_path / "study.yzproject"
    _run(capsys, "project", "init", "--db", str(tmp_path / "m.db"), "--name", "P", "--out", str(project_file),
         "--encrypt-databases")  # fmt: skip
    told = Laptop(laptop_template, tmp_path / "told.db", "王芳")
    told.close()
    code, out, _ = _run(capsys, "project", "join", "--db", str(told.path), str(project_file))
    assert code == 0 and "python main.py encrypt --db" in out
    done = Laptop(laptop_template, tmp_path / "done.db", "李强")
    done.close()
    monkeypatch.setenv("YINGZAO_PASSPHRASE", "laptop passphrase long")
    code, out, _ = _run(capsys, "project", "join", "--db", str(done.path), str(project_file))
    assert code == 0 and "已加密并核对" in out
    assert encryption.is_encrypted(done.path)
    with Store(done.path, passphrase="laptop passphrase long") as store:
        assert membership.project(store).encrypt_databases and not membership.must_encrypt(store)
