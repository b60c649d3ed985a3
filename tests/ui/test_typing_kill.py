"""Kill the app (SIGKILL, as a power cut would) while the fieldworker types without a pause: at most
about the last second of typing is missing, and what is there is exactly what was typed."""

from __future__ import annotations

import sys

import pytest

from yingzao.ui.save_schedule import MAX_UNSAVED_MS

from bench.bench_typing_loss import RATE, TEXT, typing_loss


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX; Windows has no equivalent to send")
def test_continuous_typing_killed_after_three_seconds_loses_at_most_about_a_second(tmp_path):
    typed, lost, stored = typing_loss(tmp_path, seconds=3.0)
    assert typed >= 3 * RATE
    assert (TEXT * 10)[:typed].startswith(stored)  # a prefix of what was typed, never anything else
    # the save bound is one second (10 characters at 10/s), plus a character's composition
    assert MAX_UNSAVED_MS <= 1000
    assert lost <= 12, f"{lost} of {typed} characters lost; the database had {stored!r}"
