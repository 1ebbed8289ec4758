"""`newswire index migrate` on the real broker and engine, with the live indexer running.

An index created from an older template is rebuilt from the ``articles`` topic while the worker
keeps indexing new articles and a reader keeps counting the alias: the reader never sees fewer
documents than were there before, and afterwards the alias points at the new index only, which
holds every article at its latest version.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import urllib.request

from newswire.indexer.index_design import (
    TEMPLATE_VERSION,
    alias_targets,
    ensure_index,
    index_name,
    index_template_version,
    template_body,
    template_name,
    write_index,
)
from newswire.indexer.migrate import migrate
from newswire.search import SearchClient, connect
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from tests.integration.indexer.conftest import IndexerProcess, wait_for_count
from tests.integration.indexer.synthetic import BASE_MS, article_id, encoded, make_article
from tests.support import produce, settings_env

BEFORE = 1000
DURING = 300


async def install_old_index(client: SearchClient, settings: Settings) -> str:
    """The index as an older build would have created it (template version one lower)."""
    old = TEMPLATE_VERSION - 1
    await client.request(
        "PUT", f"/_index_template/{template_name(settings)}", body=template_body(settings, old)
    )
    first = index_name(settings, 1)
    await client.request(
        "PUT", f"/{first}", body={"aliases": {settings.index_alias: {"is_write_index": True}}}
    )
    assert await index_template_version(client, first) == old
    return first


async def versions(client: SearchClient, alias: str) -> dict[str, int]:
    hits = await client.search(
        alias, {"size": 5000, "version": True, "_source": False, "query": {"match_all": {}}}
    )
    return {h["_id"]: h["_version"] for h in hits["hits"]["hits"]}


async def test_migration_swaps_atomically_under_live_traffic(
    fast_settings: Settings, tmp_path
) -> None:
    settings = fast_settings
    alias = settings.index_alias
    articles = topic_name(Topic.ARTICLES, settings)
    client = await connect(settings)
    worker = IndexerProcess(settings, log_path=tmp_path / "indexer.log")
    try:
        old = await install_old_index(client, settings)
        await produce(settings, articles, [encoded(make_article(i)) for i in range(BEFORE)])
        with worker:
            assert await wait_for_count(client, alias, BEFORE) == BEFORE, worker.log_tail()

            seen: list[int] = []
            stop = asyncio.Event()

            async def reader() -> None:
                while not stop.is_set():
                    seen.append(await client.count(alias))
                    await asyncio.sleep(0.02)

            async def live_traffic() -> None:
                # New articles and newer versions of old ones, while the migration runs.
                for start in range(0, DURING, 30):
                    batch = [encoded(make_article(BEFORE + i)) for i in range(start, start + 30)]
                    batch += [encoded(make_article(i, version=2)) for i in range(start, start + 30)]
                    await produce(settings, articles, batch)
                    await asyncio.sleep(0.1)

            reading = asyncio.create_task(reader())
            traffic = asyncio.create_task(live_traffic())
            progress: list[tuple[int, int]] = []
            result = await migrate(settings, progress=lambda d, t: progress.append((d, t)))
            await traffic
            total = BEFORE + DURING
            assert await wait_for_count(client, alias, total) == total, worker.log_tail()
            stop.set()
            await reading

        assert result.swapped and result.source == old
        new = index_name(settings, 2)
        assert result.target == new
        assert await alias_targets(client, alias) == [new]
        assert await write_index(client, alias) == new
        assert await index_template_version(client, new) == TEMPLATE_VERSION
        # Readers never saw an empty or half-filled alias: not even one document they had
        # seen went missing at the swap (articles only arrive, so the count never drops).
        assert seen and min(seen) >= BEFORE, min(seen)
        drops = [(a, b) for a, b in itertools.pairwise(seen) if b < a]
        assert not drops, drops[:5]
        assert progress and progress[0][1] >= BEFORE
        expected = {
            article_id(i): BASE_MS + (2 if i < DURING else 1) for i in range(BEFORE + DURING)
        }
        assert await versions(client, alias) == expected
        # The old index stays until asked (a way back), untouched by the alias, and writable
        # again: the write block of the last round is lifted.
        assert await client.count(old) >= BEFORE
        assert not await write_blocked(client, old)

        again = await migrate(settings)
        assert not again.swapped and "already has template version" in again.reason
    finally:
        worker.stop()
        await client.close()


async def write_blocked(client: SearchClient, index: str) -> bool:
    found = await client.request("GET", f"/{index}/_settings")
    return found[index]["settings"]["index"].get("blocks", {}).get("write") == "true"


async def test_a_write_block_left_by_an_interrupted_migration_is_lifted(
    fast_settings: Settings,
) -> None:
    settings = fast_settings
    client = await connect(settings)
    try:
        current = await ensure_index(client, settings)
        await client.request("PUT", f"/{current}/_settings", body={"index.blocks.write": True})
        blocked_during_replay: list[bool] = []

        def progress(done: int, total: int) -> None:
            # Synchronous (the callback is), so asked over plain HTTP on loopback.
            url = f"{settings.search_url}/{current}/_settings/index.blocks.write"
            with urllib.request.urlopen(url, timeout=10) as answer:
                found = json.load(answer)
            blocked_during_replay.append(bool(found.get(current, {}).get("settings")))

        result = await migrate(settings, force=True, progress=progress)
        assert result.swapped
        # Lifted before the long replay, so the live indexer is not held up meanwhile.
        assert blocked_during_replay and not blocked_during_replay[0]
        assert not await write_blocked(client, current)
    finally:
        await client.close()


async def test_cli_migrate_force_and_delete_old(fast_settings: Settings) -> None:
    settings = fast_settings
    alias = settings.index_alias
    client = await connect(settings)
    try:
        before = await write_index(client, alias)
        assert before is not None
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "newswire", "index", "migrate", "--force", "--delete-old"],
            env=settings_env(settings),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        after = await write_index(client, alias)
        assert after is not None and after != before
        assert f"-> {after}" in result.stdout
        assert not await client.exists(f"/{before}")
        assert await client.count(alias) == BEFORE + DURING
    finally:
        await client.close()
