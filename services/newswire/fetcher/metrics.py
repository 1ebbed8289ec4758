"""The fetcher's Prometheus metrics (``newswire_fetcher_*``), on the default registry.

Pages per second is ``rate(newswire_fetcher_pages_total[1m])``. The operations issue serves
the registry over HTTP (``settings.metrics_port``); the worker starts that server when set.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

PAGES = Counter(
    "newswire_fetcher_pages",
    "Pages published to pages.raw, by crawl kind.",
    ["kind"],
)
BYTES = Counter(
    "newswire_fetcher_bytes",
    "Body bytes published (decoded), and bytes read from the wire.",
    ["where"],
)
RESPONSES = Counter(
    "newswire_fetcher_responses",
    "HTTP responses received, by status code (every attempt, robots.txt included).",
    ["status"],
)
REQUESTS = Counter(
    "newswire_fetcher_requests",
    "Crawl requests consumed, by what was done with them.",
    ["decision"],
)
NOT_MODIFIED = Counter(
    "newswire_fetcher_not_modified",
    "Conditional re-fetches answered 304 (no new record produced).",
)
ROBOTS_DENIALS = Counter(
    "newswire_fetcher_robots_denials",
    "Requests not made because robots.txt disallows them.",
)
RETRIES = Counter(
    "newswire_fetcher_retries",
    "Fetch attempts retried after a transient failure, by reason.",
    ["reason"],
)
ERRORS = Counter(
    "newswire_fetcher_errors",
    "Crawl requests that ended in a dead letter, by reason.",
    ["reason"],
)
TRUNCATED = Counter(
    "newswire_fetcher_truncated",
    "Bodies cut at the size cap.",
)
FETCH_SECONDS = Histogram(
    "newswire_fetcher_fetch_seconds",
    "Time of one successful fetch attempt, redirects and body included.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
HOST_QUEUE_DEPTH = Gauge(
    "newswire_fetcher_host_queue_depth",
    "Requests waiting for or holding a politeness slot, per host (busiest hosts only).",
    ["host"],
)
IN_FLIGHT = Gauge(
    "newswire_fetcher_in_flight",
    "Crawl requests consumed and not yet finished.",
)
HOSTS_ACTIVE = Gauge(
    "newswire_fetcher_hosts_active",
    "Hosts with requests waiting or running.",
)


def publish_queue_depths(depths: dict[str, int], top: int = 20) -> None:
    """Export the busiest hosts only: one series per host ever seen would grow without bound."""
    HOST_QUEUE_DEPTH.clear()
    busiest = sorted(depths.items(), key=lambda item: item[1], reverse=True)[:top]
    for host, depth in busiest:
        HOST_QUEUE_DEPTH.labels(host=host).set(depth)
    HOSTS_ACTIVE.set(sum(1 for d in depths.values() if d))


LIST_NEW_LINKS = Counter(
    "newswire_fetcher_list_new_links",
    "Article links a re-visit of a start page, feed or sitemap found that its last visit "
    "had not shown, by crawl kind (what adaptive re-visits learn from).",
    ["kind"],
)
LIST_OVERFLOWS = Counter(
    "newswire_fetcher_list_overflows",
    "Re-visits that found only new links: the list turned over since the last visit and "
    "stories may have fallen off it unseen.",
    ["kind"],
)
LIST_REVISITS = Counter(
    "newswire_fetcher_list_revisits",
    "Re-visits of start pages, feeds and sitemaps the scheduler sent, by site.",
    ["site"],
)
