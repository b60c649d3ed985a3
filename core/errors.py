"""Every error a user can act on, in one place.

Each error carries *where* (file, sheet, row, column, question) and *what to do*, so the UI and the
command line can show it as it is, never as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_language = "zh"  # the interface language; Chinese first, as the app is


def set_language(language: str) -> None:
    """Choose the language every error speaks from now on (the UI's switch, the CLI's --lang)."""
    global _language
    _language = "en" if language == "en" else "zh"


def language() -> str:
    return _language


@dataclass(frozen=True)
class Text:
    """One message in both languages; it reads in the interface language when it is shown."""

    zh: str
    en: str

    def __post_init__(self) -> None:
        # a Text given where a string belongs keeps its own language's half
        if isinstance(self.zh, Text):
            object.__setattr__(self, "zh", self.zh.zh)
        if isinstance(self.en, Text):
            object.__setattr__(self, "en", self.en.en)

    def __str__(self) -> str:
        return self.en if _language == "en" else self.zh

    def __add__(self, other: object) -> Text:
        if isinstance(other, Text):
            return Text(self.zh + other.zh, self.en + other.en)
        return Text(self.zh + str(other), self.en + str(other))

    def __radd__(self, other: object) -> Text:
        return Text(str(other) + self.zh, str(other) + self.en)


def _both(text: str | Text) -> Text:
    """A detail that may come already in both languages, or as one string (a file name, a number)."""
    return text if isinstance(text, Text) else Text(text, text)


class YingzaoError(Exception):
    """Base of the errors the app reports to its user instead of crashing.

    The message and the hint are `Text` in both languages; they are read in the language chosen
    with `set_language` when the error is shown, so an error raised in a worker thread still speaks
    the language the user sees."""

    def __init__(self, message: str | Text, *, hint: str | Text = "", code: str = "") -> None:
        super().__init__(str(message))
        self._message = message
        self._hint = hint
        self.code = code

    @property
    def message(self) -> str:
        return str(self._message)

    @property
    def hint(self) -> str:
        return str(self._hint)

    @hint.setter
    def hint(self, value: str | Text) -> None:
        self._hint = value

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form or codebook, at a place a person can find in Excel.

    `text` is a `Text`: the place stays as Excel names it, the words follow the interface language."""

    file: str
    sheet: str
    row: int | None
    text: str | Text
    column: str | None = None

    @property
    def message(self) -> str:
        """What is wrong, in the interface language."""
        text = _both(self.text)
        return text.en if _language == "en" else text.zh

    def __str__(self) -> str:
        return self.read(_language)

    def read(self, language: str) -> str:
        """FILE:SHEET:ROW: [column] message, in `language` ("zh" or "en")."""
        text = _both(self.text)
        row = "" if self.row is None else str(self.row)
        column = f"[{self.column}] " if self.column else ""
        return f"{self.file}:{self.sheet}:{row}: {column}{text.en if language == 'en' else text.zh}"


class FormError(YingzaoError):
    """A protocol workbook that cannot be used; `problems` lists every place to fix."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = problems
        first = problems[0] if problems else None
        summary = Text(f"{self.path.name}：{len(problems)} 处问题", f"{self.path.name}: {len(problems)} problem(s)")
        if first is not None:
            summary = summary + Text(f"；第一处：{first.read('zh')}", f"; first: {first.read('en')}")
        super().__init__(
            summary,
            hint=Text("请在 Excel 中修改这个工作簿，然后重新载入。", "Fix the workbook in Excel and load it again."),
            code="form_problems",
        )


class CodebookError(FormError):
    """The codebook file cannot be used."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        super().__init__(path, problems)
        self.code = "codebook_problems"
        self.hint = Text(
            "请修改编码表（CSV 文件：可在 Excel 或 WPS 中编辑，另存为“CSV UTF-8”），然后重新启动。",
            "Fix the codebook (a CSV file: edit it in Excel or WPS and save it as CSV UTF-8) and start again.",
        )


def unexpected(error: BaseException, log_folder: Path) -> YingzaoError:
    """What the user reads when something nobody foresaw went wrong: it is in the log, with where."""
    kind = type(error).__name__
    return YingzaoError(
        Text(
            f"发生了意外错误（{kind}）。已保存的数据不受影响。",
            f"An unexpected error happened ({kind}). Saved data is not affected.",
        ),
        hint=Text(
            f"详细信息已记入日志（{log_folder}，不含任何回答内容）。请把日志文件发给项目的技术负责人。",
            f"The details are in the log ({log_folder}; it holds no answer text). Please send the log file to "
            "the project's technical lead.",
        ),
        code="unexpected",
    )


# -- the database ------------------------------------------------------------------------------


class StoreError(YingzaoError):
    """The database file cannot be opened or written as asked."""


class DatabaseInUse(StoreError):
    """Another Yingzao window or command holds the database; `holder` says who, as far as known."""

    def __init__(self, path: Path, holder: object) -> None:
        self.path = path
        self.holder = holder
        who = _holder_text(holder)
        super().__init__(
            Text(f"{path} 正在被另一个营造窗口使用{who.zh}。", f"{path} is in use by another Yingzao window{who.en}."),
            hint=Text(
                "一个数据库同一时间只能由一个窗口写入。请在那个窗口里继续工作，或关闭它后再打开；"
                "也可以以只读方式打开，只查看、导出，不修改。",
                "Only one window at a time may write to a database. Work in that window, or close it and open "
                "again; or open this one read-only, to look and export without changing anything.",
            ),
            code="database_in_use",
        )


def _holder_text(holder: object) -> Text:
    user = getattr(holder, "user", "") or ""
    host = getattr(holder, "host", "") or ""
    pid = getattr(holder, "pid", 0) or 0
    since = (getattr(holder, "since", "") or "")[:16].replace("T", " ")
    parts_zh = [
        p
        for p in (
            user and f"用户 {user}",
            host and f"电脑 {host}",
            pid and f"进程 {pid}",
            since and f"自 {since} (UTC) 起",
        )
        if p
    ]
    parts_en = [
        p
        for p in (
            user and f"user {user}",
            host and f"computer {host}",
            pid and f"process {pid}",
            since and f"since {since} UTC",
        )
        if p
    ]
    if not parts_zh:
        return Text("", "")
    return Text("（" + "，".join(parts_zh) + "）", " (" + ", ".join(parts_en) + ")")


def store_closed(path: Path) -> StoreError:
    return StoreError(
        Text(f"{path} 已经关闭，不能再读写。", f"{path} has been closed; it can no longer be read or written."),
        hint=Text("请重新打开数据库。", "Open the database again."),
        code="store_closed",
    )


def no_such_database(path: Path) -> StoreError:
    return StoreError(
        Text(f"{path}：没有这个数据库文件。", f"{path}: no such database."),
        hint=Text("请检查文件名和文件夹。", "Check the file name and the folder."),
        code="no_database",
    )


def not_a_database(path: Path) -> StoreError:
    return StoreError(
        Text(
            f"{path} 不是营造的数据库（不是 SQLite 文件，或已损坏）。",
            f"{path} is not a Yingzao database (it is not a SQLite file, or it is damaged).",
        ),
        hint=Text(
            "请选择营造创建的 .db 文件，或输入一个新文件名来新建数据库。",
            "Choose the .db file Yingzao created, or a new file name to start a new database.",
        ),
        code="not_a_database",
    )


def foreign_database(path: Path) -> StoreError:
    return StoreError(
        Text(
            f"{path} 是其他程序创建的 SQLite 数据库，不是营造的。",
            f"{path} is a SQLite database made by another program, not by Yingzao.",
        ),
        hint=Text(
            "请选择营造创建的 .db 文件，或输入一个新文件名来新建数据库。",
            "Choose the .db file Yingzao created, or a new file name to start a new database.",
        ),
        code="foreign_database",
    )


def unexpected_schema(path: Path, objects: tuple[str, ...] | list[str]) -> StoreError:
    listed = ", ".join(objects[:10]) + (" …" if len(objects) > 10 else "")
    return StoreError(
        Text(
            f"{path} 含有营造不会创建的数据库对象：{listed}。这些对象可能在使用时执行其中的 SQL，因此没有打开这个文件。",
            f"{path} holds database objects Yingzao does not create: {listed}. They could run SQL stored in the "
            "file while it is used, so it was not opened.",
        ),
        hint=Text(
            "文件未被改动。请向文件的来源索取营造直接导出的数据包或备份；不要使用被其他程序修改过的数据库。",
            "The file has not been changed. Ask whoever sent it for a session package or a backup made by "
            "Yingzao; do not use a database another program has altered.",
        ),
        code="unexpected_schema",
    )


def damaged_database(path: Path, what: tuple[str, ...] | list[str] | Text) -> StoreError:
    if isinstance(what, Text):
        listed = what
    else:
        names = ", ".join(what[:10]) + (" …" if len(what) > 10 else "")
        listed = Text(f"缺少 {names}", f"missing {names}")
    return StoreError(
        Text(f"{path} 已损坏：{listed.zh}。", f"{path} is damaged: {listed.en}."),
        hint=Text(
            "文件未被改动。请用最近的备份（文件 → 备份数据库…）或访员最近的数据包；"
            "也可以用 export 导出仍可读取的部分。",
            "The file has not been changed. Use the latest backup (File → Back up database…) or the "
            "fieldworker's latest package; `export` can still save what is readable.",
        ),
        code="damaged_database",
    )


def foreign_wal(path: Path) -> StoreError:
    wal = path.with_name(path.name + "-wal")
    return StoreError(
        Text(
            f"{path} 旁边的 {wal.name} 不属于这个数据库（或已损坏）；打开就会把它写进数据库，所以没有打开。",
            f"The {wal.name} file beside {path} does not belong to this database (or is damaged); opening would "
            "write it into the database, so it was not opened.",
        ),
        hint=Text(
            f"请把 {wal.name}（以及 {path.name}-shm，如有）移到别的文件夹后再打开；先不要删除它。"
            "复制数据库请使用“文件 → 备份数据库…”，不要只复制 .db 文件。",
            f"Move {wal.name} (and {path.name}-shm, if there is one) to another folder, then open again; "
            "keep it for now. To copy a database use File → Back up database…, not a copy of the .db alone.",
        ),
        code="foreign_wal",
    )


