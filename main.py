"""Yingzao 营造 — offline field interviews for community-governance research.

`python main.py` opens the app; headless jobs are subcommands (`python main.py --help`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from yingzao.cli import keys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Yingzao 营造: offline field interviews.")
    parser.add_argument(
        "--db", type=Path, help="database file to open (created if new); default: the user's data folder"
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), help="language of the interface (default: the last one used, else zh)"
    )
    keys.passphrase_option(parser, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check-form", help="check XLSForm workbooks against the supported subset")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="workbook files, or folders of them")
    check.add_argument("--codebook", type=Path, help="codebook to check codes against (default: forms/codebook.csv)")
    check.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 2) on warnings too: columns, sheets and settings Yingzao ignores",
    )
    from yingzao.core.forms.protocol import ROLES
    from yingzao.core.store.records import STATUSES

    export = commands.add_parser(
        "export",
        help="export interviews to an Excel workbook organised by the paper's coding frame",
        description="Write FILE.xlsx: About, Interviews, Answers, framework matrix, Fig. 1, Fig. 2, Table 2, presence "
        "matrix and codebook sheets. Exit 0 when written, 1 when nothing could be written (the reason is "
        "printed; no partial file is left).",
    )
    export.add_argument(
        "--db",
        dest="export_db",
        type=Path,
        metavar="PATH",
        help="the database to export (default: --db, else the user's data folder)",
    )
    export.add_argument("--out", type=Path, metavar="FILE.xlsx", help="workbook to write (replaced if it exists)")
    export.add_argument(
        "--layout",
        choices=("tidy", "wide"),
        default="tidy",
        help="tidy: the analysis workbook (default); wide: one sheet per protocol first, one row per interview, "
        "for NVivo's, ATLAS.ti's and QualCoder's survey import",
    )
    export.add_argument(
        "--csv",
        type=Path,
        metavar="FOLDER",
        help="instead of a workbook, write CSV files for R, Stata and pandas (interviews, answers, wide tables, "
        "codings, codebook, README.txt) into FOLDER",
    )
    export.add_argument(
        "--community",
        nargs="+",
        action="extend",
        default=[],
        metavar="ID",
        help="only these communities (case letters, e.g. A B)",
    )
    export.add_argument(
        "--role",
        nargs="+",
        action="extend",
        default=[],
        metavar="ROLE",
        choices=ROLES,
        help="only these respondent roles",
    )
    export.add_argument(
        "--status",
        nargs="+",
        action="extend",
        default=[],
        metavar="STATUS",
        choices=STATUSES,
        help="only these statuses",
    )
    export.add_argument(
        "--anonymize",
        action="store_true",
        help="leave out identifying answers; respondents R01…, fieldworkers F01…, communities by letter; "
        "identifiers, known names and the pseudonym table's terms replaced in every text",
    )
    export.add_argument(
        "--accept-detected",
        action="store_true",
        help="with --anonymize: release the file even with identifying terms nobody reviewed (they are replaced "
        "by the removal mark, and the About sheet says so)",
    )
    export.add_argument(
        "--date-precision",
        choices=("day", "month", "year"),
        default="month",
        help="with --anonymize: how precise dates stay (default: month); times of day are always left out",
    )
    export.add_argument(
        "--lang", dest="export_lang", choices=("zh", "en"), help="language of the sheets (default: --lang, else zh)"
    )
    export.add_argument(
        "--count-suggestions",
        action="store_true",
        help="count the protocol's suggested codes nobody has reviewed as evidence (About says so)",
    )
    codebook = commands.add_parser(
        "codebook",
        help="write the database's codebook (with the codes researchers added or changed) as CSV",
        description="Write FILE.csv in exactly the format of forms/codebook.csv (UTF-8 with BOM), so a codebook "
        "grown in the field can be shipped back into forms/. Exit 0 when written, 1 when not.",
    )
    codebook.add_argument(
        "--db",
        dest="codebook_db",
        type=Path,
        metavar="PATH",
        help="the database (default: --db, else the user's data folder)",
    )
    codebook.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="the CSV file to write")
    qdc = commands.add_parser(
        "qdc",
        help="export the codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder",
        description="Write FILE.qdc: every code of the database's codebook (researchers' own codes included), nested "
        "by parent, with stable GUIDs. Exit 0 when written, 1 when not.",
    )
    qdc.add_argument(
        "--db", dest="qdc_db", type=Path, metavar="PATH", help="the database whose codebook to export (default: --db)"
    )
    qdc.add_argument("--out", type=Path, required=True, metavar="FILE.qdc", help="codebook file to write")
    qdc.add_argument("--lang", dest="qdc_lang", choices=("zh", "en"), help="language of code names (default zh)")
    qdpx = commands.add_parser(
        "qdpx",
        help="export interviews as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder",
        description="Write FILE.qdpx: one text source per interview, codings, memos, coders, variables, cases and the "
        "codebook. Exit 0 when written, 1 when nothing could be written (no partial file is left).",
    )
    qdpx.add_argument("--db", dest="qdpx_db", type=Path, metavar="PATH", help="the database (default: --db)")
    qdpx.add_argument("--out", type=Path, required=True, metavar="FILE.qdpx", help="project file to write")
    qdpx.add_argument(
        "--community", nargs="+", action="extend", default=[], metavar="ID", help="only these communities"
    )
    qdpx.add_argument(
        "--role", nargs="+", action="extend", default=[], metavar="ROLE", choices=ROLES, help="only these roles"
    )
    qdpx.add_argument("--anonymize", action="store_true", help="the Excel export's anonymisation rules")
    qdpx.add_argument("--lang", dest="qdpx_lang", choices=("zh", "en"), help="language of labels (default zh)")
    imported = commands.add_parser(
        "import-codebook",
        help="add the codes of a REFI-QDA codebook (.qdc) or a codebook CSV to the database's codebook",
        description="Codes from another tool or study are matched by GUID, then by name; new ones are added, "
        "nested under their parent. Prints what was added, matched and in conflict. Exit 0 when imported, 1 when "
        "the file is refused (nothing is changed).",
    )
    imported.add_argument("--db", dest="import_db", type=Path, metavar="PATH", help="the database (default: --db)")
    imported.add_argument("file", type=Path, metavar="FILE", help="a REFI-QDA codebook (.qdc) or a codebook .csv")
    pack = commands.add_parser(
        "pack",
        help="export a session package of the interviews changed since the last export (or --all)",
        description="Write one session package (.yzpack) for the researcher to merge. When nothing changed since "
        "the last export, say so and write nothing (exit 0).",
    )
    pack.add_argument(
        "--db",
        dest="pack_db",
        type=Path,
        metavar="PATH",
        help="the database to export from (default: --db, else the user's data folder)",
    )
    pack.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="package file to write, e.g. session.yzpack"
    )
    pack.add_argument(
        "--all", action="store_true", help="every interview, not only those changed since the last export"
    )
    pack.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (by default an existing file is never replaced)"
    )
    pack.add_argument(
        "--review",
        action="store_true",
        help="a review package for the fieldworkers: the interviews "
        "approved, sent back or commented on here since they were last packed for review (with --all: ever)",
    )
    pack.add_argument("--fieldworker", metavar="NAME", help="with --review: only this fieldworker's interviews")
    merge = commands.add_parser(
        "merge",
        help="merge session packages into a master database (exit 1 if any is refused)",
        description="Merge session packages into MASTER.db (created if new) and print one report line per package.",
        epilog="exit status: 0 when every package merged or had already been merged; 1 when any package was "
        "refused (the others still merged, and a refused package leaves the master untouched); 2 when "
        "the master database cannot be opened.",
    )
    merge.add_argument("--into", type=Path, required=True, metavar="MASTER.db", help="the researcher's master database")
    merge.add_argument("files", nargs="+", type=Path, metavar="FILE", help="session packages (.yzpack)")
    merge.add_argument("--report", type=Path, metavar="REPORT.xlsx", help="also save the report as an Excel workbook")
    merge.add_argument(
        "--allow-unsigned",
        action="store_true",
        help="in a database of a project, also merge unsigned packages (older formats); the report says which",
    )
    keys.project_passphrase_option(merge)
    project = commands.add_parser(
        "project",
        help="make, join and inspect the study's project: its keys, supervisors and protocols (docs/security.md)",
    )
    steps = project.add_subparsers(dest="project_command", required=True, metavar="STEP")
    init = steps.add_parser("init", help="make a project on the researcher's database and write its .yzproject file")
    init.add_argument("--name", required=True, help="the project's name")
    init.add_argument("--out", type=Path, required=True, metavar="FILE.yzproject", help="the project file to hand out")
    init.add_argument("--keys-out", type=Path, metavar="FILE.yzkeys", help="also write a backup of the project keys")
    init.add_argument(
        "--encrypt-databases", action="store_true", help="laptops of the project must encrypt their databases"
    )
    joined = steps.add_parser("join", help="join the project of a .yzproject file (or take its newer revision)")
    joined.add_argument("file", type=Path, metavar="FILE.yzproject")
    steps.add_parser("show", help="the project, this device's fingerprint and the supervisors")
    card = steps.add_parser("key-card", help="write this database's public keys for the researcher (.yzkey)")
    card.add_argument("--out", type=Path, required=True, metavar="FILE.yzkey")
    card.add_argument("--name", help="the name the researcher sees (default: this database's user)")
    added = steps.add_parser("add-supervisor", help="list the holder of a key card as a supervisor (new .yzproject)")
    added.add_argument("card", type=Path, metavar="CARD.yzkey")
    added.add_argument("--out", type=Path, required=True, metavar="FILE.yzproject")
    removed = steps.add_parser("remove-supervisor", help="take a supervisor off the list (new .yzproject)")
    removed.add_argument("fingerprint", metavar="FINGERPRINT")
    removed.add_argument("--out", type=Path, required=True, metavar="FILE.yzproject")
    published = steps.add_parser(
        "publish-protocols",
        help="carry the protocols and codebook in use (forms/ as revised) in a new revision (new .yzproject)",
    )
    published.add_argument("--out", type=Path, required=True, metavar="FILE.yzproject")
    exported = steps.add_parser("export-keys", help="write the project keys, still under the passphrase (.yzkeys)")
    exported.add_argument("--out", type=Path, required=True, metavar="FILE.yzkeys")
    imported_keys = steps.add_parser("import-keys", help="take the project keys from a .yzkeys file")
    imported_keys.add_argument("file", type=Path, metavar="FILE.yzkeys")
    every_step = (init, joined, card, added, removed, published, exported, imported_keys, steps.choices["show"])
    for step in every_step:
        step.add_argument("--db", dest="project_db", type=Path, metavar="PATH", help="the database (default: --db)")
    for step in (init, added, removed, published, imported_keys):
        keys.project_passphrase_option(step)
    for step in every_step:
        keys.passphrase_option(step, argparse.SUPPRESS)
    own_forms = commands.add_parser(
        "forms", help="a team's own XLSForms: add them to the database beside the study's protocols, list, remove"
    )
    form_steps = own_forms.add_subparsers(dest="forms_command", required=True, metavar="STEP")
    form_added = form_steps.add_parser("add", help="check XLSForm workbooks and offer them for new interviews")
    form_added.add_argument("paths", nargs="+", type=Path, metavar="FORM.xlsx")
    form_steps.add_parser("list", help="the forms added to this database")
    form_removed = form_steps.add_parser("remove", help="stop offering an added form (its interviews are kept)")
    form_removed.add_argument("form_id", metavar="FORM_ID")
    for step in form_steps.choices.values():
        step.add_argument("--db", dest="forms_db", type=Path, metavar="PATH", help="the database (default: --db)")
        keys.passphrase_option(step, argparse.SUPPRESS)
    devices = commands.add_parser(
        "devices",
        help="the laptops that sent signed packages: list them, accept one (its held packages merge), refuse one",
    )
    device_steps = devices.add_subparsers(dest="devices_command", required=True, metavar="STEP")
    listed = device_steps.add_parser("list", help="every device, its state, fieldworker and fingerprint")
    accepted = device_steps.add_parser(
        "accept", help="accept a device after comparing its fingerprint; merge its held packages"
    )
    accepted.add_argument("fingerprint", metavar="FINGERPRINT")
    refused = device_steps.add_parser("refuse", help="refuse a device: its held packages are dropped")
    refused.add_argument("fingerprint", metavar="FINGERPRINT")
    for step in (listed, accepted, refused):
        step.add_argument(
            "--db", dest="devices_db", type=Path, metavar="PATH", help="the master database (default: --db)"
        )
    backup = commands.add_parser(
        "backup",
        help="copy a database safely, its latest saves included (a copy of the .db file alone misses them)",
        description="Write a consistent copy of the database through SQLite's online backup. Works while the app has "
        "the database open. Exit 0 when written, 1 when not (nothing partial is left).",
    )
    backup.add_argument(
        "--db",
        dest="backup_db",
        type=Path,
        metavar="PATH",
        help="the database to back up (default: --db, else the user's data folder)",
    )
    backup.add_argument(
        "--out", type=Path, required=True, metavar="FILE.db", help="the copy to write (replaced if it exists)"
    )
    encrypt = commands.add_parser(
        "encrypt",
        help="encrypt a database with a passphrase (SQLCipher); a forgotten passphrase cannot be recovered",
        description="Write an encrypted copy of the database beside it, verify it, then replace the plain file "
        "with it (the plain file is removed only after the copy verifies). The passphrase is read from "
        "--passphrase-file or YINGZAO_PASSPHRASE, else asked for twice. Exit 0 when encrypted, 1 when not "
        "(the database is unchanged).",
    )
    encrypt.add_argument(
        "--db", dest="encrypt_db", type=Path, metavar="PATH", help="the database (default: --db, else the data folder)"
    )
    for command in (export, codebook, qdc, qdpx, imported, pack, merge, backup, encrypt):
        keys.passphrase_option(command, argparse.SUPPRESS)
    return parser


def _backup(args: argparse.Namespace) -> int:
    from yingzao.core import paths
    from yingzao.core.errors import YingzaoError
    from yingzao.core.store.database import Store

    db = args.backup_db or args.db or paths.default_database()
    try:
        with Store(db, read_only=True) as store:
            target = store.backup(args.out)
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(target)
    return 0


def _check_form(args: argparse.Namespace) -> int:
    from yingzao.core import paths
    from yingzao.core.errors import YingzaoError
    from yingzao.core.forms.check import check_forms
    from yingzao.core.forms.codebook import load_codebook

    try:
        codebook = load_codebook(args.codebook or paths.CODEBOOK_PATH)
    except YingzaoError as error:
        for problem in getattr(error, "problems", []) or [error]:
            print(str(problem), file=sys.stderr)
        return 2
    files: list[Path] = []
    for path in args.paths:
        # Excel keeps a hidden "~$name.xlsx" lock file beside every open workbook: not a form
        files += (
            sorted(p for p in path.glob("*.xls*") if not p.name.startswith(("~$", "."))) if path.is_dir() else [path]
        )
    return check_forms(files, codebook, sys.stdout, strict=args.strict)


def _codebook(args: argparse.Namespace) -> int:
    from yingzao.core import paths
    from yingzao.core.coding.codebook import research_codebook, write_codebook_csv
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.store.database import Store

    db = args.codebook_db or args.db or paths.default_database()
    try:
        try:
            store = Store(db, read_only=True)
        except YingzaoError as error:
            if error.code != "read_only_needs_upgrade":
                raise
            store = Store(db)  # an older database is upgraded first, as export does
        with store:
            book = research_codebook(store)
        out = write_codebook_csv(book, args.out)
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(Text(f"{out}：{len(book.codes)} 个代码", f"{out}: {len(book.codes)} codes"))
    return 0


def _export(args: argparse.Namespace) -> int:
    from yingzao.core import errors, paths
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.export.workbook import ExportFilters, ExportOptions, export_workbook

    options = ExportOptions(
        ExportFilters(tuple(args.community), tuple(args.role), tuple(args.status)),
        lang=args.export_lang or args.lang or "zh",
        anonymize=args.anonymize,
        count_suggestions=args.count_suggestions,
        layout=args.layout,
        accept_detected=args.accept_detected,
        date_precision=args.date_precision,
    )
    if (args.out is None) == (args.csv is None):
        print(str(errors.export_needs_one_target()), file=sys.stderr)
        return 2
    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(
                "\r" + str(Text(f"正在导出… {done}/{total}", f"exporting… {done}/{total}")),
                end="",
                file=sys.stderr,
                flush=True,
            )

    db = args.export_db or args.db or paths.default_database()
    try:
        if args.csv is not None:
            from yingzao.core.export.csv_tables import export_csv
            from yingzao.core.export.refi_source import read_refi_content

            content = read_refi_content(db, options.lang)
            result: object = export_csv(
                db,
                args.csv,
                options,
                codes=content.codes,
                codings=content.codings,
                codebook=content.book,
                progress=progress,
            )
        else:
            result = export_workbook(db, args.out, options, progress=progress)
    except (YingzaoError, KeyboardInterrupt) as error:
        message = str(error if isinstance(error, YingzaoError) else errors.export_interrupted())
        print(("\n" if show else "") + message, file=sys.stderr)
        return 1
    if show:
        print(file=sys.stderr)
    print(result.summary())  # type: ignore[attr-defined]
    return 0


def _qdc(args: argparse.Namespace) -> int:
    from yingzao.core import paths
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.export.refi_model import codes_from_codebook
    from yingzao.core.export.refi_source import read_refi_content
    from yingzao.core.export.refi_write import write_qdc
    from yingzao.core.forms.codebook import load_codebook

    lang = args.qdc_lang or args.lang or "zh"
    given = args.qdc_db or args.db
    try:
        if given is None and not paths.default_database().exists():
            # no database yet on this computer: the codebook it would start with, the shipped one
            codes = codes_from_codebook(load_codebook(paths.CODEBOOK_PATH), lang)
        else:
            codes = read_refi_content(given or paths.default_database(), lang).codes
        result = write_qdc(args.out, codes, lang)
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(Text(f"{result.path}：{result.codes} 个代码", f"{result.path}: {result.codes} codes"))
    return 0


def _qdpx(args: argparse.Namespace) -> int:
    from yingzao.core import errors, paths
    from yingzao.core.errors import YingzaoError
    from yingzao.core.export.refi_source import read_refi_content
    from yingzao.core.export.refi_write import write_qdpx

    lang = args.qdpx_lang or args.lang or "zh"
    db = args.qdpx_db or args.db or paths.default_database()
    try:
        content = read_refi_content(db, lang)
        result = write_qdpx(
            db,
            args.out,
            codes=content.codes,
            codings=content.codings,
            notes=content.notes,
            users=content.users,
            community=args.community,
            role=args.role,
            anonymize=args.anonymize,
            lang=lang,
            codebook=content.book,
        )
    except (YingzaoError, KeyboardInterrupt) as error:
        print(str(error if isinstance(error, YingzaoError) else errors.export_interrupted()), file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def _import_codebook(args: argparse.Namespace) -> int:
    from yingzao.core import paths
    from yingzao.core.coding.codebook_import import import_codebook
    from yingzao.core.errors import YingzaoError
    from yingzao.core.store.database import Store

    db = args.import_db or args.db or paths.default_database()
    try:
        with Store(db) as store:
            report = import_codebook(store, args.file, lang=args.lang or "zh")
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    return 0


def _pack(args: argparse.Namespace) -> int:
    from yingzao.core import errors, paths
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.exchange.package import last_export, pack_read_error, pack_session
    from yingzao.core.security import membership
    from yingzao.core.store import driver
    from yingzao.core.store.database import Store

    db = args.pack_db or args.db or paths.default_database()
    if not db.exists():
        print(str(errors.no_database_to_pack(db)), file=sys.stderr)
        return 2
    if args.review or args.fieldworker:
        return _pack_review(db, args)
    try:
        with Store(db) as store:
            try:
                previous = last_export(store)
            except driver.DatabaseError as error:  # a damaged file: pack_session says so for its own reads
                raise pack_read_error(store.path, error) from None
            summary = pack_session(store, args.out, all_interviews=args.all, overwrite=args.force)
            unencrypted = membership.must_encrypt(store)
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 2
    if summary is None:
        if previous is None:
            print(Text(f"{db}：没有可导出的访谈；没有写入文件。", f"{db}: no interviews to export; no file written."))
        else:
            last = f"{previous['file_name']}, {previous['at']}"
            print(
                Text(
                    f"自上次导出（{last}）以来没有改动；没有写入文件。要重新导出全部访谈，请加 --all。",
                    f"Nothing changed since the last export ({last}); no file written. Use --all to export every "
                    "interview again.",
                )
            )
        return 0
    what = (
        Text("全部访谈", "all interviews")
        if summary.selection == "all"
        else Text("自上次导出以来有改动的", "changed since the last export")
    )
    print(
        Text(
            f"{summary.path}：{summary.interviews} 个访谈（{what.zh}），{summary.answers} 个回答，"
            f"{summary.audit} 条审计记录，{summary.protocols} 个提纲版本",
            f"{summary.path}: {summary.interviews} interview(s) ({what.en}), {summary.answers} answers, "
            f"{summary.audit} audit entries, {summary.protocols} protocol version(s)",
        )
    )
    print(keys.sealed_words(summary.sealed))
    if unencrypted:
        print(
            Text(
                f"注意：项目要求加密访员的数据库，而 {db} 还没有加密（python main.py encrypt --db {db}）。",
                f"Note: the project asks laptops to encrypt their databases, and {db} is not encrypted yet (python "
                f"main.py encrypt --db {db}).",
            )
        )
    return 0


def _pack_review(db: Path, args: argparse.Namespace) -> int:
    from yingzao.core import errors
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.exchange.review_package import last_review_export, pack_review
    from yingzao.core.store.database import Store

    if not args.review:
        print(str(errors.fieldworker_needs_review()), file=sys.stderr)
        return 2
    try:
        with Store(db) as store:
            previous = last_review_export(store)
            summary = pack_review(
                store, args.out, fieldworker=args.fieldworker, all_reviewed=args.all, overwrite=args.force
            )
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 2
    who = args.fieldworker
    whose = Text(f"{who} 的", f" of {who}") if who else Text("", "")
    if summary is None:
        last = f"{previous['file_name']}, {previous['at']}" if previous else ""
        since = (
            Text(f"自上次审核数据包（{last}）以来", f" since the last review package ({last})")
            if previous
            else Text("", "")
        )
        print(
            Text(
                f"{since.zh}没有{whose.zh}已审核的访谈需要发送；没有写入文件。",
                f"Nothing reviewed{whose.en}{since.en} to send; no file written.",
            )
        )
        return 0
    what = (
        Text("已审核的全部", "reviewed, all")
        if summary.selection == "all"
        else Text("自上次发送以来审核过的", "reviewed since they were last sent")
    )
    print(
        Text(
            f"{summary.path}：{whose.zh}{what.zh}访谈 {summary.interviews} 个；访员用“合并数据包”"
            "（python main.py merge --into LAPTOP.db FILE）合并它",
            f"{summary.path}: {summary.interviews} interview(s){whose.en} {what.en}; the fieldworker merges it with "
            "Merge sessions (python main.py merge --into LAPTOP.db FILE)",
        )
    )
    print(keys.sealed_words(summary.sealed))
    return 0


def _merge(args: argparse.Namespace) -> int:
    from yingzao.core import errors
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.exchange.merge import merge_packages
    from yingzao.core.exchange.merge_report import save_report_xlsx, summary_lines
    from yingzao.core.store.database import Store

    try:
        store = Store(args.into)
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 2
    with store:
        try:
            project_keys = keys.keys_for(store, args.files, args)
        except YingzaoError as error:
            print(str(error), file=sys.stderr)
            return 2
        report = merge_packages(store, args.files, project_keys=project_keys, allow_unsigned=args.allow_unsigned)
    for line in summary_lines(report):
        print(line)
    if args.report:
        try:
            save_report_xlsx(report, args.report)
        except (OSError, YingzaoError) as error:  # the merge itself is done and committed
            print(str(errors.report_not_saved(args.report, error)), file=sys.stderr)
            return 1
        print(Text(f"报告已保存到 {args.report}", f"report saved to {args.report}"))
    return 1 if report.any_refused else 0


def _app_arguments(argv: list[str]) -> argparse.Namespace | None:
    """The arguments of a plain app start (`--db PATH`, `--lang zh|en`, nothing else), read without
    building the subcommands' parsers, whose choices import half the core; None for anything else,
    which the full parser reads (and explains, or refuses)."""
    values: dict[str, str] = {}
    rest = list(argv)
    while rest:
        option, _, attached = rest.pop(0).partition("=")
        if option not in ("--db", "--lang") or option in values:
            return None
        if not attached:
            if not rest or rest[0].startswith("-"):
                return None
            attached = rest.pop(0)
        values[option] = attached
    if values.get("--lang", "zh") not in ("zh", "en") or values.get("--db") == "":
        return None
    db = values.get("--db")
    return argparse.Namespace(db=None if db is None else Path(db), lang=values.get("--lang"), command=None)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # Chinese text, whatever the console's code page
        if hasattr(stream, "reconfigure"):
            # redirected to a file: UTF-8, so the Chinese survives; on a console: its own encoding
            stream.reconfigure(errors="replace", **({} if stream.isatty() else {"encoding": "utf-8"}))
    arguments = sys.argv[1:] if argv is None else argv
    args = _app_arguments(arguments) or _parser().parse_args(arguments)
    if args.command is not None:
        from yingzao.core import errors

        errors.set_language(args.lang or "zh")
        try:
            keys.unlock(args)
        except errors.YingzaoError as error:
            print(str(error), file=sys.stderr)
            return 2
    if args.command == "check-form":
        return _check_form(args)
    if args.command == "export":
        return _export(args)
    if args.command == "pack":
        return _pack(args)
    if args.command == "qdc":
        return _qdc(args)
    if args.command == "qdpx":
        return _qdpx(args)
    if args.command == "import-codebook":
        return _import_codebook(args)
    if args.command == "merge":
        return _merge(args)
    if args.command == "backup":
        return _backup(args)
    if args.command == "codebook":
        return _codebook(args)
    if args.command == "project":
        return keys.project(args)
    if args.command == "devices":
        return keys.devices(args)
    if args.command == "forms":
        from yingzao.cli.forms import forms

        return forms(args)
    if args.command == "encrypt":
        return keys.encrypt(args)
    from yingzao.ui.app import run

    return run(args.db, lang=args.lang)


def gui() -> int:
    """The `yingzao-gui` entry point: the app, with no console window on Windows."""
    return main()


if __name__ == "__main__":
    sys.exit(main())
