"""Repeat groups: answers per instance under stable keys, expressions inside an instance, repeat_count,
and the way instances travel in packages, merge and settle conflicts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from yingzao.core.errors import StoreError
from yingzao.core.exchange.conflicts import load_conflict, resolve_conflict
from yingzao.core.exchange.content_hash import load_version
from yingzao.core.exchange.merge import merge_packages
from yingzao.core.forms import repeats
from yingzao.core.forms.engine import InterviewSession, question_numbers
from yingzao.core.forms.loader import load_protocol_workbook
from yingzao.core.store.database import Store

from tests.forms import write_xlsform
from tests.laptops import Laptop

ORGS = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | relevant | constraint | calculation | identifying | default |
| | begin_group | orgs_part | 社区组织 | Organisations | | | | | |
| | integer | n_orgs | 有几个组织？ | How many organisations? | | | | | |
| | begin_repeat | orgs | 每个组织 | Each organisation | | | | | |
| | text | org_name | 组织名称 | Name | | | | no | |
| | integer | members | 成员人数 | Members | | . > 0 | | | |
| | text | why_big | 为什么人多？ | Why so many? | ${members} > 10 | | | no | |
| | select_one kind | org_kind | 类型 | Kind | | | | | formal |
| | calculate | here | | | | | position(..) | | |
| | end_repeat | | | | | | | | |
| | calculate | total | | | | | sum(${members}) | | |
| | calculate | listed | | | | | count(${orgs}) | | |
| | text | about_second | 第二个组织？ | The second one? | indexed-repeat(${org_name}, ${orgs}, 2) != '' | | | no | |
| | end_group | | | | | | | | |
| choices |
| | list_name | name | label::中文 (zh) | label::English (en) |
| | kind | formal | 正式 | formal |
| | kind | informal | 非正式 | informal |
| settings |
| | form_id | version | default_language |
| | orgs_form | 1 | 中文 (zh) |
"""

COUNTED = """
| survey |
| | type | name | label | repeat_count | identifying | default |
| | integer | n | How many? | | | |
| | begin repeat | people | Each person | ${n} | | |
| | text | person | Name? | | no | |
| | select_one yn | lives_here | Lives here? | | | yes |
| | end repeat | | | | | |
| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
"""


def _protocol(tmp_path: Path, md: str = ORGS, name: str = "orgs.xlsx"):
    return load_protocol_workbook(write_xlsform(tmp_path / name, md))


@pytest.fixture
def session(tmp_path):
    store = Store(tmp_path / "k.db", user="李娜")
    protocol, workbook = _protocol(tmp_path)
    store.add_protocol(protocol, workbook)
    yield InterviewSession(store, store.start_interview(protocol.sha256))
    store.close()


def stored(store: Store, interview_id: str) -> dict[str, object]:
    return dict(store.conn.execute("SELECT question, value FROM answers WHERE interview_id = ?", (interview_id,)))


def test_the_form_reads_the_repeat_and_numbers_its_questions(tmp_path):
    protocol, _ = _protocol(tmp_path)
    assert protocol.question("orgs").is_repeat and not protocol.question("orgs").holds_value
    assert [q.name for q in protocol.repeated("orgs")] == ["org_name", "members", "why_big", "org_kind", "here"]
    assert "org_name" not in {q.name for q in protocol.answerable}  # asked once per instance, not per interview
    numbers = question_numbers(protocol)
    assert (numbers["orgs"], numbers["org_name"], numbers["members"], numbers["why_big"]) == (
        "1.2",
        "1.2.1",
        "1.2.2",
        "1.2.3",
    )


def test_each_instance_keeps_its_answers_under_its_own_stable_key(session):
    first, second = session.add_instance("orgs"), session.add_instance("orgs")
    assert first != second and repeats.valid_instance(first)
    session.type_value(repeats.key("org_name", first), "居民议事会")
    session.type_value(repeats.key("org_name", second), "业主委员会")
    answers = stored(session.store, session.id)
    assert answers[f"org_name#{first}"] == "居民议事会" and answers[f"org_name#{second}"] == "业主委员会"
    assert answers["orgs"] == f"{first} {second}"  # the repeat's row lists its instances in order
    assert answers[f"org_kind#{first}"] == "formal"  # a new instance takes its questions' defaults
    assert session.keys()[:3] == ["n_orgs", "orgs", f"org_name#{first}"]
    # a fresh session reads the same instances back
    again = InterviewSession(session.store, session.id)
    assert again.instances("orgs") == [first, second]
    assert again.value(f"org_name#{second}") == "业主委员会"


