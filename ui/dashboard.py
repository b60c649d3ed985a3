"""The progress dashboard: interviews by community × role × status as a painted bar chart, and the
coverage of the coding frame's dimensions, actors and factors per community as a painted grid whose
empty cells say "no evidence yet" — what a supervisor looks at to decide whom to interview next.

The numbers come from `yingzao.core.review.dashboard`, computed off the UI thread (QPainter only: the app ships
PySide6-Essentials, without QtCharts).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from yingzao.core.forms.codebook import FAMILIES, INTERVIEW_FAMILIES, Codebook
from yingzao.core.review import dashboard
from yingzao.core.store.database import Store
from yingzao.core.store.records import STATUSES
from yingzao.ui.background import Job
from yingzao.ui.i18n import Translator, add_strings
from yingzao.ui.page_bar import page_layout
from yingzao.ui.review_model import status_word

add_strings(
    {
        "dash.title": ("进度看板", "Progress dashboard"),
        "dash.back": ("返回审核队列", "Back to the queue"),
        "dash.refresh": ("刷新", "Refresh"),
        "dash.working": ("正在统计……", "Counting…"),
        "dash.counts": ("访谈数：按社区、受访者角色和状态", "Interviews by community, respondent role and status"),
        "dash.coverage": (
            "编码覆盖：各社区的营造维度、动力机制和影响因素",
            "Coverage of dimensions, actors and factors per community",
        ),
        "dash.coverage_note": (
            "数字是已完成访谈中，标有该编码的问题的有效回答数（不含草稿、空白和跳过）；"
            "红色“—”表示该社区还没有这方面的证据。",
            "Each number counts the answered, non-empty answers to questions tagged with that code in "
            "finalised interviews (no drafts, blanks or skipped questions); a red “—” means no evidence "
            "yet in that community.",
        ),
        "dash.gaps": ("{community} 尚无证据：{codes}", "{community} has no evidence yet for: {codes}"),
        "dash.no_gaps": (
            "每个社区的各维度、动力和因素都已有证据。",
            "Every community has evidence for every dimension, actor and factor.",
        ),
        "dash.empty": ("还没有访谈。", "No interviews yet."),
        "dash.no_community": ("（不针对单个社区）", "(no single community)"),
        "dash.none_yet": ("尚无证据", "no evidence yet"),
        "dash.join": ("、", ", "),
    }
)

STATUS_COLOURS = {"draft": "#d9a441", "completed": "#8fa9c7", "approved": "#5b9f5f", "rejected": "#c9544d"}
_EMPTY_CELL = QColor("#fbe3e1")
_UNBREAKABLE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef/-]+[/-]?")
_EMPTY_TEXT = QColor("#b3261e")


class CountsChart(QWidget):
    """Horizontal stacked bars: one per community × role, a segment per status; the community is
    named beside its first bar and a line separates communities."""

    ROW, BAR, LEGEND = 24, 15, 30

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tr = tr
        self.lines: list[tuple[str, str, dict[str, int]]] = []  # (community label, role label, counts)
        self.setMinimumHeight(self.LEGEND + self.ROW)

    def set_counts(self, lines: list[tuple[str, str, dict[str, int]]]) -> None:
        self.lines = lines
        self.setMinimumHeight(self.LEGEND + self.ROW * max(1, len(lines)) + 8)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(800, self.minimumHeight())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        x = 0
        for status in STATUSES:  # legend
            painter.fillRect(QRectF(x, 8, 12, 12), QColor(STATUS_COLOURS[status]))
            word = status_word(self.tr, status)
            painter.setPen(QColor("#333"))
            painter.drawText(
                QRectF(x + 16, 2, metrics.horizontalAdvance(word) + 4, 24), Qt.AlignmentFlag.AlignVCenter, word
            )
            x += 16 + metrics.horizontalAdvance(word) + 18
        if not self.lines:
            painter.drawText(
                QRectF(0, self.LEGEND, self.width(), self.ROW), Qt.AlignmentFlag.AlignVCenter, self.tr("dash.empty")
            )
            return
        bold = QFont(self.font())
        bold.setBold(True)
        community_width = max(QFontMetrics(bold).horizontalAdvance(c) for c, _, _ in self.lines) + 16
        role_width = max(metrics.horizontalAdvance(role) for _, role, _ in self.lines) + 16
        left_edge = community_width + role_width
        area = max(80, self.width() - left_edge - 50)
        largest = max(sum(counts.values()) for _, _, counts in self.lines) or 1
        y, current = self.LEGEND, None
        for community, role, counts in self.lines:
            if community != current:
                current = community
                painter.setPen(QPen(QColor("#e2ddd2")))
                painter.drawLine(0, int(y), self.width(), int(y))
                painter.setFont(bold)
                painter.setPen(QColor("#222"))
                painter.drawText(QRectF(0, y, community_width, self.ROW), Qt.AlignmentFlag.AlignVCenter, community)
                painter.setFont(self.font())
            painter.setPen(QColor("#444"))
            painter.drawText(QRectF(community_width, y, role_width, self.ROW), Qt.AlignmentFlag.AlignVCenter, role)
            left = float(left_edge)
            top = y + (self.ROW - self.BAR) / 2
            for status in STATUSES:
                n = counts.get(status, 0)
                if not n:
                    continue
                width = area * n / largest
                painter.fillRect(QRectF(left, top, width, self.BAR), QColor(STATUS_COLOURS[status]))
                if metrics.horizontalAdvance(str(n)) + 6 < width:
                    painter.setPen(QColor("#fff" if status in ("approved", "rejected") else "#222"))
                    painter.drawText(QRectF(left, top, width, self.BAR), Qt.AlignmentFlag.AlignCenter, str(n))
                left += width
            painter.setPen(QColor("#333"))
            painter.drawText(
                QRectF(left + 6, y, 44, self.ROW), Qt.AlignmentFlag.AlignVCenter, str(sum(counts.values()))
            )
            y += self.ROW


class CoverageGrid(QWidget):
    """Rows: communities; columns: the 12 codes of families 1–3 under a band naming each family.

    The grid fits the width it is given (1024 px windows included): the code labels wrap, and when
    a long word still does not fit its column ("Organisational") their font is made smaller, so no
    header is cut off and no column is pushed out of sight behind a horizontal scroll."""

    ROW, MIN_CELL, PAD = 28, 48, 4
    MIN_POINTS = 6.0  # the smallest header font: below this a label is no longer readable (DejaVu, with no CJK font, needs it in English)

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tr = tr
        self.rows: list[str] = []  # community labels
        self.columns: list[str] = []  # code labels
        self.families: list[tuple[str, int]] = []  # (family label, number of codes)
        self.cells: list[list[int]] = []
        self.tips: list[str] = []

    def set_grid(
        self,
        rows: list[str],
        families: list[tuple[str, int]],
        columns: list[str],
        cells: list[list[int]],
        tips: list[str],
    ) -> None:
        self.rows, self.families, self.columns, self.cells, self.tips = rows, families, columns, cells, tips
        self.setMinimumWidth(self._label_width() + len(columns) * self.MIN_CELL)
        self._fit_height()
        self.updateGeometry()
        self.update()

    def cell_text(self, row: int, column: int) -> str:
        n = self.cells[row][column]
        return str(n) if n else "—"

    def _label_width(self) -> int:
        return max([self.fontMetrics().horizontalAdvance(r) for r in self.rows] + [60]) + 20

    def _cell_width(self) -> float:
        return max(float(self.MIN_CELL), (self.width() - self._label_width()) / max(1, len(self.columns)))

    _WRAP = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)

    def _fits(self, font: QFont, text: str, width: float) -> bool:
        # a word wider than its column would be cut; a wrapped label must keep every word whole
        # (lines break after "/" and "-", and between any two Chinese characters)
        metrics = QFontMetrics(font)
        return all(metrics.horizontalAdvance(word) <= width for word in _UNBREAKABLE.findall(text))

    def header_font(self, bold: bool, texts: list[tuple[str, float]]) -> QFont:
        """The widget's font, made smaller only as far as the longest word of each (text, width) needs."""
        font = QFont(self.font())
        font.setBold(bold)
        points = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
        while points > self.MIN_POINTS and not all(self._fits(font, t, width) for t, width in texts):
            points -= 0.5
            font.setPointSizeF(points)
        return font

    def header_cells(self) -> list[tuple[str, QRectF, QFont]]:
        """Every header text with the rectangle and font it is drawn in (the family bands, then the
        code labels): what paintEvent draws, and what a layout test measures."""
        left, width = self._label_width(), self._cell_width()
        inner = width - 2 * self.PAD
        band_font = self.header_font(True, [(f, width * count - 2 - 2 * self.PAD) for f, count in self.families])
        code_font = self.header_font(False, [(label, inner) for label in self.columns])
        flags = self._WRAP
        band_height = (
            max(
                [
                    QFontMetrics(band_font)
                    .boundingRect(0, 0, int(width * count - 2 - 2 * self.PAD), 10_000, flags, family)
                    .height()
                    for family, count in self.families
                ]
                + [QFontMetrics(band_font).lineSpacing()]
            )
            + 10
        )
        code_height = (
            max(
                [
                    QFontMetrics(code_font).boundingRect(0, 0, int(inner), 10_000, flags, label).height()
                    for label in self.columns
                ]
                + [QFontMetrics(code_font).lineSpacing()]
            )
            + 10
        )
        cells: list[tuple[str, QRectF, QFont]] = []
        x = float(left)
        for family, count in self.families:
            cells.append(
                (family, QRectF(x + self.PAD, 0, width * count - 2 - 2 * self.PAD, band_height - 2), band_font)
            )
            x += width * count
        for c, label in enumerate(self.columns):
            cells.append((label, QRectF(left + c * width + self.PAD, band_height, inner, code_height), code_font))
        self._header_height = band_height + code_height
        return cells

    @property
    def header_height(self) -> int:
        self.header_cells()
        return int(self._header_height)

    def _fit_height(self) -> None:
        height = self.header_height + self.ROW * max(1, len(self.rows)) + 4
        if self.minimumHeight() != height:
            self.setMinimumHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()  # narrower columns wrap the code labels onto more lines

    def sizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), self.minimumHeight())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        left, width = self._label_width(), self._cell_width()
        cells = self.header_cells()
        for n, (_text, rect, _font) in enumerate(cells[: len(self.families)]):  # the family bands behind their names
            painter.fillRect(
                QRectF(rect.left() - self.PAD, 0, rect.width() + 2 * self.PAD, rect.height()),
                QColor("#efe9dc" if n % 2 == 0 else "#e4ecf3"),
            )
        painter.setPen(QColor("#333"))
        for text, rect, font in cells:
            painter.setFont(font)
            painter.drawText(rect, self._WRAP, text)
        painter.setFont(self.font())
        top = self._header_height
        largest = max([n for row in self.cells for n in row] + [1])
        for r, label in enumerate(self.rows):
            y = top + r * self.ROW
            painter.setPen(QColor("#222"))
            painter.drawText(QRectF(0, y, left - 8, self.ROW), Qt.AlignmentFlag.AlignVCenter, label)
            for c in range(len(self.columns)):
                n = self.cells[r][c]
                rect = QRectF(left + c * width, y, width - 2, self.ROW - 2)
                if n:
                    shade = QColor("#2e7d32")
                    shade.setAlphaF(0.12 + 0.5 * n / largest)
                    painter.fillRect(rect, shade)
                    painter.setPen(QColor("#1b3d1d"))
                else:
                    painter.fillRect(rect, _EMPTY_CELL)
                    painter.setPen(_EMPTY_TEXT)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.cell_text(r, c))

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip and self.columns:
            column = int((event.pos().x() - self._label_width()) // self._cell_width())
            row = int((event.pos().y() - self.header_height) // self.ROW)
            if 0 <= column < len(self.columns) and 0 <= row < len(self.rows):
                n = self.cells[row][column]
                from PySide6.QtWidgets import QToolTip

                QToolTip.showText(
                    event.globalPos(),
                    f"{self.rows[row]} · {self.tips[column]}: " + (str(n) if n else self.tr("dash.none_yet")),
                    self,
                )
                return True
        return super().event(event)


class DashboardView(QWidget):
    closed = Signal()
    refreshed = Signal()  # the numbers are on screen

    def __init__(self, store: Store, codebook: Codebook, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.codebook, self.tr = store, codebook, tr
        self.job: Job | None = None
        self.counts: dashboard.StatusCounts | None = None
        self.coverage: dashboard.Coverage | None = None
        self.names: dict[str, str] = {}
        outer, page_bar = page_layout(self)
        top, bar, self.back_button, self.title = page_bar.frame, page_bar.layout, page_bar.back_button, page_bar.title
        self.back_button.clicked.connect(self.closed.emit)
        self.status = QLabel(top)
        self.status.setStyleSheet("color: #666;")
        self.refresh_button = QPushButton(top)
        self.refresh_button.clicked.connect(self.refresh)
        bar.addWidget(self.status)
        bar.addWidget(self.refresh_button)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget(scroll)
        content.setObjectName("page")
        content.setStyleSheet("QWidget#page { background: white; }")
        column = QVBoxLayout(content)
        column.setContentsMargins(24, 16, 24, 24)
        column.setSpacing(10)
        self.counts_heading, self.coverage_heading = QLabel(content), QLabel(content)
        for heading in (self.counts_heading, self.coverage_heading):
            heading.setStyleSheet("font-size: 16px; font-weight: 700;")
        self.chart = CountsChart(tr, content)
        self.note = QLabel(content)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")
        self.grid = CoverageGrid(tr, content)
        self.gaps = QLabel(content)
        self.gaps.setWordWrap(True)
        self.gaps.setTextFormat(Qt.TextFormat.PlainText)
        self.gaps.setStyleSheet("color: #7a1010;")
        # coverage first: it is what decides whom to interview next
        for widget in (self.coverage_heading, self.note, self.grid, self.gaps, self.counts_heading, self.chart):
            column.addWidget(widget)
        column.addStretch(1)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)
        tr.on_change(self.retranslate)
        self.retranslate()
        self.refresh()

    def refresh(self) -> None:
        """Count again, off the UI thread (a second on 10,000 interviews)."""
        if self.job is not None:
            return
        path, codebook, read_only = self.store.path, self.codebook, self.store.read_only

        def work(job: Job):
            with Store(path, read_only=read_only) as store:  # read-only when another window has it
                names = {c.id: c.name for c in store.communities()}
                return job, dashboard.status_counts(store), dashboard.coverage(store, codebook), names

        self.job = Job(work)
        self.job.succeeded.connect(self._counted)  # bound to this widget: runs on the UI thread
        self.job.failed.connect(self._failed)
        self.status.setText(self.tr("dash.working"))
        self.job.start()

    def _counted(self, result) -> None:
        job, *numbers = result
        if job is not self.job:
            return  # queued before shutdown()
        self._end_job()
        self.counts, self.coverage, self.names = numbers
        self.status.setText("")
        self._show()
        self.refreshed.emit()

    def _failed(self, error) -> None:
        if self.job is None:
            return
        self._end_job()
        self.status.setText(str(error))

    def _end_job(self) -> None:
        if self.job is not None:
            self.job.wait()
        self.job = None

    def shutdown(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._end_job()

    def community_label(self, community: str | None) -> str:
        return self.names.get(community, community) if community else self.tr("dash.no_community")

    def _show(self) -> None:
        tr = self.tr
        if self.counts is not None:
            role_word = {
                r: tr(f"role.{r}") if r in ("official", "street_staff", "cadre", "profile") else r
                for r in self.counts.roles
            }
            self.chart.set_counts(
                [
                    (self.community_label(c), role_word[r], {s: self.counts.get(c, r, s) for s in STATUSES})
                    for c, r in self.counts.pairs()
                ]
            )
        if self.coverage is not None:
            coverage, lang = self.coverage, tr.lang
            families = [
                (
                    FAMILIES[f][0] if lang == "zh" else FAMILIES[f][1],
                    sum(1 for c in coverage.codes if self.codebook.get(c).family == f),
                )
                for f in INTERVIEW_FAMILIES
            ]
            labels = [self.codebook.get(c).label(lang) for c in coverage.codes]
            self.grid.set_grid(
                [self.community_label(c) for c in coverage.communities],
                families,
                labels,
                [[coverage.get(r, c) for c in coverage.codes] for r in coverage.communities],
                [f"{self.codebook.get(c).label(lang)} ({c})" for c in coverage.codes],
            )
            gaps = [
                tr(
                    "dash.gaps",
                    community=self.community_label(c),
                    codes=tr("dash.join").join(self.codebook.get(code).label(lang) for code in missing),
                )
                for c in coverage.communities
                if (missing := coverage.missing(c))
            ]
            self.gaps.setText("\n".join(gaps) if gaps else tr("dash.no_gaps"))
            self.gaps.setStyleSheet("color: #7a1010;" if gaps else "color: #2e7d32;")

    def retranslate(self) -> None:
        tr = self.tr
        self.back_button.setText("← " + tr("dash.back"))
        self.title.setText(tr("dash.title"))
        self.refresh_button.setText(tr("dash.refresh"))
        self.counts_heading.setText(tr("dash.counts"))
        self.coverage_heading.setText(tr("dash.coverage"))
        self.note.setText(tr("dash.coverage_note"))
        self._show()
