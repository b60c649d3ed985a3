"""Exports in bad situations: no data, nothing matching, unwritable or locked files, cancel, texts
past Excel's cell limit; and the command line."""

from __future__ import annotations

import errno
import os

import openpyxl
import pytest

from yingzao import main
from yingzao.core import errors
from yingzao.core.coding.codebook import research_codebook
from yingzao.core.coding.suggestions import accept_all
from yingzao.core.export import workbook as export
from yingzao.core.export.frame import QuoteBox
from yingzao.core.export.workbook import ExportFilters, ExportOptions, export_workbook
from yingzao.core.export.xlsx_style import CELL_LIMIT, split_cell
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store

from tests.export_study import about, build_study, row_of, table

# these tests read the errors' English text
pytestmark = pytest.mark.usefixtures("english_errors")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("study") / "study.db")


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_an_empty_database_gives_a_valid_workbook_that_says_so(tmp_path):
    db = tmp_path / "empty.db"
    with Store(db) as store:
        load_library(store)
    out = tmp_path / "empty.xlsx"
    result = export_workbook(db, out)
    assert (result.interviews, result.answers) == (0, 0)
    book = openpyxl.load_workbook(out)
    assert "数据库中还没有访谈数据。" in about(book["说明"])["注意"][0]
    assert table(book["访谈"]) == [] and table(book["回答"]) == [] and table(book["框架矩阵-营造维度"]) == []
    assert book["回答"]["J1"].value == "回答"  # the headers are there to fill later
    assert len(table(book["编码表"])) == 73
    assert all(r["全部社区·有证据的访谈数"] == 0 for r in table(book["场景与目标（表2）"]))


def test_filters_matching_nothing_say_so(study, tmp_path):
    out = tmp_path / "none.xlsx"
    export_workbook(study.path, out, ExportOptions(ExportFilters(roles=("official",), statuses=("draft",))))
    assert "没有符合筛选条件的访谈" in about(openpyxl.load_workbook(out)["说明"])["注意"][0]


def test_a_missing_folder_is_a_clear_error_and_writes_nothing(study, tmp_path):
    with pytest.raises(errors.ExportError) as raised:
        export_workbook(study.path, tmp_path / "no such folder" / "x.xlsx")
    assert "does not exist" in raised.value.message and "Choose an existing folder" in raised.value.hint
    assert list(tmp_path.iterdir()) == []


def test_a_workbook_open_in_excel_is_left_as_it_was(study, tmp_path, monkeypatch):
    out = tmp_path / "open.xlsx"
    out.write_bytes(b"the researcher's earlier export")

    def refuse(source, target):  # what Windows does while Excel or WPS holds the file
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    monkeypatch.setattr(export.os, "replace", refuse)
    with pytest.raises(errors.ExportError) as raised:
        export_workbook(study.path, out)
    assert "open in another program" in raised.value.message and "Close it there" in raised.value.hint
    assert out.read_bytes() == b"the researcher's earlier export"
    assert leftovers(tmp_path) == []


def test_a_folder_that_refuses_writing_is_a_clear_error(study, tmp_path, monkeypatch):
    real_open = export.Path.open

    def refuse(self, mode="r", *args, **kwargs):  # creating a file in the folder is refused
        if "x" in mode or "w" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(export.Path, "open", refuse)
    with pytest.raises(errors.ExportError) as raised:
        export_workbook(study.path, tmp_path / "x.xlsx")
    assert "you may not write" in raised.value.message and "Choose another folder" in raised.value.hint


def test_a_full_disk_leaves_no_half_written_file(study, tmp_path, monkeypatch):
    from openpyxl import Workbook

    def full(self, filename):
        with open(filename, "wb") as handle:
            handle.write(b"PK half")  # a partial file, as a full disk leaves
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    with pytest.raises(errors.ExportError) as raised:
        export_workbook(study.path, tmp_path / "x.xlsx")
    assert "No space left on device" in raised.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("after", [0, 3])
def test_cancel_leaves_no_file(study, tmp_path, after):
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > after

    out = tmp_path / "cancelled.xlsx"
    with pytest.raises(errors.ExportCancelled):
        export_workbook(study.path, out, cancelled=cancelled)
    assert not out.exists() and leftovers(tmp_path) == []


def test_wrong_names_and_filters_are_refused_before_anything_is_written(study, tmp_path):
    with pytest.raises(errors.ExportError, match="ending in .xlsx"):
        export_workbook(study.path, tmp_path / "x.csv")
    with pytest.raises(errors.ExportError, match="no such database"):
        export_workbook(tmp_path / "missing.db", tmp_path / "x.xlsx")
    assert not (tmp_path / "missing.db").exists()  # not created by trying
    with pytest.raises(errors.ExportError) as raised:
        export_workbook(study.path, tmp_path / "x.xlsx", ExportOptions(ExportFilters(communities=("Z",))))
    assert "Z" in raised.value.message and "A, B, C" in raised.value.hint
    assert list(tmp_path.iterdir()) == []


