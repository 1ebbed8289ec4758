"""A small live news site on loopback for the freshness tests (aiohttp, in the test's loop).

Stories are published by the test (:meth:`NewsSite.publish`). The site shows them the way news
sites do: a start page with the newest 10 story links that advertises its RSS feed, the feed
(newest 20, with dates), a news sitemap, and a big archive sitemap of old stories. Every
request is recorded with its path and arrival order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from aiohttp import web


@dataclass
class Story:
    slug: str
    published_at: datetime


@dataclass
class NewsSite:
    stories: list[Story] = field(default_factory=list)
    #: Old stories only the archive sitemap lists.
    archive: list[Story] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def publish(self, slug: str, at: datetime | None = None) -> Story:
        story = Story(slug, at or datetime.now(UTC))
        self.stories.append(story)
        return story

    def fill_archive(self, count: int, *, year: int = 2024) -> None:
        start = datetime(year, 1, 1, tzinfo=UTC)
        self.archive.extend(Story(f"old-{i}", start + timedelta(hours=i)) for i in range(count))

    def hits(self, path: str) -> list[int]:
        """Positions in the request log of each request for ``path``."""
        return [i for i, p in enumerate(self.requests) if p == path]

    async def start(self) -> NewsSite:
        app = web.Application()
        app.router.add_get("/robots.txt", self._robots)
        app.router.add_get("/", self._home)
        app.router.add_get("/rss.xml", self._rss)
        app.router.add_get("/archive-sitemap.xml", self._archive)
        app.router.add_get("/a/{slug}.html", self._article)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        tcp = web.TCPSite(self._runner, "127.0.0.1", 0)
        await tcp.start()
        self.port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _newest(self, n: int) -> list[Story]:
        return sorted(self.stories, key=lambda s: s.published_at, reverse=True)[:n]

    async def _robots(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        return web.Response(
            text=f"User-agent: *\nAllow: /\nSitemap: {self.base}/archive-sitemap.xml\n"
        )

    async def _home(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        links = "".join(
            f'<li><a href="/a/{s.slug}.html">Story {s.slug}</a></li>' for s in self._newest(10)
        )
        html = (
            '<html><head><title>News</title><link rel="alternate" '
            'type="application/rss+xml" href="/rss.xml"></head>'
            f"<body><h1>News</h1><ul>{links}</ul></body></html>"
        )
        return web.Response(text=html, content_type="text/html")

    async def _rss(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        items = "".join(
            f"<item><title>Story {s.slug}</title><link>{self.base}/a/{s.slug}.html</link>"
            f"<pubDate>{format_datetime(s.published_at, usegmt=True)}</pubDate></item>"
            for s in self._newest(20)
        )
        xml = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
            f"{items}</channel></rss>"
        )
        return web.Response(text=xml, content_type="application/rss+xml")

    async def _archive(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        urls = "".join(
            f"<url><loc>{self.base}/a/{s.slug}.html</loc>"
            f"<lastmod>{s.published_at.isoformat()}</lastmod></url>"
            for s in self.archive
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )
        return web.Response(text=xml, content_type="application/xml")

    async def _article(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        slug = request.match_info["slug"]
        story = next((s for s in [*self.stories, *self.archive] if s.slug == slug), None)
        if story is None:
            raise web.HTTPNotFound()
        published = story.published_at.isoformat()
        body = "".join(
            f"<p>Paragraph {i} of story {slug}, with enough words to read.</p>" for i in range(6)
        )
        html = (
            f"<html><head><title>Story {slug}</title>"
            f'<meta property="article:published_time" content="{published}"></head>'
            f'<body><article><h1>Story {slug}</h1><time datetime="{published}">{published}</time>'
            f"{body}</article></body></html>"
        )
        return web.Response(text=html, content_type="text/html")
