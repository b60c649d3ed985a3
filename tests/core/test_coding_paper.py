"""The paper's own reading, from codings: Fig. 1 shows A's government mobilising the market and B's
the residents because a researcher coded what respondents said, and shows nothing when nobody has.

The answers are reconstructed from the paper's §三 case descriptions (marked as such below), not
real interview transcripts."""

from __future__ import annotations

import openpyxl

from yingzao.core.coding import codebook as cb
from yingzao.core.coding import codings
from yingzao.core.coding.codings import Span
from yingzao.core.export.workbook import export_workbook
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store

from tests.export_study import table

# reconstructed from the paper's description of A社区 (§三(二)1) — not a transcript
A_ANSWER = (
    "管委会落地A社区以后，资产资源管理合作社把集体土地统一流转给园区开发公司；"
    "政府引入平台公司和种业企业，由企业承担园区道路、人才住房和农贸市场的建设。"
)
A_PASSAGE = "政府引入平台公司和种业企业，由企业承担园区道路、人才住房和农贸市场的建设"
# reconstructed from the paper's description of B社区 (§三(二)2) — not a transcript
B_ANSWER = (
    "社区工作站从住在各个院落的企业员工中选举楼层长、楼栋长、院落长，建立三长队伍，"
    "动员员工参与院落事务，后来音乐社、互助社这些自组织都由员工自己办起来了。"
)
B_PASSAGE = "动员员工参与院落事务，后来音乐社、互助社这些自组织都由员工自己办起来了"


def _study(path):
    with Store(path, user="研究者") as store:
        library = load_library(store)
        store.add_community("A", "A社区")
        store.add_community("B", "B社区")
        official = library.by_role("official")[0]
        cadre = library.by_role("cadre")[0]
        a = store.start_interview(official.sha256, community_id="A")
        store.save_answer(a, "consent", "yes")
        store.save_answer(a, "act_market_role", A_ANSWER)
        b = store.start_interview(cadre.sha256, community_id="B")
        store.save_answer(b, "consent", "yes")
        store.save_answer(b, "par_autonomy_orgs", B_ANSWER)
        return a, b


def _fig1(path, out):
    export_workbook(path, out)
    rows = table(openpyxl.load_workbook(out)["主体×维度（图1）"])
    return {(r["社区"], r["营造维度"]): r for r in rows}


def test_fig1_follows_the_researchers_codings_not_the_protocol_tags(tmp_path):
    uncoded = tmp_path / "uncoded.db"
    _study(uncoded)
    empty = _fig1(uncoded, tmp_path / "uncoded.xlsx")
    counts = [v for row in empty.values() for k, v in row.items() if k.endswith("有证据的访谈数")]
    assert counts and set(counts) == {0}  # the questions' tags count for nothing

    coded = tmp_path / "coded.db"
    a, b = _study(coded)
    with Store(coded, user="研究者") as store:
        book = cb.research_codebook(store)
        start = A_ANSWER.index(A_PASSAGE)
        span = Span(a, "act_market_role", "answer", start, start + len(A_PASSAGE))
        for code in ("ACT.GOV", "ACT.MARKET", "DIM.SPACE"):
            codings.apply_code(store, book, span, code)
        start = B_ANSWER.index(B_PASSAGE)
        span = Span(b, "par_autonomy_orgs", "answer", start, start + len(B_PASSAGE))
        for code in ("ACT.GOV", "ACT.RESIDENT", "DIM.SUBJECT"):
            codings.apply_code(store, book, span, code)
    fig1 = _fig1(coded, tmp_path / "coded.xlsx")
    a_space, b_subject = fig1["A", "空间环境建设"], fig1["B", "主体性成长"]
    assert a_space["市场/企业·有证据的访谈数"] == 1 and a_space["政府·有证据的访谈数"] == 1
    assert A_PASSAGE in a_space["市场/企业·编码引述"]
    assert b_subject["民众/居民·有证据的访谈数"] == 1 and b_subject["政府·有证据的访谈数"] == 1
    assert B_PASSAGE in b_subject["民众/居民·编码引述"]
    # and not the other way round
    assert fig1["A", "主体性成长"]["民众/居民·有证据的访谈数"] == 0
    assert fig1["B", "空间环境建设"]["市场/企业·有证据的访谈数"] == 0
    # the quote's reference names the interview, the question and the characters
    assert a_space["市场/企业·编码引述"].startswith("[") and "act_market_role·" in a_space["市场/企业·编码引述"]