def newer_database(path: Path, found: int, known: int) -> StoreError:
    return StoreError(
        Text(
            f"{path} 由更新版本的营造写入（数据库版本 {found}，本版本最多支持 {known}）。",
            f"{path} was written by a newer version of Yingzao (schema {found}; this version knows up to {known}).",
        ),
        hint=Text(
            "请先在这台电脑上更新营造再打开；文件未被改动。",
            "Update Yingzao on this computer before opening this file; it has not been changed.",
        ),
        code="newer_database",
    )


def read_only_needs_upgrade(path: Path, found: int, known: int) -> StoreError:
    return StoreError(
        Text(
            f"{path} 是旧版本营造的数据库（版本 {found}，当前 {known}），只读方式无法升级它。",
            f"{path} is a database of an older Yingzao (schema {found}, now {known}); read-only it cannot be upgraded.",
        ),
        hint=Text(
            "请以可写方式打开一次（关闭正在使用它的其他窗口），营造会先升级它。",
            "Open it once for writing (close any other window using it); Yingzao upgrades it first.",
        ),
        code="read_only_needs_upgrade",
    )


def migration_failed(path: Path, version: int, error: Exception) -> StoreError:
    return StoreError(
        Text(
            f"把 {path} 升级到版本 {version} 失败（{error}）；文件未被改动。",
            f"Upgrading {path} to schema {version} failed ({error}); the file is unchanged.",
        ),
        hint=Text("请保留这个文件的副本，并报告这条消息。", "Keep a copy of the file and report this message."),
        code="migration_failed",
    )


def read_only_store(path: Path) -> StoreError:
    return StoreError(
        Text(f"{path} 以只读方式打开，不能修改。", f"{path} is open read-only; nothing can be changed."),
        hint=Text(
            "关闭正在使用它的其他营造窗口，然后重新打开。",
            "Close the other Yingzao window using it, then open it again.",
        ),
        code="read_only",
    )


def unknown_interview(interview_id: str) -> StoreError:
    return StoreError(
        Text(f"数据库中没有编号为 {interview_id} 的访谈。", f"No interview with id {interview_id} in this database."),
        hint=Text(
            "请刷新列表后再试：它可能已被删除，或属于另一个数据库。",
            "Reload the list and try again: it may have been removed, or belong to another database.",
        ),
        code="unknown_interview",
    )


def unknown_protocol(sha256: str) -> StoreError:
    return StoreError(
        Text(f"数据库中没有提纲版本 {sha256[:12]}。", f"Protocol version {sha256[:12]} is not in this database."),
        hint=Text(
            "请先合并带有这个提纲版本的数据包，或在“提纲”中重新载入它。",
            "Merge a package that carries this protocol version first, or load it again under Protocols.",
        ),
        code="unknown_protocol",
    )


def community_id_required() -> StoreError:
    return StoreError(
        Text("社区需要一个案例字母或简短编号，例如 A。", "A community needs a case letter or short id, e.g. A."),
        hint=Text("请填写编号后再保存。", "Fill in the id, then save."),
        code="community_id_required",
    )


def unknown_community(community_id: str) -> StoreError:
    return StoreError(
        Text(f"数据库中没有编号为 {community_id} 的社区。", f"No community with id {community_id} in this database."),
        hint=Text("请先添加这个社区，或选择一个已有的社区。", "Add the community first, or choose one that exists."),
        code="unknown_community",
    )


def bad_value(question: str, problem: object) -> StoreError:
    # a ValueProblem carries both languages: keep each half, not the one in use when it was raised
    said = getattr(problem, "text", None)
    said = said if isinstance(said, Text) else Text(str(problem), str(problem))
    return StoreError(
        Text(f"问题“{question}”：{said.zh}。", f"Question '{question}': {said.en}."),
        hint=Text(
            "请按提示修改答案；原来保存的答案没有变。",
            "Correct the answer as the hint says; the answer saved before is unchanged.",
        ),
        code="bad_value",
    )


def unstorable_text() -> StoreError:
    return StoreError(
        Text(
            "文本中有无法保存的残缺字符（通常来自复制粘贴）。",
            "The text holds a broken character that cannot be stored (usually from copy and paste).",
        ),
        hint=Text("请删除并重新输入最后粘贴的内容。", "Delete what was pasted last and type it again."),
        code="unstorable_text",
    )


def interview_read_only(interview_id: str, status: str) -> StoreError:
    return StoreError(
        Text(
            f"访谈 {interview_id} 的状态是 {_status(status).zh}，访员已不能再修改。",
            f"Interview {interview_id} is {status} and can no longer be edited by the fieldworker.",
        ),
        hint=Text("督导可以重新打开它。", "A supervisor can reopen it."),
        code="interview_read_only",
    )


def unknown_question(protocol_id: str, question: str) -> StoreError:
    return StoreError(
        Text(
            f"提纲 {protocol_id} 中没有名为“{question}”的问题。",
            f"Protocol {protocol_id} has no question named '{question}'.",
        ),
        hint=Text(
            "请检查问题名称（Excel 中 survey 工作表的 name 列）。",
            "Check the question's name (the name column of the workbook's survey sheet).",
        ),
        code="unknown_question",
    )


def package_exists(path: Path) -> YingzaoError:
    return YingzaoError(
        Text(
            f"{path} 已存在；它可能是研究者尚未合并的数据包。",
            f"{path} already exists; it may be a package not yet merged by the researcher.",
        ),
        hint=Text(
            "请换一个文件名，或先把那个文件移走（pack --force 会替换它）。",
            "Choose another file name, or move that file away first (pack --force replaces it).",
        ),
        code="package_exists",
    )


_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_SQLITE_DAMAGED = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_SQLITE_FULL = {13}
_SQLITE_READONLY = {8}
_SQLITE_CANNOT = {3, 10, 14, 23}  # SQLITE_PERM, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_AUTH


def _primary(error: Exception) -> int:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else -1


def is_environmental(error: Exception) -> bool:
    """A SQLite error caused by the disk, the file or another program, not by what was written."""
    code = _primary(error)
    return code in _SQLITE_BUSY | _SQLITE_DAMAGED | _SQLITE_FULL | _SQLITE_READONLY | _SQLITE_CANNOT


def write_failed(path: Path, error: Exception) -> StoreError:
    code = _primary(error)
    if code in _SQLITE_BUSY:
        return database_locked(path)
    if code in _SQLITE_DAMAGED:
        return damaged_database(path, Text("写入时遇到损坏的数据页", "damaged pages met while writing"))
    if code in _SQLITE_FULL:
        why = Text("磁盘已满", "the disk is full")
    elif code in _SQLITE_READONLY:
        why = Text("文件或所在文件夹是只读的", "the file or its folder is read-only")
    else:
        why = Text(f"磁盘无法写入（{error}）", f"the disk could not be written ({error})")
    return StoreError(
        Text(
            f"无法保存到 {path}：{why.zh}。这次修改没有写入任何内容。",
            f"Could not save to {path}: {why.en}. Nothing of this change was written.",
        ),
        hint=Text(
            "请腾出磁盘空间或重新连接驱动器，然后再试；您输入的内容仍在屏幕上。",
            "Free some space or reconnect the drive, then try again; what you typed is still on screen.",
        ),
        code="write_failed",
    )


def from_sqlite(path: Path, error: Exception, *, opening: bool = False) -> StoreError:
    """A SQLite error as the user should read it, by SQLite's own error code."""
    code = _primary(error)
    if code == 26:
        return not_a_database(path)
    if code == 11:
        return damaged_database(path, Text("SQLite 报告数据页损坏", "SQLite reports damaged pages"))
    if code in _SQLITE_BUSY:
        return database_locked(path)
    if opening and (code in _SQLITE_CANNOT or code in _SQLITE_READONLY):
        return cannot_open(path, error)
    if opening:
        return not_a_database(path)
    return write_failed(path, error)  # SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR and the like


def cannot_open(path: Path, error: Exception) -> StoreError:
    return StoreError(
        Text(f"无法打开 {path}（{error}）。", f"{path} cannot be opened ({error})."),
        hint=Text(
            "请检查文件夹是否存在、驱动器是否已连接、您是否有写入权限。",
            "Check that the folder exists, that the drive is connected and that you may write to it.",
        ),
        code="cannot_open",
    )


def database_locked(path: Path) -> StoreError:
    return StoreError(
        Text(
            f"{path} 正忙：另一个营造窗口或程序正在写入。",
            f"{path} is busy: another Yingzao window or program is writing to it.",
        ),
        hint=Text("请关闭另一个程序后再试。", "Close the other program and try again."),
        code="database_locked",
    )


def backup_onto_itself(path: Path) -> StoreError:
    return StoreError(
        Text(f"不能把数据库备份到它自己（{path}）。", f"A database cannot be backed up onto itself ({path})."),
        hint=Text(
            "请为备份选择另一个文件名或文件夹，最好是 U 盘。",
            "Choose another file name or folder for the backup, ideally a USB stick.",
        ),
        code="backup_onto_itself",
    )


def backup_failed(path: Path, error: Exception) -> StoreError:
    why = getattr(error, "strerror", None) or str(error)
    return StoreError(
        Text(
            f"备份到 {path} 失败（{why}）；没有留下不完整的文件。",
            f"Backing up to {path} failed ({why}); no partial file was left.",
        ),
        hint=Text(
            "请检查目标磁盘的剩余空间和写入权限，然后再试。",
            "Check the free space and permissions of the target drive, then try again.",
        ),
        code="backup_failed",
    )


def _status(status: str) -> Text:
    return _STATUS_NAMES.get(status, Text(status, status))


