"""Benchmarks of the coding page: opening an interview to code, coding a selection, a search shown,
a matrix shown. Driven as a user drives them: through the page's public actions and key presses,
timed until the event loop has painted the result."""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.run import OUT, percentile

ANSWERS_PER_INTERVIEW = 15
PHRASES = [
    "社区综合党委每季度召开党建联席会议，协调园区企业和属地街道的事项",
    "土地流转以后，村民的就业转型和集体经济收益是大家最关心的",
    "楼层长、楼栋长、院落长负责收集居民需求，组织院落活动",
    "企业老总兼任社区党委委员，企业资源与社区共享",
    "居民议事会的制度还在完善，参与的人还不够多",
    "修建生态公园和休闲步道以后，员工下班有了去处",
]
CODES = ["ACT.GOV", "ACT.PARTY", "ACT.MARKET", "ACT.RESIDENT", "DIM.ORG", "DIM.SPACE", "DIM.SERVICE", "DIM.SUBJECT"]


def _app():
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def coding_db(interviews: int = 10_000) -> Path:
    """10,000 SYNTHETIC cadre interviews of 15 text answers (150,000 answers) in four communities,
    three codings each; made once through the core API and kept in bench/out."""
    from yingzao.core.coding.codebook import research_codebook
    from yingzao.core.coding.codings import Span, apply_code
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store

    OUT.mkdir(exist_ok=True)
    path = OUT / f"coding_{interviews}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    print(f"(making {path.name} once: {interviews} synthetic interviews with codings...)", file=sys.stderr)
    rng = random.Random(11)
    with Store(partial, user="合成编码员") as store:
        store.set_setting("synthetic_data", "1")
        library = load_library(store)
        protocol = library.by_role("cadre")[0]
        texts = [q.name for q in protocol.questions if q.type == "text"][:ANSWERS_PER_INTERVIEW]
        for letter in "ABCD":
            store.add_community(letter, f"合成社区{letter}")
        book = research_codebook(store, library.codebook)
        for chunk in range(0, interviews, 500):
            with store.transaction():
                for _ in range(chunk, min(chunk + 500, interviews)):
                    interview = store.start_interview(protocol.sha256, community_id=rng.choice("ABCD"))
                    for name in texts:
                        store.save_answer(interview, name, "【合成数据】" + "；".join(rng.sample(PHRASES, 2)))
                    for name in rng.sample(texts, 3):
                        apply_code(store, book, Span(interview, name, "answer", 6, 14), rng.choice(CODES))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.rename(path)
    return path


def _big_interview(store, library) -> str:
    """One interview of 60 answers and 200 codings, in a fresh database of its own."""
    from yingzao.core.coding.codebook import research_codebook
    from yingzao.core.coding.codings import Span, apply_code

    protocol = max((p for p in library.protocols if p.role != "profile"), key=lambda p: len(p.answerable))
    texts = [q.name for q in protocol.answerable if q.type == "text"]
    interview = store.start_interview(protocol.sha256, community_id=None)
    rng = random.Random(5)
    answered = []
    with store.transaction():
        for index in range(60):
            name = texts[index % len(texts)] if index < len(texts) else None
            if name is None:
                break
            store.save_answer(interview, name, "【合成数据】" + "。".join(rng.sample(PHRASES, 4)))
            answered.append(name)
        # questions beyond the text ones carry notes, so the interview has 60 texts to read
        for name in [q.name for q in protocol.answerable if q.type != "text"][: 60 - len(answered)]:
            store.save_answer(interview, name, None, note="【合成数据】" + rng.choice(PHRASES))
        book = research_codebook(store, library.codebook)
        for n in range(200):
            name = answered[n % len(answered)]
            start = rng.randrange(6, 60)
            apply_code(store, book, Span(interview, name, "answer", start, start + rng.randrange(3, 20)), CODES[n % 8])
    return interview


def bench_coding_open_interview() -> list[str]:
    app = _app()
    from PySide6.QtWidgets import QTextBrowser

    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store
    from yingzao.ui.coding_page import CodingPage
    from yingzao.ui.i18n import Translator

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "open.db", user="bench")
        library = load_library(store)
        interview = _big_interview(store, library)
        other = store.start_interview(library.by_role("cadre")[0].sha256, community_id=None)
        page = CodingPage(store, library, Translator("zh"))
        page.resize(1300, 820)
        page.show()
        app.processEvents()
        samples, baseline = [], []
        text = page.document.toPlainText()
        for _ in range(10):
            page.show_interview(other)
            app.processEvents()
            start = time.perf_counter()
            page.show_interview(interview)
            app.processEvents()
            samples.append(time.perf_counter() - start)
            text = page.document.toPlainText()
            plain = QTextBrowser()
            plain.resize(640, 760)
            plain.show()
            app.processEvents()
            start = time.perf_counter()
            plain.setPlainText(text)
            app.processEvents()
            baseline.append(time.perf_counter() - start)
            plain.close()
            plain.deleteLater()
        codings = len(page.codings)
        page.close()
        store.close()
    median, base = statistics.median(samples), statistics.median(baseline)
    return [
        f"coding_open_interview: {median * 1000:.0f} ms median, {max(samples) * 1000:.0f} ms max "
        f"(60 answers and notes, {codings} codings, painted; target: <= 150 ms); "
        f"{median / base:.1f}x a bare QTextBrowser showing the same text ({base * 1000:.0f} ms)",
    ]


