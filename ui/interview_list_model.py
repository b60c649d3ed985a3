"""The list of interviews as a Qt table model, and the proxy that sorts, searches and filters it.

A row's cells are composed the first time they are needed and then cached (again after a language
change), so opening the app on thousands of interviews costs only the rows on screen and `data()`
is a list lookup. Sorting is a permutation of ranks computed once per column (the proxy hands
`sort()` to the model); the proxy filters. The view is never rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from yingzao.core.store.records import STATUSES, Community, Interview, ListedInterview
from yingzao.core.timestamps import to_local
from yingzao.ui.i18n import Translator, add_strings, all_keys

Row = Interview | ListedInterview  # the store's list reads only the fields shown (ListedInterview)

add_strings(
    {
        "list.col.status": ("状态", "Status"),
        "list.col.role": ("受访者角色", "Respondent"),
        "list.col.community": ("社区", "Community"),
        "list.col.protocol": ("提纲（版本）", "Protocol (version)"),
        "list.col.fieldworker": ("访员", "Fieldworker"),
        "list.col.started": ("开始时间", "Started"),
        "list.col.updated": ("最后修改", "Last change"),
        "list.col.progress": ("进度", "Progress"),
        "list.col.outcome": ("结果", "Outcome"),
        "list.outcome.consent_refused": ("拒绝受访", "Consent refused"),
        "list.no_community": ("（不针对单个社区）", "(not a single community)"),
        "list.protocol": ("{title}（{version}）", "{title} ({version})"),
    }
)

COLUMNS = ("status", "progress", "role", "community", "protocol", "fieldworker", "started", "updated", "outcome")
COL = {name: i for i, name in enumerate(COLUMNS)}
ID_ROLE = Qt.ItemDataRole.UserRole  # the interview id of a row
_STATUS_COLOURS = {"draft": "#a35200", "rejected": "#b3261e", "approved": "#2e7d32", "completed": "#555555"}
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


def local_time(iso: str | None) -> str:
    """'2026-03-05T06:03:00.000Z' -> '2026-03-05 14:03' in this computer's time zone; '' if unreadable."""
    moment = to_local(iso)
    if moment is None:
        return iso or ""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}"


def default_order(interviews: Iterable[Row]) -> list[Row]:
    """What the fieldworker still has to work on first (drafts and interviews sent back), then the
    rest; the most recently changed first within each."""
    by_change = sorted(interviews, key=lambda i: i.updated_at, reverse=True)
    return sorted(by_change, key=lambda i: i.status not in ("draft", "rejected"))


