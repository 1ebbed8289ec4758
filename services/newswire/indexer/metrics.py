"""The indexer's Prometheus metrics (``newswire_indexer_*``), documented in docs/operations.md.

Module-level collectors in the default registry: one indexer process, one set of series.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DOCS_INDEXED = Counter(
    "newswire_indexer_docs_indexed_total",
    "Documents the engine acknowledged as created or updated.",
)
DOCS_DELETED = Counter(
    "newswire_indexer_docs_deleted_total",
    "Documents deleted because of a tombstone on the articles topic.",
)
VERSION_CONFLICTS = Counter(
    "newswire_indexer_version_conflicts_total",
    "Writes refused because the index already held a newer version (counted as success).",
)
DEAD_LETTERS = Counter(
    "newswire_indexer_dead_letters_total",
    "Articles sent to the dead-letter topic, by reason.",
    ["reason"],
)
RETRIES = Counter(
    "newswire_indexer_retries_total",
    "Bulk requests or items retried, by cause: unavailable or http_NNN for a whole request, "
    "the engine's error type for an item (es_rejected_execution_exception, ...).",
    ["cause"],
)
BULK_DURATION = Histogram(
    "newswire_indexer_bulk_duration_seconds",
    "Duration of one bulk request to the search engine.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
BULK_DOCS = Histogram(
    "newswire_indexer_bulk_docs",
    "Actions per bulk request.",
    buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500),
)
BATCH_DURATION = Histogram(
    "newswire_indexer_batch_duration_seconds",
    "From taking a batch off the articles topic to acknowledging it, retries included.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
ENGINE_UP = Gauge(
    "newswire_indexer_engine_up",
    "1 when the last bulk request reached the search engine, 0 while it is unreachable.",
)
LAST_SUCCESS = Gauge(
    "newswire_indexer_last_success_timestamp_seconds",
    "Unix time of the last batch fully acknowledged by the engine.",
)

#: Freshness (indexer/freshness.py): seconds, from 10 s to the two days after which an article
#: counts as back-fill rather than news.
FRESHNESS_BUCKETS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800)
DISCOVERY_DELAY = Histogram(
    "newswire_indexer_discovery_delay_seconds",
    "From an article's published_at to its fetch, by site (articles published at most two "
    "days before they were fetched).",
    ["site"],
    buckets=FRESHNESS_BUCKETS,
)
PUBLISH_TO_SEARCHABLE = Histogram(
    "newswire_indexer_publish_to_searchable_seconds",
    "From an article's published_at to the search engine acknowledging it, by site.",
    ["site"],
    buckets=FRESHNESS_BUCKETS,
)
