"""The matrix query as a workbook of its own (the coding page's Matrix → Export…): one sheet of
interviews with evidence per cell, one of codings per cell, and one of the segments behind them."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from yingzao.core import errors
from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.matrix import Matrix
from yingzao.core.durable import write_durably
from yingzao.core.export.xlsx_style import clean_text


def matrix_workbook(
    matrix: Matrix,
    book: ResearchCodebook,
    column_labels: dict[str, str],
    titles: tuple[str, str],
    lang: str = "zh",
) -> bytes:
    """The matrix as .xlsx bytes. `titles` names the two sheets (interviews, codings)."""
    workbook = Workbook()
    bold = Font(bold=True)
    for index, (title, cells) in enumerate(zip(titles, (matrix.interviews, matrix.codings))):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title[:31]
        sheet.append(["", *(clean_text(column_labels.get(c, c)) for c in matrix.columns)])
        for cell in sheet[1]:
            cell.font = bold
        top = max(cells.values(), default=0)
        for row in matrix.rows:
            label = book.get(row).label(lang) if book.has(row) else row
            sheet.append([clean_text(label), *(cells.get((row, c), 0) for c in matrix.columns)])
            for cell in sheet[sheet.max_row][1:]:
                if top and cell.value:
                    shade = 255 - int(150 * cell.value / top)
                    cell.fill = PatternFill("solid", start_color=f"FF{shade:02X}{shade:02X}FF")
        sheet.column_dimensions["A"].width = 28
        sheet.freeze_panes = "B2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_matrix_workbook(path: Path | str, data: bytes) -> Path:
    path = Path(path)
    if not path.parent.is_dir():
        raise errors.export_folder_missing(path)
    try:
        write_durably(path, data)
    except PermissionError as error:
        raise errors.export_file_in_use(path) if path.exists() else errors.export_not_writable(path, error) from error
    except OSError as error:
        raise errors.export_failed(path, error) from error
    return path
