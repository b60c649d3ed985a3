"""The app's log: a rotating file in the data folder that says what went wrong, and where in the
code, without a word of what respondents said.

Unexpected exceptions are logged with their traceback's frames (file, line, function) and their
type; their message is left out unless it is one of the app's own errors, logged by its code, since
an exception's text can quote an answer (a UnicodeEncodeError quotes the string it failed on).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from yingzao.core import paths

LOGGER = "yingzao"
MAX_BYTES = 1 << 20
BACKUPS = 5

log = logging.getLogger(LOGGER)


def folder() -> Path:
    return paths.data_dir() / "logs"


class _Held(logging.Handler):
    """What is logged before `setup()`, kept in memory and written to the file by it."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def hold() -> None:
    """Keep what is logged in memory until `setup()`. The app's start-up calls this and sets the
    file up once its window is on screen: the file handler's module (it imports socket, pickle and
    queue) costs several milliseconds the first screen can do without."""
    if not any(isinstance(handler, (_Held, logging.FileHandler)) for handler in log.handlers):
        log.addHandler(_Held())  # (with a file already set up, records go straight to it)
    log.setLevel(logging.INFO)
    log.propagate = False


def setup(where: Path | None = None) -> Path:
    """Log to `where`/yingzao.log (the data folder's `logs` by default); returns the file. Calling it
    again moves the log (tests; a data folder changed with YINGZAO_HOME). What `hold()` kept is
    written first."""
    import logging.handlers  # not at module level: see hold()

    where = where or folder()
    target = where / "yingzao.log"
    held = [handler for handler in log.handlers if isinstance(handler, _Held)]
    for kept in held:
        log.removeHandler(kept)
    for existing in list(log.handlers):
        if isinstance(existing, logging.handlers.RotatingFileHandler):
            if Path(existing.baseFilename) == target:
                _replay(held, existing)
                return target
            log.removeHandler(existing)
            existing.close()
    try:
        where.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
    except OSError:  # a read-only data folder: the app still runs, unlogged
        return target
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    _replay(held, handler)
    return target


def _replay(held: list[_Held], handler: logging.Handler) -> None:
    for holder in held:
        for record in holder.records:
            handler.handle(record)
        holder.records.clear()


def describe(error: BaseException, tb: TracebackType | None = None) -> str:
    """An exception as the log keeps it: type, the app's error code if any, and the frames."""
    from yingzao.core.errors import YingzaoError

    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    if isinstance(error, YingzaoError):
        kind += f" [{error.code or 'no code'}]"
    frames = traceback.extract_tb(tb if tb is not None else error.__traceback__)
    lines = [kind] + [f'  File "{_short(f.filename)}", line {f.lineno}, in {f.name}' for f in frames]
    cause = error.__cause__ or error.__context__
    if cause is not None and cause is not error:
        lines.append("caused by " + describe(cause).replace("\n", "\n  "))
    return "\n".join(lines)


def unexpected(error: BaseException, where: str, tb: TracebackType | None = None) -> None:
    log.error("unexpected error in %s: %s", where, describe(error, tb))


def install_hooks(show: Callable[[BaseException], None] | None = None) -> None:
    """Log exceptions nothing caught, in the main thread and in any other, then let `show` tell the
    user (with the log's folder)."""

    def main_hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        unexpected(error, "the main thread", tb)
        if show is not None:
            show(error)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            unexpected(args.exc_value, f"thread {args.thread.name if args.thread else '?'}", args.exc_traceback)

    sys.excepthook = main_hook
    threading.excepthook = thread_hook


def _short(filename: str) -> str:
    # the app's own files relative to it; nothing of the user's folders
    path = Path(filename)
    parts = path.parts
    for anchor in ("core", "ui", "yingzao", "site-packages"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) :])
    return path.name
