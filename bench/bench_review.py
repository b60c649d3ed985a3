"""Benchmark of the supervisor's review queue on 10,000 interviews: opening the review page (rows and
cached quality flags into the model, the table shown), and changing a filter; with, in the same run,
a raw SELECT of the same rows, a bare QTableView over a lazy QAbstractTableModel of the same cells
(what a plain Qt table costs; it builds nothing up front, as the review model does not), and a
QSortFilterProxyModel filtering the same rows through a Python filterAcceptsRow. Each baseline runs
interleaved with what it is compared to, round by round; medians."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import synthetic_db

INTERVIEWS = 10_000


def _app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_review_queue() -> list[str]:
    app = _app()
    from yingzao.core.forms.library import load_library
    from yingzao.core.review import quality
    from yingzao.core.review.queue import load_rows
    from yingzao.core.store.database import Store
    from yingzao.ui.i18n import Translator
    from yingzao.ui.review_view import ReviewView

    source = synthetic_db(INTERVIEWS, completed_share=1.0)  # every one finalised: all 10,000 in the queue
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "review.db"
        shutil.copy(source, db)
        store = Store(db, user="bench")
        store.set_setting("user_role", "supervisor")
        library = load_library(store)
        start = time.perf_counter()
        quality.refresh_flags(store, force=True)
        recompute = time.perf_counter() - start
        tr = Translator("zh")

        rows = load_rows(store)
        loads, selects, lazies, views = [], [], [], []
        for round_ in range(5):
            runs = [
                lambda: loads.append(_open_review(app, ReviewView, store, library, tr, views)),
                lambda: selects.append(_select_once(store)),
                lambda: lazies.append(_lazy_model_once(app, rows)),
            ]
            for run in runs[round_ % 3 :] + runs[: round_ % 3]:  # each goes first in some rounds
                run()
        view = views.pop()
        for other in views:
            other.shutdown()
            other.close()
            other.deleteLater()
        app.processEvents()
        shown, total = view.model.rowCount(), view.model.queue.total

        changes, proxies = [], []
        steps = [
            ("roles", {"cadre"}),
            ("roles", {"cadre", "official", "street_staff", "profile"}),
            ("communities", {"SYN-A", "SYN-B"}),
            ("flags", {"short_answers"}),
            ("flags", {"none"}),
            ("statuses", {"completed", "approved", "rejected"}),
            ("statuses", {"completed"}),
            ("communities", {"SYN-A", "SYN-B", "SYN-C", "SYN-D", "SYN-E", "SYN-F"}),
            (
                "flags",
                {"none", "missing_required", "short_answers", "short_interview", "empty_section", "consent_missing"},
            ),
        ]
        view.table.selectRow(3)
        proxy_table = _ProxyTable(app, rows)
        for _ in range(3):
            for name, values in steps:
                start = time.perf_counter()
                view.filters[name].set_checked(values)
                app.processEvents()
                changes.append(time.perf_counter() - start)
                proxies.append(proxy_table.change())
        proxy_table.close()
        view.shutdown()
        store.close()
    load, change = statistics.median(loads), statistics.median(changes)
    select, lazy, proxy = statistics.median(selects), statistics.median(lazies), statistics.median(proxies)
    return [
        f"review_queue_load: {_ms(load)} median, {_ms(max(loads))} max ({total:,} finalised of {INTERVIEWS:,} "
        f"interviews, {shown:,} waiting; rows + cached flags + filters + table shown; target: <= 300 ms)",
        f"review_queue_load_vs_select: {load / select:.1f}x (baseline: the raw SELECT of the same rows, {_ms(select)})",
        f"review_queue_load_vs_lazy_model: {load / lazy:.2f}x (baseline: a bare QTableView over a lazy "
        f"QAbstractTableModel of the same cells, {_ms(lazy)})",
        f"review_filter_change: {_ms(change)} median, {_ms(max(changes))} max ({len(changes)} changes of status, "
        "role, community and flag filters; target: <= 50 ms)",
        f"review_filter_vs_proxy: {change / proxy:.2f}x (baseline: QSortFilterProxyModel with a Python "
        f"filterAcceptsRow over the same rows, {_ms(proxy)} per change)",
        f"quality_flags_recompute: {recompute:.2f} s ({INTERVIEWS:,} interviews; off the UI thread, only when "
        "the answers changed)",
    ]


def _open_review(app, ReviewView, store, library, tr, views) -> float:
    start = time.perf_counter()
    view = ReviewView(store, library, tr)
    view.resize(1280, 800)
    view.show()
    app.processEvents()
    elapsed = time.perf_counter() - start
    assert view.flag_job is None  # loaded from the cache: nothing to recompute
    views.append(view)
    return elapsed


def _select_once(store) -> float:
    start = time.perf_counter()
    store.conn.execute(
        "SELECT i.id, i.status, i.fieldworker, i.community_id, i.respondent_role, i.protocol_id,"
        " i.protocol_version, i.protocol_sha256, i.started_at, i.ended_at, i.updated_at, i.outcome"
        " FROM interviews i WHERE i.status IN ('completed', 'approved', 'rejected')"
    ).fetchall()
    return time.perf_counter() - start


def _cells(row) -> tuple:
    return (
        row.status,
        " · ".join(row.flags),
        row.community_id,
        row.role,
        row.protocol_id,
        row.fieldworker,
        row.ended_at,
        row.seconds,
        row.comments,
    )


def _lazy_model_once(app, rows) -> float:
    """A bare QTableView over a QAbstractTableModel that reads the rows already loaded only for the
    cells on screen: the cheapest way Qt shows the same table."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QTableView

    class Lazy(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else len(rows)

        def columnCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else 9

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            return str(_cells(rows[index.row()])[index.column()] or "")

    start = time.perf_counter()
    model = Lazy()
    table = QTableView()
    table.setModel(model)
    table.resize(1280, 800)
    table.show()
    app.processEvents()
    elapsed = time.perf_counter() - start
    table.close()
    table.deleteLater()
    app.processEvents()
    return elapsed


class _ProxyTable:
    """Baseline for a filter change: a QSortFilterProxyModel with a Python filterAcceptsRow over the
    same rows, shown in a QTableView; `change()` times one change of the wanted roles."""

    WANTED = ({"cadre"}, None, {"official"}, None, {"cadre", "official"}, None)

    def __init__(self, app, rows) -> None:
        from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
        from PySide6.QtWidgets import QTableView

        class Plain(QAbstractTableModel):
            def rowCount(self, parent=QModelIndex()):
                return 0 if parent.isValid() else len(rows)

            def columnCount(self, parent=QModelIndex()):
                return 0 if parent.isValid() else 9

            def data(self, index, role=Qt.ItemDataRole.DisplayRole):
                return rows[index.row()][1] if role == Qt.ItemDataRole.DisplayRole else None

        class Proxy(QSortFilterProxyModel):
            wanted: set[str] | None = None

            def filterAcceptsRow(self, source_row, parent):
                return self.wanted is None or rows[source_row].role in self.wanted

        self.app, self.source, self.proxy = app, Plain(), Proxy()
        self.proxy.setSourceModel(self.source)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.resize(1280, 800)
        self.table.show()
        app.processEvents()
        self.turn = 0

    def change(self) -> float:
        start = time.perf_counter()
        self.proxy.wanted = self.WANTED[self.turn % len(self.WANTED)]
        self.proxy.invalidateFilter()
        self.app.processEvents()
        self.turn += 1
        return time.perf_counter() - start

    def close(self) -> None:
        self.table.close()
        self.table.deleteLater()
        self.app.processEvents()


BENCHMARKS = {
    "review_queue": bench_review_queue,
}
