"""Each site's freshness over the last hour, for ``newswire status --sites`` (pure + one query).

The index stores every article's ``published_at``, ``fetched_at`` and ``indexed_at``, so the
status view reads the articles indexed in the last hour (:func:`freshness_query`) and computes
per site the median and 95th percentile of the discovery delay (published to fetched) and of
publish-to-searchable (published to indexed), with the same rules as the indexer's histograms
(:func:`newswire.indexer.freshness.delays`: back-fill older than two days is left out). The
histograms serve dashboards and alerts; this view needs no Prometheus.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newswire.indexer.freshness import delays, timing_of

#: The view's window, and the most documents it reads (the newest indexed first).
WINDOW = timedelta(hours=1)
MAX_DOCS = 10_000


@dataclass(frozen=True)
class SiteFreshness:
    site: str
    articles: int
    discovery_p50_s: float
    discovery_p95_s: float
    searchable_p50_s: float
    searchable_p95_s: float

    def to_json(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "articles": self.articles,
            "discovery_delay_s": {"p50": self.discovery_p50_s, "p95": self.discovery_p95_s},
            "publish_to_searchable_s": {
                "p50": self.searchable_p50_s,
                "p95": self.searchable_p95_s,
            },
        }


def freshness_query(now: datetime) -> dict[str, Any]:
    """The search for the last hour's articles with a publication time."""
    return {
        "size": MAX_DOCS,
        "_source": ["site", "published_at", "fetched_at", "indexed_at"],
        "sort": [{"indexed_at": "desc"}],
        "query": {
            "bool": {
                "filter": [
                    {"range": {"indexed_at": {"gte": (now - WINDOW).isoformat()}}},
                    {"exists": {"field": "published_at"}},
                ]
            }
        },
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (``q`` in 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


def site_freshness(documents: Iterable[Mapping[str, Any]]) -> tuple[SiteFreshness, ...]:
    """Per-site percentiles from indexed documents (their ``_source``), sites by name."""
    discovery: dict[str, list[float]] = {}
    searchable: dict[str, list[float]] = {}
    for doc in documents:
        timing = timing_of(doc)
        indexed = timing_of({**doc, "fetched_at": doc.get("indexed_at")})
        if timing is None or indexed is None:
            continue
        measured = delays(timing, indexed.fetched_at)
        if measured is None:
            continue
        discovery.setdefault(timing.site, []).append(measured[0])
        searchable.setdefault(timing.site, []).append(measured[1])
    return tuple(
        SiteFreshness(
            site=site,
            articles=len(discovery[site]),
            discovery_p50_s=percentile(discovery[site], 0.5),
            discovery_p95_s=percentile(discovery[site], 0.95),
            searchable_p50_s=percentile(searchable[site], 0.5),
            searchable_p95_s=percentile(searchable[site], 0.95),
        )
        for site in sorted(discovery)
    )


def format_seconds(seconds: float) -> str:
    """``42s``, ``7m``, ``3.5h``: short enough for a table cell."""
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"
