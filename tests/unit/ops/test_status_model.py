"""The arithmetic and rules behind `newswire status` (no broker needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswire.admin.model import (
    GROUP_INPUTS,
    SERVICES,
    DeadLetterCount,
    DeadLetterInfo,
    GroupInfo,
    PartitionInfo,
    SearchInfo,
    Status,
    Thresholds,
    TopicInfo,
    find_problems,
    freshness_seconds,
    group_id,
    group_lag,
    partition_lag,
    window_count,
)
from newswire.settings import Settings
from newswire.topics import Topic

NOW = datetime(2025, 3, 12, 0, 50, tzinfo=UTC)


def test_lag_is_end_minus_committed() -> None:
    assert partition_lag(committed=40, log_start=0, end=100) == 60
    assert partition_lag(committed=100, log_start=0, end=100) == 0


def test_without_a_commit_everything_retained_is_lag() -> None:
    # auto_offset_reset=earliest: a new group starts at the log start, not at 0.
    assert partition_lag(committed=None, log_start=30, end=100) == 70
    assert partition_lag(committed=-1, log_start=0, end=5) == 5


def test_commit_below_log_start_resumes_at_log_start() -> None:
    # Retention removed records the group never read: they are gone, not pending.
    assert partition_lag(committed=10, log_start=50, end=80) == 30


def test_lag_is_never_negative() -> None:
    # A commit can be ahead of a stale end offset read a moment earlier.
    assert partition_lag(committed=120, log_start=0, end=100) == 0


def test_window_count_uses_the_offset_at_the_window_start() -> None:
    assert window_count(end=500, offset_at_window_start=380) == 120
    assert window_count(end=500, offset_at_window_start=None) == 0
    assert window_count(end=500, offset_at_window_start=500) == 0


def test_topic_rate_is_records_in_the_last_minute_per_second() -> None:
    topic = TopicInfo(
        "pages.raw",
        "x.pages.raw",
        True,
        (PartitionInfo(0, 10, 200, 90), PartitionInfo(1, 0, 100, 30)),
    )
    assert topic.end_offset == 300
    assert topic.retained == 290
    assert topic.recent == 120
    assert topic.rate == 2.0
    assert topic.to_json()["messages_per_second"] == 2.0


def test_group_lag_covers_every_partition_of_the_input_topics() -> None:
    offsets = {("x.pages.raw", 0): (0, 10), ("x.pages.raw", 1): (5, 8), ("x.articles", 0): (0, 9)}
    lags = group_lag([("pages.raw", "x.pages.raw")], {("x.pages.raw", 0): 4}, offsets)
    assert len(lags) == 1
    assert [(p.partition, p.committed, p.end, p.lag) for p in lags[0].partitions] == [
        (0, 4, 10, 6),
        (1, None, 8, 3),
    ]
    assert lags[0].lag == 9


def test_group_ids_follow_the_faust_app_ids() -> None:
    assert group_id("parser", Settings(topic_prefix="p.")) == "p.newswire-parser"


def test_status_covers_the_archive_group_the_archiver_runs() -> None:
    from newswire.archive.app import ArchiverOptions

    assert "archive" in SERVICES
    assert GROUP_INPUTS["archive"] == (Topic.PAGES_RAW,)
    settings = Settings(topic_prefix="p.")
    assert group_id("archive", settings) == f"p.{ArchiverOptions().group_id}"


def test_freshness() -> None:
    assert freshness_seconds(None, NOW) is None
    assert freshness_seconds(NOW - timedelta(minutes=5), NOW) == 300.0


def _status(**changes: object) -> Status:
    values: dict[str, object] = {
        "generated_at": NOW,
        "topic_prefix": "",
        "topics": (TopicInfo("pages.raw", "pages.raw", True, (PartitionInfo(0, 0, 5, 0),)),),
        "groups": (),
        "dead_letters": DeadLetterInfo("deadletters", 0, 0, 0, ()),
        "search": SearchInfo(
            "opensearch", "u", True, "green", alias="a", indices=("a-000001",), docs=3
        ),
    }
    values.update(changes)
    return Status(**values)  # type: ignore[arg-type]


def test_a_quiet_healthy_pipeline_has_no_problems() -> None:
    assert find_problems(_status(), Thresholds()) == ()


def test_problems_name_what_to_look_at() -> None:
    group = GroupInfo(
        "indexer",
        "newswire-indexer",
        "Stable",
        1,
        group_lag([("articles", "articles")], {}, {("articles", 0): (0, 50)}),
    )
    status = _status(
        topics=(TopicInfo("articles", "articles", False),),
        groups=(group,),
        dead_letters=DeadLetterInfo(
            "deadletters",
            4,
            1,
            0,
            (
                DeadLetterCount("parse", "extract_error", 2, 0, NOW, recent=2),
                DeadLetterCount("fetch", "http_404", 2, 1, NOW, recent=1),
            ),
        ),
        search=SearchInfo(
            "opensearch", "u", True, "red", alias="a", indices=("a-1",), freshness_s=4000.0
        ),
    )
    problems = find_problems(status, Thresholds(max_lag=10, max_age_s=900))
    text = "\n".join(problems)
    assert "topic articles does not exist" in text
    assert "indexer is behind by 50 records" in text
    # Parse failures are bugs worth a look; 404s from the web are everyday crawling.
    assert "2 parse dead letters (extract_error)" in text
    assert "http_404" not in text
    assert "health is red" in text
    assert "4000s old while the indexer has 50 records to do" in text


def test_unreachable_engine_is_a_problem() -> None:
    status = _status(search=SearchInfo("opensearch", "u", False, error="connection refused"))
    assert find_problems(status, Thresholds()) == ("search engine unreachable: connection refused",)


def test_json_has_the_same_numbers() -> None:
    group = GroupInfo(
        "parser", "g", None, None, group_lag([("pages.raw", "p")], {}, {("p", 0): (0, 7)})
    )
    data = _status(groups=(group,)).to_json()
    assert data["groups"][0]["lag"] == 7
    assert data["groups"][0]["topics"][0]["partitions"][0] == {
        "partition": 0,
        "committed": None,
        "end": 7,
        "lag": 7,
    }
    assert data["healthy"] is True
    assert data["search"]["docs"] == 3
