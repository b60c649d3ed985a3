"""Build the wheel, install it into a fresh virtual environment outside the checkout, and use it
there as a user would: check the shipped forms, record an interview, pack, merge, export.

Run by .ci/run after the tests; exits non-zero on the first thing that does not work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FIELDWORK = """
from yingzao.core.forms.library import load_library
from yingzao.core.store.database import Store
with Store("field.db", user="王芳") as store:
    store.add_community("A", "A社区")
    protocol = load_library(store).by_role("cadre")[0]
    interview = store.start_interview(protocol.sha256, community_id="A")
    text = next(q.name for q in protocol.questions if q.type == "text")
    store.save_answer(interview, text, "居民议事会每月开一次")
print("recorded", interview)
"""


def run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": "", "QT_QPA_PLATFORM": "offscreen"},
    )
    print("$", " ".join(str(c) for c in command), "->", result.returncode)
    if result.returncode != 0:
        print(result.stdout, result.stderr, sep="\n")
        raise SystemExit(f"failed: {command}")
    return result.stdout


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="yingzao-wheel-") as temp:
        work = Path(temp)
        # built from a copy: setuptools leaves build/ and *.egg-info beside the sources it builds
        source = work / "source"
        shutil.copytree(
            ROOT,
            source,
            ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".pytest_cache", "bench"),
        )
        run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", source, cwd=work)
        wheel = next((work / "dist").glob("yingzao-*.whl"))
        venv.create(work / "env", with_pip=True)
        bindir = work / "env" / ("Scripts" if os.name == "nt" else "bin")
        python = bindir / "python"
        run(python, "-m", "pip", "install", "-q", wheel, cwd=work)
        site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work).strip())
        stray = [name for name in ("core", "ui", "main.py", "forms") if (site / name).exists()]
        if stray:
            raise SystemExit(f"the wheel installs top-level names: {stray}")
        forms = run(python, "-c", "from yingzao.core import paths; print(paths.FORMS_DIR)", cwd=work).strip()
        if not Path(forms).is_relative_to(site):
            raise SystemExit(f"forms found outside the installed package: {forms}")
        yingzao = bindir / "yingzao"
        run(yingzao, "check-form", forms, cwd=work)
        run(python, "-c", FIELDWORK, cwd=work)
        run(yingzao, "--db", "field.db", "pack", "--out", "session.yzpack", cwd=work)
        print(run(yingzao, "merge", "--into", "master.db", "session.yzpack", cwd=work).strip())
        run(yingzao, "--db", "master.db", "export", "--out", "study.xlsx", "--anonymize", cwd=work)
        # SQLCipher came with the wheel's dependencies: the laptop's database encrypted, then exported
        (work / "passphrase.txt").write_text("cunweihui menqian you san ke liushu\n", encoding="utf-8")
        secret = ("--passphrase-file", "passphrase.txt")
        run(yingzao, "encrypt", "--db", "field.db", *secret, cwd=work)
        run(yingzao, "export", "--db", "field.db", "--out", "field.xlsx", *secret, cwd=work)
        # a project: the laptop joins, its package is sealed, held by the master until accepted, then merged
        (work / "project.txt").write_text("yanjiuzhe de kouling hen chang\n", encoding="utf-8")
        project_secret = ("--project-passphrase-file", "project.txt")
        run(
            yingzao,
            "project",
            "init",
            "--db",
            "master.db",
            "--name",
            "P",
            "--out",
            "p.yzproject",
            *project_secret,
            cwd=work,
        )
        run(yingzao, "project", "join", "--db", "field.db", "p.yzproject", *secret, cwd=work)
        run(yingzao, "pack", "--db", "field.db", "--out", "sealed.yzpack", "--all", *secret, cwd=work)
        held = run(yingzao, "merge", "--into", "master.db", "sealed.yzpack", *project_secret, cwd=work)
        fingerprint = next(
            line.split()[0] for line in run(yingzao, "devices", "list", "--db", "master.db", cwd=work).splitlines()
        )
        accepted = run(yingzao, "devices", "accept", fingerprint, "--db", "master.db", cwd=work)
        if "暂存" not in held or "已合并" not in accepted:
            raise SystemExit(f"the sealed package did not go through the device's acceptance:\n{held}\n{accepted}")
        if not (bindir / "yingzao-gui").exists():
            raise SystemExit("no yingzao-gui entry point")
        print("the installed wheel works:", wheel.name)


if __name__ == "__main__":
    main()
