"""How fresh the index is: a story's publication to its first fetch and to being searchable.

Two per-site Prometheus histograms, observed by the indexer for every article version the
engine accepted (a replay refused as an older version counts once):

* ``newswire_indexer_discovery_delay_seconds``: ``published_at`` to ``fetched_at``, how long
  the crawl took to find the story;
* ``newswire_indexer_publish_to_searchable_seconds``: ``published_at`` to the engine's
  acknowledgement, the number a reader of the index sees.

Articles published more than :data:`HORIZON` before they were fetched are not news being
discovered but an archive being back-filled (a sitemap crawl); they are left out, or the first
crawl of a site would set its percentiles for days. A ``published_at`` slightly in the future
(clock skew, a time zone guessed wrong by minutes) counts as 0; further off it is left out.
The pure part (:func:`timing_of`, :func:`delays`) is unit-tested; :func:`observe` feeds the
histograms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from newswire.indexer.metrics import DISCOVERY_DELAY, PUBLISH_TO_SEARCHABLE

#: Older stories at fetch time are back-fill, not discovery.
HORIZON = timedelta(days=2)
#: A published_at this far after the fetch is wrong, not early.
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Timing:
    """What the freshness metrics need of one article."""

    site: str
    published_at: datetime
    fetched_at: datetime


def timing_of(fields: Mapping[str, Any]) -> Timing | None:
    """An ``articles`` message's site and times (None if a time is missing or unreadable)."""
    published, fetched = _instant(fields.get("published_at")), _instant(fields.get("fetched_at"))
    if published is None or fetched is None:
        return None
    return Timing(str(fields.get("site") or "unknown"), published, fetched)


def delays(timing: Timing, indexed_at: datetime) -> tuple[float, float] | None:
    """``(discovery delay, publish to searchable)`` in seconds, or None when left out."""
    age_at_fetch = timing.fetched_at - timing.published_at
    if age_at_fetch > HORIZON or age_at_fetch < -FUTURE_TOLERANCE:
        return None
    discovery = max(age_at_fetch.total_seconds(), 0.0)
    searchable = max((indexed_at - timing.published_at).total_seconds(), discovery)
    return discovery, searchable


def observe(timings: Iterable[Timing], indexed_at: datetime) -> None:
    for timing in timings:
        measured = delays(timing, indexed_at)
        if measured is not None:
            DISCOVERY_DELAY.labels(site=timing.site).observe(measured[0])
            PUBLISH_TO_SEARCHABLE.labels(site=timing.site).observe(measured[1])


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
