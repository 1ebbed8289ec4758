"""The multi-node clusters: 3 KRaft brokers and 2 OpenSearch nodes on loopback, from the same jars.

Started once per session by ``deploy/local/services.sh up --brokers 3 --search-nodes 2`` beside
the single-node pair the other tests use (other ports), and removed at the end so that no
cluster state outlives the run. Tests here may kill and restart single nodes through
``services.sh kill/start``: that is what the cluster is for.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator

import pytest

from newswire.settings import Settings
from tests.conftest import SERVICES_SH
from tests.support import clean_up, make_settings


def services_sh(*args: str, timeout: float = 900) -> str:
    result = subprocess.run(
        [str(SERVICES_SH), *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"services.sh {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def cluster() -> Iterator[dict[str, str]]:
    """The cluster's NEWSWIRE_* settings (bootstrap servers, search URLs, replication)."""
    services_sh("up", "--brokers", "3", "--search-nodes", "2")
    env = dict(line.split("=", 1) for line in services_sh("env").split())
    yield env
    if os.environ.get("NEWSWIRE_KEEP_CLUSTER"):
        return  # left running (and its topics kept) to look into a failure
    services_sh("down", "--cluster", "--clean", timeout=300)


@pytest.fixture(scope="module")
def cluster_settings(
    cluster: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """Isolated settings on the cluster, with every topic created replicated."""
    from newswire.broker import create_topics

    settings = make_settings(
        tmp_path_factory.mktemp("cluster"),
        kafka_bootstrap_servers=cluster["NEWSWIRE_KAFKA_BOOTSTRAP_SERVERS"],
        replication_factor=int(cluster["NEWSWIRE_REPLICATION_FACTOR"]),
        search_url=cluster["NEWSWIRE_SEARCH_URL"],
        index_replicas=int(cluster["NEWSWIRE_INDEX_REPLICAS"]),
        partitions=3,
    )
    asyncio.run(create_topics(settings))
    yield settings
    if not os.environ.get("NEWSWIRE_KEEP_CLUSTER"):
        asyncio.run(clean_up(settings))
