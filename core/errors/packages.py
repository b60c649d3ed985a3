"""Session and review packages: packing, reading and merging them, and conflicts."""

from __future__ import annotations

from pathlib import Path

from yingzao.core.errors.base import Text, YingzaoError, _both
from yingzao.core.errors.store import _SQLITE_BUSY, StoreError, _primary, damaged_database

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
