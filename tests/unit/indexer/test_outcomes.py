"""Batching, per-item classification of bulk results, and backoff."""

from __future__ import annotations

import random

import pytest

from newswire.indexer.documents import Action
from newswire.indexer.outcomes import backoff_delay, chunks, classify


def action(size: int, doc_id: str = "x") -> Action:
    return Action("index", doc_id, 1, b"x" * size)


def test_chunks_bound_count() -> None:
    sizes = [len(c) for c in chunks([action(10) for _ in range(7)], max_docs=3, max_bytes=10**6)]
    assert sizes == [3, 3, 1]


def test_chunks_bound_bytes() -> None:
    batches = list(chunks([action(400) for _ in range(5)], max_docs=100, max_bytes=1000))
    assert [len(b) for b in batches] == [2, 2, 1]
    assert all(sum(a.size for a in b) <= 1000 for b in batches)


def test_an_oversized_action_travels_alone() -> None:
    batches = list(chunks([action(10), action(5000), action(10)], max_docs=100, max_bytes=1000))
    assert [[a.size for a in b] for b in batches] == [[10], [5000], [10]]


def test_chunks_of_nothing() -> None:
    assert list(chunks([], max_docs=10, max_bytes=1000)) == []


def item(status: int, error: dict | None = None, op: str = "index") -> dict:
    body: dict = {"_id": "a", "status": status}
    if error is not None:
        body["error"] = error
    return {op: body}


@pytest.mark.parametrize("status", [200, 201])
def test_success(status: int) -> None:
    assert classify(item(status)).kind == "ok"


def test_version_conflict_is_success_of_its_own_kind() -> None:
    outcome = classify(item(409, {"type": "version_conflict_engine_exception", "reason": "v"}))
    assert outcome.kind == "conflict"


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (429, "es_rejected_execution_exception"),
        (429, "circuit_breaking_exception"),
        (500, "illegal_state_exception"),
        (503, "unavailable_shards_exception"),
    ],
)
def test_busy_or_failing_engine_is_retried(status: int, error_type: str) -> None:
    outcome = classify(item(status, {"type": error_type, "reason": "busy"}))
    assert outcome.kind == "retry"
    assert outcome.reason == error_type


@pytest.mark.parametrize(
    ("status", "error_type", "reason"),
    [
        (403, "cluster_block_exception", "index [a] blocked by: [FORBIDDEN/8/index write (api)];"),
        (429, "cluster_block_exception", "index [a] blocked by: [TOO_MANY_REQUESTS/12/disk usage"),
        (403, "security_exception", "action [indices:data/write/bulk[s]] is unauthorized"),
    ],
)
def test_a_refusal_about_the_index_not_the_document_is_retried(
    status: int, error_type: str, reason: str
) -> None:
    outcome = classify(item(status, {"type": error_type, "reason": reason}))
    assert (outcome.kind, outcome.reason) == ("retry", error_type)


def test_other_client_errors_are_about_the_document() -> None:
    outcome = classify(item(400, {"type": "illegal_argument_exception", "reason": "id too long"}))
    assert (outcome.kind, outcome.status) == ("dead", 400)


def test_mapping_error_is_dead_with_the_engines_reason() -> None:
    outcome = classify(
        item(
            400,
            {
                "type": "mapper_parsing_exception",
                "reason": "failed to parse field [published_at] of type [date]",
                "caused_by": {"type": "illegal_argument_exception", "reason": "bad date"},
            },
        )
    )
    assert outcome.kind == "dead"
    assert outcome.reason == "mapper_parsing_exception"
    assert "published_at" in outcome.error
    assert "bad date" in outcome.error


def test_missing_alias_is_retried_not_dead() -> None:
    outcome = classify(item(404, {"type": "index_not_found_exception", "reason": "no such index"}))
    assert (outcome.kind, outcome.reason) == ("retry", "alias_missing")


def test_deleting_a_missing_document_reaches_the_goal() -> None:
    assert classify(item(404, op="delete")).kind == "not_found"


def test_backoff_grows_is_jittered_and_capped() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, base=0.5, cap=8.0, rng=rng) for n in range(12)]
    for n, delay in enumerate(delays):
        window = min(8.0, 0.5 * 2**n)
        assert 0.1 * window <= delay <= window
    assert max(delays) <= 8.0
    assert len({round(d, 6) for d in delays}) == len(delays)  # jitter: no two alike
