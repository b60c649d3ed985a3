"""Laptops for the merge tests: separate Yingzao databases, each its own device, made from one
template so the study's workbooks are parsed once per test session.

    def test_x(laptop_template, tmp_path):
        one = Laptop(laptop_template, tmp_path / "one.db", "王芳")
        interview = one.interview(answers=3)
        package = one.pack(tmp_path / "one.yzpack")
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from yingzao.core.exchange import receiving
from yingzao.core.exchange.package import pack_session
from yingzao.core.security import membership
from yingzao.core.store import driver
from yingzao.core.store.database import Store


@pytest.fixture(scope="session")
def laptop_template(tmp_path_factory) -> Path:
    from yingzao.core.forms.library import load_library

    path = tmp_path_factory.mktemp("laptop_template") / "template.db"
    with Store(path) as store:
        library = load_library(store)
        assert not library.problems
        store.add_community("A", "A社区")
        store.add_community("B", "B社区")
    return path


class Laptop:
    """One fieldworker's database. `copy_to` copies the file as a person would (same device id)."""

    def __init__(self, template: Path, path: Path, user: str, *, new_device: bool = True) -> None:
        if template != path:
            shutil.copy(template, path)
        if new_device:
            conn = driver.connect(path)
            conn.execute("DELETE FROM settings WHERE key = 'device_id'")
            conn.commit()
            conn.close()
        self.path = path
        self.store = Store(path, user=user)
        self.protocol = self.protocol_for("official")
        self.texts = [q.name for q in self.protocol.questions if q.type == "text"]

    def protocol_for(self, role: str):
        sha = next(p["sha256"] for p in self.store.protocol_versions() if p["role"] == role)
        return self.store.protocol(sha)

    def interview(self, answers: int = 3, text: str = "回答", community: str = "A", protocol=None) -> str:
        protocol = protocol or self.protocol
        interview_id = self.store.start_interview(protocol.sha256, community_id=community)
        texts = [q.name for q in protocol.questions if q.type == "text"]
        for index in range(answers):
            self.store.save_answer(interview_id, texts[index], f"{text}{index}")
        return interview_id

    def edit(self, interview_id: str, index: int, value: str, **extra) -> None:
        self.store.save_answer(interview_id, self.texts[index], value, **extra)

    def pack(self, out: Path, *, all_interviews: bool = False) -> Path:
        summary = pack_session(self.store, out, all_interviews=all_interviews)
        assert summary is not None, "nothing to pack"
        return out

    def copy_to(self, path: Path, user: str) -> Laptop:
        self.store.close()
        shutil.copy(self.path, path)
        self.store = Store(self.path, user=self.store.user)
        return Laptop(path, path, user, new_device=False)

    def close(self) -> None:
        self.store.close()


PROJECT_PASSPHRASE = "田野调查的口令 2026"


def make_project(store: Store, **options) -> bytes:
    """Make `store` the researcher's database of a new project (its key a supervisor's); returns
    the signed project file to give the laptops."""
    return membership.create_project(store, "产业社区治理调研", PROJECT_PASSPHRASE, **options)


def join(store: Store, project_file: bytes) -> None:
    membership.join_project(store, project_file, "study.yzproject")


def package_zip(store: Store, path: Path) -> bytes:
    """A sealed package's zip, opened as `store` opens it (its keys, the project's if unlocked)."""
    received = receiving.receive(store, path, allow_unsigned=True)
    return received.content if received.content is not None else path.read_bytes()


def canonical_dump(store: Store) -> dict:
    """Everything a merge decides, in an order that does not depend on the order of merging.

    Left out: merge timestamps (merged_at, opened_at, added_at), the per-package outcome and report
    (whether a version arrived as 'added' or 'updated' depends on the order by nature), the `merged`
    bookkeeping audit rows (they carry both), and the local fields last_question and progress."""
    conn = store.conn

    def rows(sql: str) -> list:
        return sorted((tuple(r) for r in conn.execute(sql)), key=repr)

    return {
        "interviews": rows(
            "SELECT id, protocol_sha256, protocol_id, protocol_version, respondent_role, community_id, fieldworker,"
            " device_id, status, started_at, ended_at, updated_at, outcome FROM interviews"
        ),
        "answers": rows("SELECT interview_id, question, value, marker, note, updated_at, updated_by FROM answers"),
        "audit": rows(
            "SELECT interview_id, at, user, device_id, question, field, old, new FROM audit WHERE field != 'merged'"
        ),
        "paradata": rows("SELECT interview_id, question, seconds, visits, updated_at FROM paradata"),
        "sources": rows("SELECT interview_id, package_id, device_id, content_sha256 FROM interview_sources"),
        "packages": rows("SELECT id, file_name, device_id, fieldworker, created_at FROM packages"),
        "conflicts": rows("SELECT interview_id, status FROM conflicts"),
        "conflict_versions": rows("SELECT interview_id, content_sha256, state, data FROM conflict_versions"),
        "protocols": rows("SELECT sha256 FROM protocols"),
        "communities": rows("SELECT id, name FROM communities"),
        "codings": rows(
            'SELECT id, interview_id, question, target, start, "end", quote, code, coder, origin, memo, pinned,'
            " pinned_for, state, created_at, updated_at, updated_by, device_id FROM codings"
        ),
        "codes": rows("SELECT * FROM codes"),
        "code_aliases": rows("SELECT * FROM code_aliases"),
        "memos": rows("SELECT * FROM memos"),
        "suggestion_decisions": rows("SELECT * FROM suggestion_decisions"),
    }


@pytest.fixture
def make_laptop(laptop_template, tmp_path):
    """Laptops made on demand, each a copy of the template database; closed after the test."""
    made = []

    def make(name: str, user: str = "访员") -> Laptop:
        made.append(Laptop(laptop_template, tmp_path / f"{name}.db", user))
        return made[-1]

    yield make
    for laptop in made:
        laptop.close()


@pytest.fixture
def master(tmp_path):
    """The researcher's empty master database."""
    store = Store(tmp_path / "master.db", user="研究者")
    yield store
    store.close()