def test_relevance_constraints_and_calculations_read_their_own_instance(session):
    small, big = session.add_instance("orgs"), session.add_instance("orgs")
    session.type_value(f"members#{small}", 5)
    session.type_value(f"members#{big}", 40)
    assert not session.is_relevant(f"why_big#{small}") and session.is_relevant(f"why_big#{big}")
    assert (session.value(f"here#{small}"), session.value(f"here#{big}")) == ("1", "2")
    assert (session.value("total"), session.value("listed")) == ("45", "2")
    session.type_value(f"members#{small}", 0)
    issue = session.issue(f"members#{small}", "en")
    assert issue is not None and issue.kind == "constraint"
    assert session.issue(f"members#{big}", "en") is None
    assert session.check_value(f"members#{big}", -1, "en") is not None
    assert not session.is_relevant("about_second")
    session.type_value(f"org_name#{big}", "志愿者协会")
    assert session.is_relevant("about_second")  # indexed-repeat reads the second instance


def test_moving_renumbers_positions_but_keeps_every_key(session):
    a, b, c = (session.add_instance("orgs") for _ in range(3))
    session.type_value(f"org_name#{c}", "第三个")
    session.move_instance("orgs", c, 0)
    assert session.instances("orgs") == [c, a, b]
    assert session.value(f"org_name#{c}") == "第三个" and session.position(f"org_name#{c}") == 1
    assert session.value(f"here#{c}") == "1" and session.value(f"here#{b}") == "3"


def test_removing_an_instance_clears_its_answers_in_one_step_and_the_audit_keeps_them(session):
    keep, gone = session.add_instance("orgs"), session.add_instance("orgs")
    session.type_value(f"org_name#{gone}", "要删除的组织")
    session.type_value(f"members#{gone}", 12)
    session.set_note(f"org_name#{gone}", "访员备注")
    session.remove_instance("orgs", gone)
    assert session.instances("orgs") == [keep]
    answers = stored(session.store, session.id)
    assert answers["orgs"] == keep and answers.get(f"org_name#{gone}") is None
    assert session.value("total") == "0" and session.value("listed") == "1"
    log = [(e.question, e.field, e.old) for e in session.store.audit_log(session.id)]
    assert (f"org_name#{gone}", "value", "要删除的组织") in log and (f"org_name#{gone}", "note", "访员备注") in log
    asked = session.keys()
    assert f"org_name#{gone}" not in asked


def test_progress_counts_every_instance_answer(session):
    before = session.progress()
    one = session.add_instance("orgs")
    assert session.progress() < before or before == 0  # a new instance brings questions to answer
    for name in ("org_name", "members"):
        session.type_value(f"{name}#{one}", "工会" if name == "org_name" else 3)
    section = session.protocol.sections[0]
    progress = session.section_progress(section)
    assert progress.total == 4 and progress.answered == 3  # n_orgs, name, members, kind (why_big hidden)


def test_repeat_count_makes_the_instances_and_keeps_any_that_hold_answers(tmp_path, english_errors):
    store = Store(tmp_path / "c.db", user="李娜")
    protocol, workbook = _protocol(tmp_path, COUNTED, "counted.xlsx")
    store.add_protocol(protocol, workbook)
    session = InterviewSession(store, store.start_interview(protocol.sha256))
    assert session.instances("people") == [] and session.expected_instances("people") == 0
    session.type_value("n", 3)
    three = session.instances("people")
    assert len(three) == 3 and all(session.value(f"lives_here#{i}") == "yes" for i in three)
    session.type_value(f"person#{three[1]}", "张伟")
    session.type_value("n", 1)
    # the third held only its default: dropped; the second holds a name: kept and reported
    assert session.instances("people") == three[:2]
    issue = session.issue("people", "en")
    assert issue is not None and "2 entries, more than the 1" in issue.message
    assert session.section_progress(protocol.sections[0]).issues == 1
    session.type_value("n", 2)
    assert session.instances("people") == three[:2] and session.issue("people", "en") is None
    session.type_value("n", 10**9)
    assert len(session.instances("people")) == repeats.MAX_INSTANCES  # a typo cannot make 10^9 rows
    store.close()


def test_the_store_refuses_answers_a_repeat_cannot_hold(session, english_errors):
    with pytest.raises(StoreError, match="org_name"):
        session.store.save_answer(session.id, "org_name", "没有实例")  # a repeated question needs its instance
    with pytest.raises(StoreError, match="n_orgs#"):
        session.store.save_answer(session.id, "n_orgs#abcd1234", 3)  # an unrepeated one has none
    with pytest.raises(StoreError):
        session.store.save_answer(session.id, "orgs", "a b a")  # not a list of distinct instance ids


def _laptop_with_form(make_laptop, tmp_path, name: str, user: str) -> tuple[Laptop, InterviewSession]:
    laptop = make_laptop(name, user)
    protocol, workbook = _protocol(tmp_path)
    laptop.store.add_protocol(protocol, workbook)
    return laptop, InterviewSession(laptop.store, laptop.store.start_interview(protocol.sha256, community_id="A"))


