"""The review queue as a Qt table model: a thin adapter over `yingzao.core.review.queue.ReviewQueue`.

The plain-Python queue filters and sorts lists of row numbers; this model only turns its rows into
words (made when a row is first shown, then cached) and tells the view what changed. A filter change
is one model reset — a view over 10,000 rows with fixed row heights re-reads only what is on screen —
and sorting keeps the selection through persistent indexes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QAbstractTableModel, QCollator, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from yingzao.core.review.quality import FLAGS
from yingzao.core.review.queue import COLUMNS, NO_FLAG, QueueFilter, QueueRow, ReviewQueue
from yingzao.core.store.records import Community
from yingzao.ui.i18n import Translator, add_strings, all_keys
from yingzao.ui.interview_list_model import local_time

add_strings(
    {
        "rq.col.status": ("状态", "Status"),
        "rq.col.flags": ("质量提示", "Quality flags"),
        "rq.col.community": ("社区", "Community"),
        "rq.col.role": ("受访者角色", "Respondent"),
        "rq.col.protocol": ("提纲（版本）", "Protocol (version)"),
        "rq.col.fieldworker": ("访员", "Fieldworker"),
        "rq.col.ended": ("完成时间", "Finalised"),
        "rq.col.duration": ("用时", "Duration"),
        "rq.col.comments": ("批注", "Comments"),
        "rq.status.completed": ("待审核", "To review"),
        "rq.flag.none": ("无提示", "No flag"),
        "rq.flag.missing_required": ("缺必答题", "Missing required"),
        "rq.flag.short_answers": ("回答过短", "Short answers"),
        "rq.flag.short_interview": ("用时过短", "Short interview"),
        "rq.flag.empty_section": ("整节空白", "Empty section"),
        "rq.flag.consent_missing": ("缺知情同意", "No consent"),
        "rq.flag.case_mismatch": ("所述案例与社区不符", "Case differs from community"),
        "rq.no_community": ("（不针对单个社区）", "(no single community)"),
    }
)

ID_ROLE = Qt.ItemDataRole.UserRole
COL = {name: n for n, name in enumerate(COLUMNS)}
_STATUS_COLOURS = {"rejected": "#b3261e", "approved": "#2e7d32", "completed": "#8a5a00"}
_FLAG_COLOUR = "#b3261e"
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def status_word(tr: Translator, status: str) -> str:
    key = f"rq.status.{status}" if status == "completed" else f"status.{status}"
    return tr(key) if key in all_keys() else status


def flag_word(tr: Translator, flag: str) -> str:
    return tr(f"rq.flag.{flag}") if flag in (NO_FLAG, *FLAGS) else flag


def duration_text(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    total = round(seconds)
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


class ReviewQueueModel(QAbstractTableModel):
    def __init__(self, tr: Translator, parent=None) -> None:
        super().__init__(parent)
        self.tr = tr
        self._community_names: dict[str, str] = {}
        self._titles: dict[str, dict[str, str]] = {}
        self._cells: dict[str, list[str]] = {}
        self._collator = QCollator()
        self._set_collator()
        self.queue = ReviewQueue(text_key=lambda text: self._collator.sortKey(text), label=self._sort_label)
        self._brushes = {s: QBrush(QColor(c)) for s, c in _STATUS_COLOURS.items()}
        self._flag_brush = QBrush(QColor(_FLAG_COLOUR))

    # -- filling and changing ------------------------------------------------------------------

    def reload(
        self, rows: Iterable[QueueRow], communities: Iterable[Community], titles: Mapping[str, Mapping[str, str]]
    ) -> None:
        """Show these rows; `titles` maps a protocol id to its titles by language."""
        self.beginResetModel()
        self._community_names = {c.id: c.name for c in communities}
        self._titles = {pid: dict(labels) for pid, labels in titles.items()}
        self._cells.clear()
        self.queue.reload(rows)
        self.endResetModel()

    def set_filter(self, queue_filter: QueueFilter | None = None, **changes) -> bool:
        self.beginResetModel()
        changed = self.queue.set_filter(queue_filter, **changes)
        self.endResetModel()
        return changed

    def update_row(self, row: QueueRow) -> None:
        """One interview changed (approved, sent back, commented): it may leave the filtered view."""
        self.beginResetModel()
        self._cells.pop(row.id, None)
        self.queue.update(row)
        self.endResetModel()

    def set_flags(self, flags: dict[str, tuple[str, ...]]) -> None:
        self.beginResetModel()
        self._cells.clear()
        self.queue.set_flags(flags)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The queue sorts a list of row numbers; persistent indexes (the selection) follow their rows."""
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self.queue.row(index.row()).id if index.row() < len(self.queue) else None for index in before]
        self.queue.sort(COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        after = []
        for index, interview_id in zip(before, ids, strict=True):
            place = self.queue.position(interview_id) if interview_id else None
            after.append(QModelIndex() if place is None else self.index(place, index.column()))
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def retranslate(self) -> None:
        self.layoutAboutToBeChanged.emit()
        self._set_collator()
        self._cells.clear()
        self.queue.relabel()
        self.layoutChanged.emit()
        if len(self.queue):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.queue) - 1, len(COLUMNS) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def _set_collator(self) -> None:
        self._collator = QCollator(
            QLocale(QLocale.Language.Chinese if self.tr.lang == "zh" else QLocale.Language.English)
        )
        self._collator.setNumericMode(True)

    # -- words -----------------------------------------------------------------------------------

    def community_name(self, community_id: str | None) -> str:
        if not community_id:
            return self.tr("rq.no_community")
        return self._community_names.get(community_id, community_id)

    def protocol_title(self, protocol_id: str) -> str:
        labels = self._titles.get(protocol_id, {})
        return labels.get(self.tr.lang) or labels.get("zh") or protocol_id

    def role_word(self, role: str) -> str:
        return self.tr(f"role.{role}") if f"role.{role}" in all_keys() else role

    def _sort_label(self, column: str, row: QueueRow) -> str:
        return self._compose(row)[COL[column]]

    def _compose(self, row: QueueRow) -> list[str]:
        cells = self._cells.get(row.id)
        if cells is None:
            tr = self.tr
            by_name = {
                "status": status_word(tr, row.status),
                "flags": " · ".join(flag_word(tr, f) for f in row.flags),
                "community": self.community_name(row.community_id),
                "role": self.role_word(row.role),
                "protocol": f"{self.protocol_title(row.protocol_id)}（{row.protocol_version}）"
                if tr.lang == "zh"
                else f"{self.protocol_title(row.protocol_id)} ({row.protocol_version})",
                "fieldworker": row.fieldworker,
                "ended": local_time(row.ended_at),
                "duration": duration_text(row.seconds),
                "comments": str(row.comments) if row.comments else "",
            }
            cells = self._cells[row.id] = [by_name[name] for name in COLUMNS]
        return cells

    def text(self, row: int, column: int) -> str:
        return self._compose(self.queue.row(row))[column]

    def interview_id(self, row: int) -> str:
        return self.queue.row(row).id

    def row_of(self, interview_id: str) -> int | None:
        return self.queue.position(interview_id)

    # -- Qt model --------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.queue)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row, column = self.queue.row(index.row()), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._compose(row)[column]
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL["status"]:
                return self._brushes.get(row.status)
            if column == COL["flags"]:
                return self._flag_brush
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (COL["duration"], COL["comments"]) else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL["flags"], COL["protocol"], COL["community"]):
            return self._compose(row)[column] or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(f"rq.col.{COLUMNS[section]}")
        return None
