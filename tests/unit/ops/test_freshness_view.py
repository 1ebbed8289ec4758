"""`newswire status --sites`: discovery delay and publish-to-searchable p50/p95 per site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from newswire.admin.freshness_view import freshness_query, percentile, site_freshness
from newswire.admin.model import DeadLetterInfo, SearchInfo, Status
from newswire.admin.render import render_status

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 12, 9, tzinfo=UTC)


def doc(site: str, discovered_s: float, indexed_s: float, **extra: object) -> dict[str, object]:
    published = NOW - timedelta(minutes=30)
    return {
        "site": site,
        "published_at": published.isoformat(),
        "fetched_at": (published + timedelta(seconds=discovered_s)).isoformat(),
        "indexed_at": (published + timedelta(seconds=indexed_s)).isoformat(),
        **extra,
    }


def test_percentiles_per_site() -> None:
    docs = [doc("a", 60 * i, 60 * i + 2) for i in range(1, 101)]
    docs += [doc("b", 10, 11), {"site": "b", "published_at": None, "fetched_at": None}]
    docs.append(doc("b", 0, 1, published_at=(NOW - timedelta(days=9)).isoformat()))  # back-fill
    a, b = site_freshness(docs)
    assert (a.site, a.articles) == ("a", 100)
    assert (a.discovery_p50_s, a.discovery_p95_s) == (3000, 5700)
    assert (a.searchable_p50_s, a.searchable_p95_s) == (3002, 5702)
    assert (b.site, b.articles, b.discovery_p95_s) == ("b", 1, 10)


def test_percentile_nearest_rank() -> None:
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0


def test_query_reads_the_last_hour() -> None:
    query = freshness_query(NOW)
    (indexed_range, _) = query["query"]["bool"]["filter"]
    assert indexed_range["range"]["indexed_at"]["gte"] == (NOW - timedelta(hours=1)).isoformat()


def test_status_sites_shows_the_table() -> None:
    status = Status(
        generated_at=NOW,
        topic_prefix="",
        topics=(),
        groups=(),
        dead_letters=DeadLetterInfo("deadletters", 0, 0, 0, ()),
        search=SearchInfo(reachable=True, backend="opensearch", url="u", alias="x"),
        freshness=site_freshness([doc("xinhua", 90, 92), doc("xinhua", 400, 401)]),
    )
    console = Console(width=200, record=True, color_system=None)
    console.print(render_status(status, sites=True))
    text = console.export_text()
    assert "Freshness, last hour" in text
    row = next(line for line in text.splitlines() if "xinhua" in line)
    assert "90s" in row and "7m" in row
    assert status.to_json()["freshness"][0]["discovery_delay_s"] == {"p50": 90.0, "p95": 400.0}