_STATUS_NAMES = {
    "draft": Text("草稿", "draft"),
    "completed": Text("已完成", "completed"),
    "approved": Text("已通过", "approved"),
    "rejected": Text("已退回修改", "rejected"),
}


# -- Excel export ------------------------------------------------------------------------------


class ExportError(YingzaoError):
    """An Excel export that could not be written; no file (and no half-written file) was left."""


class ExportCancelled(ExportError):
    """The user cancelled an export; nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            Text("导出已取消；没有写入任何文件。", "Export cancelled; no file was written."),
            hint=Text("需要时可以重新导出。", "Export again whenever you need to."),
            code="export_cancelled",
        )


def export_database_missing(path: Path) -> ExportError:
    return ExportError(
        Text(f"{path}：没有这个数据库。", f"{path}: no such database."),
        hint=Text("请检查 --db 给出的路径。", "Check the path given with --db."),
        code="export_database_missing",
    )


def export_not_xlsx(path: Path) -> ExportError:
    return ExportError(
        Text(
            f"{path}：导出文件必须是以 .xlsx 结尾的 Excel 工作簿。",
            f"{path}: the export must be an Excel workbook ending in .xlsx.",
        ),
        hint=Text(
            f"请使用类似 {path.with_suffix('.xlsx').name} 的文件名。",
            f"Use a name like {path.with_suffix('.xlsx').name}.",
        ),
        code="export_not_xlsx",
    )


def export_folder_missing(path: Path) -> ExportError:
    return ExportError(
        Text(
            f"无法写入 {path}：文件夹 {path.parent} 不存在。",
            f"Cannot write {path}: the folder {path.parent} does not exist.",
        ),
        hint=Text("请选择一个已有的文件夹，或先创建它。", "Choose an existing folder, or create it first."),
        code="export_folder_missing",
    )


def export_not_writable(path: Path, error: OSError | None = None) -> ExportError:
    why = f" ({error.strerror})" if error is not None and error.strerror else ""
    return ExportError(
        Text(
            f"无法写入 {path}：您不能在 {path.parent} 中写入，或不能使用这个文件名{why}。",
            f"Cannot write {path}: you may not write in {path.parent} or to this name{why}.",
        ),
        hint=Text(
            "请选择另一个文件夹，例如“文档”。没有写入任何内容。",
            "Choose another folder, e.g. your Documents folder. Nothing was written.",
        ),
        code="export_not_writable",
    )


def export_file_in_use(path: Path) -> ExportError:
    return ExportError(
        Text(
            f"无法替换 {path}：该文件正在另一个程序（Excel 或 WPS？）中打开。",
            f"Cannot replace {path}: the file is open in another program (Excel or WPS?).",
        ),
        hint=Text(
            "请在那里关闭它后重新导出，或换一个文件名。原文件没有改变。",
            "Close it there and export again, or choose another file name. The old file is unchanged.",
        ),
        code="export_file_in_use",
    )


def export_failed(path: Path, error: Exception) -> ExportError:
    why = getattr(error, "strerror", None) or str(error)
    return ExportError(
        Text(f"写入 {path} 失败（{why}）。", f"Writing {path} failed ({why})."),
        hint=Text(
            "请检查磁盘剩余空间后再试。没有写入任何内容。",
            "Check there is free space on the disk and try again. Nothing was written.",
        ),
        code="export_failed",
    )


def export_unknown_community(wanted: list[str], known: list[str]) -> ExportError:
    return ExportError(
        Text(
            f"数据库中没有编号为 {', '.join(wanted)} 的社区。",
            f"No community with id {', '.join(wanted)} in this database.",
        ),
        hint=Text(
            f"已有的社区：{', '.join(known) or '暂无'}。", f"Known communities: {', '.join(known) or 'none yet'}."
        ),
        code="export_unknown_community",
    )


def export_bad_filter(values: list[str], roles: tuple[str, ...], statuses: tuple[str, ...]) -> ExportError:
    return ExportError(
        Text(f"未知的角色或状态：{', '.join(values)}。", f"Unknown role or status: {', '.join(values)}."),
        hint=Text(
            f"角色：{', '.join(roles)}；状态：{', '.join(statuses)}。",
            f"Roles: {', '.join(roles)}; statuses: {', '.join(statuses)}.",
        ),
        code="export_bad_filter",
    )


# -- export hardening --


def _joined(texts: list[Text]) -> Text:
    return Text("；".join(t.zh for t in texts), "; ".join(t.en for t in texts))


def export_database_damaged(path: Path, problems: list[Text]) -> ExportError:
    """Nothing could be exported: even the list of interviews cannot be read."""
    found = _joined(problems) if problems else Text("读取时出错", "reading it failed")
    return ExportError(
        Text(f"数据库 {path} 已损坏，无法导出：", f"The database {path} is damaged and cannot be exported: ")
        + found
        + Text("。", "."),
        hint=Text(
            "请用最近的备份（或访员电脑上的数据库、已导出的数据包）恢复。不要继续在此文件中录入。没有写入任何文件。",
            "Restore it from your latest backup (or the fieldworker's laptop, or the packages already exported). "
            "Do not keep entering data into this file. Nothing was written.",
        ),
        code="export_damaged",
    )


def export_damaged_not_anonymisable(what: Text, problems: list[Text]) -> ExportError:
    """A damaged database lost something an anonymised export must know to remove names."""
    return ExportError(
        Text("数据库已损坏（", "The database is damaged (")
        + _joined(problems)
        + Text("），无法读取", "): ")
        + what
        + Text(
            "，因此无法保证匿名化导出不泄露身份信息。",
            " cannot be read, so an anonymised export could not be sure to remove every identifying value.",
        ),
        hint=Text(
            "可以不勾选「匿名化」导出可读取的部分（仅供内部使用），或先用备份恢复数据库。没有写入任何文件。",
            "Export the readable part without anonymising (for internal use only), or restore the database from a "
            "backup first. Nothing was written.",
        ),
        code="export_damaged_anonymise",
    )


# -- session packages --------------------------------------------------------------------------


class PackageError(YingzaoError):
    """A session package that cannot be merged; the master database has not been touched."""

    def __init__(self, path: Path | str, message: str | Text, *, hint: str | Text, code: str = "") -> None:
        self.path = Path(path)
        if not isinstance(message, Text):
            message = Text(message, message)
        super().__init__(Text(f"{self.path.name}：", f"{self.path.name}: ") + message, hint=hint, code=code)


_UNCHANGED = Text("主数据库没有被改动。", "The master database has not been changed.")


def package_incomplete(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text(
            "文件不完整（复制或发送时被截断）。", "the file is incomplete (it was cut off while being copied or sent)."
        ),
        hint=Text(
            f"请从访员的 U 盘或邮件重新复制并合并新的副本。{_UNCHANGED.zh}",
            f"Copy it again from the fieldworker's USB stick or e-mail and merge the new copy. {_UNCHANGED.en}",
        ),
        code="package_incomplete",
    )


def not_a_package(path: Path | str, what: str | Text) -> PackageError:
    what = _both(what)
    return PackageError(
        path,
        Text(f"这不是营造的数据包（{what.zh}）。", f"this is not a Yingzao session package ({what.en})."),
        hint=Text(
            f"请选择用“导出数据包”（python main.py pack）生成的 .yzpack 文件。{_UNCHANGED.zh}",
            f"Choose a .yzpack file made with Export session (python main.py pack). {_UNCHANGED.en}",
        ),
        code="not_a_package",
    )


def newer_package(path: Path | str, found: int, known: int) -> PackageError:
    return PackageError(
        path,
        Text(
            f"由更新版本的营造生成（数据包格式 {found}；本版本最多读取 {known}）。",
            f"made by a newer Yingzao (package format {found}; this version reads up to {known}).",
        ),
        hint=Text(
            f"请先在这台电脑上更新营造，再重新合并这个文件。{_UNCHANGED.zh}",
            f"Update Yingzao on this computer first, then merge the file again. {_UNCHANGED.en}",
        ),
        code="newer_package",
    )


def damaged_package(path: Path | str, what: str | Text) -> PackageError:
    what = _both(what)
    return PackageError(
        path,
        Text(f"数据包已损坏或被改动：{what.zh}。", f"the package is damaged or was altered: {what.en}."),
        hint=Text(
            f"请访员重新导出数据包，合并新的文件。{_UNCHANGED.zh}",
            f"Ask the fieldworker to export the session again and merge the new file. {_UNCHANGED.en}",
        ),
        code="damaged_package",
    )


def package_unreadable(path: Path | str, error: OSError) -> PackageError:
    return PackageError(
        path,
        Text(f"无法读取文件（{error.strerror}）。", f"the file cannot be read ({error.strerror})."),
        hint=Text(
            f"请检查 U 盘是否已连接、您是否有读取权限。{_UNCHANGED.zh}",
            f"Check that the USB stick is connected and that you may read the file. {_UNCHANGED.en}",
        ),
        code="package_unreadable",
    )


# -- packing from a damaged database --
# A read that fails while a package is written (pack, the pack dialog), when SQLite's error code has
# not already said "damaged", "not a database" or "busy" (see from_sqlite): a missing table, text that
# is not UTF-8. `problems` are what SQLite's own checks found on the file (core/export_damage.diagnose).


def pack_read_failed(path: Path, error: Exception, problems: list[Text]) -> StoreError:
    if problems:
        return damaged_database(path, Text("；".join(p.zh for p in problems), "; ".join(p.en for p in problems)))
    return StoreError(
        Text(
            f"无法从 {path} 读取要导出的访谈（{error}）；没有写出数据包。",
            f"The interviews to export cannot be read from {path} ({error}); no package was written.",
        ),
        hint=Text(
            "请用 export 导出仍可读取的部分，并保留这个数据库文件以便检查。",
            "Use `export` to save what is readable, and keep the database file so that it can be examined.",
        ),
        code="pack_read_failed",
    )


# -- package hardening --
# Refusals of packages that are hostile or damaged in ways a copy error never produces (too big,
# too deep, a protocol that does not match its workbook, interviews for another laptop). The file
# is named first, as in every PackageError, so a merge report line says which package it was.

_ASK_AGAIN = Text(
    "请访员重新导出数据包，再合并新文件。", "Ask the fieldworker to export the session again and merge the new file. "
)


def package_too_large(path: Path | str, what: str | Text, limit: str | Text) -> PackageError:
    what, limit = _both(what), _both(limit)
    return PackageError(
        path,
        Text(
            f"数据包超出了 Yingzao 接受的大小（{what.zh}；上限 {limit.zh}），可能已损坏或是恶意文件。",
            f"the package is larger than Yingzao accepts ({what.en}; the limit is {limit.en}); "
            "it may be damaged or hostile.",
        ),
        hint=_ASK_AGAIN + _UNCHANGED,
        code="package_too_large",
    )


def package_duplicate_member(path: Path | str, name: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"数据包中有两个同名文件（{name}），无法确定哪一个是真的。",
            f"the package holds two files named {name}; which one is genuine cannot be told.",
        ),
        hint=_ASK_AGAIN + _UNCHANGED,
        code="package_duplicate_member",
    )


def package_protocol_unverifiable(path: Path | str, sha256: str, why: str | Text) -> PackageError:
    why = _both(why)
    return PackageError(
        path,
        Text(
            f"提纲 {sha256[:12]} 无法根据其附带的 Excel 工作簿核实（{why.zh}）。",
            f"protocol {sha256[:12]} cannot be verified against its own workbook ({why.en}).",
        ),
        hint=Text(
            "请在访员的电脑上用 Yingzao 重新载入该提纲并重新导出会话。",
            "Load the protocol again in Yingzao on the fieldworker's laptop and export the session again. ",
        )
        + _UNCHANGED,
        code="package_protocol_unverifiable",
    )


def package_answer_outside_protocol(path: Path | str, interview_id: str, question: str, form: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"访谈 {interview_id} 回答了提纲 {form} 中没有的问题“{question}”。",
            f"interview {interview_id} answers a question '{question}' that its protocol {form} does not have.",
        ),
        hint=_ASK_AGAIN + _UNCHANGED,
        code="package_answer_outside_protocol",
    )


def package_repeat_list_bad(path: Path | str, interview_id: str, repeat: str, most: int) -> PackageError:
    return PackageError(
        path,
        Text(
            f"访谈 {interview_id} 的重复组“{repeat}”的实例列表已损坏（不是不重复的实例编号，或多于 {most} 项）。",
            f"interview {interview_id} carries a damaged list of instances for repeat '{repeat}' (not distinct "
            f"instance ids, or more than {most}).",
        ),
        hint=_ASK_AGAIN + _UNCHANGED,
        code="package_repeat_list_bad",
    )


def package_not_merged(path: Path | str, error: BaseException) -> PackageError:
    """The last resort of a merge: something no check foresaw. The package is refused alone, its
    transaction rolled back, and the others of the run still merge."""
    return PackageError(
        path,
        Text(
            f"合并时出现意外错误（{type(error).__name__}），此数据包未合并。",
            f"merging it failed unexpectedly ({type(error).__name__}); it was not merged.",
        ),
        hint=Text("请保留该文件并报告此消息。", "Keep the file and report this message. ") + _UNCHANGED,
        code="package_not_merged",
    )


def expression_unreadable(detail: str | Text) -> YingzaoError:
    """An interview whose protocol (merged before its workbook was checked) holds an expression
    that cannot be read: said plainly instead of a traceback."""
    detail = _both(detail)
    return YingzaoError(
        Text(
            f"无法打开此访谈：其提纲中的表达式无法读取（{detail.zh}）。",
            f"This interview cannot be opened: an expression of its protocol cannot be read ({detail.en}).",
        ),
        hint=Text(
            "请用“检查提纲”（python main.py check-form）检查该提纲的工作簿。",
            "Check the protocol's workbook with check-form (python main.py check-form).",
        ),
        code="expression_unreadable",
    )


def review_package_for_another_database(path: Path | str, interview_id: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"这是一个审核数据包，但访谈 {interview_id} 不是在这个数据库中进行的；它应送往做这次访谈的电脑。",
            f"this is a review package, but interview {interview_id} was not taken on this "
            "database; it belongs on the laptop that took the interview.",
        ),
        hint=Text(
            "请在做这些访谈的访员电脑上合并它。", "Merge it on the fieldworker's laptop that took these interviews. "
        )
        + _UNCHANGED,
        code="review_package_for_another_database",
    )


def no_open_conflict(interview_id: str) -> StoreError:
    return StoreError(
        Text(f"访谈 {interview_id} 没有待解决的冲突。", f"Interview {interview_id} has no open conflict to resolve."),
        hint=Text(
            "请重新打开冲突列表：它可能已经被解决。", "Reopen the list of conflicts: it may have been resolved already."
        ),
        code="no_open_conflict",
    )


def unknown_version(interview_id: str, choice: str, known: list[str]) -> StoreError:
    return StoreError(
        Text(
            f"访谈 {interview_id} 的冲突中没有版本“{choice}”。",
            f"Interview {interview_id} has no version '{choice}' in conflict.",
        ),
        hint=Text(f"请选择其中之一：{', '.join(known)}。", f"Choose one of: {', '.join(known)}."),
        code="unknown_version",
    )


def unanswered_in_versions(question: str, interview_id: str) -> StoreError:
    return StoreError(
        Text(
            f"问题“{question}”在访谈 {interview_id} 的任何版本中都没有回答。",
            f"Question '{question}' is not answered in any version of interview {interview_id}.",
        ),
        hint=Text("请只为有回答的问题选择版本。", "Choose versions only for questions that were answered."),
        code="unanswered_in_versions",
    )


# -- supervisor review -------------------------------------------------------------------------


class ReviewError(StoreError):
    """A review action (approve, send back, reopen, comment) that cannot be done as asked."""


_ACTIONS = {
    "approve an interview": Text("通过访谈", "approve an interview"),
    "send an interview back": Text("退回访谈", "send an interview back"),
    "reopen an approved interview": Text("重新打开已通过的访谈", "reopen an approved interview"),
    "comment": Text("批注", "comment"),
    "commented on": Text("批注", "commented on"),
    "approved": Text("通过", "approved"),
    "sent back": Text("退回", "sent back"),
    "reopened": Text("重新打开", "reopened"),
}


def _action(action: str) -> Text:
    return _ACTIONS.get(action, Text(action, action))


def not_a_supervisor(action: str) -> ReviewError:
    return ReviewError(
        Text(
            f"只有持有督导密钥的人可以{_action(action).zh}；这个数据库没有项目的督导密钥。",
            f"Only a holder of a supervisor key may {action}; this database holds no supervisor key of its project.",
        ),
        hint=Text(
            "督导请用“文件 → 项目 → 导出我的公钥…”把公钥卡片交给研究者，研究者把你加入督导名单后，打开新的项目文件。"
            "在“我的身份”中改角色不会带来任何权限。",
            "Supervisors: give the researcher your key card (File → Project → Export my public key…); once they "
            "list you as a supervisor, open the new project file. Changing your role in My identity grants nothing.",
        ),
        code="not_a_supervisor",
    )


def wrong_status_for(action: str, interview_id: str, status: str, allowed: tuple[str, ...]) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 的状态是 {_status(status).zh}；只有在 {'或'.join(_status(a).zh for a in allowed)} 时才能{_action(action).zh}。",
            f"Interview {interview_id} is {status}; it can be {action} only when it is {' or '.join(allowed)}.",
        ),
        hint=Text(
            "请刷新审核队列：可能有人刚改过它。", "Reload the review queue: someone may have changed it meanwhile."
        ),
        code="wrong_status",
    )


def reason_required() -> ReviewError:
    return ReviewError(
        Text("退回访谈需要填写理由。", "Sending an interview back needs a reason."),
        hint=Text(
            "请说明访员应当修改什么；理由会随访谈一起显示给访员。",
            "Say what the fieldworker should revise; it is shown to them with the interview.",
        ),
        code="reason_required",
    )


def empty_comment() -> ReviewError:
    return ReviewError(
        Text("批注不能为空。", "A comment cannot be empty."),
        hint=Text("请输入批注内容后再发布。", "Type the comment, then post it."),
        code="empty_comment",
    )


def reply_only() -> ReviewError:
    return ReviewError(
        Text(
            "您可以回复督导的批注，但只有持有督导密钥的人能发起新的批注。",
            "You can reply to a supervisor's comment; only a holder of a supervisor key can start a new one.",
        ),
        hint=Text("请使用批注下方的回复框。", "Use the Reply box under the comment."),
        code="reply_only",
    )


def reply_needs_editable(interview_id: str, status: str) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 的状态是 {_status(status).zh}：只有在退回修改期间才能回复。",
            f"Interview {interview_id} is {status}: replies are possible while it is sent back for revision.",
        ),
        hint=Text("督导可以退回或重新打开它。", "A supervisor can send it back or reopen it."),
        code="reply_needs_editable",
    )


def unknown_comment(comment_id: str, interview_id: str) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 中没有可回复的批注 {comment_id}。",
            f"Interview {interview_id} has no comment {comment_id} to reply to.",
        ),
        hint=Text("请重新载入访谈：批注列表可能已过时。", "Reload the interview: the comment list may be out of date."),
        code="unknown_comment",
    )


def unknown_question_in(interview_id: str, question: str) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 的提纲中没有名为“{question}”的问题。",
            f"Interview {interview_id}'s protocol has no question named '{question}'.",
        ),
        hint=Text(
            "请重新载入访谈：它的提纲可能与您看到的不同。",
            "Reload the interview: its protocol may differ from the one you see.",
        ),
        code="unknown_question_in",
    )


def already_sent_back(interview_id: str, at: str) -> ReviewError:
    return ReviewError(
        Text(
            f"访谈 {interview_id} 已于 {at} 通过审核包退回给访员；现在添加的批注不会送达访员，还会与其修改冲突。",
            f"Interview {interview_id} was sent back to its fieldworker in a review package on {at}; a comment "
            "added now would not reach them and would conflict with their revision.",
        ),
        hint=Text(
            "请等修改后的访谈合并回来，再对它批注。", "Wait for the revised interview to be merged, then comment on it."
        ),
        code="already_sent_back",
    )


# -- SQLite classification, packages, the command line ------------------------------------------


def is_busy(error: Exception) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED, by SQLite's own error code (never by the message's wording)."""
    return _primary(error) in _SQLITE_BUSY


