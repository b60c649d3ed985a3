"""`check-form`: a summary per workbook, or every problem as FILE:SHEET:ROW: message."""
from __future__ import annotations

from pathlib import Path
from typing import TextIO

from yingzao.core.forms.codebook import Codebook
from yingzao.core.errors import FormError
from yingzao.core.forms.loader import load_protocol
from yingzao.core.forms.protocol import Protocol


def summary(protocol: Protocol) -> list[str]:
    questions = protocol.answerable
    lines = [
        f"{protocol.source_name}: OK",
        f"  title:     {' / '.join(t for t in protocol.titles.values() if t) or protocol.form_id}",
        f"  form id:   {protocol.form_id}   version: {protocol.version or '(none)'}   role: {protocol.role or '(none)'}",
        f"  languages: {', '.join(protocol.languages)} (default {protocol.default_language})"
        if protocol.default_language != "default" else "  languages: (labels carry no language suffix)",
        f"  sections:  {len(protocol.sections)}   questions: {len(questions)}"
        f" ({sum(q.required for q in questions)} required, {sum(q.identifying for q in questions)} identifying)",
    ]
    codes = protocol.codes_used
    lines.append(f"  codes:     {len(codes)} used" + (f": {' '.join(codes)}" if codes else ""))
    if protocol.not_asked:
        lines.append(f"  not asked: {' '.join(protocol.not_asked)}")
    return lines


def check_forms(paths: list[Path], codebook: Codebook | None, out: TextIO) -> int:
    """Print the verdict on each workbook; return 0 when all load, 2 when any does not."""
    failed = False
    for path in paths:
        try:
            protocol = load_protocol(path, codebook)
        except FormError as error:
            failed = True
            for problem in error.problems:
                print(str(problem), file=out)
            continue
        print("\n".join(summary(protocol)), file=out)
    return 2 if failed else 0
