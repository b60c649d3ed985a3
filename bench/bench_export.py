"""Benchmark of the Excel export: ~150,000 answers, against openpyxl's write-only mode writing the
same cells raw (no styles, widths, filters or data work) in the same run.

Our protocols have ~38 answered questions per synthetic interview, so "1,000 interviews × 150
answers" is measured as the same number of answers spread over ~3,900 interviews: the answer rows,
the text and the cells are what cost; more interviews only add framework-matrix and presence rows.
Each side runs in its own process, so peak memory (max RSS) is the export's alone.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import ROOT, synthetic_db

INTERVIEWS = 3920  # x ~38.3 answers each = ~150,000 answers

_EXPORT = """
import resource, sys, time
sys.path.insert(0, {root!r})
from yingzao.core.export.workbook import ExportOptions, export_workbook
start = time.perf_counter()
result = export_workbook({db!r}, {out!r}, ExportOptions(anonymize={anonymize}, accept_detected=True))
elapsed = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform != "darwin" else 1 / 1024)
print(elapsed, peak_kb / 1024, result.interviews, result.answers)
"""

_RAW = """
import sys, time
from openpyxl import Workbook, load_workbook
source = load_workbook({out!r}, read_only=True)
book = Workbook(write_only=True)
elapsed, cells = 0.0, 0
for sheet in source.worksheets:
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]  # read first: not timed
    cells += sum(v is not None for row in rows for v in row)
    start = time.perf_counter()
    target = book.create_sheet(sheet.title)
    for row in rows:
        target.append(row)
    elapsed += time.perf_counter() - start
    del rows
start = time.perf_counter()
book.save({raw!r})
elapsed += time.perf_counter() - start
print(elapsed, cells)
"""


def _run(code: str) -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()


def bench_export() -> list[str]:
    """The export and the raw baseline alternate: export, raw, anonymised export, raw again; the
    baseline is the mean of the two raw runs around the anonymised one (each run takes tens of
    seconds here, so more rounds would take minutes)."""
    db = str(synthetic_db(INTERVIEWS))
    with tempfile.TemporaryDirectory() as tmp:
        out, raw, anon = (str(Path(tmp) / name) for name in ("export.xlsx", "raw.xlsx", "anonymised.xlsx"))
        seconds, peak, interviews, answers = _run(_EXPORT.format(root=str(ROOT), db=db, out=out, anonymize=False))
        raw_first, cells = _run(_RAW.format(out=out, raw=raw))
        anon_seconds, anon_peak, _, _ = _run(_EXPORT.format(root=str(ROOT), db=db, out=anon, anonymize=True))
        raw_second, _ = _run(_RAW.format(out=out, raw=raw))
        size = Path(out).stat().st_size / 1e6
    seconds, anon_seconds = float(seconds), float(anon_seconds)
    raw_seconds = (float(raw_first) + float(raw_second)) / 2
    return [
        f"export_150k_answers: {seconds:.1f} s (database of {int(interviews):,} interviews, {int(answers):,} answers;"
        f" {int(cells):,} cells, {size:.0f} MB .xlsx)",
        f"raw_write_only_same_cells: {raw_seconds:.1f} s (baseline: openpyxl write-only writing the same cells raw;"
        f" mean of {float(raw_first):.1f} s and {float(raw_second):.1f} s, run between the exports)",
        f"export_vs_raw_write_only: {seconds / raw_seconds:.2f}x (target: <= 1.5x)",
        f"export_peak_memory: {float(peak):.0f} MB (target: <= 400 MB; max RSS of the exporting process)",
        f"export_anonymised: {anon_seconds:.1f} s, {float(anon_peak):.0f} MB peak"
        f" ({anon_seconds / raw_seconds:.2f}x the raw baseline)",
        f"anonymised_export_vs_plain: {anon_seconds / seconds:.2f}x (target: <= 2x; the same database exported"
        " anonymised and plain, in one run)",
    ]


BENCHMARKS = {"export": bench_export}
