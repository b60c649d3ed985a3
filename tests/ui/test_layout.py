"""At 1024 px wide, in Chinese and in English, no header of the review queue or of the dashboard is
cut off: each is measured with QFontMetrics against the room it is drawn in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QStyleOptionHeader

from yingzao.ui.i18n import Translator
from yingzao.ui.review_view import ReviewView

WRAP = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)


@pytest.fixture
def queue(qtbot, library_store):
    """Finalised interviews from three communities, in the review queue at 1024 × 640."""
    store, library = library_store
    store.set_setting("user_role", "supervisor")
    for code, name in (("A", "A社区"), ("B", "B社区"), ("C", "C社区")):
        store.add_community(code, name)
        for role in ("cadre", "official"):
            interview = store.start_interview(library.by_role(role)[0].sha256, community_id=code)
            store.save_answer(interview, "consent", "yes")
            store.finalize(interview)
    views = []

    def make(lang: str) -> ReviewView:
        view = ReviewView(store, library, Translator(lang))
        qtbot.addWidget(view)
        view.resize(1024, 640)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda: view.flag_job is None, timeout=20_000)
        views.append(view)
        return view

    yield make
    for view in views:
        view.shutdown()


def header_room(header, section: int) -> int:
    """The width a header section leaves for its text: the style's margins and sort arrow taken off."""
    option = QStyleOptionHeader()
    header.initStyleOption(option)
    option.section = section
    option.text = str(header.model().headerData(section, Qt.Orientation.Horizontal))
    option.rect = header.rect().adjusted(0, 0, 0, 0)
    option.rect.setWidth(header.sectionSize(section))
    option.sortIndicator = (
        QStyleOptionHeader.SortIndicator.SortDown
        if header.sortIndicatorSection() == section
        else QStyleOptionHeader.SortIndicator.None_
    )
    label = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    if option.sortIndicator != QStyleOptionHeader.SortIndicator.None_:
        arrow = header.style().subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header)
        return min(label.width(), arrow.left() - label.left()) if arrow.left() > label.left() else label.width()
    return label.width()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_review_queue_header_is_cut_at_1024_px(qtbot, queue, lang):
    view = queue(lang)
    header = view.table.horizontalHeader()
    metrics = QFontMetrics(header.font())
    assert view.model.rowCount() == 6
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(view.model.headerData(section, Qt.Orientation.Horizontal))
        assert metrics.horizontalAdvance(text) <= header_room(header, section), (
            lang,
            text,
            header.sectionSize(section),
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_dashboard_header_is_cut_and_no_column_hides_behind_a_scroll(qtbot, queue, lang):
    view = queue(lang)
    dashboard = view.show_dashboard()
    qtbot.waitUntil(lambda: dashboard.job is None and bool(dashboard.grid.columns), timeout=20_000)
    qtbot.wait(50)  # the layout settles on the new minimum sizes
    grid = dashboard.grid
    cells = grid.header_cells()
    assert len(cells) == 3 + 12  # three family bands, twelve codes
    for text, rect, font in cells:
        used = QFontMetrics(font).boundingRect(rect.toRect(), WRAP, text)
        assert used.width() <= rect.width() + 0.5 and used.height() <= rect.height() + 0.5, (lang, text, rect, used)
        assert rect.right() <= grid.width()
    scroll = grid.parentWidget().parentWidget().parentWidget()
    assert scroll.horizontalScrollBar().maximum() == 0  # the last column ("自治基础") is in view
    assert grid.width() <= scroll.viewport().width()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_header_of_an_empty_queue_is_cut_either(qtbot, library_store, lang):
    store, library = library_store
    view = ReviewView(store, library, Translator(lang))
    qtbot.addWidget(view)
    view.resize(1024, 640)
    view.show()
    header = view.table.horizontalHeader()
    metrics = QFontMetrics(header.font())
    for section in range(header.count()):
        text = str(view.model.headerData(section, Qt.Orientation.Horizontal))
        assert metrics.horizontalAdvance(text) <= header_room(header, section), (lang, text)
    view.shutdown()
