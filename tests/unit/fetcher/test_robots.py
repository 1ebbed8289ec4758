from __future__ import annotations

import asyncio

import pytest

from newswire.fetcher.robots import RobotsCache, agent_token, robots_url, rules_from_response

pytestmark = pytest.mark.unit

ROBOTS = b"""User-agent: *
Disallow: /private/
Crawl-delay: 2

User-agent: newswire
Disallow: /no-bots/
Crawl-delay: 4

Sitemap: https://news.example.com/sitemap.xml
"""


def rules(status: int | None, body: bytes = b"", error: str | None = None):  # type: ignore[no-untyped-def]
    return rules_from_response(status, body, now=0.0, ttl_s=100.0, error_ttl_s=10.0, error=error)


def test_parsed_rules_for_our_agent() -> None:
    r = rules(200, ROBOTS)
    assert not r.allowed("https://news.example.com/no-bots/x", "newswire")
    assert r.allowed("https://news.example.com/private/x", "newswire")  # our group wins
    assert not r.allowed("https://news.example.com/private/x", "otherbot")
    assert r.crawl_delay("newswire") == 4
    assert r.sitemaps == ["https://news.example.com/sitemap.xml"]
    assert r.expires_at == 100.0


def test_rfc9309_status_handling() -> None:
    assert rules(404).allowed("https://x.example/a", "newswire")  # unavailable: allow all
    assert rules(403).allowed("https://x.example/a", "newswire")
    for status in (500, 503, 429):  # unreachable: disallow all, for a shorter while
        r = rules(status)
        assert not r.allowed("https://x.example/a", "newswire")
        assert r.expires_at == 10.0
    down = rules(None, error="connect_error")
    assert not down.allowed("https://x.example/", "newswire") and "connect_error" in down.source


def test_helpers() -> None:
    assert robots_url("HTTPS://user:pw@News.Example.com:8443/a/b?c") == (
        "https://news.example.com:8443/robots.txt"
    )
    assert agent_token("newswire/0.1 (+https://example.org/bot)") == "newswire"


async def test_cache_fetches_once_per_origin_and_expires() -> None:
    now = [0.0]
    fetched: list[str] = []

    async def fetch(url: str) -> tuple[int | None, bytes, str | None]:
        fetched.append(url)
        await asyncio.sleep(0.01)
        return 200, ROBOTS, None

    seen: list[str] = []
    cache = RobotsCache(
        fetch, ttl_s=100, clock=lambda: now[0], on_new_rules=lambda url, r: seen.append(url)
    )
    results = await asyncio.gather(
        *(cache.rules_for(f"https://news.example.com/a/{i}") for i in range(5))
    )
    assert len(fetched) == 1 and all(r is results[0] for r in results)
    await cache.rules_for("http://news.example.com/a")  # another origin (scheme)
    assert len(fetched) == 2
    now[0] = 101.0
    await cache.rules_for("https://news.example.com/b")
    assert len(fetched) == 3
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("status", "unavailable"),
    [(None, True), (503, True), (500, True), (429, True), (200, False), (404, False)],
)
def test_rules_say_when_robots_txt_could_not_be_read(status: int | None, unavailable: bool) -> None:
    # Unreadable (a 5xx, a 429, a timeout): everything is disallowed for a while, which is
    # no word of the site's on any URL (the pipeline's robots_unavailable, a short cool-down).
    r = rules(status, b"User-agent: *\nDisallow: /private/\n", error="timeout")
    assert r.unavailable is unavailable
    assert r.allowed("https://a.example/x", "newswire") is not unavailable
