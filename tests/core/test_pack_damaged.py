"""Packing from a damaged database: a clear message that says the file is damaged and that `export`
can still save what is readable — never a traceback — and no package file, whole or partial."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from yingzao import main
from yingzao.core.errors import StoreError
from yingzao.core.exchange.package import pack_session
from yingzao.core.exchange.review_package import pack_review

from tests.laptops import Laptop, laptop_template  # noqa: F401  (fixture)


def laptop_with_interviews(template: Path, path: Path, count: int = 60) -> Path:
    """A closed database of `count` interviews with long answers: a few hundred pages."""
    laptop = Laptop(template, path, "王芳")
    for number in range(count):
        laptop.interview(answers=8, text=f"第{number}份访谈的回答，" * 20)
    laptop.close()
    return path


# what a pack reads, page by page: the file also holds the search index, which a pack never reads
PACKED_TABLES = ("interviews", "answers", "audit")


def overwrite_pages(db: Path, fractions: tuple[float, ...], tables: tuple[str, ...] = PACKED_TABLES) -> None:
    """Overwrite whole pages with garbage, as a failing disk might: the pages at these fractions of
    the pages that hold `tables` (found with SQLite's dbstat; of the whole file where SQLite was built
    without it). The file is closed (no connection of this process holds a lock on it) and its size
    is asked of SQLite, never of the file system."""
    conn = sqlite3.connect(db)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        try:
            pages = [
                row[0]
                for row in conn.execute(
                    f"SELECT pageno FROM dbstat WHERE name IN ({', '.join('?' for _ in tables)}) ORDER BY pageno",
                    tables,
                )
            ]
        except sqlite3.OperationalError:  # no dbstat in this SQLite
            pages = list(range(1, conn.execute("PRAGMA page_count").fetchone()[0] + 1))
    finally:
        conn.close()
    assert not Path(f"{db}-wal").exists()  # the last close checkpointed: the main file is the whole database
    with open(db, "r+b") as raw:
        for fraction in fractions:
            raw.seek((pages[int(len(pages) * fraction)] - 1) * page_size)
            raw.write(b"\xde\xad\xbe\xef" * (page_size // 4))


def overwrite_root_page(db: Path, table: str) -> None:
    """Overwrite the first page of one table with garbage: reading that table fails, every time."""
    conn = sqlite3.connect(db)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()
    assert not Path(f"{db}-wal").exists()
    with open(db, "r+b") as raw:
        raw.seek((root - 1) * page_size)
        raw.write(b"\xde\xad\xbe\xef" * (page_size // 4))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".yzpack" in p.name)


def test_packing_a_database_with_overwritten_pages_says_it_is_damaged(laptop_template, tmp_path, capsys):  # noqa: F811
    db = laptop_with_interviews(laptop_template, tmp_path / "field.db")
    overwrite_pages(db, (0.5, 0.6, 0.7, 0.8))  # pages of the interviews, answers and audit log
    out = tmp_path / "session.yzpack"
    code = main.main(["pack", "--db", str(db), "--out", str(out)])
    stderr = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in stderr
    assert f"{db} 已损坏" in stderr
    assert "export 导出仍可读取的部分" in stderr  # what can still be saved
    assert leftovers(tmp_path) == []


def test_packing_a_database_with_a_missing_table_says_what_is_missing(laptop_template, tmp_path, capsys):  # noqa: F811
    db = laptop_with_interviews(laptop_template, tmp_path / "field.db", count=2)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE paradata")
    conn.commit()
    conn.close()
    out = tmp_path / "session.yzpack"
    assert main.main(["pack", "--db", str(db), "--out", str(out)]) == 2
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr and f"{db} 已损坏" in stderr and "paradata" in stderr
    assert leftovers(tmp_path) == []


def test_a_table_lost_while_the_database_is_open_is_named_by_sqlites_own_check(laptop_template, tmp_path):  # noqa: F811
    laptop = Laptop(laptop_template, tmp_path / "field.db", "王芳")
    laptop.interview()
    other = sqlite3.connect(laptop.path)  # another program damages the open file
    other.execute("DROP TABLE paradata")
    other.commit()
    other.close()
    out = tmp_path / "session.yzpack"
    try:
        with pytest.raises(StoreError) as raised:
            pack_session(laptop.store, out)
        assert raised.value.code == "damaged_database"
        assert "已损坏：缺少：paradata" in str(raised.value)  # confirmed by the file's schema, not guessed
        assert leftovers(tmp_path) == []
        assert not laptop.store.conn.in_transaction  # the store can still be used (and closed) as usual
    finally:
        laptop.close()


def test_packing_a_review_package_from_a_damaged_database_says_it_is_damaged(laptop_template, tmp_path, capsys):  # noqa: F811
    db = laptop_with_interviews(laptop_template, tmp_path / "field.db")
    overwrite_root_page(db, "audit")  # what the review package is chosen from
    out = tmp_path / "back.yzpack"
    code = main.main(["pack", "--review", "--all", "--db", str(db), "--out", str(out)])
    stderr = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in stderr
    assert f"{db} 已损坏" in stderr
    assert leftovers(tmp_path) == []


def test_a_review_table_lost_while_the_database_is_open_is_said_not_raised(laptop_template, tmp_path):  # noqa: F811

    laptop = Laptop(laptop_template, tmp_path / "field.db", "王芳")
    laptop.interview()
    other = sqlite3.connect(laptop.path)  # another program damages the open file
    other.execute("DROP TABLE review_exports")
    other.commit()
    other.close()
    try:
        with pytest.raises(StoreError) as raised:
            pack_review(laptop.store, tmp_path / "back.yzpack")
        assert raised.value.code == "damaged_database"
        assert "review_exports" in str(raised.value)
        assert leftovers(tmp_path) == []
        assert not laptop.store.conn.in_transaction
    finally:
        laptop.close()
