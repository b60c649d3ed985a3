"""The interview as a readable document for coding: each question's label, the answer, the
fieldworker's note and markers; coded spans highlighted, coloured stripes in the margin naming
their codes, and the protocol's suggestions shown distinctly with accept / narrow / reject in place.
A repeat's entries follow each other under headings ("2.1 各个组织 · 第 2 项"), each with its
questions' answers and notes; a segment there is keyed by the answer's key (`org_story#k3f9…`),
which is what a coding of it records as its question.

The document is read-only and built once per interview. Highlights are extra selections (the text
is never re-laid out for them), and every offset passes through `ui.coding_offsets` because a Qt
position counts UTF-16 units where a coding counts code points.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QToolTip, QWidget

from yingzao.core.coding.codebook import ResearchCodebook
from yingzao.core.coding.codings import Span
from yingzao.core.coding.suggestions import Suggestion
from yingzao.core.coding.text import CHOICE_TYPES, answer_text
from yingzao.core.forms import answer_keys, repeats
from yingzao.core.forms.engine import question_numbers
from yingzao.core.forms.protocol import Protocol, pick
from yingzao.core.store.codings import Coding
from yingzao.core.store.records import Answer
from yingzao.ui.coding_offsets import TextOffsets
from yingzao.ui.i18n import Translator, add_strings

add_strings(
    {
        "coding.doc.note": ("访员备注：", "Fieldworker's note: "),
        "coding.doc.marker.skipped": ("【跳过】", "[skipped]"),
        "coding.doc.marker.refused": ("【拒答】", "[refused]"),
        "coding.doc.marker.dont_know": ("【不知道】", "[don't know]"),
        "coding.doc.empty": ("（这份访谈还没有回答。）", "(This interview has no answers yet.)"),
        "coding.doc.suggested": ("提纲建议：", "Suggested by the protocol: "),
        "coding.doc.accept": ("接受", "accept"),
        "coding.doc.narrow": ("缩小到所选", "narrow to selection"),
        "coding.doc.reject": ("拒绝", "reject"),
        "coding.doc.whole": ("（选择题，整体编码）", "(choice answer, coded whole)"),
    }
)

MARGIN_WIDTH = 176
LANE = 7  # px between stripes
STRIPE = 4  # px wide


@dataclass(frozen=True)
class Segment:
    """One codable text in the document: an answer or a note, where it starts (a Qt position)."""

    question: str
    target: str
    start: int
    text: str  # the text the core's offsets count in
    offsets: TextOffsets
    shown: int  # Qt positions the text takes on screen (a choice answer shows its labels instead)
    whole_only: bool

    @property
    def end(self) -> int:
        return self.start + self.shown

    def doc_pos(self, point: int) -> int:
        if self.whole_only:
            return self.start if point <= 0 else self.end
        return self.start + self.offsets.to_qt(point)

    def point(self, pos: int) -> int:
        if self.whole_only:
            return 0 if pos <= self.start else len(self.text)
        return self.offsets.from_qt(pos - self.start)


def lighter(colour: str, alpha: int = 70) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


class CodingDocument(QTextBrowser):
    """The read-only transcript. Emits `suggestion_link(action, index)` for the in-place links."""

    suggestion_link = Signal(str, int)

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tr = tr
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.anchorClicked.connect(self._link)
        self.segments: list[Segment] = []
        self._by_key: dict[tuple[str, str], Segment] = {}
        self.suggestions: list[Suggestion] = []
        self.codings: list[Coding] = []
        self.book: ResearchCodebook | None = None
        self._highlights: dict[tuple[str, str, int, int, str], QTextEdit.ExtraSelection] = {}
        self.margin = CodingMargin(self)
        self.setViewportMargins(0, 0, MARGIN_WIDTH, 0)
        self.verticalScrollBar().valueChanged.connect(self.margin.update)
        self.document().setDocumentMargin(14)

    # -- building ------------------------------------------------------------------------------

    def build(
        self,
        protocol: Protocol,
        answers: dict[str, Answer],
        suggestions: list[Suggestion],
        lang: str,
    ) -> None:
        """Lay the interview out as a document. Keeps the scroll position when rebuilt."""
        scroll = self.verticalScrollBar().value()
        doc = QTextDocument(self)
        doc.setDocumentMargin(14)
        doc.setDefaultFont(self.font())
        cursor = QTextCursor(doc)
        self.segments, self._by_key = [], {}
        self.suggestions = list(suggestions)
        by_question: dict[str, list[int]] = {}
        for index, suggestion in enumerate(self.suggestions):
            by_question.setdefault(suggestion.question, []).append(index)
        plain, label, section_fmt, grey, link = _formats(self.font())
        entry_fmt = QTextCharFormat(label)
        entry_fmt.setForeground(QColor("#6d5200"))
        first = True
        section = None

        def block(top: int, fmt: QTextCharFormat) -> None:
            nonlocal first
            block_format = QTextBlockFormat()
            block_format.setTopMargin(top)
            if first:
                cursor.setBlockFormat(block_format)
                cursor.setBlockCharFormat(fmt)
                first = False
            else:
                cursor.insertBlock(block_format, fmt)

        def segment(question: str, target: str, text: str, shown_text: str | None = None) -> None:
            start = cursor.position()
            if shown_text is None:
                cursor.insertText(text, plain)
                offsets = TextOffsets(text)
                shown = cursor.position() - start
                whole = False
            else:
                cursor.insertText(shown_text, plain)
                offsets = TextOffsets(text)
                shown = cursor.position() - start
                whole = True
            found = Segment(question, target, start, text, offsets, shown, whole)
            self.segments.append(found)
            self._by_key[(question, target)] = found

        sections = {name: s for s in protocol.sections for name in s.questions}
        lists = answer_keys.instance_lists(protocol, answers)
        numbers = question_numbers(protocol)
        entry = None  # the (repeat, instance) whose heading was written last
        for key in answer_keys.answerable_keys(protocol, lists):
            answer = answers.get(key)
            if answer is None or (answer.is_empty and not answer.note):
                continue
            question = protocol.question(key)
            owner = sections.get(question.name)
            if owner is not None and owner.name != section:
                section, entry = owner.name, None
                block(18, section_fmt)
                cursor.insertText(pick(owner.labels, lang) or owner.name, section_fmt)
            repeat = question.repeat
            if repeat is not None and entry != (repeat, repeats.split(key)[1]):
                entry = (repeat, repeats.split(key)[1])
                position = answer_keys.entry_position(key, lists.get(repeat, []))
                block(14, entry_fmt)
                cursor.insertText(
                    answer_keys.instance_heading(protocol, repeat, position, lang, numbers=numbers), entry_fmt
                )
            block(12, label)
            number = numbers.get(question.name, "")
            cursor.insertText(f"{number} {pick(question.labels, lang) or question.name}".strip(), label)
            if answer.marker is not None:
                block(2, grey)
                cursor.insertText(self.tr(f"coding.doc.marker.{answer.marker}"), grey)
            elif not answer.is_empty:
                block(2, plain)
                text = answer_text(answer, "answer")
                if question.type in CHOICE_TYPES and question.list_name:
                    names = text.split() if question.type == "select_multiple" else [text]
                    shown = "、".join(protocol.choice_label(question.list_name, n, lang) or n for n in names)
                    segment(key, "answer", text, shown)
                    cursor.insertText(" " + self.tr("coding.doc.whole"), grey)
                else:
                    segment(key, "answer", text)
            if answer.note:
                block(2, grey)
                cursor.insertText(self.tr("coding.doc.note"), grey)
                segment(key, "note", answer.note)
            for index in by_question.get(key, []):
                suggestion = self.suggestions[index]
                block(2, grey)
                cursor.insertText(self.tr("coding.doc.suggested"), grey)
                code_fmt = QTextCharFormat(grey)
                code_fmt.setFontWeight(QFont.Weight.Bold)
                code_fmt.setForeground(QColor(self.book.colour(suggestion.code) if self.book else "#555"))
                cursor.insertText(self._code_label(suggestion.code, lang) + "  ", code_fmt)
                for action in ("accept", "narrow", "reject"):
                    anchor = QTextCharFormat(link)
                    anchor.setAnchor(True)
                    anchor.setAnchorHref(f"suggestion:{action}:{index}")
                    cursor.insertText(self.tr(f"coding.doc.{action}"), anchor)
                    cursor.insertText("  ", grey)
        if first:
            cursor.insertText(self.tr("coding.doc.empty"), grey)
        self.setDocument(doc)
        self._highlights = {}
        self.margin.invalidate(layout=True)
        self._apply_highlights()
        self.verticalScrollBar().setValue(scroll)

    def _code_label(self, code_id: str, lang: str) -> str:
        if self.book is not None and self.book.has(code_id):
            return self.book.get(code_id).label(lang)
        return code_id

    def coding_caption(self, coding: Coding | Stripe) -> str:
        """A coding as its stripe, tooltip and menu name it: its code, and the communities it is
        attributed to, if any (e.g. 产业类型 → A, B)."""
        label = self._code_label(coding.code, self.tr.lang)
        attributed = coding.communities.split()
        return f"{label} → {', '.join(attributed)}" if attributed else label

    # -- codings on screen ---------------------------------------------------------------------

    def set_codings(self, codings: list[Coding]) -> None:
        self.codings = list(codings)
        self._apply_highlights()

    def _apply_highlights(self) -> None:
        selections = []
        for coding in self.codings:
            key = (coding.question, coding.target, coding.start, coding.end, self._colour(coding.code))
            selection = self._highlights.get(key)
            if selection is None:
                found = self.cursor_for(coding.question, coding.target, coding.start, coding.end)
                if found is None:
                    continue
                selection = QTextEdit.ExtraSelection()
                selection.cursor = found
                fmt = QTextCharFormat()
                fmt.setBackground(QBrush(lighter(key[4])))
                selection.format = fmt
                self._highlights[key] = selection  # kept for this document: recoding is frequent
            selections.append(selection)
        for suggestion in self.suggestions:
            segment = self._by_key.get((suggestion.question, "answer"))
            if segment is None:
                continue
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor(segment.start, segment.end)
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(QColor(self._colour(suggestion.code)))
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)
        self.margin.invalidate()

    def _colour(self, code_id: str) -> str:
        if self.book is not None and self.book.has(code_id):
            return self.book.colour(code_id)
        return "#7f7f7f"

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def segment(self, question: str, target: str) -> Segment | None:
        return self._by_key.get((question, target))

    def cursor_for(self, question: str, target: str, start: int, end: int) -> QTextCursor | None:
        """A document cursor selecting a span given in code points (None if not on screen)."""
        segment = self._by_key.get((question, target))
        if segment is None or end > len(segment.text):
            return None
        return self._cursor(segment.doc_pos(start), segment.doc_pos(end))

    def segment_at(self, pos: int) -> Segment | None:
        for segment in self.segments:
            if segment.start <= pos <= segment.end:
                return segment
        return None

    def selected_span(self, interview_id: str) -> Span | None:
        """The selection as a span of one answer or note, or None when it is empty or crosses texts."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        segment = self.segment_at(start)
        if segment is None or end > segment.end:
            return None
        a, b = segment.point(start), segment.point(end)
        if a == b:
            return None
        return Span(interview_id, segment.question, segment.target, a, b)

    def select_span(self, question: str, target: str, start: int, end: int) -> bool:
        cursor = self.cursor_for(question, target, start, end)
        if cursor is None:
            return False
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def codings_at(self, pos: int) -> list[Coding]:
        segment = self.segment_at(pos)
        if segment is None:
            return []
        point = segment.point(pos)
        return [
            c
            for c in self.codings
            if c.question == segment.question and c.target == segment.target and c.start <= point <= c.end
        ]

    def _link(self, url) -> None:
        parts = url.toString().split(":")
        if len(parts) == 3 and parts[0] == "suggestion":
            self.suggestion_link.emit(parts[1], int(parts[2]))

    def link_position(self, action: str, index: int) -> int | None:
        """Where the in-place link for a suggestion is (a document position), for keyboard and tests."""
        href = f"suggestion:{action}:{index}"
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.charFormat().anchorHref() == href:
                    return fragment.position()
                it += 1
            block = block.next()
        return None

    # -- geometry ------------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        rect = self.contentsRect()
        self.margin.setGeometry(QRect(rect.right() - MARGIN_WIDTH + 1, rect.top(), MARGIN_WIDTH, rect.height()))
        self.margin.invalidate(layout=True)


