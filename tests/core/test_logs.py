"""The log says what went wrong and where, never what a respondent said."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading

from yingzao.core import errors, logs


def _read(path) -> str:
    for handler in logs.log.handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_an_unexpected_error_is_logged_with_where_but_without_answer_text(tmp_path):
    target = logs.setup(tmp_path / "logs")
    try:
        "受访者说：居民议事会每月开一次\udc80".encode("utf-8")
    except UnicodeEncodeError as error:
        logs.unexpected(error, "a test")
    text = _read(target)
    assert "UnicodeEncodeError" in text and "test_logs.py" in text and "test_an_unexpected_error" in text
    assert "居民议事会" not in text and "受访者" not in text


def test_the_apps_own_errors_are_logged_by_code(tmp_path):
    target = logs.setup(tmp_path / "logs")
    try:
        raise errors.bad_value("resp_name", "'王芳的电话 13912345678' is not a date")
    except errors.StoreError as error:
        logs.unexpected(error, "a test")
    text = _read(target)
    assert "[bad_value]" in text and "13912345678" not in text and "王芳" not in text


def test_the_log_rotates(tmp_path):
    target = logs.setup(tmp_path / "logs")
    handler = next(h for h in logs.log.handlers if isinstance(h, logging.handlers.RotatingFileHandler))
    assert handler.maxBytes == logs.MAX_BYTES and handler.backupCount == logs.BACKUPS
    assert target.parent == tmp_path / "logs"


def test_hooks_log_what_nothing_caught_in_any_thread(tmp_path, monkeypatch):
    target = logs.setup(tmp_path / "logs")
    shown: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    logs.install_hooks(shown.append)
    try:
        raise ValueError("答案文本")
    except ValueError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    worker = threading.Thread(target=lambda: 1 / 0, name="worker-1")
    worker.start()
    worker.join()
    text = _read(target)
    assert "the main thread" in text and "ValueError" in text and "答案文本" not in text
    assert "thread worker-1" in text and "ZeroDivisionError" in text
    assert len(shown) == 1 and isinstance(shown[0], ValueError)


def test_the_user_reads_where_the_log_is(tmp_path):
    message = errors.unexpected(KeyError("x"), tmp_path / "logs")
    assert "KeyError" in message.message and str(tmp_path / "logs") in message.hint and message.code == "unexpected"
