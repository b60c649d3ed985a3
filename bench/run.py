"""Benchmarks, each printed as `NAME: VALUE UNIT (target: ...)` with a ratio to a baseline run in
the same process, because absolute times on shared machines are noise.

    python bench/run.py [NAME...]        # all benchmarks when no name is given
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"  # generated databases are cached here between runs (git-ignored)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def synthetic_db(interviews: int, completed_share: float = 0.7) -> Path:
    """A database of `interviews` synthetic interviews, made once and copied for each use."""
    from yingzao.core.store.database import Store

    from bench.make_data import fill

    OUT.mkdir(exist_ok=True)
    suffix = "" if completed_share == 0.7 else f"_completed{int(completed_share * 100)}"
    path = OUT / f"synthetic_{interviews}{suffix}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        print(f"(making {path.name} once: {interviews} synthetic interviews...)", file=sys.stderr)
        with Store(partial, user="合成数据") as store:
            fill(store, interviews, seed=7, progress=True, completed_share=completed_share)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(path)
    return path


def all_benchmarks() -> dict[str, Callable[[], list[str]]]:
    """Every `BENCHMARKS` table of the bench/bench_*.py modules, in file order."""
    import importlib

    found: dict[str, Callable[[], list[str]]] = {}
    for module_path in sorted(Path(__file__).parent.glob("bench_*.py")):
        module = importlib.import_module(f"bench.{module_path.stem}")
        found.update(module.BENCHMARKS)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmark names (default: all)")
    args = parser.parse_args()
    BENCHMARKS = all_benchmarks()
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    done = set()
    for name in args.names or BENCHMARKS:
        if BENCHMARKS[name] in done:  # one run prints several names (qdpx_vs_export and qdpx_peak_memory)
            continue
        done.add(BENCHMARKS[name])
        for line in BENCHMARKS[name]():
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