def _formats(base: QFont):
    plain = QTextCharFormat()
    plain.setFont(base)
    label = QTextCharFormat()
    label.setFontWeight(QFont.Weight.Bold)
    label.setForeground(QColor("#23364d"))
    section = QTextCharFormat()
    section.setFontWeight(QFont.Weight.Bold)
    section.setFontPointSize(max(base.pointSizeF(), 9.0) + 2)
    section.setForeground(QColor("#23364d"))
    grey = QTextCharFormat()
    grey.setForeground(QColor("#6b6b6b"))
    link = QTextCharFormat()
    link.setForeground(QColor("#1a5fb4"))
    link.setFontUnderline(True)
    return plain, label, section, grey, link


@dataclass(frozen=True)
class Stripe:
    coding_id: str
    code: str
    lane: int
    top: int  # document coordinates (pixels from the top of the document)
    bottom: int
    communities: str = ""  # the coding's attribution, shown beside its code


class CodingMargin(QWidget):
    """Coloured stripes beside the text, one per coding, with the code's name at the top of each."""

    def __init__(self, view: CodingDocument) -> None:
        super().__init__(view)
        self.view = view
        self._stripes: list[Stripe] | None = None
        self._geometry: dict[tuple[str, str, int, int], tuple[int, int]] = {}  # a span's top and bottom
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(MARGIN_WIDTH, 0)

    def invalidate(self, layout: bool = False) -> None:
        """Codings changed; with `layout`, the text moved too (a new document, another width)."""
        self._stripes = None
        if layout:
            self._geometry = {}
        self.update()

    def stripes(self) -> list[Stripe]:
        """Where each coding's stripe is, from the document's own layout (cached until the codings,
        the document or the width change)."""
        if self._stripes is not None:
            return self._stripes
        view = self.view
        scroll = view.verticalScrollBar().value()
        placed: list[tuple[int, int, Coding]] = []
        for coding in view.codings:
            key = (coding.question, coding.target, coding.start, coding.end)
            if key not in self._geometry:
                cursor = view.cursor_for(*key)
                if cursor is None:
                    continue
                first = QTextCursor(cursor)
                first.setPosition(cursor.selectionStart())
                last = QTextCursor(cursor)
                last.setPosition(cursor.selectionEnd())
                top = view.cursorRect(first).top() + scroll
                self._geometry[key] = (top, max(view.cursorRect(last).bottom() + scroll, top + 4))
            top, bottom = self._geometry[key]
            placed.append((top, bottom, coding))
        placed.sort(key=lambda item: (item[0], -item[1]))
        lanes: list[int] = []  # the bottom of the last stripe in each lane
        stripes = []
        for top, bottom, coding in placed:
            lane = next((i for i, end in enumerate(lanes) if end < top), len(lanes))
            if lane == len(lanes):
                lanes.append(bottom)
            else:
                lanes[lane] = bottom
            stripes.append(Stripe(coding.id, coding.code, lane, top, bottom, coding.communities))
        self._stripes = stripes
        return stripes

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#f6f7f9"))
        painter.setPen(QPen(QColor("#d9dde3")))
        painter.drawLine(0, 0, 0, self.height())
        stripes = self.stripes()
        if not stripes:
            return
        view = self.view
        scroll = view.verticalScrollBar().value()
        lanes = min(max(s.lane for s in stripes) + 1, 8)
        text_x = 6 + lanes * LANE + 4
        metrics = painter.fontMetrics()
        next_free = -10_000
        for stripe in stripes:
            top, bottom = stripe.top - scroll, stripe.bottom - scroll
            if bottom < 0 or top > self.height():
                continue
            colour = QColor(view._colour(stripe.code))
            x = 6 + min(stripe.lane, 7) * LANE
            painter.fillRect(QRect(x, top, STRIPE, bottom - top), colour)
            label_y = max(top, next_free)
            if label_y + metrics.height() <= bottom + metrics.height() // 2:
                painter.setPen(colour.darker(130))
                name = metrics.elidedText(
                    view.coding_caption(stripe), Qt.TextElideMode.ElideRight, self.width() - text_x - 4
                )
                painter.drawText(text_x, label_y + metrics.ascent(), name)
                next_free = label_y + metrics.height()

    def stripe_at(self, y: int) -> list[Stripe]:
        scroll = self.view.verticalScrollBar().value()
        return [s for s in self.stripes() if s.top <= y + scroll <= s.bottom]

    def mouseMoveEvent(self, event) -> None:
        found = self.stripe_at(int(event.position().y()))
        if found:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip(found), self)
        super().mouseMoveEvent(event)

    def tooltip(self, stripes: list[Stripe]) -> str:
        return "\n".join(self.view.coding_caption(s) for s in stripes)

    def mousePressEvent(self, event) -> None:
        """A click on a stripe selects its coding's text."""
        found = self.stripe_at(int(event.position().y()))
        if found:
            coding = next((c for c in self.view.codings if c.id == found[-1].coding_id), None)
            if coding is not None:
                self.view.select_span(coding.question, coding.target, coding.start, coding.end)
        super().mousePressEvent(event)
