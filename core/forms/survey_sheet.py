"""The survey sheet, row by row: its types (ODK's expanded as pyxform does), groups that become
sections, repeat groups, and each question's columns, checked where they are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import cast

from yingzao.core import errors
from yingzao.core.errors import Problem, Text
from yingzao.core.forms import choice_files, metadata, odk_types, study, tolerance, xlsform
from yingzao.core.forms.odk_types import OdkType
from yingzao.core.forms.protocol import (
    PRIORITIES,
    Choice,
    Labels,
    Question,
    QuestionType,
    Section,
)
from yingzao.core.forms.sheet_reading import LoadContext, parse_headers, row_cells, yes_no

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
SHOWN_TEXTS = ("label", "hint", "probe", "optional_probe")  # what the fieldworker reads: checked for {{…}}
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


def _question_type(
    raw: str, row: int, ctx: LoadContext, choices: dict, params: dict[str, str], default_lang: str
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
    name: str, row: int, ctx: LoadContext, params: dict[str, str], default_lang: str
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


@dataclass
class _OpenSection:
    name: str
    labels: Labels
    row: int
    relevant: str | None
    questions: list[str] = field(default_factory=list)
    minutes: int | None = None


def read_survey(sheet: xlsform.Sheet, ctx: LoadContext, default_lang: str, choices: dict):
    headers = parse_headers(sheet, SURVEY_COLUMNS, ctx, default_lang)
    languages = {h.lang for h in headers.values() if h.lang and h.column == "label"} or {default_lang}
    questions: list[Question] = []
    sections: list[_OpenSection] = []
    stack: list[tuple[str, str | None, int, str]] = []  # open groups and repeats: name, relevant, row, kind
    seen: dict[str, int] = {}
    expressions: list[tuple[int, str, str]] = []  # checked once every name is known
    for row_number, row in sheet.numbered_rows():
        plain, texts = row_cells(row, headers)
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
        for column in SHOWN_TEXTS:
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
                required=yes_no(plain.get("required", ""), "required", row_number, ctx),
                required_message=texts.get("required_message", {}),
                relevant=tuple(r for _, r, _, _ in stack if r) + ((relevant,) if relevant else ()),
                constraint=constraint,
                constraint_message=texts.get("constraint_message", {}),
                default=plain.get("default") or None,
                appearance=plain.get("appearance") or ("multiline" if kind == "text" and "rows" in params else None),
                calculation=plain.get("calculation") or None,
                list_name=list_name,
                codes=codes,
                identifying=yes_no(plain.get("identifying", ""), "identifying", row_number, ctx),
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


def _minutes(value: str, kind: str, row: int, ctx: LoadContext) -> int | None:
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


def _check_parameters(params: dict[str, str], parsed: OdkType, row: int, ctx: LoadContext) -> None:
    for name in params:
        why = odk_types.ignored_parameter(name, parsed.kind, parsed.file is not None)
        if why is not None:
            ctx.warnings.append(errors.form_ignored_parameter(ctx.file, row, name, why))


def _unflagged(name: str, row: int, ctx: LoadContext) -> None:
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
