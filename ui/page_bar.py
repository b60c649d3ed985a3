"""The bar across the top of a full-window page (interview, review, dashboard): back, title, tools."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


@dataclass
class PageBar:
    frame: QFrame
    layout: QHBoxLayout  # add the page's own labels and buttons after the title
    back_button: QPushButton
    title: QLabel


def page_layout(page: QWidget) -> tuple[QVBoxLayout, PageBar]:
    """The page's outer layout, with the bar already in it."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(0)
    frame = QFrame(page)
    frame.setObjectName("top")
    frame.setStyleSheet("QFrame#top { background: #f4f1ea; border-bottom: 1px solid #ddd6c8; }")
    bar = QHBoxLayout(frame)
    bar.setContentsMargins(12, 8, 12, 8)
    back = QPushButton(frame)
    title = QLabel(frame)
    title.setStyleSheet("font-size: 15px; font-weight: 600;")
    bar.addWidget(back)
    bar.addSpacing(8)
    bar.addWidget(title, 1)
    outer.addWidget(frame)
    return outer, PageBar(frame, bar, back, title)
