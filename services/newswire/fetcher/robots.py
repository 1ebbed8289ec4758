"""robots.txt: fetched once per origin, cached with expiry, obeyed (RFC 9309, via protego).

How a robots.txt response turns into rules (:func:`rules_from_response`, pure):

* 2xx: parse it (at most 500 KiB, the RFC's minimum parsing limit);
* 4xx ("unavailable", RFC 9309 2.3.1.3): no restrictions — except ``429``, which is the
  server asking us to slow down, so it is treated like a server error;
* 5xx, a network error, a timeout ("unreachable", 2.3.1.4): disallow everything, and ask
  again after ``error_ttl_s`` (shorter than the normal TTL) rather than trusting a hiccup.

Redirects of robots.txt are followed by the HTTP client (up to 5, as the RFC asks).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from protego import Protego

MAX_ROBOTS_BYTES = 500 * 1024

RobotsMode = Literal["parsed", "allow_all", "disallow_all"]


@dataclass(frozen=True)
class RobotsRules:
    mode: RobotsMode
    expires_at: float
    parser: Protego | None = field(default=None, compare=False, repr=False)
    #: Why the mode was chosen (``status_200``, ``status_404``, ``unreachable: ...``).
    source: str = ""

    @property
    def unavailable(self) -> bool:
        """robots.txt could not be read (5xx, 429, unreachable): everything is disallowed
        until it is asked again, which says nothing about any one URL."""
        return self.mode == "disallow_all"

    def allowed(self, url: str, agent: str) -> bool:
        if self.mode == "allow_all":
            return True
        if self.mode == "disallow_all":
            return False
        assert self.parser is not None
        return self.parser.can_fetch(url, agent)

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None

    @property
    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []


def rules_from_response(
    status: int | None,
    body: bytes,
    *,
    now: float,
    ttl_s: float,
    error_ttl_s: float,
    error: str | None = None,
) -> RobotsRules:
    if status is None:
        return RobotsRules("disallow_all", now + error_ttl_s, source=f"unreachable: {error}")
    if 200 <= status < 300:
        text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return RobotsRules("parsed", now + ttl_s, Protego.parse(text), source=f"status_{status}")
    if status == 429 or status >= 500:
        return RobotsRules("disallow_all", now + error_ttl_s, source=f"status_{status}")
    # 4xx, and 3xx left over after too many redirects: no rules to obey.
    return RobotsRules("allow_all", now + ttl_s, source=f"status_{status}")


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.rsplit('@', 1)[-1].lower()}/robots.txt"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against (``newswire/0.1 (...)`` ->
    ``newswire``)."""
    return user_agent.split("/", 1)[0].split()[0].strip() or user_agent


#: Fetches a robots.txt URL: (status or None when unreachable, body, error text).
RobotsFetch = Callable[[str], Awaitable[tuple[int | None, bytes, str | None]]]


class RobotsCache:
    """Rules per origin (scheme, host, port), fetched on first use and again after expiry.

    Concurrent lookups for one origin share one fetch. ``on_new_rules`` is told about every
    freshly fetched robots.txt (the worker turns its ``Sitemap:`` lines into crawl requests).
    """

    def __init__(
        self,
        fetch: RobotsFetch,
        *,
        ttl_s: float,
        error_ttl_s: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        on_new_rules: Callable[[str, RobotsRules], None] | None = None,
        max_entries: int = 50_000,
    ):
        self._fetch = fetch
        self.ttl_s = ttl_s
        self.error_ttl_s = min(error_ttl_s, ttl_s)
        self.clock = clock
        self.on_new_rules = on_new_rules
        self.max_entries = max_entries
        self._rules: dict[str, RobotsRules] = {}
        self._pending: dict[str, asyncio.Future[RobotsRules]] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        key = robots_url(url)
        now = self.clock()
        cached = self._rules.get(key)
        if cached is not None and cached.expires_at > now:
            return cached
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[RobotsRules] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            status, body, error = await self._fetch(key)
            rules = rules_from_response(
                status,
                body,
                now=self.clock(),
                ttl_s=self.ttl_s,
                error_ttl_s=self.error_ttl_s,
                error=error,
            )
            if len(self._rules) >= self.max_entries:
                self._evict()
            self._rules[key] = rules
            future.set_result(rules)
        except BaseException as exc:
            future.set_exception(exc)
            # Nobody else may be waiting; do not let asyncio warn about an unread exception.
            future.exception()
            raise
        finally:
            del self._pending[key]
        if self.on_new_rules is not None:
            self.on_new_rules(key, rules)
        return rules

    def _evict(self) -> None:
        now = self.clock()
        expired = [k for k, r in self._rules.items() if r.expires_at <= now]
        for key in expired or list(self._rules)[: len(self._rules) // 10 + 1]:
            del self._rules[key]
