"""The foundation works against the real broker and engine: faust round trip, CJK search."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from newswire import broker
from newswire.search import connect
from newswire.settings import Settings
from tests.support import settings_env

ECHO_APP = Path(__file__).with_name("faust_echo_app.py")


async def test_faust_agent_round_trip_through_real_broker(settings: Settings) -> None:
    worker = subprocess.Popen(
        [sys.executable, str(ECHO_APP)],
        env=settings_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        producer = AIOKafkaProducer(**broker.producer_options(settings))
        await producer.start()
        try:
            await producer.send_and_wait(
                f"{settings.topic_prefix}echo.in", b"hello kafka", key=b"k"
            )
        finally:
            await producer.stop()

        consumer = AIOKafkaConsumer(
            f"{settings.topic_prefix}echo.out",
            **broker.client_options(settings),
            auto_offset_reset="earliest",
            group_id=None,
        )
        await consumer.start()
        try:
            deadline = time.monotonic() + 90
            received = None
            while received is None and time.monotonic() < deadline:
                assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
                batch = await consumer.getmany(timeout_ms=1000)
                for messages in batch.values():
                    received = messages[0]
            assert received is not None, "the faust agent produced nothing within 90 s"
            assert received.value == b"HELLO KAFKA"
            assert received.key == b"k"
        finally:
            await consumer.stop()
    finally:
        worker.terminate()
        worker.wait(timeout=60)


async def test_search_engine_finds_chinese_document_through_cjk_analyzer(
    settings: Settings,
) -> None:
    from newswire.indexer.index_design import ensure_index

    client = await connect(settings)
    try:
        await ensure_index(client, settings)
        alias = settings.index_alias
        doc = {"title": "法国组织召开军方首脑会议", "text": "法国总统马克龙出席会议", "lang": "zh"}
        ndjson = broker_ndjson([{"index": {"_index": alias, "_id": "zh1"}}, doc])
        result = await client.bulk(ndjson, refresh=True)
        assert not result["errors"], result
        hits = await client.search(alias, {"query": {"match": {"text": "马克龙"}}})
        assert [h["_id"] for h in hits["hits"]["hits"]] == ["zh1"]
        # The analyzer splits CJK into bigrams, so a two-character word inside the text matches
        # while characters that never stand together in it do not.
        miss = await client.search(alias, {"query": {"match_phrase": {"text": "龙马"}}})
        assert miss["hits"]["total"]["value"] == 0
    finally:
        await client.close()


def broker_ndjson(lines: list[dict]) -> bytes:
    import orjson

    return b"".join(orjson.dumps(line) + b"\n" for line in lines)


@pytest.mark.parametrize("backend", ["elasticsearch"])
async def test_wrong_backend_is_refused_at_start_up(settings: Settings, backend: str) -> None:
    from newswire.search import WrongProduct

    wrong = settings.model_copy(update={"search_backend": backend})
    with pytest.raises(WrongProduct):
        await connect(wrong)
    await asyncio.sleep(0)