def package_not_written(path: Path, error: OSError) -> StoreError:
    """Writing a package file failed (a full or unplugged USB stick); nothing partial is left."""
    why = error.strerror or str(error)
    return StoreError(
        Text(
            f"无法写入 {path}（{why}）；没有留下不完整的数据包。",
            f"{path} cannot be written ({why}); no partial package was left.",
        ),
        hint=Text(
            "请换一个文件夹，或检查 U 盘是否已插好、是否已满。",
            "Choose another folder, or check that the USB stick is plugged in and not full.",
        ),
        code="package_not_written",
    )


def package_refused_by_master(path: Path | str, error: Exception) -> PackageError:
    """The master database refused a package's rows for a reason no check foresaw (a constraint)."""
    return PackageError(
        path,
        Text(f"主数据库拒绝了它（{error}）。", f"the master database refused it ({error})."),
        hint=Text("请保留该文件并报告此消息。", "Keep the file and report this message. ") + _UNCHANGED,
        code="package_refused_by_master",
    )


def no_database_to_pack(path: Path) -> StoreError:
    return StoreError(
        Text(f"{path}：没有这个数据库。", f"{path}: no such database."),
        hint=Text("请检查 --db 给出的路径。", "Check the path given with --db."),
        code="no_database_to_pack",
    )


