"""Fixtures for the indexer's integration tests (real Kafka and OpenSearch, see tests/conftest)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from newswire.search import SearchClient, SearchError, SearchUnavailable
from newswire.settings import Settings
from tests.support import ServiceProcess, clean_up, make_settings


@pytest.fixture(scope="module")
def fast_settings(services: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Isolated settings with short batching windows, every topic created."""
    from newswire.broker import create_topics

    settings = make_settings(
        tmp_path_factory.mktemp("indexer"),
        bulk_max_wait_s=0.2,
        bulk_max_docs=200,
        bulk_max_retry_s=4.0,
        log_level="INFO",
        log_json=True,
    )
    asyncio.run(create_topics(settings))
    yield settings
    asyncio.run(clean_up(settings))


async def wait_for_count(
    client: SearchClient,
    index: str,
    expected: int,
    *,
    timeout: float = 120.0,
    alive: Callable[[], Any] | None = None,
) -> int:
    """Poll (with refresh) until ``index`` holds ``expected`` documents; returns the last count."""
    deadline = time.monotonic() + timeout
    count = -1
    while time.monotonic() < deadline:
        if alive is not None:
            alive()
        try:
            await client.refresh(index)
            count = await client.count(index)
        except SearchUnavailable:
            count = -1
        except SearchError as exc:
            if exc.status != 404:  # the worker has not created the index yet
                raise
            count = -1
        if count == expected:
            return count
        await asyncio.sleep(0.5)
    return count


class IndexerProcess(ServiceProcess):
    """``newswire indexer`` as a child process (which dies with the test run)."""

    def __init__(self, settings: Settings, log_path: Any) -> None:
        super().__init__(settings, "indexer", log_path=log_path)
