"""The story stage on the real broker: SIGKILLed mid-stream and restarted, it loses nothing
and every article keeps one story id, the one the batch command gives for the same sequence."""

from __future__ import annotations

import time
from pathlib import Path

import orjson

from newswire.indexer.index_design import story_alias
from newswire.records import Article
from newswire.search import connect
from newswire.settings import Settings
from newswire.stories.batch import assign_lines
from newswire.topics import Topic, topic_name
from tests.fixtures.stories.labelled import articles
from tests.integration.indexer.conftest import wait_for_count
from tests.support import ServiceProcess, TopicReader, produce


def _record(a: object) -> bytes:
    f = a.fields()  # type: ignore[attr-defined]
    return Article(
        id=a.id,  # type: ignore[attr-defined]
        url=f"https://{f['site']}/{a.id}",  # type: ignore[attr-defined]
        canonical_url=f"https://{f['site']}/{a.id}",  # type: ignore[attr-defined]
        site=f["site"],
        lang=f["lang"],
        title=f["title"],
        source=f["source"],
        text=f["text"],
        published_at=f["published_at"],
        fetched_at=f["fetched_at"],
        content_hash=f["content_hash"],
        version=1,
    ).to_bytes()


async def read_all(settings: Settings, topic: str, keys: int) -> list:
    """Every message of a topic: read until ``keys`` distinct keys came and a read is empty."""
    messages: list = []
    async with TopicReader(settings, topic) as reader:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            batch = await reader.read(timeout_ms=1000)
            messages.extend(batch)
            if not batch and len({m.key for m in messages}) >= keys:
                break
    return messages


async def test_sigkill_and_restart_keep_every_story_id(settings: Settings, tmp_path: Path) -> None:
    arts = articles()
    ids = {a.id for a in arts}
    records = [(a.id.encode(), _record(a)) for a in arts]
    thirds = [records[: len(records) // 3], records[len(records) // 3 : 2 * len(records) // 3]]
    thirds.append(records[2 * len(records) // 3 :])
    storied: dict[str, set[str]] = {}
    copies = 0
    log = tmp_path / "stories.log"
    async with TopicReader(settings, topic_name(Topic.ARTICLES_STORIED, settings)) as reader:

        async def read_until(n: int, worker: ServiceProcess, timeout: float = 240) -> None:
            nonlocal copies
            deadline = time.monotonic() + timeout
            while len(storied) < n and time.monotonic() < deadline:
                assert worker.process and worker.process.poll() is None, worker.log_tail()
                for m in await reader.read():
                    story = orjson.loads(m.value)["story"]["id"]
                    storied.setdefault(m.key.decode(), set()).add(story)
                    copies += 1

        done = 0
        for i, third in enumerate(thirds):
            await produce(settings, topic_name(Topic.ARTICLES, settings), third)
            done += len(third)
            worker = ServiceProcess(settings, "stories", log_path=log).start()
            try:
                await read_until(done, worker)
                assert len(storied) == done, worker.log_tail()
            finally:
                if i < len(thirds) - 1:
                    # SIGKILL as soon as the outputs are out: offsets and changelog entries
                    # of the last batch are usually not committed yet, so the next worker
                    # restores the table and replays them.
                    worker.kill()
                else:
                    worker.stop()
    assert set(storied) == ids  # nothing lost
    assert all(len(s) == 1 for s in storied.values())  # a replayed article keeps its story
    # ...and the ids are the batch command's for the sequence the stage actually saw
    # (duplicates the funnel sent again after a kill included).
    sequence = await read_all(settings, topic_name(Topic.STORIES_SEQUENCE, settings), len(ids))
    lines = [
        orjson.dumps({**orjson.loads(m.value), "article_id": m.key.decode()}) for m in sequence
    ]
    batch = {}
    for m, out in zip(sequence, assign_lines(lines), strict=True):
        batch.setdefault(m.key.decode(), orjson.loads(out)["story_id"])
    assert {k: next(iter(v)) for k, v in storied.items()} == batch
    print(f"{copies} storied messages for {len(ids)} articles, {len(sequence)} in the sequence")

    # With stories on, the indexer writes the articles with their story, and one story
    # document per story whose totals count every member (the latest snapshot won).
    on = settings.model_copy(update={"stories": True})
    members: dict[str, list[str]] = {}
    for article_id, story_id in batch.items():
        members.setdefault(story_id, []).append(article_id)
    client = await connect(on)
    indexer = ServiceProcess(on, "indexer", log_path=tmp_path / "indexer.log").start()
    try:

        def alive() -> None:
            assert indexer.process and indexer.process.poll() is None, indexer.log_tail()

        assert await wait_for_count(client, on.index_alias, len(ids), alive=alive) == len(ids)
        stories = story_alias(on)
        assert await wait_for_count(client, stories, len(members), alive=alive) == len(members)
        for story_id, article_ids in members.items():
            doc = await client.request("GET", f"/{stories}/_doc/{story_id}")
            assert doc["_source"]["articles"] == len(article_ids), story_id
            hits = await client.search(
                on.index_alias, {"query": {"term": {"story.id": story_id}}, "size": 50}
            )
            assert sorted(h["_id"] for h in hits["hits"]["hits"]) == sorted(article_ids)
    finally:
        indexer.stop()
        await client.close()
