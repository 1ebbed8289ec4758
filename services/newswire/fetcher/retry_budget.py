"""How many attempts one URL gets, and how much fetch time all of them together.

A host serves one request at a time (``host_concurrency``), so every second a URL spends being
fetched is a second no other URL of that host is. A never-answering URL is the worst case: each
attempt holds the host for the whole timeout. So:

* a transient failure (5xx, 429, a dropped connection) is retried up to ``max_retries`` times;
* a timeout is retried at most ``timeout_retries`` times (default once): a server that did not
  answer in ``fetch_timeout_s`` rarely answers the next time, and each try costs the host;
* all attempts together may take ``total_s`` seconds of fetching (time spent waiting for the
  host's politeness slot or between retries is not fetching and does not count); an attempt
  is never given more time than is left, and no attempt starts once it is spent.

:class:`RetryBudget` is pure bookkeeping: the pipeline reports each attempt's outcome and
fetch time, and asks whether another attempt is allowed and how long it may take.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The failure reason of an attempt that ran out of time.
TIMEOUT = "timeout"


@dataclass
class RetryBudget:
    max_retries: int
    timeout_retries: int
    total_s: float
    attempts: int = 0
    timeouts: int = 0
    spent_s: float = 0.0

    def spend(self, elapsed_s: float, reason: str | None = None) -> None:
        """Record one attempt that took ``elapsed_s`` of fetching and failed with ``reason``
        (None: it got a response)."""
        self.attempts += 1
        self.spent_s += max(0.0, elapsed_s)
        if reason == TIMEOUT:
            self.timeouts += 1

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.total_s - self.spent_s)

    def allows_retry(self, reason: str) -> bool:
        """Whether the attempt just recorded, which failed transiently with ``reason``, may be
        followed by another one."""
        if self.attempts > self.max_retries:
            return False
        if reason == TIMEOUT and self.timeouts > self.timeout_retries:
            return False
        return self.remaining_s > 0

    def exhausted_because(self, reason: str) -> str:
        """Why no further attempt was made, for the dead letter's message."""
        if self.remaining_s <= 0:
            return f"the URL's fetch budget of {self.total_s:g} s is spent"
        if reason == TIMEOUT and self.timeouts > self.timeout_retries:
            return f"{self.timeouts} timeouts"
        return f"{self.attempts} attempts"
