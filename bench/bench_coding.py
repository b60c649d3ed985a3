"""Benchmarks of the researcher's coding (core/coding/): saving a coding, search, "code all hits",
matrix queries, an export and a merge carrying 300,000 codings, each against a baseline in the same run.

Synthetic codings are spans of the synthetic answers, each with a quote that is really there.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from yingzao.core.store import driver

from bench.run import OUT, ROOT, percentile, synthetic_db

CODINGS = 300_000
CODES = [
    "DIM.ORG",
    "DIM.SPACE",
    "DIM.SERVICE",
    "DIM.SUBJECT",
    "ACT.PARTY",
    "ACT.GOV",
    "ACT.MARKET",
    "ACT.RESIDENT",
    "FAC.INDUSTRY",
    "FAC.POPULATION",
    "FAC.ENVIRONMENT",
    "FAC.AUTONOMY",
    "SCN.SERVICE.HOUSING",
    "SCN.SERVICE.HEALTH",
    "SCN.CULTURE",
    "MODE.CLUSTER",
]


def _text_answers(store, what: str, limit: int = -1) -> list[tuple]:
    """(interview, question, `what`) of answers to text questions of more than 20 characters."""
    text_questions = {
        (sha, q.name)
        for (sha,) in store.conn.execute("SELECT DISTINCT protocol_sha256 FROM interviews").fetchall()
        for q in store.protocol(sha).questions
        if q.type == "text"
    }
    rows = store.conn.execute(
        f"SELECT a.interview_id, a.question, {what}, i.protocol_sha256 FROM answers a"
        " JOIN interviews i ON i.id = a.interview_id WHERE typeof(a.value) = 'text' AND length(a.value) > 20"
        " LIMIT ?",
        (limit,),
    ).fetchall()
    return [row[:3] for row in rows if (row[3], row[1]) in text_questions]


def _coding_rows(store, count: int, rng: random.Random, coders: tuple[str, ...]) -> list:
    """`count` codings over the store's text answers, as Coding records."""
    from yingzao.core.store.codings import Coding

    texts = _text_answers(store, "a.value")
    codes = [c for c in CODES if c != "MODE.CLUSTER"] or CODES
    rows = []
    now = "2026-01-01T00:00:00.000Z"
    for _ in range(count):
        interview_id, question, text = rng.choice(texts)
        start = rng.randrange(0, len(text) - 10)
        end = min(len(text), start + rng.randint(5, 60))
        coder = rng.choice(coders)
        rows.append(
            Coding(
                id=str(uuid.UUID(int=rng.getrandbits(128))),
                interview_id=interview_id,
                question=question,
                target="answer",
                start=start,
                end=end,
                quote=text[start:end],
                code=rng.choice(codes),
                coder=coder,
                origin="coded",
                memo="",
                pinned=0,
                pinned_for="",
                state="live",
                anchor="ok",
                created_at=now,
                updated_at=now,
                updated_by=coder,
                device_id=store.device_id,
            )
        )
    return rows


def coded_db(interviews: int, codings: int, *, completed_share: float = 0.7) -> Path:
    """A copy of the synthetic database with `codings` codings, made once."""
    from yingzao.core.store.database import Store

    path = OUT / f"coded_{interviews}_{codings}.db"
    if path.exists():
        return path
    source = synthetic_db(interviews, completed_share)
    partial = path.with_suffix(".partial.db")
    with Store(source) as store:  # brought to the latest schema, then copied with SQLite's backup
        store.backup(partial)
    print(f"(adding {codings:,} codings to {path.name} once...)", file=sys.stderr)
    with Store(partial, user="合成编码员") as store:
        rows = _coding_rows(store, codings, random.Random(11), ("研究者甲", "研究者乙"))
        for at in range(0, len(rows), 50_000):
            store.coding.upsert_newer("coding", rows[at : at + 50_000])
        with store.transaction():
            store.conn.execute("UPDATE codings SET anchor = 'ok'")  # made from the text itself
        store.coding.bring_index_up_to_date()
        store.backup(path)
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    return path


