"""What is logged during start-up, before the log file is set up, is written to it once it is."""

from __future__ import annotations

import pytest

from yingzao.core import logs


@pytest.fixture(autouse=True)
def no_handlers(monkeypatch):
    """As at the app's start: nothing set up yet (other tests leave their file handler behind)."""
    monkeypatch.setattr(logs.log, "handlers", [])


def _read(path) -> str:
    for handler in logs.log.handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_records_held_before_setup_reach_the_file_in_order(tmp_path):
    logs.hold()
    logs.log.warning("no font with Chinese glyphs on this system")
    logs.log.info("second")
    target = logs.setup(tmp_path / "logs")
    logs.log.info("after setup")
    text = _read(target)
    assert text.index("no font with Chinese glyphs") < text.index("second") < text.index("after setup")
    assert not any(isinstance(handler, logs._Held) for handler in logs.log.handlers)


def test_holding_once_the_file_is_set_up_writes_each_record_once(tmp_path):
    target = logs.setup(tmp_path / "logs")
    logs.hold()
    logs.log.info("held while the file was already set up")
    assert logs.setup(tmp_path / "logs") == target
    assert _read(target).count("held while the file was already set up") == 1
