"""Prometheus metrics of the story stage."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ARTICLES = Counter(
    "newswire_stories_articles_total",
    "Articles assigned a story, by kind (new: first arrival; known: revision or duplicate).",
    ["kind"],
)
ASSIGN_SECONDS = Histogram(
    "newswire_stories_assign_seconds",
    "Time to assign one article (shingles, signature, LSH look-up, verification).",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05),
)
MEMBERS = Gauge("newswire_stories_members", "Articles in the story state of this process.")
DEAD_LETTERS = Counter(
    "newswire_stories_dead_letters_total", "Articles sent to the dead-letter topic.", ["reason"]
)
