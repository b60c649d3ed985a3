"""Build XLSForm workbooks for tests from small Markdown tables, as pyxform's own tests do.

    | survey |
    | | type | name | label::中文 (zh) |
    | | text | q1   | 问题             |

A line `| sheet_name |` starts a sheet; the following `| | ... |` lines are its header and rows.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl


def parse_markdown(md: str) -> dict[str, list[list[str]]]:
    sheets: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in md.strip().splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0]:
            current = sheets.setdefault(cells[0], [])
        elif current is not None:
            current.append(cells[1:])
    return sheets


def write_xlsform(path: Path, md: str) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in parse_markdown(md).items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append([cell if cell != "" else None for cell in row])
    workbook.save(path)
    return path
