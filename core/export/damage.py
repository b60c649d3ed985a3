"""A damaged database at export time: confirm the damage, and keep what can still be read.

An export that hits a read error (a missing table, a damaged page, text that is not UTF-8) asks
SQLite itself whether the file is damaged (`PRAGMA quick_check`, the tables the export needs), then
runs once more in salvage mode: every part that cannot be read is left out and named — on the About
sheet, in the result the app and the command line show — instead of ending in a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from yingzao.core import errors
from yingzao.core.errors import Text
from yingzao.core.forms.protocol import Protocol
from yingzao.core.store import driver, schema_check, unlocked
from yingzao.core.store.records import Community

_QUICK_CHECK_LINES = 5


def is_busy(error: driver.Error) -> bool:
    return errors.is_busy(error)


def is_bad_text(error: driver.Error) -> bool:
    # the DB-API module (sqlite3, sqlcipher3) raises this itself, with no SQLite error code to read: its wording is all there is
    return getattr(error, "sqlite_errorcode", None) is None and "UTF-8" in str(error)


def diagnose(path: Path, error: Exception) -> list[Text]:
    """What is wrong with the database at `path`, as SQLite sees it on a connection of its own
    (read-only); empty when SQLite finds nothing wrong and the error was not about the file."""
    problems: list[Text] = []
    if isinstance(error, driver.Error) and is_bad_text(error):
        problems.append(
            Text(
                "含有不是 UTF-8 编码的文字（文件受损或来自其他程序）",
                "it holds text that is not valid UTF-8 (a damaged file, or written by another program)",
            )
        )
    try:
        conn = _open_for_reading(path)
    except driver.Error as opening:
        return [*problems, Text(f"SQLite 无法打开它（{opening}）", f"SQLite cannot open it ({opening})")]
    try:
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            missing = [name.split(" ", 1)[1] for name in schema_check.compare(conn, version).missing]
            if missing:
                problems.append(Text(f"缺少：{', '.join(missing)}", f"missing: {', '.join(missing)}"))
        except driver.Error as listing:
            problems.append(Text(f"无法读取表的目录（{listing}）", f"its list of tables cannot be read ({listing})"))
        try:
            found = [str(row[0]) for row in conn.execute(f"PRAGMA quick_check({_QUICK_CHECK_LINES})")]
            if found != ["ok"]:
                lines = "; ".join(found)
                problems.append(
                    Text(
                        f"SQLite 完整性检查（quick_check）发现：{lines}",
                        f"SQLite's integrity check (quick_check) found: {lines}",
                    )
                )
        except driver.Error as checking:
            problems.append(
                Text(
                    f"SQLite 完整性检查（quick_check）无法完成（{checking}）",
                    f"SQLite's integrity check (quick_check) could not finish ({checking})",
                )
            )
    finally:
        conn.close()
    return problems


def _open_for_reading(path: Path) -> driver.Connection:
    """Read-only, or immutable on read-only media (see `ReadOnlyView`)."""
    try:
        conn = _read_only(path)
        conn.execute("PRAGMA user_version")  # SQLite opens the file on first use
        return conn
    except driver.OperationalError:
        if Path(f"{path}-wal").exists():
            raise
        return _read_only(path, immutable=True)


def _read_only(path: Path, *, immutable: bool = False) -> driver.Connection:
    mode = "immutable=1" if immutable else "mode=ro"
    # an encrypted database is read with the passphrase the app opened it with
    passphrase = unlocked.passphrase_for(path)
    conn = driver.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=5.0, passphrase=passphrase)
    conn.execute("PRAGMA trusted_schema=OFF")  # nothing stored in the file runs
    return conn


class ReadOnlyView:
    """The few reads an export makes, where `Store` cannot open the file: a database it refuses
    because objects of its schema are missing (a dropped table), or one on read-only media that
    has no -wal beside it (`immutable`: SQLite cannot make the -shm a WAL database needs there, and
    without a -wal the main file is the whole database). Read-only, and only when the file holds
    nothing the migrations do not make: a planted trigger or view is refused as `Store` refuses it."""

    read_only = True

    def __init__(self, path: Path, *, immutable: bool = False) -> None:
        self.path = path
        self.conn = _read_only(path, immutable=immutable)
        self._protocols: dict[str, Protocol] = {}
        try:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            unexpected = schema_check.compare(self.conn, version).unexpected
        except BaseException:
            self.conn.close()
            raise
        if unexpected:
            self.conn.close()
            raise errors.unexpected_schema(path, unexpected)

    def __enter__(self) -> ReadOnlyView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def communities(self) -> list[Community]:
        return [
            Community(*row) for row in self.conn.execute("SELECT id, name, created_at FROM communities ORDER BY id")
        ]

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def protocol(self, sha256: str) -> Protocol:
        if sha256 not in self._protocols:
            row = self.conn.execute("SELECT definition FROM protocols WHERE sha256 = ?", (sha256,)).fetchone()
            if row is None:
                raise KeyError(sha256)
            self._protocols[sha256] = Protocol.from_dict(json.loads(row[0]))
        return self._protocols[sha256]

    def count_interviews(self) -> int:
        return self.conn.execute("SELECT count(*) FROM interviews").fetchone()[0]


@dataclass
class Salvage:
    """What a salvage export could not read, gathered while it runs."""

    problems: list[Text]  # what the diagnosis found
    missing: dict[str, Text] = field(default_factory=dict)  # part -> what is missing from the file
    incomplete_sheets: set[str] = field(default_factory=set)  # keys of export.SHEETS
    skipped: list[str] = field(default_factory=list)  # interviews left out whole (short ids)
    without_answers: list[str] = field(default_factory=list)  # interviews whose answers are unreadable
    replaced_text: int = 0  # values whose bytes were not UTF-8, shown with U+FFFD
    counting: bool = True  # off while the same rows are read a second time

    def lose(self, part: str, what: Text, sheets: tuple[str, ...]) -> None:
        self.missing.setdefault(part, what)
        self.incomplete_sheets.update(sheets)

    def lenient_text(self, raw: bytes) -> str:
        """SQLite text as str, with bytes that are not UTF-8 shown as U+FFFD (and counted)."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.replaced_text += self.counting
            return raw.decode("utf-8", "replace")

    def findings(self) -> list[Text]:
        """Everything the file must say about what it lacks, in the order a reader needs it."""
        found = list(self.problems)
        found += self.missing.values()
        if self.skipped:
            found.append(
                Text(
                    f"无法读取、未导出的访谈：{', '.join(self.skipped)}",
                    f"interviews that cannot be read and are left out: {', '.join(self.skipped)}",
                )
            )
        if self.without_answers:
            found.append(
                Text(
                    f"回答无法读取（只导出访谈信息）的访谈：{', '.join(self.without_answers)}",
                    f"interviews whose answers cannot be read (only the interview itself is exported): "
                    f"{', '.join(self.without_answers)}",
                )
            )
        if self.replaced_text:
            found.append(
                Text(
                    f"{self.replaced_text} 个值含有非 UTF-8 字节，显示为 \ufffd",
                    f"{self.replaced_text} value(s) held bytes that are not UTF-8, shown as \ufffd",
                )
            )
        return found
