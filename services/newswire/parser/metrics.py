"""Prometheus metrics of the parser service (documented in docs/operations.md)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

PAGES = Counter(
    "newswire_parser_pages_total",
    "Raw pages consumed, by outcome (article, list, other, feed, duplicate, dead_letter).",
    ["outcome"],
)
EXTRACT_SECONDS = Histogram(
    "newswire_parser_extract_seconds",
    "Time to extract one page in the extractor pool (queueing included).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ARTICLES = Counter("newswire_parser_articles_total", "Articles produced to the articles topic.")
CRAWL_REQUESTS = Counter(
    "newswire_parser_crawl_requests_total",
    "Crawl requests emitted for discovered links, by origin (outlink, feed, sitemap).",
    ["source"],
)
DUPLICATES = Counter(
    "newswire_parser_duplicates_total",
    "Pages skipped because their content hash equals the last version's.",
)
DEAD_LETTERS = Counter(
    "newswire_parser_dead_letters_total", "Pages sent to the dead-letter topic.", ["reason"]
)
