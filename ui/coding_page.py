"""The coding page (Analysis → Code interviews…): the interviews on the left with their coding
progress, the interview as a readable document in the middle, the codebook and memos on the right.

Select text (mouse or keyboard) and click a code, double-click it, press its digit (1–9) or filter
by typing and press Enter. Right-click a coded span to remove it, change its code, write its memo,
pin it as a key quote or, in an interview that discussed several communities, attribute it to some of
them. Every action is saved at once through core/coding and can be undone and
redone (Ctrl+Z / Ctrl+Shift+Z) for the whole session.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.coding import codebook as core_codebook
from yingzao.core.coding import codings as core
from yingzao.core.coding import search as core_search
from yingzao.core.coding import suggestions as core_suggestions
from yingzao.core.coding.codebook import ResearchCodebook, research_codebook
from yingzao.core.coding.codings import Span
from yingzao.core.coding.overview import InterviewCoding, all_code_counts, code_counts, interview_coding, overview
from yingzao.core.coding.search import Hit
from yingzao.core.errors import YingzaoError
from yingzao.core.forms import answer_keys
from yingzao.core.forms.library import Library
from yingzao.core.forms.protocol import ROLES
from yingzao.core.store.codings import Coding
from yingzao.core.store.database import Store
from yingzao.core.store.records import Interview
from yingzao.ui import error_dialog
from yingzao.ui.codebook_panel import CodebookPanel, NewCodeDialog
from yingzao.ui.coding_attribution import AttributionDialog
from yingzao.ui.coding_commands import (
    Step,
    attributing,
    memo_setting,
    pinning,
    recoding,
    rejecting,
    removal_of,
    restoring,
)
from yingzao.ui.coding_document import CodingDocument
from yingzao.ui.coding_memos import MemoListDialog, MemoPane
from yingzao.ui.coding_search import SearchDialog
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "coding.title": ("编码访谈", "Code interviews"),
        "coding.back": ("返回", "Back"),
        "coding.search": ("搜索…", "Search…"),
        "coding.matrix": ("矩阵…", "Matrix…"),
        "coding.compare": ("比较编码者…", "Compare coders…"),
        "coding.memos": ("全部备忘…", "All memos…"),
        "coding.undo": ("撤销", "Undo"),
        "coding.redo": ("重做", "Redo"),
        "coding.accept_all": ("接受本访谈全部建议", "Accept all suggestions here"),
        "coding.filter.community": ("社区", "Community"),
        "coding.filter.role": ("角色", "Role"),
        "coding.filter.protocol": ("提纲", "Protocol"),
        "coding.filter.coder": ("编码者", "Coder"),
        "coding.filter.all": ("全部", "All"),
        "coding.filter.uncoded": ("有未编码的回答", "Has uncoded answers"),
        "coding.filter.suggestions": ("有待审的建议", "Has suggestions to review"),
        "coding.list.interview": ("访谈", "Interview"),
        "coding.list.progress": ("已编码", "Coded"),
        "coding.list.suggestions": ("建议", "Suggested"),
        "coding.list.count": ("{shown} / {total} 份访谈", "{shown} of {total} interviews"),
        "coding.progress": ("{coded}/{answers}", "{coded}/{answers}"),
        "coding.no_community": ("（无社区）", "(no community)"),
        "coding.pick": ("请在左侧选择一份访谈。", "Choose an interview on the left."),
        "coding.select_first": (
            "先在访谈中选中要编码的文字（鼠标拖选或 Shift+方向键）。",
            "First select the text to code in the interview (drag, or Shift+arrow keys).",
        ),
        "coding.read_only": ("只读：不能编码。", "Read-only: coding is off."),
        "coding.saved": ("已保存：{what}", "Saved: {what}"),
        "coding.step.apply": ("编码 {code}", "Code {code}"),
        "coding.step.remove": ("移除编码 {code}", "Remove coding {code}"),
        "coding.step.recode": ("改为 {code}", "Change to {code}"),
        "coding.step.memo": ("片段备忘", "Coding memo"),
        "coding.step.pin": ("关键引语", "Key quote"),
        "coding.step.attribute": ("归属社区", "Attribute to communities"),
        "coding.step.accept": ("接受建议 {code}", "Accept suggestion {code}"),
        "coding.step.narrow": ("缩小建议 {code}", "Narrow suggestion {code}"),
        "coding.step.reject": ("拒绝建议 {code}", "Reject suggestion {code}"),
        "coding.step.accept_all": ("接受全部建议", "Accept all suggestions"),
        "coding.step.code_all": ("为 {n} 处搜索结果编码 {code}", "Code {n} search hits {code}"),
        "coding.menu.remove": ("移除此编码", "Remove this coding"),
        "coding.menu.recode": ("改为其他编码…", "Change code…"),
        "coding.menu.memo": ("片段备忘…", "Memo…"),
        "coding.menu.pin": ("设为关键引语", "Pin as key quote"),
        "coding.menu.pin_for": ("设为 {community} 的关键引语", "Pin as key quote for {community}"),
        "coding.menu.unpin": ("取消关键引语", "Unpin key quote"),
        "coding.menu.attribute": ("归属社区…", "Attribute to communities…"),
        "coding.menu.copy": ("复制", "Copy"),
        "coding.recode.title": ("改为其他编码", "Change code"),
        "coding.recode.label": ("新编码：", "New code:"),
        "coding.rename.zh": ("中文名称：", "Chinese label:"),
        "coding.rename.en": ("英文名称：", "English label:"),
        "coding.merge.choose": ("合并到：", "Merge into:"),
        "coding.narrow_first": (
            "先在这条回答中选中要保留的部分，再点“缩小到所选”。",
            "First select the part of this answer to keep, then click “narrow to selection”.",
        ),
    }
)

QUICK_KEYS = "coding_quick_codes"  # setting: the codes on the digit keys 1–9 (a JSON list)


class CodingPage(QWidget):
    closed = Signal()
    changed = Signal()  # after any saved change (other views may refresh)

    def __init__(self, store: Store, library: Library, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.library, self.tr = store, library, tr
        self.book: ResearchCodebook = research_codebook(store, library.codebook)
        self.interview_id: str | None = None
        self.interview: Interview | None = None
        self.codings: list[Coding] = []
        self.suggestions: list[core_suggestions.Suggestion] = []
        self.rows: dict[str, InterviewCoding] = {}
        self.all_counts: Counter[str] = Counter()
        self.communities: dict[str, str] = {}
        self.undo_stack = QUndoStack(self)
        self.search_dialog: SearchDialog | None = None
        self.attribution_dialog: AttributionDialog | None = None
        self._last_selection: Span | None = None
        self._build()
        tr.on_change(self.retranslate)
        self.retranslate()
        self.refresh()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.back_button = QPushButton(self)
        self.back_button.clicked.connect(self.close_page)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 17px; font-weight: 700;")
        self.search_button = QPushButton(self)
        self.search_button.clicked.connect(self.open_search)
        self.accept_all_button = QPushButton(self)
        self.accept_all_button.clicked.connect(self.accept_all)
        self.undo_button = QPushButton(self)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button = QPushButton(self)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.matrix_button = QPushButton(self)
        self.matrix_button.clicked.connect(self.open_matrix)
        self.compare_button = QPushButton(self)
        self.compare_button.clicked.connect(self.open_compare)
        self.memos_button = QPushButton(self)
        self.memos_button.clicked.connect(self.open_memo_list)
        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addWidget(self.title)
        bar.addStretch(1)
        for button in (
            self.undo_button,
            self.redo_button,
            self.accept_all_button,
            self.search_button,
            self.matrix_button,
            self.compare_button,
            self.memos_button,
        ):
            bar.addWidget(button)
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #6b6b6b;")

        # left: the interviews
        left = QWidget(self)
        self.filter_labels: dict[str, QLabel] = {}
        self.filters: dict[str, QComboBox] = {}
        filters = QVBoxLayout()
        for name in ("community", "role", "protocol", "coder"):
            row = QHBoxLayout()
            label = QLabel(left)
            box = QComboBox(left)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
            box.currentIndexChanged.connect(lambda _i: self.apply_filters())
            row.addWidget(label)
            row.addWidget(box, 1)
            filters.addLayout(row)
            self.filter_labels[name], self.filters[name] = label, box
        self.uncoded_check = QCheckBox(left)
        self.suggested_check = QCheckBox(left)
        for check in (self.uncoded_check, self.suggested_check):
            check.toggled.connect(lambda _on: self.apply_filters())
            filters.addWidget(check)
        self.list = QTableWidget(0, 3, left)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.verticalHeader().hide()
        self.list.setWordWrap(False)
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemSelectionChanged.connect(self._list_selection)
        self.list_count = QLabel(left)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.list_count)

        # middle: the document
        self.document = CodingDocument(self.tr, self)
        self.document.book = self.book
        self.document.suggestion_link.connect(self._suggestion_link)
        self.document.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.document.customContextMenuRequested.connect(self._context_menu)
        self.document.selectionChanged.connect(self._remember_selection)
        self.digit_shortcuts = []
        for digit in range(1, 10):
            shortcut = QShortcut(QKeySequence(str(digit)), self.document, context=Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda digit=digit: self.code_with_key(digit))
            self.digit_shortcuts.append(shortcut)

        # right: codebook and memos
        self.codebook = CodebookPanel(self.tr, self)
        self.codebook.code_chosen.connect(self.code_selection)
        self.codebook.code_clicked.connect(self._code_clicked)
        self.codebook.current_code_changed.connect(self._code_current)
        self.codebook.new_code_requested.connect(self.new_code)
        self.codebook.rename_requested.connect(self.rename_code)
        self.codebook.merge_requested.connect(self.merge_code)
        self.codebook.retire_requested.connect(self.retire_code)
        self.codebook.colour_requested.connect(self.colour_code)
        self.codebook.key_requested.connect(self.set_key)
        self.memo_pane = MemoPane(self.store, lambda: self.book, self.tr, self)
        self.memo_pane.coding_memo_requested.connect(self.set_coding_memo)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.codebook)
        right.addWidget(self.memo_pane)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.document)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([300, 640, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)

        self.undo_action = QAction(self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.redo_action = QAction(self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.redo_action.triggered.connect(self.undo_stack.redo)
        self.search_action = QAction(self)
        self.search_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.search_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.search_action.triggered.connect(self.open_search)
        for action in (self.undo_action, self.redo_action, self.search_action):
            self.addAction(action)

    # -- the list of interviews ----------------------------------------------------------------

    def refresh(self) -> None:
        """Read the interviews, their progress and the counts again (the page opened, a merge)."""
        self.book = research_codebook(self.store, self.library.codebook)
        self.document.book = self.book
        self.communities = {c.id: c.name for c in self.store.communities()}
        self.rows = {row.interview.id: row for row in overview(self.store, self.book)}
        self.all_counts = all_code_counts(self.store)
        self.codebook.set_book(self.book, self.quick_keys())
        self._fill_filter_values()
        self.apply_filters()
        if self.interview_id is not None and self.interview_id in self.rows:
            self.show_interview(self.interview_id)
        else:
            self._show_counts()

    def _fill_filter_values(self) -> None:
        rows = list(self.rows.values())
        titles = {}
        for protocol in self.library.protocols:
            titles[protocol.form_id] = protocol.title(self.tr.lang)
        values = {
            "community": sorted({r.interview.community_id or "" for r in rows}),
            "role": [role for role in ROLES if any(r.interview.respondent_role == role for r in rows)],
            "protocol": sorted({r.interview.protocol_id for r in rows}),
            "coder": sorted({coder for r in rows for coder in r.coders}),
        }
        labels = {
            "community": lambda v: self.communities.get(v, v) if v else self.tr("coding.no_community"),
            "role": lambda v: self.tr(f"role.{v}") if v in ROLES else v,
            "protocol": lambda v: titles.get(v, v),
            "coder": lambda v: v,
        }
        for name, box in self.filters.items():
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr("coding.filter.all"), None)
            for value in values[name]:
                box.addItem(labels[name](value), value)
            index = box.findData(chosen) if chosen is not None else 0
            box.setCurrentIndex(max(0, index))
            box.blockSignals(False)

    def visible_rows(self) -> list[InterviewCoding]:
        wanted = {name: box.currentData() for name, box in self.filters.items()}
        shown = []
        for row in self.rows.values():
            interview = row.interview
            if wanted["community"] is not None and (interview.community_id or "") != wanted["community"]:
                continue
            if wanted["role"] is not None and interview.respondent_role != wanted["role"]:
                continue
            if wanted["protocol"] is not None and interview.protocol_id != wanted["protocol"]:
                continue
            if wanted["coder"] is not None and wanted["coder"] not in row.coders:
                continue
            if self.uncoded_check.isChecked() and not row.uncoded:
                continue
            if self.suggested_check.isChecked() and not row.suggestions:
                continue
            shown.append(row)
        return shown

    def apply_filters(self) -> None:
        rows = self.visible_rows()
        self.list.blockSignals(True)
        self.list.setRowCount(len(rows))
        for index, row in enumerate(rows):
            self._fill_row(index, row)
        self.list.blockSignals(False)
        self.list_count.setText(self.tr("coding.list.count", shown=len(rows), total=len(self.rows)))
        self._select_in_list(self.interview_id)

    def _fill_row(self, index: int, row: InterviewCoding) -> None:
        name = QTableWidgetItem(self.interview_label(row.interview))
        name.setData(Qt.ItemDataRole.UserRole, row.interview.id)
        name.setToolTip(name.text())
        progress = QTableWidgetItem(self.tr("coding.progress", coded=row.coded, answers=row.answers))
        if row.answers and row.coded >= row.answers:
            progress.setForeground(QColor("#2b7a3d"))
        suggested = QTableWidgetItem(str(row.suggestions) if row.suggestions else "")
        for column, item in enumerate((name, progress, suggested)):
            self.list.setItem(index, column, item)

    def interview_label(self, interview: Interview) -> str:
        community = (
            self.communities.get(interview.community_id, interview.community_id)
            if interview.community_id
            else self.tr("coding.no_community")
        )
        role = self.tr(f"role.{interview.respondent_role}") if interview.respondent_role in ROLES else ""
        # a form from ODK or Kobo names none of the study's roles: no empty part in the label
        return " · ".join(p for p in (community, role, interview.fieldworker, interview.started_at[:10]) if p)

    def _select_in_list(self, interview_id: str | None) -> None:
        self.list.blockSignals(True)
        self.list.clearSelection()
        for index in range(self.list.rowCount()):
            if self.list.item(index, 0).data(Qt.ItemDataRole.UserRole) == interview_id:
                self.list.selectRow(index)
                self.list.scrollToItem(self.list.item(index, 0))
                break
        self.list.blockSignals(False)

    def _list_selection(self) -> None:
        items = self.list.selectedItems()
        if items:
            interview_id = self.list.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            if interview_id != self.interview_id:
                self.show_interview(interview_id)

    # -- one interview -------------------------------------------------------------------------

    def show_interview(self, interview_id: str) -> bool:
        """Open an interview in the document (codings re-anchored first where its answers changed)."""
        try:
            interview = self.store.interview(interview_id)
            protocol = self.store.protocol(interview.protocol_sha256)
            codings = core.codings_of(self.store, interview_id)
            suggestions = core_suggestions.suggestions(self.store, self.book, interview_id)
            answers = self.store.answers(interview_id)
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
            return False
        self.interview_id, self.interview, self.protocol = interview_id, interview, protocol
        self.codings, self.suggestions = codings, suggestions
        self._answers = answers
        self._last_selection = None
        self.document.codings = codings
        self.document.build(protocol, answers, suggestions, self.tr.lang)
        self._show_counts()
        self._select_in_list(interview_id)
        self.accept_all_button.setEnabled(bool(suggestions) and not self.store.read_only)
        label = self.interview_label(interview)
        self.memo_pane.set_subject("interview", interview_id, label)
        if interview.community_id:
            self.memo_pane.set_subject(
                "community",
                interview.community_id,
                self.communities.get(interview.community_id, interview.community_id),
            )
        else:
            self.memo_pane.set_subject("community", "", "")
        return True

    def reload_codings(self, interview_id: str | None = None) -> None:
        """After an action: the interview's codings and suggestions read again, the document's
        highlights redrawn (and rebuilt only when the suggestions changed), counts updated."""
        if interview_id is not None and interview_id != self.interview_id:
            self.show_interview(interview_id)
        if self.interview_id is None:
            return
        before = code_counts(self.codings)
        self.codings = self.store.coding.codings(self.interview_id)
        suggestions = core_suggestions.pending_suggestions(
            self.protocol,
            self.interview_id,
            self._answers,
            self.codings,
            self.store.coding.decisions(self.interview_id),
            self.book,
        )
        after = code_counts(self.codings)
        self.all_counts.update(after)
        self.all_counts.subtract(before)
        if suggestions != self.suggestions:
            self.suggestions = suggestions
            self.document.codings = self.codings
            self.document.build(self.protocol, self._answers, suggestions, self.tr.lang)
        else:
            self.document.set_codings(self.codings)
        self.accept_all_button.setEnabled(bool(suggestions) and not self.store.read_only)
        self._show_counts()
        self._update_row(self.interview_id)
        self.changed.emit()

    def _update_row(self, interview_id: str) -> None:
        codings = self.codings if interview_id == self.interview_id else None
        try:
            self.rows[interview_id] = interview_coding(self.store, self.book, interview_id, codings)
        except YingzaoError:
            return
        for index in range(self.list.rowCount()):
            if self.list.item(index, 0).data(Qt.ItemDataRole.UserRole) == interview_id:
                self.list.blockSignals(True)
                self._fill_row(index, self.rows[interview_id])
                self.list.blockSignals(False)

    def _show_counts(self) -> None:
        self.codebook.set_counts(code_counts(self.codings) if self.interview_id else Counter(), +self.all_counts)

    def open_at(self, interview_id: str, question: str, target: str, start: int, end: int) -> bool:
        """Open an interview with a span selected (a search hit, a matrix segment)."""
        if interview_id != self.interview_id and not self.show_interview(interview_id):
            return False
        self.window().activateWindow()
        return self.document.select_span(question, target, start, end)

    # -- coding --------------------------------------------------------------------------------

    def _remember_selection(self) -> None:
        if self.interview_id is not None:
            span = self.document.selected_span(self.interview_id)
            if span is not None:
                self._last_selection = span

    def selection(self) -> Span | None:
        if self.interview_id is None:
            return None
        return self.document.selected_span(self.interview_id)

    def _step(self, text: str, undo: Callable[[], None], redo: Callable[[], None], interview_id: str | None) -> None:
        self.undo_stack.push(Step(text, undo, redo, self._after_step, interview_id, self._error))

    def _after_step(self, interview_id: str | None) -> None:
        if interview_id is None:  # several interviews changed (code all hits)
            self.reload_codings()
            self.all_counts = all_code_counts(self.store)
            for row_id in list(self.rows):
                self._update_row(row_id)
            self._show_counts()
        else:
            self.reload_codings(interview_id)
            if interview_id != self.interview_id:
                self._update_row(interview_id)

    def _error(self, error: YingzaoError) -> None:
        error_dialog.show_error(self, self.tr, error)

    def _run(self, action: Callable[[], object]) -> object | None:
        if self.store.read_only:
            self.status.setText(self.tr("coding.read_only"))
            return None
        try:
            return action()
        except YingzaoError as error:
            self._error(error)
            return None

    def code_label(self, code_id: str) -> str:
        code_id = self.book.resolve(code_id)
        return self.book.get(code_id).label(self.tr.lang) if self.book.has(code_id) else code_id

    def code_selection(self, code_id: str, span: Span | None = None) -> Coding | None:
        """Code the selected text (or `span`) with a code; saved at once, undoable."""
        span = span or self.selection()
        if span is None:
            self.status.setText(self.tr("coding.select_first"))
            return None
        existing = {c.id for c in self.codings}
        coding = self._run(lambda: core.apply_code(self.store, self.book, span, code_id))
        if not isinstance(coding, Coding):
            return None
        if coding.id not in existing:
            made = [coding]
            self._step(
                self.tr("coding.step.apply", code=self.code_label(code_id)),
                removal_of(self.store, made),
                restoring(self.store, made),
                span.interview_id,
            )
        self._saved(self.tr("coding.step.apply", code=self.code_label(code_id)))
        self.reload_codings(span.interview_id)
        return coding

    def _code_clicked(self, code_id: str) -> None:
        if self.selection() is not None:  # a click on a code codes the selection, if there is one
            self.code_selection(code_id)

    def _code_current(self, code_id: str) -> None:
        self.memo_pane.set_subject("code", code_id, f"{self.code_label(code_id)} ({code_id})")

    def quick_keys(self) -> list[str]:
        try:
            keys = json.loads(self.store.get_setting(QUICK_KEYS) or "[]")
        except ValueError:
            keys = []
        keys = [k if isinstance(k, str) else "" for k in keys][:9]
        return keys + [""] * (9 - len(keys))

    def set_key(self, code_id: str, digit: int) -> None:
        keys = [k if k != code_id else "" for k in self.quick_keys()]
        if digit:
            keys[digit - 1] = code_id
        if not self.store.read_only:
            self.store.set_setting(QUICK_KEYS, json.dumps(keys))
        self.codebook.set_book(self.book, keys)

    def code_with_key(self, digit: int) -> Coding | None:
        code = self.quick_keys()[digit - 1]
        return self.code_selection(code) if code else None

    # -- a coded span --------------------------------------------------------------------------

    def _context_menu(self, pos) -> None:
        menu = self.span_menu(self.document.cursorForPosition(pos).position())
        menu.exec(self.document.viewport().mapToGlobal(pos))

    def span_menu(self, doc_pos: int) -> QMenu:
        """The right-click menu at a document position: for each coding there, remove, change
        code, memo, pin as key quote, and attribute to communities where the interview discussed
        more than one."""
        menu = QMenu(self)
        copy = menu.addAction(self.tr("coding.menu.copy"), self.document.copy)
        copy.setEnabled(self.document.textCursor().hasSelection())
        here = self.document.codings_at(doc_pos)
        communities = self._attributable() if here else ()
        for coding in here:
            sub = menu.addMenu(self.document.coding_caption(coding) + f" · {coding.coder}")
            sub.setObjectName(f"coding:{coding.id}")
            sub.addAction(self.tr("coding.menu.remove"), lambda c=coding: self.remove(c))
            sub.addAction(self.tr("coding.menu.recode"), lambda c=coding: self.ask_recode(c))
            sub.addAction(self.tr("coding.menu.memo"), lambda c=coding: self.memo_coding(c))
            if coding.pinned:
                sub.addAction(self.tr("coding.menu.unpin"), lambda c=coding: self.pin(c, False))
            else:
                sub.addAction(self.tr("coding.menu.pin"), lambda c=coding: self.pin(c, True))
                if self.interview is not None and self.interview.community_id:
                    community = self.interview.community_id
                    name = self.communities.get(community, community)
                    sub.addAction(
                        self.tr("coding.menu.pin_for", community=name),
                        lambda c=coding, community=community: self.pin(c, True, community),
                    )
            if len(communities) > 1:
                sub.addAction(
                    self.tr("coding.menu.attribute"),
                    lambda c=coding, choices=communities: self.ask_attribution(c, choices),
                )
        return menu

    def _attributable(self) -> tuple[str, ...]:
        """The communities a coding of the open interview can be attributed to (its own and the
        ones it discussed), read when the menu opens: the answer may have been corrected since."""
        if self.interview_id is None:
            return ()
        try:
            return core.attributable(self.store, self.interview_id)
        except YingzaoError:
            return ()

    def ask_attribution(self, coding: Coding, communities: tuple[str, ...]) -> AttributionDialog:
        """The checkboxes for a coding's communities; OK saves them (undoable)."""
        current = self.store.coding.coding(coding.id) or coding
        dialog = AttributionDialog(
            self.tr,
            current.quote,
            [(c, self.communities.get(c, c)) for c in communities],
            current.attributed,
            self,
        )
        dialog.accepted.connect(lambda: self.attribute(current, dialog.chosen()))
        self.attribution_dialog = dialog
        dialog.open()
        return dialog

    def attribute(self, coding: Coding, communities: list[str]) -> bool:
        after = self._run(lambda: core.attribute(self.store, coding.id, communities))
        if not isinstance(after, Coding):
            return False
        if after.communities != coding.communities:
            self._step(
                self.tr("coding.step.attribute"),
                attributing(self.store, coding.id, coding.attributed),
                attributing(self.store, coding.id, after.attributed),
                coding.interview_id,
            )
        self.reload_codings(coding.interview_id)
        return True

    def remove(self, coding: Coding) -> bool:
        if self._run(lambda: core.remove_coding(self.store, coding.id)) is None:
            return False
        made = [coding]
        self._step(
            self.tr("coding.step.remove", code=self.code_label(coding.code)),
            restoring(self.store, made),
            removal_of(self.store, made),
            coding.interview_id,
        )
        self.reload_codings(coding.interview_id)
        return True

    def recode(self, coding: Coding, code_id: str) -> bool:
        if self._run(lambda: core.recode(self.store, self.book, coding.id, code_id)) is None:
            return False
        book = lambda: self.book  # noqa: E731  (the codebook may be re-read before an undo)
        self._step(
            self.tr("coding.step.recode", code=self.code_label(code_id)),
            recoding(self.store, book, coding.id, coding.code),
            recoding(self.store, book, coding.id, code_id),
            coding.interview_id,
        )
        self.reload_codings(coding.interview_id)
        return True

    def ask_recode(self, coding: Coding) -> None:
        codes = [c for c in self.book.usable() if c.id != coding.code]
        labels = [f"{c.label(self.tr.lang)}  ({c.id})" for c in codes]
        label, ok = QInputDialog.getItem(
            self, self.tr("coding.recode.title"), self.tr("coding.recode.label"), labels, 0, False
        )
        if ok and label in labels:
            self.recode(coding, codes[labels.index(label)].id)

    def memo_coding(self, coding: Coding) -> None:
        self.memo_pane.set_subject(
            "coding", coding.id, f"{self.code_label(coding.code)}：{coding.quote}", coding.memo, show=True
        )
        self.memo_pane.editor.setFocus()

    def set_coding_memo(self, coding_id: str, memo: str) -> bool:
        before = self.store.coding.coding(coding_id)
        if before is None or self._run(lambda: core.set_memo(self.store, coding_id, memo)) is None:
            return False
        self._step(
            self.tr("coding.step.memo"),
            memo_setting(self.store, coding_id, before.memo),
            memo_setting(self.store, coding_id, memo),
            before.interview_id,
        )
        self.reload_codings(before.interview_id)
        return True

    def pin(self, coding: Coding, pinned: bool, community: str = "") -> bool:
        if self._run(lambda: core.pin(self.store, coding.id, pinned, for_community=community)) is None:
            return False
        self._step(
            self.tr("coding.step.pin"),
            pinning(self.store, coding.id, bool(coding.pinned), coding.pinned_for),
            pinning(self.store, coding.id, pinned, community),
            coding.interview_id,
        )
        self.reload_codings(coding.interview_id)
        return True

    # -- suggestions ---------------------------------------------------------------------------

    def _suggestion_link(self, action: str, index: int) -> None:
        if 0 <= index < len(self.suggestions):
            suggestion = self.suggestions[index]
            {"accept": self.accept, "narrow": self.narrow, "reject": self.reject}[action](suggestion)

    def accept(self, suggestion: core_suggestions.Suggestion) -> Coding | None:
        coding = self._run(lambda: core_suggestions.accept(self.store, self.book, suggestion))
        return self._coded_step(coding, "coding.step.accept", suggestion.code)

    def narrow(self, suggestion: core_suggestions.Suggestion) -> Coding | None:
        """Accept a suggestion on the selected part of its answer only."""
        span = self.selection() or self._last_selection
        if span is None or (span.question, span.target) != (suggestion.question, "answer"):
            self.status.setText(self.tr("coding.narrow_first"))
            return None
        coding = self._run(lambda: core_suggestions.narrow(self.store, self.book, suggestion, span.start, span.end))
        return self._coded_step(coding, "coding.step.narrow", suggestion.code)

    def _coded_step(self, coding: object, text: str, code: str) -> Coding | None:
        if not isinstance(coding, Coding):
            return None
        made = [coding]
        self._step(
            self.tr(text, code=self.code_label(code)),
            removal_of(self.store, made),
            restoring(self.store, made),
            coding.interview_id,
        )
        self._saved(self.tr(text, code=self.code_label(code)))
        self.reload_codings(coding.interview_id)
        return coding

    def reject(self, suggestion: core_suggestions.Suggestion) -> bool:
        if self._run(lambda: core_suggestions.reject(self.store, suggestion) or True) is None:
            return False
        self._step(
            self.tr("coding.step.reject", code=self.code_label(suggestion.code)),
            rejecting(self.store, suggestion, False),
            rejecting(self.store, suggestion, True),
            suggestion.interview_id,
        )
        self.reload_codings(suggestion.interview_id)
        return True

    def accept_all(self) -> int:
        if self.interview_id is None:
            return 0
        pending = list(self.suggestions)

        def accept_each() -> list[Coding]:
            with self.store.transaction():
                return [c for s in pending if (c := core_suggestions.accept(self.store, self.book, s)) is not None]

        made = self._run(accept_each)
        if not made:
            return 0
        assert isinstance(made, list)
        self._step(
            self.tr("coding.step.accept_all"),
            removal_of(self.store, made),
            restoring(self.store, made),
            self.interview_id,
        )
        self.reload_codings(self.interview_id)
        return len(made)

    # -- search --------------------------------------------------------------------------------

    def open_search(self) -> SearchDialog:
        if self.search_dialog is None:
            self.search_dialog = SearchDialog(self.store, lambda: self.book, self.hit_label, self.tr, self)
            self.search_dialog.hit_opened.connect(self.open_hit)
            self.search_dialog.code_all_requested.connect(self.code_all_hits)
        self.search_dialog.show()
        self.search_dialog.raise_()
        self.search_dialog.term.setFocus()
        return self.search_dialog

    def hit_label(self, hit: Hit) -> tuple[str, str]:
        row = self.rows.get(hit.interview_id)
        interview = row.interview if row else self.store.interview(hit.interview_id)
        try:  # an answer in a repeat's entry reads with the entry: "2.1.3 这个组织做了什么？ · 第 2 项"
            question = answer_keys.interview_question_label(self.store, hit.interview_id, hit.question, self.tr.lang)
        except YingzaoError:
            question = hit.question
        if hit.target == "note":
            question += self.tr("search.note")
        return self.interview_label(interview), question

    def open_hit(self, hit: Hit) -> bool:
        return self.open_at(hit.interview_id, hit.question, hit.target, hit.start, hit.end)

    def code_all_hits(self, hits: list[Hit], code_id: str) -> list[Coding]:
        made = self._run(lambda: core_search.code_all_hits(self.store, self.book, hits, code_id))
        if not made:
            return []
        assert isinstance(made, list)
        self._step(
            self.tr("coding.step.code_all", n=len(made), code=self.code_label(code_id)),
            removal_of(self.store, made),
            restoring(self.store, made),
            None,
        )
        self._after_step(None)
        self._saved(self.tr("coding.step.code_all", n=len(made), code=self.code_label(code_id)))
        return made

    # -- the codebook --------------------------------------------------------------------------

    def _book_changed(self) -> None:
        self.book = research_codebook(self.store, self.library.codebook)
        self.document.book = self.book
        self.codebook.set_book(self.book, self.quick_keys())
        self._show_counts()
        if self.interview_id is not None:
            self.reload_codings()
            self.document.set_codings(self.codings)
        self.changed.emit()

    def add_code(self, **values: str):
        code = self._run(lambda: core_codebook.add_code(self.store, self.book, **values))
        if code is not None:
            self._book_changed()
            self.codebook.select_code(code.id)  # type: ignore[attr-defined]
        return code

    def new_code(self) -> None:
        current = self.codebook.current_code()
        family = self.book.get(current).family if current else "emergent"
        dialog = NewCodeDialog(self.tr, self.book, family, current or "", self)
        if dialog.exec():
            self.add_code(**dialog.values())

    def change_code(self, code_id: str, **changes: str) -> bool:
        if self._run(lambda: core_codebook.change_code(self.store, self.book, code_id, **changes)) is None:
            return False
        self._book_changed()
        return True

    def rename_code(self, code_id: str) -> None:
        code = self.book.get(code_id)
        zh, ok = QInputDialog.getText(
            self, self.tr("codebook.rename.title"), self.tr("coding.rename.zh"), text=code.label_zh
        )
        if not ok:
            return
        en, ok = QInputDialog.getText(
            self, self.tr("codebook.rename.title"), self.tr("coding.rename.en"), text=code.label_en
        )
        if ok:
            self.change_code(code_id, label_zh=zh, label_en=en)

    def colour_code(self, code_id: str) -> None:
        colour = QColorDialog.getColor(QColor(self.book.colour(code_id)), self, self.tr("codebook.colour"))
        if colour.isValid():
            self.change_code(code_id, colour=colour.name())

    def merge_code(self, code_id: str) -> None:
        code = self.book.get(code_id)
        others = [c for c in self.book.family(code.family) if c.id != code_id and c.codable]
        labels = [f"{c.label(self.tr.lang)}  ({c.id})" for c in others]
        if not labels:
            return
        label, ok = QInputDialog.getItem(
            self,
            self.tr("codebook.merge.title"),
            self.tr("codebook.merge.into", code=code.label(self.tr.lang)),
            labels,
            0,
            False,
        )
        if ok and label in labels:
            self.merge_codes(code_id, others[labels.index(label)].id)

    def merge_codes(self, old_id: str, into_id: str) -> bool:
        if self._run(lambda: core_codebook.merge_codes(self.store, self.book, old_id, into_id)) is None:
            return False
        self.all_counts = all_code_counts(self.store)
        self._book_changed()
        return True

    def retire_code(self, code_id: str, retired: bool) -> bool:
        if self._run(lambda: core_codebook.retire_code(self.store, self.book, code_id, retired)) is None:
            return False
        self._book_changed()
        return True

    # -- other views ---------------------------------------------------------------------------

    def open_matrix(self):
        from yingzao.ui.coding_matrix import MatrixDialog

        dialog = MatrixDialog(self.store, self.book, self.tr, self.interview_label, self)
        dialog.segment_opened.connect(lambda c: self.open_at(c.interview_id, c.question, c.target, c.start, c.end))
        dialog.show()
        return dialog

    def open_compare(self):
        from yingzao.ui.coding_compare import CompareDialog

        dialog = CompareDialog(self.store, self.book, self.tr, self.interview_label, self)
        dialog.span_opened.connect(lambda d: self.open_at(d.interview_id, d.question, d.target, d.start, d.end))
        dialog.show()
        return dialog

    def open_memo_list(self) -> MemoListDialog:
        dialog = MemoListDialog(self.store, self.book, self.tr, self)
        dialog.show()
        return dialog

    def _saved(self, what: str) -> None:
        self.status.setText(self.tr("coding.saved", what=what))

    def close_page(self) -> None:
        self.closed.emit()

    def shutdown(self) -> None:
        if self.search_dialog is not None:
            self.search_dialog.close()

    def retranslate(self) -> None:
        tr = self.tr
        self.title.setText(tr("coding.title"))
        self.back_button.setText(tr("coding.back"))
        self.search_button.setText(tr("coding.search"))
        self.search_button.setToolTip("Ctrl+Shift+F")
        self.accept_all_button.setText(tr("coding.accept_all"))
        self.undo_button.setText(tr("coding.undo"))
        self.undo_button.setToolTip("Ctrl+Z")
        self.redo_button.setText(tr("coding.redo"))
        self.redo_button.setToolTip("Ctrl+Shift+Z")
        self.matrix_button.setText(tr("coding.matrix"))
        self.compare_button.setText(tr("coding.compare"))
        self.memos_button.setText(tr("coding.memos"))
        for name, label in self.filter_labels.items():
            label.setText(tr(f"coding.filter.{name}"))
        self.uncoded_check.setText(tr("coding.filter.uncoded"))
        self.suggested_check.setText(tr("coding.filter.suggestions"))
        self.list.setHorizontalHeaderLabels(
            [tr("coding.list.interview"), tr("coding.list.progress"), tr("coding.list.suggestions")]
        )
        if self.rows:
            self._fill_filter_values()
            self.apply_filters()
        if self.interview_id is not None and hasattr(self, "protocol"):
            self.document.build(self.protocol, self._answers, self.suggestions, tr.lang)
        elif not self.document.toPlainText():
            self.document.setPlainText(tr("coding.pick"))


def open_coding(window) -> CodingPage | None:
    """Show the coding page in the main window (Analysis → Code interviews…). The interview on
    screen is saved and closed first; Back returns to the home list."""
    if not window.close_interview():
        return getattr(window, "coding_page", None)
    page = getattr(window, "coding_page", None)
    if page is None:
        page = CodingPage(window.store, window.library, window.tr, window.stack)

        def back() -> None:
            window.stack.setCurrentWidget(window.home)
            window.home.refresh()

        page.closed.connect(back)
        window.stack.addWidget(page)
        window.coding_page = page
    else:
        page.refresh()
    window.stack.setCurrentWidget(page)
    return page
