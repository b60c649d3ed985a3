"""Every error a user can act on, in one place.

Each error carries *where* (file, sheet, row, column, question) and *what to do*, so the UI and the
command line can show it as it is, never as a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class YingzaoError(Exception):
    """Base of the errors the app reports to its user instead of crashing."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

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


def database_locked(path: Path) -> StoreError:
    return StoreError(
        f"{path} is busy: another Yingzao window or program is writing to it.",
        hint="Close the other program and try again.",
    )
