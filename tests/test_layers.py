"""The import contract of the design, checked on the source: core never reaches Qt or the UI, the UI
never runs SQL, everything is imported under the one `yingzao` namespace, nothing by string, and
every package is installed."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for folder in ("core", "ui", "cli", "bench", "tests") for p in (ROOT / folder).rglob("*.py")] + [
    ROOT / "main.py"
]


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / folder).rglob("*.py")
        for name in _imports(path)
        if name.startswith(forbidden)
    ]


def test_core_never_imports_qt_or_the_ui():
    assert _offenders("core", ("PySide6", "shiboken6", "yingzao.ui")) == []


def test_the_ui_never_runs_sql():
    assert _offenders("ui", ("sqlite3", "sqlcipher3", "sqlite_utils", "yingzao.core.store.driver")) == []


def test_the_core_reaches_sqlite_through_its_one_driver_module():
    # sqlcipher3's exceptions are not sqlite3's: a module of its own importing sqlite3 would catch
    # nothing the store's connections raise (core/store/driver.py)
    driver = ROOT / "core" / "store" / "driver.py"
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in [*(ROOT / "core").rglob("*.py"), ROOT / "main.py"]
        if path != driver
        for name in _imports(path)
        if name.split(".")[0] in ("sqlite3", "sqlcipher3")
    ]
    assert offenders == []


def test_everything_is_imported_under_the_yingzao_namespace():
    bare = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in SOURCES
        for name in _imports(path)
        if name.split(".")[0] in ("core", "ui", "cli", "main")
    ]
    assert bare == []


def test_nothing_is_imported_by_string():
    assert [
        str(p.relative_to(ROOT))
        for folder in ("core", "ui")
        for p in (ROOT / folder).rglob("*.py")
        if "import_module(" in p.read_text(encoding="utf-8")
    ] == []


def test_every_package_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {"yingzao", "yingzao.forms"} | {
        "yingzao." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in ("core", "ui", "cli")
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert set(config["packages"]) == found


def test_no_screen_reaches_back_into_the_app_module():
    # ui/app.py starts the app and imports the screens; a screen importing it back made a cycle that
    # only in-function imports kept from failing. Errors go through ui/error_dialog.py instead.
    assert [
        f"{p.relative_to(ROOT)}"
        for p in (ROOT / "ui").glob("*.py")
        if p.name != "app.py" and any(name.startswith("yingzao.ui.app") for name in _imports(p))
    ] == []


# what writes a table of the interview aggregate, in any string of the source (SQL is written in capitals)
_AGGREGATE_WRITE = re.compile(
    r"\b(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+[A-Z]+)?|DELETE\s+FROM)\s+"
    r"(?:interviews|answers|audit|paradata)\b"
)


def _aggregate_writes(path: Path) -> list[str]:
    strings = [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    return [f"{path.relative_to(ROOT)}: {m.group(0)}" for text in strings for m in _AGGREGATE_WRITE.finditer(text)]


def test_only_the_store_writes_interviews_answers_audit_and_paradata():
    # the store's write paths keep its cache of interview state right; a write elsewhere would leave it
    # stale and need the repair hooks this rule removed
    store = ROOT / "core" / "store"
    outside = [
        p for p in SOURCES if p.is_relative_to(ROOT / "core") or p.is_relative_to(ROOT / "ui") or p == ROOT / "main.py"
    ]
    assert [w for p in outside if not p.is_relative_to(store) for w in _aggregate_writes(p)] == []
    # the pattern finds the store's own writes, so an empty list above means something
    found = {w.split(": ")[1].split()[-1] for p in store.glob("*.py") for w in _aggregate_writes(p)}
    assert found >= {"interviews", "answers", "audit", "paradata"}