def fieldworker_needs_review() -> YingzaoError:
    return YingzaoError(
        Text("--fieldworker 只能与 --review 一起使用。", "--fieldworker goes with --review."),
        hint=Text(
            "要为某位访员打包审核结果，请写 pack --review --fieldworker 姓名。",
            "To pack the reviews of one fieldworker, write pack --review --fieldworker NAME.",
        ),
        code="fieldworker_needs_review",
    )


def report_not_saved(path: Path, error: Exception) -> YingzaoError:
    why = getattr(error, "strerror", None) or str(error)
    return YingzaoError(
        Text(
            f"合并已完成，但报告无法保存到 {path}（{why}）。",
            f"The merge is done, but the report could not be saved to {path} ({why}).",
        ),
        hint=Text(
            "请换一个文件夹或文件名（或在 Excel 中关闭同名文件）后再保存；在命令行中可再次合并并加 --report，"
            "已合并的数据包会被跳过。",
            "Choose another folder or file name (or close the file in Excel) and save again; on the "
            "command line, merge again with --report: packages already merged are skipped.",
        ),
        code="report_not_saved",
    )


# -- the researcher's coding (core/coding/) ------------------------------------------------------


class CodingError(StoreError):
    """A coding, code or memo cannot be made or changed as asked."""


def coding_bad_family(family: str, families: tuple[str, ...]) -> CodingError:
    return CodingError(
        Text(f"编码族“{family}”不存在。", f"There is no code family '{family}'."),
        hint=Text(f"请选择 {', '.join(families)} 之一。", f"Choose one of {', '.join(families)}."),
        code="coding_bad_family",
    )


def coding_code_needs_label() -> CodingError:
    return CodingError(
        Text("编码需要一个名称。", "A code needs a name."),
        hint=Text("请填写中文或英文名称。", "Give it a Chinese or English name."),
        code="coding_code_needs_label",
    )


def coding_unknown_code(code_id: str) -> CodingError:
    return CodingError(
        Text(f"编码表中没有编码“{code_id}”。", f"The codebook has no code '{code_id}'."),
        hint=Text(
            "请检查拼写，或先在编码表中新建这个编码。", "Check the spelling, or create the code in the codebook first."
        ),
        code="coding_unknown_code",
    )


def coding_parent_family(parent: str, parent_family: str, family: str) -> CodingError:
    return CodingError(
        Text(
            f"上级编码“{parent}”属于 {parent_family}，而这个编码属于 {family}。",
            f"The parent code '{parent}' is in family {parent_family}, this code in {family}.",
        ),
        hint=Text("请选择同一编码族中的上级编码。", "Choose a parent in the same family."),
        code="coding_parent_family",
    )


def coding_parent_cycle(code_id: str, parent: str) -> CodingError:
    return CodingError(
        Text(
            f"不能把“{parent}”设为“{code_id}”的上级：它在“{code_id}”之下。",
            f"'{parent}' cannot be the parent of '{code_id}': it is below '{code_id}'.",
        ),
        hint=Text("请选择不在这个编码之下的上级编码。", "Choose a parent that is not below this code."),
        code="coding_parent_cycle",
    )


def coding_code_exists(code_id: str) -> CodingError:
    return CodingError(
        Text(f"编码“{code_id}”已经存在。", f"The code '{code_id}' already exists."),
        hint=Text("请换一个编号，或留空让程序生成。", "Choose another id, or leave it empty to have one made."),
        code="coding_code_exists",
    )


def coding_code_merged(code_id: str, into: str) -> CodingError:
    return CodingError(
        Text(f"编码“{code_id}”已并入“{into}”。", f"The code '{code_id}' was merged into '{into}'."),
        hint=Text(f"请使用“{into}”。", f"Use '{into}' instead."),
        code="coding_code_merged",
    )


def coding_merge_into_itself(code_id: str) -> CodingError:
    return CodingError(
        Text(f"不能把编码“{code_id}”并入它自己。", f"The code '{code_id}' cannot be merged into itself."),
        hint=Text("请选择另一个编码作为合并目标。", "Choose another code to merge it into."),
        code="coding_merge_into_itself",
    )


def coding_bad_colour(colour: str) -> CodingError:
    return CodingError(
        Text(f"颜色“{colour}”无效。", f"'{colour}' is not a colour."),
        hint=Text("请使用 #1f77b4 这样的颜色值。", "Use a colour written like #1f77b4."),
        code="coding_bad_colour",
    )


def coding_not_codable(code_id: str, status: str) -> CodingError:
    word = Text("已停用", "retired") if status == "retired" else Text("已合并", "merged")
    return CodingError(
        Text(
            f"编码“{code_id}”{word.zh}，不能再用于新的编码。",
            f"The code '{code_id}' is {word.en} and cannot be applied any more.",
        ),
        hint=Text("请选择一个在用的编码，或先恢复这个编码。", "Choose a code in use, or restore this one first."),
        code="coding_not_codable",
    )


def coding_span_outside(interview_id: str, question: str, start: int, end: int, length: int) -> CodingError:
    return CodingError(
        Text(
            f"访谈 {interview_id[:8]} 的问题“{question}”：片段 {start}–{end} 超出了文本（共 {length} 个字）。",
            f"Interview {interview_id[:8]}, question '{question}': the span {start}–{end} lies outside the"
            f" text ({length} characters).",
        ),
        hint=Text("请重新选择要编码的文字。", "Select the text to code again."),
        code="coding_span_outside",
    )


def coding_whole_answer_only(question: str) -> CodingError:
    return CodingError(
        Text(
            f"问题“{question}”是选择题，只能对整个回答编码。",
            f"Question '{question}' is a choice question: only its whole answer can be coded.",
        ),
        hint=Text("请选中整个回答后再编码。", "Select the whole answer, then code it."),
        code="coding_whole_answer_only",
    )


def coding_unknown(coding_id: str) -> CodingError:
    return CodingError(
        Text(
            f"找不到编码记录 {coding_id[:8]}（可能已被删除）。",
            f"No coding {coding_id[:8]} (it may have been removed).",
        ),
        hint=Text("请刷新页面后再试。", "Refresh the page and try again."),
        code="coding_unknown",
    )


def memo_empty() -> CodingError:
    return CodingError(
        Text("备忘录是空的。", "The memo is empty."),
        hint=Text("请写下内容；要删除备忘录请用“删除”。", "Write something; to remove a memo use Delete."),
        code="memo_empty",
    )


def memo_bad_target(about: str, about_id: str) -> CodingError:
    return CodingError(
        Text(f"备忘录的对象“{about}:{about_id}”不存在。", f"The memo's subject '{about}:{about_id}' does not exist."),
        hint=Text("请选择一个编码、访谈、社区或编码片段。", "Choose a code, an interview, a community or a coding."),
        code="memo_bad_target",
    )


def cannot_write(path: Path, error: OSError) -> YingzaoError:
    why = error.strerror or str(error)
    return YingzaoError(
        Text(f"无法写入 {path}（{why}）。", f"Cannot write {path} ({why})."),
        hint=Text(
            "请换一个文件夹或文件名，或在其他程序中关闭这个文件。",
            "Choose another folder or file name, or close the file in other programs.",
        ),
        code="cannot_write",
    )


def package_coding_refused(path: Path | str, interview_id: str, what: Text) -> PackageError:
    return PackageError(
        path,
        Text(
            f"数据包中访谈 {interview_id[:8]} 的编码无效：{what.zh}。数据库未作任何改动。",
            f"The package's coding of interview {interview_id[:8]} is invalid: {what.en}. Nothing was changed.",
        ),
        hint=Text(
            "请让制作数据包的研究者用最新版本的营造重新导出。",
            "Ask the researcher who made the package to export it again with the latest Yingzao.",
        ),
        code="package_coding_refused",
    )


def cannot_read(error: OSError) -> Text:
    """A form problem's words for a file the system would not let us read (a codebook, a workbook)."""
    why = error.strerror or str(error)
    return Text(f"无法读取（{why}）。", f"cannot be read ({why}).")


