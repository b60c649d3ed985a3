"""Click a check or radio button where the style says it is clickable, never at a guessed point.

The clickable area of a radio button depends on the font of its text: with no CJK font installed the
text is narrower, so a click at the widget's centre may miss it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QRadioButton, QStyle, QStyleOptionButton


def click_button(qtbot, button: QAbstractButton) -> None:
    if not isinstance(button, (QCheckBox, QRadioButton)):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return
    option = QStyleOptionButton()
    button.initStyleOption(option)
    element = (
        QStyle.SubElement.SE_CheckBoxClickRect
        if isinstance(button, QCheckBox)
        else QStyle.SubElement.SE_RadioButtonClickRect
    )
    rect = button.style().subElementRect(element, option, button)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=rect.center())
