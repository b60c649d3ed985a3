"""Benchmarks of the REFI-QDA project (.qdpx) and the CSV export against the Excel export of the same
database: 3,920 synthetic interviews (~150,000 answers) and 300,000 synthetic codings made through the
REFI-QDA seam (`QdaCoding`, `bench.make_data.synthetic_codings`).

Each export runs in its own process, so peak memory (max RSS) is that export's alone; the codings are
made in the same process before the clock starts (a database would hand them over the same way), so
they count in the peak memory but not in the time. The Excel export runs before and after the others
and its mean is the baseline.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import ROOT, synthetic_db

INTERVIEWS = 3920
CODINGS = 300_000

_PEAK = """
import resource
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform != "darwin" else 1 / 1024)
"""

_EXPORT = (
    """
import sys, time
sys.path.insert(0, {root!r})
from yingzao.core.export.workbook import ExportOptions, export_workbook
start = time.perf_counter()
export_workbook({db!r}, {out!r}, ExportOptions())
elapsed = time.perf_counter() - start
"""
    + _PEAK
    + "print(elapsed, peak_kb / 1024)"
)

_CODINGS = """
import itertools, math, sys, time
sys.path.insert(0, {root!r})
from bench.make_data import synthetic_codings
from yingzao.core import paths
from yingzao.core.export.refi_model import codes_from_codebook
from yingzao.core.forms.codebook import load_codebook
from yingzao.core.store.database import Store
codes = codes_from_codebook(load_codebook(paths.CODEBOOK_PATH), "zh")
with Store({db!r}, read_only=True) as store:
    codings = list(itertools.islice(
        synthetic_codings(store, [c.id for c in codes if c.codable], per_text=4, seed=3), {n}))
"""

_QDPX = (
    _CODINGS
    + """
from yingzao.core.export.refi_write import write_qdpx
start = time.perf_counter()
result = write_qdpx({db!r}, {out!r}, codes=codes, codings=codings)
elapsed = time.perf_counter() - start
"""
    + _PEAK
    + "print(elapsed, peak_kb / 1024, result.codings, result.sources)"
)

_CSV = (
    _CODINGS
    + """
from yingzao.core.export.csv_tables import export_csv
start = time.perf_counter()
result = export_csv({db!r}, {out!r}, codes=codes, codings=codings)
elapsed = time.perf_counter() - start
"""
    + _PEAK
    + "print(elapsed, peak_kb / 1024, result.codings, result.answers)"
)


def _run(code: str) -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()


def _baseline(db: str, tmp: str) -> float:
    seconds, _ = _run(_EXPORT.format(root=str(ROOT), db=db, out=str(Path(tmp) / "export.xlsx")))
    return float(seconds)


def bench_qdpx() -> list[str]:
    db = str(synthetic_db(INTERVIEWS))
    with tempfile.TemporaryDirectory() as tmp:
        first = _baseline(db, tmp)
        out = Path(tmp) / "project.qdpx"
        seconds, peak, codings, sources = _run(_QDPX.format(root=str(ROOT), db=db, out=str(out), n=CODINGS))
        size = out.stat().st_size / 1e6
        second = _baseline(db, tmp)
    excel = (first + second) / 2
    return [
        f"qdpx_export: {float(seconds):.1f} s ({int(sources):,} text sources, {int(codings):,} codings,"
        f" {size:.0f} MB .qdpx)",
        f"qdpx_vs_export: {float(seconds) / excel:.2f}x (target: <= 1x; Excel export of the same database:"
        f" mean of {first:.1f} s and {second:.1f} s)",
        f"qdpx_peak_memory: {float(peak):.0f} MB (target: <= 400 MB; max RSS of the process, the"
        f" {int(codings):,} codings held in it included)",
    ]


def bench_csv() -> list[str]:
    db = str(synthetic_db(INTERVIEWS))
    with tempfile.TemporaryDirectory() as tmp:
        first = _baseline(db, tmp)
        out = Path(tmp) / "csv"
        seconds, peak, codings, answers = _run(_CSV.format(root=str(ROOT), db=db, out=str(out), n=CODINGS))
        size = sum(p.stat().st_size for p in out.iterdir()) / 1e6
        second = _baseline(db, tmp)
    excel = (first + second) / 2
    return [
        f"csv_export: {float(seconds):.1f} s ({int(answers):,} answers, {int(codings):,} codings, {size:.0f} MB,"
        f" {float(peak):.0f} MB peak)",
        f"csv_vs_export: {float(seconds) / excel:.2f}x (target: <= 0.3x; Excel export of the same database:"
        f" mean of {first:.1f} s and {second:.1f} s)",
    ]


# qdpx_peak_memory is printed by the qdpx run (one run measures both)
BENCHMARKS = {"qdpx_vs_export": bench_qdpx, "qdpx_peak_memory": bench_qdpx, "csv_vs_export": bench_csv}
