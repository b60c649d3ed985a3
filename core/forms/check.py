"""`check-form`: a summary per workbook, or every problem as FILE:SHEET:ROW: message."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from yingzao.core.errors import FormError, Problem, Text
from yingzao.core.forms.codebook import Codebook
from yingzao.core.forms.loader import load_protocol
from yingzao.core.forms.protocol import Protocol


def summary(protocol: Protocol) -> list[str]:
    """The verdict on a workbook that loads, in the interface language (`errors.set_language`)."""
    # every question the fieldworker answers, a repeated one counted once (it is asked per instance)
    questions = tuple(q for q in protocol.questions if q.holds_value and q.type != "calculate")
    none = Text("（无）", "(none)")
    required, identifying = sum(q.required for q in questions), sum(q.identifying for q in questions)
    title = " / ".join(t for t in protocol.titles.values() if t) or protocol.form_id
    lines = [
        str(Text(f"{protocol.source_name}：通过", f"{protocol.source_name}: OK")),
        str(Text(f"  标题：    {title}", f"  title:     {title}")),
        str(
            Text(
                f"  表单 id： {protocol.form_id}   版本：{protocol.version or none.zh}   受访角色：{protocol.role or none.zh}",
                f"  form id:   {protocol.form_id}   version: {protocol.version or none.en}   role: {protocol.role or none.en}",
            )
        ),
        str(
            Text(
                f"  语言：    {', '.join(protocol.languages)}（默认 {protocol.default_language}）",
                f"  languages: {', '.join(protocol.languages)} (default {protocol.default_language})",
            )
            if protocol.default_language != "default"
            else Text("  语言：    （标签没有语言后缀）", "  languages: (labels carry no language suffix)")
        ),
        str(
            Text(
                f"  部分：    {len(protocol.sections)}   问题：{len(questions)}（必答 {required}，可识别身份 {identifying}）",
                f"  sections:  {len(protocol.sections)}   questions: {len(questions)}"
                f" ({required} required, {identifying} identifying)",
            )
        ),
    ]
    optional = sum(q.optional for q in questions)
    if protocol.minutes or optional:
        budgets = " + ".join(str(s.minutes or 0) for s in protocol.sections)
        lines.append(
            str(
                Text(
                    f"  时间：    {protocol.minutes} 分钟（{budgets}）   核心 {len(questions) - optional}，可选 {optional}",
                    f"  time:      {protocol.minutes} min ({budgets})   {len(questions) - optional} core, {optional} optional",
                )
            )
        )
    codes = protocol.codes_used
    listed = f": {' '.join(codes)}" if codes else ""
    lines.append(
        str(
            Text(
                f"  编码：    用到 {len(codes)} 个{'：' + ' '.join(codes) if codes else ''}",
                f"  codes:     {len(codes)} used{listed}",
            )
        )
    )
    for repeat in protocol.repeats:
        inner = [q.name for q in protocol.repeated(repeat.name) if q.holds_value and q.type != "calculate"]
        how = (
            Text(f"实例数 = {repeat.repeat_count}", f"instances = {repeat.repeat_count}")
            if repeat.repeat_count
            else Text("访员逐项添加", "added one by one")
        )
        lines.append(
            str(
                Text(
                    f"  重复组：  {repeat.name}（{len(inner)} 个问题，{how.zh}）：{' '.join(inner)}",
                    f"  repeat:    {repeat.name} ({len(inner)} questions, {how.en}): {' '.join(inner)}",
                )
            )
        )
    if protocol.not_asked:
        lines.append(
            str(Text(f"  不问：    {' '.join(protocol.not_asked)}", f"  not asked: {' '.join(protocol.not_asked)}"))
        )
    return lines


def check_forms(paths: list[Path], codebook: Codebook | None, out: TextIO, *, strict: bool = False) -> int:
    """Print the verdict on each workbook; return 0 when all load, 2 when any does not (or, with
    `strict`, when any carries something Yingzao ignores: a warning)."""
    failed = warned = False
    for path in paths:
        warnings: list[Problem] = []
        try:
            protocol = load_protocol(path, codebook, warnings=warnings)
        except FormError as error:
            failed = True
            for problem in error.problems:
                print(str(problem), file=out)
            _print_warnings(warnings, out)
            continue
        print("\n".join(summary(protocol)), file=out)
        _print_warnings(warnings, out)
        warned = warned or bool(warnings)
    return 2 if failed or (strict and warned) else 0


def _print_warnings(warnings: list[Problem], out: TextIO) -> None:
    for warning in warnings:
        print(str(Text("  警告：", "  warning: ")) + str(warning), file=out)
