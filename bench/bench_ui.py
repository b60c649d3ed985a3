"""Benchmarks of the fieldworker's app: start-up, opening an interview, work per keystroke."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import ROOT, percentile, synthetic_db

ROUNDS = 9


def _shown_after(command: list[str], env: dict) -> float:
    """Seconds from starting the process to its 'SHOWN <time>' line: start-up, not teardown."""
    start = time.time()
    out = subprocess.run(command, env=env, check=True, capture_output=True, cwd=ROOT, text=True).stdout
    return next(float(line.split()[1]) for line in out.splitlines() if line.startswith("SHOWN")) - start


def bench_startup() -> list[str]:
    """The app started through its entry point until the main window has painted, and until its list
    of 5,000 interviews is filled, against a bare PySide6 QMainWindow started the same way (by
    `bench/startup_driver.py`), in interleaved rounds; medians."""
    from yingzao.core.store.database import Store

    source = synthetic_db(5000)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "startup.db"
        shutil.copy(source, db)
        with Store(db) as store:  # someone has worked here before: no first-run dialog
            store.set_setting("user_name", "王芳")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "YINGZAO_HOME": tmp}
        # A laptop keeps Python's bytecode cache after the first launch; some environments (this
        # one) set PYTHONDONTWRITEBYTECODE, which would recompile the app's modules on every start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        driver = [sys.executable, "-m", "bench.startup_driver"]
        commands = {
            "bare": [*driver, "bare"],
            "window": [*driver, "window", str(db)],
            "list": [*driver, "list", str(db)],
        }
        for command in commands.values():  # the first launch writes the bytecode cache; not what is measured
            _shown_after(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(ROUNDS):
            names = list(commands)
            for name in names[round_ % 3 :] + names[: round_ % 3]:  # each goes first in a third of the rounds
                times[name].append(_shown_after(commands[name], env))
    bare, window, filled = (statistics.median(times[name]) for name in ("bare", "window", "list"))
    return [
        f"startup_main_window: {window * 1000:.0f} ms (window painted; 5,000 interviews in the database; median of {ROUNDS})",
        f"startup_list_filled: {filled * 1000:.0f} ms (the home list shown with its rows, after the first paint: the "
        "first 200 of the 5,000 read, the rest when scrolled to, searched, filtered or sorted)",
        f"startup_bare_qmainwindow: {bare * 1000:.0f} ms (baseline: python + PySide6 + an empty QMainWindow, "
        "started and watched the same way, interleaved)",
        f"startup_vs_bare: {window / bare:.2f}x (target: <= 1.3x); with the list filled: {filled / bare:.2f}x "
        "(target: <= 1.6x)",
    ]


def _app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _filled_interview(store, protocol) -> str:
    import random

    from bench.make_data import synthetic_value

    rng = random.Random(3)
    interview = store.start_interview(protocol.sha256, community_id=None)
    with store.transaction():
        for question in protocol.answerable:
            store.save_answer(interview, question.name, synthetic_value(protocol, question, rng))
    return interview


def bench_open_interview() -> list[str]:
    """Time from opening an answered interview of the largest protocol to its screen painted."""
    app = _app()
    from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

    from yingzao.core.forms.engine import InterviewSession
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store
    from yingzao.ui.i18n import Translator
    from yingzao.ui.interview_view import InterviewView

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "open.db", user="bench")
        library = load_library(store)
        protocol = max((p for p in library.protocols if p.role != "profile"), key=lambda p: len(p.answerable))
        interview = _filled_interview(store, protocol)
        tr = Translator("zh")
        samples, baseline = [], []
        for _ in range(10):
            start = time.perf_counter()
            view = InterviewView(InterviewSession(store, interview), tr)
            view.resize(1280, 800)
            view.show()
            app.processEvents()
            samples.append(time.perf_counter() - start)
            view.shutdown()
            view.close()
            view.deleteLater()
            app.processEvents()
            start = time.perf_counter()
            plain = QWidget()
            layout = QVBoxLayout(plain)
            for _ in range(len(protocol.answerable)):
                layout.addWidget(QPlainTextEdit(plain))
            plain.resize(1280, 800)
            plain.show()
            app.processEvents()
            baseline.append(time.perf_counter() - start)
            plain.close()
            plain.deleteLater()
            app.processEvents()
        store.close()
    median, base = statistics.median(samples), statistics.median(baseline)
    return [
        f"open_interview: {median * 1000:.0f} ms median, {max(samples) * 1000:.0f} ms max "
        f"({len(protocol.answerable)} questions answered; target: <= 150 ms)",
        f"open_interview_vs_plain_widgets: {median / base:.2f}x (baseline: a window of "
        f"{len(protocol.answerable)} bare QPlainTextEdits, {base * 1000:.0f} ms)",
    ]


def bench_keystroke() -> list[str]:
    """UI-thread work per keystroke in an open question, and for the debounced save that follows."""
    app = _app()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from yingzao.core.forms.engine import InterviewSession
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store
    from yingzao.ui.i18n import Translator
    from yingzao.ui.interview_view import InterviewView

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "keys.db", user="bench")
        library = load_library(store)
        protocol = library.by_role("cadre")[0]
        interview = _filled_interview(store, protocol)
        view = InterviewView(InterviewSession(store, interview), Translator("zh"))
        view.resize(1280, 800)
        view.show()
        app.processEvents()
        name = next(q.name for q in protocol.questions if q.appearance == "multiline")
        view.focus_question(name)
        box = view.widgets[name].editor.box
        keys, saves = [], []
        for i in range(300):
            start = time.perf_counter()
            QTest.keyClick(box, "abcdefghij"[i % 10])
            app.processEvents()
            keys.append(time.perf_counter() - start)
            if i % 20 == 19:  # a pause in typing: the debounced save runs
                start = time.perf_counter()
                view.flush()
                app.processEvents()
                saves.append(time.perf_counter() - start)
        QTest.keyClick(box, Qt.Key.Key_Return)
        view.shutdown()
        store.close()
    return [
        f"keystroke_p99: {percentile(keys, 99) * 1000:.2f} ms, max {max(keys) * 1000:.2f} ms (target: <= 16 ms)",
        f"autosave_flush_max: {max(saves) * 1000:.2f} ms (save + relevance + navigator; target: <= 16 ms)",
        f"keystroke_p99_vs_frame: {percentile(keys, 99) / 0.016:.2f}x of a 16 ms frame",
    ]


BENCHMARKS = {
    "startup": bench_startup,
    "open_interview": bench_open_interview,
    "keystroke": bench_keystroke,
}