def _work_copy(path: Path, folder: Path) -> Path:
    from yingzao.core.store.database import Store

    target = folder / path.name
    Store(path).close()  # a cached database made before a later migration is brought up to date once
    with Store(path, read_only=True) as store:
        store.backup(target)
    return target


def bench_coding_store() -> list[str]:
    """coding_save_p95 (10,000 interviews, 300,000 codings), fts_search and code_all_hits (150,000
    answers), matrix_query (10,000 interviews, 300,000 codings)."""
    from yingzao.core.coding import codebook as cb
    from yingzao.core.coding import codings, matrix, search
    from yingzao.core.coding.codings import Span
    from yingzao.core.store.database import Store

    lines: list[str] = []
    big = coded_db(10_000, CODINGS, completed_share=1.0)
    with tempfile.TemporaryDirectory() as tmp:
        db = _work_copy(big, Path(tmp))
        with Store(db, user="研究者丙") as store:
            book = cb.research_codebook(store)
            rng = random.Random(3)
            texts = _text_answers(store, "length(a.value)", 20000)
            saves, inserts = [], []
            conn = store.conn
            for n in range(400):
                interview_id, question, length = rng.choice(texts)
                start = rng.randrange(0, length - 5)
                span = Span(interview_id, question, "answer", start, start + 5)
                began = time.perf_counter()
                codings.apply_code(store, book, span, rng.choice(CODES[:12]))
                saves.append(time.perf_counter() - began)
                # baseline: one bare INSERT of a row of the same shape, its own transaction, same table
                began = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO codings VALUES (?, ?, ?, 'answer', 0, 5, 'x', 'DIM.ORG', 'b', 'coded', '', 0, '',"
                    " 'live', 'ok', 'now', 'now', 'b', 'd', '')",
                    (f"baseline-{n}", interview_id, question),
                )
                conn.execute("COMMIT")
                inserts.append(time.perf_counter() - began)
            p95, base = percentile(saves, 95) * 1000, percentile(inserts, 95) * 1000
            lines.append(
                f"coding_save_p95: {p95:.2f} ms (target: <= 2 ms; 400 codings into 10,000 interviews /"
                f" {CODINGS:,} codings; a bare INSERT of the same row in its own transaction: {base:.2f} ms p95,"
                f" {p95 / base:.1f}x)"
            )
            dims = ["DIM.ORG", "DIM.SPACE", "DIM.SERVICE", "DIM.SUBJECT"]
            codes30 = [c.id for c in book.codes if c.family in ("actor", "factor", "scene", "dimension")][:30]
            runs = {"dims_x_community": [], "codes_x_role": [], "raw_group_by": []}
            for _ in range(5):
                began = time.perf_counter()
                result = matrix.matrix_query(store, book, dims, "community")
                runs["dims_x_community"].append(time.perf_counter() - began)
                began = time.perf_counter()
                wide = matrix.matrix_query(store, book, codes30, "role")
                runs["codes_x_role"].append(time.perf_counter() - began)
                began = time.perf_counter()
                conn.execute(
                    "SELECT c.code, i.community_id, count(DISTINCT c.interview_id), count(*) FROM codings c"
                    " JOIN interviews i ON i.id = c.interview_id WHERE c.state = 'live' GROUP BY 1, 2"
                ).fetchall()
                runs["raw_group_by"].append(time.perf_counter() - began)
            small, large, raw = (statistics.median(v) * 1000 for v in runs.values())
            lines.append(
                f"matrix_query: {small:.0f} ms for 4 dimensions x {len(result.columns)} communities, {large:.0f} ms"
                f" for {len(wide.rows)} codes x {len(wide.columns)} roles (target: <= 200 ms; 10,000 interviews,"
                f" {CODINGS:,} codings; goals rolled up; a raw GROUP BY of every code x community:"
                f" {raw:.0f} ms, {max(small, large) / raw:.2f}x)"
            )
    mid = coded_db(3920, 0)
    with tempfile.TemporaryDirectory() as tmp:
        db = _work_copy(mid, Path(tmp))
        with Store(db, user="研究者丙") as store:
            book = cb.research_codebook(store)
            answers = store.conn.execute("SELECT count(*) FROM answers").fetchone()[0]
            search.search(store, "议事会")  # brings the index up to date once, as the first search does
            timings: dict[str, list[float]] = {"two": [], "rare": [], "none": [], "three": [], "scan": []}
            for _ in range(5):
                began = time.perf_counter()
                two = search.search(store, "议事")  # in 1 of the 15 synthetic phrases
                timings["two"].append(time.perf_counter() - began)
                began = time.perf_counter()
                rare = search.search(store, "贷款")  # rarer
                timings["rare"].append(time.perf_counter() - began)
                began = time.perf_counter()
                absent = search.search(store, "贿赂")  # in no answer: a scan would read every text
                timings["none"].append(time.perf_counter() - began)
                began = time.perf_counter()
                three = search.search(store, "议事会")
                timings["three"].append(time.perf_counter() - began)
                began = time.perf_counter()
                store.conn.execute(
                    "SELECT count(*) FROM answers WHERE typeof(value) = 'text' AND value LIKE '%议事%'"
                ).fetchone()
                timings["scan"].append(time.perf_counter() - began)
            t2, rare_t, none_t, t3, scan = (statistics.median(v) * 1000 for v in timings.values())
            lines.append(
                f"fts_search: {t2:.0f} ms for the two-character 议事 ({len(two):,} hits, the first"
                f" {search.MAX_ROWS:,} texts), {rare_t:.0f} ms for 贷款 ({len(rare):,} hits), {none_t:.1f} ms for"
                f" 贿赂 ({len(absent)} hits), {t3:.0f} ms for"
                f" 议事会 through the trigram index ({len(three):,} hits, "
                + ("the first 5,000 texts stored: more hold it, so unranked" if search.capped(three) else "ranked")
                + ") (target: <= 50 ms for two"
                f" characters; {answers:,} answers; a plain LIKE scan counting 议事 in every answer: {scan:.0f} ms,"
                f" {t2 / scan:.2f}x / {rare_t / scan:.2f}x / {none_t / scan:.3f}x / {t3 / scan:.2f}x)"
            )
            hits = search.search(store, "议事会", limit=1000)[:1000]
            began = time.perf_counter()
            made = search.code_all_hits(store, book, hits, "FAC.AUTONOMY")
            elapsed = (time.perf_counter() - began) * 1000
            lines.append(
                f"code_all_hits: {elapsed:.0f} ms for {len(made)} hits (target: <= 100 ms for 1,000;"
                f" {elapsed / max(1, len(made)) * 1000:.0f} ms per 1,000)"
            )
    return lines


