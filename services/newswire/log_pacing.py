"""Pacing repeated log events, so a flood of the same complaint becomes a few lines.

Two shapes of flood, two pacers; both are pure bookkeeping (callers pass ``now`` and do the
logging), so their rules are tested with plain numbers.

* :class:`BurstPacer`, for many similar failures of one key (a host answering everything with
  503, a dead host timing out on every page): the first ``burst`` events of each window are
  written as they come; the rest are only counted, by reason, and :meth:`BurstPacer.summaries`
  hands them back once their window is over, so the caller writes one line like "host x: 995
  more failures (timeout: 990, http_503: 5)".
* :class:`EpisodePacer`, for an outage (a broker that is down, a search engine that refuses
  bulks): the first event of an *episode* is written, then one summary every
  ``summary_every_s``, then one line when it ends: when :meth:`EpisodePacer.end` is called (the
  caller saw a success) or, with ``quiet_after_s``, when no event came for that long
  (:meth:`EpisodePacer.quiet`): a client that retries many times a second is back when it
  stops complaining.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Summary:
    """Events of one key that were not logged in one window."""

    key: str
    #: Reason -> how many events of it were held back.
    suppressed: dict[str, int]
    window_s: float

    @property
    def total(self) -> int:
        return sum(self.suppressed.values())


@dataclass
class _Window:
    started: float
    logged: int = 0
    suppressed: Counter[str] = field(default_factory=Counter)


class BurstPacer:
    def __init__(self, burst: int = 5, window_s: float = 60.0):
        self.burst = burst
        self.window_s = window_s
        self._windows: dict[str, _Window] = {}
        self._finished: list[Summary] = []

    def admit(self, key: str, reason: str, now: float) -> bool:
        """Whether to log this event now; if not, it is counted for the key's summary."""
        window = self._windows.get(key)
        if window is not None and now - window.started >= self.window_s:
            self._close(key, window)
            window = None
        if window is None:
            window = self._windows[key] = _Window(started=now)
        if window.logged < self.burst:
            window.logged += 1
            return True
        window.suppressed[reason] += 1
        return False

    def summaries(self, now: float) -> list[Summary]:
        """Summaries of the windows that are over and held events back, each returned once.
        Windows that are over are forgotten, so keys that went quiet cost nothing."""
        for key, window in list(self._windows.items()):
            if now - window.started >= self.window_s:
                self._close(key, window)
        finished, self._finished = self._finished, []
        return finished

    def _close(self, key: str, window: _Window) -> None:
        del self._windows[key]
        if window.suppressed:
            self._finished.append(Summary(key, dict(window.suppressed), self.window_s))


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


class EpisodePacer:
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
