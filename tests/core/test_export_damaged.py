"""Exports of damaged databases: the damage is named (confirmed by SQLite's quick_check), what can
be read is exported, and the file says which sheets are incomplete; never a traceback.

The damaged files are copies of a study database this test built itself; the damage is done with
SQLite (a dropped table, text that is not UTF-8) or by overwriting one page of the copy."""

from __future__ import annotations

import shutil
import sqlite3

import openpyxl
import pytest

from yingzao import main
from yingzao.core import errors
from yingzao.core.export.workbook import ExportOptions, export_workbook

from tests.export_study import CHENGDU, about, build_study, row_of, short, table


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("study") / "study.db")


def damaged_copy(study, tmp_path, name: str):
    target = tmp_path / name
    shutil.copyfile(study.path, target)  # the study's store is closed: its -wal was checkpointed away
    return target


def raw(path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_missing_paradata_table_is_named_and_the_rest_exported(study, tmp_path, capsys):
    db = damaged_copy(study, tmp_path, "no-paradata.db")
    raw(db, "DROP TABLE paradata")
    out = tmp_path / "out.xlsx"
    result = export_workbook(db, out, tz=CHENGDU)
    assert (result.interviews, result.answers) == (4, 84)
    assert result.incomplete_sheets == ("interviews", "answers")
    book = openpyxl.load_workbook(out)
    facts = about(book["说明"])
    assert "缺少：paradata" in facts["数据库已损坏"]
    assert facts["不完整的工作表"] == ["访谈；回答"]
    o1 = row_of(table(book["访谈"]), "访谈", short(study, "O1"))
    assert o1["答题计时（分钟）"] is None and o1["时长（分钟）"] == 27  # from start and end instead
    assert "产业功能区综合党委" in row_of(table(book["回答"]), "题目名", "act_party_structure")["回答"]
    # the command line says so too, and exits normally
    assert main.main(["export", "--db", str(db), "--out", str(tmp_path / "cli.xlsx")]) == 0
    printed = capsys.readouterr()
    assert "数据库已损坏" in printed.out and "paradata" in printed.out and "Traceback" not in printed.err


def test_a_damaged_page_costs_only_the_interviews_on_it(study, tmp_path):
    db = damaged_copy(study, tmp_path, "bad-page.db")
    conn = sqlite3.connect(db)
    try:
        leaves = [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'answers' AND pagetype = 'leaf' ORDER BY pageno"
            )
        ]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table to find the answers' pages")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert len(leaves) >= 2
    with open(db, "r+b") as handle:  # a fixture of this test's own: damage one page of it
        handle.seek((leaves[0] - 1) * page_size)
        handle.write(b"\xa5" * page_size)
    out = tmp_path / "out.xlsx"
    result = export_workbook(db, out, tz=CHENGDU)
    assert 0 < result.answers < 84
    facts = about(openpyxl.load_workbook(out)["说明"])
    found = "\n".join(facts["数据库已损坏"])
    assert "quick_check" in found and "回答无法读取" in found
    assert "回答" in facts["不完整的工作表"][0]
    assert leftovers(tmp_path) == []


def test_text_that_is_not_utf8_is_shown_replaced_and_counted(study, tmp_path):
    db = damaged_copy(study, tmp_path, "bad-text.db")
    raw(db, "UPDATE answers SET value = CAST(X'E5B9B3E58FB0FF41' AS TEXT) WHERE question = 'act_market_role'")
    out = tmp_path / "out.xlsx"
    result = export_workbook(db, out, tz=CHENGDU)
    assert result.answers == 84 and result.incomplete_sheets == ()
    book = openpyxl.load_workbook(out)
    assert row_of(table(book["回答"]), "题目名", "act_market_role")["回答"] == "平台\ufffdA"
    facts = about(book["说明"])
    assert "1 个值含有非 UTF-8 字节，显示为 \ufffd" in facts["数据库已损坏"]
    assert facts["不完整的工作表"] == ["无（各表完整，但请核对上面所列问题）"]


def overwrite_page(path, table_name: str) -> None:
    """Overwrite the first page of a table's tree with noise (the fixture is this test's own copy)."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table_name,)).fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xa5" * page_size)


def test_an_anonymised_export_refuses_when_names_cannot_be_read(study, tmp_path):
    db = damaged_copy(study, tmp_path, "no-answers.db")
    overwrite_page(db, "answers")
    out = tmp_path / "out.xlsx"
    with pytest.raises(errors.ExportError) as raised:
        export_workbook(db, out, ExportOptions(anonymize=True), tz=CHENGDU)
    assert "数据库已损坏" in raised.value.message and "匿名化" in raised.value.message
    assert "不勾选「匿名化」" in raised.value.hint
    assert not out.exists() and leftovers(tmp_path) == []
    # without anonymising, the interviews themselves can still be exported
    result = export_workbook(db, out, tz=CHENGDU)
    assert (result.interviews, result.answers) == (4, 0)


def test_nothing_readable_is_a_clear_error_in_both_languages(study, tmp_path, monkeypatch):
    db = damaged_copy(study, tmp_path, "no-interviews.db")
    raw(db, "PRAGMA foreign_keys = OFF", "DROP TABLE interviews")
    out = tmp_path / "out.xlsx"
    with pytest.raises(errors.ExportError) as raised:
        export_workbook(db, out, tz=CHENGDU)
    assert "已损坏，无法导出" in raised.value.message and "interviews" in raised.value.message
    assert "备份" in raised.value.hint
    monkeypatch.setattr("yingzao.core.errors.base._language", "en")
    assert "is damaged and cannot be exported" in raised.value.message and "backup" in raised.value.hint
    assert not out.exists() and leftovers(tmp_path) == []
