"""Reading an XLSForm sheet's rows: its headers (spelled as pyxform accepts them, with a language
after `::`), each row's plain and translated cells, yes/no flags, and the context a load collects
its problems and warnings in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from yingzao.core.errors import Problem, Text
from yingzao.core.forms import tolerance, xlsform
from yingzao.core.forms.protocol import (
    Labels,
    language_code,
)

TRANSLATABLE = {
    "label",
    "hint",
    "required_message",
    "constraint_message",
    "probe",
    "optional_probe",
    "form_title",
    "reason",
}
# The spellings pyxform accepts for the columns we support.
_COLUMN_ALIASES = {
    "relevance": "relevant",
    "calculate": "calculation",
    "requiredmsg": "required_message",
    "constraining_message": "constraint_message",
    "caption": "label",
    "set_form_title": "form_title",
    "id_string": "form_id",
    "set_form_id": "form_id",
    "list": "list_name",
}
_YES = {"yes", "true", "1", "y", "true()"}
_NO = {"no", "false", "0", "n", "false()", ""}


@dataclass
class Header:
    original: str
    column: str
    lang: str | None  # language code when the column carries one


@dataclass
class LoadContext:
    file: str
    problems: list[Problem] = field(default_factory=list)
    shipped: bool = False  # a protocol of forms/: every text question must say whether it identifies
    warnings: list[Problem] = field(default_factory=list)
    folder: Path | None = None  # where choice files beside the workbook are read from (None: only carried ones)
    carried: dict[str, bytes] = field(default_factory=dict)  # choice files the workbook's bytes already hold
    unusable: set[str] = field(default_factory=set)  # choice files already reported
    read_files: dict[str, bytes] = field(default_factory=dict)  # choice files read from the folder: to bundle
    kept_columns: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, column): original header

    def add(self, sheet: str, row: int | None, message: Text, column: str | None = None) -> None:
        self.problems.append(Problem(self.file, sheet, row, message, column))


def parse_headers(sheet: xlsform.Sheet, allowed: set[str], ctx: LoadContext, default_lang: str) -> dict[str, Header]:
    double = any("::" in h for h in sheet.headers)
    parsed: dict[str, Header] = {}
    for original in sheet.headers:
        tokens = [t.strip() for t in original.split("::" if double else ":")]
        column = "_".join(tokens[0].split()).lower()
        column = _COLUMN_ALIASES.get(column, column)
        lang = language_code(tokens[1]) if len(tokens) > 1 and tokens[1] else None
        if column not in allowed:
            keep, warning = tolerance.unknown_column(ctx.file, sheet.name, original, column)
            if warning is not None:
                ctx.warnings.append(warning)
            if keep:  # read per row: a refused survey column, or a choice's own column
                parsed[original] = Header(original, column, None)
                ctx.kept_columns[(sheet.name, column)] = original
            continue
        if lang and column not in TRANSLATABLE:
            ctx.add(
                sheet.name,
                1,
                Text(
                    f"列“{original}”不能带语言后缀；请把它改名为“{column}”。",
                    f"column '{original}' cannot carry a language; rename it '{column}'.",
                ),
                original,
            )
            continue
        if column in TRANSLATABLE and lang is None:
            lang = default_lang
        parsed[original] = Header(original, column, lang)
    return parsed


def row_cells(row: dict[str, str], headers: dict[str, Header]) -> tuple[dict[str, str], dict[str, Labels]]:
    plain: dict[str, str] = {}
    texts: dict[str, Labels] = {}
    for original, value in row.items():
        header = headers.get(original)
        if header is None or value is None:
            continue
        if header.lang is not None:
            texts.setdefault(header.column, {})[header.lang] = str(value)
        else:
            plain[header.column] = str(value).strip()
    return plain, texts


def yes_no(value: str, column: str, row: int, ctx: LoadContext) -> bool:
    lowered = value.strip().lower()
    if lowered in _YES:
        return True
    if lowered not in _NO:
        ctx.add(
            "survey",
            row,
            Text(
                f"{column} 必须是 yes 或 no，不能是“{value}”（这里不支持表达式）。",
                f"{column} must be yes or no, not '{value}' (expressions are not supported here).",
            ),
            column,
        )
    return False
