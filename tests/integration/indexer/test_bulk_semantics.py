"""Bulk writes on the real engine: versioning, conflicts, rejections, a vanished alias, blocks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from prometheus_client import REGISTRY

from newswire.indexer.bulk_writer import BulkWriter
from newswire.indexer.documents import index_action
from newswire.indexer.index_design import ensure_index, write_index
from newswire.records import utcnow
from newswire.search import SearchClient, connect
from newswire.settings import Settings
from tests.integration.indexer.synthetic import BASE_MS, make_article


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[SearchClient]:
    client = await connect(settings)
    await ensure_index(client, settings)
    yield client
    await client.close()


def writer(client: SearchClient, settings: Settings) -> BulkWriter:
    async def recreate() -> None:
        await ensure_index(client, settings)

    return BulkWriter(client, settings, require_alias=True, on_alias_missing=recreate)


async def stored(client: SearchClient, settings: Settings, doc_id: str) -> dict:
    await client.refresh(settings.index_alias)
    hits = await client.search(
        settings.index_alias, {"query": {"ids": {"values": [doc_id]}}, "version": True}
    )
    [hit] = hits["hits"]["hits"]
    return hit


async def test_an_older_version_never_overwrites_a_newer_one(
    client: SearchClient, settings: Settings
) -> None:
    alias = settings.index_alias
    w = writer(client, settings)
    newer = index_action(alias, make_article(1, version=2), utcnow())
    older = index_action(alias, make_article(1, version=1), utcnow())

    report = await w.write([newer])
    assert (report.indexed, report.conflicts) == (1, 0)
    report = await w.write([older])
    assert (report.indexed, report.conflicts, report.rejected) == (0, 1, [])
    hit = await stored(client, settings, "syn-000001")
    assert hit["_version"] == BASE_MS + 2
    assert hit["_source"]["title"].endswith("version 2")


async def test_the_same_version_again_is_harmless_and_a_reparse_replaces_it(
    client: SearchClient, settings: Settings
) -> None:
    alias = settings.index_alias
    w = writer(client, settings)
    first = make_article(2, version=5)
    assert (await w.write([index_action(alias, first, utcnow())])).indexed == 1
    # Re-delivery after a crash: same version, same content.
    assert (await w.write([index_action(alias, first, utcnow())])).indexed == 1
    # The same fetch parsed again by a fixed extractor: same version, better content.
    fixed = make_article(2, version=5, title="第2号新闻 修正版")
    report = await w.write([index_action(alias, fixed, utcnow())])
    assert (report.indexed, report.conflicts) == (1, 0)
    hit = await stored(client, settings, "syn-000002")
    assert hit["_version"] == BASE_MS + 5
    assert hit["_source"]["title"] == "第2号新闻 修正版"


async def test_a_document_the_mapping_refuses_is_rejected_with_the_engines_reason(
    client: SearchClient, settings: Settings
) -> None:
    alias = settings.index_alias
    good = index_action(alias, make_article(3), utcnow())
    # `length` is an integer field: 2**40 cannot be stored in it.
    bad = index_action(alias, make_article(4, length=2**40), utcnow())
    report = await writer(client, settings).write([good, bad])
    assert report.indexed == 1
    [rejected] = report.rejected
    assert rejected.action.doc_id == "syn-000004"
    assert rejected.outcome.status == 400
    assert rejected.outcome.reason == "mapper_parsing_exception"
    assert "length" in rejected.outcome.error


async def test_writes_never_create_an_index_named_like_the_alias(
    client: SearchClient, settings: Settings
) -> None:
    """If the alias vanishes, the writer recreates the real index behind it and retries."""
    alias = settings.index_alias
    current = await write_index(client, alias)
    await client.request("DELETE", f"/{current}")
    report = await writer(client, settings).write([index_action(alias, make_article(5), utcnow())])
    assert report.indexed == 1
    assert report.retries >= 1
    assert await write_index(client, alias) == current  # the alias, not a concrete `alias` index
    assert (await stored(client, settings, "syn-000005"))["_index"] == current


@pytest.mark.parametrize(
    "block",
    # An operator's write block (before a shrink or a snapshot) answers 403; the engine's own
    # block at the flood-stage disk watermark answers 429. Neither is the document's fault.
    ["index.blocks.write", "index.blocks.read_only_allow_delete"],
)
async def test_a_blocked_index_holds_the_writes_until_the_block_is_lifted(
    client: SearchClient, settings: Settings, block: str
) -> None:
    alias = settings.index_alias
    current = await write_index(client, alias)
    retried = asyncio.Event()

    async def note_retry(delay: float) -> None:
        retried.set()
        await asyncio.sleep(0.2)

    def blocked_retries() -> float:
        labels = {"cause": "cluster_block_exception"}
        return REGISTRY.get_sample_value("newswire_indexer_retries_total", labels) or 0.0

    before = blocked_retries()
    w = BulkWriter(client, settings, require_alias=True, sleep=note_retry)
    await client.request("PUT", f"/{current}/_settings", body={block: True})
    try:
        write = asyncio.create_task(w.write([index_action(alias, make_article(6), utcnow())]))
        await asyncio.wait_for(retried.wait(), 30)
        await asyncio.sleep(1.0)
        assert not write.done()  # still holding the document, not dead-lettering it
    finally:
        await client.request("PUT", f"/{current}/_settings", body={block: None})
    report = await asyncio.wait_for(write, 30)
    assert (report.indexed, report.rejected) == (1, [])
    assert report.retries >= 2
    assert blocked_retries() >= before + report.retries
    assert (await stored(client, settings, "syn-000006"))["_index"] == current