def export_interrupted() -> ExportError:
    """Ctrl+C during `export`: the same words as the dialog's Cancel."""
    return ExportCancelled()


# -- REFI-QDA (.qdc, .qdpx) and CSV exports ---------------------------------------------------


def export_wrong_suffix(path: Path, suffix: str) -> ExportError:
    """A target whose name does not end as the chosen format's files do (.qdpx, .qdc)."""
    suffix = suffix if suffix.startswith(".") else f".{suffix}"
    return ExportError(
        Text(f"{path}：导出文件的名称必须以 {suffix} 结尾。", f"{path}: the export's file name must end in {suffix}."),
        hint=Text(
            f"请使用类似 {path.with_suffix(suffix).name} 的文件名。",
            f"Use a name like {path.with_suffix(suffix).name}.",
        ),
        code="export_wrong_suffix",
    )


def csv_folder_is_file(path: Path) -> ExportError:
    return ExportError(
        Text(
            f"{path} 是一个文件，不是文件夹；CSV 导出需要一个文件夹。",
            f"{path} is a file, not a folder; a CSV export needs a folder.",
        ),
        hint=Text(
            "请选择一个文件夹（不存在时会新建）。没有写入任何内容。",
            "Choose a folder (it is created if new). Nothing was written.",
        ),
        code="csv_folder_is_file",
    )


def qdpx_unreadable(path: Path, error: OSError) -> YingzaoError:
    why = error.strerror or str(error)
    return YingzaoError(
        Text(f"无法读取 {path}（{why}）。", f"{path} cannot be read ({why})."),
        hint=Text("请检查文件是否存在、是否有权限读取。", "Check that the file exists and that you may read it."),
        code="qdpx_unreadable",
    )


def qdpx_not_a_project(path: Path, what: Text) -> YingzaoError:
    """A file that is not a REFI-QDA project, or one damaged or built to harm the reader."""
    return YingzaoError(
        Text(
            f"{path.name} 不是可读取的 REFI-QDA 项目（.qdpx）：",
            f"{path.name} is not a readable REFI-QDA project (.qdpx): ",
        )
        + what
        + Text("。", "."),
        hint=Text(
            "请在原软件中重新导出 REFI-QDA 项目（.qdpx）。没有读取任何内容。",
            "Export the REFI-QDA project (.qdpx) again from the program that made it. Nothing was read.",
        ),
        code="qdpx_not_a_project",
    )


def qdpx_too_large(path: Path, what: Text) -> YingzaoError:
    return YingzaoError(
        Text(f"{path.name} 超出了读取上限：", f"{path.name} passes a limit of the reader: ") + what + Text("。", "."),
        hint=Text(
            "这样大的项目文件不像是正常导出的；请检查文件来源。没有读取任何内容。",
            "A project file this large is not what a normal export makes; check where the file came from. "
            "Nothing was read.",
        ),
        code="qdpx_too_large",
    )


def export_needs_one_target() -> ExportError:
    return ExportError(
        Text(
            "请给出 --out FILE.xlsx 或 --csv 文件夹（二者选一）。",
            "Give either --out FILE.xlsx or --csv FOLDER (one of them).",
        ),
        hint=Text(
            "例如：python main.py export --out 导出.xlsx，或 python main.py export --csv 导出CSV",
            "For example: python main.py export --out export.xlsx, or python main.py export --csv export-csv",
        ),
        code="export_needs_one_target",
    )


# -- anonymisation: the pseudonym table and the review before release (core/anonymity/) ----------


def bad_pseudonym_term(term: str) -> StoreError:
    return StoreError(
        Text(
            f"“{term}”不能作为要替换的词：词为空或超过 200 个字。",
            f"'{term}' cannot be a term: it is empty or longer than 200 characters.",
        ),
        hint=Text("请填写一个名称（人名、地名、机构名等）。", "Enter one name (of a person, place, organisation…)."),
        code="bad_pseudonym_term",
    )


def pseudonym_needs_replacement(term: str) -> StoreError:
    return StoreError(
        Text(f"“{term}”没有替换词。", f"'{term}' has no replacement."),
        hint=Text(
            "请填写匿名化导出中代替它的文字（如“Q市”“某通信企业”）；要保留原词，请选择“忽略”。",
            "Enter what anonymised exports show instead (e.g. 'Q city', 'a telecom company'); to keep the term as it is, choose Ignore.",
        ),
        code="pseudonym_needs_replacement",
    )


def pseudonym_same_as_term(term: str) -> StoreError:
    return StoreError(
        Text(f"“{term}”的替换词与原词相同。", f"The replacement of '{term}' is the term itself."),
        hint=Text(
            "要保留原词，请选择“忽略”（加入允许列表）。", "To keep the term as it is, choose Ignore (the allow-list)."
        ),
        code="pseudonym_same_as_term",
    )


def export_unreviewed_detections(terms: list[str], total: int) -> ExportError:
    """`terms`: the most frequent, each as "华为 ×20"; `total`: how many distinct terms there are."""
    shown = "、".join(terms[:8])
    shown_en = ", ".join(terms[:8])
    more_zh = f" 等 {total} 个" if total > len(terms[:8]) else ""
    more_en = f" and more ({total} in all)" if total > len(terms[:8]) else ""
    return ExportError(
        Text(
            f"匿名化导出未执行：文本中有尚未审核的可识别词：{shown}{more_zh}。没有写入任何文件。",
            f"The anonymised export did not run: the text holds identifying terms nobody has reviewed: {shown_en}{more_en}. No file was written.",
        ),
        hint=Text(
            "请先在“数据 → 审核匿名化…”中逐一接受（给出代称）或忽略；或在命令行加 --accept-detected，"
            "以「〔已删除〕」替换它们（关于表会注明）。",
            "Review them first in Data → Review anonymisation… (accept with a pseudonym, or ignore); or add "
            '--accept-detected on the command line to replace them with "[removed]" (the About sheet says so).',
        ),
        code="export_unreviewed_detections",
    )


def bad_date_precision(value: str) -> ExportError:
    return ExportError(
        Text(f"日期精度“{value}”无效。", f"Date precision '{value}' is not valid."),
        hint=Text("请选择 day（日）、month（月）或 year（年）。", "Choose day, month or year."),
        code="bad_date_precision",
    )


# -- importing a codebook (REFI-QDA .qdc or a codebook CSV) into the database's codebook ----------


def codebook_import_refused(path: Path, what: Text) -> CodingError:
    """A file that is not a codebook this import reads: bad XML, a foreign file, one built to harm."""
    return CodingError(
        Text(f"{path.name} 不是可导入的编码表：", f"{path.name} is not a codebook that can be imported: ")
        + what
        + Text("。", "."),
        hint=Text(
            "请选择 REFI-QDA 编码表（.qdc，可从 NVivo、ATLAS.ti、MAXQDA、QualCoder 导出）或与 forms/codebook.csv "
            "同格式的 CSV 文件。编码表没有任何改动。",
            "Choose a REFI-QDA codebook (.qdc, exported from NVivo, ATLAS.ti, MAXQDA or QualCoder) or a CSV file "
            "in the format of forms/codebook.csv. The codebook was not changed.",
        ),
        code="codebook_import_refused",
    )


def codebook_import_unreadable(path: Path, error: OSError) -> CodingError:
    return CodingError(
        Text(f"无法读取 {path}：{error.strerror or error}。", f"Cannot read {path}: {error.strerror or error}."),
        hint=Text(
            "请检查文件是否存在、是否有读取权限。编码表没有任何改动。",
            "Check that the file exists and can be read. The codebook was not changed.",
        ),
        code="codebook_import_unreadable",
    )


# -- projects, keys, signed and encrypted packages, supervisor rights (core/security/) ------------


class SecurityError(StoreError):
    """A project, key or passphrase that cannot be used; nothing was changed."""


_NOTHING_CHANGED = Text("没有任何改动。", "Nothing was changed.")


def _file_label(source: object) -> str:
    return Path(str(source)).name if source else ""


def no_device_keys(path: Path) -> SecurityError:
    return SecurityError(
        Text(
            f"{path.name} 还没有本机密钥（以只读方式打开）。", f"{path.name} has no device keys yet (opened read-only)."
        ),
        hint=Text("请以正常方式打开它一次，营造会生成本机密钥。", "Open it normally once; Yingzao then makes them."),
        code="no_device_keys",
    )


def project_name_required() -> SecurityError:
    return SecurityError(
        Text("请填写项目名称。", "The project needs a name."),
        hint=Text("例如“产业社区治理调研 2026”。", "For example “Industrial community governance study 2026”."),
        code="project_name_required",
    )


def already_in_project(path: Path, name: str) -> SecurityError:
    return SecurityError(
        Text(f"{path.name} 已属于项目“{name}”。", f"{path.name} already belongs to the project “{name}”."),
        hint=Text(
            "一个数据库只属于一个项目；另一个项目请使用新的数据库（--db 新文件）。" + _NOTHING_CHANGED.zh,
            "A database belongs to one project; use a new database (--db NEWFILE) for another. " + _NOTHING_CHANGED.en,
        ),
        code="already_in_project",
    )


def not_in_project(path: Path) -> SecurityError:
    return SecurityError(
        Text(f"{path.name} 不属于任何项目。", f"{path.name} does not belong to a project."),
        hint=Text(
            "研究者请先新建项目（文件 → 新建项目…，python main.py project init）；访员和督导请打开研究者给的 .yzproject 文件。",
            "Researchers first create one (File → New project…, python main.py project init); fieldworkers and "
            "supervisors open the .yzproject file the researcher gives them.",
        ),
        code="not_in_project",
    )


def no_project_keys(path: Path) -> SecurityError:
    return SecurityError(
        Text(f"{path.name} 没有项目密钥。", f"{path.name} does not hold the project's keys."),
        hint=Text(
            "只有建立项目的数据库（或导入了项目密钥文件 .yzkeys 的数据库）才能解开访员的数据包、修改督导名单。",
            "Only the database that made the project (or one that imported its .yzkeys file) can open session "
            "packages and change the supervisors.",
        ),
        code="no_project_keys",
    )


