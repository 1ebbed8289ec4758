"""Dead-letter filtering, summaries and replay plans (no broker needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswire.admin.deadletters import (
    DeadLetterReplay,
    LetterFilter,
    StoredLetter,
    Undecodable,
    classify,
    letter_id,
    parse_when,
    plan_replay,
    summarise,
)
from newswire.admin.dlq import _batches
from newswire.records import DeadLetter

NOW = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


def stored(
    offset: int,
    stage: str = "parse",
    reason: str = "extract_error",
    failed_at: datetime = NOW,
    origin: str | None = "p.pages.raw",
    payload: bytes = b"page",
) -> StoredLetter:
    letter = DeadLetter(
        stage=stage,  # type: ignore[arg-type]
        reason=reason,
        error="boom",
        origin_topic=origin,
        payload=payload,
        failed_at=failed_at,
    )
    return StoredLetter(0, offset, b"k", letter, len(payload))


def test_letter_ids() -> None:
    assert letter_id("17") == (0, 17)
    assert letter_id("2:17") == (2, 17)
    with pytest.raises(ValueError):
        letter_id("abc")


def test_times_are_absolute_or_ages() -> None:
    assert parse_when("2h", NOW) == NOW - timedelta(hours=2)
    assert parse_when("1d12h", NOW) == NOW - timedelta(hours=36)
    assert parse_when("2025-03-12T08:00:00+08:00", NOW) == datetime(2025, 3, 12, 0, tzinfo=UTC)
    # No zone: UTC, the zone every newswire timestamp is in.
    assert parse_when("2025-03-01", NOW) == datetime(2025, 3, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a time"):
        parse_when("yesterday", NOW)


def test_filter_by_stage_reason_pattern_and_time_range() -> None:
    early = stored(1, "fetch", "http_503", NOW - timedelta(days=2))
    late = stored(2, "fetch", "http_404", NOW)
    parse = stored(3, "parse", "extract_error", NOW - timedelta(hours=1))
    letters = [early, late, parse]

    def pick(selection: LetterFilter) -> list[int]:
        return [s.offset for s in letters if selection.matches(s)]

    assert pick(LetterFilter()) == [1, 2, 3]
    assert pick(LetterFilter(stages=frozenset({"fetch"}))) == [1, 2]
    assert pick(LetterFilter(reasons=("http_5*",))) == [1]
    assert pick(LetterFilter(reasons=("http_404", "extract_*"))) == [2, 3]
    # since inclusive, until exclusive
    assert pick(LetterFilter(since=NOW - timedelta(hours=1))) == [2, 3]
    assert pick(LetterFilter(until=NOW)) == [1, 3]
    assert pick(LetterFilter(ids=frozenset({(0, 3)}))) == [3]
    assert pick(LetterFilter(origin_topic="other")) == []
    assert LetterFilter().is_empty
    assert not LetterFilter(reasons=("x",)).is_empty


def test_classify_tells_letters_markers_and_garbage_apart() -> None:
    letter = stored(0).letter
    assert isinstance(classify(0, 5, b"k", letter.to_bytes()), StoredLetter)
    marker = DeadLetterReplay(
        letter_partition=0,
        letter_offset=5,
        origin_topic="t",
        stage="parse",
        reason="r",
        run_id="x",
    )
    decoded = classify(0, 6, b"k", marker.to_bytes())
    assert isinstance(decoded, DeadLetterReplay)
    assert (decoded.letter_partition, decoded.letter_offset) == (0, 5)
    assert isinstance(classify(0, 7, None, b"\xff not json"), Undecodable)
    assert isinstance(classify(0, 8, None, None), Undecodable)


def test_summary_counts_by_stage_and_reason() -> None:
    rows = [
        ((0, 1), "parse", "extract_error", NOW - timedelta(minutes=5)),
        ((0, 2), "parse", "extract_error", NOW - timedelta(hours=3)),
        ((0, 3), "parse", "extract_error", NOW - timedelta(minutes=1)),
        ((0, 4), "index", "mapper_parsing", NOW - timedelta(days=1)),
    ]
    info = summarise("dl", rows, {(0, 3)}, undecodable=1, now=NOW)
    assert (info.total, info.replayed, info.pending, info.undecodable) == (4, 1, 3, 1)
    first, second = info.by_reason
    assert (first.stage, first.reason, first.count, first.replayed) == (
        "parse",
        "extract_error",
        3,
        1,
    )
    # Recent = failed within the hour and not replayed yet.
    assert first.recent == 1
    assert first.newest == NOW - timedelta(minutes=1)
    assert (second.reason, second.count, second.recent) == ("mapper_parsing", 1, 0)


def test_replay_plan_skips_replayed_and_refuses_what_cannot_go_back() -> None:
    letters = [
        stored(1),
        stored(2),
        stored(3, origin=None),
        stored(4, origin="someone-else.pages.raw"),
        stored(5, payload=b""),
    ]
    plan = plan_replay(letters, replayed={(0, 2)}, allowed_topics={"p.pages.raw"})
    assert [s.offset for s in plan.send] == [1]
    assert [s.offset for s in plan.already_replayed] == [2]
    assert [(s.offset, why) for s, why in plan.refused] == [
        (3, "no origin topic"),
        (4, "origin topic someone-else.pages.raw is not a topic of this deployment"),
        (5, "no payload"),
    ]


def test_replay_batches_are_bounded_by_count_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from newswire.admin import dlq

    monkeypatch.setattr(dlq, "BATCH_LETTERS", 3)
    monkeypatch.setattr(dlq, "BATCH_BYTES", 10)
    letters = [stored(i, payload=b"x" * 4) for i in range(7)]
    assert [len(b) for b in _batches(letters)] == [2, 2, 2, 1]
    small = [stored(i, payload=b"x") for i in range(7)]
    assert [len(b) for b in _batches(small)] == [3, 3, 1]
