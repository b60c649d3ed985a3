"""The XLSForm subset: what loads, and the message a form author gets for everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from yingzao.core.errors import FormError
from yingzao.core.forms.codebook import table1_axes
from yingzao.core.forms.loader import load_protocol

from tests.forms import write_xlsform

# these tests read the problems as a form author using the English interface does
pytestmark = pytest.mark.usefixtures("english_errors")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xlsforms"

GOOD = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | hint::中文 (zh) | probe::中文 (zh) | probe::English (en) | required | relevant | constraint | constraint_message::中文 (zh) | codes | identifying | appearance | calculation | default |
| | select_one yes_no | consent | 同意吗？ | Consent? | | | | yes | | | | | | | | |
| | begin_group | basics | 基本信息 | Basics | | | | | ${consent} = 'yes' | | | | | | | |
| | text | name | 姓名 | Name | 全名 | | | | | | | | yes | | | |
| | integer | tenure | 任职年限 | Years in post | | | | | | . >= 0 and . <= 60 | 请输入0到60 | | | | | |
| | date | day | 日期 | Date | | | | | | . <= today() | | | | | | |
| | end_group | | | | | | | | | | | | | | | |
| | begin_group | org | 组织 | Organisation | | | | | ${consent} = 'yes' | | | | | | | |
| | text | party | 党建如何引领？ | How does the Party lead? | | 追问一\\n追问二 | Probe one | | | | | DIM.ORG ACT.PARTY | | multiline | | |
| | select_multiple actors | actors | 参与方 | Actors | | | | | | | | ACT.GOV | | | | |
| | text | actors_other | 其他 | Other | | | | | selected(${actors}, 'other') | | | | | | | |
| | calculate | n_actors | | | | | | | | | | | | | count-selected(${actors}) | |
| | decimal | area | 面积 | Area | | | | | | . > 0 | | | | | | 2.85 |
| | time | start | 开始时间 | Start time | | | | | | | | | | | | |
| | note | thanks | 谢谢 | Thanks | | | | | | | | | | | | |
| | end_group | | | | | | | | | | | | | | | |
| choices |
| | list_name | name | label::中文 (zh) | label::English (en) |
| | yes_no | yes | 是 | Yes |
| | yes_no | no | 否 | No |
| | actors | gov | 政府 | Government |
| | actors | other | 其他 | Other |
| settings |
| | form_id | form_title | form_title::English (en) | version | default_language | respondent_role |
| | t_form | 测试 | Test | 1 | 中文 (zh) | profile |
"""


def form(tmp_path: Path, md: str, name: str = "form.xlsx") -> Path:
    return write_xlsform(tmp_path / name, md)


def problems_of(path: Path, codebook=None) -> list[str]:
    with pytest.raises(FormError) as caught:
        load_protocol(path, codebook)
    return [str(p) for p in caught.value.problems]


def test_a_form_inside_the_subset_loads_with_everything_it_says(tmp_path, codebook):
    protocol = load_protocol(form(tmp_path, GOOD), codebook)
    assert (protocol.form_id, protocol.version, protocol.role) == ("t_form", "1", "profile")
    assert protocol.titles == {"zh": "测试", "en": "Test"}
    assert protocol.languages == ("zh", "en") and protocol.default_language == "zh"
    assert [s.name for s in protocol.sections] == ["_row2", "basics", "org"]
    party = protocol.question("party")
    assert party.labels == {"zh": "党建如何引领？", "en": "How does the Party lead?"}
    assert party.probes["en"] == "Probe one"
    assert party.codes == ("DIM.ORG", "ACT.PARTY")
    assert party.appearance == "multiline" and party.section == "org"
    assert party.relevant == ("${consent} = 'yes'",)
    assert protocol.question("actors_other").relevant == ("${consent} = 'yes'", "selected(${actors}, 'other')")
    assert protocol.question("name").identifying and protocol.question("consent").required
    assert protocol.question("tenure").constraint_message == {"zh": "请输入0到60"}
    assert protocol.question("n_actors").calculation == "count-selected(${actors})"
    assert protocol.question("area").default == "2.85"
    assert protocol.question("party").row == 9
    assert [c.name for c in protocol.choices["actors"]] == ["gov", "other"]
    assert protocol.choice_label("actors", "gov", "en") == "Government"
    assert len(protocol.sha256) == 64


def test_a_protocol_survives_its_json_round_trip(tmp_path, codebook):
    from yingzao.core.forms.protocol import Protocol

    protocol = load_protocol(form(tmp_path, GOOD), codebook)
    assert Protocol.from_dict(protocol.to_dict()) == protocol


