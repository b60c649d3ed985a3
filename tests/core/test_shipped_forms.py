"""The study's own protocols: each loads, is realistic, bilingual, and covers the coding frame."""

from __future__ import annotations

from pathlib import Path

import pytest

from yingzao.core import paths
from yingzao.core.forms.codebook import INTERVIEW_FAMILIES
from yingzao.core.forms.loader import load_protocol

INTERVIEW_FORMS = {
    "protocol_official.xlsx": ("yz_official", "official"),
    "protocol_street.xlsx": ("yz_street_staff", "street_staff"),
    "protocol_cadre.xlsx": ("yz_cadre", "cadre"),
}


def test_the_study_ships_three_interview_protocols_and_a_profile_form():
    names = [p.name for p in paths.shipped_protocols()]
    assert names == ["protocol_cadre.xlsx", "protocol_official.xlsx", "protocol_street.xlsx", "profile_community.xlsx"]


@pytest.mark.parametrize("name", sorted(INTERVIEW_FORMS))
def test_interview_protocol(name, codebook):
    protocol = load_protocol(paths.FORMS_DIR / name, codebook)
    assert (protocol.form_id, protocol.role) == INTERVIEW_FORMS[name]
    assert protocol.default_language == "zh" and set(protocol.languages) == {"zh", "en"}
    assert protocol.titles.get("zh") and protocol.titles.get("en")
    asked = list(protocol.answerable)
    assert 25 <= len(asked) <= 60, len(asked)

    # informed consent comes first, and refusing it hides everything after it
    consent = protocol.questions[next(i for i, q in enumerate(protocol.questions) if q.name == "consent")]
    assert consent.type == "select_one" and consent.required
    first_section = protocol.sections[0]
    assert "consent" in first_section.questions
    for section in protocol.sections[1:]:
        assert section.relevant and "${consent} = 'yes'" in section.relevant.replace('"', "'"), section.name

    # respondent metadata, with identifying fields marked
    identifying = {q.name for q in protocol.questions if q.identifying}
    assert len(identifying) >= 3
    types = {q.type for q in protocol.questions}
    assert {"text", "integer", "date", "time", "select_one", "select_multiple", "note"} <= types

    # open questions carry probes and codes; every family 1-3 code is asked or explained
    open_questions = [q for q in protocol.questions if q.type == "text" and q.appearance == "multiline" and q.codes]
    assert len(open_questions) >= 15
    for question in open_questions:
        assert question.probes.get("zh") and question.probes.get("en"), question.name
    asked_codes = set(protocol.codes_used)
    for code in (c for c in codebook.codes if c.family in INTERVIEW_FAMILIES):
        assert code.id in asked_codes or protocol.not_asked.get(code.id, {}).get("zh"), code.id
    assert all(codebook.has(code) for code in asked_codes)

    # English is complete, not a fallback
    for question in protocol.questions:
        if question.type != "calculate":
            assert question.labels.get("zh") and question.labels.get("en"), question.name
        for texts in (question.hints, question.probes, question.constraint_message, question.required_message):
            assert bool(texts.get("zh")) == bool(texts.get("en")), question.name
    for choices in protocol.choices.values():
        for choice in choices:
            assert choice.labels.get("zh") and choice.labels.get("en"), choice.name


def test_profile_form_records_the_four_influencing_factors(codebook):
    protocol = load_protocol(paths.FORMS_DIR / "profile_community.xlsx", codebook)
    assert protocol.role == "profile" and set(protocol.languages) == {"zh", "en"}
    factors = {code for q in protocol.questions for code in q.codes if code.startswith("FAC.")}
    assert factors == {"FAC.INDUSTRY", "FAC.POPULATION", "FAC.ENVIRONMENT", "FAC.AUTONOMY"}
    numbers = {q.name for q in protocol.questions if q.type in ("integer", "decimal")}
    assert len(numbers) >= 6  # area, 居民小组, populations, enterprises...
    for question in protocol.questions:
        assert question.labels.get("zh") and question.labels.get("en"), question.name


def test_check_form_prints_a_summary_for_each_shipped_form_and_exits_0(capsys):
    from yingzao import main

    assert main.main(["check-form", str(paths.FORMS_DIR)]) == 0
    out = capsys.readouterr().out
    for name in ("protocol_official.xlsx", "protocol_street.xlsx", "protocol_cadre.xlsx", "profile_community.xlsx"):
        assert f"{name}：通过" in out
    assert "语言：    zh, en（默认 zh）" in out and "编码：" in out
    assert "时间：    60 分钟（5 + 3 + 10 + 10 + 10 + 10 + 8 + 4）   核心 " in out  # the officials' budgets
    assert main.main(["--lang", "en", "check-form", str(paths.FORMS_DIR / "protocol_cadre.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "protocol_cadre.xlsx: OK" in out and "languages: zh, en (default zh)" in out and "codes:" in out
    assert "time:      62 min (5 + 3 + 10 + 10 + 10 + 12 + 8 + 4)" in out


def test_check_form_lists_every_problem_and_exits_2(tmp_path, capsys):
    import shutil

    from yingzao import main

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "xlsforms"
    for name in ("case_insensitivity.xlsx", "text_and_integer.xlsx"):
        shutil.copy(fixtures / name, tmp_path / name)
    assert main.main(["check-form", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert f"{tmp_path / 'case_insensitivity.xlsx'}:survey:4: [type] 不支持类型“osm c1”" in out
    assert "text_and_integer.xlsx：通过" in out
    assert main.main(["--lang", "en", "check-form", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert f"{tmp_path / 'case_insensitivity.xlsx'}:survey:4: [type] type 'osm c1' is not supported" in out
