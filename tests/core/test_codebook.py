"""The shipped codebook and the checks that keep a researcher's edits valid."""

from __future__ import annotations

import pytest

from yingzao.core.errors import CodebookError
from yingzao.core.forms.codebook import FAMILIES, INTERVIEW_FAMILIES, load_codebook, parse_codebook

# these tests read the problems as a form author using the English interface does
pytestmark = pytest.mark.usefixtures("english_errors")

HEADER = "id,family,parent,label_zh,label_en,definition_zh,definition_en,source,status\n"


def test_every_family_of_the_papers_frame_has_codes(codebook):
    for family in FAMILIES:
        if family != "emergent":  # the researchers' own codes from the field: none are shipped
            assert codebook.family(family), family


def test_families_one_to_three_are_the_papers(codebook):
    assert [c.label_zh for c in codebook.family("dimension")] == ["组织创新", "空间环境建设", "服务供给", "主体性成长"]
    assert {c.id for c in codebook.family("actor")} == {"ACT.PARTY", "ACT.GOV", "ACT.MARKET", "ACT.RESIDENT"}
    assert {c.label_zh for c in codebook.family("factor")} == {"产业类型", "人口特质", "环境基础", "自治基础"}
    for family in INTERVIEW_FAMILIES:
        for code in codebook.family(family):
            assert code.label_en and code.definition_zh and code.definition_en and code.source


def test_table_two_has_seventeen_goals_word_for_word_and_no_invented_ones(codebook):
    scenes = codebook.top_level("scene")
    assert len(scenes) == 7
    goals = [g for s in scenes for g in codebook.children(s.id)]
    assert len(goals) == 17
    assert [g.label_zh for g in codebook.children("SCN.SERVICE")] == [
        "安居安心居住空间",
        "全时贴心多元消费",
        "品质教育在身边",
        "看病无忧有保障",
        "迅速反应护平安",
    ]
    assert [g.label_zh for g in codebook.children("SCN.SMART")] == ["高效专业的服务平台", "智慧社交的虚拟家园"]
    for scene_id in ("SCN.INNOVATION", "SCN.GOVERNANCE"):
        scene = codebook.get(scene_id)
        assert scene.unrecovered
        assert codebook.children(scene_id) == ()
    assert [s.id for s in scenes if s.unrecovered] == ["SCN.INNOVATION", "SCN.GOVERNANCE"]


def test_a_researcher_can_add_the_missing_goals(codebook, tmp_path):
    from yingzao.core import paths

    text = paths.CODEBOOK_PATH.read_text(encoding="utf-8-sig")
    text += "SCN.INNOVATION.NEW,scene,SCN.INNOVATION,新目标,New goal,研究者补充,Added by a researcher,访谈,\n"
    edited = tmp_path / "codebook.csv"
    edited.write_text(text, encoding="utf-8-sig")
    assert [c.id for c in load_codebook(edited).children("SCN.INNOVATION")] == ["SCN.INNOVATION.NEW"]


@pytest.mark.parametrize(
    ("rows", "row", "column", "fragment"),
    [
        ("A.B,dimension,,甲,A,,,,\nA.B,dimension,,乙,B,,,,\n", 3, "id", "already used on row 2"),
        ("A.B,colour,,甲,A,,,,\n", 2, "family", "family 'colour' is not one of"),
        ("A.B,dimension,,,A,,,,\n", 2, "label_zh", "empty label_zh"),
        ("A.B,dimension,,甲,,,,,\n", 2, "label_en", "empty label_en"),
        ("A.B,dimension,X.Y,甲,A,,,,\n", 2, "parent", "parent 'X.Y' of 'A.B' is not a code"),
        ("A.B,dimension,,甲,A,,,,maybe\n", 2, "status", "status 'maybe'"),
        ("a b,dimension,,甲,A,,,,\n", 2, "id", "must be upper-case"),
        ("A,dimension,B,甲,A,,,,\nB,dimension,A,乙,B,,,,\n", 2, "parent", "its own ancestor"),
        ("A,dimension,,甲,A,,,,\nB,actor,A,乙,B,,,,\n", 3, "parent", "its parent 'A' is in dimension"),
    ],
)
def test_invalid_codebooks_are_refused_with_the_row(rows, row, column, fragment):
    with pytest.raises(CodebookError) as caught:
        parse_codebook(HEADER + rows, "codebook.csv")
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (row, column)
    assert fragment in problem.message
    assert str(problem).startswith(f"codebook.csv:codebook:{row}:")


def test_missing_columns_are_named():
    with pytest.raises(CodebookError) as caught:
        parse_codebook("id,family\nA,dimension\n")
    assert "label_zh" in caught.value.problems[0].message


def test_a_non_utf8_file_says_how_to_save_it(tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_bytes(HEADER.encode() + "A,dimension,,甲,A,,,,\n".encode("gbk"))
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert "CSV UTF-8" in caught.value.problems[0].message
