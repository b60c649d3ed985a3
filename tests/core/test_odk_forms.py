"""Forms written for ODK and Kobo: what is tolerated with a warning, what is expanded as pyxform does
(or_other, metadata rows, choice_filter, choices from a CSV), and what is refused with the feature named."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingzao import main
from yingzao.core.errors import FormError
from yingzao.core.forms.choice_files import MEMBER_PREFIX
from yingzao.core.forms.engine import InterviewSession
from yingzao.core.forms.loader import load_protocol, load_protocol_bytes, load_protocol_workbook
from yingzao.core.forms.protocol import Protocol
from yingzao.core.store.database import Store

from tests.forms import write_xlsform

pytestmark = pytest.mark.usefixtures("english_errors")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xlsforms"

KOBO = """
| survey |
| | type | name | label | required | required_message | choice_filter | relevant | media::image | parameters |
| | start | start | | | | | | | |
| | end | end | | | | | | | |
| | today | today | | | | | | | |
| | deviceid | deviceid | | | | | | | |
| | username | username | | | | | | | |
| | audit | audit | | | | | | | |
| | select_one district | district | Which district? | yes | Please pick the district | | | map.png | randomize=true |
| | select_one street | street | Which street? | | | district = ${district} | | | |
| | select_multiple org or_other | orgs | Which organisations take part? | | | | | | |
| | text | who | Who? | | | | | | rows=4 |
| choices |
| | list_name | name | label | district | image |
| | district | d1 | East | | |
| | district | d2 | West | | |
| | street | s1 | East One | d1 | |
| | street | s2 | East Two | d1 | |
| | street | s3 | West One | d2 | |
| | org | committee | Residents' committee | | c.png |
| | org | owners | Owners' committee | | |
| settings |
| | form_id | version | public_key | submission_url | xml_root | allow_choice_duplicates |
| | kobo_form | 3 | MIIBIjANBg | https://kc.example.org/submission | data | yes |
| changelog |
| | date | what |
| | 2024-01-01 | first version |
"""


def kobo(tmp_path: Path, md: str = KOBO) -> Path:
    return write_xlsform(tmp_path / "kobo.xlsx", md)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FormError) as caught:
        load_protocol(path)
    return [str(p) for p in caught.value.problems]


# --- 1. tolerated with a warning ----------------------------------------------------------------


def test_what_odk_ignores_loads_with_a_warning_at_its_place(tmp_path):
    path = kobo(tmp_path)
    warnings: list = []
    protocol = load_protocol(path, warnings=warnings)
    found = [str(w) for w in warnings]
    expected = [
        f"{path}:survey:1: [media::image] column 'media::image' is not used (Yingzao shows no pictures",
        f"{path}:choices:1: [image] column 'image' is not used (Yingzao shows no pictures",
        f"{path}:settings:2: [public_key] setting 'public_key' is not used (Yingzao encrypts its packages",
        f"{path}:settings:2: [submission_url] setting 'submission_url' is not used",
        f"{path}:settings:2: [xml_root] setting 'xml_root' is not used",
        f"{path}:settings:2: [allow_choice_duplicates] setting 'allow_choice_duplicates' is not used",
        f"{path}:changelog:: sheet 'changelog' is not used (it is the form's change log)",
        f"{path}:survey:8: [parameters] parameter 'randomize' is not used (Yingzao shows choices in the form's order)",
        f"{path}:survey:7: [type] metadata 'audit': Yingzao keeps its own paradata",
    ]
    for line in expected:
        assert any(f.startswith(line) for f in found), (line, found)
    assert any(f.startswith(f"{path}:survey:11: [identifying] text question 'who' does not say") for f in found)
    assert len(found) == len(expected) + 1  # the honoured ones (rows=4, the district column) are not warned about
    assert [str(w) for w in protocol.warnings] == found  # kept with the protocol for the app to show
    assert [w.read("en") for w in Protocol.from_dict(protocol.to_dict()).warnings] == [
        w.read("en").replace(str(path), "kobo.xlsx") for w in protocol.warnings
    ]


def test_check_form_lists_warnings_and_fails_on_them_only_when_strict(tmp_path, capsys):
    path = kobo(tmp_path)
    assert main.main(["--lang", "en", "check-form", str(path)]) == 0
    out = capsys.readouterr().out
    assert "kobo.xlsx: OK" in out
    assert f"  warning: {path}:settings:2: [public_key] setting 'public_key' is not used" in out
    assert main.main(["--lang", "en", "check-form", "--strict", str(path)]) == 2
    assert f"{path}:changelog:: sheet 'changelog' is not used" in capsys.readouterr().out
    clean = FIXTURES / "yes_or_no_question.xlsx"
    assert main.main(["check-form", "--strict", str(clean)]) == 0


def test_a_column_that_would_change_what_is_recorded_is_refused_where_it_is_filled(tmp_path):
    md = KOBO.replace("| parameters |", "| parameters | read_only |", 1)
    assert load_protocol(kobo(tmp_path, md)).has_question("who")  # the column alone harms nothing
    md = md.replace("| rows=4 |", "| rows=4 | yes |")
    assert problems_of(kobo(tmp_path, md)) == [
        f"{tmp_path / 'kobo.xlsx'}:survey:11: [read_only] column 'read_only' is not supported: "
        "a read-only question could be changed by the fieldworker in Yingzao."
    ]


@pytest.mark.parametrize(
    "row",
    ["| | begin repeat | orgs_repeat | Each organisation |", "| | begin_repeat | orgs_repeat | Each organisation |"],
)
def test_a_repeat_loads_with_its_questions_asked_once_per_instance(tmp_path, row):
    md = KOBO.replace("| | text | who |", row + "\n| | text | org_name | Name? |\n| | end repeat | |\n| | text | who |")
    protocol = load_protocol(kobo(tmp_path, md))
    assert protocol.question("orgs_repeat").is_repeat
    assert [q.name for q in protocol.repeated("orgs_repeat")] == ["org_name"]
    assert protocol.has_question("org_name#k3f9a2b") and not protocol.has_question("org_name")
    assert not protocol.has_question("who#k3f9a2b")  # only a repeated question has instances
    assert Protocol.from_dict(protocol.to_dict()) == protocol


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "| | begin repeat | outer | Outer | |\n| | begin repeat | inner | Inner | |\n| | text | x | X | |\n"
            "| | end repeat | | | |\n| | end repeat | | | |",
            ":survey:12: [type] repeat 'inner' is inside repeat 'outer': Yingzao does not support a repeat within",
        ),
        (
            "| | begin repeat | empty | Nothing | |\n| | end repeat | | | |",
            ":survey:11: [type] repeat 'empty' holds no questions",
        ),
        ("| | text | t | T | | | | | | | 3 |", ":survey:11: [repeat_count] repeat_count belongs on a begin_repeat row"),
        (
            "| | begin repeat | r | R | |\n| | text | x | X | |\n| | end group | | | |",
            ":survey:13: [type] end_group does not close the kind of group 'r' is",
        ),
    ],
)
def test_a_repeat_the_form_cannot_mean_is_refused_at_its_row(tmp_path, rows, expected):
    md = KOBO.replace("| parameters |", "| parameters | repeat_count |", 1).replace("| rows=4 |", "| rows=4 | |")
    md = md.replace("| | text | who |", rows + "\n| | text | who |")
    found = problems_of(kobo(tmp_path, md))
    assert any(f.startswith(f"{tmp_path / 'kobo.xlsx'}{expected}") for f in found), found


# --- 2. metadata rows ---------------------------------------------------------------------------


def _session(tmp_path: Path, md: str = KOBO, today: dt.date | None = None) -> InterviewSession:
    store = Store(tmp_path / "k.db", user="李娜")
    protocol, workbook = load_protocol_workbook(kobo(tmp_path, md))
    store.add_protocol(protocol, workbook)
    return InterviewSession(store, store.start_interview(protocol.sha256), today=today)


def test_metadata_rows_are_recorded_never_asked(tmp_path):
    session = _session(tmp_path)
    protocol = session.protocol
    assert not protocol.has_question("audit")
    assert [q.name for q in protocol.answerable][:2] == ["district", "street"]
    assert all(protocol.question(n).metadata == n for n in ("start", "end", "today", "deviceid", "username"))
    session.apply_defaults()  # what a new interview gets when it is opened
    interview = session.interview
    assert session.value("start") == interview.started_at
    assert session.value("deviceid") == session.store.device_id
    assert session.value("username") == "李娜" == interview.fieldworker
    assert session.value("today") == dt.datetime.fromisoformat(interview.started_at).astimezone().date().isoformat()
    assert session.value("end") is None
    assert session.progress() == 0 and session.issues()[0].question == "district"
    session.set_value("district", "d1")
    session.finalize()
    ended = session.store.interview(session.id).ended_at
    assert session.value("end") <= ended and session.value("end")[:19] == ended[:19]  # as it is finalised
    answers = session.store.answers(session.id)
    assert {"start", "end", "today", "deviceid", "username"} <= set(answers)  # stored, so exported, as answers
    session.store.close()


def test_required_message_replaces_the_generic_one(tmp_path):
    session = _session(tmp_path)
    assert session.issue("district", "en").message == "Please pick the district"
    session.store.close()


# --- 3. or_other ----------------------------------------------------------------------------------


def test_or_other_adds_the_choice_and_a_follow_up_asked_when_it_is_picked(tmp_path):
    session = _session(tmp_path)
    protocol = session.protocol
    assert [c.name for c in protocol.choices["org"]] == ["committee", "owners", "other"]
    follow_up = protocol.question("orgs_other")
    assert (follow_up.type, follow_up.labels, follow_up.section) == ("text", {"default": "Specify other."}, "_row8")
    assert [q.name for q in protocol.questions].index("orgs_other") == [q.name for q in protocol.questions].index(
        "orgs"
    ) + 1
    assert not session.is_relevant("orgs_other")
    session.set_value("orgs", ["committee", "other"])
    assert session.is_relevant("orgs_other")
    session.set_value("orgs_other", "业主自治小组")
    assert session.store.answer(session.id, "orgs_other").value == "业主自治小组"
    session.set_value("orgs", ["committee"])
    assert not session.is_relevant("orgs_other")
    session.store.close()


def test_the_specify_other_example_form_gets_the_other_choice():
    protocol = load_protocol(FIXTURES / "specify_other.xlsx")
    assert [c.name for c in protocol.choices["sexes"]] == ["male", "female", "other"]
    assert protocol.question("sex_other").relevant == ("selected(${sex}, 'other')",)


# --- 5. choice_filter and choices from a file ---------------------------------------------------


def test_choice_filter_offers_the_choices_of_the_answer_before(tmp_path):
    session = _session(tmp_path)
    assert [c.name for c in session.choices("street")] == []
    session.set_value("district", "d1")
    assert [c.name for c in session.choices("street")] == ["s1", "s2"]
    session.set_value("district", "d2")
    assert [c.name for c in session.choices("street")] == ["s3"]
    assert [c.name for c in session.choices("district")] == ["d1", "d2"]  # no filter: the whole list
    session.set_value("street", "s3")
    assert session.issue("street", "en") is None
    session.set_value("district", "d1")  # the street chosen is no longer offered: kept, and shown as an issue
    assert session.value("street") == "s3"
    assert session.issue("street", "en").message.startswith("The chosen answer is not among the choices offered")
    session.store.close()


def test_a_choice_filter_naming_an_unknown_question_is_an_error(tmp_path):
    md = KOBO.replace("district = ${district}", "district = ${distrikt}")
    found = problems_of(kobo(tmp_path, md))
    assert any("[choice_filter] choice_filter 'district = ${distrikt}' refers to ${distrikt}" in f for f in found)


FROM_FILE = """
| survey |
| | type | name | label | choice_filter |
| | select_one_from_file communities.csv | community | Which community? | |
| | select_multiple_from_file communities.csv | also | Which others? | district = 'east' |
"""


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> None:
    (tmp_path / "communities.csv").write_bytes(text.encode(encoding))


def test_choices_from_a_csv_are_copied_into_the_protocol_version(tmp_path):
    _csv(
        tmp_path,
        "name,label::中文 (zh),label::English (en),district\nc1,东风社区,Dongfeng,east\nc2,红旗社区,Hongqi,west\n",
    )
    path = write_xlsform(tmp_path / "f.xlsx", FROM_FILE)
    protocol, workbook = load_protocol_workbook(path)
    listed = protocol.choices["communities.csv"]
    assert [(c.name, c.labels, c.filters) for c in listed] == [
        ("c1", {"zh": "东风社区", "en": "Dongfeng"}, {"district": "east"}),
        ("c2", {"zh": "红旗社区", "en": "Hongqi"}, {"district": "west"}),
    ]
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert archive.read(MEMBER_PREFIX + "communities.csv") == (tmp_path / "communities.csv").read_bytes()
    assert openpyxl.load_workbook(io.BytesIO(workbook))["survey"]["A2"].value.startswith("select_one_from_file")
    # the master reads the version from its bytes alone: no CSV beside it
    (tmp_path / "communities.csv").unlink()
    again = load_protocol_bytes(workbook, "f.xlsx")
    assert again.sha256 == protocol.sha256 and again.to_dict() == protocol.to_dict()
    # a changed CSV is a new version
    _csv(tmp_path, "name,label,district\nc1,东风,east\n")
    assert load_protocol(path).sha256 != protocol.sha256


def test_choices_from_a_file_can_be_filtered_and_chosen(tmp_path):
    _csv(tmp_path, "name,label,district\nc1,东风社区,east\nc2,红旗社区,west\nc3,朝阳社区,east\n", "gb18030")
    store = Store(tmp_path / "f.db", user="李娜")
    protocol, workbook = load_protocol_workbook(write_xlsform(tmp_path / "f.xlsx", FROM_FILE))
    store.add_protocol(protocol, workbook)
    assert store.protocol_workbook(protocol.sha256) == workbook
    session = InterviewSession(store, store.start_interview(protocol.sha256))
    assert [c.name for c in session.choices("also")] == ["c1", "c3"]
    session.set_value("community", "c2")
    assert session.value("community") == "c2"
    assert protocol.choice_label("communities.csv", "c2", "zh") == "红旗社区"
    store.close()


def test_parameters_rename_the_csv_columns(tmp_path):
    _csv(tmp_path, "id,title\nc1,东风社区\n")
    md = FROM_FILE.replace("| choice_filter |", "| choice_filter | parameters |").replace(
        "| Which community? | |", "| Which community? | | value=id label=title |"
    )
    md = md.replace("| select_multiple_from_file communities.csv | also | Which others? | district = 'east' |\n", "")
    protocol = load_protocol(write_xlsform(tmp_path / "f.xlsx", md))
    assert [(c.name, c.labels) for c in protocol.choices["communities.csv"]] == [("c1", {"default": "东风社区"})]


def test_a_missing_csv_names_the_file_and_the_folder(tmp_path):
    found = problems_of(write_xlsform(tmp_path / "f.xlsx", FROM_FILE))
    assert found == [
        f"{tmp_path / 'f.xlsx'}:survey:2: [type] the choices file 'communities.csv' is not there; "
        f"put it beside the workbook ({tmp_path}) and load the form again."
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "label\n东风\n",
            "communities.csv:1: choices file 'communities.csv': row 1: there is no 'name' column (the choice values)",
        ),
        (
            "name,label\nc1,东风\nc1,红旗\n",
            "communities.csv:3: choices file 'communities.csv': row 3: value 'c1' already appears on row 2",
        ),
        ("name,label\n,东风\n", "communities.csv:2: choices file 'communities.csv': row 2: the 'name' cell is empty"),
        ("name,label\nc1,\n", "communities.csv:2: choices file 'communities.csv': row 2: choice 'c1' has no label"),
    ],
)
def test_a_malformed_csv_names_its_row_and_what_to_do(tmp_path, content, expected):
    _csv(tmp_path, content)
    found = problems_of(write_xlsform(tmp_path / "f.xlsx", FROM_FILE))
    assert found[0] == f"{tmp_path / 'f.xlsx'}:{expected}; fix the CSV file (in Excel) and load the form again."


# --- 6. expressions in forms --------------------------------------------------------------------


def test_odk_functions_work_in_a_form(tmp_path):
    md = """