def bench_coding_apply() -> list[str]:
    """A selection coded by its digit key until the highlight is painted and the coding saved."""
    app = _app()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store
    from yingzao.ui.coding_page import CodingPage
    from yingzao.ui.i18n import Translator

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "apply.db", user="bench")
        library = load_library(store)
        interview = _big_interview(store, library)
        page = CodingPage(store, library, Translator("zh"))
        page.resize(1300, 820)
        page.show()
        page.show_interview(interview)
        page.set_key("DIM.SUBJECT", 1)
        app.processEvents()
        doc = page.document
        samples = []
        for n in range(120):
            segment = doc.segments[n % len(doc.segments)]
            cursor = QTextCursor(doc.document())
            cursor.setPosition(segment.doc_pos(2 + n // len(doc.segments)))
            cursor.setPosition(segment.doc_pos(5 + n // len(doc.segments)), QTextCursor.MoveMode.KeepAnchor)
            doc.setTextCursor(cursor)
            doc.setFocus()
            app.processEvents()
            start = time.perf_counter()
            QTest.keyClick(doc, Qt.Key.Key_1)
            app.processEvents()  # the highlight and the stripe painted
            samples.append(time.perf_counter() - start)
        coded = sum(1 for c in store.coding.codings(interview) if c.code == "DIM.SUBJECT")
        page.close()
        store.close()
    return [
        f"coding_apply_p95: {percentile(samples, 95) * 1000:.1f} ms, median {statistics.median(samples) * 1000:.1f} ms "
        f"({coded} selections coded by key in an interview of 200+ codings, saved and painted; target: <= 30 ms)",
    ]


def bench_search_shown() -> list[str]:
    """议事会 typed into the search window and Enter pressed, until the hits are on screen."""
    app = _app()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store
    from yingzao.ui.coding_page import CodingPage
    from yingzao.ui.i18n import Translator

    db = coding_db()
    with Store(db, user="bench") as store:
        library = load_library(store)
        page = CodingPage(store, library, Translator("zh"))
        page.resize(1300, 820)
        page.show()
        dialog = page.open_search()
        dialog.term.setText("议事会")
        app.processEvents()
        dialog.run()  # the first search brings the index up to date: not what is measured
        samples = []
        for _ in range(7):
            dialog.model.set_hits([])
            app.processEvents()
            start = time.perf_counter()
            QTest.keyClick(dialog.term, Qt.Key.Key_Return)
            app.processEvents()
            samples.append(time.perf_counter() - start)
        hits = len(dialog.model.hits)
        page.close()
    return [
        f"search_shown: {statistics.median(samples) * 1000:.0f} ms median, {max(samples) * 1000:.0f} ms max "
        f"(议事会 over {10_000 * ANSWERS_PER_INTERVIEW:,} answers, {hits:,} hits listed; target: <= 150 ms)",
    ]


def bench_matrix_shown() -> list[str]:
    """The actor × community matrix of 10,000 interviews chosen in the matrix window, until painted."""
    app = _app()
    from yingzao.core.coding.codebook import research_codebook
    from yingzao.core.forms.library import load_library
    from yingzao.core.store.database import Store
    from yingzao.ui.coding_matrix import MatrixDialog
    from yingzao.ui.i18n import Translator

    db = coding_db()
    with Store(db, user="bench") as store:
        library = load_library(store)
        book = research_codebook(store, library.codebook)
        dialog = MatrixDialog(store, book, Translator("zh"), lambda interview: interview.id)
        dialog.show()
        app.processEvents()
        samples = []
        for family in ["actor", "dimension"] * 4:
            dialog.choose("scene", "role")
            app.processEvents()
            start = time.perf_counter()
            dialog.choose(family, "community")
            app.processEvents()
            samples.append(time.perf_counter() - start)
        cells = sum(dialog.matrix.interviews.values()) if dialog.matrix else 0
        dialog.close()
    return [
        f"matrix_shown: {statistics.median(samples) * 1000:.0f} ms median, {max(samples) * 1000:.0f} ms max "
        f"(codes × 4 communities over 10,000 interviews and 30,000 codings, {cells:,} interview-cells; "
        "target: <= 300 ms)",
    ]


BENCHMARKS = {
    "coding_open_interview": bench_coding_open_interview,
    "coding_apply_p95": bench_coding_apply,
    "search_shown": bench_search_shown,
    "matrix_shown": bench_matrix_shown,
}
