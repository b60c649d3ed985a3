"""The language errors speak, the bilingual Text, and the error classes every area builds on."""

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