def _with(md: str, old: str, new: str) -> str:
    assert old in md
    return md.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "| | text | name | 姓名 |",
            "| | geopoint | name | 姓名 |",
            "form.xlsx:survey:4: [type] type 'geopoint' is not supported",
        ),
        (
            "| | text | name | 姓名 |",
            "| | begin_repeat | name | 姓名 |",
            "form.xlsx:survey:7: [type] end_group does not close the kind of group 'name' is",
        ),
        (
            "| | text | name | 姓名 |",
            "| | background-audio | name | 姓名 |",
            "form.xlsx:survey:4: [type] type 'background-audio' is not supported: Yingzao records no background audio.",
        ),
        (
            "| | select_multiple actors | actors |",
            "| | select_multiple people | actors |",
            "form.xlsx:survey:10: [type] type 'select_multiple people' uses choice list 'people', which is not on the choices sheet.",
        ),
        (
            "| | select_multiple actors | actors |",
            "| | select_multiple actors or_other | actors |",
            "form.xlsx:survey:11: [name] name 'actors_other' is already used on row 10",
        ),
        ("| | text | party |", "| | text | name |", "form.xlsx:survey:9: [name] name 'name' is already used on row 4"),
        ("| | text | party |", "| | text | 2party |", "[name] name '2party' must start with a letter"),
        (
            "| . >= 0 and . <= 60 |",
            "| . >= 0 and . <= |",
            "form.xlsx:survey:5: [constraint] constraint '. >= 0 and . <='",
        ),
        (
            "| selected(${actors}, 'other') |",
            "| selected(${actorz}, 'other') |",
            "form.xlsx:survey:11: [relevant] relevant 'selected(${actorz}, 'other')' refers to ${actorz}, which is not a question in this form.",
        ),
        ("| selected(${actors}, 'other') |", "| pulldata('x', 'y') |", "unknown function 'pulldata()'"),
        ("| selected(${actors}, 'other') |", "| . = 'x' |", "only allowed in constraint"),
        (
            "| count-selected(${actors}) |",
            "| |",
            "form.xlsx:survey:12: [calculation] calculate row 'n_actors' needs a calculation.",
        ),
        (
            "| DIM.ORG ACT.PARTY |",
            "| DIM.ORG ACT.PARTEY |",
            "form.xlsx:survey:9: [codes] code 'ACT.PARTEY' is not in the codebook",
        ),
        (
            "| | text | name | 姓名 | Name | 全名 | | | | | | | | yes |",
            "| | text | name | 姓名 | Name | 全名 | | | | | | | | perhaps |",
            "form.xlsx:survey:4: [identifying] identifying must be yes or no, not 'perhaps'",
        ),
        ("| yes | | | | | | | | |", "| ${x} = 1 | | | | | | | | |", "required must be yes or no"),
        (
            "| | actors | other | 其他 | Other |",
            "| | actors | gov | 其他 | Other |",
            "form.xlsx:choices:5: [name] choice 'gov' appears twice in list 'actors'.",
        ),
        (
            "| | actors | other | 其他 | Other |",
            "| | actors | other | | |",
            "form.xlsx:choices:5: [label] choice 'other' of list 'actors' has no label.",
        ),
        ("| profile |", "| mayor |", "form.xlsx:settings:2: [respondent_role] respondent_role 'mayor' is not one of"),
        (
            "| | end_group | | | | | | | | | | | | | | | |\n| | begin_group | org |",
            "| | begin_group | org |",
            "form.xlsx:survey:3: [type] group 'basics' is never closed",
        ),
        (
            "| | note | thanks |",
            "| | end_group | | | | | | | | | | | | | | | |\n| | note | thanks |",
            "end_group without a matching begin_group",
        ),
        (
            "| | time | start | 开始时间 | Start time |",
            "| | time | start | | |",
            "[label] question 'start' has no label.",
        ),
        (
            "| | time | start | 开始时间 |",
            "| | | start | 开始时间 |",
            "form.xlsx:survey:14: [type] this row has content but no type",
        ),
    ],
)
def test_each_error_names_file_sheet_row_and_what_to_do(tmp_path, codebook, old, new, expected):
    found = problems_of(form(tmp_path, _with(GOOD, old, new)), codebook)
    assert any(expected in line for line in found), found


