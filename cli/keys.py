"""The command line's keys and passphrases: the `project`, `devices` and `encrypt` commands, and the
passphrases (an encrypted database's, the project's) that other commands take. main.py parses the
arguments and hands them here; the work is the core's (core/security/, core/store/encryption.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PASSPHRASE_VARIABLE = "YINGZAO_PASSPHRASE"


def project_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project-passphrase-file",
        type=Path,
        metavar="FILE",
        help="read the project passphrase from the first line of FILE (else YINGZAO_PROJECT_PASSPHRASE, else asked)",
    )


def project_passphrase(args: argparse.Namespace) -> str:
    """The project passphrase: from a file, the environment, or typed at the terminal."""
    import getpass
    import os

    from yingzao.core import errors

    given = getattr(args, "project_passphrase_file", None)
    if given is not None:
        try:
            lines = given.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise errors.cannot_read_passphrase(given, error) from error
        return lines[0] if lines else ""
    if os.environ.get("YINGZAO_PROJECT_PASSPHRASE"):
        return os.environ["YINGZAO_PROJECT_PASSPHRASE"]
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(str(errors.Text("项目口令：", "Project passphrase: ")))
    raise errors.project_passphrase_needed()


def project(args: argparse.Namespace) -> int:
    from yingzao.core import paths
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.forms.library import load_library
    from yingzao.core.security import describe, membership
    from yingzao.core.store.database import Store

    db = args.project_db or args.db or paths.default_database()
    step = args.project_command
    encrypt_now = False
    try:
        with Store(db, read_only=step == "show") as store:
            if step == "init":
                load_library(store)  # the study's protocols, as the app loads them: the project carries them
                data = membership.create_project(
                    store, args.name, project_passphrase(args), encrypt_databases=args.encrypt_databases
                )
                _write(args.out, data)
                if args.keys_out:
                    _write(args.keys_out, membership.export_keys(store))
                made = membership.project(store)
                assert made is not None
                print(
                    Text(
                        f"{args.out}：项目“{made.name}”，指纹 {made.fingerprint}。把它交给每台访员电脑"
                        "（python main.py project join FILE）；请妥善保管口令和项目密钥备份。",
                        f"{args.out}: project “{made.name}”, fingerprint {made.fingerprint}. Give it to every laptop "
                        "(python main.py project join FILE); keep the passphrase and the keys backup safe.",
                    )
                )
            elif step == "join":
                data = _read(args.file)
                taken = membership.join_project(store, data, args.file)
                mine = membership.device_keys(store).public.fingerprint
                print(
                    Text(
                        f"已加入项目“{taken.name}”（指纹 {taken.fingerprint}，第 {taken.revision} 版）。"
                        f"本机指纹：{mine} —— 请把它念给研究者核对。",
                        f"Joined the project “{taken.name}” (fingerprint {taken.fingerprint}, revision "
                        f"{taken.revision}). This device's fingerprint: {mine} — read it to the researcher.",
                    )
                )
                encrypt_now = membership.must_encrypt(store)
            elif step == "show":
                for line in describe.project_lines(store):
                    print(line)
            elif step == "key-card":
                _write(args.out, membership.key_card(store, args.name))
                print(
                    Text(
                        f"{args.out}：本机公钥卡片，交给研究者。",
                        f"{args.out}: this device's key card, for the researcher.",
                    )
                )
            elif step == "add-supervisor":
                card = _read(args.card)
                name, public = membership.read_key_card(card, args.card)
                _write(args.out, membership.add_supervisor(store, project_passphrase(args), name, public))
                print(
                    Text(
                        f"{args.out}：已把 {name}（指纹 {public.fingerprint}）列为督导；把新项目文件交给各台电脑。",
                        f"{args.out}: {name} (fingerprint {public.fingerprint}) is now a supervisor; give the new "
                        "project file to every computer.",
                    )
                )
            elif step == "remove-supervisor":
                data = membership.remove_supervisor(store, project_passphrase(args), args.fingerprint.strip().upper())
                _write(args.out, data)
                print(
                    Text(
                        f"{args.out}：新的项目文件，交给各台电脑。",
                        f"{args.out}: the new project file, for every computer.",
                    )
                )
            elif step == "publish-protocols":
                from yingzao.core.forms.library import load_library

                library = load_library(store)  # forms/ as revised since: the workbooks changed are read now
                for problem in library.problems:
                    print(problem, file=sys.stderr)
                data = membership.publish_protocols(store, project_passphrase(args))
                if data is None:
                    print(
                        Text(
                            "项目文件已带有正在使用的提纲和编码表，没有新版本可发布。",
                            "The project file already carries the protocols and codebook in use: nothing to publish.",
                        )
                    )
                else:
                    _write(args.out, data)
                    revised = membership.project(store)
                    versions = ", ".join(f"{p['form_id']} {p['version']}" for p in revised.protocols) if revised else ""
                    print(
                        Text(
                            f"{args.out}：项目文件第 {revised.revision if revised else ''} 版，带有提纲 {versions}；"
                            "把它交给各台电脑（python main.py project join FILE）。",
                            f"{args.out}: revision {revised.revision if revised else ''} of the project file, carrying "
                            f"{versions}; give it to every computer (python main.py project join FILE).",
                        )
                    )
            elif step == "export-keys":
                _write(args.out, membership.export_keys(store))
                print(
                    Text(
                        f"{args.out}：项目密钥（仍由口令保护）。",
                        f"{args.out}: the project keys (still under the passphrase).",
                    )
                )
            elif step == "import-keys":
                data = _read(args.file)
                membership.import_keys(store, data, project_passphrase(args), args.file)
                print(Text("已导入项目密钥。", "The project keys were imported."))
        if encrypt_now:  # the project asks for it: with the store closed, as the conversion needs
            return encrypt_for_project(db, args)
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 2
    return 0


def encrypt_for_project(db: Path, args: argparse.Namespace) -> int:
    from yingzao.core.errors import Text
    from yingzao.core.store import encryption

    passphrase = given_passphrase(args)
    if passphrase is None:
        print(
            Text(
                f"这个项目要求加密访员的数据库：请运行 python main.py encrypt --db {db}（或在应用中：文件 → 加密此数据库…）。",
                f"This project asks laptops to encrypt their databases: run python main.py encrypt --db {db} (or in "
                "the app: File → Encrypt this database…).",
            )
        )
        return 0
    done = encryption.encrypt_database(db, passphrase)
    print(
        Text(
            f"按项目要求，{done.path} 已加密并核对（{done.tables} 个表、{done.rows} 行）。",
            f"As the project asks, {done.path} is now encrypted and verified ({done.tables} tables, {done.rows} rows).",
        )
    )
    return 0


def _read(path: Path) -> bytes:
    from yingzao.core import errors

    try:
        return path.read_bytes()
    except OSError as error:
        raise errors.cannot_read_project_file(path, error) from error


def _write(path: Path, data: bytes) -> None:
    from yingzao.core import errors
    from yingzao.core.durable import write_durably

    try:
        write_durably(path, data)
    except OSError as error:
        raise errors.cannot_write(path, error) from error


def devices(args: argparse.Namespace) -> int:
    from yingzao.core import errors, paths
    from yingzao.core.errors import YingzaoError
    from yingzao.core.exchange.merge import accept_device, refuse_device
    from yingzao.core.exchange.merge_report import summary_lines
    from yingzao.core.security import describe
    from yingzao.core.store.database import Store

    db = args.devices_db or args.db or paths.default_database()
    try:
        with Store(db, read_only=args.devices_command == "list") as store:
            if args.devices_command == "list":
                for line in describe.device_lines(store):
                    print(line)
                return 0
            device = describe.device_by_fingerprint(store, args.fingerprint)
            if device is None:
                raise errors.unknown_device(args.fingerprint)
            if args.devices_command == "refuse":
                refuse_device(store, device.device_id)
                print(errors.Text(f"已拒绝设备 {device.fingerprint}。", f"Device {device.fingerprint} refused."))
                return 0
            report = accept_device(store, device.device_id)
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(errors.Text(f"已接受设备 {device.fingerprint}。", f"Device {device.fingerprint} accepted."))
    for line in summary_lines(report) if report.packages else []:
        print(line)
    return 1 if report.any_refused else 0


def passphrase_option(parser: argparse.ArgumentParser, default: object) -> None:
    # SUPPRESS on the subcommands: given before the command or after it, neither erases the other
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        default=default,
        metavar="FILE",
        help=f"an encrypted database's passphrase: the first line of FILE (or set {PASSPHRASE_VARIABLE})",
    )


def given_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase from --passphrase-file (its first line), else from YINGZAO_PASSPHRASE, else None."""
    import os

    from yingzao.core import errors

    file = getattr(args, "passphrase_file", None)
    if file is not None:
        try:
            lines = Path(file).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise errors.passphrase_file_unreadable(Path(file), error) from error
        return lines[0] if lines else ""
    return os.environ.get(PASSPHRASE_VARIABLE) or None


