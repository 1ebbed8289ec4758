"""How many URLs never fetched before, found as links, one site may fetch per hour.

A spider trap is a site's endless URL space: a calendar with a link to every next day, a
session id in every link, ``?page=N+1`` for ever, a new subdomain in every link of a site
that owns ``*.example.cn``. ``crawl_max_depth`` stops a chain of them a few hops from a seed,
but each page of a trap links up to 300 new URLs, and each of those 300 more: within the
depth there are more than the site could serve in years. Politeness keeps the trap from
costing other sites anything, but it would take the site's whole share of fetching (its
real news not fetched), and every trap URL fetched stays in the fetcher's URL state.

So the outlinked URLs a site has never had fetched are admitted up to a number per hour
(``new_urls_per_site_per_hour``), counted per site (per host for a URL of no configured
site) in each fetcher replica; the rest are skipped and counted, not dead-lettered: a real
story turned away is linked again (its list page is re-visited) and admitted in a later
hour. Seeds, re-visits, feeds and sitemaps (the site's own index of what is new) and forced
requests are never counted.

:class:`NewUrlBudget` is pure bookkeeping over an injected clock; keys are opaque strings.
"""

from __future__ import annotations

import time
from collections.abc import Callable

WINDOW_S = 3600.0


class NewUrlBudget:
    """A fixed one-hour window per key (a site), and how many new URLs it admitted so far."""

    #: Keys remembered before those whose window is over are forgotten.
    PRUNE_ABOVE = 4096

    def __init__(
        self,
        per_hour: int,
        *,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        #: 0: no limit.
        self.per_hour = per_hour
        self.window_s = window_s
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    def admit(self, key: str) -> bool:
        """Count one new URL of ``key``; False when its budget of the hour is spent."""
        if self.per_hour <= 0:
            return True
        now = self.clock()
        started, used = self._windows.get(key, (now, 0))
        if now - started >= self.window_s:
            started, used = now, 0
        if used >= self.per_hour:
            return False
        if key not in self._windows and len(self._windows) >= self.PRUNE_ABOVE:
            self._prune(now)
        self._windows[key] = (started, used + 1)
        return True

    def retry_in_s(self, key: str) -> float:
        """Seconds until ``key`` may have new URLs again (0: now)."""
        window = self._windows.get(key)
        if window is None:
            return 0.0
        return max(0.0, window[0] + self.window_s - self.clock())

    def _prune(self, now: float) -> None:
        for key in [k for k, (s, _) in self._windows.items() if now - s >= self.window_s]:
            del self._windows[key]