def test_columns_and_sheets_odk_ignores_are_warnings_with_their_place(tmp_path, codebook):
    md = _with(GOOD, "| calculation | default |", "| calculation | default | media::image |")
    warnings: list = []
    protocol = load_protocol(
        form(tmp_path, md + "| entities |\n| | list_name | label |\n| | people | x |\n"), codebook, warnings=warnings
    )
    found = [str(w) for w in warnings]
    assert any(
        f.endswith(
            "form.xlsx:survey:1: [media::image] column 'media::image' is not used (Yingzao shows no pictures, audio or video); Yingzao ignores it."
        )
        for f in found
    ), found
    assert any("form.xlsx:entities:: sheet 'entities' is not used (entity lists" in f for f in found)
    assert {getattr(w, "code", "") for w in protocol.warnings} >= {"form_ignored_column", "form_ignored_sheet"}


def test_every_problem_is_reported_at_once(tmp_path, codebook):
    md = _with(GOOD, "| | text | name | 姓名 |", "| | geopoint | name | 姓名 |")
    md = _with(md, "| DIM.ORG ACT.PARTY |", "| NOPE |")
    found = problems_of(form(tmp_path, md), codebook)
    assert len(found) == 2


def test_interview_protocols_must_cover_families_one_to_three(tmp_path, codebook):
    md = GOOD.replace("| profile |", "| cadre |")
    found = problems_of(form(tmp_path, md), codebook)
    assert any(
        "no question is tagged with code 'DIM.SPACE' (Spatial and environmental construction)" in f for f in found
    )
    assert not any("'DIM.ORG'" in f for f in found)
    # Table 1's axes too: each one is asked, or the role's reason for not asking it is given
    assert any("no question is tagged with code 'UNIT.AXIS.LAYOUT' (Spatial layout)" in f for f in found)
    assert not any("'UNIT.AXIS.STATE'" in f for f in found)  # an axis split in two is asked through its halves
    wanted = [c.id for c in codebook.codes if c.family in ("dimension", "actor", "factor")] + list(
        table1_axes(codebook)
    )
    not_asked_rows = "".join(
        f"| | {code} | 此角色不了解 | This role cannot say |\n"
        for code in wanted
        if code not in ("DIM.ORG", "ACT.PARTY", "ACT.GOV")
    )
    header = "| not_asked |\n| | code | reason::中文 (zh) | reason::English (en) |\n"
    missing_axis = (
        md + header + not_asked_rows.replace("| | UNIT.AXIS.LIFE.COOP | 此角色不了解 | This role cannot say |\n", "")
    )
    assert any("'UNIT.AXIS.LIFE.COOP'" in f for f in problems_of(form(tmp_path, missing_axis, "axis.xlsx"), codebook))
    covered = md + header + not_asked_rows
    protocol = load_protocol(form(tmp_path, covered, "covered.xlsx"), codebook)
    assert protocol.not_asked["FAC.AUTONOMY"] == {"zh": "此角色不了解", "en": "This role cannot say"}
    assert protocol.not_asked["UNIT.AXIS.LAYOUT"] == {"zh": "此角色不了解", "en": "This role cannot say"}


def test_a_file_that_is_not_a_workbook_is_refused_with_its_name(tmp_path):
    junk = tmp_path / "broken.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert problems_of(junk)[0].startswith(f"{junk}::: cannot be read as an Excel workbook")
    text = tmp_path / "form.txt"
    text.write_text("hello")
    assert "is not an Excel workbook" in problems_of(text)[0]
    assert "file not found" in problems_of(tmp_path / "missing.xlsx")[0]


def test_a_workbook_without_a_survey_sheet(tmp_path):
    found = problems_of(form(tmp_path, "| choices |\n| | list_name | name | label |\n| | a | b | c |\n"))
    assert any("no 'survey' sheet" in f for f in found)


def test_what_pyxform_rejects_is_rejected_too(tmp_path):
    # a ${reference} inside a label passes our row checks but not the reference implementation's
    md = """
| survey |
| | type | name | label |
| | text | a | A |
| | text | b | About ${nosuch} |
"""
    found = problems_of(form(tmp_path, md))
    assert len(found) == 1 and "pyxform" in found[0] and "nosuch" in found[0], found


@pytest.mark.parametrize(
    "name",
    ["extra_columns.xlsx", "text_and_integer.xlsx", "yes_or_no_question.xlsx", "group.xlsx", "specify_other.xlsx"],
)
def test_odk_example_forms_load(name):
    protocol = load_protocol(FIXTURES / name)
    assert protocol.questions


def test_the_odk_example_form_with_a_map_question_is_refused_for_that_alone():
    found = problems_of(FIXTURES / "case_insensitivity.xlsx")
    assert found == [
        f"{FIXTURES / 'case_insensitivity.xlsx'}:survey:4: [type] type 'osm c1' is not supported: "
        "OpenStreetMap (osm) questions record map features, which Yingzao cannot record."
    ]
