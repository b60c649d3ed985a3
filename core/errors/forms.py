"""Forms from ODK and Kobo: what is tolerated with a warning, and what is refused."""

from __future__ import annotations

from dataclasses import dataclass

from yingzao.core.errors.base import Problem, Text

# -- Forms from ODK and Kobo (issue 18): what is tolerated with a warning, and what is refused ------


@dataclass(frozen=True)
class CodedProblem(Problem):
    """A Problem with a stable code, so the app and tests can tell kinds apart whatever the wording.
    Prints as any Problem does: FILE:SHEET:ROW: [column] message."""

    code: str = ""


_IGNORED = Text("营造会忽略它", "Yingzao ignores it")


def form_ignored_column(file: str, sheet: str, column: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        sheet,
        1,
        Text(
            f"列“{column}”不会被使用（{why.zh}）；{_IGNORED.zh}。",
            f"column '{column}' is not used ({why.en}); {_IGNORED.en}.",
        ),
        column,
        code="form_ignored_column",
    )


def form_ignored_sheet(file: str, sheet: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        sheet,
        None,
        Text(
            f"工作表“{sheet}”不会被使用（{why.zh}）；{_IGNORED.zh}。",
            f"sheet '{sheet}' is not used ({why.en}); {_IGNORED.en}.",
        ),
        code="form_ignored_sheet",
    )


def form_ignored_setting(file: str, setting: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "settings",
        2,
        Text(
            f"设置“{setting}”不会被使用（{why.zh}）；{_IGNORED.zh}。",
            f"setting '{setting}' is not used ({why.en}); {_IGNORED.en}.",
        ),
        setting,
        code="form_ignored_setting",
    )


def form_ignored_parameter(file: str, row: int, parameter: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"参数“{parameter}”不会被使用（{why.zh}）；{_IGNORED.zh}。",
            f"parameter '{parameter}' is not used ({why.en}); {_IGNORED.en}.",
        ),
        "parameters",
        code="form_ignored_parameter",
    )


def form_ignored_metadata(file: str, row: int, kind: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(f"元数据“{kind}”：{why.zh}", f"metadata '{kind}': {why.en}"),
        "type",
        code="form_ignored_metadata",
    )


def form_column_refused(file: str, row: int, column: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(f"不支持列“{column}”：{why.zh}。", f"column '{column}' is not supported: {why.en}."),
        column,
        code="form_column_refused",
    )


def form_repeat_nested(file: str, row: int, name: str, outer: str) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"重复组“{name}”在重复组“{outer}”之内：营造尚不支持重复组套重复组（它会改变访谈记录的内容）；"
            "请把内层的问题放进外层重复组，或把内层重复组移到外面",
            f"repeat '{name}' is inside repeat '{outer}': Yingzao does not support a repeat within a repeat yet "
            "(it changes what an interview records); put the inner questions in the outer repeat, or move the "
            "inner repeat out of it",
        ),
        "type",
        code="form_repeat_nested",
    )


def form_repeat_empty(file: str, row: int, name: str) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"重复组“{name}”中没有问题；请在 begin_repeat 和 end_repeat 之间加入问题，或删除它。",
            f"repeat '{name}' holds no questions; add questions between begin_repeat and end_repeat, or delete it.",
        ),
        "type",
        code="form_repeat_empty",
    )


def form_repeat_count_misplaced(file: str, row: int) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            "repeat_count 只能写在 begin_repeat 行上；请把它移到重复组的开始行。",
            "repeat_count belongs on a begin_repeat row; move it to the row that begins the repeat.",
        ),
        "repeat_count",
        code="form_repeat_count_misplaced",
    )


def form_group_end_mismatch(file: str, row: int, end: str, opened: str) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"{end} 结束的不是“{opened}”的那种分组；begin_group 用 end_group 结束，begin_repeat 用 end_repeat 结束。",
            f"{end} does not close the kind of group '{opened}' is; begin_group ends with end_group, begin_repeat "
            "with end_repeat.",
        ),
        "type",
        code="form_group_end_mismatch",
    )


def form_type_refused(file: str, row: int, raw: str, feature: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(f"不支持类型“{raw}”：{feature.zh}。", f"type '{raw}' is not supported: {feature.en}."),
        "type",
        code="form_type_refused",
    )


def form_choice_file_missing(file: str, row: int, csv: str, folder: str) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"找不到选项文件“{csv}”；请把它放在工作簿旁边（{folder}），再重新载入。",
            f"the choices file '{csv}' is not there; put it beside the workbook ({folder}) and load the form again.",
        ),
        "type",
        code="form_choice_file_missing",
    )


def form_choice_file_bad(file: str, csv: str, row: int | None, why: Text) -> CodedProblem:
    where = Text(f"第 {row} 行：", f"row {row}: ") if row is not None else Text("", "")
    return CodedProblem(
        file,
        csv,
        row,
        Text(
            f"选项文件“{csv}”{where.zh}{why.zh}；请在 Excel 中修改这个 CSV 文件，再重新载入表单。",
            f"choices file '{csv}': {where.en}{why.en}; fix the CSV file (in Excel) and load the form again.",
        ),
        code="form_choice_file_bad",
    )