| survey |
| | type | name | label | constraint | calculation |
| | select_one district | district | District? | | |
| | text | phone | Phone? | regex(., '^1[3-9][0-9]{9}$') | |
| | calculate | place | | | concat('区：', jr:choice-name(${district}, '${district}')) |
| | calculate | first_seen | | | once(format-date(today(), '%Y年%n月')) |
| choices |
| | list_name | name | label |
| | district | d1 | 东城区 |
"""
    store = Store(tmp_path / "x.db", user="李娜")
    protocol = load_protocol(write_xlsform(tmp_path / "x.xlsx", md))
    store.add_protocol(protocol)
    session = InterviewSession(store, store.start_interview(protocol.sha256), today=dt.date(2024, 3, 5))
    session.set_value("district", "d1")
    assert session.value("place") == "区：东城区"
    assert session.value("first_seen") == "2024年3月"
    assert session.check_value("phone", "12345") is not None and session.check_value("phone", "13800138000") is None
    store.close()


def test_the_six_odk_example_forms_load_or_name_the_one_feature_they_need(tmp_path):
    verdicts = {}
    for path in sorted(FIXTURES.glob("*.xlsx")):
        shutil.copy(path, tmp_path / path.name)
        try:
            load_protocol(tmp_path / path.name)
            verdicts[path.name] = "loads"
        except FormError as error:
            verdicts[path.name] = " ".join(p.read("en") for p in error.problems)
    assert len(verdicts) == 6
    refused = {name: why for name, why in verdicts.items() if why != "loads"}
    assert list(refused) == ["case_insensitivity.xlsx"]
    assert "OpenStreetMap (osm) questions" in refused["case_insensitivity.xlsx"]


def test_the_library_keeps_warnings_and_the_copied_csv_across_start_ups(tmp_path):
    from yingzao.core.forms.library import load_library

    _csv(tmp_path, "name,label,district\nc1,东风社区,east\n")
    md = FROM_FILE.replace("| choice_filter |", "| choice_filter | media::image |")
    path = write_xlsform(tmp_path / "f.xlsx", md)
    store = Store(tmp_path / "lib.db", user="李娜")
    first = load_library(store, [path])
    assert first.problems == [] and [w.read("en") for w in first.warnings] == [
        f"{path}:survey:1: [media::image] column 'media::image' is not used (Yingzao shows no pictures, audio or "
        "video); Yingzao ignores it."
    ]
    sha = first.protocols[0].sha256
    with zipfile.ZipFile(io.BytesIO(store.protocol_workbook(sha))) as archive:
        assert MEMBER_PREFIX + "communities.csv" in archive.namelist()
    store.close()
    (tmp_path / "communities.csv").unlink()  # read back from the database, not parsed again
    store = Store(tmp_path / "lib.db", user="李娜")
    again = load_library(store, [path])
    assert [p.sha256 for p in again.protocols] == [sha]
    assert [w.read("en") for w in again.warnings] == [w.read("en").replace(str(path), "f.xlsx") for w in first.warnings]
    store.close()


def test_a_package_carries_the_copied_csv_so_the_master_needs_no_file(tmp_path):
    from yingzao.core.exchange.merge import merge_packages
    from yingzao.core.exchange.package import pack_session

    field = tmp_path / "field"
    field.mkdir()
    (field / "communities.csv").write_text(
        "name,label,district\nc1,东风社区,east\nc2,红旗社区,west\n", encoding="utf-8"
    )
    protocol, workbook = load_protocol_workbook(write_xlsform(field / "f.xlsx", FROM_FILE))
    laptop = Store(field / "laptop.db", user="李娜")
    laptop.add_protocol(protocol, workbook)
    session = InterviewSession(laptop, laptop.start_interview(protocol.sha256))
    session.set_value("community", "c2")
    session.finalize()
    pack_session(laptop, tmp_path / "li.yzpack")
    laptop.close()
    master = Store(tmp_path / "master.db", user="研究者")  # its folder holds no CSV
    report = merge_packages(master, [tmp_path / "li.yzpack"])
    assert not report.any_refused and len(report.packages) == 1
    assert master.protocol(protocol.sha256).choices["communities.csv"] == protocol.choices["communities.csv"]
    assert master.answer(session.id, "community").value == "c2"
    master.close()


def test_metadata_and_the_or_other_follow_up_are_exported_like_answers(tmp_path):
    from yingzao.core.export.workbook import ExportOptions, export_workbook

    session = _session(tmp_path)
    session.apply_defaults()
    session.set_value("district", "d1")
    session.set_value("orgs", ["other"])
    session.set_value("orgs_other", "业主自治小组")
    session.finalize()
    session.store.close()
    export_workbook(tmp_path / "k.db", tmp_path / "wide.xlsx", ExportOptions(layout="wide"))
    rows = list(openpyxl.load_workbook(tmp_path / "wide.xlsx")["kobo_form"].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["username"] == "李娜" and row["start"] and row["end"] >= row["start"] and row["deviceid"]
    assert row["Which organisations take part?: Other"] == 1 and row["Specify other."] == "业主自治小组"


def test_an_old_xls_workbook_cannot_carry_a_choices_file():
    from yingzao.core.forms.choice_files import bundle

    assert bundle(b"\xd0\xcf\x11\xe0 an old .xls", {"communities.csv": b"name,label\n"}) is None


def test_every_form_warning_and_refusal_has_a_code_and_both_languages():
    import inspect
    import re

    from yingzao.core import errors
    from yingzao.core.errors import CodedProblem, Text

    samples = {"file": "f.xlsx", "sheet": "survey", "row": 3, "column": "x", "setting": "x", "parameter": "x"}
    samples |= {"kind": "audit", "raw": "osm c1", "csv": "c.csv", "folder": "/data", "why": Text("原因", "why")}
    samples |= {"feature": Text("功能", "feature"), "name": "orgs", "outer": "people", "end": "end_repeat"}
    samples |= {"opened": "g"}
    made = {
        name: function(**{p: samples[p] for p in inspect.signature(function).parameters})
        for name, function in errors.every().items()
        if name.startswith("form_") and inspect.isfunction(function)
    }
    assert len(made) == 13
    for name, problem in made.items():
        assert isinstance(problem, CodedProblem) and problem.code.startswith("form_"), name
        assert re.search(r"[\u4e00-\u9fff]", problem.read("zh")) and not re.search(
            r"[\u4e00-\u9fff]", problem.read("en")
        )
        assert problem.read("en").startswith("f.xlsx:")
    assert len({p.code for p in made.values()}) == len(made)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.lists(
            st.lists(
                st.sampled_from(["name", "label", "label::中文 (zh)", "", "c1", "东风", '"', "\x00", "a,b"]), max_size=5
            ),
            max_size=6,
        ).map(lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8")),
    )
)
def test_any_csv_gives_choices_or_problems_with_rows_never_an_exception(data):
    from yingzao.core.forms.choice_files import read_choices

    read = read_choices(data, "zh")
    assert read.choices or read.problems
    assert all(row is None or row >= 1 for row, _ in read.problems)
    assert len({c.name for c in read.choices}) == len(read.choices)
