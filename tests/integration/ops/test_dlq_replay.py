"""`newswire dlq` against the real broker: letters listed with reasons, replayed exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from newswire import broker
from newswire.admin.deadletters import REPLAY_HEADER, DeadLetterReplay
from newswire.admin.dlq import replay_transactional_id
from newswire.records import DeadLetter
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from tests.integration.ops.opsutil import newswire_json, read_all
from tests.support import produce


def when(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T00:00:00+00:00").astimezone(UTC)


@pytest.fixture(scope="module")
def letters(settings: Settings) -> list[DeadLetter]:
    """Dead letters of every stage, written to the dead-letter topic (offsets 0..5)."""
    import asyncio

    pages = topic_name(Topic.PAGES_RAW, settings)
    articles = topic_name(Topic.ARTICLES, settings)
    crawl = topic_name(Topic.CRAWL_REQUESTS, settings)
    letters = [
        *(
            DeadLetter(
                stage="parse",
                reason="extract_error",
                error=f"IndexError on page {i}",
                origin_topic=pages,
                origin_partition=0,
                origin_offset=i,
                origin_key=f"url-{i}".encode(),
                payload=b'{"type":"RawPage","page":%d}' % i,
                url=f"https://news.example/{i}",
                url_id=f"{i:032x}",
                failed_at=when(f"2025-01-0{i + 1}"),
            )
            for i in range(3)
        ),
        DeadLetter(
            stage="index",
            reason="mapper_parsing",
            error="failed to parse field [published_at]",
            origin_topic=articles,
            origin_key=b"article-9",
            payload=b'{"type":"Article","id":"9"}',
            failed_at=when("2025-02-01"),
        ),
        DeadLetter(
            stage="fetch",
            reason="http_404",
            error="404 Not Found",
            origin_topic=crawl,
            origin_key=b"news.example",
            payload=b'{"type":"CrawlRequest"}',
            failed_at=when("2025-03-01"),
        ),
        # From another deployment sharing the cluster: must never be written anywhere.
        DeadLetter(
            stage="parse",
            reason="extract_error",
            error="x",
            origin_topic="someone-else.pages.raw",
            payload=b"foreign",
            failed_at=when("2025-01-05"),
        ),
    ]
    dlq = topic_name(Topic.DEAD_LETTERS, settings)
    asyncio.run(produce(settings, dlq, [(x.origin_key, x.to_bytes()) for x in letters]))
    return letters


def test_list_shows_every_letter_with_reason_and_origin(
    settings: Settings, letters: list[DeadLetter]
) -> None:
    data = newswire_json(settings, "dlq", "list")
    assert data["matched"] == len(letters)
    listed = [(x["id"], x["stage"], x["reason"], x["origin_topic"]) for x in data["letters"]]
    assert listed == [(f"0:{i}", x.stage, x.reason, x.origin_topic) for i, x in enumerate(letters)]
    assert data["letters"][3]["error"] == "failed to parse field [published_at]"
    assert data["letters"][0]["payload_size"] == len(letters[0].payload)

    data = newswire_json(
        settings,
        "dlq",
        "list",
        "--stage",
        "parse",
        "--since",
        "2025-01-01",
        "--until",
        "2025-01-03",
    )
    assert [x["id"] for x in data["letters"]] == ["0:0", "0:1"]
    data = newswire_json(settings, "dlq", "list", "--reason", "http_4*")
    assert [x["id"] for x in data["letters"]] == ["0:4"]


async def test_replay_puts_each_letter_back_exactly_once(
    settings: Settings, letters: list[DeadLetter]
) -> None:
    pages = topic_name(Topic.PAGES_RAW, settings)
    articles = topic_name(Topic.ARTICLES, settings)
    dlq = topic_name(Topic.DEAD_LETTERS, settings)

    # An earlier replay run that died mid-batch: its transaction (payload + marker for letter
    # 0:0) is open and never committed. It must neither count as replayed nor stay visible.
    zombie = AIOKafkaProducer(
        **broker.client_options(settings), transactional_id=replay_transactional_id(settings)
    )
    await zombie.start()
    await zombie.begin_transaction()
    await zombie.send_and_wait(pages, letters[0].payload, key=letters[0].origin_key)
    marker = DeadLetterReplay(
        letter_partition=0,
        letter_offset=0,
        origin_topic=pages,
        stage="parse",
        reason="extract_error",
        run_id="zombie",
    )
    await zombie.send_and_wait(dlq, marker.to_bytes(), partition=0)

    dry = newswire_json(settings, "dlq", "replay", "--stage", "parse", "--dry-run")
    assert [x["id"] for x in dry["would_replay"]] == ["0:0", "0:1", "0:2"]

    first = newswire_json(settings, "dlq", "replay", "--stage", "parse", "--stage", "index")
    assert [x["id"] for x in first["replayed"]] == ["0:0", "0:1", "0:2", "0:3"]
    assert first["already_replayed"] == []
    assert first["refused"] == [
        {
            "id": "0:5",
            "why": "origin topic someone-else.pages.raw is not a topic of this deployment",
        }
    ]

    # The zombie was fenced by the replay: it can no longer commit.
    with pytest.raises(KafkaError):
        await zombie.commit_transaction()
    await zombie.stop()

    second = newswire_json(settings, "dlq", "replay", "--stage", "parse", "--stage", "index")
    assert second["replayed"] == []
    assert second["already_replayed"] == ["0:0", "0:1", "0:2", "0:3"]

    # Each payload exactly once on its origin topic, with its key and the replay header.
    on_pages = await read_all(settings, pages)
    assert sorted((r.key, r.value) for r in on_pages) == sorted(
        (x.origin_key, x.payload) for x in letters[:3]
    )
    for record in on_pages:
        headers = dict(record.headers)
        assert headers[REPLAY_HEADER].decode().startswith(f"{dlq}:0:")
    on_articles = await read_all(settings, articles)
    assert [(r.key, r.value) for r in on_articles] == [(b"article-9", letters[3].payload)]
    assert await read_all(settings, topic_name(Topic.CRAWL_REQUESTS, settings)) == []

    # The letters are now shown as replayed; only the untouched ones are pending.
    pending = newswire_json(settings, "dlq", "list", "--pending")
    assert [x["id"] for x in pending["letters"]] == ["0:4", "0:5"]
    shown = newswire_json(settings, "dlq", "show", "0:1")
    assert shown["reason"] == "extract_error"
    assert [m["run_id"] for m in shown["replayed"]] == [first["run_id"]]

    status = newswire_json(settings, "status")
    dead = status["dead_letters"]
    assert (dead["total"], dead["replayed"], dead["pending"]) == (6, 4, 2)
    by_reason = {(r["stage"], r["reason"]): (r["count"], r["replayed"]) for r in dead["by_reason"]}
    assert by_reason == {
        ("parse", "extract_error"): (4, 3),
        ("index", "mapper_parsing"): (1, 1),
        ("fetch", "http_404"): (1, 0),
    }


def test_replay_needs_a_selection(settings: Settings, letters: list[DeadLetter]) -> None:
    import subprocess
    import sys

    from tests.support import settings_env

    result = subprocess.run(
        [sys.executable, "-m", "newswire", "dlq", "replay"],
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "--all" in result.stderr
