"""One HTTP GET, done safely: guarded redirects, capped bodies, exact bytes.

* One shared ``httpx.AsyncClient`` (connection limits, timeouts, our user agent; no proxies
  or ``.netrc`` from the environment, so the address guard sees the real destination).
* Redirects are followed here, not by httpx, so every hop is checked by the
  :class:`~newswire.fetcher.address_guard.AddressGuard` *before* connecting; at most
  ``max_redirects`` hops, loops detected; the final URL is recorded. Each request, every hop
  included, is made inside the caller's :data:`HostGate` (the fetcher's politeness slot).
* Connections go only to addresses the guard approved in the same resolution
  (:class:`GuardedNetworkBackend`): httpx never resolves a host name itself.
* The body is streamed and the download stops at ``max_body_bytes`` on the wire (the result is
  marked truncated). Content-Encoding is decoded here (we only offer gzip/deflate) with a
  separate cap on the decoded size, so a compression bomb cannot exhaust memory; a coding we
  cannot undo (``br``, layers of gzip) is a permanent failure, never a page of compressed bytes.
* Each origin keeps its cookies (a site's session), at most 50 (:class:`BoundedCookieJar`).
* HTTP error statuses are results, not exceptions: the caller decides what is transient.
  Network problems raise :class:`FetchError` with a short ``reason`` and ``transient`` flag.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import io
import ssl
import time
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from newswire.fetcher.address_guard import AddressGuard, AddressRefused, ResolutionFailed
from newswire.settings import Settings
from newswire.urls import normalize_url, redact

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

#: Entered around each request of a fetch: the requested URL, then every redirect hop, one at a
#: time. The fetcher puts its politeness slot and robots.txt check there, so each hop, to the
#: same host or another one, is paced and permitted like a request of its own.
HostGate = Callable[[str], AbstractAsyncContextManager[None]]
#: Response headers that describe the wire encoding, which no longer applies to the stored body.
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


class FetchError(Exception):
    """A fetch that produced no usable HTTP response."""

    def __init__(self, reason: str, message: str, *, transient: bool, status: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.transient = transient
        self.status = status
        #: Time spent fetching before the failure (waits at the host gate excluded).
        self.elapsed_ms = 0.0


@dataclass(frozen=True)
class FetchOptions:
    user_agent: str
    timeout_s: float = 20.0
    #: Whole fetch, all hops and the body: stops a server that drips one byte a second.
    total_timeout_s: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_decompressed_bytes: int = 40 * 1024 * 1024
    max_redirects: int = 5
    max_connections: int = 200
    #: Connections kept per origin (the politeness scheduler's per-host concurrency).
    connections_per_host: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchOptions:
        return cls(
            user_agent=settings.user_agent,
            timeout_s=settings.fetch_timeout_s,
            total_timeout_s=max(3 * settings.fetch_timeout_s, 10.0),
            max_body_bytes=settings.max_body_bytes,
            max_decompressed_bytes=settings.max_decompressed_bytes,
            max_redirects=settings.max_redirects,
            max_connections=settings.max_connections,
            connections_per_host=max(1, settings.host_concurrency),
        )


@dataclass(frozen=True)
class FetchResult:
    requested_url: str
    final_url: str
    status: int
    #: Lower-case names; repeated headers joined with ", ".
    headers: dict[str, str]
    body: bytes
    truncated: bool
    elapsed_ms: float
    redirects: tuple[str, ...] = ()
    wire_bytes: int = 0

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


#: Decoded bytes produced per inflate call.
_INFLATE_PIECE = 1024 * 1024


#: Codings we can undo (and offer in Accept-Encoding).
_DECODABLE = frozenset({"gzip", "x-gzip", "deflate"})
#: Compressions we do not offer: a server that sends one anyway sends bytes we cannot read.
#: Other unknown tokens (``utf-8``, ``none``, ``text``: a misconfigured server) are ignored
#: as browsers ignore them; the body is then what it claims to be.
_UNDECODABLE = frozenset({"br", "zstd", "compress", "x-compress", "x-bzip2", "bzip2", "lzma"})


def content_coding(header: str | None) -> str:
    """The one coding of a ``Content-Encoding`` header the decoder must undo (``identity``:
    none); raises :class:`FetchError` (permanent, ``unsupported_encoding``) for a coding we
    did not offer and cannot undo, or for layers of compression (``gzip, gzip``).

    Stored as it came, such a body is compressed bytes under an HTML content type: the
    parser would take binary noise for a page."""
    tokens = [t.strip().lower() for t in (header or "").split(",")]
    compressions = [t for t in tokens if t in _DECODABLE or t in _UNDECODABLE]
    if not compressions:
        return "identity"
    if len(compressions) > 1 or compressions[0] in _UNDECODABLE:
        raise FetchError(
            "unsupported_encoding",
            f"Content-Encoding {header[:100]!r} cannot be decoded (we offer gzip, deflate)",
            transient=False,
        )
    return compressions[0]


class BodyDecoder:
    """Accumulates a body, undoing gzip/deflate, stopping at ``limit`` decoded bytes."""

    def __init__(self, encoding: str | None, limit: int):
        encoding = content_coding(encoding)
        self.limit = limit
        # BytesIO, not a bytearray: its getvalue() hands over the buffer without a copy, so a
        # capped body is held once, not twice (a decompression bomb: 40 MB, not 80).
        self._body = io.BytesIO()
        self._size = 0
        self.truncated = False
        self._decoder: zlib._Decompress | None = None  # type: ignore[name-defined]
        self._deflate_fallback = False
        if encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            # "deflate" is zlib-wrapped by the spec, raw deflate by many servers: try both.
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS)
            self._deflate_fallback = True
        #: True when the stored body is the decoded one (the wire headers no longer apply).
        self.decodes = self._decoder is not None

    def feed(self, chunk: bytes) -> bool:
        """Add a wire chunk; False once the decoded cap is reached (stop reading)."""
        if self._decoder is None:
            return self._append(chunk)
        pending = chunk
        while True:
            # Inflate at most a piece at a time: 64 KB of a bomb is 64 MB of output, which must
            # never exist at once (nor its copies) only to be cut at the cap.
            room = self.limit - self._size
            try:
                out = self._decoder.decompress(pending, min(room + 1, _INFLATE_PIECE))
            except zlib.error:
                if self._deflate_fallback and not self._size:
                    self._deflate_fallback = False
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    return self.feed(chunk)
                raise
            self._deflate_fallback = False
            if not self._append(out):
                return False  # past the cap
            pending = self._decoder.unconsumed_tail
            if not pending:
                return True

    def _append(self, data: bytes) -> bool:
        room = self.limit - self._size
        if len(data) > room:
            data = data[:room]
            self.truncated = True
        self._size += self._body.write(data)
        return not self.truncated

    def finish(self) -> bytes:
        if self._decoder is not None and not self.truncated:
            with contextlib.suppress(zlib.error):
                self._append(self._decoder.flush())
        body = self._body.getvalue()
        self._body = io.BytesIO()
        return body


def _header_dict(headers: httpx.Headers) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers.multi_items():
        name = name.lower()
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network layer, connecting only to addresses the guard has approved.

    Left to itself, httpcore resolves the host name again when it connects, after our check:
    a DNS answer that changes in between (DNS rebinding) would send the request to an address
    the guard never saw. Here the connection asks the guard for the host's approved addresses
    and connects to one of them by number. TLS still uses the host name (httpcore passes the
    origin's name for SNI and certificate checks), so nothing else changes.
    """

    def __init__(self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend | None = None):
        self.guard = guard
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.guard.approved(host, port)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the host's next address, as a resolver-driven connect would
        assert failure is not None  # approved() never returns an empty list
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("the fetcher does not connect to unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport over a connection pool that uses :class:`GuardedNetworkBackend`.

    httpx offers no way to pass a network backend, so the pool it built is replaced by an
    identical one with ours (httpx's transport only maps requests onto ``self._pool``).
    """

    def __init__(self, guard: AddressGuard, ssl_context: ssl.SSLContext, limits: httpx.Limits):
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(guard),
        )


class BoundedCookieJar(http.cookiejar.CookieJar):
    """One origin's cookies, at most :attr:`MAX_COOKIES` of at most :attr:`MAX_COOKIE_BYTES`.

    The numbers are RFC 6265's (6.1) minimum a user agent keeps per domain and per cookie.
    Without a bound a site sending a thousand new ``Set-Cookie`` headers with every response
    grows the jar without end, and every request after carries all of them back: 60
    responses of such a site made a 60,000-cookie jar and a 2.9 MB ``Cookie`` header.
    A full jar still updates the cookies it holds (a session is refreshed, expires, is
    deleted) but takes no new one: the cookies a site sets first, its session among them,
    are not pushed out by the flood that follows.
    """

    MAX_COOKIES = 50
    MAX_COOKIE_BYTES = 4096

    def set_cookie(self, cookie: http.cookiejar.Cookie) -> None:
        if len(cookie.name) + len(cookie.value or "") > self.MAX_COOKIE_BYTES:
            return
        with self._cookies_lock:  # type: ignore[attr-defined]
            held = self._cookies.get(cookie.domain, {}).get(cookie.path, {})  # type: ignore[attr-defined]
            if cookie.name not in held and sum(1 for _ in self) >= self.MAX_COOKIES:
                return
            super().set_cookie(cookie)


class _Origins:
    """One small ``httpx.AsyncClient`` per origin (scheme, host, port), LRU-bounded.

    Why not one client for everything: httpcore's pool re-scans every pooled connection
    (quadratically) whenever a request starts or ends, which costs more CPU than the request
    itself once a crawl keeps a few hundred hosts' connections alive. Per-origin pools hold
    only the host's few connections. The clients share one TLS context, timeouts and headers;
    the total number of connections is bounded by ``max_connections`` through the LRU size.
    Per-origin clients also keep one site's cookies away from every other site.
    """

    def __init__(self, options: FetchOptions, guard: AddressGuard):
        self.options = options
        self.guard = guard
        self.capacity = max(1, options.max_connections // max(1, options.connections_per_host))
        self._ssl = httpx.create_ssl_context()
        self._clients: OrderedDict[str, httpx.AsyncClient] = OrderedDict()
        self._active: dict[str, int] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self._headers = {
            "User-Agent": options.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
            "application/rss+xml,application/atom+xml,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
        }

    def _new_client(self) -> httpx.AsyncClient:
        options = self.options
        limits = httpx.Limits(
            max_connections=options.connections_per_host,
            max_keepalive_connections=options.connections_per_host,
            keepalive_expiry=30.0,
        )
        return httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            transport=_GuardedTransport(self.guard, self._ssl, limits),
            timeout=httpx.Timeout(options.timeout_s, connect=min(options.timeout_s, 10.0)),
            headers=self._headers,
            event_hooks={"response": [_check_location]},
            cookies=BoundedCookieJar(),
        )

    @asynccontextmanager
    async def client(self, url: str) -> AsyncIterator[httpx.AsyncClient]:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{parts.port}"
        client = self._clients.get(origin)
        if client is None:
            client = self._clients[origin] = self._new_client()
            self._evict()
        else:
            self._clients.move_to_end(origin)
        self._active[origin] = self._active.get(origin, 0) + 1
        try:
            yield client
        finally:
            self._active[origin] -= 1
            if not self._active[origin]:
                del self._active[origin]

    def _evict(self) -> None:
        for origin in list(self._clients):
            if len(self._clients) <= self.capacity:
                break
            if origin in self._active:
                continue  # in use: close it later, when it is the oldest idle one
            task = asyncio.ensure_future(self._clients.pop(origin).aclose())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        clients = list(self._clients.values())
        self._clients.clear()
        await asyncio.gather(*(c.aclose() for c in clients), *self._closing)


class _Stopwatch:
    """One fetch's time limit and elapsed time, both stopped while it waits at a host's gate.

    Waiting for a host's turn is not fetching: a request queued behind a slow site's
    Crawl-delay must not time out before it has sent a byte, nor report the wait as latency.
    """

    def __init__(self, limit: asyncio.Timeout) -> None:
        self.limit = limit
        self.started = time.perf_counter()
        self.waited = 0.0

    @asynccontextmanager
    async def stopped(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        when = self.limit.when()
        remaining = None if when is None else when - loop.time()
        self.limit.reschedule(None)
        paused_at = time.perf_counter()
        try:
            yield
        finally:
            self.waited += time.perf_counter() - paused_at
            if remaining is not None:
                self.limit.reschedule(loop.time() + remaining)

    @property
    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started - self.waited) * 1000


def redirect_target(current: str, location: str, status: int) -> str:
    """The absolute URL a ``Location`` header sends ``current`` to; raises :class:`FetchError`
    (permanent) when it is not an http(s) URL that can be requested.

    The header is the server's text, as hostile as the body: a port past 65535, a broken IPv6
    literal or a missing host would otherwise surface as a bare ``ValueError`` deep in the
    next hop (an "internal error" instead of a dead letter saying what the site did)."""
    try:
        target = urljoin(current, location.strip())
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            raise FetchError(
                "scheme_refused", f"redirect to {redact(target)}", transient=False, status=status
            )
        normalize_url(target)  # host, port and IPv6 literal checks
        httpx.URL(target)  # and what the request itself will need
    except (ValueError, httpx.InvalidURL) as exc:
        raise FetchError(
            "bad_redirect",
            f"unusable Location {location[:200]!r}: {exc}",
            transient=False,
            status=status,
        ) from None
    return target


async def _check_location(response: httpx.Response) -> None:
    """httpx's response hook: refuse a malformed ``Location`` before httpx parses it itself.

    httpx builds the next request of every redirect (even one it does not follow) and
    reports a bad ``Location`` as a protocol error, which would be retried as a network fault."""
    location = response.headers.get("location")
    if response.status_code in REDIRECT_STATUSES and location:
        redirect_target(str(response.request.url), location, response.status_code)


def _as_fetch_error(exc: Exception, url: str) -> FetchError | None:
    """The :class:`FetchError` an exception from a fetch stands for (None: a bug, re-raise)."""
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, TimeoutError):
        return FetchError("timeout", f"fetch took too long: {redact(url)}", transient=True)
    if isinstance(exc, httpx.TimeoutException):
        return FetchError("timeout", f"{type(exc).__name__}: {redact(url)}", transient=True)
    if isinstance(exc, AddressRefused):
        return FetchError(exc.reason, str(exc), transient=False)
    if isinstance(exc, ResolutionFailed):
        return FetchError(exc.reason, str(exc), transient=True)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError("invalid_url", f"{exc}", transient=False)
    if isinstance(exc, httpx.ConnectError):
        return FetchError("connect_error", f"{exc or type(exc).__name__}", transient=True)
    if isinstance(exc, httpx.DecodingError):
        return FetchError("decode_error", str(exc), transient=False)
    if isinstance(exc, zlib.error):
        return FetchError("decode_error", f"bad content encoding: {exc}", transient=False)
    if isinstance(exc, httpx.TransportError):
        # Read/write errors, protocol errors, a server closing mid-response.
        return FetchError("network_error", f"{type(exc).__name__}: {exc}", transient=True)
    return None


class HttpClient:
    def __init__(self, options: FetchOptions, guard: AddressGuard):
        self.options = options
        self.guard = guard
        self._origins = _Origins(options, guard)

    async def aclose(self) -> None:
        await self._origins.aclose()

    async def fetch(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        max_body_bytes: int | None = None,
        gate: HostGate | None = None,
        time_limit_s: float | None = None,
    ) -> FetchResult:
        """GET ``url``, following redirects under the guard; raises :class:`FetchError`.

        ``gate``, when given, is entered around each request of the redirect chain in turn.
        ``time_limit_s`` lowers the whole fetch's time limit (``total_timeout_s``).
        """
        limit_s = self.options.total_timeout_s
        if time_limit_s is not None:
            limit_s = min(limit_s, time_limit_s)
        clock: _Stopwatch | None = None
        try:
            async with asyncio.timeout(limit_s) as limit:
                clock = _Stopwatch(limit)
                return await self._fetch(url, headers or {}, max_body_bytes, clock, gate)
        except Exception as exc:
            error = _as_fetch_error(exc, url)
            if error is None:
                raise
            error.elapsed_ms = clock.elapsed_ms if clock is not None else 0.0
            if error is exc:
                raise
            raise error from None

    async def _fetch(
        self,
        url: str,
        headers: dict[str, str],
        max_body: int | None,
        clock: _Stopwatch,
        gate: HostGate | None,
    ) -> FetchResult:
        current = url
        hops: list[str] = []
        # Exact URLs, not normalised ones: a redirect that strips tracking parameters is not a loop.
        seen = {url.split("#", 1)[0]}
        async with AsyncExitStack() as held:  # the gate of the current hop
            while True:
                await self.guard.check(current)
                if gate is not None:
                    # Every hop waits for its host's turn, a same-host redirect included. The
                    # previous hop's gate is left first: a fetch never holds two slots, so sites
                    # redirecting to each other cannot deadlock.
                    await held.aclose()
                    async with clock.stopped():
                        await held.enter_async_context(gate(current))
                async with self._origins.client(current) as client:
                    request = client.build_request("GET", current, headers=headers)
                    response = await client.send(request, stream=True)
                    try:
                        location = response.headers.get("location")
                        if response.status_code in REDIRECT_STATUSES and location:
                            target = redirect_target(current, location, response.status_code)
                            self._check_redirect(target, response.status_code, seen, len(hops))
                            seen.add(target.split("#", 1)[0])
                            hops.append(current)
                            current = target
                            continue
                        return await self._read(response, url, current, hops, max_body, clock)
                    finally:
                        await response.aclose()

    def _check_redirect(self, target: str, status: int, seen: set[str], hops: int) -> None:
        """Raise unless a redirect to ``target`` may be followed (after ``hops`` already)."""
        if target.split("#", 1)[0] in seen:
            raise FetchError(
                "redirect_loop",
                f"redirect loop at {redact(target)}",
                transient=False,
                status=status,
            )
        if hops >= self.options.max_redirects:
            raise FetchError(
                "too_many_redirects",
                f"more than {self.options.max_redirects} redirects",
                transient=False,
                status=status,
            )

    async def _read(
        self,
        response: httpx.Response,
        requested: str,
        final: str,
        hops: list[str],
        max_body: int | None,
        clock: _Stopwatch,
    ) -> FetchResult:
        cap = self.options.max_body_bytes if max_body is None else max_body
        encoding = response.headers.get("content-encoding")
        try:
            decoder = BodyDecoder(encoding, self.options.max_decompressed_bytes)
        except FetchError as exc:
            exc.status = response.status_code
            raise
        wire = 0
        truncated = False
        async for chunk in response.aiter_raw(65536):
            if wire + len(chunk) > cap:
                chunk = chunk[: cap - wire]
                truncated = True
            wire += len(chunk)
            if not decoder.feed(chunk) or truncated:
                truncated = True
                # Leaving the stream unread closes the connection: the download stops here.
                break
        body = decoder.finish()
        headers = _header_dict(response.headers)
        if decoder.decodes:
            for name in _WIRE_HEADERS:
                value = headers.pop(name, None)
                if value is not None:
                    headers[f"x-newswire-wire-{name}"] = value
        return FetchResult(
            requested_url=requested,
            final_url=final,
            status=response.status_code,
            headers=headers,
            body=body,
            truncated=truncated or decoder.truncated,
            elapsed_ms=clock.elapsed_ms,
            redirects=tuple(hops),
            wire_bytes=wire,
        )
