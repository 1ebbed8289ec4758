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
from tests.support import ServiceProcess, TopicReader, consume, produce


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


async def test_sigkill_and_restart_keep_every_story_id(settings: Settings, tmp_path: Path) -> None:
    arts = articles()
    ids = {a.id for a in arts}
    await produce(
        settings, topic_name(Topic.ARTICLES, settings), [(a.id.encode(), _record(a)) for a in arts]
    )
    storied: dict[str, set[str]] = {}
    log = tmp_path / "stories.log"
    async with TopicReader(settings, topic_name(Topic.ARTICLES_STORIED, settings)) as reader:

        async def read_until(n: int, worker: ServiceProcess, timeout: float = 240) -> None:
            deadline = time.monotonic() + timeout
            while len(storied) < n and time.monotonic() < deadline:
                assert worker.process and worker.process.poll() is None, worker.log_tail()
                for m in await reader.read():
                    story = orjson.loads(m.value)["story"]["id"]
                    storied.setdefault(m.key.decode(), set()).add(story)

        worker = ServiceProcess(settings, "stories", log_path=log).start()
        try:
            await read_until(len(arts) // 3, worker)
            assert storied, worker.log_tail()
            worker.kill()  # SIGKILL mid-stream: no final commit, no changelog flush
            worker = ServiceProcess(settings, "stories", log_path=log).start()
            await read_until(len(arts), worker)
        finally:
            worker.stop()
    assert set(storied) == ids  # nothing lost
    assert all(len(s) == 1 for s in storied.values())  # a replayed article keeps its story
    # ...and the ids are the batch command's for the sequence the stage actually saw.
    sequence = await consume(
        settings, topic_name(Topic.STORIES_SEQUENCE, settings), until=len(arts), timeout=60
    )
    lines = [
        orjson.dumps({**orjson.loads(m.value), "article_id": m.key.decode()}) for m in sequence
    ]
    batch = {}
    for m, out in zip(sequence, assign_lines(lines), strict=True):
        batch.setdefault(m.key.decode(), orjson.loads(out)["story_id"])
    assert {k: next(iter(v)) for k, v in storied.items()} == batch

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
