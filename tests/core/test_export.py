"""The Excel export, read back cell by cell as a researcher would open it (no Qt)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from yingzao.core.export.workbook import ExportFilters, ExportOptions, export_workbook

from tests.export_study import CHENGDU, about, build_study, row_of, short, table

SHEETS_ZH = [
    "说明",
    "访谈",
    "回答",
    "编码",
    "框架矩阵-营造维度",
    "主体×维度（图1）",
    "社区×影响因素（图2）",
    "场景与目标（表2）",
    "编码出现矩阵",
    "编码矩阵-社区",
    "备忘录",
    "审核",
    "编码表",
]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("study") / "study.db")


@pytest.fixture(scope="module")
def book(study, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "研究导出.xlsx"
    result = export_workbook(study.path, out, tz=CHENGDU)
    assert result.path == out and out.exists()
    assert (result.interviews, result.profiles, result.communities) == (4, 2, 3)
    return openpyxl.load_workbook(out)


def test_sheets_are_in_order_and_titled_in_chinese(book):
    assert book.sheetnames == SHEETS_ZH


def test_about_says_what_where_and_how_to_read(book, study):
    facts = about(book["说明"])
    assert "吴莹" in facts["文件"][0]
    assert isinstance(facts["导出时间"][0], dt.datetime)
    assert facts["时间"] == ["所有时间均为导出电脑的本地时间（UTC+08:00）。"]
    assert facts["数据库"] == [str(study.path.resolve())]
    assert facts["筛选：社区"] == ["全部"] and facts["筛选：状态"] == ["全部"]
    assert [v.split(" — ")[1].split(" 版本")[0] for v in facts["提纲版本"]] == [
        "yz_official",
        "yz_street_staff",
        "yz_cadre",
        "yz_community_profile",
    ]
    assert facts["访谈数"] == [4] and facts["社区概况数"] == [2] and facts["社区数"] == [3]
    assert facts["回答数（行）"] == [len(table(book["回答"]))]
    assert facts["匿名化"][0].startswith("否")
    assert "[官员·S5·act_party_structure]" in facts["题目引用"][0]
    assert "关键引述" in facts["编码引述"][0] and "3 条" in facts["编码引述"][0]
    assert "只计研究者的编码" in facts["计数依据"][0]
    assert facts["计入的编码者"] == ["陈研究员"]
    assert facts["提纲建议的代码"][0].startswith("未计入")
    assert "接续的格子：0 个" in facts["单元格上限"][0]
    assert any("目标无法从原文恢复" in v for v in facts["治理场景"])
    assert "工作表「框架矩阵-营造维度」" in facts


def test_interviews_one_row_each_grouped_by_community_then_role(book, study):
    rows = table(book["访谈"])
    assert [r["访谈"] for r in rows] == [short(study, k) for k in ("O1", "S1", "PA", "K1", "PB", "K2")]
    o1 = row_of(rows, "访谈", short(study, "O1"))
    assert (o1["社区"], o1["社区名称"], o1["受访者类型"], o1["受访者"], o1["访员"]) == (
        "A",
        "A社区",
        "官员",
        "王建国",
        "李研究",
    )
    assert (o1["提纲"], o1["提纲版本"], o1["完整编号"]) == ("官员访谈提纲", "2026.2", study.ids["O1"])
    assert o1["访谈日期"] == dt.datetime(2021, 3, 2)  # a real date cell (openpyxl reads dates as datetimes)
    assert o1["开始时间"] == dt.datetime(2021, 3, 2, 10, 7)  # 02:07 UTC shown in Chengdu time
    assert isinstance(o1["时长（分钟）"], (int, float)) and o1["时长（分钟）"] == 27
    assert o1["答题计时（分钟）"] == pytest.approx(2.2)
    assert (o1["状态"], o1["审核状态"], o1["回答数"]) == ("已通过", "已通过", 22)
    assert o1["标记数（跳过/拒答/不知道）"] == 1
    s1 = row_of(rows, "访谈", short(study, "S1"))
    assert (s1["状态"], s1["审核状态"], s1["结束时间"], s1["时长（分钟）"]) == ("草稿", "未提交", None, None)
    k1 = row_of(rows, "访谈", short(study, "K1"))
    assert (k1["审核状态"], k1["访谈日期"]) == ("待审核", dt.datetime(2021, 4, 8))
    k2 = row_of(rows, "访谈", short(study, "K2"))
    assert (k2["结果"], k2["社区名称"], k2["回答数"]) == ("拒绝受访", "清源社区", 1)
    assert row_of(rows, "访谈", short(study, "PA"))["受访者类型"] == "社区概况"
    assert book["访谈"]["K2"].number_format.startswith("yyyy-mm-dd")


def test_answers_long_table_with_labels_numbers_codes_and_markers(book, study):
    rows = [r for r in table(book["回答"]) if r["访谈"] == short(study, "O1")]
    by_name = {r["题目名"]: r for r in rows}
    party = by_name["act_party_structure"]
    assert (party["社区"], party["受访者类型"], party["受访者"], party["提纲"]) == (
        "A",
        "官员",
        "王建国",
        "yz_official",
    )
    assert party["部分"] == "多元主体与动力机制"
    assert party["题目引用"] == "[官员·S5·act_party_structure]"
    assert party["题目"] == "党建引领在产业社区治理中具体是如何设计和运作的？"
    assert party["回答"].startswith("产业功能区综合党委每季度至少召开一次党建联席会议")
    assert (party["营造维度"], party["动力机制"], party["案例策略"]) == ("组织创新", "党建引领", "基层治理架构创新")
    assert party["精细化治理影响因素"] is None
    assert party["答题用时（秒）"] == 95
    assert party["保存时间"] == dt.datetime(2021, 3, 2, 10, 20)
    assert by_name["act_actors_involved"]["回答"] == "党组织；街道办事处"  # choice labels, not codes
    assert by_name["resp_gender"]["回答"] == "男"
    assert by_name["pol_num_communities"]["回答"] == 7  # a number, not the text "7"
    assert by_name["interview_date"]["回答"] == dt.datetime(2021, 3, 2)
    assert by_name["interview_start_time"]["回答"] == dt.time(10, 0)
    assert by_name["scn_service"]["治理场景与目标"].split("；") == [
        "服务场景·安居安心居住空间",
        "服务场景·全时贴心多元消费",
        "服务场景·品质教育在身边",
        "服务场景·看病无忧有保障",
        "服务场景·迅速反应护平安",
    ]
    refused = by_name["fac_environment"]
    assert (refused["回答"], refused["标记"]) == (None, "拒答")
    assert (
        by_name["act_gov_mobilisation"]["访员备注"] == "受访者提到清源社区的做法值得跟进"
    )  # control character dropped
    assert by_name["close_additional"]["回答"] == "=SUM(A1) 不是公式，只是受访者的原话"
    formula_cell = next(c for c in book["回答"]["J"] if c.value == "=SUM(A1) 不是公式，只是受访者的原话")
    assert formula_cell.data_type == "s"  # text, not a formula
    dont_know = row_of(table(book["回答"]), "题目名", "lab_dispute_count")
    assert dont_know["标记"] == "不知道"


def test_framework_matrix_cells_hold_tagged_answers_with_references(book, study):
    rows = table(book["框架矩阵-营造维度"])
    assert [(r["社区"], r["受访者类型"]) for r in rows] == [
        ("A", "官员"),
        ("A", "街道工作人员"),
        ("A", "社区概况"),
        ("B", "社区干部"),
        ("B", "社区概况"),
        ("C", "社区干部"),
    ]
    o1 = row_of(rows, "访谈", short(study, "O1"))
    o = short(study, "O1")
    assert o1["组织创新"].split("\n\n") == [
        f"[{o}·scn_governance·0–9] 融合治理还在摸索。",
        f"[{o}·act_party_structure·0–48] 产业功能区综合党委每季度至少召开一次党建联席会议，王建国同志牵头协调管委会、属地街道和园区企业。",
        f"[{o}·close_additional·0–22] =SUM(A1) 不是公式，只是受访者的原话",
    ]
    closing = f"[{o}·close_additional·0–22] =SUM(A1) 不是公式，只是受访者的原话"
    assert (
        o1["服务供给"]
        == f"[{o}·act_market_role·0–27] 平台公司负责园区道路和人才公寓建设，企业参与服务供给。\n\n{closing}"
    )
    assert "fac_environment" not in (o1["空间环境建设"] or "")  # refused: nothing to code
    # the closing remarks carry the four dimensions' codes, so what was added at the end reaches the matrix
    assert o1["主体性成长"] == f"[{o}·close_additional·0–22] =SUM(A1) 不是公式，只是受访者的原话"
    k1 = row_of(rows, "访谈", short(study, "K1"))
    assert (
        k1["主体性成长"]
        == f"[{short(study, 'K1')}·par_autonomy_orgs·0–36] 从员工中选举楼层长、楼栋长、院落长，三长队伍收集居民需求、组织院落活动。"
    )
    pb = row_of(rows, "访谈", short(study, "PB"))
    assert pb["组织创新"] is None  # a profile nobody coded
    k2 = row_of(rows, "访谈", short(study, "K2"))
    assert [k2[d] for d in ("组织创新", "空间环境建设", "服务供给", "主体性成长")] == [None] * 4


def test_actors_by_dimension_counts_and_quotes_per_community(book, study):
    rows = table(book["主体×维度（图1）"])
    assert [r["社区"] for r in rows] == ["全部社区"] * 4 + ["A"] * 4 + ["B"] * 4 + ["C"] * 4
    assert [r["营造维度"] for r in rows[:4]] == ["组织创新", "空间环境建设", "服务供给", "主体性成长"]
    everyone_org = rows[0]
    assert everyone_org["党建引领·有证据的访谈数"] == 2
    quotes = everyone_org["党建引领·编码引述"].split("\n\n")
    # the longer passage comes first (nothing is pinned as a key quote here)
    assert quotes[0].startswith(f"[{short(study, 'O1')}·act_party_structure·0–48] 产业功能区综合党委")
    assert quotes[1] == (
        f"[{short(study, 'S1')}·st_area_party_committee·0–44] "
        "片区综合党委由L街道党工委班子成员任书记，A社区、F社区、H村和M村党组织负责人任委员。"
    )
    assert everyone_org["政府·有证据的访谈数"] == 0 and everyone_org["政府·编码引述"] is None
    b_space = next(r for r in rows if r["社区"] == "B" and r["营造维度"] == "空间环境建设")
    assert b_space["市场/企业·有证据的访谈数"] == 1
    assert "京东方和华为参与社区建设" in b_space["市场/企业·编码引述"]
    b_subject = next(r for r in rows if r["社区"] == "B" and r["营造维度"] == "主体性成长")
    assert b_subject["民众/居民·有证据的访谈数"] == 1
    mobilised = {r["社区"]: r["政府主要动员对象（社区概况）"] for r in rows}
    assert (mobilised["A"], mobilised["B"], mobilised["C"]) == ("市场/企业", "居民", None)


def test_communities_by_factors_show_the_paper_facts_and_evidence(book, study):
    rows = table(book["社区×影响因素（图2）"])
    assert [r["社区"] for r in rows] == ["A", "B", "C"]
    a, b, c = rows
    assert a["社区概况记录"] == f"{short(study, 'PA')}（已完成，更新于 2021-03-02）"
    assert "所在城市及区(市、县)：成都市邛崃市" in a["其他概况（提纲未标注影响因素）"]
    assert a["产业类型·概况"].splitlines() == [
        "主导产业类型：农业/种业",
        "依托的产业园区名称：天府现代种业园",
        "园区规划面积(平方公里)：100",
    ]
    for fact in ("社区面积(平方公里)：2.85", "居民小组数(个)：17", "常住人口(人)：6338", "实际管理人口(人)：10000"):
        assert fact in a["人口特质·概况"].splitlines()
    assert "社区社会关系网络特点：局部熟人社会" in a["自治基础·概况"]
    assert a["产业类型·有证据的访谈数"] == 1
    assert a["产业类型·编码引述"].startswith(f"[{short(study, 'O1')}·fac_industry_type·0–34] 种业园区需要大量土地")
    assert "所属街道/镇(字母代称)：高新西区西园街道" in b["其他概况（提纲未标注影响因素）"]
    for fact in ("社区面积(平方公里)：6", "常住人口(人)：0", "流动人口(人)：70000"):
        assert fact in b["人口特质·概况"].splitlines()
    assert "驻地企业数量(家)：150" in b["产业类型·概况"]
    assert "社区治理主体类型：社区工作站" in b["自治基础·概况"]
    assert "员工公寓院落数(个)：3" in b["环境基础·概况"]
    assert (b["人口特质·有证据的访谈数"], b["自治基础·有证据的访谈数"]) == (1, 1)
    assert c["社区概况记录"] == "尚无社区概况" and c["产业类型·概况"] is None


def test_scenes_and_goals_count_interviews_and_roll_goals_up(book):
    rows = table(book["场景与目标（表2）"])
    assert len(rows) == 7 + 17  # 7 scenes and the 17 goals the paper's table lets us read
    codes = [r["代码"] for r in rows]
    assert codes.index("SCN.SERVICE") < codes.index("SCN.SERVICE.HOUSING") < codes.index("SCN.CULTURE")
    service = row_of(rows, "代码", "SCN.SERVICE")
    # O1 tagged only the goals, K1 the scene itself: both count for the scene
    assert (
        service["全部社区·有证据的访谈数"],
        service["全部社区·编码数"],
        service["A·有证据的访谈数"],
        service["B·有证据的访谈数"],
    ) == (2, 6, 1, 1)  # O1's answer coded with four goals, K1's with the scene, K1's smart-city answer too
    housing = row_of(rows, "代码", "SCN.SERVICE.HOUSING")
    assert (housing["治理场景"], housing["治理目标"], housing["A·编码数"], housing["B·编码数"]) == (
        "服务场景",
        "安居安心居住空间",
        1,
        0,
    )
    innovation = row_of(rows, "代码", "SCN.INNOVATION")
    assert innovation["治理目标"] == "目标无法从原文恢复" and "未作编造" in innovation["说明"]
    assert innovation["全部社区·有证据的访谈数"] == 1
    smart = row_of(rows, "代码", "SCN.SMART")
    assert (smart["全部社区·有证据的访谈数"], smart["B·编码数"], smart["C·有证据的访谈数"]) == (1, 3, 0)


def test_presence_matrix_is_ones_and_zeros(book, study):
    rows = table(book["编码出现矩阵"])
    o1 = row_of(rows, "访谈", short(study, "O1"))
    assert o1["DIM.ORG 组织创新"] == 1 and o1["FAC.POPULATION 人口特质"] == 0
    assert o1["SCN.SERVICE 服务场景"] == 1  # rolled up from its goals
    assert o1["FAC.ENVIRONMENT 环境基础"] == 0  # refused: a marker is not an answer
    k2 = row_of(rows, "访谈", short(study, "K2"))
    assert {v for k, v in k2.items() if " " in str(k)} == {0}
    assert all(isinstance(v, int) for v in list(o1.values())[4:])


def test_codebook_lists_every_code_with_questions_and_counts(book):
    rows = table(book["编码表"])
    assert len(rows) == 73
    org = row_of(rows, "代码", "DIM.ORG")
    assert (org["代码族"], org["中文标签"], org["英文标签"]) == ("营造维度", "组织创新", "Organisational innovation")
    assert org["出处（论文章节）"].startswith("§四(一)1")
    assert "[官员·S5·act_party_structure]" in org["提纲建议此代码的题目"].splitlines()
    assert (org["全部·有证据的访谈数"], org["全部·编码数"]) == (2, 4)  # O1's closing remark is one of them
    assert row_of(rows, "代码", "SCN.GOVERNANCE")["代码状态"] == "目标无法从原文恢复"
    assert row_of(rows, "代码", "SCN.SERVICE.HOUSING")["上级代码"] == "SCN.SERVICE"


def test_every_table_has_a_bold_frozen_header_a_filter_and_widths(book):
    for sheet in book.worksheets:
        header = sheet[1]
        assert all(cell.font.b for cell in header), sheet.title
        assert sheet.freeze_panes and sheet.freeze_panes.endswith("2"), sheet.title
        assert sheet.auto_filter.ref == f"A1:{header[-1].column_letter}{sheet.max_row}", sheet.title
        assert all(sheet.column_dimensions[c.column_letter].width >= 8 for c in header), sheet.title
    answer = next(c for c in book["回答"]["J"] if isinstance(c.value, str) and c.value.startswith("产业功能区综合党委"))
    assert answer.alignment.wrap_text and answer.alignment.vertical == "top"
    assert book["回答"].column_dimensions["J"].width == 70


def test_english_export_titles_labels_and_references(study, tmp_path):
    out = tmp_path / "en.xlsx"
    export_workbook(study.path, out, ExportOptions(lang="en"), tz=CHENGDU)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["About", "Interviews", "Answers"]
    assert "Actors × dimensions (Fig. 1)" in book.sheetnames
    rows = table(book["Answers"])
    party = row_of(rows, "Question name", "act_party_structure")
    assert party["Question reference"] == "[OFF·S5·act_party_structure]"
    assert party["Dimensions of community building"] == "Organisational innovation"
    assert party["Answer"].startswith("产业功能区综合党委")  # the answer itself stays as typed
    assert row_of(rows, "Question name", "act_actors_involved")["Answer"] == "Party organisations; Street office"
    scenes = table(book["Scenes and goals (Table 2)"])
    assert row_of(scenes, "Code", "SCN.GOVERNANCE")["Goal"] == "goals not recoverable from the source"


def test_filters_select_communities_roles_and_statuses(study, tmp_path):
    out = tmp_path / "b.xlsx"
    result = export_workbook(
        study.path,
        out,
        ExportOptions(ExportFilters(communities=("A", "B"), roles=("cadre",), statuses=("completed",))),
        tz=CHENGDU,
    )
    assert (result.interviews, result.profiles) == (1, 0)
    book = openpyxl.load_workbook(out)
    assert [r["访谈"] for r in table(book["访谈"])] == [short(study, "K1")]
    facts = about(book["说明"])
    assert (facts["筛选：社区"], facts["筛选：受访者类型"], facts["筛选：状态"]) == (["A；B"], ["社区干部"], ["已完成"])
    factors = table(book["社区×影响因素（图2）"])
    # the profiles still describe the communities on Fig. 2, whatever the role filter
    assert [r["社区"] for r in factors] == ["A", "B"] and "常住人口(人)：6338" in factors[0]["人口特质·概况"]
