"""Guard against a Qt binding that corrupts reference counts (PySide6 6.12.0 decrefs None on every
QCoreApplication.processEvents(); a long interview or test run then dies with 'none_dealloc')."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication


def test_processing_events_leaves_none_alone(qapp):
    before = sys.getrefcount(None)
    for _ in range(2000):
        QCoreApplication.processEvents()
    assert abs(sys.getrefcount(None) - before) < 100
