"""The supervisor's review page: the queue of finalised interviews with filters and quality flags,
one interview under review, and the progress dashboard, one at a time.

Open it as a page of the main window (`ReviewView(store, library, tr, parent)`; it emits `closed`).
Filtering and sorting happen in the queue model (`ui.review_model`); quality flags load from their
cache at once and are recomputed off the UI thread when the data changed since.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import YingzaoError, expression_unreadable
from yingzao.core.forms.expr import ExpressionError
from yingzao.core.forms.library import Library
from yingzao.core.forms.protocol import ROLES, Protocol
from yingzao.core.review import decisions as review
from yingzao.core.review import quality
from yingzao.core.review.queue import FLAG_CHOICES, QueueFilter, load_rows
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.background import Job
from yingzao.ui.home_widgets import CheckFilter
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.review_model import COL, ReviewQueueModel, flag_word, status_word

add_strings(
    {
        "review.title": ("审核队列", "Review queue"),
        "review.back": ("返回", "Back"),
        "review.dashboard": ("进度看板", "Progress dashboard"),
        "review.send": ("把审核结果发给访员…", "Send to fieldworker…"),
        "review.refresh": ("刷新", "Refresh"),
        "review.open": ("审核所选", "Review selected"),
        "review.filter.statuses": ("状态：{which}", "Status: {which}"),
        "review.filter.fieldworkers": ("访员：{which}", "Fieldworker: {which}"),
        "review.filter.communities": ("社区：{which}", "Community: {which}"),
        "review.filter.roles": ("角色：{which}", "Role: {which}"),
        "review.filter.protocols": ("提纲：{which}", "Protocol: {which}"),
        "review.filter.flags": ("质量提示：{which}", "Flags: {which}"),
        "review.clear": ("清除筛选", "Clear filters"),
        "review.filter_all": ("全部", "all"),
        "review.filter_none": ("无", "none"),
        "review.filter_show_all": ("全部显示", "Show all"),
        "review.filter_join": ("、", ", "),
        "review.filter_many": ("{n} 项", "{n} selected"),
        "review.counts": (
            "待审核 {completed} · 已通过 {approved} · 已退回 {rejected} · 有质量提示 {flagged}"
            "　　显示 {shown} / {total} 份",
            "To review {completed} · approved {approved} · sent back {rejected} · flagged {flagged}"
            "    showing {shown} of {total}",
        ),
        "review.flags_working": ("正在更新质量提示……", "Updating the quality flags…"),
        "review.flags_ready": ("质量提示已是最新。", "Quality flags are up to date."),
        "review.flags_failed": ("质量提示未能更新：{message}", "The quality flags could not be updated: {message}"),
        "review.empty": (
            "还没有完成的访谈。请先用“数据 → 合并数据包…”合并访员导出的数据。",
            "No finalised interviews yet. Merge the fieldworkers' packages first (Data → Merge sessions…).",
        ),
        "review.no_match": ("没有符合筛选条件的访谈。", "No interview matches the filters."),
        "review.not_supervisor": (
            "您可以查看队列和进度；只有持有项目督导密钥的人可以批注、通过或退回（在“我的身份”中改角色不会带来权限）。"
            "要成为督导：“文件 → 项目 → 导出我的公钥…”，把公钥卡片交给研究者，再打开他给的新项目文件。",
            "You can look at the queue and the progress; only a holder of a supervisor key of the project can "
            "comment, approve or send back (changing your role in My identity grants nothing). To become one: "
            "File → Project → Export my public key…, give the key card to the researcher, then open the new "
            "project file they give you.",
        ),
        "review.hint": ("双击或回车审核所选访谈", "Double-click or Enter to review an interview"),
    }
)

_GREY = "color: #6b6b6b; font-size: 12px;"
_FILTERS = ("statuses", "fieldworkers", "communities", "roles", "protocols", "flags")


class ValuesFilter(CheckFilter):
    """A check-box filter whose values come from the data (fieldworkers, communities, protocols)."""

    def set_values(self, values: list[str], labels: dict[str, str], show_all: str) -> None:
        unchecked = {v for v, action in self.actions_.items() if not action.isChecked()}
        if list(self.actions_) == values:
            return
        self.menu_.clear()
        self.actions_ = {}
        for value in values:
            action = QAction(labels.get(value, value), self.menu_, checkable=True, checked=value not in unchecked)
            action.toggled.connect(self._emit)
            self.actions_[value] = action
            self.menu_.addAction(action)
        self.menu_.addSeparator()
        self.show_all = QAction(show_all, self.menu_)
        self.show_all.triggered.connect(self.select_all)
        self.menu_.addAction(self.show_all)
        self._update_text()


class ReviewView(QWidget):
    closed = Signal()

    def __init__(self, store: Store, library: Library, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.library, self.tr = store, library, tr
        self.flag_job: Job | None = None
        self.interview_page = None
        self.dashboard = None
        self._titles: dict[str, dict[str, str]] = {}
        self._sized_for: str | None = None
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.queue_page = QWidget(self.stack)
        self.stack.addWidget(self.queue_page)
        self._build_queue(self.queue_page)
        tr.on_change(self.retranslate)
        self.retranslate()
        self.refresh()

    def _build_queue(self, page: QWidget) -> None:
        self.back_button = QPushButton(page)
        self.back_button.clicked.connect(self.close_view)
        self.title = QLabel(page)
        self.title.setStyleSheet("font-size: 17px; font-weight: 700;")
        self.open_button = QPushButton(page)
        self.open_button.clicked.connect(self.open_selected)
        self.dashboard_button = QPushButton(page)
        self.dashboard_button.clicked.connect(self.show_dashboard)
        self.send_button = QPushButton(page)
        self.send_button.clicked.connect(self.send_to_fieldworker)
        self.refresh_button = QPushButton(page)
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(8)
        top.addWidget(self.title)
        top.addStretch(1)
        for button in (self.open_button, self.dashboard_button, self.send_button, self.refresh_button):
            top.addWidget(button)
        self.notice = QLabel(page)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fdf3d8; color: #6d5200; padding: 6px; border-radius: 3px;")
        self.filters = {
            "statuses": CheckFilter(review.REVIEWABLE, page),
            "fieldworkers": ValuesFilter((), page),
            "communities": ValuesFilter((), page),
            "roles": CheckFilter(ROLES, page),
            "protocols": ValuesFilter((), page),
            "flags": CheckFilter(FLAG_CHOICES, page),
        }
        self.filters["statuses"].set_checked({"completed"})
        row = QHBoxLayout()
        row.setSpacing(6)
        for name, widget in self.filters.items():
            widget.changed.connect(lambda checked, name=name: self._filter_changed(name, checked))
            row.addWidget(widget)
        self.clear_button = QPushButton(page)
        self.clear_button.setFlat(True)
        self.clear_button.clicked.connect(self.clear_filters)
        row.addWidget(self.clear_button)
        row.addStretch(1)

        self.model = ReviewQueueModel(self.tr, self)
        self.table = QTableView(page)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL["flags"], QHeaderView.ResizeMode.Stretch)  # flags read best in full
        header.setSortIndicator(COL["ended"], Qt.SortOrder.AscendingOrder)  # oldest first: a queue
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key), self.table, activated=self.open_selected, context=Qt.ShortcutContext.WidgetShortcut
            )
        self.empty_label = QLabel(page)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #777; font-size: 16px; padding: 40px;")
        self.empty_label.linkActivated.connect(lambda _link: self.clear_filters())
        self.table_stack = QStackedWidget(page)
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty_label)
        self.count_label = QLabel(page)
        self.count_label.setStyleSheet(_GREY)
        self.flags_label = QLabel(page)
        self.flags_label.setStyleSheet(_GREY)
        self.hint_label = QLabel(page)
        self.hint_label.setStyleSheet(_GREY)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.flags_label)
        footer.addSpacing(16)
        footer.addWidget(self.hint_label)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(20, 14, 20, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addLayout(row)
        layout.addWidget(self.table_stack, 1)
        layout.addLayout(footer)

    def _apply_role(self) -> None:
        """Review actions are for supervisors (the role may have changed in My identity…)."""
        supervisor = review.is_supervisor(self.store)
        self.send_button.setVisible(supervisor and not self.store.read_only)  # sending records what was sent
        self.notice.setVisible(not supervisor)
        self.notice.setText(self.tr("review.not_supervisor"))

    # -- the queue -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the interviews and cached flags again; recompute the flags in the background if stale."""
        keep = self.selected_id()
        self._apply_role()
        self._titles = _protocol_titles(self.store)
        self.model.reload(load_rows(self.store), self.store.communities(), self._titles)
        self._update_filter_values()
        self._restore(keep)
        if self._sized_for != self.tr.lang:
            self._fit_columns()  # an empty queue too: its headers must not be cut either
        self._update_state()
        self.start_flag_update()

    def start_flag_update(self) -> bool:
        """Recompute the quality flags off the UI thread if the data changed since they were cached."""
        if self.flag_job is not None or self.store.read_only or not quality.is_stale(self.store):
            # read-only (another window has the database): the flags that window cached are shown
            return False
        path = self.store.path

        def work(job: Job) -> Job:
            with Store(path) as store:  # this thread's own connection
                quality.refresh_flags(store, cancelled=job.cancelled)
            return job

        self.flag_job = Job(work)
        self.flag_job.succeeded.connect(self._flags_updated)  # bound to this widget: runs on the UI thread
        self.flag_job.failed.connect(self._flags_failed)
        self._show_flags_state("working")
        self.flag_job.start()
        return True

    def _flags_updated(self, job: Job) -> None:
        if job is not self.flag_job:
            return  # queued before shutdown(): the store it would read may be closed
        self._end_flag_job()
        keep = self.selected_id()
        self.model.set_flags(quality.cached_flags(self.store))
        self._restore(keep)
        self._show_flags_state("ready")
        self._update_state()
        page = self.interview_page
        if page is not None and quality.flags_of(self.store, page.interview_id) != page.flags:
            page.reload()
        self.start_flag_update()  # changed again meanwhile?

    def _flags_failed(self, error: YingzaoError) -> None:
        if self.flag_job is None:
            return
        self._end_flag_job()
        self._show_flags_state("failed", error)

    def _end_flag_job(self) -> None:
        if self.flag_job is not None:
            self.flag_job.wait()
        self.flag_job = None

    def _filter_changed(self, name: str, checked) -> None:
        keep = self.selected_id()
        self.model.set_filter(**{name: checked})
        self._restore(keep)
        self._update_state()

    def clear_filters(self) -> None:
        for name, widget in self.filters.items():
            widget.blockSignals(True)
            if name == "statuses":
                widget.set_checked({"completed"})
            else:
                widget.select_all()
            widget.blockSignals(False)
        self.model.set_filter(QueueFilter())
        self._update_state()

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.interview_id(rows[0].row()) if rows else None

    def select_interview(self, interview_id: str) -> bool:
        row = self.model.row_of(interview_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _restore(self, interview_id: str | None) -> None:
        if interview_id is not None:
            self.select_interview(interview_id)

    def _update_filter_values(self) -> None:
        queue, tr = self.model.queue, self.tr
        all_word = tr("review.filter_show_all")
        self.filters["fieldworkers"].set_values(queue.values("fieldworkers"), {}, all_word)
        communities = queue.values("communities")
        self.filters["communities"].set_values(
            communities, {c: self.model.community_name(c) for c in communities}, all_word
        )
        protocols = queue.values("protocols")
        self.filters["protocols"].set_values(protocols, {p: self.model.protocol_title(p) for p in protocols}, all_word)
        self._retranslate_filters()

    def _update_state(self, *_args) -> None:
        counts = self.model.queue.counts()
        total = self.model.queue.total
        self.count_label.setText(self.tr("review.counts", total=total, **counts))
        if total == 0:
            self.empty_label.setText(html.escape(self.tr("review.empty")))
        elif counts["shown"] == 0:
            self.empty_label.setText(
                f"{html.escape(self.tr('review.no_match'))}<br><br>"
                f"<a href='#clear'>{html.escape(self.tr('review.clear'))}</a>"
            )
        self.table_stack.setCurrentWidget(self.table if counts["shown"] else self.empty_label)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        metrics, header_metrics = self.table.fontMetrics(), header.fontMetrics()
        sample = range(min(self.model.rowCount(), 60))
        for column in range(self.model.columnCount()):
            if column == COL["flags"]:
                continue
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            # the style's own size for the header (margins and the sort arrow) is the least a column gets
            needed = max(header.sectionSizeHint(column), header_metrics.horizontalAdvance(title) + 40)
            widest = max([metrics.horizontalAdvance(self.model.text(row, column)) + 16 for row in sample] + [0])
            header.resizeSection(column, max(needed, min(widest, 260)))
        if self.model.rowCount():  # fitted to rows, not only to the headers of an empty queue
            self._sized_for = self.tr.lang

    # -- pages -----------------------------------------------------------------------------------

    def open_selected(self) -> None:
        interview_id = self.selected_id()
        if interview_id is not None:
            self.open_interview(interview_id)

    def open_interview(self, interview_id: str):
        from yingzao.ui.review_interview import ReviewInterviewView

        self._close_interview()
        row = self.model.queue.get(interview_id)
        community = self.model.community_name(row.community_id) if row else ""
        try:
            page = ReviewInterviewView(self.store, interview_id, self.tr, community_name=community, parent=self.stack)
        except (YingzaoError, ExpressionError) as error:  # an expression of a damaged protocol, not caught there
            error_dialog.show_error(
                self, self.tr, error if isinstance(error, YingzaoError) else expression_unreadable(error.text)
            )
            return None
        page.closed.connect(self.show_queue)
        page.changed.connect(self._interview_changed)
        self.interview_page = page
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        return page

    def _interview_changed(self, interview_id: str) -> None:
        rows = load_rows(self.store, ids=[interview_id])
        if rows:
            self.model.update_row(rows[0])
        self._restore(interview_id)
        self._update_state()
        self.start_flag_update()

    def show_queue(self) -> None:
        self._close_interview()
        self.stack.setCurrentWidget(self.queue_page)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _close_interview(self) -> None:
        page, self.interview_page = self.interview_page, None
        if page is not None:
            keep = page.interview_id
            self.stack.removeWidget(page)
            page.deleteLater()
            self._restore(keep)

    def show_dashboard(self):
        from yingzao.ui.dashboard import DashboardView

        if self.dashboard is None:
            self.dashboard = DashboardView(self.store, self.library.codebook, self.tr, self.stack)
            self.dashboard.closed.connect(self.show_queue)
            self.stack.addWidget(self.dashboard)
        else:
            self.dashboard.refresh()
        self.stack.setCurrentWidget(self.dashboard)
        return self.dashboard

    def send_to_fieldworker(self) -> None:
        from yingzao.ui.review_send_dialog import open_review_send_dialog

        row = self.model.queue.get(self.selected_id() or "")
        open_review_send_dialog(self, self.store.path, self.tr, fieldworker=row.fieldworker if row else None)
        if self.interview_page is not None:
            self.interview_page.reload()  # a comment box closes once the interview was sent back

    def close_view(self) -> None:
        self.shutdown()
        self.closed.emit()

    def shutdown(self) -> None:
        """Stop background work (the flags are recomputed next time)."""
        if self.flag_job is not None:
            self.flag_job.cancel()
            self._end_flag_job()
        if self.dashboard is not None:
            self.dashboard.shutdown()

    # -- words -----------------------------------------------------------------------------------

    def _show_flags_state(self, state: str, error: YingzaoError | None = None) -> None:
        """Kept as a state, not a text, so it follows a language switch ("质量提示已是最新。")."""
        self._flags_state = (state, error)
        if state == "failed" and error is not None:
            self.flags_label.setText(self.tr("review.flags_failed", message=error.message))
        elif state:
            self.flags_label.setText(self.tr(f"review.flags_{state}"))
        else:
            self.flags_label.setText("")

    def retranslate(self) -> None:
        tr = self.tr
        self._show_flags_state(*getattr(self, "_flags_state", ("", None)))
        self.back_button.setText("← " + tr("review.back"))
        self.title.setText(tr("review.title"))
        self.open_button.setText(tr("review.open"))
        self.dashboard_button.setText(tr("review.dashboard"))
        self.send_button.setText(tr("review.send"))
        self.refresh_button.setText(tr("review.refresh"))
        self.clear_button.setText(tr("review.clear"))
        self.hint_label.setText(tr("review.hint"))
        self._apply_role()
        self.model.retranslate()
        self._retranslate_filters()
        self._fit_columns()
        self._update_state()

    def _retranslate_filters(self) -> None:
        tr, model = self.tr, self.model
        words = (
            tr("review.filter_all"),
            tr("review.filter_none"),
            tr("review.filter_show_all"),
            tr("review.filter_join"),
            tr("review.filter_many", n="{n}"),
        )
        labels = {
            "statuses": {s: status_word(tr, s) for s in review.REVIEWABLE},
            "fieldworkers": {f: f or "—" for f in self.filters["fieldworkers"].actions_},
            "communities": {c: model.community_name(c) for c in self.filters["communities"].actions_},
            "roles": {r: tr(f"role.{r}") for r in ROLES},
            "protocols": {p: model.protocol_title(p) for p in self.filters["protocols"].actions_},
            "flags": {f: flag_word(tr, f) for f in FLAG_CHOICES},
        }
        for name, widget in self.filters.items():
            widget.retranslate(tr(f"review.filter.{name}", which="{which}"), labels[name], *words)


def _protocol_titles(store: Store) -> dict[str, dict[str, str]]:
    """protocol id -> its titles by language (of its latest version in this database)."""
    titles: dict[str, dict[str, str]] = {}
    for entry in store.protocol_versions():
        try:
            protocol: Protocol = store.protocol(entry["sha256"])
        except YingzaoError:
            continue
        titles[entry["form_id"]] = dict(protocol.titles)
    return titles


def open_review(window) -> ReviewView | None:
    """Show the review page in the main window (menu Review → Review queue…). The interview on screen
    is saved and closed first; Back returns to the home list, read again."""
    if not window.close_interview():
        return getattr(window, "review_view", None)
    view = getattr(window, "review_view", None)
    if view is None:
        view = ReviewView(window.store, window.library, window.tr, window.stack)

        def back() -> None:
            window.stack.setCurrentWidget(window.home)
            window.home.refresh()

        view.closed.connect(back)
        window.stack.addWidget(view)
        window.review_view = view
    else:
        view.refresh()
    window.stack.setCurrentWidget(view)
    return view
