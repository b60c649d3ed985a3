"""When the interview screen saves what was typed.

Two timers: a quiet-time save, ~300 ms after the last keystroke, and a bound on how long anything
typed stays unsaved while typing goes on without a pause (a fieldworker typing steadily never pauses
for 300 ms, and before this bound a SIGKILL after a minute of typing lost all of it). Neither saves in
the middle of an IME composition: a save that comes due then is held back and runs the moment the
composition is committed, with what was committed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

SAVE_DELAY_MS = 300  # after the last keystroke; the standard is "within 500 ms"
MAX_UNSAVED_MS = 800  # while typing goes on, a save at least this often (a second, with room for a busy
# event loop and a composition to finish): about the most typing a crash can lose
COMPOSING_RETRY_MS = 50  # a save held back by an IME composition is tried again this soon after
RETRY_MS = 2_000  # a save that failed (full disk, pulled drive) is tried again this often


class SaveSchedule(QObject):
    due = Signal()  # time to save what is pending

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.quiet = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)  # restarted by each keystroke
        self.quiet.timeout.connect(self.due)
        self.deadline = QTimer(self, singleShot=True, interval=MAX_UNSAVED_MS)  # not restarted by keystrokes
        self.deadline.timeout.connect(self.due)
        self.overdue = False  # a save came due during a composition

    def edited(self) -> None:
        # a save already overdue (held back by a composition just committed) is not put off again
        self.quiet.start(0 if self.overdue else SAVE_DELAY_MS)
        if not self.deadline.isActive():
            self.deadline.start()  # from the first unsaved keystroke

    def held_back(self) -> None:
        """A composition is under way: try again in a moment."""
        self.overdue = True
        self.quiet.start(COMPOSING_RETRY_MS)

    def saving(self) -> None:
        self.overdue = False
        self.quiet.stop()
        self.deadline.stop()

    def nothing_pending(self) -> None:
        self.deadline.stop()

    def retry_later(self) -> None:
        self.quiet.start(RETRY_MS)
