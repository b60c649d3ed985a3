"""Benchmark of merging session packages: 100 laptops' packages into an empty master, then all of
them a second time, against a raw SQLite ATTACH + INSERT … SELECT of the same rows in the same run."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from yingzao.core.store import driver

from bench.run import OUT

PACKAGES = 100
PER_PACKAGE = 39  # make_data averages ~38.5 answers per interview: 3,900 interviews ≈ 150,000 answers


def _folder() -> Path:
    """Cached per schema and package format, so a later migration never meets stale laptops."""
    from yingzao.core.exchange.package import FORMAT_VERSION
    from yingzao.core.store.migrations import LATEST

    return OUT / f"merge_{PACKAGES}x{PER_PACKAGE}_schema{LATEST}_format{FORMAT_VERSION}"


def _template(folder: Path) -> Path:
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store

    path = folder / "template.db"
    if not path.exists():
        with Store(path) as store:
            load_library(store)  # parse the study's workbooks once; every laptop starts from a copy
    return path


def laptops_and_packages() -> tuple[list[Path], list[Path]]:
    """100 laptop databases filled by make_data (each its own device) and the package each exported;
    made once and cached under bench/out/."""
    from yingzao.core.exchange.package import pack_session
    from yingzao.core.store.database import Store

    from bench.make_data import fill

    folder = _folder()
    done = folder / "complete"
    laptops = [folder / f"laptop_{i:03d}.db" for i in range(PACKAGES)]
    packages = [folder / f"laptop_{i:03d}.yzpack" for i in range(PACKAGES)]
    if done.exists():
        return laptops, packages
    folder.mkdir(parents=True, exist_ok=True)
    template = _template(folder)
    started = time.perf_counter()
    for i, (laptop, package) in enumerate(zip(laptops, packages)):
        if i % 10 == 0:
            print(
                f"(making {PACKAGES} laptops and their packages once: {i}/{PACKAGES}, "
                f"{time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
        shutil.copy(template, laptop)
        conn = driver.connect(laptop)
        conn.execute("DELETE FROM settings WHERE key = 'device_id'")  # a laptop of its own
        conn.commit()
        conn.close()
        with Store(laptop, user=f"合成访员{i:03d}") as store:
            fill(store, PER_PACKAGE, seed=1000 + i)
            store.user = f"合成访员{i:03d}"
            pack_session(store, package)
    done.write_text("ok")
    return laptops, packages


def raw_attach_insert(laptops: list[Path], target: Path) -> float:
    """Baseline: the same rows copied with ATTACH + INSERT … SELECT, one transaction per laptop, into
    an empty database with the same schema and the store's pragmas (WAL, synchronous=FULL, foreign keys)."""
    from yingzao.core.store.database import Store

    Store(target).close()
    conn = driver.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    audit = "at, user, device_id, interview_id, question, field, old, new"
    started = time.perf_counter()
    for laptop in laptops:
        conn.execute("ATTACH DATABASE ? AS src", (str(laptop),))
        conn.execute("BEGIN")
        conn.execute("INSERT OR IGNORE INTO protocols SELECT * FROM src.protocols")
        conn.execute("INSERT OR IGNORE INTO communities SELECT * FROM src.communities")
        conn.execute("INSERT INTO interviews SELECT * FROM src.interviews")
        conn.execute("INSERT INTO answers SELECT * FROM src.answers")
        conn.execute(f"INSERT INTO audit ({audit}) SELECT {audit} FROM src.audit")
        conn.execute("INSERT INTO paradata SELECT * FROM src.paradata")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def bench_merge() -> list[str]:
    """Three rounds, each into a fresh master and a fresh baseline database, the two taking turns
    to go first; medians."""
    from yingzao.core.exchange.merge import ALREADY_MERGED, merge_packages
    from yingzao.core.store.database import Store

    laptops, packages = laptops_and_packages()
    baselines, firsts, agains = [], [], []
    for round_ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)

            def merge(folder: Path = folder) -> None:
                with Store(folder / "master.db", user="bench") as master:
                    started = time.perf_counter()
                    first = merge_packages(master, packages)
                    firsts.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    again = merge_packages(master, packages)
                    agains.append(time.perf_counter() - started)
                    assert all(p.status == "merged" and p.added == PER_PACKAGE for p in first.packages), (
                        "first merge incomplete"
                    )
                    assert all(p.status == ALREADY_MERGED for p in again.packages), "second merge was not a no-op"

            steps = [merge, lambda folder=folder: baselines.append(raw_attach_insert(laptops, folder / "baseline.db"))]
            for step in steps if round_ % 2 == 0 else steps[::-1]:
                step()
            with Store(folder / "master.db", user="bench") as master:
                interviews = master.count_interviews()
                answers = master.conn.execute("SELECT count(*) FROM answers").fetchone()[0]
                audit = master.conn.execute("SELECT count(*) FROM audit WHERE field != 'merged'").fetchone()[0]
            base_conn = driver.connect(folder / "baseline.db")
            same = base_conn.execute("SELECT count(*) FROM answers").fetchone()[0] == answers
            base_conn.close()
            assert same, "baseline and merge copied different rows"
    size = sum(p.stat().st_size for p in packages) / 1e6
    baseline, first_time, again_time = (statistics.median(t) for t in (baselines, firsts, agains))
    return [
        f"merge_first: {first_time:.2f} s (target: <= 3x baseline; {len(packages)} packages, {size:.0f} MB, "
        f"{interviews:,} interviews, {answers:,} answers, {audit:,} audit rows, into an empty master; median of 3)",
        f"merge_baseline: {baseline:.2f} s (raw sqlite3 ATTACH + INSERT ... SELECT of the same rows from the "
        f"{len(laptops)} laptop databases, one transaction each; interleaved with the merges)",
        f"merge_first_vs_baseline: {first_time / baseline:.2f}x",
        f"merge_again: {again_time:.2f} s (target: <= 1x baseline; every package already merged)",
        f"merge_again_vs_baseline: {again_time / baseline:.2f}x",
    ]


BENCHMARKS = {"merge": bench_merge}
