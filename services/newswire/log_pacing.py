"""Paced warnings: a few lines per key and window, then one summary line for the rest.

A stream of similar failures (a host answering everything with 503, a dead host timing out on
every page) must not flood the log and bury everything else. For each key (a host, say) the
first ``burst`` events of each ``window_s`` are logged as they come; the rest are only
counted, by reason, and :meth:`LogPacer.summaries` hands them back once their window is over,
so the caller writes one line like "host x: 995 more failures (timeout: 990, http_503: 5)".

The pacer is pure bookkeeping: the caller passes the time in and does the logging.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


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


class LogPacer:
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
