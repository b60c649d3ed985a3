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

    def __str__(self) -> str:
        return self.en if _language == "en" else self.zh

    def __add__(self, other: object) -> "Text":
        if isinstance(other, Text):
            return Text(self.zh + other.zh, self.en + other.en)
        return Text(self.zh + str(other), self.en + str(other))


class YingzaoError(Exception):
    """Base of the errors the app reports to its user instead of crashing.

    The message and the hint are `Text` in both languages; they are read in the language chosen
    with `set_language` when the error is shown, so an error raised in a worker thread still speaks
    the language the user sees."""

    def __init__(self, message: "str | Text", *, hint: "str | Text" = "", code: str = "") -> None:
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
    def hint(self, value: "str | Text") -> None:
        self._hint = value

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form or codebook, at a place a person can find in Excel."""

    file: str
    sheet: str
    row: int | None
    message: str
    column: str | None = None

    def __str__(self) -> str:
        row = "" if self.row is None else str(self.row)
        column = f"[{self.column}] " if self.column else ""
        return f"{self.file}:{self.sheet}:{row}: {column}{self.message}"


class FormError(YingzaoError):
    """A protocol workbook that cannot be used; `problems` lists every place to fix."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = problems
        first = problems[0] if problems else None
        summary = f"{self.path.name}: {len(problems)} problem(s)"
        if first is not None:
            summary += f"; first: {first}"
        super().__init__(summary, hint="Fix the workbook in Excel and load it again.")


