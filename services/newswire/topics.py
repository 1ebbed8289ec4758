"""Every Kafka topic newswire uses, declared once.

Services, admin commands, docker compose init and tests all take topic names and their
configuration from :data:`TOPICS`; nothing else spells a topic name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from newswire.settings import Settings, get_settings


class Topic(StrEnum):
    """Logical topic names; the real name is ``settings.topic_prefix + value``."""

    CRAWL_REQUESTS = "crawl.requests"
    PAGES_RAW = "pages.raw"
    ARTICLES = "articles"
    DEAD_LETTERS = "deadletters"
    FETCHER_URL_STATE = "fetcher.url-state"


@dataclass(frozen=True)
class TopicSpec:
    topic: Topic
    description: str
    key: str
    #: None: use ``settings.partitions``.
    partitions: int | None = None
    config: dict[str, str] = field(default_factory=dict)


_WEEK_MS = str(7 * 24 * 3600 * 1000)

TOPICS: dict[Topic, TopicSpec] = {
    spec.topic: spec
    for spec in (
        TopicSpec(
            Topic.CRAWL_REQUESTS,
            "The crawl frontier: URLs to fetch, from seeds, outlinks and `newswire crawl`.",
            # Keyed by host so one fetcher instance owns a host and per-host politeness holds.
            key="host",
            config={"retention.ms": _WEEK_MS, "compression.type": "zstd"},
        ),
        TopicSpec(
            Topic.PAGES_RAW,
            "Fetched pages: exact response bytes, URLs, status and headers.",
            key="url id",
            config={
                "retention.ms": _WEEK_MS,
                "compression.type": "zstd",
                # Pages up to the fetcher's body cap (10 MB) plus the record envelope.
                "max.message.bytes": str(16 * 1024 * 1024),
            },
        ),
        TopicSpec(
            Topic.ARTICLES,
            "Normalised articles; the source of truth the search index is rebuilt from.",
            key="article id",
            # Compacted: the latest version of every article is kept forever, so
            # `newswire index migrate` can replay the whole corpus into a new index.
            config={
                "cleanup.policy": "compact",
                "compression.type": "zstd",
                "min.compaction.lag.ms": str(3600 * 1000),
                "max.message.bytes": str(8 * 1024 * 1024),
            },
        ),
        TopicSpec(
            Topic.DEAD_LETTERS,
            "Anything a stage could not handle, with the reason and the original payload.",
            key="origin key",
            partitions=1,
            config={
                "retention.ms": str(30 * 24 * 3600 * 1000),
                "compression.type": "zstd",
                "max.message.bytes": str(24 * 1024 * 1024),
            },
        ),
        TopicSpec(
            Topic.FETCHER_URL_STATE,
            "The fetcher's per-URL state (first seen, last fetched, status, ETag, hash): "
            "its durable memory across restarts.",
            key="url id",
            # Written to the same partition number as the crawl request it came from (which
            # is keyed by host), like a faust table changelog: the fetcher instance that owns
            # crawl.requests partition N restores state partition N. Compacted: latest per URL.
            config={
                "cleanup.policy": "compact",
                "compression.type": "zstd",
                "min.compaction.lag.ms": str(3600 * 1000),
            },
        ),
    )
}


#: The faust tables, by name, and the service whose app owns each. faust keeps a table in a
#: changelog topic named ``<app id>-<table>-changelog`` with the partitions of the stream that
#: writes it. `newswire setup` creates it before any worker starts: left to the worker, it is
#: created while the worker joins its group, and the group's first metadata can show it with 0
#: partitions, so that every page until the next rebalance fails faust's partition check
#: (PartitionsMismatch) and becomes a dead letter. The compose test found this on a new cluster.
PAGE_CONTENT_HASHES = "page-content-hashes"
TABLES: dict[str, str] = {PAGE_CONTENT_HASHES: "parser"}


def changelog_topic_name(table: str, settings: Settings | None = None) -> str:
    """faust's name for ``table``'s changelog (the app id is ``<prefix>newswire-<service>``)."""
    settings = settings or get_settings()
    return f"{settings.topic_prefix}newswire-{TABLES[table]}-{table}-changelog"


def topic_name(topic: Topic, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return f"{settings.topic_prefix}{topic.value}"


def partitions_for(topic: Topic, settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    return TOPICS[topic].partitions or settings.partitions
