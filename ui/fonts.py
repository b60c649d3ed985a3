"""Chinese must never render as empty boxes: prefer a font that has the glyphs, and where the system
has none, say which to install.

Qt falls back per glyph on most systems, but a bare Linux install (or a stripped-down Windows image)
may have no CJK font at all; the app then names the fonts that work rather than showing boxes
silently. Nothing is downloaded: the app runs offline.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from yingzao.core import logs

# in order of preference: each system's own Chinese UI font, then the free families
PREFERRED = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "思源黑体",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "SimSun",
    "Droid Sans Fallback",
)
TO_INSTALL = "Noto Sans CJK SC（思源黑体 / Source Han Sans SC）"


def chinese_families() -> list[str]:
    return QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)


def ensure_cjk(app: QApplication) -> str | None:
    """Make the interface font fall back to a Chinese one; returns its family, or None when the
    system has none (then a notice names the font to install)."""
    available = chinese_families()
    if not available:
        logs.log.warning("no font with Chinese glyphs on this system")
        return None
    choice = next((family for family in PREFERRED if family in available), available[0])
    base = app.font().family()
    if choice != base:
        # the interface keeps its own Latin font; characters it lacks come from the Chinese one
        QFont.insertSubstitutions(base, [choice])
        font = app.font()
        font.setFamilies([base, choice])
        app.setFont(font)
    return choice
