"""Every command of main.py is documented in the README (as sqlite-utils checks for its CLI)."""

from __future__ import annotations

import argparse
from pathlib import Path

from yingzao import main

ROOT = Path(__file__).resolve().parents[2]


def test_every_subcommand_is_in_the_readme():
    parser = main._parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    commands = sorted(actions[0].choices)
    assert {"check-form", "export", "pack", "merge"} <= set(commands)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in commands:
        assert f"python main.py {command}" in readme, command


def test_the_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = [b.strip() for b in quick.split("```")[1::2]]
    assert blocks == [
        "python -m pip install -e . && python main.py",
        'python -m pip install -e ".[test]" && python -m pytest',
    ]
    assert blocks[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
