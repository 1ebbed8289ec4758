from __future__ import annotations

import asyncio
import time

import pytest

from newswire.fetcher.politeness import HostPacer, Politeness, parse_retry_after

pytestmark = pytest.mark.unit


def test_reserve_spaces_starts_by_delay() -> None:
    pacer = HostPacer()
    assert pacer.reserve(100.0, 1.0) == 100.0
    assert pacer.reserve(100.0, 1.0) == 101.0
    assert pacer.reserve(100.5, 1.0) == 102.0
    # After a quiet period the next request may start immediately.
    assert pacer.reserve(200.0, 1.0) == 200.0


def test_back_off_pauses_and_slows_then_relaxes() -> None:
    pacer = HostPacer()
    pacer.reserve(0.0, 1.0)
    pacer.back_off(0.5, retry_after_s=10, max_backoff_s=300)
    assert pacer.reserve(0.5, 1.0) == 10.5
    assert pacer.reserve(10.5, 1.0) == 12.5  # delay doubled
    pacer.relax()
    assert pacer.slowdown == 1.0


def test_retry_after_is_capped() -> None:
    pacer = HostPacer()
    pacer.back_off(0.0, retry_after_s=10**9, max_backoff_s=300)
    assert pacer.backoff_until == 300


def test_effective_delay_honours_crawl_delay_up_to_cap() -> None:
    polite = Politeness(delay_s=1.0, concurrency=1, max_delay_s=30)
    assert polite.effective_delay() == 1.0
    assert polite.effective_delay(crawl_delay_s=5) == 5
    assert polite.effective_delay(crawl_delay_s=3600) == 30
    assert polite.effective_delay(configured_s=2.0, crawl_delay_s=0.5) == 2.0
    assert polite.effective_delay(configured_s=0.0) == 0.0


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now_epoch=1445412470) == 10


async def test_slots_space_requests_per_host_and_run_hosts_in_parallel() -> None:
    polite = Politeness(delay_s=0.2, concurrency=1, max_delay_s=30)
    starts: dict[str, list[float]] = {"a": [], "b": []}

    async def request(host: str) -> None:
        async with polite.slot(host):
            starts[host].append(time.monotonic())
            await asyncio.sleep(0.01)

    began = time.monotonic()
    await asyncio.gather(*(request(h) for h in ("a", "b") for _ in range(3)))
    for host in ("a", "b"):
        gaps = [b - a for a, b in zip(starts[host], starts[host][1:], strict=False)]
        assert all(gap >= 0.2 - 0.005 for gap in gaps), gaps
    # Host b did not wait for host a: both started right away.
    assert starts["b"][0] - began < 0.1


async def test_concurrency_limit_per_host() -> None:
    polite = Politeness(delay_s=0.0, concurrency=2, max_delay_s=30)
    active = peak = 0

    async def request() -> None:
        nonlocal active, peak
        async with polite.slot("h"):
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.02)
            active -= 1

    await asyncio.gather(*(request() for _ in range(8)))
    assert peak == 2


async def test_back_off_during_wait_delays_waiting_requests() -> None:
    polite = Politeness(delay_s=0.05, concurrency=1, max_delay_s=30)
    async with polite.slot("h"):
        polite.back_off("h", 0.3)
    began = time.monotonic()
    async with polite.slot("h"):
        assert time.monotonic() - began >= 0.29


def test_a_host_that_keeps_timing_out_is_paused_longer_each_time() -> None:
    pacer = HostPacer()
    # One URL's attempt and its retry: no pause for the host yet.
    assert pacer.timed_out(0.0, pause_s=60, max_backoff_s=300) == 0.0
    assert pacer.timed_out(20.0, pause_s=60, max_backoff_s=300) == 0.0
    assert pacer.reserve(20.0, 1.0) == 20.0
    # A third timeout in a row: the whole host waits, doubling up to the cap.
    assert pacer.timed_out(40.0, pause_s=60, max_backoff_s=300) == 60.0
    assert pacer.reserve(40.0, 1.0) == 100.0
    assert pacer.timed_out(120.0, pause_s=60, max_backoff_s=300) == 120.0
    assert pacer.timed_out(240.0, pause_s=60, max_backoff_s=300) == 240.0
    assert pacer.timed_out(480.0, pause_s=60, max_backoff_s=300) == 300.0
    assert not pacer.idle(10_000.0)  # a host in a run of timeouts is not forgotten
    # Any answer ends the run.
    pacer.answered()
    assert pacer.timed_out(1000.0, pause_s=60, max_backoff_s=300) == 0.0


def test_the_next_request_waits_the_delay_after_the_last_one_ended() -> None:
    # Start-to-start spacing alone lets a request that started late (a busy loop, a slow
    # connect) reach the site right before the next one: the site must see the delay.
    pacer = HostPacer()
    assert pacer.reserve(now=0.0, delay_s=1.0) == 0.0
    pacer.finished(now=0.9, delay_s=1.0)  # it actually ran from 0.8 to 0.9
    assert pacer.reserve(now=1.0, delay_s=1.0) == 1.9
    # A quick request leaves the start-to-start spacing in charge.
    pacer.finished(now=1.95, delay_s=1.0)
    assert pacer.reserve(now=2.0, delay_s=1.0) == 2.95


async def test_a_slot_released_late_pushes_the_next_start() -> None:
    clock = [0.0]
    politeness = Politeness(delay_s=1.0, concurrency=1, max_delay_s=30, clock=lambda: clock[0])
    async with politeness.slot("a.example"):
        clock[0] = 0.7  # the request itself took 0.7 s
    assert politeness._hosts["a.example"].next_start == 1.7


async def test_hosts_handed_over_by_another_fetcher_wait_one_delay_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The chaos test's request log: a fetcher that had just been given a partition asked a
    # host for robots.txt 0.97 s after the previous owner's last request, under a 1 s delay.
    clock = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    politeness = Politeness(delay_s=1.0, concurrency=1, max_delay_s=30, clock=lambda: clock[0])
    async with politeness.slot("known.example"):
        pass
    clock[0] = 50.0
    politeness.handed_over()
    clock[0] = 50.2
    monkeypatch.setattr(asyncio, "sleep", sleep)
    async with politeness.slot("new.example"):
        started_new = clock[0]
    async with politeness.slot("known.example"):
        started_known = clock[0]
    assert started_new == pytest.approx(51.0)
    assert started_known == pytest.approx(51.0)
    # Later requests are paced as usual, not held again.
    clock[0] = 80.0
    async with politeness.slot("other.example"):
        assert clock[0] == 80.0


def test_reserve_honours_a_not_before_time() -> None:
    pacer = HostPacer()
    assert pacer.reserve(10.0, 1.0, not_before=11.0) == 11.0
    assert pacer.reserve(30.0, 1.0, not_before=11.0) == 30.0
