"""One fetch now, with the fetcher's own rules, outside the crawl (``newswire try``).

The same :class:`~newswire.fetcher.http_client.HttpClient` and
:class:`~newswire.fetcher.address_guard.AddressGuard` as the fetcher service, so what an
operator sees is what the crawl would get: the address guard (``NEWSWIRE_ALLOW_PRIVATE_NETWORKS``
for loopback), robots.txt (``NEWSWIRE_OBEY_ROBOTS``) for the URL and for every host a redirect
leads to, the redirect limit, the size caps and the user agent. There is no politeness queue and
no retry: it is one request, made by a person, now.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from newswire.fetcher.address_guard import AddressGuard, AddressRefused, ResolutionFailed
from newswire.fetcher.http_client import FetchError, FetchOptions, FetchResult, HttpClient
from newswire.fetcher.robots import MAX_ROBOTS_BYTES, RobotsCache, agent_token
from newswire.settings import Settings
from newswire.urls import host_of, redact


class FetchRefused(Exception):
    """The fetch was not made or gave no page; ``reason`` is the fetcher's dead-letter label."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


async def fetch_once(settings: Settings, url: str) -> FetchResult:
    """GET ``url`` as the fetcher would; raises :class:`FetchRefused` when it may not or fails.

    An HTTP error status is returned, not raised: the caller shows it.
    """
    guard = AddressGuard(settings.allow_private_networks)
    http = HttpClient(FetchOptions.from_settings(settings), guard)
    agent = agent_token(settings.user_agent)

    async def fetch_robots(robots_url: str) -> tuple[int | None, bytes, str | None]:
        try:
            result = await http.fetch(robots_url, max_body_bytes=MAX_ROBOTS_BYTES)
        except FetchError as exc:
            return None, b"", f"{exc.reason}: {exc}"
        return result.status, result.body, None

    robots = RobotsCache(fetch_robots, ttl_s=settings.robots_ttl_s)

    async def check_robots(target: str, what: str) -> None:
        if not settings.obey_robots:
            return
        rules = await robots.rules_for(target)
        if not rules.allowed(target, agent):
            raise FetchRefused(
                "robots_denied", f"robots.txt ({rules.source}) disallows {what}{redact(target)}"
            )

    first_host = host_of(url)

    @contextlib.asynccontextmanager
    async def gate(hop: str) -> AsyncIterator[None]:
        # A redirect to another host obeys that host's robots.txt, as in the fetcher.
        if host_of(hop) != first_host:
            await check_robots(hop, "the redirect to ")
        yield

    try:
        await guard.check(url)
        await check_robots(url, "")
        return await http.fetch(url, gate=gate)
    except AddressRefused as exc:
        raise FetchRefused(exc.reason, str(exc)) from None
    except ResolutionFailed as exc:
        raise FetchRefused(exc.reason, str(exc)) from None
    except FetchError as exc:
        raise FetchRefused(exc.reason, str(exc)) from None
    finally:
        await http.aclose()
