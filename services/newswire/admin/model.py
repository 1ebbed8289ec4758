"""What ``newswire status`` reports, and the arithmetic behind it. No I/O in this module.

The collector in :mod:`newswire.admin.status` fills these dataclasses from Kafka and the search
engine; :mod:`newswire.admin.render` draws them as a rich screen and :meth:`Status.to_json` is
the ``--json`` form. Keeping the numbers here makes every rule (what lag means without a commit,
what "messages per second" is measured over, what counts as a problem) unit-testable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newswire.admin.freshness_view import SiteFreshness
from newswire.parser.fill_rates import SiteFill
from newswire.settings import Settings
from newswire.topics import Topic

if TYPE_CHECKING:
    from newswire.admin.stalls import Stall, StuckRequest

#: The services that consume Kafka, in pipeline order (the archive reads pages.raw beside the
#: parser, and falling behind it by the topic's retention loses pages from the archive).
SERVICES: tuple[str, ...] = ("fetcher", "parser", "indexer", "archive")

#: What each service's consumer group reads. Lag is reported on every partition of these
#: topics, also those the group never committed on (it would start there at the log start).
GROUP_INPUTS: dict[str, tuple[Topic, ...]] = {
    "fetcher": (Topic.CRAWL_REQUESTS,),
    "parser": (Topic.PAGES_RAW,),
    "indexer": (Topic.ARTICLES,),
    "archive": (Topic.PAGES_RAW,),
}

#: Messages per second are measured over this window (``offsets_for_times(now - window)``).
RATE_WINDOW_S = 60.0

#: Dead letters younger than this count as "recent" (shown, and a problem for parse/index).
RECENT_DEAD_LETTERS_S = 3600.0

#: Stages whose dead letters point at a bug or a mapping problem rather than at the web: a 404
#: or a refused host is everyday crawling, an extractor crash or a mapping error is not.
ALARMING_STAGES = frozenset({"parse", "index", "decode"})


def group_id(service: str, settings: Settings) -> str:
    """The consumer group of a service (the faust app id / aiokafka group_id it runs with)."""
    return f"{settings.topic_prefix}newswire-{service}"


# --- arithmetic ---------------------------------------------------------------------------


def partition_lag(committed: int | None, log_start: int, end: int) -> int:
    """Records a consumer group still has to read in one partition.

    Without a commit the group starts at the log start (every service runs with
    ``auto_offset_reset=earliest``), so everything retained counts. A commit below the log
    start (retention deleted records the group never read) also resumes at the log start:
    the deleted records are lost, not pending.
    """
    position = log_start if committed is None or committed < 0 else max(committed, log_start)
    return max(end - position, 0)


def window_count(end: int, offset_at_window_start: int | None) -> int:
    """Records appended to a partition since the window started.

    ``offset_at_window_start`` is what ``offsets_for_times(window start)`` answers: the first
    offset whose timestamp is at or after the start, or None when no record is that new.
    Transaction markers take offsets too, so for transactional writers this slightly
    over-counts; newswire's services write idempotently, not transactionally.
    """
    if offset_at_window_start is None:
        return 0
    return max(end - offset_at_window_start, 0)


def freshness_seconds(newest: datetime | None, now: datetime) -> float | None:
    """Age of the newest indexed document; None when the index is empty."""
    if newest is None:
        return None
    return max((now - newest).total_seconds(), 0.0)


# --- the data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartitionInfo:
    partition: int
    start: int
    end: int
    #: Records appended in the last :data:`RATE_WINDOW_S` seconds.
    recent: int = 0


@dataclass(frozen=True)
class TopicInfo:
    topic: str
    name: str
    exists: bool
    partitions: tuple[PartitionInfo, ...] = ()

    @property
    def end_offset(self) -> int:
        """Sum of the partitions' end offsets: every record ever appended (the log's size)."""
        return sum(p.end for p in self.partitions)

    @property
    def retained(self) -> int:
        """Records still in the log (deleted by retention or compaction are not counted)."""
        return sum(p.end - p.start for p in self.partitions)

    @property
    def recent(self) -> int:
        return sum(p.recent for p in self.partitions)

    @property
    def rate(self) -> float:
        return self.recent / RATE_WINDOW_S

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "name": self.name,
            "exists": self.exists,
            "partitions": len(self.partitions),
            "end_offset": self.end_offset,
            "retained": self.retained,
            "last_minute": self.recent,
            "messages_per_second": round(self.rate, 3),
            "by_partition": [
                {"partition": p.partition, "start": p.start, "end": p.end, "last_minute": p.recent}
                for p in self.partitions
            ],
        }


@dataclass(frozen=True)
class PartitionLag:
    partition: int
    committed: int | None
    end: int
    lag: int


@dataclass(frozen=True)
class TopicLag:
    topic: str
    name: str
    partitions: tuple[PartitionLag, ...]

    @property
    def lag(self) -> int:
        return sum(p.lag for p in self.partitions)


@dataclass(frozen=True)
class GroupInfo:
    service: str
    group: str
    #: Broker's view: Stable, Empty, PreparingRebalance, ... None when the group is unknown.
    state: str | None
    members: int | None
    topics: tuple[TopicLag, ...]

    @property
    def lag(self) -> int:
        return sum(t.lag for t in self.topics)

    @property
    def has_committed(self) -> bool:
        return any(p.committed is not None for t in self.topics for p in t.partitions)

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "group": self.group,
            "state": self.state,
            "members": self.members,
            "lag": self.lag,
            "topics": [
                {
                    "topic": t.topic,
                    "name": t.name,
                    "lag": t.lag,
                    "partitions": [
                        {
                            "partition": p.partition,
                            "committed": p.committed,
                            "end": p.end,
                            "lag": p.lag,
                        }
                        for p in t.partitions
                    ],
                }
                for t in self.topics
            ],
        }


def group_lag(
    topics: list[tuple[str, str]],
    committed: dict[tuple[str, int], int],
    offsets: dict[tuple[str, int], tuple[int, int]],
) -> tuple[TopicLag, ...]:
    """Per-topic, per-partition lag of one group.

    ``topics`` is ``(logical, real name)`` for each topic the group reads; ``committed`` maps
    ``(real name, partition)`` to the committed offset (absent: none); ``offsets`` maps it to
    ``(log start, end)`` for every existing partition.
    """
    result = []
    for logical, name in topics:
        partitions = sorted(p for (t, p) in offsets if t == name)
        lags = []
        for partition in partitions:
            start, end = offsets[(name, partition)]
            position = committed.get((name, partition))
            lags.append(PartitionLag(partition, position, end, partition_lag(position, start, end)))
        result.append(TopicLag(logical, name, tuple(lags)))
    return tuple(result)


@dataclass(frozen=True)
class DeadLetterCount:
    stage: str
    reason: str
    count: int
    replayed: int
    newest: datetime | None
    #: Letters that failed within :data:`RECENT_DEAD_LETTERS_S` of the status time and were
    #: not replayed since: new failures nobody has dealt with.
    recent: int = 0

    @property
    def pending(self) -> int:
        return self.count - self.replayed


@dataclass(frozen=True)
class DeadLetterInfo:
    name: str
    total: int
    replayed: int
    #: Records on the topic that are neither a dead letter nor a replay marker.
    undecodable: int
    by_reason: tuple[DeadLetterCount, ...]
    error: str | None = None

    @property
    def pending(self) -> int:
        return self.total - self.replayed

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "replayed": self.replayed,
            "pending": self.pending,
            "undecodable": self.undecodable,
            "error": self.error,
            "by_reason": [
                {
                    "stage": c.stage,
                    "reason": c.reason,
                    "count": c.count,
                    "replayed": c.replayed,
                    "pending": c.pending,
                    "last_hour": c.recent,
                    "newest": _iso(c.newest),
                }
                for c in self.by_reason
            ],
        }


@dataclass(frozen=True)
class SearchInfo:
    backend: str
    url: str
    reachable: bool
    #: Cluster health: green, yellow or red.
    health: str | None = None
    version: str | None = None
    alias: str = ""
    indices: tuple[str, ...] = ()
    docs: int | None = None
    newest_indexed_at: datetime | None = None
    newest_fetched_at: datetime | None = None
    freshness_s: float | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "url": self.url,
            "reachable": self.reachable,
            "health": self.health,
            "version": self.version,
            "alias": self.alias,
            "indices": list(self.indices),
            "docs": self.docs,
            "newest_indexed_at": _iso(self.newest_indexed_at),
            "newest_fetched_at": _iso(self.newest_fetched_at),
            "freshness_seconds": (
                round(self.freshness_s, 1) if self.freshness_s is not None else None
            ),
            "error": self.error,
        }


@dataclass(frozen=True)
class Thresholds:
    """When ``status`` calls something a problem (``--max-lag``, ``--max-age``)."""

    max_lag: int = 10_000
    #: Newest indexed document older than this while the indexer has lag: it is stuck.
    max_age_s: float = 900.0
    #: A group's committed offset unchanged this long while it has lag: it is stuck.
    stalled_after_s: float = 300.0


@dataclass(frozen=True)
class Status:
    generated_at: datetime
    topic_prefix: str
    topics: tuple[TopicInfo, ...]
    groups: tuple[GroupInfo, ...]
    dead_letters: DeadLetterInfo
    search: SearchInfo
    kafka_error: str | None = None
    problems: tuple[str, ...] = field(default=())
    #: Fill rates per site, from ``articles.fill`` (:mod:`newswire.parser.fill_tail`).
    sites: tuple[SiteFill, ...] = ()
    sites_error: str | None = None
    #: Partitions whose committed offset has not moved (see :mod:`newswire.admin.stalls`).
    stalls: tuple[Stall, ...] = ()
    #: Fetcher requests holding up a stalled partition far beyond the fetch timeout.
    stuck_requests: tuple[StuckRequest, ...] = ()
    #: Discovery delay and publish-to-searchable per site over the last hour (from the index).
    freshness: tuple[SiteFreshness, ...] = ()

    @property
    def healthy(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "generated_at": _iso(self.generated_at),
            "topic_prefix": self.topic_prefix,
            "healthy": self.healthy,
            "problems": list(self.problems),
            "kafka_error": self.kafka_error,
            "topics": [t.to_json() for t in self.topics],
            "groups": [g.to_json() for g in self.groups],
            "dead_letters": self.dead_letters.to_json(),
            "search": self.search.to_json(),
            "sites": [s.to_json() for s in self.sites],
            "sites_error": self.sites_error,
            "stalls": [s.to_json() for s in self.stalls],
            "stuck_requests": [r.to_json() for r in self.stuck_requests],
            "freshness": [f.to_json() for f in self.freshness],
        }


def find_problems(status: Status, thresholds: Thresholds) -> tuple[str, ...]:
    """What an operator should look at, one sentence each; empty means healthy."""
    problems: list[str] = []
    if status.kafka_error:
        problems.append(f"Kafka: {status.kafka_error}")
    for topic in status.topics:
        if not topic.exists and not status.kafka_error:
            problems.append(f"topic {topic.name} does not exist (run `newswire setup`)")
    indexer_lag = 0
    for group in status.groups:
        if group.service == "indexer":
            indexer_lag = group.lag
        if group.lag > thresholds.max_lag:
            problems.append(
                f"{group.service} is behind by {group.lag} records (more than {thresholds.max_lag})"
            )
    if status.dead_letters.error:
        problems.append(f"dead letters unreadable: {status.dead_letters.error}")
    for count in status.dead_letters.by_reason:
        if count.stage in ALARMING_STAGES and count.recent:
            problems.append(
                f"{count.recent} {count.stage} dead letters ({count.reason}) in the last hour"
            )
    if status.sites_error:
        problems.append(f"fill rates unreadable: {status.sites_error}")
    for site in status.sites:
        for fill in site.dropped:
            problems.append(
                f"site {site.site}: {fill.field} filled in {fill.recent_rate:.0%} of the newest "
                f"articles, {fill.history_rate:.0%} before (a layout change? "
                "try `newswire try URL`)"
            )
    search = status.search
    if not search.reachable:
        problems.append(f"search engine unreachable: {search.error}")
    else:
        if search.health == "red":
            problems.append("search cluster health is red")
        if not search.indices:
            problems.append(f"alias {search.alias} points at no index (run `newswire setup`)")
        if (
            search.freshness_s is not None
            and search.freshness_s > thresholds.max_age_s
            and indexer_lag > 0
        ):
            problems.append(
                f"newest indexed document is {search.freshness_s:.0f}s old "
                f"while the indexer has {indexer_lag} records to do"
            )
    return tuple(problems)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
