"""Encrypted databases (SQLCipher): passphrases, conversion, the OS keychain."""

from __future__ import annotations

from pathlib import Path

from yingzao.core.errors.base import Text
from yingzao.core.errors.store import StoreError, _primary

# -- encrypted databases (SQLCipher): passphrases, conversion, the OS keychain -----------------------


def sqlite_code(error: Exception) -> int:
    """SQLite's primary result code of `error` (SQLITE_NOTADB is 26), -1 when it carries none."""
    return _primary(error)


def database_needs_passphrase(path: Path) -> StoreError:
    """SQLite cannot read the file without a key. An encrypted database and a file that is no database
    at all look the same from outside (only the key tells them apart), so the message says both."""
    return StoreError(
        Text(
            f"{path} 无法作为普通数据库读取：它可能是加密的营造数据库（需要口令），也可能不是营造的数据库或已损坏。",
            f"{path} cannot be read as a plain database: it may be an encrypted Yingzao database (it needs its "
            "passphrase), or it is not a Yingzao database, or it is damaged.",
        ),
        hint=Text(
            "如果它是加密的，请输入它的口令（命令行：--passphrase-file 文件 或环境变量 YINGZAO_PASSPHRASE）；"
            "否则请选择营造创建的 .db 文件。文件没有任何改动。",
            "If it is encrypted, give its passphrase (command line: --passphrase-file FILE or the environment "
            "variable YINGZAO_PASSPHRASE); otherwise choose the .db file Yingzao created. The file was not changed.",
        ),
        code="database_needs_passphrase",
    )


def database_passphrase_wrong(path: Path) -> StoreError:
    """A key was given and SQLite still cannot read the file: the passphrase is wrong, or the file is
    no (intact) database. Nothing is counted: trying again is always allowed."""
    return StoreError(
        Text(
            f"口令不正确，无法打开 {path}（或者这个文件不是营造的数据库、已损坏）。",
            f"The passphrase is wrong: {path} cannot be opened with it (or the file is not a Yingzao database, "
            "or it is damaged).",
        ),
        hint=Text(
            "请检查大小写和输入法（全角/半角）后再试；尝试次数没有限制，文件没有任何改动。忘记的口令无法找回。",
            "Check upper and lower case and the input method (full-width/half-width), then try again; there is "
            "no limit on tries and the file was not changed. A forgotten passphrase cannot be recovered.",
        ),
        code="database_passphrase_wrong",
    )


def encryption_unavailable() -> StoreError:
    """SQLCipher's module is not installed: plain databases work, encrypted ones cannot be opened or made."""
    return StoreError(
        Text(
            "这台电脑上的营造没有安装 SQLCipher（sqlcipher3-wheels），无法打开或创建加密的数据库。",
            "This installation of Yingzao lacks SQLCipher (sqlcipher3-wheels): encrypted databases cannot be "
            "opened or made.",
        ),
        hint=Text(
            "请安装营造的完整版本（pip install sqlcipher3-wheels），然后再试。",
            "Install Yingzao with all its parts (pip install sqlcipher3-wheels), then try again.",
        ),
        code="encryption_unavailable",
    )


def passphrase_too_short(least: int) -> StoreError:
    return StoreError(
        Text(
            f"口令太短：至少需要 {least} 个字符。",
            f"The passphrase is too short: it needs at least {least} characters.",
        ),
        hint=Text(
            "较长的一句话（用拼音或英文输入，口令框不接受输入法）比复杂的短词更安全，也更好记，"
            "例如 cunweihui menqian you san ke liushu。",
            "A longer sentence (typed in pinyin or English letters: a passphrase box takes no input method) is "
            "safer than a short complicated word, and easier to remember.",
        ),
        code="passphrase_too_short",
    )


def already_encrypted(path: Path) -> StoreError:
    return StoreError(
        Text(f"{path} 已经是加密的。", f"{path} is already encrypted."),
        hint=Text(
            "要换口令，请用“文件 → 更改口令…”。",
            "To choose another passphrase use File → Change passphrase….",
        ),
        code="already_encrypted",
    )


def not_encrypted(path: Path) -> StoreError:
    return StoreError(
        Text(f"{path} 没有加密，没有可更改的口令。", f"{path} is not encrypted: it has no passphrase to change."),
        hint=Text("请先用“文件 → 加密此数据库…”加密它。", "Encrypt it first with File → Encrypt this database…."),
        code="not_encrypted",
    )


def encryption_failed(path: Path, error: Exception) -> StoreError:
    """The encrypted copy could not be written or did not verify: the database stays as it was."""
    why = getattr(error, "strerror", None) or str(error)
    return StoreError(
        Text(
            f"无法加密 {path}（{why}）。原来的数据库没有任何改动，仍可照常使用。",
            f"{path} could not be encrypted ({why}). The database is unchanged and can be used as before.",
        ),
        hint=Text(
            "请检查磁盘空间（需要与数据库同样大小的空间）和写入权限，然后再试。",
            "Check the free space (as much again as the database) and that you may write to its folder, then "
            "try again.",
        ),
        code="encryption_failed",
    )


def keychain_unavailable(error: Exception) -> StoreError:
    """No usable OS keychain (a Linux computer without a secret service, a locked or refused keychain)."""
    return StoreError(
        Text(
            f"这台电脑的系统钥匙串不可用（{error}），口令没有保存。",
            f"This computer's keychain is not available ({error}); the passphrase was not saved.",
        ),
        hint=Text(
            "每次启动时将询问口令。",
            "The passphrase will be asked for at every start.",
        ),
        code="keychain_unavailable",
    )


def passphrase_file_unreadable(path: Path, error: Exception) -> StoreError:
    why = getattr(error, "strerror", None) or str(error)
    return StoreError(
        Text(f"无法读取口令文件 {path}（{why}）。", f"The passphrase file {path} cannot be read ({why})."),
        hint=Text(
            "口令文件是 UTF-8 文本，第一行就是口令。",
            "A passphrase file is UTF-8 text whose first line is the passphrase.",
        ),
        code="passphrase_file_unreadable",
    )


def passphrase_not_given() -> StoreError:
    return StoreError(
        Text("没有给出口令。", "No passphrase was given."),
        hint=Text(
            "请用 --passphrase-file 文件（第一行是口令）或环境变量 YINGZAO_PASSPHRASE 给出口令，或在终端里运行以便输入。",
            "Give it with --passphrase-file FILE (its first line) or the environment variable YINGZAO_PASSPHRASE, "
            "or run the command in a terminal to type it.",
        ),
        code="passphrase_not_given",
    )


def passphrases_differ() -> StoreError:
    return StoreError(
        Text("两次输入的口令不一致，什么都没有改动。", "The two passphrases differ; nothing was changed."),
        hint=Text("请再试一次，两次输入相同的口令。", "Try again, typing the same passphrase twice."),
        code="passphrases_differ",
    )
