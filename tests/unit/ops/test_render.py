"""The status screen and dead-letter tables show the numbers of the data model."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from newswire.admin.deadletters import StoredLetter
from newswire.admin.model import (
    DeadLetterCount,
    DeadLetterInfo,
    GroupInfo,
    PartitionInfo,
    SearchInfo,
    Status,
    TopicInfo,
    group_lag,
)
from newswire.admin.render import render_letters, render_status
from newswire.records import DeadLetter

NOW = datetime(2025, 3, 12, 0, 50, tzinfo=UTC)


def text_of(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_status_screen() -> None:
    status = Status(
        generated_at=NOW,
        topic_prefix="p.",
        topics=(
            TopicInfo("pages.raw", "p.pages.raw", True, (PartitionInfo(0, 0, 1234, 120),)),
            TopicInfo("articles", "p.articles", False),
        ),
        groups=(
            GroupInfo(
                "parser",
                "p.newswire-parser",
                "Stable",
                2,
                group_lag(
                    [("pages.raw", "p.pages.raw")],
                    {("p.pages.raw", 0): 1000},
                    {("p.pages.raw", 0): (0, 1234), ("p.pages.raw", 1): (0, 5)},
                ),
            ),
        ),
        dead_letters=DeadLetterInfo(
            "p.deadletters", 3, 1, 0, (DeadLetterCount("parse", "extract_error", 3, 1, NOW, 2),)
        ),
        search=SearchInfo(
            "opensearch",
            "http://x:9200",
            True,
            "green",
            "2.19.1",
            "a",
            ("a-000001",),
            42,
            NOW,
            NOW,
            5.0,
        ),
        problems=("something to fix",),
    )
    text = text_of(render_status(status))
    assert "1 problem(s)" in text
    assert "1,234" in text and "2.0" in text  # end offset and msg/s (120 in the last minute)
    assert "missing" in text
    assert "Stable (2 members)" in text
    assert "p0=234 p1=5*" in text
    assert "extract_error" in text
    assert "docs 42" in text and "freshness 5s" in text
    assert "something to fix" in text


def test_letters_table_marks_replayed() -> None:
    letter = DeadLetter(
        stage="index",
        reason="mapper_parsing",
        error="failed to parse field [published_at]",
        origin_topic="p.articles",
        origin_partition=1,
        origin_offset=7,
        failed_at=NOW,
    )
    rows = [StoredLetter(0, 4, b"k", letter), StoredLetter(0, 9, b"k", letter)]
    text = text_of(render_letters(rows, {(0, 9)}, "letters [stage=index]"))
    assert "letters [stage=index]" in text  # not eaten as rich markup
    assert "p.articles[1]@7" in text
    assert "failed to parse field [published_at]" in text
    line_4 = next(line for line in text.splitlines() if "0:4" in line)
    line_9 = next(line for line in text.splitlines() if "0:9" in line)
    assert "yes" not in line_4 and "yes" in line_9
