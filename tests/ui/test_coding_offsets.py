"""Offsets in code points (the core) and in UTF-16 units (a Qt document), both ways."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextDocument

from yingzao.ui.coding_offsets import TextOffsets

TEXT = "🏠社区议事会😀开会𠀋了 ok"


def test_every_offset_converts_both_ways_around_emoji_and_rare_ideographs():
    offsets = TextOffsets(TEXT)
    assert (offsets.length, offsets.qt_length) == (len(TEXT), len(TEXT.encode("utf-16-le")) // 2)
    for point in range(len(TEXT) + 1):
        unit = len(TEXT[:point].encode("utf-16-le")) // 2
        assert offsets.to_qt(point) == unit
        assert offsets.from_qt(unit) == point
    # between the two halves of the emoji counts as its start
    assert offsets.from_qt(1) == 0
    assert TextOffsets("议事会").to_qt(2) == 2


def test_a_qt_document_selects_the_same_characters_the_core_counts():
    document = QTextDocument()
    document.setPlainText(TEXT)
    offsets = TextOffsets(TEXT)
    start, end = TEXT.index("议事会"), TEXT.index("议事会") + 3
    cursor = QTextCursor(document)
    cursor.setPosition(offsets.to_qt(start))
    cursor.setPosition(offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "议事会" == TEXT[start:end]
    cursor.setPosition(offsets.to_qt(TEXT.index("开会")))
    cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor, 3)
    assert offsets.from_qt(cursor.selectionEnd()) == TEXT.index("开会") + 3  # 𠀋 is two units, one point
