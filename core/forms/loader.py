"""Workbook -> validated Protocol, pyxform-style: read, check the subset row by row, build.

Every problem is collected with its sheet, Excel row and column, so a form author sees the whole
list at once (`python main.py check-form`), not one error per attempt.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

from yingzao.core import errors, paths
from yingzao.core.errors import FormError, Problem, Text
from yingzao.core.forms import choice_files, metadata, odk_types, study, tolerance, xlsform
from yingzao.core.forms.codebook import INTERVIEW_FAMILIES, Codebook, table1_axes
from yingzao.core.forms.expr import ExpressionError
from yingzao.core.forms.label_check import check_code_labels
from yingzao.core.forms.odk_types import OdkType
from yingzao.core.forms.protocol import (
    PRIORITIES,
    ROLES,
    Choice,
    Labels,
    Protocol,
    Question,
    QuestionType,
    Section,
    compiled,
    compiled_filter,
    filter_fields,
    language_code,
)

SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "default",
    "appearance",
    "calculation",
    "probe",
    "codes",
    "identifying",
    "priority",
    "optional_probe",
    "minutes",
    "choice_filter",
    "parameters",
    "repeat_count",
}
CHOICE_COLUMNS = {"list_name", "name", "label", "codes"}
SETTINGS_COLUMNS = {"form_id", "form_title", "version", "default_language", "respondent_role"}
NOT_ASKED_COLUMNS = {"code", "reason"}
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
_SHOWN_TEXTS = ("label", "hint", "probe", "optional_probe")  # what the fieldworker reads: checked for {{…}}
SHEETS = ("survey", "choices", "settings", "not_asked", "external_choices")

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
_SIMPLE_TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "note": "note",
    "calculate": "calculate",
    "begin group": "begin_group",
    "begin_group": "begin_group",
    "end group": "end_group",
    "end_group": "end_group",
    "begin repeat": "begin_repeat",
    "begin_repeat": "begin_repeat",
    "end repeat": "end_repeat",
    "end_repeat": "end_repeat",
}
_SELECT = re.compile(
    r"^(?P<kind>select_one|select one|select1|select_multiple|select multiple|select all that apply)"
    r"(?: from)? (?P<list>\S+)(?P<other> (?:or_other|or specify other|or other))?$",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_YES = {"yes", "true", "1", "y", "true()"}
_NO = {"no", "false", "0", "n", "false()", ""}


@dataclass
class _Header:
    original: str
    column: str
    lang: str | None  # language code when the column carries one


@dataclass
class _Context:
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


def load_protocol(
    path: Path,
    codebook: Codebook | None = None,
    *,
    data: bytes | None = None,
    warnings: list[Problem] | None = None,
) -> Protocol:
    """Read and validate one XLSForm workbook; raise FormError listing every problem found. `data`:
    the file's bytes when the caller has read them already (to hash and keep exactly what was parsed).
    `warnings` receives what does not stop the form from loading (a text question that does not say
    whether it is identifying: in the shipped protocols of forms/ that is an error)."""
    path = Path(path)
    shipped = path.resolve().parent == paths.FORMS_DIR.resolve()
    return _load(path, data, codebook, shipped=shipped, warnings=warnings, folder=path.parent)


def load_protocol_workbook(
    path: Path, codebook: Codebook | None = None, *, data: bytes | None = None
) -> tuple[Protocol, bytes]:
    """load_protocol, and the bytes to keep with it: the workbook's own, or (when it chooses from a
    CSV beside it) the workbook with the CSV copied in. protocol.sha256 is the hash of these bytes."""
    path = Path(path)
    shipped = path.resolve().parent == paths.FORMS_DIR.resolve()
    kept: list[bytes] = []
    protocol = _load(path, data, codebook, shipped=shipped, workbook=kept, folder=path.parent)
    return protocol, kept[0]


def load_protocol_bytes(data: bytes, name: str, codebook: Codebook | None = None) -> Protocol:
    """The same from a workbook's bytes (one carried in a package); `name` is its file name. Choice
    files are read only from inside those bytes, never from a folder."""
    return _load(Path(name), data, codebook)


def _load(
    path: Path,
    data: bytes | None,
    codebook: Codebook | None,
    *,
    shipped: bool = False,
    warnings: list[Problem] | None = None,
    workbook: list[bytes] | None = None,
    folder: Path | None = None,
) -> Protocol:
    ctx = _Context(str(path), shipped=shipped, folder=folder)
    book = xlsform.read_workbook(path, data)
    if isinstance(book, Problem):
        raise FormError(path, [book])
    ctx.carried = choice_files.carried(book.data)
    protocol = _build(book, ctx, codebook)
    if workbook is not None and protocol is not None:
        workbook.append(book.data)  # with any choice files copied in: the bytes the hash names
    if not ctx.problems:
        verdict = xlsform.to_json(book)
        if isinstance(verdict, Problem):
            ctx.problems.append(verdict)
    if warnings is not None:
        warnings += ctx.warnings
    if ctx.problems or protocol is None:
        raise FormError(
            path,
            ctx.problems or [Problem(str(path), "survey", None, Text("表单中没有问题", "the form has no questions"))],
        )
    return protocol


def _parse_headers(sheet: xlsform.Sheet, allowed: set[str], ctx: _Context, default_lang: str) -> dict[str, _Header]:
    double = any("::" in h for h in sheet.headers)
    parsed: dict[str, _Header] = {}
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
                parsed[original] = _Header(original, column, None)
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
        parsed[original] = _Header(original, column, lang)
    return parsed


def _cells(row: dict[str, str], headers: dict[str, _Header]) -> tuple[dict[str, str], dict[str, Labels]]:
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


def _build(book: xlsform.Workbook, ctx: _Context, codebook: Codebook | None) -> Protocol | None:
    for name in book.sheet_names:
        extra = book.sheets.get(name.lower())
        if name.lower() not in SHEETS and extra is not None and any(extra.rows):
            ctx.warnings.append(tolerance.extra_sheet(ctx.file, name))
    survey = book.sheets.get("survey")
    if survey is None:
        ctx.add(
            "survey",
            None,
            Text(
                "工作簿中没有“survey”工作表；每个 XLSForm 都需要它。",
                "the workbook has no 'survey' sheet; every XLSForm needs one.",
            ),
        )
        return None
    settings = _settings(book, ctx)
    default_lang = (
        language_code(settings.get("default_language", "")) if settings.get("default_language") else "default"
    )
    choices = _choices(book, ctx, default_lang, codebook)
    choices.update(_choices(book, ctx, default_lang, codebook, "external_choices"))
    questions, sections, languages, expressions = _survey(survey, ctx, default_lang, choices)
    if codebook is not None:
        for problem in check_code_labels(ctx.file, questions, choices, codebook):
            (ctx.problems if ctx.shipped else ctx.warnings).append(problem)
    if default_lang == "default":
        real = [lang for lang in languages if lang != "default"]
        default_lang = real[0] if len(real) == 1 and "default" not in languages else default_lang
    names = {q.name for q in questions}
    for row, column, source in expressions:
        question = next((q for q in questions if q.row == row and q.choice_filter == source), None)
        fields = (
            filter_fields(choices.get(question.list_name or "", ())) if column == "choice_filter" and question else None
        )
        _check_expression(row, column, source, names, ctx, fields)
    _unused_choice_columns(questions, ctx)
    for question in questions:
        _check_codes(question.codes, codebook, ctx, "survey", question.row)
    not_asked = _not_asked(book, ctx, codebook, default_lang)
    role = settings.get("respondent_role", "")
    if role and role not in ROLES:
        ctx.add(
            "settings",
            2,
            Text(
                f"respondent_role“{role}”不是 {', '.join(ROLES)} 之一。",
                f"respondent_role '{role}' is not one of {', '.join(ROLES)}.",
            ),
            "respondent_role",
        )
    if codebook is not None and role in ROLES and role != "profile":
        _check_coverage(questions, not_asked, codebook, ctx)
    if ctx.shipped and role in ROLES and role != "profile":
        for section in sections:
            if section.minutes is None and section.questions and not section.name.startswith("_"):
                ctx.add(
                    "survey",
                    section.row,
                    Text(
                        f"分组“{section.name}”没有时间预算；请在 minutes 列填写本部分建议用时（分钟）。",
                        f"group '{section.name}' has no time budget; write the minutes it should take in the "
                        "minutes column.",
                    ),
                    "minutes",
                )
    if not questions:
        if not ctx.problems:
            ctx.add("survey", None, Text("survey 工作表中没有问题。", "the survey sheet has no questions."))
        return None
    titles = settings.get("titles") or {}
    if ctx.read_files:
        bundled = choice_files.bundle(book.data, ctx.read_files)
        if bundled is None:
            for name in ctx.read_files:
                why = Text(
                    "旧的 .xls 工作簿无法带上它；请把工作簿另存为 .xlsx",
                    "an old .xls workbook cannot carry it; save the workbook as .xlsx",
                )
                ctx.problems.append(errors.form_choice_file_bad(ctx.file, name, None, why))
            return None
        book.data = bundled
    return Protocol(
        form_id=settings.get("form_id") or book.path.stem,
        version=settings.get("version", ""),
        role=role,
        titles=titles if isinstance(titles, dict) else {},
        default_language=default_lang,
        languages=tuple(sorted(languages, key=lambda lang: (lang != default_lang, lang))),
        sections=tuple(sections),
        questions=tuple(questions),
        choices=choices,
        not_asked=not_asked,
        source_name=book.path.name,
        sha256=hashlib.sha256(book.data).hexdigest(),
        warnings=tuple(ctx.warnings),
    )


def _settings(book: xlsform.Workbook, ctx: _Context) -> dict:
    sheet = book.sheets.get("settings")
    if sheet is None or not sheet.rows:
        return {}
    # default_language decides which language an unsuffixed form_title belongs to
    raw_default = next((v for k, v in sheet.rows[0].items() if k.strip().lower() == "default_language"), "")
    headers = _parse_headers(sheet, SETTINGS_COLUMNS, ctx, language_code(raw_default) if raw_default else "default")
    plain, texts = _cells(sheet.rows[0], headers)
    result: dict = dict(plain)
    result["titles"] = texts.get("form_title", {})
    return result


def _choices(
    book: xlsform.Workbook, ctx: _Context, default_lang: str, codebook: Codebook | None, name: str = "choices"
) -> dict[str, tuple[Choice, ...]]:
    """The lists of the choices sheet, or of external_choices (select_one_external: its lists are
    kept under odk_types.external_list(name), beside the choices sheet's lists of the same name)."""
    sheet = book.sheets.get(name)
    if sheet is None:
        return {}
    headers = _parse_headers(sheet, CHOICE_COLUMNS, ctx, default_lang)
    lists: dict[str, list[Choice]] = {}
    for row_number, row in sheet.numbered_rows():
        plain, texts = _cells(row, headers)
        list_name, name = plain.get("list_name", ""), plain.get("name", "")
        if sheet.name == "external_choices" and list_name:
            list_name = OdkType.external_list(list_name)
        if not list_name or not name:
            ctx.add(
                sheet.name,
                row_number,
                Text("每个选项都需要 list_name 和 name。", "every choice needs a list_name and a name."),
            )
            continue
        if any(c.name == name for c in lists.get(list_name, [])):
            ctx.add(
                sheet.name,
                row_number,
                Text(
                    f"选项“{name}”在列表“{list_name}”中出现了两次。",
                    f"choice '{name}' appears twice in list '{list_name}'.",
                ),
                "name",
            )
        labels = texts.get("label", {})
        if not any(labels.values()):
            ctx.add(
                sheet.name,
                row_number,
                Text(
                    f"列表“{list_name}”的选项“{name}”没有标签。", f"choice '{name}' of list '{list_name}' has no label."
                ),
                "label",
            )
        codes = tuple(c for c in re.split(r"[\s,;，；]+", plain.get("codes", "")) if c)
        _check_codes(codes, codebook, ctx, sheet.name, row_number)
        filters = {k: v for k, v in plain.items() if k not in CHOICE_COLUMNS}
        lists.setdefault(list_name, []).append(Choice(name, labels, codes, filters))
    return {k: tuple(v) for k, v in lists.items()}


def _question_type(
    raw: str, row: int, ctx: _Context, choices: dict, params: dict[str, str], default_lang: str
) -> OdkType | None:
    text = " ".join(raw.split())
    simple = _SIMPLE_TYPES.get(text.lower())
    if simple:
        return OdkType(simple)
    lowered = text.lower()
    if lowered in metadata.NOT_RECORDED:  # accepted, with what happens instead
        ctx.warnings.append(errors.form_ignored_metadata(ctx.file, row, lowered, metadata.NOT_RECORDED[lowered]))
        return None
    expanded = odk_types.read(text)
    if expanded is not None:
        if expanded.file is not None and expanded.file not in choices:
            if expanded.file in ctx.unusable:
                return None
            listed = _choice_file(expanded.file, row, ctx, params, default_lang)
            if listed is None:
                ctx.unusable.add(expanded.file)
                return None
            choices[expanded.file] = listed
        elif expanded.list_name is not None and expanded.list_name not in choices:
            ctx.add(
                "survey",
                row,
                Text(
                    f"类型“{raw}”使用的选项列表不在 external_choices 工作表中。",
                    f"type '{raw}' uses a choice list that is not on the external_choices sheet.",
                ),
                "type",
            )
            return None
        return expanded
    match = _SELECT.match(text)
    if match:
        kind = (
            "select_one"
            if match.group("kind").lower() in ("select_one", "select one", "select1")
            else "select_multiple"
        )
        list_name = match.group("list")
        if list_name not in choices:
            ctx.add(
                "survey",
                row,
                Text(
                    f"类型“{raw}”使用的选项列表“{list_name}”不在 choices 工作表中。",
                    f"type '{raw}' uses choice list '{list_name}', which is not on the choices sheet.",
                ),
                "type",
            )
            return None
        return OdkType(kind, list_name, or_other=bool(match.group("other")))
    refused = tolerance.REFUSED_TYPES.get(text.split(" ")[0]) or tolerance.REFUSED_TYPES.get(lowered.split(" ")[0])
    if refused is not None:
        ctx.problems.append(errors.form_type_refused(ctx.file, row, raw, refused))
        return None
    supported = (
        "text, integer, decimal, date, time, select_one LIST [or_other], select_multiple LIST [or_other], "
        "select_one_from_file FILE.csv, select_multiple_from_file FILE.csv, select_one_external LIST, note, "
        "calculate, begin_group, end_group, phone number, start, end, today, deviceid, username, audit"
    )
    ctx.add(
        "survey",
        row,
        Text(f"不支持类型“{raw}”（支持：{supported}）。", f"type '{raw}' is not supported (supported: {supported})."),
        "type",
    )
    return None


def _choice_file(
    name: str, row: int, ctx: _Context, params: dict[str, str], default_lang: str
) -> tuple[Choice, ...] | None:
    """The choices of a CSV the workbook carries or that lies beside it; None (with the error) if neither."""
    if not choice_files.is_csv_name(name):
        ctx.problems.append(
            errors.form_choice_file_bad(
                ctx.file,
                name,
                None,
                Text(
                    "营造只支持 .csv 选项文件，且文件名不能含路径",
                    "Yingzao reads .csv choice files only, named without a folder",
                ),
            )
        )
        return None
    data = ctx.carried.get(name)
    if data is None:
        location = ctx.folder / name if ctx.folder is not None else None
        if location is None or not location.is_file():
            folder = str(ctx.folder) if ctx.folder is not None else "?"
            ctx.problems.append(errors.form_choice_file_missing(ctx.file, row, name, folder))
            return None
        try:
            data = location.read_bytes()
        except OSError as error:
            ctx.problems.append(errors.form_choice_file_bad(ctx.file, name, None, errors.cannot_read(error)))
            return None
        ctx.read_files[name] = data
    read = choice_files.read_choices(data, default_lang, params.get("value", "name"), params.get("label", "label"))
    for at, why in read.problems:
        ctx.problems.append(errors.form_choice_file_bad(ctx.file, name, at, why))
    return tuple(read.choices) if not read.problems else None


def _flag(value: str, column: str, row: int, ctx: _Context) -> bool:
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


@dataclass
class _OpenSection:
    name: str
    labels: Labels
    row: int
    relevant: str | None
    questions: list[str] = field(default_factory=list)
    minutes: int | None = None


def _survey(sheet: xlsform.Sheet, ctx: _Context, default_lang: str, choices: dict):
    headers = _parse_headers(sheet, SURVEY_COLUMNS, ctx, default_lang)
    languages = {h.lang for h in headers.values() if h.lang and h.column == "label"} or {default_lang}
    questions: list[Question] = []
    sections: list[_OpenSection] = []
    stack: list[tuple[str, str | None, int, str]] = []  # open groups and repeats: name, relevant, row, kind
    seen: dict[str, int] = {}
    expressions: list[tuple[int, str, str]] = []  # checked once every name is known
    for row_number, row in sheet.numbered_rows():
        plain, texts = _cells(row, headers)
        raw_type = plain.get("type", "")
        if not raw_type:
            ctx.add(
                "survey",
                row_number,
                Text(
                    "这一行有内容但没有类型；请填写类型，或删除这一行。",
                    "this row has content but no type; fill in the type or delete the row.",
                ),
                "type",
            )
            continue
        for column in tolerance.SURVEY_REFUSED:
            refused = tolerance.refused_cell(ctx.file, row_number, column, plain.get(column, ""))
            if refused is not None:
                ctx.problems.append(refused)
        params = odk_types.parameters(plain.get("parameters", ""))
        parsed = _question_type(raw_type, row_number, ctx, choices, params, default_lang)
        if parsed is None:
            continue
        kind, list_name = parsed.kind, parsed.list_name
        _check_parameters(params, parsed, row_number, ctx)
        if plain.get("repeat_count") and kind != "begin_repeat":
            ctx.problems.append(errors.form_repeat_count_misplaced(ctx.file, row_number))
        if kind in ("end_group", "end_repeat"):
            opened = "begin_repeat" if kind == "end_repeat" else "begin_group"
            if stack and stack[-1][3] == opened:
                stack.pop()
            elif stack:
                ctx.problems.append(errors.form_group_end_mismatch(ctx.file, row_number, kind, stack[-1][0]))
                stack.pop()
            else:
                ctx.add(
                    "survey",
                    row_number,
                    Text(f"{kind} 没有对应的 {opened}。", f"{kind} without a matching {opened}."),
                    "type",
                )
            continue
        name = plain.get("name", "")
        if not name:
            ctx.add("survey", row_number, Text("这一行需要一个 name。", "this row needs a name."), "name")
            continue
        if not _NAME.match(name):
            ctx.add(
                "survey",
                row_number,
                Text(
                    f"name“{name}”必须以字母或 _ 开头，且只能包含字母、数字和 _ . -。",
                    f"name '{name}' must start with a letter or _ and contain only letters, digits, _ . -.",
                ),
                "name",
            )
        if name in seen:
            ctx.add(
                "survey",
                row_number,
                Text(
                    f"name“{name}”已在第 {seen[name]} 行使用；name 不能重复。",
                    f"name '{name}' is already used on row {seen[name]}; names must be unique.",
                ),
                "name",
            )
        seen[name] = row_number
        relevant = plain.get("relevant") or None
        constraint = plain.get("constraint") or parsed.constraint
        for column in ("relevant", "constraint", "calculation", "choice_filter", "repeat_count"):
            if plain.get(column):
                expressions.append((row_number, column, plain[column]))
        for column in _SHOWN_TEXTS:
            for text in texts.get(column, {}).values():
                for unknown in study.unknown_placeholders(text):
                    ctx.add(
                        "survey",
                        row_number,
                        Text(
                            f"{{{{{unknown}}}}} 不是研究信息中的一项（可用：{', '.join(study.FIELDS)}）。",
                            f"{{{{{unknown}}}}} is not one of the study's details "
                            f"(available: {', '.join(study.FIELDS)}).",
                        ),
                        column,
                    )
        minutes = _minutes(plain.get("minutes", ""), kind, row_number, ctx)
        repeat = next((n for n, _, _, k in reversed(stack) if k == "begin_repeat"), None)
        priority = plain.get("priority", "").lower() or "core"
        if parsed.constraint and not plain.get("constraint"):
            expressions.append((row_number, "constraint", parsed.constraint))
        if parsed.or_other and plain.get("choice_filter"):
            ctx.add(
                "survey",
                row_number,
                Text(
                    "or_other 不能与 choice_filter 同时使用（pyxform 也不允许）；请在列表中加一个“other”选项。",
                    "or_other cannot be combined with choice_filter (nor can it in pyxform); add an 'other' choice to the list.",
                ),
                "choice_filter",
            )
        if kind in ("begin_group", "begin_repeat"):
            if plain.get("priority"):
                ctx.add(
                    "survey",
                    row_number,
                    Text(
                        "priority 只能写在问题行上，不能写在分组上；请把它写到分组中的各个问题。",
                        "priority belongs on question rows, not on a group; write it on the group's questions.",
                    ),
                    "priority",
                )
            if kind == "begin_repeat" and repeat is not None:
                ctx.problems.append(errors.form_repeat_nested(ctx.file, row_number, name, repeat))
            elif kind == "begin_repeat":
                if not stack and (not sections or not sections[-1].name.startswith("_")):
                    # a repeat outside any group is one question of the section of ungrouped rows
                    sections.append(_OpenSection(f"_row{row_number}", {}, row_number, None))
                questions.append(
                    Question(
                        name=name,
                        type="repeat",
                        row=row_number,
                        section=sections[-1].name,
                        labels=texts.get("label", {}),
                        hints=texts.get("hint", {}),
                        relevant=tuple(r for _, r, _, _ in stack if r) + ((relevant,) if relevant else ()),
                        repeat_count=plain.get("repeat_count") or None,
                    )
                )
                sections[-1].questions.append(name)
            elif not stack:
                sections.append(_OpenSection(name, texts.get("label", {}), row_number, relevant, minutes=minutes))
            stack.append((name, relevant, row_number, kind))
            continue
        if priority not in PRIORITIES:
            ctx.add(
                "survey",
                row_number,
                Text(
                    f"priority 必须是 core（核心）或 optional（可选），不能是“{plain['priority']}”。",
                    f"priority must be core or optional, not '{plain['priority']}'.",
                ),
                "priority",
            )
            priority = "core"
        if parsed.metadata is not None:  # recorded, never asked: kept with the first section (below)
            questions.append(
                Question(
                    name=name,
                    type="calculate",
                    row=row_number,
                    section="",
                    labels=texts.get("label", {}),
                    metadata=parsed.metadata,
                )
            )
            continue
        if not stack and (not sections or not sections[-1].name.startswith("_")):
            # questions outside any group form a section of their own
            sections.append(_OpenSection(f"_row{row_number}", {}, row_number, None))
        if kind == "calculate" and not plain.get("calculation"):
            ctx.add(
                "survey",
                row_number,
                Text(f"calculate 行“{name}”需要填写 calculation。", f"calculate row '{name}' needs a calculation."),
                "calculation",
            )
        if kind != "calculate" and not any(texts.get("label", {}).values()):
            ctx.add("survey", row_number, Text(f"问题“{name}”没有标签。", f"question '{name}' has no label."), "label")
        codes = tuple(c for c in re.split(r"[\s,;，；]+", plain.get("codes", "")) if c)
        questions.append(
            Question(
                name=name,
                type=cast(QuestionType, kind),
                row=row_number,
                section=sections[-1].name,
                labels=texts.get("label", {}),
                hints=texts.get("hint", {}),
                probes=texts.get("probe", {}),
                required=_flag(plain.get("required", ""), "required", row_number, ctx),
                required_message=texts.get("required_message", {}),
                relevant=tuple(r for _, r, _, _ in stack if r) + ((relevant,) if relevant else ()),
                constraint=constraint,
                constraint_message=texts.get("constraint_message", {}),
                default=plain.get("default") or None,
                appearance=plain.get("appearance") or ("multiline" if kind == "text" and "rows" in params else None),
                calculation=plain.get("calculation") or None,
                list_name=list_name,
                codes=codes,
                identifying=_flag(plain.get("identifying", ""), "identifying", row_number, ctx),
                priority=priority,
                optional_probes=texts.get("optional_probe", {}),
                choice_filter=plain.get("choice_filter") or None,
                repeat=repeat,
            )
        )
        if kind == "text" and not plain.get("identifying", "").strip():
            _unflagged(name, row_number, ctx)
        sections[-1].questions.append(name)
        if parsed.or_other and list_name is not None:
            if not any(c.name == odk_types.OTHER for c in choices[list_name]):
                choices[list_name] = (*choices[list_name], odk_types.other_choice(languages))
            follow_up = replace(
                odk_types.or_other_follow_up(questions[-1], languages, tuple(r for _, r, _, _ in stack if r)),
                repeat=repeat,
            )
            if follow_up.name in seen:
                ctx.add(
                    "survey",
                    seen[follow_up.name],
                    Text(
                        f"name“{follow_up.name}”与第 {row_number} 行 or_other 自动添加的问题重名；请改名。",
                        f"name '{follow_up.name}' is also the question or_other adds for row {row_number}; rename it.",
                    ),
                    "name",
                )
            seen[follow_up.name] = row_number
            questions.append(follow_up)
            sections[-1].questions.append(follow_up.name)
    for name, _, row_number, opened in stack:
        end = "end_repeat" if opened == "begin_repeat" else "end_group"
        ctx.add(
            "survey",
            row_number,
            Text(f"分组“{name}”没有结束；请加一行 {end}。", f"group '{name}' is never closed; add an {end} row."),
            "type",
        )
    for question in questions:
        if question.is_repeat and not any(q.repeat == question.name for q in questions):
            ctx.problems.append(errors.form_repeat_empty(ctx.file, question.row, question.name))
    finished = [
        Section(s.name, s.labels, s.row, s.relevant, tuple(s.questions), s.minutes) for s in sections if s.questions
    ]
    recorded = [q.name for q in questions if q.metadata]
    if recorded and finished:  # a section holds every question; these are never shown in it
        first = finished[0]
        finished[0] = replace(first, questions=(*recorded, *first.questions))
        questions = [replace(q, section=first.name) if q.metadata else q for q in questions]
    return questions, finished, languages, expressions


def _minutes(value: str, kind: str, row: int, ctx: _Context) -> int | None:
    """A section's time budget: whole minutes, on its begin_group row only."""
    if not value:
        return None
    if kind != "begin_group":
        ctx.add(
            "survey",
            row,
            Text(
                "minutes（时间预算）只能写在 begin_group 行上。",
                "minutes (the time budget) belongs on begin_group rows only.",
            ),
            "minutes",
        )
        return None
    number = value[:-2] if value.endswith(".0") else value  # Excel stores 10 as 10.0
    if not number.isdigit() or not 0 < int(number) <= 600:
        ctx.add(
            "survey",
            row,
            Text(
                f"minutes 必须是 1—600 之间的整数分钟，不能是“{value}”。",
                f"minutes must be a whole number of minutes from 1 to 600, not '{value}'.",
            ),
            "minutes",
        )
        return None
    return int(number)


def _check_parameters(params: dict[str, str], parsed: OdkType, row: int, ctx: _Context) -> None:
    for name in params:
        why = odk_types.ignored_parameter(name, parsed.kind, parsed.file is not None)
        if why is not None:
            ctx.warnings.append(errors.form_ignored_parameter(ctx.file, row, name, why))


def _unused_choice_columns(questions: list[Question], ctx: _Context) -> None:
    """A choice column no choice_filter names is carried along but does nothing: say so."""
    filters = " ".join(q.choice_filter for q in questions if q.choice_filter).lower()
    for (sheet, column), original in ctx.kept_columns.items():
        if sheet in ("choices", "external_choices") and not re.search(
            rf"(?<![\w${{]){re.escape(column)}(?![\w}}])", filters
        ):
            ctx.warnings.append(tolerance.unused_choice_column(ctx.file, sheet, original))


def _unflagged(name: str, row: int, ctx: _Context) -> None:
    """A free-text answer may name anyone: an anonymised export must know whether to drop it."""
    problem = Problem(
        ctx.file,
        "survey",
        row,
        Text(
            f"文本题“{name}”没有说明是否可识别身份；请在 identifying 列填写 yes 或 no。",
            f"text question '{name}' does not say whether it is identifying; write yes or no in the identifying column.",
        ),
        "identifying",
    )
    (ctx.problems if ctx.shipped else ctx.warnings).append(problem)


def _check_expression(
    row: int, column: str, source: str, names: set[str], ctx: _Context, fields: frozenset[str] | None = None
) -> None:
    try:
        expression = compiled(source) if fields is None else compiled_filter(source, fields)
    except ExpressionError as error:
        at = error.position + 1
        where = Text(f"（第 {at} 个字符）", f" at character {at}") if error.position >= 0 else Text("", "")
        message = error.text
        ctx.add(
            "survey",
            row,
            Text(f"{column}“{source}”：{message.zh}{where.zh}。", f"{column} '{source}': {message.en}{where.en}."),
            column,
        )
        return
    for ref in sorted(expression.refs - names):
        ctx.add(
            "survey",
            row,
            Text(
                f"{column}“{source}”引用了 ${{{ref}}}，但本表单中没有这个问题。",
                f"{column} '{source}' refers to ${{{ref}}}, which is not a question in this form.",
            ),
            column,
        )
    if expression.uses_current and column != "constraint":
        ctx.add(
            "survey",
            row,
            Text(
                f"{column}“{source}”使用了“.”：它表示回答本身，只能用在 constraint 中；请改用 ${{name}}。",
                f"{column} '{source}' uses '.', which means the answer itself and is only "
                "allowed in constraint; use ${name}.",
            ),
            column,
        )


def _check_codes(codes, codebook: Codebook | None, ctx: _Context, sheet: str, row: int) -> None:
    if codebook is None:
        return
    for code in codes:
        if not codebook.has(code):
            ctx.add(
                sheet,
                row,
                Text(
                    f"编码“{code}”不在编码表中；请检查拼写，或把它加入 forms/codebook.csv。",
                    f"code '{code}' is not in the codebook; check the spelling or add it to forms/codebook.csv.",
                ),
                "codes",
            )


def _not_asked(
    book: xlsform.Workbook, ctx: _Context, codebook: Codebook | None, default_lang: str
) -> dict[str, Labels]:
    sheet = book.sheets.get("not_asked")
    if sheet is None:
        return {}
    headers = _parse_headers(sheet, NOT_ASKED_COLUMNS, ctx, default_lang)
    result: dict[str, Labels] = {}
    for row_number, row in sheet.numbered_rows():
        plain, texts = _cells(row, headers)
        code = plain.get("code", "")
        if not code:
            ctx.add("not_asked", row_number, Text("这一行需要一个编码。", "this row needs a code."), "code")
            continue
        if not any(texts.get("reason", {}).values()):
            ctx.add(
                "not_asked",
                row_number,
                Text(
                    f"编码“{code}”需要一个理由，说明这类受访者为什么无法谈及它。",
                    f"code '{code}' needs a reason saying why this role cannot speak to it.",
                ),
                "reason",
            )
        _check_codes((code,), codebook, ctx, "not_asked", row_number)
        result[code] = texts.get("reason", {})
    return result


def _check_coverage(questions: list[Question], not_asked: dict[str, Labels], codebook: Codebook, ctx: _Context) -> None:
    asked = {code for q in questions for code in q.codes}
    axes = set(table1_axes(codebook))
    for code in codebook.codes:
        if code.family not in INTERVIEW_FAMILIES and code.id not in axes:
            continue
        if code.id in asked and code.id in not_asked:
            ctx.add(
                "not_asked",
                None,
                Text(
                    f"编码“{code.id}”既标在某个问题上，又列为不问；请删掉其中一处。",
                    f"code '{code.id}' is tagged on a question and also listed as not asked; remove one.",
                ),
                "code",
            )
        elif code.id not in asked and code.id not in not_asked:
            ctx.add(
                "survey",
                None,
                Text(
                    f"没有问题标有编码“{code.id}”（{code.label('zh')}）；请把它标在一个问题上，"
                    "或在 not_asked 工作表中列出它，并说明这类受访者为什么无法谈及它。",
                    f"no question is tagged with code '{code.id}' ({code.label('en')}); tag a question "
                    "with it or list it on the not_asked sheet with the reason this role cannot "
                    "speak to it.",
                ),
                "codes",
            )