def wrong_project_passphrase() -> SecurityError:
    return SecurityError(
        Text("项目口令不正确。", "The project passphrase is not correct."),
        hint=Text(
            "请再试一次（注意输入法和大小写）。输错不会锁定任何数据。" + _NOTHING_CHANGED.zh,
            "Try again (mind the input method and capitals). Wrong tries lock nothing away. " + _NOTHING_CHANGED.en,
        ),
        code="wrong_project_passphrase",
    )


def project_keys_damaged(path: Path) -> SecurityError:
    return SecurityError(
        Text(
            f"{path.name} 中的项目密钥已损坏或不属于其项目。",
            f"The project keys in {path.name} are damaged or not its project's.",
        ),
        hint=Text(
            "请从备份的项目密钥文件（.yzkeys）重新导入。" + _NOTHING_CHANGED.zh,
            "Import them again from the project keys file (.yzkeys) you kept. " + _NOTHING_CHANGED.en,
        ),
        code="project_keys_damaged",
    )


def bad_project_file(source: object, why: str | Text) -> SecurityError:
    why = _both(why)
    return SecurityError(
        Text(
            f"{_file_label(source)} 不能作为项目文件使用：{why.zh}。",
            f"{_file_label(source)} cannot be used as a project file: {why.en}.",
        ),
        hint=Text(
            "请向研究者索取原始的 .yzproject 文件，并核对其指纹。" + _NOTHING_CHANGED.zh,
            "Ask the researcher for the original .yzproject file and compare its fingerprint. " + _NOTHING_CHANGED.en,
        ),
        code="bad_project_file",
    )


def not_a_keys_file(source: object) -> SecurityError:
    return SecurityError(
        Text(f"{_file_label(source)} 不是项目密钥文件。", f"{_file_label(source)} is not a project keys file."),
        hint=Text(
            "请选择研究者用“导出项目密钥”生成的 .yzkeys 文件。" + _NOTHING_CHANGED.zh,
            "Choose the .yzkeys file the researcher made with Export project keys. " + _NOTHING_CHANGED.en,
        ),
        code="not_a_keys_file",
    )


def keys_of_another_project(source: object, name: str) -> SecurityError:
    return SecurityError(
        Text(
            f"{_file_label(source)} 是另一个项目的密钥，不是“{name}”的。",
            f"{_file_label(source)} holds another project's keys, not those of “{name}”.",
        ),
        hint=Text(
            "请选择这个项目的密钥文件。" + _NOTHING_CHANGED.zh,
            "Choose this project's keys file. " + _NOTHING_CHANGED.en,
        ),
        code="keys_of_another_project",
    )


def not_a_key_card(source: object) -> SecurityError:
    return SecurityError(
        Text(f"{_file_label(source)} 不是营造的公钥卡片。", f"{_file_label(source)} is not a Yingzao key card."),
        hint=Text(
            "请让督导在其电脑上用“文件 → 项目 → 导出我的公钥…”（python main.py project key-card）生成 .yzkey 文件。",
            "Ask the supervisor to make a .yzkey file on their computer with File → Project → Export my public key… "
            "(python main.py project key-card).",
        ),
        code="not_a_key_card",
    )


def unknown_supervisor(fingerprint: str) -> SecurityError:
    return SecurityError(
        Text(
            f"项目中没有指纹为 {fingerprint} 的督导。",
            f"The project lists no supervisor with fingerprint {fingerprint}.",
        ),
        hint=Text("请在项目信息中核对督导名单。", "Check the supervisors in the project's details."),
        code="unknown_supervisor",
    )


_KEEP_PACKAGE = Text("主数据库没有被改动。", "The master database has not been changed.")


def package_needs_project_key(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text(
            "这个数据包已加密，需要项目密钥才能打开。",
            "this package is encrypted; it opens only with the project's key.",
        ),
        hint=Text(
            "请在持有项目密钥的数据库（研究者的主数据库）中合并，并输入项目口令。" + _KEEP_PACKAGE.zh,
            "Merge it into the database that holds the project's keys (the researcher's master) and give the "
            "project passphrase. " + _KEEP_PACKAGE.en,
        ),
        code="package_needs_project_key",
    )


def package_not_for_us(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text(
            "无法用本项目的密钥解开：它是为其他项目加密的，或者在生成后被改动过。",
            "it does not open with this project's key: it was encrypted for another project, or altered after it was made.",
        ),
        hint=Text(
            "请向访员重新索取数据包；若一再如此，请核对访员加入的是否是这个项目。" + _KEEP_PACKAGE.zh,
            "Ask the fieldworker for the package again; if this keeps happening, check that their laptop joined "
            "this project. " + _KEEP_PACKAGE.en,
        ),
        code="package_not_for_us",
    )


def package_altered(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text("签名不符：数据包在生成后被改动过。", "signature does not match: altered after it was made."),
        hint=Text(
            "不要合并这个文件。请向访员直接索取原始数据包，并告知项目负责人。" + _KEEP_PACKAGE.zh,
            "Do not merge this file. Get the original package from the fieldworker directly and tell the project "
            "lead. " + _KEEP_PACKAGE.en,
        ),
        code="package_altered",
    )


def package_of_another_project(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text("这个数据包属于另一个项目。", "this package belongs to another project."),
        hint=Text(
            "请把它合并到它所属项目的主数据库中。" + _KEEP_PACKAGE.zh,
            "Merge it into its own project's master. " + _KEEP_PACKAGE.en,
        ),
        code="package_of_another_project",
    )


def package_device_claimed(path: Path | str, device_id: str, fingerprint: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"它自称来自设备 {device_id[:8]}，但签名密钥（指纹 {fingerprint}）不是该设备的密钥。",
            f"it claims to come from device {device_id[:8]}, but its signing key (fingerprint {fingerprint}) is not "
            "that device's key.",
        ),
        hint=Text(
            "一台设备的编号不能被另一台设备冒用。不要合并这个文件，并告知项目负责人。" + _KEEP_PACKAGE.zh,
            "A device's id cannot be claimed by another device. Do not merge this file, and tell the project lead. "
            + _KEEP_PACKAGE.en,
        ),
        code="package_device_claimed",
    )


def package_from_refused_device(path: Path | str, fingerprint: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"它来自已被拒绝的设备（指纹 {fingerprint}）。",
            f"it comes from a device that was refused (fingerprint {fingerprint}).",
        ),
        hint=Text(
            "如果拒绝有误，请在“设备”中重新接受该设备，再合并。" + _KEEP_PACKAGE.zh,
            "If that was a mistake, accept the device again under Devices, then merge. " + _KEEP_PACKAGE.en,
        ),
        code="package_from_refused_device",
    )


def unsigned_package_refused(path: Path | str) -> PackageError:
    return PackageError(
        path,
        Text(
            "这是未签名的旧格式数据包：无法确认是谁生成的，也无法确认它未被改动。",
            "this is an unsigned package of an older format: who made it, and that it is unaltered, cannot be checked.",
        ),
        hint=Text(
            "只有确知来源时，才用“合并未签名的数据包”（--allow-unsigned）合并它；报告会注明。" + _KEEP_PACKAGE.zh,
            "Merge it only if you know where it came from, with Merge unsigned packages (--allow-unsigned); the "
            "report says so. " + _KEEP_PACKAGE.en,
        ),
        code="unsigned_package_refused",
    )


def review_package_not_from_supervisor(path: Path | str, fingerprint: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"这个审核数据包不是由项目的督导签名的（签名者指纹 {fingerprint}）。",
            f"this review package is not signed by a supervisor of the project (signer's fingerprint {fingerprint}).",
        ),
        hint=Text(
            "不要合并它，请告知项目负责人。若督导名单刚有变动，请先打开研究者给的最新 .yzproject 文件。"
            + _NOTHING_CHANGED.zh,
            "Do not merge it, and tell the project lead. If the supervisors changed recently, open the latest "
            ".yzproject file from the researcher first. " + _NOTHING_CHANGED.en,
        ),
        code="review_package_not_from_supervisor",
    )


def review_row_unsigned(path: Path | str, interview_id: str, at: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"访谈 {interview_id[:8]} 中有一条督导审核或评论（{at}）没有项目督导的有效签名。",
            f"interview {interview_id[:8]} carries a supervisor's decision or comment ({at}) that no supervisor of "
            "the project signed.",
        ),
        hint=Text(
            "审核决定只能由持有督导密钥的人作出。不要合并这个文件，并告知项目负责人。" + _KEEP_PACKAGE.zh,
            "Review decisions can only be made by holders of a supervisor key. Do not merge this file, and tell the "
            "project lead. " + _KEEP_PACKAGE.en,
        ),
        code="review_row_unsigned",
    )


def device_key_unknown(fieldworker: str) -> SecurityError:
    return SecurityError(
        Text(
            f"还不知道 {fieldworker or '该访员'} 的设备公钥，无法为其加密审核数据包。",
            f"The device key of {fieldworker or 'this fieldworker'} is not known yet: the review package cannot be "
            "encrypted to it.",
        ),
        hint=Text(
            "请先合并该访员签名的数据包并接受其设备，再导出审核数据包。",
            "Merge a signed package from that fieldworker and accept their device first, then export the review.",
        ),
        code="device_key_unknown",
    )


def unknown_device(fingerprint: str) -> SecurityError:
    return SecurityError(
        Text(f"没有指纹为 {fingerprint} 的设备。", f"No device has the fingerprint {fingerprint}."),
        hint=Text(
            "请用“设备”列表（python main.py devices list）核对指纹。",
            "Check the fingerprint in the device list (python main.py devices list).",
        ),
        code="unknown_device",
    )


def cannot_read_passphrase(path: Path, error: OSError) -> SecurityError:
    return SecurityError(
        Text(
            f"无法读取口令文件 {path}：{error.strerror or error}。",
            f"Cannot read the passphrase file {path}: {error.strerror or error}.",
        ),
        hint=Text("请检查文件是否存在、是否有读取权限。", "Check that the file exists and can be read."),
        code="cannot_read_passphrase",
    )