def test_instances_travel_in_packages_and_later_edits_update_the_master(make_laptop, master, tmp_path):
    wang, session = _laptop_with_form(make_laptop, tmp_path, "wang", "王芳")
    a, b = session.add_instance("orgs"), session.add_instance("orgs")
    session.type_value(f"org_name#{a}", "居民议事会")
    session.type_value(f"org_name#{b}", "业主委员会")
    merge_packages(master, [wang.pack(tmp_path / "one.yzpack")])
    assert stored(master, session.id) == stored(wang.store, session.id)
    session.move_instance("orgs", b, 0)
    session.remove_instance("orgs", a)
    c = session.add_instance("orgs")
    session.type_value(f"org_name#{c}", "老年协会")
    report = merge_packages(master, [wang.pack(tmp_path / "two.yzpack")])
    assert report.packages[0].updated == 1 and not report.packages[0].conflicts
    master_session = InterviewSession(master, session.id, read_only=True)
    assert master_session.instances("orgs") == [b, c]
    assert [master_session.value(f"org_name#{i}") for i in (b, c)] == ["业主委员会", "老年协会"]


def test_two_laptops_adding_instances_conflict_and_the_researcher_keeps_both(make_laptop, master, tmp_path):
    wang, session = _laptop_with_form(make_laptop, tmp_path, "wang", "王芳")
    shared = session.add_instance("orgs")
    session.type_value(f"org_name#{shared}", "居民议事会")
    copy = wang.copy_to(tmp_path / "copy.db", "李强")  # the database carried to a second laptop
    session = InterviewSession(wang.store, session.id)  # copying closed and reopened Wang's store
    mine = session.add_instance("orgs")
    session.type_value(f"org_name#{mine}", "王芳加的")
    time.sleep(0.002)
    theirs_session = InterviewSession(copy.store, session.id)
    theirs = theirs_session.add_instance("orgs")
    theirs_session.type_value(f"org_name#{theirs}", "李强加的")
    merge_packages(master, [wang.pack(tmp_path / "wang.yzpack"), copy.pack(tmp_path / "copy.yzpack")])
    conflict = load_conflict(master, session.id)
    label = {v.sources[0]["fieldworker"]: v.label for v in conflict.versions}
    assert set(conflict.differing()) >= {"orgs", f"org_name#{mine}", f"org_name#{theirs}"}
    # the researcher takes the list as Wang's laptop has it, and Li's new instance as well
    choice = {"orgs": label["王芳"], f"org_name#{mine}": label["王芳"], f"org_name#{theirs}": label["李强"]}
    resolve_conflict(master, session.id, choice)
    resolved = InterviewSession(master, session.id, read_only=True)
    # Li's instance goes where Li's laptop had it: right after the one both had
    assert resolved.instances("orgs") == [shared, theirs, mine]
    assert [resolved.value(f"org_name#{i}") for i in resolved.instances("orgs")] == [
        "居民议事会",
        "李强加的",
        "王芳加的",
    ]
    record = [e.new for e in master.audit_log(session.id) if e.field == "conflict_resolved"][-1]
    assert '"instances_listed": ["orgs"]' in record
    assert load_version(master.conn, session.id) is not None
    copy.close()


def test_check_form_lists_each_repeat_and_how_its_instances_are_made(tmp_path, capsys):
    from yingzao import main

    write_xlsform(tmp_path / "counted.xlsx", COUNTED)
    assert main.main(["--lang", "en", "check-form", str(tmp_path / "counted.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "questions: 3 (0 required, 0 identifying)" in out
    assert "repeat:    people (2 questions, instances = ${n}): person lives_here" in out


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda ids: ["orgs", f"{ids[0]} {ids[0]}"], "a damaged list of instances for repeat 'orgs'"),
        (lambda ids: ["orgs", " ".join(f"a{i:05d}" for i in range(501))], "a damaged list of instances"),
        (lambda ids: ["orgs", "ÄÖ!"], "a damaged list of instances"),
        (lambda ids: ["org_name", "没有实例"], "answers a question 'org_name' that its protocol"),
    ],
)
def test_a_package_with_a_forged_repeat_is_refused_and_changes_nothing(
    make_laptop, master, tmp_path, english_errors, edit, expected
):
    from tests.core.package_edit import lines_of, members_of, reseal, write_members
    from tests.laptops import canonical_dump

    wang, session = _laptop_with_form(make_laptop, tmp_path, "wang", "王芳")
    ids = [session.add_instance("orgs"), session.add_instance("orgs")]
    members = members_of(wang.pack(tmp_path / "good.yzpack"))
    lines = lines_of(members)
    forged = edit(ids)
    lines[0]["answers"] = [a for a in lines[0]["answers"] if a[0] != forged[0]]
    lines[0]["answers"].append([*forged, None, None, "2026-01-01T00:00:00.000Z", "王芳"])
    before = canonical_dump(master)
    report = merge_packages(master, [write_members(tmp_path / "forged.yzpack", reseal(members, lines=lines))])
    line = report.packages[0]
    assert line.status == "refused" and expected in line.reason, line.reason
    assert canonical_dump(master) == before
