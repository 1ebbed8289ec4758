"""Paced logging: a burst per key and window, the rest summarised once the window is over."""

from __future__ import annotations

import pytest

from newswire.log_pacing import BurstPacer

pytestmark = pytest.mark.unit


def test_a_host_failing_a_thousand_times_logs_a_burst_and_one_summary() -> None:
    pacer = BurstPacer(burst=5, window_s=60)
    logged = [pacer.admit("a.example", "timeout", now=i * 0.05) for i in range(1000)]
    assert sum(logged) == 5 and logged[:5] == [True] * 5
    assert pacer.summaries(now=49.0) == []  # the window is not over yet
    (summary,) = pacer.summaries(now=60.0)
    assert summary.key == "a.example" and summary.total == 995
    assert summary.suppressed == {"timeout": 995}
    assert pacer.summaries(now=61.0) == []  # reported once


def test_keys_are_paced_separately_and_reasons_counted() -> None:
    pacer = BurstPacer(burst=1, window_s=10)
    assert pacer.admit("a", "timeout", 0.0)
    assert pacer.admit("b", "http_503", 0.0)
    assert not pacer.admit("a", "timeout", 1.0)
    assert not pacer.admit("a", "robots_denied", 2.0)
    (summary,) = pacer.summaries(10.0)
    assert summary.key == "a" and summary.suppressed == {"timeout": 1, "robots_denied": 1}


def test_a_new_window_logs_again_and_keeps_the_old_windows_summary() -> None:
    pacer = BurstPacer(burst=1, window_s=10)
    assert pacer.admit("a", "timeout", 0.0)
    assert not pacer.admit("a", "timeout", 5.0)
    assert pacer.admit("a", "timeout", 12.0)  # next window: logged again
    (summary,) = pacer.summaries(13.0)  # ... and the first window's count is not lost
    assert summary.total == 1


def test_quiet_keys_are_forgotten() -> None:
    pacer = BurstPacer(burst=5, window_s=10)
    for i in range(100):
        pacer.admit(f"host{i}", "timeout", 0.0)
    assert pacer.summaries(10.0) == []
    assert pacer._windows == {}
