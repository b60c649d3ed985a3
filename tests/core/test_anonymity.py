"""Anonymisation (issue 15): identifiers found in any spacing, the study's own pseudonyms never
touched, the researcher's table applied, the review before release, dates coarsened, the risk
reported, no metadata leaked. Exports are read back with openpyxl, as a researcher reads them."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from yingzao import main
from yingzao.core import errors
from yingzao.core.anonymity import patterns, table
from yingzao.core.anonymity.detect import HIGH, MEDIUM, UNREVIEWED, Lexicon, detect
from yingzao.core.anonymity.review import accept, ignore, review
from yingzao.core.anonymity.scrub import TextAnonymizer, known_terms
from yingzao.core.export.anonymize import InterviewPeople, anonymizer
from yingzao.core.export.workbook import ExportOptions, export_workbook
from yingzao.core.review.decisions import add_comment
from yingzao.core.store.database import Store

from tests.export_study import CHENGDU, about, build_study, row_of, short
from tests.export_study import table as rows_of
from tests.laptops import make_project


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("anonymity") / "王建国的访谈.db")


@pytest.fixture
def copy(study, tmp_path):
    """A copy of the study database this test may change."""
    path = tmp_path / study.path.name
    shutil.copy(study.path, path)
    return path


# -- identifiers with a shape ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("电话 135 1111 2222 打过", patterns.PHONE, "135 1111 2222"),
        ("电话135-1111-2222。", patterns.PHONE, "135-1111-2222"),
        ("手机+86 13511112222", patterns.PHONE, "+86 13511112222"),
        ("手机１３５１１１１２２２２", patterns.PHONE, "１３５１１１１２２２２"),
        ("座机028-8765 4321", patterns.LANDLINE, "028-8765 4321"),
        ("座机(028)87654321", patterns.LANDLINE, "(028)87654321"),
        ("身份证11010519491231002X", patterns.ID_CARD, "11010519491231002X"),
        ("身份证 110105 19491231 002X", patterns.ID_CARD, "110105 19491231 002X"),
        ("邮箱 chen.zm@example.com。", patterns.EMAIL, "chen.zm@example.com"),
        ("微信：chen_zm2020，", patterns.WECHAT, "chen_zm2020"),
        ("加我wxid_abcdef123", patterns.WECHAT, "wxid_abcdef123"),
        ("QQ号 12345678", patterns.QQ, "12345678"),
        ("车牌川A·12345停在门口", patterns.PLATE, "川A·12345"),
        ("住在西园路8号3栋2单元501室", patterns.ADDRESS, "西园路8号3栋2单元501室"),
    ],
)
def test_identifiers_are_found_in_any_spacing(text, kind, found):
    assert [(h.kind, h.text) for h in patterns.find(text)] == [(kind, found)]


def test_an_id_number_with_a_wrong_check_digit_is_not_one():
    assert list(patterns.find("编号110105194912310021")) == []
    assert patterns.id_checksum_ok("11010519491231002X")


def test_ordinary_numbers_are_not_identifiers():
    assert list(patterns.find("2020年有17个居民小组，6338人，面积2.85平方公里，12345热线")) == []


# -- the text of an anonymised export ----------------------------------------------------------


def scrubber(**table_terms: str) -> TextAnonymizer:
    terms = known_terms(
        {"陈志明": "R03", "王芳": "F01"},
        {"西园社区": "B社区"},
        ["华为、京东方", "B社区工作站", "B社区"],
        {"邛崃": "Q市", "西园街道": "X街道", **table_terms},
        removed="〔已删除〕",
    )
    return TextAnonymizer(terms)


def test_the_studys_own_pseudonyms_are_never_redacted():
    anon = scrubber(B社区="某社区")
    text = "A社区和B社区不同，L街道、Q镇也是；R05（西园街道）说B社区工作站很忙。"
    assert anon.scrub(text) == "A社区和B社区不同，L街道、Q镇也是；R05（X街道）说B社区工作站很忙。"


def test_forms_of_address_become_the_persons_code():
    anon = scrubber()
    assert anon.scrub("陈书记说，老陈和小陈都是志明。") == "R03书记说，R03和R03都是R03。"
    assert anon.unreviewed == {}


def test_a_title_after_an_unknown_surname_is_replaced_and_counted():
    anon = scrubber()
    assert (
        anon.scrub("王主任和张经理来了，他担任书记多年，每周工作六天")
        == "F01主任和某经理来了，他担任书记多年，每周工作六天"
    )
    assert anon.unreviewed == {"张经理": 1}


def test_values_of_identifying_answers_and_the_names_they_list_are_removed_and_counted():
    anon = scrubber()
    assert anon.scrub("华为在邛崃，京东方也在") == "〔已删除〕在Q市，〔已删除〕也在"
    assert anon.unreviewed == {"华为": 1, "京东方": 1}


def test_the_researchers_table_wins_and_is_not_unreviewed():
    anon = scrubber(华为="某通信企业")
    assert anon.scrub("华为的员工") == "某通信企业的员工"
    assert anon.unreviewed == {}


def test_dates_in_text_are_coarsened_to_the_month_and_times_dropped():
    anon = scrubber()
    assert anon.scrub("2020年10月12日 14:30开会，2021-04-08再去") == "2020年10月开会，2021-04再去"
    anon.date_precision = "day"
    assert anon.scrub("2020年10月12日") == "2020年10月12日"


def test_an_allowed_term_is_kept_even_inside_a_known_one():
    terms = known_terms({}, {}, ["成都市民政局"], {}, removed="〔已删除〕")
    anon = TextAnonymizer(terms, frozenset({"成都市民政局"}))
    assert anon.scrub("成都市民政局的人") == "成都市民政局的人"


def test_two_known_people_with_one_surname_share_no_code_for_laochen():
    anon = anonymizer(
        [
            InterviewPeople("i1", "2021-01", "甲", "陈志明"),
            InterviewPeople("i2", "2021-02", "甲", "陈红"),
        ],
        {},
        removed="〔已删除〕",
    )
    assert anon.scrub("老陈说陈志明和陈红都来了") == "〔已删除〕说R01和R02都来了"


# -- detection ---------------------------------------------------------------------------------


def test_detect_takes_any_pairs_and_reports_counts_contexts_and_confidence():
    lexicon = Lexicon(known_terms({"陈志明": "R01"}, {}, ["破土咖啡"], {"邛崃": "Q市"}, removed="〔已删除〕"))
    memo = [("备忘录 1", "陈书记带我们去破土咖啡，电话135 1111 2222。"), ("编码 3", "破土咖啡在邛崃，京东方在旁边")]
    found = {d.term: d for d in detect(memo, lexicon)}
    assert found["破土咖啡"].count == 2 and found["破土咖啡"].status == UNREVIEWED and found["破土咖啡"].blocks_export
    assert [where for where, _ in found["破土咖啡"].contexts] == ["备忘录 1", "编码 3"]
    assert found["陈书记"].suggestion == "R01书记" and not found["陈书记"].blocks_export
    assert found["135 1111 2222"].suggestion == "〔电话〕"
    assert found["邛崃"].status == "accepted" and found["邛崃"].suggestion == "Q市"
    assert found["京东方"].confidence == MEDIUM and not found["京东方"].blocks_export  # the segmenter's guess


def test_detect_without_the_segmenter_finds_only_what_is_known_or_has_a_shape():
    found = {d.term for d in detect([("x", "京东方在邛崃，陈经理的QQ 12345678")], Lexicon({}), segmenter=False)}
    assert found == {"陈经理", "12345678"}


def test_review_reads_answers_notes_and_comments_and_decisions_clear_it(study, copy):
    with Store(copy, user="审核员") as store:
        interview = study.ids["K1"]  # completed: a supervisor may comment on it
        make_project(store)  # this database's key becomes a supervisor's
        add_comment(store, interview, None, "请核实张经理的电话 135 1111 2222")
        detections = review(store)
        found = {d.term: d for d in detections}
        assert (
            found["京东方"].confidence == HIGH and found["京东方"].blocks_export
        )  # listed in an identifying profile answer
        assert "13911112222" not in found  # close_referrals is identifying: dropped, not reviewed
        assert any(where.endswith("（评论）") for d in detections for where, _ in d.contexts)
        assert any(where.endswith("（备注）") for d in detections for where, _ in d.contexts)
        for detection in detections:
            if detection.blocks_export:
                accept(store, detection.term, "某企业" if detection.term != "张经理" else "某经理", "organisation")
        ignore(store, "成都", "place")
        assert not found["华为"].blocks_export  # only the segmenter's guess: listed, not blocking
        accept(store, "华为", "某通信企业", "organisation")  # the researcher edits the suggestion
        assert not any(d.blocks_export for d in review(store, segmenter=False))
        assert table.replacements(store.conn)["京东方"] == "某企业" and "成都" in table.allowed(store.conn)
    out = copy.parent / "reviewed.xlsx"
    export_workbook(copy, out, ExportOptions(anonymize=True), tz=CHENGDU)  # no --accept-detected needed now
    answers = rows_of(openpyxl.load_workbook(out)["回答"])
    assert any(r["回答"] == "某企业和某通信企业参与社区建设，企业老总兼任社区党委委员。" for r in answers)


# -- the pseudonym table -----------------------------------------------------------------------


def test_the_table_refuses_an_empty_or_identical_replacement(copy):
    with Store(copy, user="研究者") as store:
        with pytest.raises(errors.StoreError, match="没有替换词") as empty:
            table.set_pseudonym(store, "邛崃", "  ")
        assert empty.value.code == "pseudonym_needs_replacement"
        with pytest.raises(errors.StoreError, match="与原词相同"):
            table.set_pseudonym(store, "邛崃", "邛崃")
        table.set_pseudonym(store, " 邛崃 ", "Q市", "place")
        table.remove(store, "邛崃")
        assert table.replacements(store.conn) == {}
        assert [(p.term, p.decision, p.updated_by) for p in table.all_rows(store.conn)] == [
            ("邛崃", "removed", "研究者")
        ]


# -- the anonymised export ---------------------------------------------------------------------


def test_an_export_with_unreviewed_detections_is_refused_and_writes_nothing(study, tmp_path):
    out = tmp_path / "anon.xlsx"
    with pytest.raises(errors.ExportError) as refused:
        export_workbook(study.path, out, ExportOptions(anonymize=True), tz=CHENGDU)
    assert refused.value.code == "export_unreviewed_detections" and "京东方" in str(refused.value)
    assert "--accept-detected" in str(refused.value.hint)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_command_line_refuses_then_accepts_with_accept_detected(study, tmp_path, capsys):
    out = tmp_path / "anon.xlsx"
    args = ["export", "--db", str(study.path), "--out", str(out), "--anonymize"]
    assert main.main(args) == 1 and not out.exists()
    assert "审核匿名化" in capsys.readouterr().err
    assert main.main([*args, "--accept-detected"]) == 0 and out.exists()
    facts = about(openpyxl.load_workbook(out)["说明"])
    assert any("--accept-detected" in text for text in facts["审核"])


@pytest.fixture(scope="module")
def anonymised(study, tmp_path_factory):
    out = tmp_path_factory.mktemp("anonymised") / "out.xlsx"
    export_workbook(study.path, out, ExportOptions(anonymize=True, accept_detected=True), tz=CHENGDU)
    return openpyxl.load_workbook(out)


def test_dates_are_months_times_are_gone_and_tenure_is_banded(study, anonymised):
    interviews = rows_of(anonymised["访谈"])
    o1 = row_of(interviews, "访谈", short(study, "O1"))
    assert o1["访谈日期"] == "2021-03" and o1["开始时间"] == "2021-03" and o1["最后修改"] == "2021-03"
    answers = [r for r in rows_of(anonymised["回答"]) if r["访谈"] == short(study, "O1")]
    by_question = {r["题目名"]: r["回答"] for r in answers}
    assert by_question["resp_tenure_years"] == "6–10年"
    assert by_question["interview_date"] == "2021-03" and by_question["interview_start_time"] is None
    assert {r["保存时间"] for r in answers} == {"2021-03"}


def test_the_about_sheet_reports_the_smallest_group_and_the_records_in_small_groups(study, anonymised):
    facts = about(anonymised["说明"])
    (risk,) = facts["再识别风险"]
    assert "k = 1" in risk and short(study, "O1") in risk and short(study, "K1") in risk
    assert any("日期只保留到月" in text for text in facts["日期"])


def test_no_file_name_folder_device_or_user_in_cells_or_properties(study, anonymised):
    with Store(study.path, read_only=True) as store:
        device = store.device_id
    secrets = [study.path.stem, study.path.parent.name, device, *study.fieldworkers]
    cells = [str(v) for sheet in anonymised.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
    properties = anonymised.properties
    shown = [properties.creator, properties.lastModifiedBy, properties.title, properties.description, *cells]
    assert [s for s in secrets if any(s in str(value) for value in shown if value)] == []
    assert properties.creator == "Yingzao"


def test_a_bad_date_precision_is_refused(study, tmp_path):
    with pytest.raises(errors.ExportError) as bad:
        export_workbook(study.path, tmp_path / "x.xlsx", ExportOptions(anonymize=True, date_precision="week"))
    assert bad.value.code == "bad_date_precision"


def _accepted(out) -> int:
    (text,) = about(openpyxl.load_workbook(out)["说明"])["审核"]
    return int(text.split("导出：")[1].split(" 处")[0])


def test_a_detection_in_a_long_answer_is_counted_once(study, copy, tmp_path):
    before, after = tmp_path / "before.xlsx", tmp_path / "after.xlsx"
    export_workbook(copy, before, ExportOptions(anonymize=True, accept_detected=True), tz=CHENGDU)
    with Store(copy, user="赵调研") as store:  # S1 is a draft: its answers can still change
        store.save_answer(study.ids["S1"], "st_area_party_committee", "孙经理说" + "院落活动越来越多。" * 2500)
    export_workbook(copy, after, ExportOptions(anonymize=True, accept_detected=True), tz=CHENGDU)
    assert _accepted(after) == _accepted(before) + 1
