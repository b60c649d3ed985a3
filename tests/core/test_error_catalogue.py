"""The error catalogue, walked: every entry has a code and speaks both languages, and every raise
site outside core/errors/ goes through it instead of writing its own message."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from yingzao.core import errors
from yingzao.core.errors import Problem, Text, YingzaoError

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# What a parameter receives, by the words of its annotation (the module uses string annotations)
_SAMPLES = (
    ("list[Text]", [Text("页面损坏", "damaged pages")]),
    ("list[Problem]", [Problem("x.xlsx", "survey", 2, Text("缺少标签", "the label is missing"), "label")]),
    ("Text", Text("访谈列表", "the list of interviews")),
    ("Path", Path("x.db")),
    ("Exception", OSError(28, "No space left on device")),
    ("OSError", OSError(28, "No space left on device")),
    ("tuple", ["a"]),
    ("list", ["a"]),
    ("str", "x"),
    ("int", 1),
)


def _sample(parameter: inspect.Parameter) -> object:
    annotation = str(parameter.annotation)
    for words, value in _SAMPLES:
        if words in annotation:
            return value
    return None  # `object`: a holder, a problem value — anything


def _call(function) -> YingzaoError:
    signature = inspect.signature(function)
    args = [
        _sample(p) for p in signature.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty
    ]
    return function(*args)


def _returns_error(function) -> bool:
    names = re.findall(r"\w+", str(inspect.signature(function).return_annotation))
    return any(
        isinstance(getattr(errors, n, None), type) and issubclass(getattr(errors, n), YingzaoError) for n in names
    )


CATALOGUE = sorted(
    name
    for name, value in errors.every().items()
    if inspect.isfunction(value)
    and not name.startswith("_")
    and value.__module__.startswith(errors.__name__ + ".")  # defined in one of the catalogue's modules
    and _returns_error(value)
)
# classes whose message is their own (not a message given by the caller)
FIXED = sorted(
    name
    for name, value in errors.every().items()
    if isinstance(value, type)
    and issubclass(value, YingzaoError)
    and "message" not in inspect.signature(value.__init__).parameters
)


def test_the_walk_finds_the_catalogue():
    # a rename of the annotations must not make this test walk nothing
    assert len(CATALOGUE) > 60 and {"damaged_package", "from_sqlite", "pack_read_failed"} <= set(CATALOGUE)
    assert {"ExportCancelled", "DatabaseInUse", "FormError", "CodebookError"} <= set(FIXED)


def _both(error: YingzaoError) -> dict[str, tuple[str, str]]:
    read = {}
    try:
        for language in ("zh", "en"):
            errors.set_language(language)
            read[language] = (error.message, error.hint)
    finally:
        errors.set_language("zh")
    return read


def _check(error: YingzaoError) -> None:
    assert isinstance(error, YingzaoError)
    assert error.code
    read = _both(error)
    for text in read["zh"]:
        assert CJK.search(text), text
    for text in read["en"]:
        assert text and not CJK.search(text), text


@pytest.mark.parametrize("name", CATALOGUE)
def test_every_catalogue_entry_has_a_code_and_both_languages(name):
    _check(_call(getattr(errors, name)))


@pytest.mark.parametrize("name", FIXED)
def test_every_error_class_with_its_own_message_has_a_code_and_both_languages(name):
    _check(_call(getattr(errors, name)))


def test_the_sqlite_classification_reads_the_error_code_not_the_words():
    import sqlite3

    busy = sqlite3.OperationalError("some wording that says nothing")
    busy.sqlite_errorcode = 5  # SQLITE_BUSY
    assert errors.is_busy(busy) and errors.from_sqlite(Path("x.db"), busy).code == "database_locked"
    worded = sqlite3.OperationalError("database is locked")  # the words alone: no code, not busy
    assert not errors.is_busy(worded)


def test_a_problem_reads_in_the_interface_language_at_the_same_place():
    problem = Problem("form.xlsx", "survey", 4, Text("问题“x”没有标签。", "question 'x' has no label."), "label")
    assert str(problem) == "form.xlsx:survey:4: [label] 问题“x”没有标签。"
    errors.set_language("en")
    try:
        assert str(problem) == "form.xlsx:survey:4: [label] question 'x' has no label."
        assert problem.message == "question 'x' has no label."
    finally:
        errors.set_language("zh")


# -- every raise site goes through the catalogue --

_MESSAGE_CLASSES = {"YingzaoError", "StoreError", "PackageError", "ExportError", "ReviewError"}
_PROBLEM_CLASSES = {"FormError", "CodebookError", "Problem"}


def _sources() -> list[Path]:
    files = [ROOT / "main.py", *sorted((ROOT / "core").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]
    return [f for f in files if (ROOT / "core" / "errors") not in f.parents]


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_no_module_writes_its_own_error_message():
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in _MESSAGE_CLASSES:
                found.append(f"{where}: {name}(…) built outside the catalogue")
            elif name in _PROBLEM_CLASSES:
                given = [*node.args, *(k.value for k in node.keywords)]
                # a Problem's message is its fourth argument; it must be a Text, never bare words
                if name == "Problem" and len(node.args) >= 4 and _literal(node.args[3]):
                    found.append(f"{where}: a Problem with a message in one language")
                elif name != "Problem" and any(_literal(a) for a in given):
                    found.append(f"{where}: {name} with a message in one language")
    assert found == []


def test_no_module_passes_one_language_to_a_catalogue_entry():
    """`errors.damaged_package(path, "english words")` would show English under a Chinese interface."""
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "errors"
                and node.func.attr != "Text"
            ):
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(argument, ast.JoinedStr) or (
                        isinstance(argument, ast.Constant)
                        and isinstance(argument.value, str)
                        and re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", argument.value)
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: errors.{node.func.attr}")
    assert found == []


def test_a_bad_value_keeps_both_languages_of_its_problem():
    from yingzao.core.store.values import ValueProblem

    error = errors.bad_value("age", ValueProblem(Text("请输入整数", "enter a whole number")))
    read = _both(error)
    assert "请输入整数" in read["zh"][0] and "enter a whole number" in read["en"][0]