def project_passphrase_needed() -> SecurityError:
    return SecurityError(
        Text("需要项目口令。", "The project passphrase is needed."),
        hint=Text(
            "请用 --project-passphrase-file 文件（第一行）或环境变量 YINGZAO_PROJECT_PASSPHRASE 提供，或在终端中运行以便输入。"
            + _NOTHING_CHANGED.zh,
            "Give it with --project-passphrase-file FILE (its first line) or the environment variable "
            "YINGZAO_PROJECT_PASSPHRASE, or run the command in a terminal to type it. " + _NOTHING_CHANGED.en,
        ),
        code="project_passphrase_needed",
    )


def cannot_read_project_file(path: Path, error: OSError) -> SecurityError:
    return SecurityError(
        Text(f"无法读取 {path}：{error.strerror or error}。", f"Cannot read {path}: {error.strerror or error}."),
        hint=Text(
            "请检查文件是否存在、是否有读取权限。" + _NOTHING_CHANGED.zh,
            "Check that the file exists and can be read. " + _NOTHING_CHANGED.en,
        ),
        code="cannot_read_project_file",
    )


def update_not_audited(path: Path | str, interview_id: str, question: str, field: str) -> PackageError:
    return PackageError(
        path,
        Text(
            f"访谈 {interview_id[:8]} 的题目 {question} 的{_ANSWER_FIELD.get(field, Text(field, field)).zh}与主数据库不同，"
            "但数据包的审计记录里没有这次修改。",
            f"interview {interview_id[:8]} holds a {_ANSWER_FIELD.get(field, Text(field, field)).en} for question "
            f"{question} that differs from the master's, and its audit log records no such change.",
        ),
        hint=Text(
            "营造的每次修改都会写入审计记录：这个数据包是在营造之外被改过的。不要合并它，请向访员直接索取原始数据包。"
            + _KEEP_PACKAGE.zh,
            "Every change Yingzao makes is audited: this package was changed outside Yingzao. Do not merge it; get "
            "the original package from the fieldworker directly. " + _KEEP_PACKAGE.en,
        ),
        code="update_not_audited",
    )


_ANSWER_FIELD = {
    "value": Text("回答", "answer"),
    "marker": Text("标记（跳过/拒答/不知道）", "marker (skipped / refused / don't know)"),
    "note": Text("访员备注", "fieldworker's note"),
}


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


# -- project screens (ui/project_dialogs.py): the files they read and write ---------------------


def project_file_unreadable(path: Path, error: OSError) -> SecurityError:
    why = error.strerror or str(error)
    return SecurityError(
        Text(f"无法读取 {path}（{why}）。", f"{path} cannot be read ({why})."),
        hint=Text(
            "请检查 U 盘是否已连接、文件是否存在、您是否有读取权限。数据库没有任何改动。",
            "Check that the USB stick is connected, that the file exists and that you may read it. The database "
            "has not been changed.",
        ),
        code="project_file_unreadable",
    )


def project_file_not_saved(path: Path, error: OSError) -> SecurityError:
    why = error.strerror or str(error)
    return SecurityError(
        Text(f"无法保存到 {path}（{why}）。", f"Could not save to {path} ({why})."),
        hint=Text(
            "请换一个文件夹或文件名再保存（数据库中的项目不受影响，可在“项目信息”中再次保存）。",
            "Choose another folder or file name and save again (the project in the database is not affected; "
            "it can be saved again from Project details).",
        ),
        code="project_file_not_saved",
    )


# -- Forms from ODK and Kobo (issue 18): what is tolerated with a warning, and what is refused ------


@dataclass(frozen=True)
class CodedProblem(Problem):
    """A Problem with a stable code, so the app and tests can tell kinds apart whatever the wording.
    Prints as any Problem does: FILE:SHEET:ROW: [column] message."""

    code: str = ""


_IGNORED = Text("营造会忽略它", "Yingzao ignores it")


def form_ignored_column(file: str, sheet: str, column: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        sheet,
        1,
        Text(
            f"列“{column}”不会被使用（{why.zh}）；{_IGNORED.zh}。",
            f"column '{column}' is not used ({why.en}); {_IGNORED.en}.",
        ),
        column,
        code="form_ignored_column",
    )


def form_ignored_sheet(file: str, sheet: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        sheet,
        None,
        Text(
            f"工作表“{sheet}”不会被使用（{why.zh}）；{_IGNORED.zh}。",
            f"sheet '{sheet}' is not used ({why.en}); {_IGNORED.en}.",
        ),
        code="form_ignored_sheet",
    )


def form_ignored_setting(file: str, setting: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "settings",
        2,
        Text(
            f"设置“{setting}”不会被使用（{why.zh}）；{_IGNORED.zh}。",
            f"setting '{setting}' is not used ({why.en}); {_IGNORED.en}.",
        ),
        setting,
        code="form_ignored_setting",
    )


def form_ignored_parameter(file: str, row: int, parameter: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"参数“{parameter}”不会被使用（{why.zh}）；{_IGNORED.zh}。",
            f"parameter '{parameter}' is not used ({why.en}); {_IGNORED.en}.",
        ),
        "parameters",
        code="form_ignored_parameter",
    )


def form_ignored_metadata(file: str, row: int, kind: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(f"元数据“{kind}”：{why.zh}", f"metadata '{kind}': {why.en}"),
        "type",
        code="form_ignored_metadata",
    )


def form_column_refused(file: str, row: int, column: str, why: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(f"不支持列“{column}”：{why.zh}。", f"column '{column}' is not supported: {why.en}."),
        column,
        code="form_column_refused",
    )


def form_repeat_nested(file: str, row: int, name: str, outer: str) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"重复组“{name}”在重复组“{outer}”之内：营造尚不支持重复组套重复组（它会改变访谈记录的内容）；"
            "请把内层的问题放进外层重复组，或把内层重复组移到外面",
            f"repeat '{name}' is inside repeat '{outer}': Yingzao does not support a repeat within a repeat yet "
            "(it changes what an interview records); put the inner questions in the outer repeat, or move the "
            "inner repeat out of it",
        ),
        "type",
        code="form_repeat_nested",
    )


def form_repeat_empty(file: str, row: int, name: str) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"重复组“{name}”中没有问题；请在 begin_repeat 和 end_repeat 之间加入问题，或删除它。",
            f"repeat '{name}' holds no questions; add questions between begin_repeat and end_repeat, or delete it.",
        ),
        "type",
        code="form_repeat_empty",
    )


def form_repeat_count_misplaced(file: str, row: int) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            "repeat_count 只能写在 begin_repeat 行上；请把它移到重复组的开始行。",
            "repeat_count belongs on a begin_repeat row; move it to the row that begins the repeat.",
        ),
        "repeat_count",
        code="form_repeat_count_misplaced",
    )


def form_group_end_mismatch(file: str, row: int, end: str, opened: str) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"{end} 结束的不是“{opened}”的那种分组；begin_group 用 end_group 结束，begin_repeat 用 end_repeat 结束。",
            f"{end} does not close the kind of group '{opened}' is; begin_group ends with end_group, begin_repeat "
            "with end_repeat.",
        ),
        "type",
        code="form_group_end_mismatch",
    )


def form_type_refused(file: str, row: int, raw: str, feature: Text) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(f"不支持类型“{raw}”：{feature.zh}。", f"type '{raw}' is not supported: {feature.en}."),
        "type",
        code="form_type_refused",
    )


def form_choice_file_missing(file: str, row: int, csv: str, folder: str) -> CodedProblem:
    return CodedProblem(
        file,
        "survey",
        row,
        Text(
            f"找不到选项文件“{csv}”；请把它放在工作簿旁边（{folder}），再重新载入。",
            f"the choices file '{csv}' is not there; put it beside the workbook ({folder}) and load the form again.",
        ),
        "type",
        code="form_choice_file_missing",
    )


def form_choice_file_bad(file: str, csv: str, row: int | None, why: Text) -> CodedProblem:
    where = Text(f"第 {row} 行：", f"row {row}: ") if row is not None else Text("", "")
    return CodedProblem(
        file,
        csv,
        row,
        Text(
            f"选项文件“{csv}”{where.zh}{why.zh}；请在 Excel 中修改这个 CSV 文件，再重新载入表单。",
            f"choices file '{csv}': {where.en}{why.en}; fix the CSV file (in Excel) and load the form again.",
        ),
        code="form_choice_file_bad",
    )


# -- coding: which communities a coded passage is about (issue 17, point 2) -----------------------


def coding_attribution_refused(refused: list[str], allowed: list[str]) -> CodingError:
    given = "、".join(refused)
    choices_zh = "、".join(allowed) or "（无）"
    choices_en = ", ".join(allowed) or "(none)"
    return CodingError(
        Text(
            f"不能把这段编码归属到 {given}：这份访谈没有谈到它们。",
            f"This coding cannot be attributed to {', '.join(refused)}: the interview did not discuss them.",
        ),
        hint=Text(
            f"只能归属到这份访谈所属或谈到的社区：{choices_zh}；如谈到的社区有误，请先修改“谈到的社区”这道题的回答。",
            f"Attribute it only to the interview's own or discussed communities: {choices_en}; if the communities"
            " discussed are wrong, correct that answer first.",
        ),
        code="coding_attribution_refused",
    )


# -- review and coding of repeat groups (issue 18, point 4) ---------------------------------------


def coding_instance_list(repeat: str) -> CodingError:
    return CodingError(
        Text(
            f"“{repeat}”是重复组：它的回答只是各项的列表，不是受访者说的话，不能编码。",
            f"'{repeat}' is a repeat group: its answer is only the list of its entries, not what was said, and"
            " cannot be coded.",
        ),
        hint=Text("请对各项中的回答编码。", "Code the answers given in its entries."),
        code="coding_instance_list",
    )
