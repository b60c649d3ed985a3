"""Run mypy over core/ under the import names the code uses (`yingzao.core.…`).

The editable install maps `yingzao` to the checkout through an import hook, which mypy does not follow,
so `mypy core` alone would see every `from yingzao.core… import` as missing and check nothing across
modules. This lays core/ out as `yingzao/core` in a temporary folder, checks it with the settings in
pyproject.toml, and prints mypy's report with the paths of the checkout (core/…)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="yingzao-mypy-") as temp:
        tree = Path(temp)
        shutil.copytree(ROOT / "core", tree / "yingzao" / "core", ignore=shutil.ignore_patterns("__pycache__"))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "--cache-dir",
                str(tree / ".mypy_cache"),
                "-p",
                "yingzao.core",
                *sys.argv[1:],
            ],
            cwd=tree,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "MYPYPATH": str(tree)},
        )
    prefix = "yingzao" + os.sep + "core" + os.sep
    for stream, text in ((sys.stdout, result.stdout), (sys.stderr, result.stderr)):
        stream.write(text.replace(prefix, "core" + os.sep))
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
