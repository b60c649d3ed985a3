"""The fieldworker's home: who is working, on which database, and every interview, drafts first.

Search and filters live in the proxy model (`yingzao.ui.interview_list_model.InterviewFilter`); this
widget only wires controls to it, so the table is never rebuilt while the user types.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import YingzaoError
from yingzao.core.forms.library import Library
from yingzao.core.forms.roles import ROLES
from yingzao.core.store.database import Store
from yingzao.core.store.records import STATUSES, ListedInterview
from yingzao.ui import error_dialog
from yingzao.ui.home_widgets import CheckFilter, ElidedLabel
from yingzao.ui.i18n import Translator, add_strings, role_label
from yingzao.ui.interview_list_model import COL, InterviewFilter, InterviewListModel

add_strings(
    {
        "list.new_interview": ("新建访谈", "New interview"),
        "list.new_profile": ("新建社区概况", "New community profile"),
        "list.open": ("打开", "Open"),
        "list.search": ("搜索：社区、访员、角色、日期……", "Search: community, fieldworker, role, date…"),
        "list.filter_status": ("状态：{which}", "Status: {which}"),
        "list.filter_role": ("角色：{which}", "Role: {which}"),
        "list.filter_all": ("全部", "all"),
        "list.filter_none": ("无", "none"),
        "list.filter_show_all": ("全部显示", "Show all"),
        "list.filter_join": ("、", ", "),
        "list.filter_many": ("{n} 项", "{n} selected"),
        "list.user": ("{name} · {role}", "{name} · {role}"),
        "list.no_user": ("尚未设置姓名", "No name set yet"),
        "list.change_user": ("更改", "Change"),
        "list.database": ("数据库：{path}", "Database: {path}"),
        "list.count_all": ("共 {total} 份访谈", "{total} interviews"),
        "list.count_shown": ("显示 {shown} / {total} 份访谈", "Showing {shown} of {total} interviews"),
        "list.empty": ("还没有访谈。点击“新建访谈”开始。", "No interviews yet. Click “New interview” to start."),
        "list.no_match": ("没有符合搜索和筛选条件的访谈。", "No interview matches the search and filters."),
        "list.clear_filters": ("清除搜索和筛选", "Clear search and filters"),
        "list.shortcut_hint": ("Ctrl+N 新建 · Ctrl+F 搜索 · 回车打开", "Ctrl+N new · Ctrl+F search · Enter opens"),
    }
)


FIRST_ROWS = 200  # read at once: a few screens of the list


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_GREY = "color: #6b6b6b; font-size: 12px;"  # for pages opened later, which may use style sheets


def _look(widget: QWidget, *, pixels: int | None = None, colour: str | None = None) -> None:
    """Font size and text colour without a style sheet: the first style sheet of a run costs
    several milliseconds, which the start-up screen can do without."""
    if pixels is not None:
        font = widget.font()
        font.setPixelSize(pixels)
        widget.setFont(font)
    if colour is not None:
        palette = widget.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
        widget.setPalette(palette)


class HomeView(QWidget):
    open_requested = Signal(str)  # an interview id
    refreshed = Signal()  # the list was (re)read from the store

    def __init__(
        self,
        store: Store | None,
        library: Library | None,
        tr: Translator,
        parent: QWidget | None = None,
        *,
        load: bool = True,
    ) -> None:
        """Without a store (the main window's shell at start-up) the page stays empty until `attach`."""
        super().__init__(parent)
        self.store, self.library, self.tr = store, library, tr
        self._sized_for: str | None = None  # the language the columns were last fitted to
        if store is not None:
            self._build()
            if load:  # the main window loads the list just after its first paint instead
                self.refresh()

    def attach(self, store: Store, library: Library) -> None:
        """Build the page for this database; the caller reads the list (`refresh`)."""
        self.store, self.library = store, library
        self._build()

    def _build(self) -> None:
        tr = self.tr
        self.user_label = QLabel(self)
        self.user_label.setTextFormat(Qt.TextFormat.RichText)
        self.user_label.linkActivated.connect(lambda _link: self.change_identity())
        _look(self.user_label, pixels=15)
        self.database_label = ElidedLabel(self)
        _look(self.database_label, pixels=12, colour="#6b6b6b")

        self.new_button = QPushButton(self)
        self.new_button.setDefault(True)  # drawn as the main action of the page (a plain widget: Enter is not taken)
        self.new_button.clicked.connect(lambda: self.new_interview())
        self.profile_button = QPushButton(self)
        self.profile_button.clicked.connect(lambda: self.new_interview(profile=True))
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.open_selected)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.status_filter = CheckFilter(STATUSES, self)
        self.role_filter = CheckFilter(ROLES, self)

        tools = QHBoxLayout()
        tools.setSpacing(8)
        for button in (self.new_button, self.profile_button, self.open_button):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.search, 2)
        tools.addWidget(self.status_filter)
        tools.addWidget(self.role_filter)

        self.model = InterviewListModel(tr, self)
        self.proxy = InterviewFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keeps a protocol's version in view
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setResizeContentsPrecision(200)  # fit columns to a sample, not all 5,000 rows
        header.setSortIndicator(COL["status"], Qt.SortOrder.AscendingOrder)  # = drafts first, newest first
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_open_button())

        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        _look(self.empty_label, pixels=16, colour="#777777")
        self.empty_label.setContentsMargins(40, 40, 40, 40)
        self.empty_label.linkActivated.connect(lambda _link: self.clear_filters())
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.count_label = QLabel(self)
        _look(self.count_label, pixels=12, colour="#6b6b6b")
        self.hint_label = QLabel(self)
        _look(self.hint_label, pixels=12, colour="#6b6b6b")
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.hint_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(8)
        layout.addWidget(self.user_label)
        layout.addWidget(self.database_label)
        layout.addSpacing(6)
        layout.addLayout(tools)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)

        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._focus_table)
        self.status_filter.changed.connect(self._statuses_changed)
        self.role_filter.changed.connect(self._roles_changed)
        self.proxy.rowsInserted.connect(self._update_state)
        self.proxy.rowsRemoved.connect(self._update_state)
        self.proxy.modelReset.connect(self._update_state)
        self.proxy.layoutChanged.connect(self._update_state)
        self._shortcuts()
        tr.on_change(self.retranslate)
        self.retranslate()

    def _shortcuts(self) -> None:
        # window-wide while this page is visible; a hidden page's shortcuts do not fire
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, activated=lambda: self.new_interview())
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, activated=self.focus_search)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key), self.table, activated=self.open_selected, context=Qt.ShortcutContext.WidgetShortcut
            )
        QShortcut(
            QKeySequence(Qt.Key.Key_Down),
            self.search,
            activated=self._focus_table,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self.search,
            activated=self.search.clear,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

    # -- public ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the interviews again (after an interview was edited, merged or imported)."""
        keep = self.selected_id()
        # the rows on screen now; the rest when the list is scrolled to its end, searched, filtered
        # or sorted otherwise (see InterviewListModel): thousands of rows would delay the first screen
        interviews = self.store.listed_interviews(limit=FIRST_ROWS)
        self.model.reload(
            interviews,
            self.store.communities(),
            self._titles_of(interviews),
            rest=self._every_row,
            total=self.store.count_interviews(),
        )
        if keep is not None:
            self.select_interview(keep)
        self._update_header()
        if self._sized_for != self.tr.lang and interviews:
            self._fit_columns()
        self._update_state()
        self.refreshed.emit()

    def _every_row(self) -> tuple[list[ListedInterview], dict[str, Mapping[str, str]]]:
        interviews = self.store.listed_interviews()
        return interviews, self._titles_of(interviews)

    def _titles_of(self, interviews: list[ListedInterview]) -> dict[str, Mapping[str, str]]:
        # a protocol the store does not know has no title: the list falls back to its id
        return self.store.protocol_titles({i.protocol_sha256 for i in interviews})

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.interview_id(self.proxy.mapToSource(rows[0]).row())

    def select_interview(self, interview_id: str) -> bool:
        row = self.model.row_of(interview_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False  # filtered out
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def open_selected(self) -> None:
        interview_id = self.selected_id()
        if interview_id is not None:
            self.open_requested.emit(interview_id)

    def new_interview(self, *, profile: bool = False) -> str | None:
        """Ask for protocol and community, start the interview, and ask to open it; its id, or None."""
        if self.store.read_only:
            return None
        from yingzao.ui import new_interview_dialog

        choice = new_interview_dialog.choose_new_interview(self, self.store, self.library, self.tr, profile=profile)
        if choice is None:
            return None
        sha, community_id = choice
        try:
            new_id = self.store.start_interview(sha, community_id=community_id)
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return None
        self.clear_filters()
        self.refresh()
        self.select_interview(new_id)
        self.open_requested.emit(new_id)
        return new_id

    def change_identity(self) -> bool:
        from yingzao.ui import first_run_dialog

        if self.store.read_only:
            return False

        changed = first_run_dialog.ask_identity(self, self.store, self.tr)
        if changed:
            self._update_header()
        return changed

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_filters(self) -> None:
        self.search.clear()
        self.status_filter.select_all()
        self.role_filter.select_all()

    # -- reacting ----------------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_state()

    def _statuses_changed(self, statuses) -> None:
        self.proxy.set_statuses(statuses)
        self._update_state()

    def _roles_changed(self, roles) -> None:
        self.proxy.set_roles(roles)
        self._update_state()

    def _focus_table(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)

    def _update_open_button(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    def _update_state(self, *_args) -> None:
        total = self.model.total()
        shown = self.proxy.rowCount() if self.proxy.filtering else total  # filtering reads every row first
        tr = self.tr
        if total == 0:
            self.empty_label.setText(_escape(tr("list.empty")))
        elif shown == 0:
            self.empty_label.setText(
                f"{_escape(tr('list.no_match'))}<br><br><a href='#clear'>{_escape(tr('list.clear_filters'))}</a>"
            )
        self.stack.setCurrentWidget(self.table if shown else self.empty_label)
        self.count_label.setText(
            tr("list.count_all", total=total) if shown == total else tr("list.count_shown", shown=shown, total=total)
        )
        self._update_open_button()

    def _update_header(self) -> None:
        tr = self.tr
        name = self.store.get_setting("user_name") or ""
        role = role_label(tr, self.store.get_setting("user_role"))
        who = tr("list.user", name=name, role=role) if name else tr("list.no_user")
        change = (
            ""
            if self.store.read_only
            # who records nothing in a read-only window
            else (f"&nbsp;&nbsp;<a href='#change' style='font-size: 12px;'>{_escape(tr('list.change_user'))}</a>")
        )
        self.user_label.setText(f"<b>{_escape(who)}</b>{change}")
        self.database_label.set_full_text(tr("list.database", path=self.store.path))
        for button in (self.new_button, self.profile_button):
            button.setEnabled(not self.store.read_only)

    def _fit_columns(self) -> None:
        # measure the header and the first rows with the font: resizeColumnsToContents() would
        # compose and lay out every row, which is most of the start-up time with 5,000 interviews
        header = self.table.horizontalHeader()
        metrics, header_metrics = self.table.fontMetrics(), header.fontMetrics()
        sample = range(min(self.model.rowCount(), 60))
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            # each distinct text measured once: a status, a role, a community repeat down the sample
            texts = {self.model.text(row, column) for row in sample}
            widest = max([header_metrics.horizontalAdvance(title) + 24] + [metrics.horizontalAdvance(t) for t in texts])
            header.resizeSection(column, min(widest + 16, 220))
        if self._sized_for is None:
            # from now on the protocol column follows the table's width, through the header, which
            # spans the table's viewport: not viewport() itself, whose first call costs tens of ms
            # (PySide6 looks up the type of the widget Qt made, creating enum types on the way)
            header.installEventFilter(self)
        self._sized_for = self.tr.lang
        self._fit_protocol_column()

    def _fit_protocol_column(self) -> None:
        """The protocol column takes what the others leave (it elides in the middle, keeping the version)."""
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(self.model.columnCount()) if c != COL["protocol"])
        header.resizeSection(COL["protocol"], max(140, header.width() - others))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table.horizontalHeader() and event.type() == QEvent.Type.Resize and self._sized_for:
            self._fit_protocol_column()
        return super().eventFilter(watched, event)

    def retranslate(self) -> None:
        tr = self.tr
        self.new_button.setText(tr("list.new_interview"))
        self.profile_button.setText(tr("list.new_profile"))
        self.open_button.setText(tr("list.open"))
        self.search.setPlaceholderText(tr("list.search"))
        words = (
            tr("list.filter_all"),
            tr("list.filter_none"),
            tr("list.filter_show_all"),
            tr("list.filter_join"),
            tr("list.filter_many", n="{n}"),
        )
        self.status_filter.retranslate(
            tr("list.filter_status", which="{which}"), {s: tr(f"status.{s}") for s in STATUSES}, *words
        )
        self.role_filter.retranslate(
            tr("list.filter_role", which="{which}"), {r: tr(f"role.{r}") for r in ROLES}, *words
        )
        self.hint_label.setText(tr("list.shortcut_hint"))
        self.model.retranslate()
        self._update_header()
        if self.model.rowCount():
            self._fit_columns()
        self._update_state()
