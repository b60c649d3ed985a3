"""One source for every label a protocol and the codebook share.

A protocol reads goal, scene, dimension, actor and factor names to the respondent ("集约有度的建筑形态",
"服务场景"); the codebook names the same things in the exports. When a protocol's Chinese text uses a
codebook label, its English text must use the codebook's English label too, or the English
protocol and the English workbook would call one goal by two names.
"""

from __future__ import annotations

from collections.abc import Iterable

from yingzao.core.errors import Problem, Text
from yingzao.core.forms.codebook import Codebook
from yingzao.core.forms.protocol import Choice, Question

CHECKED_FAMILIES = ("dimension", "actor", "factor", "scene")
MIN_CHARACTERS = 4  # shorter labels (政府) are everyday words, not names
_QUESTION_TEXTS = (("label", "labels"), ("hint", "hints"), ("probe", "probes"), ("optional_probe", "optional_probes"))


def shared_labels(codebook: Codebook) -> list[tuple[str, str, str]]:
    """(code id, zh label, en label) of the labels a protocol must spell as the codebook does,
    longest first so a goal is matched before the scene its name contains."""
    found = [
        (code.id, code.label_zh, code.label_en)
        for code in codebook.codes
        if code.family in CHECKED_FAMILIES and len(code.label_zh) >= MIN_CHARACTERS and code.label_en
    ]
    return sorted(found, key=lambda item: -len(item[1]))


def _mismatches(zh: str, en: str, labels: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    if not zh or not en:
        return []
    wanted = en.casefold()
    return [
        (code, label_zh, label_en)
        for code, label_zh, label_en in labels
        if label_zh in zh and label_en.casefold() not in wanted
    ]


def check_code_labels(
    file: str, questions: Iterable[Question], choices: dict[str, tuple[Choice, ...]], codebook: Codebook
) -> list[Problem]:
    """Every place where a Chinese text uses a codebook label and its English text does not use the
    codebook's English label for it."""
    labels = shared_labels(codebook)
    problems: list[Problem] = []

    def report(sheet: str, row: int | None, column: str, code: str, label_zh: str, label_en: str) -> None:
        problems.append(
            Problem(
                file,
                sheet,
                row,
                Text(
                    f"中文文本用了编码表中“{code}”的名称“{label_zh}”，但英文文本没有用编码表的英文名称"
                    f"“{label_en}”；请按 forms/codebook.csv 改写英文。",
                    f"the Chinese text uses the codebook's name for '{code}' ({label_zh}) but the English "
                    f"text does not use the codebook's English name '{label_en}'; word it as "
                    "forms/codebook.csv does.",
                ),
                f"{column}::en",
            )
        )

    for question in questions:
        for column, attribute in _QUESTION_TEXTS:
            texts = getattr(question, attribute)
            for code, label_zh, label_en in _mismatches(texts.get("zh", ""), texts.get("en", ""), labels):
                report("survey", question.row, column, code, label_zh, label_en)
    for items in choices.values():
        for choice in items:
            zh, en = choice.labels.get("zh", ""), choice.labels.get("en", "")
            for code, label_zh, label_en in _mismatches(zh, en, labels):
                report("choices", None, f"label ({choice.name})", code, label_zh, label_en)
    return problems
