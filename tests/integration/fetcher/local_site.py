"""A real HTTP news site on loopback for the fetcher's tests (aiohttp, in the test's loop).

It records every request (path, query, headers, arrival time) so tests can assert what the
fetcher did on the wire: spacing, conditional headers, paths never requested, bytes served.

Besides well-behaved pages it misbehaves on purpose: rate limits, flaky and broken pages,
same-host redirect chains and loops, redirects off to other addresses, a page that never
answers, an endless body, a compression bomb, and a robots.txt with a Crawl-delay; broken
``Location`` headers and Content-Encodings we cannot undo.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import random
import time
from dataclasses import dataclass, field
from email.utils import formatdate

from aiohttp import web

GBK_TEXT = "法国组织召开军方首脑会议 30余国讨论向乌派兵"
GBK_PAGE = (
    "<html><head><meta charset='gbk'><title>" + GBK_TEXT + "</title></head>"
    "<body><h1>" + GBK_TEXT + "</h1><p>(总台记者 马瑾瑾)</p></body></html>"
).encode("gbk")


def article_html(n: int | str) -> bytes:
    return (
        f"<html><head><title>Article {n}</title></head><body><h1>Article {n}</h1>"
        f"<p>Body of article {n}. 正文。</p></body></html>"
    ).encode()


def assert_spaced(times: list[float], delay: float) -> None:
    """Requests arrived about ``delay`` apart. The fetcher spaces the starts of its requests;
    the site sees them arrive after connecting and after its handler gets the event loop (which
    the worker shares), so on a loaded machine one arrival can lag by tens of milliseconds
    (a request on a new connection, then one on the kept-alive connection), which shortens
    the next gap by as much. So each gap must be at least half the delay, and the whole span,
    which only the first arrival's lag can shorten, all of it but 0.2 s. Requests not spaced
    at all arrive milliseconds apart."""
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= delay / 2, gaps
    assert times[-1] - times[0] >= len(gaps) * delay - 0.2, gaps


@dataclass
class Seen:
    path: str
    query: str
    headers: dict[str, str]
    at: float
    method: str = "GET"


@dataclass
class LocalSite:
    host: str = "127.0.0.1"
    crawl_delay: float | None = None
    #: robots.txt status (200 serves the rules; 404/500 test the RFC's cases).
    robots_status: int = 200
    #: A Content-Encoding label for robots.txt (its bytes left as they are).
    robots_encoding: str | None = None
    ratelimit_first: int = 1
    retry_after: str = "1"
    flaky_failures: int = 2
    list_etag: str = '"list-v1"'
    list_last_modified: str = field(default_factory=lambda: formatdate(usegmt=True))
    requests: list[Seen] = field(default_factory=list)
    endless_bytes_sent: int = 0
    _counters: dict[str, int] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    async def start(self) -> LocalSite:
        app = web.Application()
        app.middlewares.append(self._record)
        r = app.router
        r.add_get("/robots.txt", self._robots)
        r.add_get("/list", self._list)
        r.add_get("/feed.xml", self._feed)
        r.add_get("/sitemap.xml", self._sitemap)
        r.add_get("/article/{n}", self._article)
        r.add_get("/private/{rest:.*}", self._article)
        r.add_get("/slow", self._slow)
        r.add_get("/ratelimited", self._ratelimited)
        r.add_get("/flaky", self._flaky)
        r.add_get("/always500", self._always500)
        r.add_get("/redirect/{n}", self._redirect_chain)
        r.add_get("/loop/{name}", self._loop)
        r.add_get("/redirect-to", self._redirect_to)
        r.add_get("/endless", self._endless)
        r.add_get("/gbk", self._gbk)
        r.add_get("/gzip", self._gzip)
        r.add_get("/bomb", self._bomb)
        r.add_get("/big", self._big)
        r.add_get("/never", self._never)
        r.add_get("/bad-location", self._bad_location)
        r.add_get("/encoded", self._encoded)
        r.add_get("/sitemap-bad-entry.xml", self._sitemap_bad_entry)
        r.add_get("/list-bad-base", self._list_bad_base)
        r.add_get("/cookie-storm", self._cookie_storm)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port or 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._stopping.set()  # requests that never answer end now, so cleanup need not wait
        if self._runner is not None:
            await self._runner.cleanup()

    # --- handlers --------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler):  # type: ignore[no-untyped-def]
        self.requests.append(
            Seen(
                path=request.path,
                query=request.query_string,
                headers=dict(request.headers),
                at=time.monotonic(),
                method=request.method,
            )
        )
        return await handler(request)

    def _count(self, name: str) -> int:
        self._counters[name] = self._counters.get(name, 0) + 1
        return self._counters[name]

    async def _robots(self, request: web.Request) -> web.Response:
        if self.robots_status != 200:
            return web.Response(status=self.robots_status, text="nope")
        lines = ["User-agent: *", "Disallow: /private/"]
        if self.crawl_delay is not None:
            lines.append(f"Crawl-delay: {self.crawl_delay}")
        lines.append(f"Sitemap: {self.base}/sitemap.xml")
        headers = {"Content-Encoding": self.robots_encoding} if self.robots_encoding else None
        return web.Response(text="\n".join(lines) + "\n", headers=headers)

    async def _list(self, request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == self.list_etag:
            return web.Response(status=304, headers={"ETag": self.list_etag})
        links = "".join(f'<li><a href="/article/{i}">Story {i}</a></li>' for i in range(5))
        return web.Response(
            body=f"<html><body><ul>{links}</ul></body></html>".encode(),
            content_type="text/html",
            headers={"ETag": self.list_etag, "Last-Modified": self.list_last_modified},
        )

    async def _feed(self, request: web.Request) -> web.Response:
        items = "".join(
            f"<item><title>Story {i}</title><link>{self.base}/article/{i}</link></item>"
            for i in range(3)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
        return web.Response(body=body.encode(), content_type="application/rss+xml")

    async def _sitemap(self, request: web.Request) -> web.Response:
        urls = "".join(f"<url><loc>{self.base}/article/{i}</loc></url>" for i in range(3))
        body = (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>"
        )
        return web.Response(body=body.encode(), content_type="application/xml")

    async def _article(self, request: web.Request) -> web.Response:
        return web.Response(
            body=article_html(request.match_info.get("n", request.path)),
            content_type="text/html",
            charset="utf-8",
        )

    async def _slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("d", "0.5")))
        return web.Response(body=article_html("slow"), content_type="text/html")

    async def _ratelimited(self, request: web.Request) -> web.Response:
        if self._count("ratelimited") <= self.ratelimit_first:
            return web.Response(status=429, headers={"Retry-After": self.retry_after})
        return web.Response(body=article_html("ratelimited"), content_type="text/html")

    async def _flaky(self, request: web.Request) -> web.Response:
        if self._count("flaky") <= self.flaky_failures:
            return web.Response(status=500, text="oops")
        return web.Response(body=article_html("flaky"), content_type="text/html")

    async def _always500(self, request: web.Request) -> web.Response:
        return web.Response(status=500, text="down")

    async def _redirect_chain(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        target = f"/redirect/{n - 1}" if n > 1 else "/article/redirected"
        raise web.HTTPFound(target)

    async def _loop(self, request: web.Request) -> web.Response:
        other = "b" if request.match_info["name"] == "a" else "a"
        raise web.HTTPMovedPermanently(f"/loop/{other}")

    async def _redirect_to(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["url"])

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        try:
            while True:
                await response.write(chunk)
                self.endless_bytes_sent += len(chunk)
        except (ConnectionResetError, ConnectionError, RuntimeError):
            pass
        return response

    async def _never(self, request: web.Request) -> web.Response:
        """Accepts the request and sends nothing back, until the site stops."""
        await self._stopping.wait()
        return web.Response(status=204)

    async def _gbk(self, request: web.Request) -> web.Response:
        return web.Response(body=GBK_PAGE, headers={"Content-Type": "text/html; charset=GBK"})

    async def _gzip(self, request: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(article_html("gzip")),
            headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
        )

    async def _bomb(self, request: web.Request) -> web.Response:
        # 64 MB of zeros compresses to ~64 KB.
        return web.Response(
            body=gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=6),
            headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
        )

    async def _big(self, request: web.Request) -> web.Response:
        size = int(request.query.get("bytes", str(1024 * 1024)))
        # Random bytes: no compression makes them smaller (the record compresses the body).
        return web.Response(body=random.Random(size).randbytes(size), content_type="text/html")

    async def _bad_location(self, request: web.Request) -> web.Response:
        """A redirect whose ``Location`` is the query's ``to``, sent as is, however broken."""
        return web.Response(status=302, headers={"Location": request.query["to"]})

    async def _encoded(self, request: web.Request) -> web.Response:
        """An article compressed as the query's ``as`` says (``gzip,gzip``: twice), labelled
        with that Content-Encoding; ``br`` is labelled but left as is (we never offer it)."""
        codings = request.query["as"]
        body = article_html("encoded")
        for coding in codings.split(","):
            if coding.strip() == "gzip":
                body = gzip.compress(body)
        return web.Response(
            body=body, headers={"Content-Type": "text/html", "Content-Encoding": codings}
        )

    async def _sitemap_bad_entry(self, request: web.Request) -> web.Response:
        """A sitemap with one entry that is no URL (a broken IPv6 literal) among good ones."""
        locs = [f"{self.base}/article/0", "http://[::1/broken", f"{self.base}/article/1"]
        urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
        body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        return web.Response(body=body.encode(), content_type="application/xml")

    async def _list_bad_base(self, request: web.Request) -> web.Response:
        """A list page whose ``<base href>`` is no URL."""
        links = "".join(f'<li><a href="/article/{i}">Story {i}</a></li>' for i in range(3))
        body = f"<html><head><base href='http://[::1/'></head><body><ul>{links}</ul></body></html>"
        return web.Response(body=body.encode(), content_type="text/html")

    async def _cookie_storm(self, request: web.Request) -> web.Response:
        """An article that sets its session cookie and 1,000 new cookies on every visit."""
        visit = self._count("cookie-storm")
        response = web.Response(body=article_html("cookies"), content_type="text/html")
        response.headers.add("Set-Cookie", "session=s1; Path=/")
        for i in range(1000):
            response.headers.add("Set-Cookie", f"junk{visit}_{i}=x; Path=/")
        return response


def cookies_sent(seen: Seen) -> list[str]:
    """The names of the cookies a request carried."""
    header = seen.headers.get("Cookie", "")
    return [part.split("=", 1)[0].strip() for part in header.split(";") if part.strip()]
