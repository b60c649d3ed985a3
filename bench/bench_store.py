"""Benchmarks of the store: saving one answer, and loading the protocols at start-up."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from yingzao.core.store import driver

from bench.run import ROOT, percentile, synthetic_db


def bench_answer_save() -> list[str]:
    """p95 of saving one answer (its own transaction, audit row included) in a database of at least
    5,000 interviews x 60 answers: our protocols have ~45 answerable questions, so it takes 6,800.

    The baseline is a bare one-row INSERT + COMMIT into a table as large as the answers table (a copy
    of its rows, with the same key), in the same database file, on its own connection with the
    store's pragmas; the two are interleaved in rounds so that both meet the same disk and the same
    load, and grow alike."""
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store

    source = synthetic_db(6800)
    rounds, per_round = 20, 50
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        shutil.copy(source, db)
        with Store(db, user="bench") as store:
            answers = store.conn.execute("SELECT count(*) FROM answers").fetchone()[0]
            interviews = store.count_interviews()
            protocol = load_library(store).by_role("cadre")[0]
            texts = [q.name for q in protocol.questions if q.type == "text"]
            interview = store.start_interview(protocol.sha256)
            bare = driver.connect(db, isolation_level=None)
            bare.execute("PRAGMA journal_mode=WAL")
            bare.execute("PRAGMA synchronous=FULL")
            bare.execute(
                "CREATE TABLE bench_bare (interview_id TEXT NOT NULL, question TEXT NOT NULL, value,"
                " PRIMARY KEY (interview_id, question))"
            )
            bare.execute("INSERT INTO bench_bare SELECT interview_id, question, value FROM answers")
            bare_rows = bare.execute("SELECT count(*) FROM bench_bare").fetchone()[0]
            samples, baseline = [], []

            def save(i: int) -> None:
                start = time.perf_counter()
                store.save_answer(
                    interview, texts[i % len(texts)], f"第{i}稿：居民议事会每月召开一次，三长队伍收集需求。"
                )
                samples.append(time.perf_counter() - start)

            def insert(i: int) -> None:
                start = time.perf_counter()
                bare.execute("BEGIN")
                bare.execute(
                    "INSERT INTO bench_bare VALUES (?, ?, ?)", ("bench", f"q{i}", f"第{i}稿：居民议事会每月召开一次。")
                )
                bare.execute("COMMIT")
                baseline.append(time.perf_counter() - start)

            for round_ in range(rounds):
                order = (save, insert) if round_ % 2 == 0 else (insert, save)
                for run in order:
                    for i in range(round_ * per_round, (round_ + 1) * per_round):
                        run(i)
            bare.close()
        p95, base95 = percentile(samples, 95) * 1000, percentile(baseline, 95) * 1000
        return [
            f"answer_save_p95: {p95:.2f} ms (target: <= 2 ms; database of {interviews:,} interviews, {answers:,} answers)",
            f"answer_save_median: {statistics.median(samples) * 1000:.2f} ms",
            f"bare_commit_p95: {base95:.2f} ms (baseline: one-row INSERT+COMMIT into a table of {bare_rows:,} rows "
            f"in the same file, WAL, synchronous=FULL; interleaved with the saves, {rounds} rounds)",
            f"answer_save_vs_bare_commit: {p95 / base95:.2f}x (p95 / p95)",
        ]


def bench_protocol_cache() -> list[str]:
    """Loading the study's protocols at start-up from the store's cache vs parsing the workbooks."""
    import subprocess

    code = (
        "import sys, time; sys.path.insert(0, {root!r}); t = time.perf_counter();"
        "from yingzao.core.store.database import Store; from yingzao.core.forms.library import load_library;"
        "s = Store({db!r}); lib = load_library(s); n = len(lib.protocols);"
        "print(time.perf_counter() - t, 'pyxform' in ' '.join(sys.modules))"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "cache.db")
        runs = []
        for _ in range(4):  # first run parses, the others read the cache
            out = subprocess.run(
                [sys.executable, "-c", code.format(root=str(ROOT), db=db)], capture_output=True, text=True, check=True
            ).stdout.split()
            runs.append((float(out[0]), out[1] == "True"))
    parse_time, parsed = runs[0]
    cached_time = min(t for t, _ in runs[1:])
    cached_parsed = any(p for _, p in runs[1:])
    return [
        f"protocols_first_load: {parse_time * 1000:.0f} ms (parses 4 workbooks with pyxform: {parsed})",
        f"protocols_cached_load: {cached_time * 1000:.0f} ms (pyxform imported: {cached_parsed}; target: no parse at start-up)",
        f"protocols_cached_vs_first: {cached_time / parse_time:.2f}x",
    ]


BENCHMARKS = {
    "answer_save": bench_answer_save,
    "protocol_cache": bench_protocol_cache,
}
