"""Workbook -> validated Protocol, pyxform-style: read, check the subset row by row, build.

Every problem is collected with its sheet, Excel row and column, so a form author sees the whole
list at once (`python main.py check-form`), not one error per attempt.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from yingzao.core import errors, paths
from yingzao.core.errors import FormError, Problem, Text
from yingzao.core.forms import choice_files, tolerance, xlsform
from yingzao.core.forms.codebook import INTERVIEW_FAMILIES, Codebook, table1_axes
from yingzao.core.forms.expr import ExpressionError
from yingzao.core.forms.label_check import check_code_labels
from yingzao.core.forms.odk_types import OdkType
from yingzao.core.forms.protocol import (
    ROLES,
    Choice,
    Labels,
    Protocol,
    Question,
    compiled,
    compiled_filter,
    filter_fields,
    language_code,
)
from yingzao.core.forms.sheet_reading import LoadContext, parse_headers, row_cells
from yingzao.core.forms.survey_sheet import read_survey

CHOICE_COLUMNS = {"list_name", "name", "label", "codes"}
SETTINGS_COLUMNS = {"form_id", "form_title", "version", "default_language", "respondent_role"}
NOT_ASKED_COLUMNS = {"code", "reason"}
SHEETS = ("survey", "choices", "settings", "not_asked", "external_choices")


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
    ctx = LoadContext(str(path), shipped=shipped, folder=folder)
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


def _build(book: xlsform.Workbook, ctx: LoadContext, codebook: Codebook | None) -> Protocol | None:
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
    questions, sections, languages, expressions = read_survey(survey, ctx, default_lang, choices)
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


def _settings(book: xlsform.Workbook, ctx: LoadContext) -> dict:
    sheet = book.sheets.get("settings")
    if sheet is None or not sheet.rows:
        return {}
    # default_language decides which language an unsuffixed form_title belongs to
    raw_default = next((v for k, v in sheet.rows[0].items() if k.strip().lower() == "default_language"), "")
    headers = parse_headers(sheet, SETTINGS_COLUMNS, ctx, language_code(raw_default) if raw_default else "default")
    plain, texts = row_cells(sheet.rows[0], headers)
    result: dict = dict(plain)
    result["titles"] = texts.get("form_title", {})
    return result


def _choices(
    book: xlsform.Workbook, ctx: LoadContext, default_lang: str, codebook: Codebook | None, name: str = "choices"
) -> dict[str, tuple[Choice, ...]]:
    """The lists of the choices sheet, or of external_choices (select_one_external: its lists are
    kept under odk_types.external_list(name), beside the choices sheet's lists of the same name)."""
    sheet = book.sheets.get(name)
    if sheet is None:
        return {}
    headers = parse_headers(sheet, CHOICE_COLUMNS, ctx, default_lang)
    lists: dict[str, list[Choice]] = {}
    for row_number, row in sheet.numbered_rows():
        plain, texts = row_cells(row, headers)
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


def _unused_choice_columns(questions: list[Question], ctx: LoadContext) -> None:
    """A choice column no choice_filter names is carried along but does nothing: say so."""
    filters = " ".join(q.choice_filter for q in questions if q.choice_filter).lower()
    for (sheet, column), original in ctx.kept_columns.items():
        if sheet in ("choices", "external_choices") and not re.search(
            rf"(?<![\w${{]){re.escape(column)}(?![\w}}])", filters
        ):
            ctx.warnings.append(tolerance.unused_choice_column(ctx.file, sheet, original))


def _check_expression(
    row: int, column: str, source: str, names: set[str], ctx: LoadContext, fields: frozenset[str] | None = None
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


def _check_codes(codes, codebook: Codebook | None, ctx: LoadContext, sheet: str, row: int) -> None:
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
    book: xlsform.Workbook, ctx: LoadContext, codebook: Codebook | None, default_lang: str
) -> dict[str, Labels]:
    sheet = book.sheets.get("not_asked")
    if sheet is None:
        return {}
    headers = parse_headers(sheet, NOT_ASKED_COLUMNS, ctx, default_lang)
    result: dict[str, Labels] = {}
    for row_number, row in sheet.numbered_rows():
        plain, texts = row_cells(row, headers)
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


def _check_coverage(
    questions: list[Question], not_asked: dict[str, Labels], codebook: Codebook, ctx: LoadContext
) -> None:
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
