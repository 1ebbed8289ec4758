"""The indexer worker as a separate process: articles in Kafka -> documents, dead letters."""

from __future__ import annotations

import orjson

from newswire.records import DeadLetter
from newswire.search import connect
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from tests.integration.indexer.conftest import IndexerProcess, wait_for_count
from tests.integration.indexer.synthetic import BASE_MS, article_id, encoded, make_article
from tests.support import consume, produce


async def test_worker_indexes_latest_versions_and_dead_letters_the_rest(
    fast_settings: Settings, tmp_path
) -> None:
    settings = fast_settings
    articles = topic_name(Topic.ARTICLES, settings)
    n = 300
    messages = [encoded(make_article(i, version=2)) for i in range(n)]
    # Older versions arriving after newer ones (a replay, a slow parser replica) lose.
    messages += [encoded(make_article(i, version=1)) for i in range(0, n, 3)]
    # Newer versions of some win.
    messages += [encoded(make_article(i, version=3)) for i in range(0, n, 5)]
    messages.append((b"junk", b"this is not a record"))
    messages.append(encoded(make_article(n, length=2**40)))  # refused by the mapping
    await produce(settings, articles, messages)

    worker = IndexerProcess(settings, log_path=tmp_path / "indexer.log")
    client = await connect(settings)
    try:
        with worker:

            def alive() -> None:
                assert worker.process and worker.process.poll() is None, worker.log_tail()

            count = await wait_for_count(client, settings.index_alias, n, alive=alive)
            assert count == n, worker.log_tail()
            letters = await consume(
                settings, topic_name(Topic.DEAD_LETTERS, settings), until=2, timeout=60
            )
        hits = await client.search(
            settings.index_alias,
            {"size": n, "version": True, "_source": ["version"], "query": {"match_all": {}}},
        )
        versions = {h["_id"]: h["_version"] for h in hits["hits"]["hits"]}
        expected = {article_id(i): BASE_MS + (3 if i % 5 == 0 else 2) for i in range(n)}
        assert versions == expected
        assert all(h["_source"]["version"] == h["_version"] for h in hits["hits"]["hits"])
    finally:
        await client.close()

    dead = [DeadLetter.from_bytes(m.value) for m in letters]
    assert sorted(d.reason for d in dead) == ["mapper_parsing_exception", "undecodable"]
    for letter in dead:
        assert letter.stage == "index"
        assert letter.origin_topic == articles
        assert letter.origin_offset is not None
    refused = next(d for d in dead if d.reason == "mapper_parsing_exception")
    assert refused.origin_key == article_id(n).encode()
    assert orjson.loads(refused.payload)["id"] == article_id(n)
    assert "length" in refused.error
    assert refused.url == f"https://news.example.test/{n}.html"