class CodebookError(FormError):
    """The codebook file cannot be used."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        super().__init__(path, problems)
        self.hint = "Fix the codebook (a CSV file: edit it in Excel or WPS and save it as CSV UTF-8) and start again."


class StoreError(YingzaoError):
    """The database file cannot be opened or written as asked."""


def not_a_database(path: Path) -> StoreError:
    return StoreError(
        f"{path} is not a Yingzao database (it is not a SQLite file, or it is damaged).",
        hint="Choose the .db file Yingzao created, or a new file name to start a new database.",
    )


def foreign_database(path: Path) -> StoreError:
    return StoreError(
        f"{path} is a SQLite database made by another program, not by Yingzao.",
        hint="Choose the .db file Yingzao created, or a new file name to start a new database.",
    )


def newer_database(path: Path, found: int, known: int) -> StoreError:
    return StoreError(
        f"{path} was written by a newer version of Yingzao (schema {found}; this version knows up to {known}).",
        hint="Update Yingzao on this computer before opening this file; it has not been changed.",
    )


def migration_failed(path: Path, version: int, error: Exception) -> StoreError:
    return StoreError(
        f"Upgrading {path} to schema {version} failed ({error}); the file is unchanged.",
        hint="Keep a copy of the file and report this message.",
    )


def unknown_interview(interview_id: str) -> StoreError:
    return StoreError(f"No interview with id {interview_id} in this database.")


def interview_read_only(interview_id: str, status: str) -> StoreError:
    return StoreError(
        f"Interview {interview_id} is {status} and can no longer be edited by the fieldworker.",
        hint="A supervisor can reopen it.",
    )


def unknown_question(protocol_id: str, question: str) -> StoreError:
    return StoreError(f"Protocol {protocol_id} has no question named '{question}'.")


def package_exists(path: Path) -> YingzaoError:
    return YingzaoError(f"{path} already exists; it may be a package not yet merged by the researcher.",
                        hint="Choose another file name, or move that file away first (pack --force replaces it).")


def write_failed(path: Path, error: Exception) -> StoreError:
    text = str(error)
    if "locked" in text or "busy" in text:
        return database_locked(path)
    if "full" in text:
        why = "the disk is full"
    elif "readonly" in text or "read-only" in text:
        why = "the file or its folder is read-only"
    else:
        why = f"the disk could not be written ({text})"
    return StoreError(f"Could not save to {path}: {why}. Nothing of this change was written.",
                      hint="Free some space or reconnect the drive, then try again; what you typed is still on screen.")


def cannot_open(path: Path, error: Exception) -> StoreError:
    return StoreError(f"{path} cannot be opened ({error}).",
                      hint="Check that the folder exists, that the drive is connected and that you may write to it.")


def database_locked(path: Path) -> StoreError:
    return StoreError(
        f"{path} is busy: another Yingzao window or program is writing to it.",
        hint="Close the other program and try again.",
    )


class ExportError(YingzaoError):
    """An Excel export that could not be written; no file (and no half-written file) was left."""


class ExportCancelled(ExportError):
    """The user cancelled an export; nothing was written."""

    def __init__(self) -> None:
        super().__init__("Export cancelled; no file was written.")


def export_database_missing(path: Path) -> ExportError:
    return ExportError(f"{path}: no such database.", hint="Check the path given with --db.")


def export_not_xlsx(path: Path) -> ExportError:
    return ExportError(f"{path}: the export must be an Excel workbook ending in .xlsx.",
                       hint=f"Use a name like {path.with_suffix('.xlsx').name}.")


def export_folder_missing(path: Path) -> ExportError:
    return ExportError(f"Cannot write {path}: the folder {path.parent} does not exist.",
                       hint="Choose an existing folder, or create it first.")


def export_not_writable(path: Path, error: OSError | None = None) -> ExportError:
    why = f" ({error.strerror})" if error is not None and error.strerror else ""
    return ExportError(f"Cannot write {path}: you may not write in {path.parent} or to this name{why}.",
                       hint="Choose another folder, e.g. your Documents folder. Nothing was written.")


def export_file_in_use(path: Path) -> ExportError:
    return ExportError(f"Cannot replace {path}: the file is open in another program (Excel or WPS?).",
                       hint="Close it there and export again, or choose another file name. The old file is unchanged.")


def export_failed(path: Path, error: Exception) -> ExportError:
    why = getattr(error, "strerror", None) or str(error)
    return ExportError(f"Writing {path} failed ({why}).",
                       hint="Check there is free space on the disk and try again. Nothing was written.")


def export_unknown_community(wanted: list[str], known: list[str]) -> ExportError:
    return ExportError(f"No community with id {', '.join(wanted)} in this database.",
                       hint=f"Known communities: {', '.join(known) or 'none yet'}.")


def export_bad_filter(values: list[str], roles: tuple[str, ...], statuses: tuple[str, ...]) -> ExportError:
    return ExportError(f"Unknown role or status: {', '.join(values)}.",
                       hint=f"Roles: {', '.join(roles)}; statuses: {', '.join(statuses)}.")


class PackageError(YingzaoError):
    """A session package that cannot be merged; the master database has not been touched."""

    def __init__(self, path: Path | str, message: str, *, hint: str) -> None:
        self.path = Path(path)
        super().__init__(f"{self.path.name}: {message}", hint=hint)


_UNCHANGED = "The master database has not been changed."


def package_incomplete(path: Path | str) -> PackageError:
    return PackageError(path, "the file is incomplete (it was cut off while being copied or sent).",
                        hint=f"Copy it again from the fieldworker's USB stick or e-mail and merge the new copy. {_UNCHANGED}")


def not_a_package(path: Path | str, what: str) -> PackageError:
    return PackageError(path, f"this is not a Yingzao session package ({what}).",
                        hint=f"Choose a .yzpack file made with Export session (python main.py pack). {_UNCHANGED}")


def newer_package(path: Path | str, found: int, known: int) -> PackageError:
    return PackageError(
        path, f"made by a newer Yingzao (package format {found}; this version reads up to {known}).",
        hint=f"Update Yingzao on this computer first, then merge the file again. {_UNCHANGED}")


def damaged_package(path: Path | str, what: str) -> PackageError:
    return PackageError(path, f"the package is damaged or was altered: {what}.",
                        hint=f"Ask the fieldworker to export the session again and merge the new file. {_UNCHANGED}")


# -- package hardening --
# Refusals of packages that are hostile or damaged in ways a copy error never produces (too big,
# too deep, a protocol that does not match its workbook, interviews for another laptop). The file
# is named first, as in every PackageError, so a merge report line says which package it was.

_UNCHANGED_TEXT = Text("主数据库没有任何改动。", _UNCHANGED)
_ASK_AGAIN = Text("请访员重新导出会话，再合并新文件。", "Ask the fieldworker to export the session again and merge the new file. ")


def package_too_large(path: Path | str, what: str, limit: str) -> PackageError:
    return PackageError(path, Text(f"数据包超出了 Yingzao 接受的大小（{what}；上限 {limit}），可能已损坏或是恶意文件。",
                                   f"the package is larger than Yingzao accepts ({what}; the limit is {limit}); "
                                   "it may be damaged or hostile."),
                        hint=_ASK_AGAIN + _UNCHANGED_TEXT)


def package_duplicate_member(path: Path | str, name: str) -> PackageError:
    return PackageError(path, Text(f"数据包中有两个同名文件（{name}），无法确定哪一个是真的。",
                                   f"the package holds two files named {name}; which one is genuine cannot be told."),
                        hint=_ASK_AGAIN + _UNCHANGED_TEXT)


def package_protocol_unverifiable(path: Path | str, sha256: str, why: str) -> PackageError:
    return PackageError(path, Text(f"提纲 {sha256[:12]} 无法根据其附带的 Excel 工作簿核实（{why}）。",
                                   f"protocol {sha256[:12]} cannot be verified against its own workbook ({why})."),
                        hint=Text("请在访员的电脑上用 Yingzao 重新载入该提纲并重新导出会话。",
                                  "Load the protocol again in Yingzao on the fieldworker's laptop and export "
                                  "the session again. ") + _UNCHANGED_TEXT)


def package_answer_outside_protocol(path: Path | str, interview_id: str, question: str, form: str) -> PackageError:
    return PackageError(path, Text(f"访谈 {interview_id} 回答了提纲 {form} 中没有的问题“{question}”。",
                                   f"interview {interview_id} answers a question '{question}' that its protocol "
                                   f"{form} does not have."),
                        hint=_ASK_AGAIN + _UNCHANGED_TEXT)


def package_not_merged(path: Path | str, error: BaseException) -> PackageError:
    """The last resort of a merge: something no check foresaw. The package is refused alone, its
    transaction rolled back, and the others of the run still merge."""
    return PackageError(path, Text(f"合并时出现意外错误（{type(error).__name__}），此数据包未合并。",
                                   f"merging it failed unexpectedly ({type(error).__name__}); it was not merged."),
                        hint=Text("请保留该文件并报告此消息。", "Keep the file and report this message. ") + _UNCHANGED_TEXT)


def expression_unreadable(detail: str) -> YingzaoError:
    """An interview whose protocol (merged before its workbook was checked) holds an expression
    that cannot be read: said plainly instead of a traceback."""
    return YingzaoError(Text(f"无法打开此访谈：其提纲中的表达式无法读取（{detail}）。",
                             f"This interview cannot be opened: an expression of its protocol cannot be read ({detail})."),
                        hint=Text("请用“检查提纲”（python main.py check-form）检查该提纲的工作簿。",
                                  "Check the protocol's workbook with check-form (python main.py check-form)."))


def review_package_for_another_database(path: Path | str, interview_id: str) -> PackageError:
    return PackageError(path, Text(f"这是一个审核数据包，但访谈 {interview_id} 不是在这个数据库中进行的；它应送往做这次访谈的电脑。",
                                   f"this is a review package, but interview {interview_id} was not taken on this "
                                   "database; it belongs on the laptop that took the interview."),
                        hint=Text("请在做这些访谈的访员电脑上合并它。", "Merge it on the fieldworker's laptop that took "
                                  "these interviews. ") + _UNCHANGED_TEXT)


def no_open_conflict(interview_id: str) -> StoreError:
    return StoreError(f"Interview {interview_id} has no open conflict to resolve.",
                      hint="Reopen the list of conflicts: it may have been resolved already.")


def unknown_version(interview_id: str, choice: str, known: list[str]) -> StoreError:
    return StoreError(f"Interview {interview_id} has no version '{choice}' in conflict.",
                      hint=f"Choose one of: {', '.join(known)}.")


class ReviewError(StoreError):
    """A review action (approve, send back, reopen, comment) that cannot be done as asked."""


def not_a_supervisor(action: str, role: str | None) -> ReviewError:
    return ReviewError(
        f"Only a supervisor may {action}; this computer's user is recorded as {role or 'no role'}.",
        hint="Set your role to supervisor in File → My identity… (the role is a label, not a password).")


def wrong_status_for(action: str, interview_id: str, status: str, allowed: tuple[str, ...]) -> ReviewError:
    return ReviewError(
        f"Interview {interview_id} is {status}; it can be {action} only when it is {' or '.join(allowed)}.",
        hint="Reload the review queue: someone may have changed it meanwhile.")


def reason_required() -> ReviewError:
    return ReviewError("Sending an interview back needs a reason.",
                       hint="Say what the fieldworker should revise; it is shown to them with the interview.")


def empty_comment() -> ReviewError:
    return ReviewError("A comment cannot be empty.", hint="Type the comment, then post it.")


def reply_only(role: str | None) -> ReviewError:
    return ReviewError(
        f"As {role or 'a user without a role'} you can reply to a supervisor's comment, not start a new one.",
        hint="Use the Reply box under the comment.")


def reply_needs_editable(interview_id: str, status: str) -> ReviewError:
    return ReviewError(f"Interview {interview_id} is {status}: replies are possible while it is sent back for revision.",
                       hint="A supervisor can send it back or reopen it.")


def unknown_comment(comment_id: str, interview_id: str) -> ReviewError:
    return ReviewError(f"Interview {interview_id} has no comment {comment_id} to reply to.",
                       hint="Reload the interview: the comment list may be out of date.")


def unknown_question_in(interview_id: str, question: str) -> ReviewError:
    return ReviewError(f"Interview {interview_id}'s protocol has no question named '{question}'.")


def already_sent_back(interview_id: str, at: str) -> ReviewError:
    return ReviewError(
        f"Interview {interview_id} was sent back to its fieldworker in a review package on {at}; a comment "
        "added now would not reach them and would conflict with their revision.",
        hint="Wait for the revised interview to be merged, then comment on it.")
