"""Per-host politeness: how many requests a host gets at once, and how far apart they start.

Each host has a slot limit (``host_concurrency``, default 1) and a minimum spacing: the larger
of the configured delay (site override or ``host_delay_s``) and the robots.txt ``Crawl-delay``
(capped at ``max_crawl_delay_s``, so a hostile robots.txt cannot stall a worker). A request
starts no sooner than that delay after the previous one started *and* after it ended. The
second rule is what the site sees: a reserved start can slip (a busy event loop, a slow
connect) while the next start is already fixed, and start-to-start spacing alone then let two
requests reach a site 0.1 s apart under a 1 s delay (the chaos test's request log showed it).
A ``429``/``503`` with ``Retry-After`` pauses the host until then and doubles its spacing;
successes halve the slowdown again. A host whose requests keep timing out
(:data:`TIMEOUTS_BEFORE_PAUSE` in a row, whichever URLs they were for) is paused as a whole,
longer with each further timeout, until it answers again. When hosts move here from another
fetcher, each waits one delay before its first request (:meth:`Politeness.handed_over`).

:class:`HostPacer` is the pure bookkeeping (times in, start times out) and is unit-tested with
a fake clock; :class:`Politeness` adds the waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from newswire.fetcher.priority import PrioritySemaphore

MAX_SLOWDOWN = 8.0
#: Consecutive timeouts after which a host is paused. One URL's attempt and its retry make two;
#: a third in a row means the host, not one page of it, is in trouble.
TIMEOUTS_BEFORE_PAUSE = 3


@dataclass
class HostPacer:
    """Start-time bookkeeping for one host."""

    next_start: float = 0.0
    backoff_until: float = 0.0
    slowdown: float = 1.0
    active: int = 0
    waiting: int = 0
    #: Requests in a row that timed out (reset by any response).
    timeouts: int = 0
    semaphore: PrioritySemaphore | None = field(default=None, repr=False)

    def reserve(self, now: float, delay_s: float, not_before: float = 0.0) -> float:
        """Claim the next start time (>= now, >= ``not_before``) and push the following one
        ``delay`` later."""
        start = max(now, self.next_start, self.backoff_until, not_before)
        self.next_start = start + delay_s * self.slowdown
        return start

    def finished(self, now: float, delay_s: float) -> None:
        """A request ended: the next may start no sooner than ``delay`` from now."""
        self.next_start = max(self.next_start, now + delay_s * self.slowdown)

    def back_off(self, now: float, retry_after_s: float, max_backoff_s: float) -> None:
        self.backoff_until = max(
            self.backoff_until, now + min(max(retry_after_s, 0), max_backoff_s)
        )
        self.slowdown = min(self.slowdown * 2, MAX_SLOWDOWN)

    def relax(self) -> None:
        self.slowdown = max(1.0, self.slowdown / 2)

    def timed_out(self, now: float, pause_s: float, max_backoff_s: float) -> float:
        """A request timed out; returns how long the host is now paused (0: not paused).

        From the :data:`TIMEOUTS_BEFORE_PAUSE`-th timeout in a row the host pauses for
        ``pause_s``, doubled for each further one, up to ``max_backoff_s``."""
        self.timeouts += 1
        if self.timeouts < TIMEOUTS_BEFORE_PAUSE:
            return 0.0
        pause = min(pause_s * 2 ** (self.timeouts - TIMEOUTS_BEFORE_PAUSE), max_backoff_s)
        self.backoff_until = max(self.backoff_until, now + pause)
        return pause

    def answered(self) -> None:
        self.timeouts = 0

    def idle(self, now: float) -> bool:
        return (
            self.active == 0
            and self.waiting == 0
            and self.slowdown == 1.0
            and self.timeouts == 0
            and now >= self.next_start
            and now >= self.backoff_until
        )


class Politeness:
    """The per-host scheduler all fetches (robots.txt included) go through."""

    PRUNE_ABOVE = 4096

    def __init__(
        self,
        *,
        delay_s: float,
        concurrency: int,
        max_delay_s: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.default_delay_s = delay_s
        self.concurrency = max(1, concurrency)
        self.max_delay_s = max_delay_s
        self.clock = clock
        self._hosts: dict[str, HostPacer] = {}
        self._handed_over_at: float | None = None

    def effective_delay(
        self, configured_s: float | None = None, crawl_delay_s: float | None = None
    ) -> float:
        """Spacing for a host: site override (or the default), raised by robots up to the cap."""
        delay = self.default_delay_s if configured_s is None else configured_s
        if crawl_delay_s:
            delay = max(delay, min(crawl_delay_s, self.max_delay_s))
        return delay

    def handed_over(self) -> None:
        """Hosts have just moved here from another fetcher (a rebalance, a replaced replica).

        That fetcher may have started a request to any of them a moment before it let go, and
        its pacing went with it; so every host's next start waits one delay from now. The
        rebalance orders the two: the old owner stops before the new one is assigned."""
        self._handed_over_at = self.clock()

    def _not_before(self, delay_s: float) -> float:
        return 0.0 if self._handed_over_at is None else self._handed_over_at + delay_s

    def _pacer(self, host: str) -> HostPacer:
        pacer = self._hosts.get(host)
        if pacer is None:
            pacer = self._hosts[host] = HostPacer(semaphore=PrioritySemaphore(self.concurrency))
        return pacer

    @asynccontextmanager
    async def slot(
        self, host: str, delay_s: float | None = None, priority: float = 0.0
    ) -> AsyncIterator[None]:
        """Hold one of the host's slots, entered no earlier than its pacing allows; of the
        requests waiting for the host, the lowest ``priority`` goes first (:mod:`.priority`)."""
        delay = self.default_delay_s if delay_s is None else delay_s
        pacer = self._pacer(host)
        assert pacer.semaphore is not None
        pacer.waiting += 1
        try:
            await pacer.semaphore.acquire(priority)
        finally:
            pacer.waiting -= 1
        try:
            start = pacer.reserve(self.clock(), delay, self._not_before(delay))
            while (wait := start - self.clock()) > 0:
                await asyncio.sleep(wait)
                # A 429 seen by another slot while we slept pushes this start back too.
                if pacer.backoff_until > start:
                    start = pacer.reserve(self.clock(), delay, self._not_before(delay))
            pacer.active += 1
            try:
                yield
            finally:
                pacer.active -= 1
                pacer.finished(self.clock(), delay)
        finally:
            pacer.semaphore.release()
            if len(self._hosts) > self.PRUNE_ABOVE:
                self.prune()

    def prune(self) -> None:
        """Forget idle hosts, so a long crawl over many hosts does not grow without bound."""
        now = self.clock()
        for host in [h for h, p in self._hosts.items() if p.idle(now)]:
            del self._hosts[host]

    def back_off(self, host: str, retry_after_s: float) -> None:
        """A 429/503: pause the host for ``retry_after_s`` (capped) and slow it down."""
        self._pacer(host).back_off(self.clock(), retry_after_s, self.max_delay_s * 10)

    def relax(self, host: str) -> None:
        if pacer := self._hosts.get(host):
            pacer.relax()

    def timed_out(self, host: str, pause_s: float) -> float:
        """A request to ``host`` timed out; returns the pause this put on the host (or 0)."""
        return self._pacer(host).timed_out(self.clock(), pause_s, self.max_delay_s * 10)

    def timeouts_in_a_row(self, host: str) -> int:
        pacer = self._hosts.get(host)
        return pacer.timeouts if pacer else 0

    def answered(self, host: str) -> None:
        """``host`` sent a response (any status): its run of timeouts is over."""
        if pacer := self._hosts.get(host):
            pacer.answered()

    def queue_depth(self, host: str) -> int:
        pacer = self._hosts.get(host)
        return pacer.waiting if pacer else 0

    def queue_depths(self) -> dict[str, int]:
        return {host: p.waiting + p.active for host, p in self._hosts.items()}


def parse_retry_after(value: str | None, now_epoch: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now_epoch = time.time() if now_epoch is None else now_epoch
    return max(0.0, when.timestamp() - now_epoch)
