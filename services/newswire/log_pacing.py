"""Pacing repeated log events: the first one is written, then one summary a minute, then an end.

A failure that repeats — a broker that is down, a search engine that refuses bulks, a host that
keeps timing out — makes a client library log the same complaint many times a second. An
operator needs three lines, not thousands: when it started, that it is still going on (and how
often), and when it stopped. :class:`LogPacer` decides which events become lines; it keeps a
small record per *key* (what the events are about: ``"kafka"``, a host, a message template) and
does no I/O and reads no clock: callers pass ``now``, so the rules are tested with plain numbers.

An *episode* of a key starts with its first event and ends when :meth:`LogPacer.end` is called
(the caller saw a success) or, with ``quiet_after_s``, when no event came for that long
(:meth:`LogPacer.quiet`): a client that retries many times a second is back when it stops
complaining.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from enum import Enum


class Action(Enum):
    """What to do with one event."""

    #: The first event of an episode: write it.
    FIRST = "first"
    #: Written about recently: count it, write nothing.
    SUPPRESS = "suppress"
    #: The summary interval has passed: write one line with the count since the last line.
    SUMMARY = "summary"


@dataclass(frozen=True)
class Verdict:
    action: Action
    #: Events of the key not written since the last line about it (this one excluded).
    suppressed: int
    #: Seconds since the episode's first event.
    since_s: float

    @property
    def write(self) -> bool:
        return self.action is not Action.SUPPRESS


@dataclass(frozen=True)
class EpisodeEnd:
    """An episode that is over: what the closing line reports."""

    key: Hashable
    #: From the first to the last event.
    duration_s: float
    #: Every event of the episode, written or not.
    events: int
    #: Events not written since the last line about the key.
    suppressed: int


@dataclass
class _Episode:
    started: float
    last_event: float
    last_line: float
    events: int = 1
    suppressed: int = 0


class LogPacer:
    """Per key: write the first event, then a summary every ``summary_every_s``, then the end."""

    def __init__(self, summary_every_s: float = 60.0, quiet_after_s: float | None = None) -> None:
        self.summary_every_s = summary_every_s
        self.quiet_after_s = quiet_after_s
        self._episodes: dict[Hashable, _Episode] = {}

    def event(self, key: Hashable, now: float) -> Verdict:
        """One more event about ``key``: is it written, and with what count?"""
        episode = self._episodes.get(key)
        if episode is None:
            self._episodes[key] = _Episode(started=now, last_event=now, last_line=now)
            return Verdict(Action.FIRST, 0, 0.0)
        episode.events += 1
        episode.last_event = now
        if now - episode.last_line >= self.summary_every_s:
            suppressed, episode.suppressed = episode.suppressed, 0
            episode.last_line = now
            return Verdict(Action.SUMMARY, suppressed, now - episode.started)
        episode.suppressed += 1
        return Verdict(Action.SUPPRESS, episode.suppressed, now - episode.started)

    def active(self, key: Hashable) -> bool:
        """An episode of ``key`` is going on."""
        return key in self._episodes

    def end(self, key: Hashable) -> EpisodeEnd | None:
        """The caller saw ``key`` succeed: close its episode (None when there was none)."""
        episode = self._episodes.pop(key, None)
        if episode is None:
            return None
        return EpisodeEnd(
            key, episode.last_event - episode.started, episode.events, episode.suppressed
        )

    def quiet(self, now: float) -> list[EpisodeEnd]:
        """Close the episodes with no event for ``quiet_after_s`` (none without that setting)."""
        if self.quiet_after_s is None:
            return []
        over = [
            key
            for key, episode in self._episodes.items()
            if now - episode.last_event >= self.quiet_after_s
        ]
        return [end for key in over if (end := self.end(key)) is not None]
