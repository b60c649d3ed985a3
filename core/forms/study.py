"""The study's details a consent statement names: filled in once by a researcher, kept in `settings`.

A protocol's texts refer to them as `{{institution}}`, `{{ethics_number}}` …, so one workbook serves
every team and an ethics board's number is typed once, not copied into four spreadsheets. A detail
nobody has filled in yet is shown as "（未填写）" — the fieldworker sees at once what is missing
before reading the statement aloud.
"""

from __future__ import annotations

import re
from typing import Protocol as TypingProtocol

from yingzao.core.errors import Text

# field -> its label (zh, en) on the study details form, in the order the form shows them
FIELDS: dict[str, Text] = {
    "project": Text("研究项目名称", "Research project"),
    "institution": Text("研究机构", "Institution"),
    "pi": Text("项目负责人", "Principal investigator"),
    "ethics_number": Text("伦理审查批准号", "Ethics approval number"),
    "team_contact": Text("课题组联系方式", "Research team contact"),
    "complaints_contact": Text("独立投诉渠道（课题组以外）", "Independent complaints contact (outside the team)"),
    "retention": Text("资料保存期限", "Retention period"),
    "storage": Text("资料保存地点与方式", "Where and how data are kept"),
}
SETTING_PREFIX = "study."
NOT_FILLED = Text("（未填写）", "(not filled in)")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")


class _Settings(TypingProtocol):
    def get_setting(self, key: str, default: str | None = None) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...


def study_details(store: _Settings) -> dict[str, str]:
    """Every field, '' where nobody has filled it in."""
    return {name: (store.get_setting(SETTING_PREFIX + name) or "").strip() for name in FIELDS}


def save_study_details(store: _Settings, values: dict[str, str]) -> None:
    """Keep the fields given (unknown names are ignored: the form only offers FIELDS)."""
    for name, value in values.items():
        if name in FIELDS:
            store.set_setting(SETTING_PREFIX + name, value.strip())


def missing(details: dict[str, str]) -> list[str]:
    return [name for name in FIELDS if not details.get(name)]


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in PLACEHOLDER.findall(text) if name not in FIELDS]


def fill(text: str, details: dict[str, str], lang: str) -> str:
    """`text` with each {{field}} replaced by the study's detail, or "（未填写）" where it is empty."""
    if "{{" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in FIELDS:
            return match.group(0)
        return details.get(name) or (NOT_FILLED.en if lang == "en" else NOT_FILLED.zh)

    return PLACEHOLDER.sub(value, text)
