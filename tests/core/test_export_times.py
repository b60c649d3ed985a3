"""What the Interviews and Answers sheets say about time and devices: the device's name, time on
questions that never exceeds the interview's duration, and rounded seconds."""

from __future__ import annotations

import openpyxl

from yingzao.core.export.workbook import export_workbook
from yingzao.core.forms.engine import INTERVIEW_TIME
from yingzao.core.store.database import Store

from tests.core.test_export_hostile import one_interview
from tests.export_study import CHENGDU, row_of, table


def test_times_add_up_and_are_rounded_and_the_device_has_its_name(tmp_path):
    db = tmp_path / "field.db"
    interview_id = one_interview(
        db, {"consent": "yes", "act_party_structure": "党建联席会议", "act_market_role": "平台公司"}
    )
    with Store(db) as store:
        store.set_setting("device_label", "研究室笔记本")
        # two sessions (a crash between): the screen was open 7.9 minutes in all; the questions
        # answered took 4.2 minutes of that time
        store.add_question_time(interview_id, INTERVIEW_TIME, 300.0)
        store.add_question_time(interview_id, INTERVIEW_TIME, 174.0)
        store.add_question_time(interview_id, "act_party_structure", 150.0)
        store.add_question_time(interview_id, "act_party_structure", 4.909651828000278)
        store.add_question_time(interview_id, "act_market_role", 97.4)
        store.finalize(interview_id)
    out = tmp_path / "out.xlsx"
    export_workbook(db, out, tz=CHENGDU)
    book = openpyxl.load_workbook(out)
    row = table(book["访谈"])[0]
    assert row["时长（分钟）"] == 7.9
    assert row["答题计时（分钟）"] == 4.2  # the screen's own 7.9 minutes are not added in (12.1 before)
    assert row["答题计时（分钟）"] <= row["时长（分钟）"]
    assert row["设备"] == "研究室笔记本"
    answers = table(book["回答"])
    assert row_of(answers, "题目名", "act_party_structure")["答题用时（秒）"] == 155
    assert row_of(answers, "题目名", "act_market_role")["答题用时（秒）"] == 97


def test_a_device_without_a_known_name_shows_its_id(tmp_path):
    db = tmp_path / "field.db"
    one_interview(db, {"consent": "yes"})
    with Store(db) as store:
        device = store.device_id
    out = tmp_path / "out.xlsx"
    export_workbook(db, out, tz=CHENGDU)
    assert table(openpyxl.load_workbook(out)["访谈"])[0]["设备"] == device


def test_after_a_crash_the_duration_is_never_less_than_the_time_on_questions(tmp_path):
    db = tmp_path / "field.db"
    interview_id = one_interview(db, {"consent": "yes", "act_party_structure": "党建联席会议"})
    with Store(db) as store:
        # the screen's last 30 s were not saved before the crash; the question's time was, on leaving it
        store.add_question_time(interview_id, INTERVIEW_TIME, 60.0)
        store.add_question_time(interview_id, "act_party_structure", 80.0)
        store.finalize(interview_id)
    out = tmp_path / "out.xlsx"
    export_workbook(db, out, tz=CHENGDU)
    row = table(openpyxl.load_workbook(out)["访谈"])[0]
    assert row["答题计时（分钟）"] == 1.3 and row["时长（分钟）"] == 1.3