_EXPORT = """
import resource, sys, time
sys.path.insert(0, {root!r})
from yingzao.core.export.workbook import export_workbook
start = time.perf_counter()
result = export_workbook({db!r}, {out!r})
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def bench_coding_export() -> list[str]:
    """The export of 150,000 answers with 300,000 codings against openpyxl write-only writing the
    same cells raw (bench/bench_export.py's baseline), alternating."""
    from bench.bench_export import _RAW

    db = coded_db(3920, CODINGS)
    with tempfile.TemporaryDirectory() as tmp:
        out, raw = str(Path(tmp) / "export.xlsx"), str(Path(tmp) / "raw.xlsx")
        runs, raws, peaks = [], [], []
        for _ in range(2):
            seconds, peak = subprocess.run(
                [sys.executable, "-c", _EXPORT.format(root=str(ROOT), db=str(db), out=out)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout.split()
            runs.append(float(seconds))
            peaks.append(float(peak))
            raw_seconds, cells = subprocess.run(
                [sys.executable, "-c", _RAW.format(out=out, raw=raw)], capture_output=True, text=True, check=True
            ).stdout.split()
            raws.append(float(raw_seconds))
    export, baseline = statistics.mean(runs), statistics.mean(raws)
    return [
        f"export_codings_vs_raw: {export / baseline:.2f}x (target: <= 1.5x; export {export:.1f} s of 3,920 interviews"
        f" with {CODINGS:,} codings, {int(cells):,} cells; openpyxl write-only writing the same cells raw"
        f" {baseline:.1f} s; mean of 2 alternating runs; peak {max(peaks):.0f} MB)"
    ]


def _coded_laptops() -> tuple[list[Path], list[Path]]:
    """bench_merge's 100 laptops, each with 3,000 codings of its own interviews, and their packages."""
    from yingzao.core.exchange.package import pack_session
    from yingzao.core.store.database import Store

    from bench.bench_merge import laptops_and_packages

    plain, _ = laptops_and_packages()
    folder = OUT / f"coding_merge_{len(plain)}x{CODINGS // len(plain)}"
    laptops = [folder / p.name for p in plain]
    packages = [p.with_suffix(".yzpack") for p in laptops]
    if (folder / "complete").exists():
        return laptops, packages
    folder.mkdir(parents=True, exist_ok=True)
    for i, (source, laptop, package) in enumerate(zip(plain, laptops, packages)):
        if i % 20 == 0:
            print(f"(adding codings to the {len(plain)} laptops once: {i}/{len(plain)})", file=sys.stderr)
        shutil.copy(source, laptop)
        with Store(laptop, user=f"研究者{i:03d}") as store:
            rows = _coding_rows(store, CODINGS // len(plain), random.Random(500 + i), (f"研究者{i:03d}",))
            store.coding.upsert_newer("coding", rows)
            package.unlink(missing_ok=True)
            pack_session(store, package, all_interviews=True)
    (folder / "complete").write_text("ok")
    return laptops, packages


def bench_coding_merge() -> list[str]:
    from yingzao.core.exchange.merge import merge_packages
    from yingzao.core.store.database import Store

    from bench.bench_merge import raw_attach_insert

    laptops, packages = _coded_laptops()
    merges, baselines = [], []
    codings = 0
    for round_ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)

            def merge(folder: Path = folder) -> None:
                with Store(folder / "master.db", user="bench") as master:
                    began = time.perf_counter()
                    report = merge_packages(master, packages)
                    merges.append(time.perf_counter() - began)
                    assert all(p.status == "merged" for p in report.packages), "merge incomplete"

            def baseline(folder: Path = folder) -> None:
                target = folder / "baseline.db"
                seconds = raw_attach_insert(laptops, target)
                conn = driver.connect(target, isolation_level=None)
                began = time.perf_counter()
                for laptop in laptops:
                    conn.execute("ATTACH DATABASE ? AS src", (str(laptop),))
                    conn.execute("BEGIN")
                    conn.execute("INSERT INTO codings SELECT * FROM src.codings")
                    conn.execute("COMMIT")
                    conn.execute("DETACH DATABASE src")
                baselines.append(seconds + time.perf_counter() - began)
                conn.close()

            for step in (merge, baseline) if round_ % 2 == 0 else (baseline, merge):
                step()
            with Store(folder / "master.db", user="bench") as master:
                codings = master.conn.execute("SELECT count(*) FROM codings").fetchone()[0]
    merge_time, base_time = statistics.median(merges), statistics.median(baselines)
    return [
        f"merge_codings_vs_baseline: {merge_time / base_time:.2f}x (target: <= 3x; {len(packages)} packages carrying"
        f" {codings:,} codings and their interviews merged in {merge_time:.1f} s; a raw ATTACH + INSERT of the"
        f" same rows, codings included, {base_time:.1f} s; 2 alternating rounds)"
    ]


BENCHMARKS = {
    "coding_store": bench_coding_store,
    "coding_export": bench_coding_export,
    "coding_merge": bench_coding_merge,
}
