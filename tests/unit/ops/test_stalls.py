"""Stuck work: which partitions have not moved, from the history status keeps (stalls.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswire.admin.model import GroupInfo, PartitionLag, TopicLag
from newswire.admin.stalls import (
    OffsetHistory,
    StuckRequest,
    fetcher_holdups,
    find_stalls,
    stall_problems,
)

T0 = datetime(2025, 12, 10, 8, 0, tzinfo=UTC)


def group(service: str, *partitions: tuple[int | None, int]) -> GroupInfo:
    """A group with one input topic; each partition given as (committed, lag)."""
    lags = tuple(
        PartitionLag(n, committed, (committed or 0) + lag, lag)
        for n, (committed, lag) in enumerate(partitions)
    )
    return GroupInfo(
        service, f"newswire-{service}", "Stable", 1, (TopicLag("t", f"{service}.in", lags),)
    )


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_an_offset_unchanged_for_the_threshold_with_lag_is_a_stall() -> None:
    history = OffsetHistory.empty()
    for t in (0, 2, 4, 6):
        groups = (group("parser", (10, 5), (7, 0)),)
        history = history.observe(groups, minutes(t))
    [stall] = find_stalls(groups, history, minutes(6), stalled_after_s=300)
    assert (stall.service, stall.name, stall.partition, stall.committed, stall.lag) == (
        "parser",
        "parser.in",
        0,
        10,
        5,
    )
    assert stall.since == T0 and stall.stalled_s == 360
    assert find_stalls(groups, history, minutes(6), stalled_after_s=400) == ()


def test_a_moving_group_is_not_stalled_however_far_behind() -> None:
    history = OffsetHistory.empty()
    for t in range(0, 20, 2):
        groups = (group("fetcher", (t * 100, 50_000)),)
        history = history.observe(groups, minutes(t))
    assert find_stalls(groups, history, minutes(18), stalled_after_s=300) == ()


def test_no_lag_no_stall_and_the_first_sight_knows_nothing() -> None:
    idle = (group("indexer", (42, 0)),)
    history = OffsetHistory.empty().observe(idle, T0).observe(idle, minutes(60))
    assert find_stalls(idle, history, minutes(60), 300) == ()
    first = OffsetHistory.empty().observe((group("indexer", (42, 9)),), minutes(60))
    assert find_stalls((group("indexer", (42, 9)),), first, minutes(60), 300) == ()


def test_a_group_that_never_committed_stalls_too() -> None:
    groups = (group("parser", (None, 12)),)
    history = OffsetHistory.empty().observe(groups, T0).observe(groups, minutes(10))
    [stall] = find_stalls(groups, history, minutes(10), 300)
    assert stall.committed is None


def test_the_history_survives_json_and_forgets_what_is_gone() -> None:
    history = OffsetHistory.empty().observe((group("parser", (10, 5), (None, 3)),), T0)
    again = OffsetHistory.from_json(history.to_json())
    assert again == history
    assert OffsetHistory.from_json([{"group": "x"}]) == OffsetHistory.empty()
    assert OffsetHistory.from_json("garbage") == OffsetHistory.empty()
    assert again.observe((), minutes(1)).sightings == {}


def test_fetcher_stalls_beyond_ten_fetch_timeouts_name_their_request() -> None:
    groups = (group("fetcher", (3, 8), (5, 1)), group("parser", (1, 1)))
    history = OffsetHistory.empty().observe(groups, T0)
    stalls = find_stalls(groups, history, T0 + timedelta(seconds=250), stalled_after_s=60)
    assert len(stalls) == 3
    holdups = fetcher_holdups(stalls, fetch_timeout_s=20)
    assert [(h.service, h.partition) for h in holdups] == [("fetcher", 0), ("fetcher", 1)]
    assert fetcher_holdups(stalls, fetch_timeout_s=30) == ()  # 250 s < 10 x 30 s
    stuck = (StuckRequest(0, 3, "https://slow.example.com/a", T0, 250.0),)
    problems = stall_problems(stalls[:1], stuck, 20)
    assert problems == [
        "fetcher has not moved on fetcher.in[0] for 4 min (committed offset 3, 8 records waiting)",
        "fetcher request https://slow.example.com/a (partition 0, offset 3) unfinished for at "
        "least 250s, far beyond the 20s fetch timeout",
    ]
