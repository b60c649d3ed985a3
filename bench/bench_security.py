"""Benchmarks of signed, encrypted packages: what signing and encrypting adds to packing, and what
verifying and decrypting adds to merging, each against the plain operation in the same run."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_merge import laptops_and_packages
from bench.run import OUT

INTERVIEWS = 100


def _laptop() -> Path:
    """A laptop database of 100 synthetic interviews, made once."""
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store

    from bench.make_data import fill

    OUT.mkdir(exist_ok=True)
    path = OUT / f"security_laptop_{INTERVIEWS}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with Store(partial, user="合成访员") as store:
            load_library(store)
            fill(store, INTERVIEWS, seed=11)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(path)
    return path


def bench_sign_encrypt() -> list[str]:
    """Pack 100 interviews (unsigned: the time of packing), then sign and encrypt those very bytes
    as a project laptop does; 7 alternating rounds, medians."""
    from yingzao.core.exchange.package import pack_session
    from yingzao.core.security.envelope import seal
    from yingzao.core.security.keys import KeyPair
    from yingzao.core.store.database import Store

    device, project = KeyPair.generate(), KeyPair.generate()
    packs, seals = [], []
    with tempfile.TemporaryDirectory() as tmp:
        laptop = Path(tmp) / "laptop.db"
        shutil.copy(_laptop(), laptop)
        with Store(laptop, user="合成访员") as store:
            for round_ in range(7):
                out = Path(tmp) / f"s{round_}.yzpack"
                started = time.perf_counter()
                summary = pack_session(store, out, all_interviews=True, overwrite=True)
                packs.append(time.perf_counter() - started)
                assert summary is not None and summary.interviews == INTERVIEWS
                content = out.read_bytes()
                started = time.perf_counter()
                sealed = seal(content, {"kind": "session", "device_id": store.device_id}, device, [project.public])
                seals.append(time.perf_counter() - started)
                assert len(sealed) > len(content)
    pack, signed = statistics.median(packs), statistics.median(seals)
    return [
        f"pack_100: {pack * 1000:.0f} ms (packing {INTERVIEWS} interviews, {len(content) / 1e6:.1f} MB; median of 7)",
        f"sign_encrypt_100: {signed * 1000:.1f} ms (Ed25519 signature and age encryption of the same package)",
        f"sign_encrypt_vs_pack: {signed / pack:.3f}x (target: <= 0.2x)",
    ]


def bench_verify_decrypt() -> list[str]:
    """The 100 packages of the merge benchmark, each signed by its own device and encrypted to the
    project: the time to decrypt and verify all of them against the time to merge them into an
    empty master; two alternating rounds, medians."""
    from yingzao.core.exchange.merge import merge_packages
    from yingzao.core.security.envelope import open_sealed, seal
    from yingzao.core.security.keys import KeyPair
    from yingzao.core.store.database import Store

    _laptops, packages = laptops_and_packages()
    project = KeyPair.generate()
    opens, merges = [], []
    with tempfile.TemporaryDirectory() as tmp:
        sealed_files = []
        for index, package in enumerate(packages):
            sealed = Path(tmp) / f"sealed_{index:03d}.yzpack"
            sealed.write_bytes(seal(package.read_bytes(), {"kind": "session"}, KeyPair.generate(), [project.public]))
            sealed_files.append(sealed)
        for round_ in range(2):

            def open_all() -> None:
                started = time.perf_counter()
                for sealed in sealed_files:
                    open_sealed(sealed.read_bytes(), [project.identity])
                opens.append(time.perf_counter() - started)

            def merge_all(round_: int = round_) -> None:
                with Store(Path(tmp) / f"master_{round_}.db", user="bench") as master:
                    started = time.perf_counter()
                    report = merge_packages(master, packages)
                    merges.append(time.perf_counter() - started)
                    assert all(p.status == "merged" for p in report.packages)

            for step in (open_all, merge_all) if round_ % 2 == 0 else (merge_all, open_all):
                step()
    opened, merged = statistics.median(opens), statistics.median(merges)
    size = sum(p.stat().st_size for p in packages) / 1e6
    return [
        f"verify_decrypt_100: {opened:.2f} s (decrypting and verifying {len(packages)} sealed packages, {size:.0f} MB)",
        f"merge_100_plain: {merged:.2f} s (merging the same packages into an empty master)",
        f"verify_decrypt_vs_merge: {opened / merged:.3f}x (target: <= 0.2x)",
    ]


BENCHMARKS = {"sign_encrypt_vs_pack": bench_sign_encrypt, "verify_decrypt_vs_merge": bench_verify_decrypt}
