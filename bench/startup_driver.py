"""The start-up benchmark's child process: starts the app through its own entry point (or a bare
PySide6 QMainWindow the same way) and prints `SHOWN <time.time()>` once the window has painted, or
once its list of interviews is filled and painted; then quits.

The app carries no hook for this: the driver watches Qt's events from outside, through an event
filter it installs on the QApplication it creates before handing over to the app, exactly as it does
for the bare window. That filter stays on the application only until the first main window shows
up; from then on it watches that window and its platform window alone. A filter on the whole
application is handed every event of every object, and PySide6 makes a Python wrapper for each
one's receiver and event: the first event to an internal object Qt keeps for a window with any child
widget (a dynamic-property change) made it create some 180 enum types, 15–40 ms that only a watched
app with widgets paid, never the bare window. Watching the window alone, both pay the same.

    python -m bench.startup_driver window DB   # the app, until its main window has painted
    python -m bench.startup_driver list DB     # the app, until its 5,000 rows are filled and painted
    python -m bench.startup_driver bare        # a bare QMainWindow, until it has painted
"""

from __future__ import annotations

import sys
import time


def main(argv: list[str]) -> int:
    mode = argv[0]
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])

    def shown() -> None:
        print("SHOWN", time.time(), flush=True)
        QTimer.singleShot(0, app.quit)  # the paint may come before the app's event loop has started

    class Watch(QObject):
        """The end of the first paint of a main window, or, for `list`, the moment its home list
        says it is filled (the window is then painted again with its rows).

        Qt paints a window, children included, inside the dispatch of one event to it (an expose,
        or an update request); the filter delivers that event itself, so it can tell when the
        delivery, and with it the paint, is over."""

        done = False
        painted = False
        found = False  # the main window has shown up: from then on only it and its platform window are watched

        def eventFilter(self, watched, event):
            if not self.found:
                if isinstance(watched, QMainWindow):
                    self.found = True
                    app.removeEventFilter(self)
                    watched.installEventFilter(self)
                else:
                    return False
            kind = event.type()
            if self.done:
                return False
            if kind == QEvent.Type.Paint:
                self.painted = self.painted or isinstance(watched, QMainWindow)
            elif kind == QEvent.Type.Show and isinstance(watched, QMainWindow):
                watched.windowHandle().installEventFilter(self)  # where the expose and update requests go
                if mode == "list":
                    self.done = True
                    window = watched

                    def filled() -> None:
                        window.repaint()
                        shown()

                    window.home.refreshed.connect(filled)
            elif kind in (QEvent.Type.Expose, QEvent.Type.UpdateRequest) and mode != "list":
                watched.event(event)
                if self.painted:
                    self.done = True
                    shown()
                return True
            return False

    watch = Watch()
    app.installEventFilter(watch)
    if mode == "bare":
        window = QMainWindow()
        window.resize(1280, 800)
        window.show()
        return app.exec()
    from yingzao.main import main as start

    return start(["--db", argv[1]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
