"""The database: opening, upgrading and writing it, and SQLite's errors in words."""

from __future__ import annotations

from pathlib import Path

from yingzao.core.errors.base import Text, YingzaoError

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
