"""Stuck work: a consumer group whose committed offset stays put while records wait.

Lag alone does not tell a busy stage from a stuck one: after a burst the fetcher may be
thousands of requests behind and perfectly healthy, and a stage stuck on one record may be
only a few behind. What tells them apart is whether the committed offset *moves*. Kafka keeps
no history of commits that a client can read (``OffsetFetch`` answers the current offset
only), so ``status`` keeps its own: :class:`OffsetHistory` remembers, per group and
partition, the committed offset last seen and since when it has been that. ``--watch`` keeps
it in memory between refreshes; one-shot runs keep it in a small JSON file (``--history``),
so a ``status --check`` run from cron or a probe every minute learns it too. The first run
knows nothing yet: a stall is reported once the same offset has been seen for
``stalled_after_s``.

The fetcher commits up to its lowest unfinished request, so on a stalled fetcher partition
the request at the committed offset is the one holding everything up: a URL in flight (or
waiting) far longer than any fetch may take. :class:`StuckRequest` is that request.

No I/O here: :mod:`newswire.admin.status` reads the offsets and the stuck request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newswire.admin.model import GroupInfo

#: A group's offset unchanged this long while it has lag is stuck (``--stalled-after``).
STALLED_AFTER_S = 300.0
#: A fetcher request unfinished for this many fetch timeouts is far beyond any fetch
#: (retries and backoff included).
IN_FLIGHT_TIMEOUTS = 10

PartitionKey = tuple[str, str, int]


@dataclass(frozen=True)
class Sighting:
    """A partition's committed offset (None: no commit) and when status first saw it."""

    committed: int | None
    since: datetime


@dataclass(frozen=True)
class OffsetHistory:
    """What status has seen of committed offsets, per (group, topic name, partition)."""

    sightings: dict[PartitionKey, Sighting]

    @classmethod
    def empty(cls) -> OffsetHistory:
        return cls({})

    def observe(self, groups: tuple[GroupInfo, ...], now: datetime) -> OffsetHistory:
        """The history after seeing ``groups`` at ``now``: an offset that changed starts anew.

        Partitions not in ``groups`` are forgotten (a group or topic that went away).
        """
        seen: dict[PartitionKey, Sighting] = {}
        for group in groups:
            for topic in group.topics:
                for p in topic.partitions:
                    key = (group.group, topic.name, p.partition)
                    before = self.sightings.get(key)
                    if before is not None and before.committed == p.committed:
                        seen[key] = before
                    else:
                        seen[key] = Sighting(p.committed, now)
        return OffsetHistory(seen)

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {
                "group": group,
                "topic": topic,
                "partition": partition,
                "committed": s.committed,
                "since": s.since.isoformat(),
            }
            for (group, topic, partition), s in sorted(self.sightings.items())
        ]

    @classmethod
    def from_json(cls, data: Any) -> OffsetHistory:
        """The history from :meth:`to_json`; anything unreadable gives an empty history."""
        sightings: dict[PartitionKey, Sighting] = {}
        try:
            for item in data:
                key = (str(item["group"]), str(item["topic"]), int(item["partition"]))
                committed = item["committed"]
                sightings[key] = Sighting(
                    None if committed is None else int(committed),
                    datetime.fromisoformat(item["since"]),
                )
        except (TypeError, KeyError, ValueError):
            return cls.empty()
        return cls(sightings)


@dataclass(frozen=True)
class Stall:
    """One partition a group has not moved on for ``stalled_s`` while it has ``lag``."""

    service: str
    group: str
    topic: str
    name: str
    partition: int
    committed: int | None
    lag: int
    since: datetime
    stalled_s: float

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "group": self.group,
            "topic": self.topic,
            "name": self.name,
            "partition": self.partition,
            "committed": self.committed,
            "lag": self.lag,
            "since": self.since.isoformat(),
            "stalled_seconds": round(self.stalled_s, 1),
        }


def find_stalls(
    groups: tuple[GroupInfo, ...], history: OffsetHistory, now: datetime, stalled_after_s: float
) -> tuple[Stall, ...]:
    """Partitions with lag whose committed offset has been the same for ``stalled_after_s``.

    ``history`` must already have observed ``groups`` (:meth:`OffsetHistory.observe`).
    """
    stalls = []
    for group in groups:
        for topic in group.topics:
            for p in topic.partitions:
                sighting = history.sightings.get((group.group, topic.name, p.partition))
                if p.lag <= 0 or sighting is None or sighting.committed != p.committed:
                    continue
                stalled_s = (now - sighting.since).total_seconds()
                if stalled_s >= stalled_after_s:
                    stalls.append(
                        Stall(
                            group.service,
                            group.group,
                            topic.topic,
                            topic.name,
                            p.partition,
                            p.committed,
                            p.lag,
                            sighting.since,
                            stalled_s,
                        )
                    )
    return tuple(stalls)


def in_flight_limit_s(fetch_timeout_s: float) -> float:
    """How long a fetcher request may stay unfinished before it is reported stuck."""
    return IN_FLIGHT_TIMEOUTS * fetch_timeout_s


def fetcher_holdups(stalls: tuple[Stall, ...], fetch_timeout_s: float) -> tuple[Stall, ...]:
    """The fetcher's stalls long enough that the request holding them is far beyond a fetch."""
    limit = in_flight_limit_s(fetch_timeout_s)
    return tuple(s for s in stalls if s.service == "fetcher" and s.stalled_s >= limit)


@dataclass(frozen=True)
class StuckRequest:
    """The crawl request at a stalled fetcher partition's committed offset."""

    partition: int
    offset: int
    url: str | None
    requested_at: datetime | None
    #: At least this long unfinished (the partition's stall).
    unfinished_s: float

    def to_json(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "offset": self.offset,
            "url": self.url,
            "requested_at": self.requested_at.isoformat() if self.requested_at else None,
            "unfinished_seconds": round(self.unfinished_s, 1),
        }


def stall_problems(
    stalls: tuple[Stall, ...], stuck: tuple[StuckRequest, ...], fetch_timeout_s: float
) -> list[str]:
    """One sentence per stalled partition and per stuck request, for ``status``'s problems."""
    problems = [
        f"{s.service} has not moved on {s.name}[{s.partition}] for {s.stalled_s / 60:.0f} min "
        f"(committed offset {s.committed if s.committed is not None else 'none'}, "
        f"{s.lag} records waiting)"
        for s in stalls
    ]
    problems.extend(
        f"fetcher request {r.url or '(unreadable)'} (partition {r.partition}, offset "
        f"{r.offset}) unfinished for at least {r.unfinished_s:.0f}s, far beyond the "
        f"{fetch_timeout_s:.0f}s fetch timeout"
        for r in stuck
    )
    return problems
