"""Benchmarks, each printed as `NAME: VALUE UNIT (target: ...)` with a ratio to a baseline run in
the same process, because absolute times on shared machines are noise.

    python bench/run.py [NAME...]        # all benchmarks when no name is given
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"  # generated databases are cached here between runs (git-ignored)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def synthetic_db(interviews: int) -> Path:
    """A database of `interviews` synthetic interviews, made once and copied for each use."""
    from bench.make_data import fill
    from core.store import Store

    OUT.mkdir(exist_ok=True)
    path = OUT / f"synthetic_{interviews}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        print(f"(making {path.name} once: {interviews} synthetic interviews...)", file=sys.stderr)
        with Store(partial, user="合成数据") as store:
            fill(store, interviews, seed=7, progress=True)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(path)
    return path


def bare_commit_samples(folder: Path, n: int) -> list[float]:
    """Baseline: one-row INSERT + COMMIT on a WAL database with synchronous=FULL."""
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    samples = []
    for i in range(n):
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t (v) VALUES (?)", (f"value {i}",))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - start)
    conn.close()
    return samples


def bench_answer_save() -> list[str]:
    """p95 of saving one answer (its own transaction, audit row included) in a database of at least
    5,000 interviews x 60 answers: our protocols have ~45 answerable questions, so it takes 6,800."""
    from core.library import load_library
    from core.store import Store

    source = synthetic_db(6800)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        shutil.copy(source, db)
        baseline = bare_commit_samples(folder, 1000)
        with Store(db, user="bench") as store:
            answers = store.conn.execute("SELECT count(*) FROM answers").fetchone()[0]
            interviews = store.count_interviews()
            protocol = load_library(store).by_role("cadre")[0]
            texts = [q.name for q in protocol.questions if q.type == "text"]
            interview = store.start_interview(protocol.sha256)
            samples = []
            for i in range(1000):
                start = time.perf_counter()
                store.save_answer(interview, texts[i % len(texts)], f"第{i}稿：居民议事会每月召开一次，三长队伍收集需求。")
                samples.append(time.perf_counter() - start)
        p95, base95 = percentile(samples, 95) * 1000, percentile(baseline, 95) * 1000
        return [
            f"answer_save_p95: {p95:.2f} ms (target: <= 2 ms; database of {interviews:,} interviews, {answers:,} answers)",
            f"answer_save_median: {statistics.median(samples) * 1000:.2f} ms",
            f"bare_commit_p95: {base95:.2f} ms (baseline: one-row INSERT+COMMIT, WAL, synchronous=FULL)",
            f"answer_save_vs_bare_commit: {p95 / base95:.2f}x (p95 / p95)",
        ]


def bench_protocol_cache() -> list[str]:
    """Loading the study's protocols at start-up from the store's cache vs parsing the workbooks."""
    import subprocess

    code = (
        "import sys, time; sys.path.insert(0, {root!r}); t = time.perf_counter();"
        "from core.store import Store; from core.library import load_library;"
        "s = Store({db!r}); lib = load_library(s); n = len(lib.protocols);"
        "print(time.perf_counter() - t, 'pyxform' in ' '.join(sys.modules))"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "cache.db")
        runs = []
        for _ in range(4):  # first run parses, the others read the cache
            out = subprocess.run([sys.executable, "-c", code.format(root=str(ROOT), db=db)],
                                 capture_output=True, text=True, check=True).stdout.split()
            runs.append((float(out[0]), out[1] == "True"))
    parse_time, parsed = runs[0]
    cached_time = min(t for t, _ in runs[1:])
    cached_parsed = any(p for _, p in runs[1:])
    return [
        f"protocols_first_load: {parse_time * 1000:.0f} ms (parses 4 workbooks with pyxform: {parsed})",
        f"protocols_cached_load: {cached_time * 1000:.0f} ms (pyxform imported: {cached_parsed}; target: no parse at start-up)",
        f"protocols_cached_vs_first: {cached_time / parse_time:.2f}x",
    ]


BENCHMARKS: dict[str, Callable[[], list[str]]] = {
    "answer_save": bench_answer_save,
    "protocol_cache": bench_protocol_cache,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in args.names or BENCHMARKS:
        for line in BENCHMARKS[name]():
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
