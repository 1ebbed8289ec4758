"""Shared fixtures: the real local Kafka and OpenSearch, and isolated settings per test module.

Integration tests never fake Kafka or the search engine: the ``services`` fixture starts the
real ones through ``deploy/local/services.sh`` (or reuses them when they are already up), and
each test module gets its own topic prefix and index alias so modules cannot see each other's
records, even when several test runs share one broker.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from newswire.settings import Settings
from tests.support import clean_up, make_settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SERVICES_SH = REPO_ROOT / "deploy" / "local" / "services.sh"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Directory decides the marker, so `-m unit` never needs a broker.
    asked = (config.getoption("markexpr") or "").replace("not chaos", "")
    for item in items:
        if item.get_closest_marker("chaos") and "chaos" not in asked:
            # About ten minutes on the 2-core machine: only when asked for by name.
            item.add_marker(pytest.mark.skip(reason="runs only with `-m chaos` (see the README)"))
        path = Path(str(item.fspath))
        if "integration" in path.parts:
            item.add_marker(pytest.mark.integration)
            if "cluster" in path.parts:
                item.add_marker(pytest.mark.cluster)
        elif "unit" in path.parts:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared (dev data) is not present")
    return SHARED


@pytest.fixture(scope="session")
def services() -> None:
    """Real Kafka on 127.0.0.1:9092 and OpenSearch on 127.0.0.1:9200 (started once, reused)."""
    result = subprocess.run(
        [str(SERVICES_SH), "up"], capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            "could not start the local services:\n" + result.stdout + result.stderr,
            pytrace=False,
        )


@pytest.fixture(scope="module")
def settings(services: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Isolated settings for one test module, with every newswire topic already created."""
    from newswire.broker import create_topics

    settings = make_settings(tmp_path_factory.mktemp("newswire"))
    asyncio.run(create_topics(settings))
    yield settings
    # Leave the broker and the engine as we found them: a long-lived local broker otherwise
    # collects thousands of topics, and every client's metadata requests grow with them.
    asyncio.run(clean_up(settings))
