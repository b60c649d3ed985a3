"""Benchmark of the supervisor's review queue on 10,000 interviews: opening the review page (rows and
cached quality flags into the model, the table shown), and changing a filter; with, in the same run,
a raw SELECT of the same rows, a bare QTableView over a QStandardItemModel of the same cells, and a
QSortFilterProxyModel filtering the same rows through a Python filterAcceptsRow."""
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
    from yingzao.core.review import quality
    from yingzao.core.forms.library import load_library
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

        loads, views = [], []
        for _ in range(5):
            start = time.perf_counter()
            view = ReviewView(store, library, tr)
            view.resize(1280, 800)
            view.show()
            app.processEvents()
            loads.append(time.perf_counter() - start)
            assert view.flag_job is None  # loaded from the cache: nothing to recompute
            views.append(view)
        view = views.pop()
        for other in views:
            other.shutdown()
            other.close()
            other.deleteLater()
        app.processEvents()
        shown, total = view.model.rowCount(), view.model.queue.total

        changes = []
        steps = [("roles", {"cadre"}), ("roles", {"cadre", "official", "street_staff", "profile"}),
                 ("communities", {"SYN-A", "SYN-B"}), ("flags", {"short_answers"}), ("flags", {"none"}),
                 ("statuses", {"completed", "approved", "rejected"}), ("statuses", {"completed"}),
                 ("communities", {"SYN-A", "SYN-B", "SYN-C", "SYN-D", "SYN-E", "SYN-F"}),
                 ("flags", {"none", "missing_required", "short_answers", "short_interview", "empty_section",
                            "consent_missing"})]
        view.table.selectRow(3)
        for _ in range(3):
            for name, values in steps:
                start = time.perf_counter()
                view.filters[name].set_checked(values)
                app.processEvents()
                changes.append(time.perf_counter() - start)
        view.shutdown()

        select = _select_baseline(store)
        standard = _standard_model_baseline(app, load_rows(store))
        proxy = _proxy_filter_baseline(app, load_rows(store))
        store.close()
    load, change = statistics.median(loads), statistics.median(changes)
    return [
        f"review_queue_load: {_ms(load)} median, {_ms(max(loads))} max ({total:,} finalised of {INTERVIEWS:,} "
        f"interviews, {shown:,} waiting; rows + cached flags + filters + table shown; target: <= 300 ms)",
        f"review_queue_load_vs_select: {load / select:.1f}x (baseline: the raw SELECT of the same rows, {_ms(select)})",
        f"review_queue_load_vs_standard_item_model: {load / standard:.2f}x (baseline: a bare QTableView over a "
        f"QStandardItemModel of the same cells, {_ms(standard)})",
        f"review_filter_change: {_ms(change)} median, {_ms(max(changes))} max ({len(changes)} changes of status, "
        "role, community and flag filters; target: <= 50 ms)",
        f"review_filter_vs_proxy: {change / proxy:.2f}x (baseline: QSortFilterProxyModel with a Python "
        f"filterAcceptsRow over the same rows, {_ms(proxy)} per change)",
        f"quality_flags_recompute: {recompute:.2f} s ({INTERVIEWS:,} interviews; off the UI thread, only when "
        "the answers changed)",
    ]


def _select_baseline(store) -> float:
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        store.conn.execute(
            "SELECT i.id, i.status, i.fieldworker, i.community_id, i.respondent_role, i.protocol_id,"
            " i.protocol_version, i.protocol_sha256, i.started_at, i.ended_at, i.updated_at, i.outcome"
            " FROM interviews i WHERE i.status IN ('completed', 'approved', 'rejected')").fetchall()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _standard_model_baseline(app, rows) -> float:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    samples = []
    for _ in range(3):
        start = time.perf_counter()
        model = QStandardItemModel(0, 9)
        for row in rows:
            model.appendRow([QStandardItem(str(v or "")) for v in (
                row.status, " · ".join(row.flags), row.community_id, row.role, row.protocol_id, row.fieldworker,
                row.ended_at, row.seconds, row.comments)])
        table = QTableView()
        table.setModel(model)
        table.resize(1280, 800)
        table.show()
        app.processEvents()
        samples.append(time.perf_counter() - start)
        table.close()
        table.deleteLater()
        app.processEvents()
    return statistics.median(samples)


def _proxy_filter_baseline(app, rows) -> float:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
    from PySide6.QtWidgets import QTableView

    class Plain(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: N802
            return 0 if parent.isValid() else len(rows)

        def columnCount(self, parent=QModelIndex()):  # noqa: N802
            return 0 if parent.isValid() else 9

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return rows[index.row()][1] if role == Qt.ItemDataRole.DisplayRole else None

    class Proxy(QSortFilterProxyModel):
        wanted: set[str] | None = None

        def filterAcceptsRow(self, source_row, parent):  # noqa: N802
            return self.wanted is None or rows[source_row].role in self.wanted

    source, proxy = Plain(), Proxy()
    proxy.setSourceModel(source)
    table = QTableView()
    table.setModel(proxy)
    table.resize(1280, 800)
    table.show()
    app.processEvents()
    samples = []
    for wanted in ({"cadre"}, None, {"official"}, None, {"cadre", "official"}, None):
        start = time.perf_counter()
        proxy.wanted = wanted
        proxy.invalidateFilter()
        app.processEvents()
        samples.append(time.perf_counter() - start)
    table.close()
    table.deleteLater()
    app.processEvents()
    return statistics.median(samples)


BENCHMARKS = {
    "review_queue": bench_review_queue,
}