def test_texts_past_the_cell_limit_continue_in_overflow_columns_never_cut(tmp_path):
    db = tmp_path / "long.db"
    formation = "".join(f"第{i}段：社区由村改居合并形成。" for i in range(3000))  # ~45,000 characters
    party = "党组织" * 3000
    with Store(db) as store:
        cadre = load_library(store).by_role("cadre")[0]
        store.add_community("A", "A社区")
        interview = store.start_interview(cadre.sha256, community_id="A")
        store.save_answer(interview, "consent", "yes")
        store.save_answer(interview, "cad_formation", formation)
        store.save_answer(interview, "cad_party_org", party)
        accept_all(store, research_codebook(store), interview)  # the whole answers coded
    out = tmp_path / "long.xlsx"
    result = export_workbook(db, out)
    assert result.overflow_cells == 1
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert all(len(v) <= CELL_LIMIT for v in row if isinstance(v, str)), sheet.title
    answers = row_of(table(book["回答"]), "题目名", "cad_formation")
    assert len(answers["回答"]) == CELL_LIMIT
    assert answers["回答"] + answers["回答（续1，超出单元格上限）"] == formation  # exactly the text, in order
    matrix = table(book["框架矩阵-营造维度"])[0]
    assert matrix["组织创新"].startswith(f"[{matrix['访谈']}·cad_formation·0–{len(formation)}] 第0段")
    assert matrix["组织创新"].endswith("〔此格已达 Excel 单元格上限，续见「溢出续写1」列〕")
    assert matrix["溢出续写1"].startswith("〔续：组织创新，第2段〕")
    joined = matrix["组织创新"] + matrix["溢出续写1"]
    assert formation[-50:] in joined and party in joined
    assert "本文件中接续的格子：1 个" in about(book["说明"])["单元格上限"][0]


def test_a_text_with_nowhere_to_continue_is_cut_visibly_and_counted(study, tmp_path, codebook):
    from dataclasses import replace

    from yingzao.core.forms.codebook import Codebook

    huge = replace(codebook.get("DIM.ORG"), definition_zh="很长的定义。" * 7000)
    edited = Codebook([huge if code.id == "DIM.ORG" else code for code in codebook.codes])
    out = tmp_path / "cut.xlsx"
    export_workbook(study.path, out, codebook=edited)
    book = openpyxl.load_workbook(out)
    definition = row_of(table(book["编码表"]), "代码", "DIM.ORG")["定义"]
    assert len(definition) <= CELL_LIMIT and definition.startswith("很长的定义。")
    assert definition.endswith(f"〔以下 {42000 - CELL_LIMIT + 200} 字超出 Excel 单元格上限，未能写入本格〕")
    assert about(book["说明"])["未能接续的格子"] == [
        "有 1 个格子（如超长的编码定义）超出上限又无处接续，格内已注明缺少的字数。"
    ]


def test_cells_split_between_characters_even_outside_the_basic_plane():
    text = "😀" * 20_000  # each counts as two characters in Excel
    pieces = split_cell(text)
    assert "".join(pieces) == text and len(pieces) == 2
    assert all(len(p.encode("utf-16-le")) // 2 <= CELL_LIMIT for p in pieces)


def test_the_most_focused_question_gives_the_strongest_quote():
    box = QuoteBox()
    box.offer("cell", 4, "一个很长很长很长的回答，题目同时问了很多主体", "[1]")
    box.offer("cell", 2, "短而聚焦", "[2]")
    box.offer("cell", 4, "较短的回答", "[3]")
    box.offer("cell", 4, "最短", "[4]")

    class Ctx:
        @staticmethod
        def t(key: str, **values: object) -> str:
            return "…"

    assert box.text(Ctx(), "cell").split("\n\n") == [
        "[2] 短而聚焦",
        "[1] 一个很长很长很长的回答，题目同时问了很多主体",
        "[3] 较短的回答",
    ]


def test_command_line_export_prints_the_file_and_counts(study, tmp_path, capsys):
    out = tmp_path / "cli.xlsx"
    code = main.main(
        [
            "export",
            "--db",
            str(study.path),
            "--out",
            str(out),
            "--community",
            "A",
            "B",
            "--role",
            "official",
            "cadre",
            "profile",
            "--anonymize",
            "--accept-detected",
            "--lang",
            "en",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0 and out.exists()
    # --lang after `export` is the sheets' language; the command itself speaks the interface's (zh by default)
    assert printed.startswith(str(out)) and "2 个访谈，2 份社区概况" in printed and "已匿名化" in printed
    assert openpyxl.load_workbook(out).sheetnames[0] == "About"


def test_command_line_reports_a_user_error_with_exit_1(study, tmp_path, capsys):
    code = main.main(["--db", str(study.path), "export", "--out", str(tmp_path / "missing" / "x.xlsx")])
    assert code == 1
    assert "不存在" in capsys.readouterr().err  # the CLI speaks Chinese unless --lang en
    code = main.main(["--lang", "en", "--db", str(study.path), "export", "--out", str(tmp_path / "missing" / "x.xlsx")])
    assert code == 1 and "does not exist" in capsys.readouterr().err
    assert not os.listdir(tmp_path)
