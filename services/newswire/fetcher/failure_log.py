"""The fetcher's warnings about failures and retries, paced per host.

Every failed attempt an operator may want to know about is a WARNING line with the same
fields, whatever the cause (robots.txt denial, address-guard refusal, redirect loop, 429/5xx,
timeout): ``url_id``, ``host``, ``reason``, ``attempt`` (requests sent for the URL so far; 0
when none was) and ``next_retry_at`` (UTC; when the URL will be tried again, or null: never
without a forced or replayed request). A host that keeps failing logs the first few lines of
each minute and then one summary (:mod:`newswire.log_pacing`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from newswire.log_pacing import BurstPacer

log = logging.getLogger("newswire.fetcher")

#: Lines per host and window before the rest are summarised.
BURST = 5
WINDOW_S = 60.0


class FailureLog:
    def __init__(
        self,
        *,
        burst: int = BURST,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.pacer = BurstPacer(burst, window_s)
        self.clock = clock

    def retrying(
        self, url_id: str, host: str, reason: str, attempt: int, wait_s: float, error: str
    ) -> None:
        """Attempt ``attempt`` failed with ``reason``; the next one follows in ``wait_s``."""
        self._warn(
            "fetch failed, will retry",
            url_id=url_id,
            host=host,
            reason=reason,
            attempt=attempt,
            next_retry_at=_at(wait_s),
            error=error,
        )

    def failed(
        self,
        url_id: str,
        host: str,
        reason: str,
        attempt: int,
        retry_in_s: float | None,
        error: str,
    ) -> None:
        """The URL is dead-lettered; it may be tried again in ``retry_in_s`` (None: never)."""
        self._warn(
            "fetch failed, dead-lettered",
            url_id=url_id,
            host=host,
            reason=reason,
            attempt=attempt,
            next_retry_at=None if retry_in_s is None else _at(retry_in_s),
            error=error,
        )

    def over_budget(self, url_id: str, host: str, retry_in_s: float) -> None:
        """A new URL was skipped: its site's budget of new URLs for the hour is spent."""
        self._warn(
            "new URL over its site's hourly budget, skipped",
            url_id=url_id,
            host=host,
            reason="over_new_url_budget",
            attempt=0,
            next_retry_at=_at(retry_in_s),
            error="",
        )

    def host_paused(
        self, host: str, timeouts: int, pause_s: float, reason: str = "timeout"
    ) -> None:
        """Not paced: one line per pause, and pauses grow, so these are few. ``reason`` is the
        latest failure of the run (``timeout``, or ``connect_error``/``dns_error`` for a host
        that cannot be reached at all)."""
        log.warning(
            "host keeps timing out, paused",
            extra={
                "host": host,
                "reason": reason,
                "timeouts_in_a_row": timeouts,
                "next_retry_at": _at(pause_s),
            },
        )

    def report_suppressed(self) -> None:
        """Log one summary per host whose lines were held back in a window that is over."""
        for summary in self.pacer.summaries(self.clock()):
            log.warning(
                "%d more fetch failures of %s in the last %.0f s were not logged one by one",
                summary.total,
                summary.key,
                summary.window_s,
                extra={"host": summary.key, "suppressed": summary.suppressed},
            )

    def _warn(self, message: str, *, host: str, reason: str, **fields: object) -> None:
        if self.pacer.admit(host, reason, self.clock()):
            log.warning(message, extra={"host": host, "reason": reason, **fields})


def _at(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")
