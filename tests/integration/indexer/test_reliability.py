"""Nothing lost, nothing stale: 5,000 articles through the indexer worker while it is SIGKILLed
twice and the search engine is stopped for 20 seconds mid-run.

The articles arrive at a steady rate with interleaved versions (newer ones, and stale
re-deliveries of older ones after them), so at every disruption the worker has batches in
flight. At the end the index must hold exactly 5,000 documents, each at its latest version, and
the dead-letter topic must be empty.

The engine is really stopped and started (``deploy/local/services.sh stop-search`` /
``start-search``: connections refused, then a node recovering its shards) and always restarted
in a ``finally`` so later tests have one. ``NEWSWIRE_TEST_ENGINE_OUTAGE=pause`` freezes it with
SIGSTOP/SIGCONT instead (requests hang rather than fail): gentler on a machine where other
people's tests share the engine, and the "slow engine" case rather than the "down" one.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from newswire import broker
from newswire.search import SearchClient, SearchError, SearchUnavailable, connect
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from tests.integration.indexer.conftest import IndexerProcess
from tests.integration.indexer.synthetic import BASE_MS, article_id, encoded, make_article
from tests.support import consume

ROOT = Path(__file__).resolve().parents[3]
SERVICES_SH = ROOT / "deploy" / "local" / "services.sh"
LOCAL_DATA = Path(os.environ.get("NEWSWIRE_LOCAL_DATA", ROOT / ".data" / "local"))
SEARCH_PID = LOCAL_DATA / "opensearch" / "pid"
OUTAGE = os.environ.get("NEWSWIRE_TEST_ENGINE_OUTAGE", "stop")
N = 5000
OUTAGE_S = 20.0


def message_plan() -> tuple[list[tuple[bytes, bytes]], dict[str, int]]:
    """Every message in production order, and the version each article must end at."""
    messages: list[tuple[bytes, bytes]] = []
    latest: dict[int, int] = {}

    def emit(i: int, version: int) -> None:
        messages.append(encoded(make_article(i, version=version)))
        latest[i] = max(latest.get(i, 0), version)

    for step in range(N + 600):
        if step < N:
            emit(step, 1)
        if 0 <= (j := step - 200) < N and j % 2 == 0:
            emit(j, 2)
        if 0 <= (j := step - 400) < N and j % 10 == 0:
            emit(j, 3)
        if 0 <= (j := step - 600) < N and j % 7 == 0:
            emit(j, 1)  # a stale re-delivery after the newer versions: must not win
    return messages, {article_id(i): BASE_MS + v for i, v in latest.items()}


async def produce_steadily(settings: Settings, messages: list[tuple[bytes, bytes]]) -> None:
    """About 200 messages a second, so the run spans the kills and the outage."""
    producer = AIOKafkaProducer(**broker.producer_options(settings))
    await producer.start()
    try:
        topic = topic_name(Topic.ARTICLES, settings)
        for start in range(0, len(messages), 100):
            futures = [
                await producer.send(topic, value=value, key=key)
                for key, value in messages[start : start + 100]
            ]
            for future in futures:
                await future
            await asyncio.sleep(0.5)
    finally:
        await producer.stop()


async def count(client: SearchClient, alias: str) -> int:
    try:
        await client.refresh(alias)
        return await client.count(alias)
    except (SearchUnavailable, SearchError):
        return -1


async def wait_until(predicate, timeout: float, poll: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(poll)
    return False


def services(command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SERVICES_SH), command], capture_output=True, text=True, timeout=300, check=False
    )


def stop_engine() -> None:
    if OUTAGE == "pause":
        os.kill(int(SEARCH_PID.read_text()), signal.SIGSTOP)
        return
    result = services("stop-search")
    assert result.returncode == 0, result.stderr


def start_engine() -> None:
    if OUTAGE == "pause":
        os.kill(int(SEARCH_PID.read_text()), signal.SIGCONT)
        return
    result = services("start-search")
    assert result.returncode == 0, result.stderr


async def stored_versions(client: SearchClient, alias: str) -> dict[str, int]:
    hits = await client.search(
        alias, {"size": N + 10, "version": True, "_source": False, "query": {"match_all": {}}}
    )
    return {h["_id"]: h["_version"] for h in hits["hits"]["hits"]}


@pytest.mark.timeout(420)
async def test_kills_and_an_engine_outage_lose_nothing(fast_settings: Settings, tmp_path) -> None:
    settings = fast_settings
    alias = settings.index_alias
    messages, expected = message_plan()
    assert len(expected) == N
    worker = IndexerProcess(settings, log_path=tmp_path / "indexer.log")
    client = await connect(settings)
    producing = asyncio.create_task(produce_steadily(settings, messages))
    engine_stopped = False

    def restart_worker() -> None:
        worker.kill()
        assert worker.process is not None
        assert worker.process.returncode == -9
        worker.start()

    try:
        worker.start()

        # 1. SIGKILL once the worker is indexing.
        assert await wait_until(lambda: _at_least(client, alias, 500), 120), worker.log_tail()
        restart_worker()

        # 2. Stop the engine for 20 s while articles keep arriving.
        assert await wait_until(lambda: _at_least(client, alias, 2000), 120), worker.log_tail()
        engine_stopped = True
        await asyncio.to_thread(stop_engine)
        await asyncio.sleep(OUTAGE_S)
        # Back-pressure, not a crash loop: the worker is still there, waiting.
        assert worker.process is not None and worker.process.poll() is None, worker.log_tail()
        await asyncio.to_thread(start_engine)
        engine_stopped = False

        # 3. SIGKILL again while it catches up after the outage (a batch in hand).
        before = await count(client, alias)
        await wait_until(lambda: _at_least(client, alias, before + 1), 30)
        restart_worker()

        await asyncio.wait_for(producing, timeout=120)

        async def complete() -> bool:
            if await count(client, alias) != N:
                return False
            return await stored_versions(client, alias) == expected

        done = await wait_until(complete, 180, poll=1.0)
        worker.stop()
        assert await count(client, alias) == N, worker.log_tail()
        versions = await stored_versions(client, alias)
        stale = {k: (v, expected[k]) for k, v in versions.items() if v != expected[k]}
        assert not stale, f"{len(stale)} documents not at their latest version: {list(stale)[:5]}"
        assert done
        letters = await consume(
            settings, topic_name(Topic.DEAD_LETTERS, settings), until=1, timeout=5
        )
        assert letters == []
        if OUTAGE == "stop":
            # The outage really hit the worker while it had work in hand.
            # (The outage filter turns the worker's complaints into one "lost" line.)
            log = (tmp_path / "indexer.log").read_text(errors="replace")
            lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
            assert any(
                line.get("outage") == "search" and line.get("outage_state") == "lost"
                for line in lines
            ), log[-2000:]
    finally:
        producing.cancel()
        if engine_stopped:
            await asyncio.to_thread(start_engine)
        worker.stop()
        await client.close()


async def _at_least(client: SearchClient, alias: str, n: int) -> bool:
    return await count(client, alias) >= n
