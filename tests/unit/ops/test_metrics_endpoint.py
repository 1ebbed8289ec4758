"""Every service's metrics are served over HTTP, and docs/operations.md documents each one.

The service metric modules are imported directly: if one is missing, this test fails (an
ImportError), it does not skip. The lead's end-to-end tests scrape the running services.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

import newswire.archive.metrics
import newswire.fetcher.metrics
import newswire.indexer.metrics
import newswire.parser.fill_metrics
import newswire.parser.metrics
import newswire.stories.metrics  # noqa: F401
from newswire.observability import CONSUMER_LAG, MetricsServer, health_response, serve_metrics
from newswire.settings import Settings

DOCS = Path(__file__).resolve().parents[3] / "docs" / "operations.md"


def documented_metrics() -> dict[str, str]:
    """``{name: type}`` from the metrics table of docs/operations.md."""
    rows = re.findall(
        r"^\| `(newswire_[a-z0-9_]+)` \| (counter|gauge|histogram|summary) \|",
        DOCS.read_text(),
        re.MULTILINE,
    )
    assert rows, "no metrics table found in docs/operations.md"
    return dict(rows)


@pytest.fixture(scope="module")
def server() -> Iterator[MetricsServer]:
    # The shared registry, as in a service; port 0 picks a free port.
    settings = Settings(metrics_port=0, kafka_bootstrap_servers="127.0.0.1:1")
    state = {"ok": True}
    running = serve_metrics(settings, "unit-test", health=lambda: dict(state), host="127.0.0.1")
    assert running is not None
    running.state = state  # type: ignore[attr-defined]
    yield running
    running.close()


def get(server: MetricsServer, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def served_metrics(server: MetricsServer) -> dict[str, str]:
    status, body = get(server, "/metrics")
    assert status == 200
    families = text_string_to_metric_families(body.decode())
    # The text parser reports counters without `_total`; the docs use the exposed name.
    return {
        (f.name + "_total" if f.type == "counter" else f.name): f.type
        for f in families
        if f.name.startswith("newswire_")
    }


def test_every_served_metric_is_documented_and_every_documented_one_is_served(
    server: MetricsServer,
) -> None:
    served = served_metrics(server)
    documented = documented_metrics()
    assert sorted(set(served) - set(documented)) == [], "served but not in docs/operations.md"
    assert sorted(set(documented) - set(served)) == [], "documented but not served"
    assert served == documented, "types differ"


def test_each_service_prefix_is_present(server: MetricsServer) -> None:
    served = served_metrics(server)
    for service in ("fetcher", "parser", "indexer", "stories", "archive"):
        assert any(name.startswith(f"newswire_{service}_") for name in served), service
    assert "newswire_build_info" in served
    assert "newswire_consumer_lag" in served


def test_build_info_names_the_service(server: MetricsServer) -> None:
    _, body = get(server, "/metrics")
    assert re.search(rb'newswire_build_info\{[^}]*service="unit-test"[^}]*\} 1\.0', body)


def test_health_is_200_or_503(server: MetricsServer) -> None:
    state = server.state  # type: ignore[attr-defined]
    state["ok"] = True
    state["assigned_partitions"] = 3
    status, body = get(server, "/health")
    assert status == 200
    assert b'"assigned_partitions":3' in body
    state["ok"] = False
    status, body = get(server, "/health")
    assert status == 503
    assert b'"ok":false' in body
    assert get(server, "/nope")[0] == 404


def test_health_response_rules() -> None:
    assert health_response("s", None, 0.0)[0] == 200
    assert health_response("s", lambda: {"queue": 4}, 0.0)[0] == 200

    def broken() -> dict[str, object]:
        raise RuntimeError("consumer gone")

    code, body = health_response("s", broken, 0.0)
    assert code == 503
    assert body["error"] == "RuntimeError: consumer gone"


def test_no_port_no_server() -> None:
    assert serve_metrics(Settings(metrics_port=None), "parser") is None


def test_lag_that_cannot_be_measured_does_not_break_the_scrape(server: MetricsServer) -> None:
    # Nothing listens on port 1: measuring fails at once, the scrape still answers in full.
    CONSUMER_LAG.watch("parser", Settings(kafka_bootstrap_servers="127.0.0.1:1"))
    try:
        status, body = get(server, "/metrics")
    finally:
        CONSUMER_LAG.unwatch("parser")
    assert status == 200
    assert re.search(rb'newswire_consumer_lag_errors_total\{service="parser"\} [1-9]', body)
    assert b"newswire_parser_pages_total" in body
