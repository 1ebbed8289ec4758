"""The writer's retry loop, driven by scripted engine answers (the real engine is in
tests/integration/indexer): it never raises, never gives up on a retryable failure, and returns
permanent rejections to its caller."""

from __future__ import annotations

import random
from typing import Any

from newswire.indexer.bulk_writer import BulkWriter
from newswire.indexer.documents import Action
from newswire.search import SearchError, SearchUnavailable
from newswire.settings import Settings


class ScriptedClient:
    """Answers each bulk request with the next scripted reply (an exception or a callable)."""

    def __init__(self, replies: list[Any]) -> None:
        self.replies = replies
        self.requests: list[tuple[list[str], Any]] = []

    async def request(
        self, method: str, path: str, *, params: Any = None, body: Any = None, ndjson: bool = False
    ) -> Any:
        ids = [
            line.split(b'"_id":"')[1].split(b'"')[0].decode()
            for line in body.split(b"\n")
            if b'"_id"' in line
        ]
        self.requests.append((ids, params))
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply(ids)


def actions(*ids: str) -> list[Action]:
    return [
        Action("index", i, 1, b'{"index":{"_index":"a","_id":"%s"}}\n{}\n' % i.encode())
        for i in ids
    ]


def answer(statuses: dict[str, int], error_type: str = "mapper_parsing_exception"):
    def reply(ids: list[str]) -> dict:
        items = []
        for i in ids:
            status = statuses.get(i, 201)
            body: dict = {"_id": i, "status": status}
            if status >= 300:
                body["error"] = {"type": error_type if status == 400 else "busy", "reason": "r"}
            items.append({"index": body})
        return {"errors": any(s >= 300 for s in statuses.values()), "items": items}

    return reply


def writer(client: ScriptedClient, sleeps: list[float], **settings: Any) -> BulkWriter:
    async def sleep(delay: float) -> None:
        sleeps.append(delay)

    return BulkWriter(
        client,  # type: ignore[arg-type]
        Settings(**settings),
        require_alias=True,
        sleep=sleep,
        rng=random.Random(1),
    )


async def test_outage_then_partial_failures_end_with_every_item_decided() -> None:
    client = ScriptedClient(
        [
            SearchUnavailable("connection refused"),
            SearchError(503, {"error": "master_not_discovered"}),
            answer({"b": 429, "c": 400, "d": 409}),
            answer({}),
        ]
    )
    sleeps: list[float] = []
    report = await writer(client, sleeps).write(actions("a", "b", "c", "d"))
    assert (report.indexed, report.conflicts) == (2, 1)  # a, then b on the retry; d was newer
    assert [r.action.doc_id for r in report.rejected] == ["c"]
    assert report.rejected[0].outcome.reason == "mapper_parsing_exception"
    assert [ids for ids, _ in client.requests] == [
        ["a", "b", "c", "d"],
        ["a", "b", "c", "d"],
        ["a", "b", "c", "d"],
        ["b"],
    ]
    assert all(params["require_alias"] == "true" for _, params in client.requests)
    assert len(sleeps) == 3 and report.retries == 3


async def test_a_failed_request_holds_back_the_rest_of_the_batch() -> None:
    client = ScriptedClient([answer({}), SearchUnavailable("down"), answer({}), answer({})])
    sleeps: list[float] = []
    report = await writer(client, sleeps, bulk_max_docs=2).write(actions("a", "b", "c", "d", "e"))
    assert report.indexed == 5
    assert [ids for ids, _ in client.requests] == [["a", "b"], ["c", "d"], ["c", "d"], ["e"]]


async def test_backoff_is_capped_by_settings() -> None:
    client = ScriptedClient([SearchUnavailable("down")] * 12 + [answer({})])
    sleeps: list[float] = []
    report = await writer(client, sleeps, bulk_max_retry_s=2.0).write(actions("a"))
    assert report.indexed == 1
    assert len(sleeps) == 12 and max(sleeps) <= 2.0


async def test_outcomes_are_counted_in_the_documented_metrics() -> None:
    from prometheus_client import REGISTRY

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels or None) or 0.0

    before = (
        sample("newswire_indexer_docs_indexed_total"),
        sample("newswire_indexer_version_conflicts_total"),
        sample("newswire_indexer_retries_total", cause="unavailable"),
        sample("newswire_indexer_bulk_duration_seconds_count"),
    )
    client = ScriptedClient([SearchUnavailable("down"), answer({"b": 409})])
    await writer(client, []).write(actions("a", "b"))
    after = (
        sample("newswire_indexer_docs_indexed_total"),
        sample("newswire_indexer_version_conflicts_total"),
        sample("newswire_indexer_retries_total", cause="unavailable"),
        sample("newswire_indexer_bulk_duration_seconds_count"),
    )
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 1]
