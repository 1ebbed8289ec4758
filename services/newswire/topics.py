"""Every Kafka topic newswire uses, declared once.

Services, admin commands, docker compose init and tests all take topic names and their
configuration from :data:`TOPICS`; nothing else spells a topic name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from newswire.settings import Settings, get_settings

#: The parser's faust table of each page's last content hash (see parser/app.py).
PARSER_HASH_TABLE = "page-content-hashes"
#: The story stage's faust table of every article's story entry (see stories/app.py).
STORY_MEMBERS_TABLE = "story-members"


class Topic(StrEnum):
    """Logical topic names; the real name is ``settings.topic_prefix + value``."""

    CRAWL_REQUESTS = "crawl.requests"
    PAGES_RAW = "pages.raw"
    ARTICLES = "articles"
    DEAD_LETTERS = "deadletters"
    FETCHER_URL_STATE = "fetcher.url-state"
    ARTICLE_FILL = "articles.fill"
    #: faust names a table's changelog ``<app id>-<table>-changelog``; the parser's app id is
    #: ``<prefix>newswire-parser``, so this value gives exactly faust's name.
    PARSER_HASHES_CHANGELOG = f"newswire-parser-{PARSER_HASH_TABLE}-changelog"
    STORIES_SEQUENCE = "stories.sequence"
    ARTICLES_STORIED = "articles.storied"
    STORY_MEMBERS_CHANGELOG = f"newswire-stories-{STORY_MEMBERS_TABLE}-changelog"


@dataclass(frozen=True)
class TopicSpec:
    topic: Topic
    description: str
    key: str
    #: None: use ``settings.partitions``.
    partitions: int | None = None
    config: dict[str, str] = field(default_factory=dict)


_WEEK_MS = str(7 * 24 * 3600 * 1000)
# The latest record per key, kept forever (faust's table changelogs).
_LATEST_PER_KEY = {"cleanup.policy": "compact", "compression.type": "zstd"}
# The same for records other stages read: a key's older versions stay an hour, so a reader
# that is behind sees every version rather than only the last.
_LATEST_PER_KEY_AFTER_AN_HOUR = {**_LATEST_PER_KEY, "min.compaction.lag.ms": str(3600 * 1000)}

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
                **_LATEST_PER_KEY_AFTER_AN_HOUR,
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
            config={**_LATEST_PER_KEY_AFTER_AN_HOUR},
        ),
        TopicSpec(
            Topic.ARTICLE_FILL,
            "One small record per article the parser produced: which fields it had. "
            "Its tail is each site's fill-rate window (`newswire status --sites`, metrics).",
            # Keyed by site so a site's samples stay in order. One partition: a sample is a few
            # dozen bytes, and readers take the whole tail anyway.
            key="site",
            partitions=1,
            config={"retention.ms": _WEEK_MS, "compression.type": "zstd"},
        ),
        TopicSpec(
            Topic.PARSER_HASHES_CHANGELOG,
            "The parser's dedup table (page -> content hash of its last article), as faust "
            "keeps it. Created by `newswire setup` rather than by faust at start-up: on a "
            "multi-broker cluster a changelog created moments before its first use can still "
            "show no partitions, and faust then refuses the table (PartitionsMismatch), which "
            "dead-lettered pages in the chaos test.",
            key="url id",
            # Co-partitioned with pages.raw, the stream that writes it (settings.partitions).
            config={**_LATEST_PER_KEY},
        ),
        # --- the story stage (newswire.stories) ---------------------------------------
        TopicSpec(
            Topic.STORIES_SEQUENCE,
            "Articles in the one order the story stage assigns them in (a single partition, "
            "so every replay sees the same order and gives the same story ids).",
            key="article id",
            partitions=1,
            config={
                "retention.ms": _WEEK_MS,
                "compression.type": "zstd",
                "max.message.bytes": str(8 * 1024 * 1024),
            },
        ),
        TopicSpec(
            Topic.ARTICLES_STORIED,
            "Articles with their story, revision and first publication time: what the "
            "indexer writes when stories are on (compacted like `articles`).",
            key="article id",
            config={
                **_LATEST_PER_KEY_AFTER_AN_HOUR,
                "max.message.bytes": str(8 * 1024 * 1024),
            },
        ),
        TopicSpec(
            Topic.STORY_MEMBERS_CHANGELOG,
            "The story stage's table (article -> its story entry), as faust keeps it; made by "
            "`newswire setup` for the same reason as the parser's changelog.",
            key="article id",
            partitions=1,
            config={**_LATEST_PER_KEY},
        ),
    )
}


def topic_name(topic: Topic, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return f"{settings.topic_prefix}{topic.value}"


def partitions_for(topic: Topic, settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    return TOPICS[topic].partitions or settings.partitions
