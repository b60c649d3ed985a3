"""Resolve conflicts: the versions of one interview side by side, chosen per answer or as a whole."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from yingzao.core.errors import YingzaoError
from yingzao.core.exchange.conflicts import INTERVIEW_ROW, Conflict, ConflictVersion, open_conflicts, resolve_conflict
from yingzao.core.forms import answer_keys, repeats
from yingzao.core.forms.engine import question_numbers
from yingzao.core.store.database import Store
from yingzao.ui import error_dialog
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.interview_list_model import local_time  # a raw UTC timestamp is not for people

add_strings(
    {
        "conflict.title": ("处理合并冲突", "Resolve merge conflicts"),
        "conflict.none": ("没有待处理的冲突。", "There are no conflicts to resolve."),
        "conflict.intro": (
            "同一份访谈在不同电脑上分别被修改，两个版本都已保留。请逐题选择要保留的回答，"
            "或整体采用某个版本。"
            "选择会记入审计日志，未采用的版本仍保存在数据库中。",
            "The same interview was changed on different laptops; every version is kept. Choose the answer "
            "to keep for each question, or take one version as a whole. The choice is written to the audit "
            "log, and the versions not taken stay in the database.",
        ),
        "conflict.item": (
            "{title} · {community} · {fieldworker} · {id}",
            "{title} · {community} · {fieldworker} · {id}",
        ),
        "conflict.version": (
            "版本 {label}：{sources}，最后修改 {changed}，{status}",
            "Version {label}: {sources}, last changed {changed}, {status}",
        ),
        "conflict.source": ("{file}（{fieldworker}）", "{file} ({fieldworker})"),
        "conflict.shown": ("（当前显示）", " (shown now)"),
        "conflict.question": ("问题", "Question"),
        "conflict.row": ("访谈状态 / 社区", "Interview status / community"),
        "conflict.empty": ("—（未回答）", "— (no answer)"),
        "conflict.entries": ("{n} 项", "entries: {n}"),
        "conflict.only_in": ("仅见于版本 {versions}", "only in version {versions}"),
        "conflict.calculated": ("计算值", "calculated"),
        "conflict.marker.skipped": ("【跳过】", "[skipped]"),
        "conflict.marker.refused": ("【拒答】", "[refused]"),
        "conflict.marker.dont_know": ("【不知道】", "[don't know]"),
        "conflict.note": ("备注：{note}", "note: {note}"),
        "conflict.status.draft": ("草稿", "draft"),
        "conflict.status.completed": ("已完成", "completed"),
        "conflict.status.approved": ("已通过", "approved"),
        "conflict.status.rejected": ("已退回", "sent back"),
        "conflict.whole": ("整体采用版本 {label}", "Take all of version {label}"),
        "conflict.apply": ("按所选逐题合并", "Keep the answers chosen"),
        "conflict.close": ("关闭", "Close"),
        "conflict.no_difference": (
            "各版本的回答相同，只是修改记录不同；整体采用任一版本即可。",
            "The versions' answers are the same, only their histories differ; take either as a whole.",
        ),
    }
)


def _in_form_order(conflict: Conflict, protocol) -> list[str]:
    """The differing answers in the form's order, an entry's after the entry before it (as the
    version first listing it has them); keys the form does not know last."""
    order = {q.name: index for index, q in enumerate(protocol.questions)}

    def place(key: str) -> tuple:
        name, _instance = repeats.split(key)
        question = protocol.named(name)
        if question is None:
            return (len(order), 0, key)
        listed, _having = _listed_in(conflict, protocol, key)
        at = answer_keys.entry_position(key, listed) or len(listed) + 1
        # an entry's answers sit at their repeat's row, entry by entry, in the entry's question order
        repeat_row = order.get(question.repeat or "", order[name])
        return (repeat_row, at, order[name]) if question.repeat else (order[name], 0, key)

    return sorted(conflict.differing(), key=place)


def _listed_in(conflict: Conflict, protocol, key: str) -> tuple[list[str], list[str]]:
    """The instances of a key's repeat in the first version that lists the key's instance (its
    position may differ between versions), and the labels of the versions that list it."""
    repeat = answer_keys.repeat_of(protocol, key)
    if repeat is None:
        return [], []
    instance = repeats.split(key)[1]
    lists = []
    for candidate in conflict.versions:
        answer = candidate.answer(repeat)
        lists.append((candidate.label, repeats.instances(answer[0] if answer else None)))
    having = [(label, listed) for label, listed in lists if instance in listed]
    return (having[0][1] if having else lists[0][1] if lists else []), [label for label, _ in having]


class ConflictsDialog(QDialog):
    def __init__(self, store: Store, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tr = store, tr
        self.conflicts: list[Conflict] = []
        self.current: Conflict | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.whole_buttons: list[QPushButton] = []
        self.setWindowTitle(tr("conflict.title"))
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("conflict.intro"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.list = QListWidget(splitter)
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.versions_label = QLabel(right)
        self.versions_label.setWordWrap(True)
        self.versions_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 1, right)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        # the columns stretch with the table: their wrapped answers change height when it resizes
        self.table.viewport().installEventFilter(self)
        right_layout.addWidget(self.versions_label)
        right_layout.addWidget(self.table, 1)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self.buttons = QHBoxLayout()
        self.apply_button = QPushButton(tr("conflict.apply"), self)
        self.close_button = QPushButton(tr("conflict.close"), self)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.apply_button)
        self.buttons.addWidget(self.close_button)
        layout.addLayout(self.buttons)
        self.list.currentRowChanged.connect(self._select)
        self.apply_button.clicked.connect(self.apply_choices)
        self.close_button.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        self.conflicts = open_conflicts(self.store)
        self.list.clear()
        for conflict in self.conflicts:
            protocol = self.store.protocol(conflict.protocol_sha256)
            shown = conflict.versions[-1].version.interview
            item = QListWidgetItem(
                self.tr(
                    "conflict.item",
                    title=protocol.title(self.tr.lang),
                    community=shown["community_id"] or "—",
                    fieldworker=shown["fieldworker"],
                    id=conflict.interview_id[:8],
                )
            )
            item.setToolTip(conflict.interview_id)
            self.list.addItem(item)
        if self.conflicts:
            self.list.setCurrentRow(0)
        else:
            self._select(-1)

    def _select(self, row: int) -> None:
        for button in self.whole_buttons:
            self.buttons.removeWidget(button)
            button.deleteLater()
        self.whole_buttons = []
        self.groups = {}
        self.current = self.conflicts[row] if 0 <= row < len(self.conflicts) else None
        if self.current is None:
            self.versions_label.setText(self.tr("conflict.none"))
            self.table.setRowCount(0)
            self.apply_button.setEnabled(False)
            return
        conflict = self.current
        tr = self.tr
        lines = []
        for candidate in conflict.versions:
            sources = (
                "、".join(
                    tr("conflict.source", file=s["file_name"], fieldworker=s["fieldworker"]) for s in candidate.sources
                )
                or "—"
            )
            line = tr(
                "conflict.version",
                label=candidate.label,
                sources=sources,
                changed=local_time(candidate.version.interview["updated_at"]),
                status=tr("conflict.status." + candidate.version.interview["status"]),
            )
            lines.append(line + (tr("conflict.shown") if candidate.label == conflict.shown else ""))
            button = QPushButton(tr("conflict.whole", label=candidate.label), self)
            button.clicked.connect(lambda _checked=False, label=candidate.label: self.take_whole(label))
            self.buttons.insertWidget(len(self.whole_buttons), button)
            self.whole_buttons.append(button)
        protocol = self.store.protocol(conflict.protocol_sha256)
        rows = ([INTERVIEW_ROW] if conflict.row_differs() else []) + _in_form_order(conflict, protocol)
        if not rows:
            lines.append(tr("conflict.no_difference"))
        self.versions_label.setText("\n".join(lines))
        self._fill_table(conflict, rows)
        self.apply_button.setEnabled(bool(rows))

    def _fill_table(self, conflict: Conflict, rows: list[str]) -> None:
        protocol = self.store.protocol(conflict.protocol_sha256)
        versions = conflict.versions
        numbers = question_numbers(protocol)
        self.table.clear()
        self.table.setColumnCount(1 + len(versions))
        self.table.setHorizontalHeaderLabels([self.tr("conflict.question")] + [v.label for v in versions])
        self.table.setRowCount(len(rows))
        for row, question in enumerate(rows):
            if question == INTERVIEW_ROW:
                label = self.tr("conflict.row")
            elif protocol.has_question(question):
                listed, having = _listed_in(conflict, protocol, question)
                label = answer_keys.question_label(protocol, question, listed, self.tr.lang, numbers=numbers)
                if protocol.question(question).type == "calculate":  # no label: say what it is
                    label += answer_keys.SEPARATOR + self.tr("conflict.calculated")
                if having and len(having) < len(versions):  # an entry one laptop added: say whose
                    label += answer_keys.SEPARATOR + self.tr("conflict.only_in", versions=", ".join(having))
            else:
                label = question
            self.table.setItem(row, 0, QTableWidgetItem(label))
            group = QButtonGroup(self.table)
            for column, candidate in enumerate(versions, start=1):
                cell = _Choice(self._describe(candidate, question), candidate.label, self.table)
                cell.radio.setChecked(candidate.label == conflict.shown)
                group.addButton(cell.radio)
                self.table.setCellWidget(row, column, cell)
            self.groups[question] = group
        header = self.table.horizontalHeader()
        for column in range(self.table.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self._fit_rows()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            QTimer.singleShot(0, self, self._fit_rows)  # once the stretched columns have their new widths
        return super().eventFilter(watched, event)

    def _fit_rows(self) -> None:
        """Each row as tall as its longest answer wrapped at its column's width (a wrapped label asked
        for its size alone answers for a narrow width, which made every row several lines tall)."""
        table = self.table
        metrics = table.fontMetrics()
        for row in range(table.rowCount()):
            height = metrics.height() + 8
            for column in range(table.columnCount()):
                width = max(table.columnWidth(column) - 8, 40)
                widget = table.cellWidget(row, column)
                layout = widget.layout() if widget is not None else None
                if layout is not None and layout.hasHeightForWidth():
                    height = max(height, layout.totalHeightForWidth(width))
                item = table.item(row, column)
                if item is not None:
                    flags = int(Qt.TextFlag.TextWordWrap)
                    height = max(height, metrics.boundingRect(0, 0, width, 10_000, flags, item.text()).height() + 8)
            table.setRowHeight(row, height)

    def _describe(self, candidate: ConflictVersion, question: str) -> str:
        tr = self.tr
        if question == INTERVIEW_ROW:
            info = candidate.version.interview
            return f"{tr('conflict.status.' + info['status'])} · {info['community_id'] or '—'}" + (
                f" · {info['outcome']}" if info["outcome"] else ""
            )
        answer = candidate.answer(question)
        if answer is None:
            return tr("conflict.empty")
        value, marker, note = answer
        protocol = self.store.protocol(candidate.version.interview["protocol_sha256"])
        if protocol.has_question(question) and protocol.question(question).is_repeat:
            return tr("conflict.entries", n=len(repeats.instances(value)))  # ids would mean nothing here
        parts = [tr(f"conflict.marker.{marker}")] if marker else []
        if value is not None:
            parts.append(str(value))
        if note:
            parts.append(tr("conflict.note", note=note))
        return " ".join(parts) or tr("conflict.empty")

    def choices(self) -> dict[str, str]:
        """question (or INTERVIEW_ROW) → label of the version whose radio is checked."""
        chosen = {}
        for question, group in self.groups.items():
            button = group.checkedButton()
            if button is not None:
                chosen[question] = button.property("label")
        return chosen

    def choose(self, question: str, label: str) -> None:
        for button in self.groups[question].buttons():
            if button.property("label") == label:
                button.setChecked(True)

    def apply_choices(self) -> None:
        if self.current is not None:
            self._resolve(self.choices())

    def take_whole(self, label: str) -> None:
        if self.current is not None:
            self._resolve(label)

    def _resolve(self, choice) -> None:
        try:
            resolve_conflict(self.store, self.current.interview_id, choice)
        except YingzaoError as error:
            error_dialog.show_error(self, self.tr, error)
        self.reload()


class _Choice(QWidget):
    """One version's answer in the table: a radio button and the whole answer, wrapped; clicking the
    text chooses it too."""

    def __init__(self, text: str, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.radio = QRadioButton(self)
        self.radio.setProperty("label", label)
        self.text = QLabel(text, self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1, Qt.AlignmentFlag.AlignTop)

    def mousePressEvent(self, event) -> None:
        self.radio.setChecked(True)
        super().mousePressEvent(event)


def open_conflicts_dialog(parent: QWidget | None, store_path: Path | str, tr: Translator) -> int:
    """Show the open conflicts of the database at `store_path`; returns how many were resolved."""
    with Store(store_path) as store:
        dialog = ConflictsDialog(store, tr, parent)
        before = len(dialog.conflicts)
        dialog.exec()
        return before - len(open_conflicts(store))
