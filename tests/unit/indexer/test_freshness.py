"""Discovery delay and publish-to-searchable: which articles count, and what is observed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from newswire.indexer import freshness
from newswire.indexer.documents import index_action_from_record
from newswire.records import Article

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 12, 8, tzinfo=UTC)


def test_timing_read_from_an_articles_message() -> None:
    article = Article(
        id="x",
        url="http://a.example/1",
        canonical_url="http://a.example/1",
        site="a",
        published_at=T0,
        fetched_at=T0 + timedelta(minutes=4),
        version=1,
    )
    action = index_action_from_record("idx", article.to_bytes(), T0 + timedelta(minutes=5))
    assert action.timing == freshness.Timing("a", T0, T0 + timedelta(minutes=4))
    undated = article.model_copy(update={"published_at": None})
    assert index_action_from_record("idx", undated.to_bytes(), T0).timing is None


def test_delays_and_what_is_left_out() -> None:
    timing = freshness.Timing("a", T0, T0 + timedelta(minutes=4))
    assert freshness.delays(timing, T0 + timedelta(minutes=4, seconds=2)) == (240.0, 242.0)
    backfill = freshness.Timing("a", T0 - timedelta(days=3), T0)
    assert freshness.delays(backfill, T0) is None
    skewed = freshness.Timing("a", T0 + timedelta(minutes=2), T0)
    assert freshness.delays(skewed, T0 + timedelta(seconds=1)) == (0.0, 0.0)
    wrong = freshness.Timing("a", T0 + timedelta(hours=8), T0)  # a time zone off by hours
    assert freshness.delays(wrong, T0) is None


def _count(name: str, site: str) -> float:
    return REGISTRY.get_sample_value(f"{name}_count", {"site": site}) or 0.0


def test_observed_per_site() -> None:
    site = "freshness-unit-test"
    before = _count("newswire_indexer_discovery_delay_seconds", site)
    freshness.observe(
        [
            freshness.Timing(site, T0, T0 + timedelta(seconds=30)),
            freshness.Timing(site, T0 - timedelta(days=5), T0),  # back-fill: not counted
        ],
        T0 + timedelta(seconds=31),
    )
    assert _count("newswire_indexer_discovery_delay_seconds", site) == before + 1
    assert _count("newswire_indexer_publish_to_searchable_seconds", site) == before + 1
    total = REGISTRY.get_sample_value(
        "newswire_indexer_publish_to_searchable_seconds_sum", {"site": site}
    )
    assert total is not None and total >= 31
