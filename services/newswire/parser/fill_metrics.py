"""Fill rates as Prometheus metrics, served by the parser (documented in docs/operations.md).

* ``newswire_site_fill_rate{site, field}``: share of the site's newest ``fill_window`` articles
  that have the field (``body``: a body of normal length);
* ``newswire_site_fill_dropped{site, field}``: 1 while the field's rate over the newest
  articles is far below its own history (:mod:`newswire.parser.fill_rates`), else 0;
* ``newswire_site_fill_articles{site}``: the articles the rates are computed over.

Measured when scraped, from the ``articles.fill`` topic (:mod:`newswire.parser.fill_tail`), the
same way :class:`newswire.observability.ConsumerLagCollector` measures lag: every parser replica
reports every site, so aggregate with ``max by (site, field)``. The topic is read at most every
:data:`FILL_CACHE_S`, and only what arrived since the last read.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from newswire.parser.fill_rates import SiteFill
from newswire.parser.fill_tail import FillTail, read_fill_rates
from newswire.settings import Settings

log = logging.getLogger(__name__)

FILL_CACHE_S = 30.0
FILL_TIMEOUT_S = 20.0

RATE = ("newswire_site_fill_rate", "Share of the site's recent articles that have the field.")
DROPPED = (
    "newswire_site_fill_dropped",
    "1 while the field's rate over the site's newest articles is far below its own history "
    "(the usual sign of a layout change).",
)
ARTICLES = ("newswire_site_fill_articles", "Articles the site's fill rates are computed over.")
ERRORS = ("newswire_site_fill_errors", "Scrapes where the fill rates could not be read.")


class FillRateCollector(Collector):
    """The fill-rate gauges, read from Kafka when scraped; nothing until :meth:`watch`."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._tail: FillTail | None = None
        self._report: tuple[SiteFill, ...] = ()
        self._read_at = 0.0
        self._errors = 0
        self._lock = threading.Lock()

    def watch(self, settings: Settings) -> None:
        with self._lock:
            self._settings = settings
            self._tail = None
            self._read_at = 0.0

    def unwatch(self) -> None:
        with self._lock:
            self._settings = None
            self._tail = None
            self._report = ()

    def describe(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(*RATE, labels=["site", "field"])
        yield GaugeMetricFamily(*DROPPED, labels=["site", "field"])
        yield GaugeMetricFamily(*ARTICLES, labels=["site"])
        yield CounterMetricFamily(*ERRORS)

    def _refresh(self, settings: Settings) -> None:
        if time.monotonic() - self._read_at < FILL_CACHE_S:
            return
        # asyncio.run in a helper thread: the scrape thread may not own an event loop.
        pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="fill")
        try:
            future = pool.submit(
                asyncio.run,
                asyncio.wait_for(
                    read_fill_rates(settings, datetime.now(UTC), self._tail), FILL_TIMEOUT_S
                ),
            )
            self._report, self._tail = future.result(timeout=FILL_TIMEOUT_S + 5)
        finally:
            pool.shutdown(wait=False)  # a hung read must not hang the scrape
        self._read_at = time.monotonic()

    def collect(self) -> Iterator[Metric]:
        rate = GaugeMetricFamily(*RATE, labels=["site", "field"])
        dropped = GaugeMetricFamily(*DROPPED, labels=["site", "field"])
        articles = GaugeMetricFamily(*ARTICLES, labels=["site"])
        with self._lock:
            if self._settings is not None:
                try:
                    self._refresh(self._settings)
                except Exception as exc:  # the scrape still answers, with the last rates
                    self._errors += 1
                    self._tail = None  # read again from the horizon next time
                    log.warning("fill rates not read", extra={"error": str(exc)})
            for site in self._report:
                articles.add_metric([site.site], site.articles)
                for field in site.fields:
                    rate.add_metric([site.site, field.field], field.rate)
                    dropped.add_metric([site.site, field.field], 1.0 if field.dropped else 0.0)
            errors = CounterMetricFamily(*ERRORS)
            errors.add_metric([], self._errors)
        yield rate
        yield dropped
        yield articles
        yield errors


FILL_RATES = FillRateCollector()
REGISTRY.register(FILL_RATES)