def command_database(args: argparse.Namespace) -> Path | None:
    """The database the command opens (merge: the master), as the command itself works it out."""
    from yingzao.core import paths

    own = {
        "export": "export_db",
        "codebook": "codebook_db",
        "qdc": "qdc_db",
        "qdpx": "qdpx_db",
        "import-codebook": "import_db",
        "pack": "pack_db",
        "backup": "backup_db",
        "project": "project_db",
        "devices": "devices_db",
        "forms": "forms_db",
    }
    if args.command == "merge":
        return args.into
    if args.command not in own:
        return None
    return getattr(args, own[args.command]) or args.db or paths.default_database()


def unlock(args: argparse.Namespace) -> None:
    """Give the command's database its passphrase, when one is given and the file needs one (or is new:
    it is then made encrypted). The commands open their stores as before: a Store finds the passphrase
    its process was given for the file (core/store/unlocked.py)."""
    from yingzao.core.store import encryption, unlocked

    passphrase = given_passphrase(args)
    db = command_database(args)
    if passphrase is None or db is None:
        return
    if not db.exists() or encryption.is_encrypted(db):
        unlocked.remember(db, passphrase)


def encrypt(args: argparse.Namespace) -> int:
    import getpass

    from yingzao.core import errors, paths
    from yingzao.core.errors import Text, YingzaoError
    from yingzao.core.store import encryption

    db = args.encrypt_db or args.db or paths.default_database()
    try:
        if not db.exists():
            raise errors.no_such_database(db)
        passphrase = given_passphrase(args)
        if passphrase is None:
            if not sys.stdin.isatty():
                raise errors.passphrase_not_given()
            passphrase = getpass.getpass(str(Text("新口令：", "New passphrase: ")))
            if getpass.getpass(str(Text("再输入一次：", "Once more: "))) != passphrase:
                raise errors.passphrases_differ()
        done = encryption.encrypt_database(db, passphrase)
    except YingzaoError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(
        Text(
            f"{done.path} 已加密：{done.tables} 个表、{done.rows} 行，已核对。请牢记口令：忘记的口令无法找回。",
            f"{done.path} is encrypted: {done.tables} tables, {done.rows} rows, verified. Keep the passphrase safe: "
            "a forgotten passphrase cannot be recovered.",
        )
    )
    return 0


def sealed_words(sealed: bool):
    from yingzao.core.errors import Text

    if sealed:
        return Text(
            "已用本机密钥签名，并为项目加密：只有持有项目密钥的数据库能打开它。",
            "Signed with this device's key and encrypted for the project: only a database holding the project's "
            "keys opens it.",
        )
    return Text(
        "注意：这个数据库不属于任何项目，数据包既未签名也未加密（python main.py project join FILE）。",
        "Note: this database belongs to no project, so the package is neither signed nor encrypted (python main.py "
        "project join FILE).",
    )


def keys_for(store, files: list[Path], args: argparse.Namespace):
    """The project keys, asked for only when a sealed package needs them and this database has them."""
    from yingzao.core.errors import YingzaoError
    from yingzao.core.exchange.unpack import read_head
    from yingzao.core.security import membership
    from yingzao.core.security.envelope import is_sealed

    if not membership.holds_project_keys(store):
        return None

    def sealed(path: Path) -> bool:
        try:
            return is_sealed(read_head(path))
        except YingzaoError:
            return False  # the merge says what is wrong with it

    if not any(sealed(path) for path in files):
        return None
    return membership.unlock(store, project_passphrase(args))