class InterviewListModel(QAbstractTableModel):
    """Rows are kept in the default order; `sort()` only changes `_view`, the order they are shown in.

    The model may be given only the first rows of a long list, with a way to read the rest (see
    `reload`): the view asks for them when scrolled to the end (`canFetchMore`/`fetchMore`), and
    whatever needs every row (a search, a filter, another sort order, finding an interview) reads
    them first. Opening the app on thousands of interviews then reads only the rows on screen."""

    def __init__(self, tr: Translator, parent=None) -> None:
        super().__init__(parent)
        self.tr = tr
        self._rows: list[Row] = []  # the default order: drafts first, newest change first
        self._community_names: dict[str, str] = {}
        self._titles: dict[str, dict[str, str]] = {}
        self._text: list[list[str] | None] = []  # per row, made when first needed
        self._rank: list[list[int] | None] = []  # per column: row -> its position when sorted by that column
        self._haystack: list[str] = []
        self._index_of: dict[str, int] = {}
        self._view: list[int] = []  # shown row -> row of _rows
        self._shown_at: list[int] = []  # row of _rows -> shown row
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self._rest: Callable[[], tuple[Iterable[Row], Mapping[str, Mapping[str, str]]]] | None = None
        # (reads every row, and their protocols' titles, when only the first rows are here)
        self._total = 0  # rows in the whole list, read or not
        # colours, not QBrushes: the view draws a QColor the same, and QBrush's first use costs start-up ms
        self._colours = {status: QColor(colour) for status, colour in _STATUS_COLOURS.items()}

    # -- filling -----------------------------------------------------------------------------

    def reload(
        self,
        interviews: Iterable[Row],
        communities: Iterable[Community],
        titles: Mapping[str, Mapping[str, str]],
        *,
        rest: Callable[[], tuple[Iterable[Row], Mapping[str, Mapping[str, str]]]] | None = None,
        total: int | None = None,
    ) -> None:
        """Show these interviews. `titles` maps a protocol's sha256 to its titles by language.

        With `rest`, `interviews` are only the first rows of the list in its default order, `total`
        rows long, and `rest()` reads the whole list and its titles (rows already here are skipped)."""
        self.beginResetModel()
        self._rows = default_order(interviews)
        self._rest = rest if total is not None and total > len(self._rows) else None
        self._total = total if self._rest is not None else len(self._rows)  # type: ignore[assignment]
        self._community_names = {c.id: c.name for c in communities}
        self._titles = {sha: dict(labels) for sha, labels in titles.items()}
        self._index_of = {i.id: n for n, i in enumerate(self._rows)}
        self._compose()
        self._arrange()
        self.endResetModel()

    def retranslate(self) -> None:
        """Recompute the words in place: rows, selection and scroll position stay."""
        self.layoutAboutToBeChanged.emit()  # text columns sort differently in another language
        self._compose()
        self._arrange_keeping_persistent()
        self.layoutChanged.emit()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def total(self) -> int:
        """Interviews in the list, including those not read yet."""
        return self._total

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and self._rest is not None

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not parent.isValid():
            self.read_all()

    def read_all(self) -> None:
        """Read the rows not read yet: they follow the others, as the list's default order has them."""
        rest, self._rest = self._rest, None
        if rest is None:
            return
        rows, titles = rest()
        new = [row for row in rows if row.id not in self._index_of]
        self._titles.update((sha, dict(labels)) for sha, labels in titles.items() if sha not in self._titles)
        self._total = len(self._rows) + len(new)
        if not new:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        self._rows.extend(new)
        for n, interview in enumerate(new, start):
            self._index_of[interview.id] = n
        self._text.extend([None] * len(new))  # type: ignore[list-item]
        self._rank = [None] * len(COLUMNS)  # type: ignore[list-item]
        self._haystack = []
        self._arrange()  # still the default order: any other is sorted only once every row is here
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is a permutation of precomputed ranks: no data() calls, no text comparisons."""
        if (column, order) != (COL["status"], Qt.SortOrder.AscendingOrder):
            self.read_all()  # the default order is the one the first rows were read in
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._arrange_keeping_persistent()
        self.layoutChanged.emit()

    def _arrange(self) -> None:
        column, order = self._sort
        n = len(self._rows)
        if 0 <= column < len(COLUMNS) and n:
            if COLUMNS[column] == "status" and order == Qt.SortOrder.AscendingOrder:
                self._view = list(range(n))  # the default order needs no ranking
            else:
                rank = self._column_rank(column)
                self._view = sorted(range(n), key=rank.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        else:
            self._view = list(range(n))
        self._shown_at = [0] * n
        for shown, row in enumerate(self._view):
            self._shown_at[row] = shown

    def _arrange_keeping_persistent(self) -> None:
        before = self.persistentIndexList()
        rows = [self._view[index.row()] for index in before]
        self._arrange()
        self.changePersistentIndexList(
            before, [self.index(self._shown_at[row], index.column()) for row, index in zip(rows, before)]
        )

    def _compose(self) -> None:
        """Forget the words: each row's cells are made when first shown (see `_cells`), ranks when
        a column is first sorted and the search text when a search first runs, so opening the app
        on thousands of interviews costs only the rows on screen."""
        tr = self.tr
        self._status_text = {s: tr(f"status.{s}") for s in STATUSES}
        self._refused = tr("list.outcome.consent_refused")
        self._no_community = tr("list.no_community")
        self._role_text: dict[str, str] = {}
        self._protocol_text: dict[tuple[str, str], str] = {}
        self._text = [None] * len(self._rows)  # type: ignore[list-item]
        self._rank = [None] * len(COLUMNS)  # type: ignore[list-item]
        self._haystack = []

    def _cells(self, row: int) -> list[str]:
        cells = self._text[row]
        if cells is not None:
            return cells
        tr, lang = self.tr, self.tr.lang
        interview = self._rows[row]
        role = interview.respondent_role
        if role not in self._role_text:
            self._role_text[role] = tr(f"role.{role}") if _has_key(f"role.{role}") else role
        key = (interview.protocol_sha256, interview.protocol_version)
        if key not in self._protocol_text:
            labels = self._titles.get(interview.protocol_sha256, {})
            title = labels.get(lang) or labels.get("zh") or interview.protocol_id
            self._protocol_text[key] = tr("list.protocol", title=title, version=interview.protocol_version)
        community = interview.community_id
        by_name = {
            "status": self._status_text.get(interview.status, interview.status),
            "progress": f"{interview.progress}%",
            "role": self._role_text[role],
            "community": self._community_names.get(community, community) if community else self._no_community,
            "protocol": self._protocol_text[key],
            "fieldworker": interview.fieldworker or "",
            "started": local_time(interview.started_at),
            "updated": local_time(interview.updated_at),
            "outcome": self._refused if interview.outcome == "consent_refused" else (interview.outcome or ""),
        }
        cells = [by_name[name] for name in COLUMNS]
        self._text[row] = cells
        return cells

    def text(self, row: int, column: int) -> str:
        """What row `row` (in the default order) shows in `column`."""
        return self._cells(row)[column]

    def _haystacks(self) -> list[str]:
        if len(self._haystack) != len(self._rows):
            self._haystack = [
                " ".join(self._cells(n)).casefold() + " " + (i.community_id or "").casefold()
                for n, i in enumerate(self._rows)
            ]
        return self._haystack

    def _column_rank(self, column: int) -> list[int]:
        rank = self._rank[column]
        if rank is None:
            rank = self._rank[column] = self._ranks_for(column, self.tr.lang)
        return rank

    def _ranks_for(self, column: int, lang: str) -> list[int]:
        n = len(self._rows)
        name = COLUMNS[column]
        if name == "status":  # ascending status is the default order: drafts first, newest first
            return list(range(n))
        if name in ("started", "updated", "progress"):
            keys: list = [getattr(i, f"{name}_at" if name != "progress" else name) for i in self._rows]
        else:  # few distinct words: order them once with the collator (pinyin for Chinese)
            collator = QCollator(QLocale(QLocale.Language.Chinese if lang == "zh" else QLocale.Language.English))
            collator.setNumericMode(True)
            texts = [self._cells(row)[column] for row in range(n)]
            words = sorted(set(texts), key=collator.sortKey)
            position = {word: p for p, word in enumerate(words)}
            keys = [position[text] for text in texts]
        order = sorted(range(n), key=keys.__getitem__)  # stable: ties keep the default order
        rank = [0] * n
        for place, row in enumerate(order):
            rank[row] = place
        return rank

    # -- reading (rows as shown) ---------------------------------------------------------------

    def interview(self, row: int) -> Row:
        return self._rows[self._view[row]]

    def interview_id(self, row: int) -> str:
        return self._rows[self._view[row]].id

    def row_of(self, interview_id: str) -> int | None:
        if interview_id not in self._index_of:
            self.read_all()
        index = self._index_of.get(interview_id)
        return None if index is None else self._shown_at[index]

    def matches(
        self, row: int, terms: list[str], statuses: frozenset[str] | None, roles: frozenset[str] | None
    ) -> bool:
        index = self._view[row]
        interview = self._rows[index]
        if statuses is not None and interview.status not in statuses:
            return False
        if roles is not None and interview.respondent_role not in roles:
            return False
        if not terms:
            return True
        haystack = self._haystacks()[index]
        return all(term in haystack for term in terms)

    # -- Qt model ----------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row, column = self._view[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(row)[column]
        if role == ID_ROLE:
            return self._rows[row].id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER if column == COL["progress"] else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole and column == COL["status"]:
            return self._colours.get(self._rows[row].status)
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL["community"], COL["protocol"]):
            return self._cells(row)[column]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(f"list.col.{COLUMNS[section]}")
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER if section == COL["progress"] else _LEFT
        return None


class InterviewFilter(QSortFilterProxyModel):
    """Free-text search over every column (case-insensitive; all words must match), status and role sets.

    Sorting is passed on to the source model (see `sort`), which is much cheaper than letting the
    proxy compare 5,000 rows through Python `data()` calls."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._terms: list[str] = []
        self._statuses: frozenset[str] | None = None
        self._roles: frozenset[str] | None = None
        self.setDynamicSortFilter(True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The source model sorts itself from precomputed ranks; this proxy keeps its order and only filters."""
        model = self.sourceModel()
        if isinstance(model, InterviewListModel):
            model.sort(column, order)
        else:
            super().sort(column, order)

    def set_search(self, text: str) -> None:
        terms = text.casefold().split()
        if terms != self._terms:
            self._change(lambda: setattr(self, "_terms", terms))

    def set_statuses(self, statuses: Iterable[str] | None) -> None:
        """Only these statuses; None shows every status."""
        wanted = None if statuses is None else frozenset(statuses)
        if wanted != self._statuses:
            self._change(lambda: setattr(self, "_statuses", wanted))

    def set_roles(self, roles: Iterable[str] | None) -> None:
        """Only these respondent roles; None shows every role."""
        wanted = None if roles is None else frozenset(roles)
        if wanted != self._roles:
            self._change(lambda: setattr(self, "_roles", wanted))

    @property
    def filtering(self) -> bool:
        """A search or a filter hides rows."""
        return bool(self._terms) or self._statuses is not None or self._roles is not None

    def _change(self, apply) -> None:
        model = self.sourceModel()
        if isinstance(model, InterviewListModel):
            model.read_all()  # a search or a filter looks at every row
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            apply()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            apply()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.filtering:
            return True  # called for every row on each reload: keep the common case cheap
        model = self.sourceModel()
        if not isinstance(model, InterviewListModel):
            return True
        return model.matches(source_row, self._terms, self._statuses, self._roles)


def _has_key(key: str) -> bool:
    return key in all_keys()  # a role the app has no words for is shown as stored
