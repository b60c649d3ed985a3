"""Yingzao 营造 — offline field interviews for community-governance research.

`python main.py` opens the app; headless jobs are subcommands (`python main.py --help`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Yingzao 营造: offline field interviews.")
    parser.add_argument("--db", type=Path, help="database file to open (created if new); default: the user's data folder")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of the interface (default: the last one used, else zh)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check-form", help="check XLSForm workbooks against the supported subset")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="workbook files, or folders of them")
    check.add_argument("--codebook", type=Path, help="codebook to check codes against (default: forms/codebook.csv)")
    return parser


def _check_form(args: argparse.Namespace) -> int:
    from core import paths
    from core.codebook import load_codebook
    from core.errors import YingzaoError
    from core.formcheck import check_forms

    try:
        codebook = load_codebook(args.codebook or paths.CODEBOOK_PATH)
    except YingzaoError as error:
        for problem in getattr(error, "problems", []) or [error]:
            print(str(problem), file=sys.stderr)
        return 2
    files: list[Path] = []
    for path in args.paths:
        files += sorted(path.glob("*.xls*")) if path.is_dir() else [path]
    return check_forms(files, codebook, sys.stdout)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check-form":
        return _check_form(args)
    from ui.app import run

    return run(args.db, lang=args.lang)


if __name__ == "__main__":
    sys.exit(main())