def test_codings_memos_and_the_code_matrix_are_exported_and_suggestions_count_only_on_request(tmp_path):
    from yingzao.core.coding import memos
    from yingzao.core.export.workbook import ExportOptions

    from tests.export_study import about

    db = tmp_path / "study.db"
    a, _b = _study(db)
    with Store(db, user="研究者") as store:
        book = cb.research_codebook(store)
        start = A_ANSWER.index(A_PASSAGE)
        made = codings.apply_code(
            store, book, Span(a, "act_market_role", "answer", start, start + len(A_PASSAGE)), "ACT.MARKET"
        )
        codings.set_memo(store, made.id, "政府动员市场的直接证据")
        codings.pin(store, made.id, for_community="A")
        memos.add_memo(store, book, "community", "B", "B社区的重点是员工自治")
    out = tmp_path / "plain.xlsx"
    export_workbook(db, out)
    workbook = openpyxl.load_workbook(out)
    rows = table(workbook["编码"])
    assert len(rows) == 1
    row = rows[0]
    assert (row["代码"], row["编码者"], row["引述原文"], row["备忘"], row["关键引述"]) == (
        "ACT.MARKET",
        "研究者",
        A_PASSAGE,
        "政府动员市场的直接证据",
        "A",
    )
    assert row["来源"] == "研究者编码" and (row["起"], row["止"]) == (start, start + len(A_PASSAGE))
    assert [m["备忘"] for m in table(workbook["备忘录"])] == ["B社区的重点是员工自治"]
    matrix = {r["代码"]: r for r in table(workbook["编码矩阵-社区"])}
    assert matrix["ACT.MARKET"]["A·有证据的访谈数"] == 1 and matrix["ACT.MARKET"]["B·有证据的访谈数"] == 0
    facts = about(workbook["说明"])
    assert facts["提纲建议的代码"][0].startswith("未计入")
    # --count-suggestions: the protocol's tags count as whole-answer evidence, and About says so
    out2 = tmp_path / "suggested.xlsx"
    export_workbook(db, out2, ExportOptions(count_suggestions=True))
    workbook = openpyxl.load_workbook(out2)
    origins = {r["来源"] for r in table(workbook["编码"])}
    assert origins == {"研究者编码", "提纲建议（未审阅）"}
    assert about(workbook["说明"])["提纲建议的代码"][0].startswith("已计入")


def test_the_codebook_command_writes_the_databases_codebook(tmp_path, capsys):
    from yingzao import main
    from yingzao.core.forms.codebook import load_codebook

    db = tmp_path / "study.db"
    _study(db)
    with Store(db, user="研究者") as store:
        cb.add_code(
            store, cb.research_codebook(store), family="emergent", label_zh="三长制度", code_id="EMG.THREECHIEFS"
        )
    assert main.main(["codebook", "--db", str(db), "--out", str(tmp_path / "cb.csv")]) == 0
    written = load_codebook(tmp_path / "cb.csv")
    assert written.get("EMG.THREECHIEFS").label_zh == "三长制度"
    assert "cb.csv" in capsys.readouterr().out


def test_memos_and_quotes_are_searched_for_identifiers(tmp_path):
    from yingzao.core.anonymity.review import store_texts
    from yingzao.core.coding import memos

    db = tmp_path / "study.db"
    a, _b = _study(db)
    with Store(db, user="研究者") as store:
        book = cb.research_codebook(store)
        made = codings.apply_code(store, book, Span(a, "act_market_role", "answer", 0, 5), "ACT.MARKET")
        codings.set_memo(store, made.id, "陈书记说的，电话13911112222")
        memos.add_memo(store, book, "community", "A", "联系人王主任")
        texts = [text for _where, text in store_texts(store)]
    assert "陈书记说的，电话13911112222" in texts and "联系人王主任" in texts and A_ANSWER[:5] in texts
