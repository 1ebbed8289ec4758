"""The HTTP client against a real local server on 127.0.0.1 (loopback only)."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import ipaddress
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest

from newswire.fetcher.address_guard import AddressGuard, IPAddress, Resolver
from newswire.fetcher.http_client import (
    BodyDecoder,
    BoundedCookieJar,
    FetchError,
    FetchOptions,
    HttpClient,
    content_coding,
    redirect_target,
)
from newswire.urls import host_of
from tests.integration.fetcher.local_site import GBK_PAGE, LocalSite, article_html, cookies_sent

pytestmark = pytest.mark.unit


@pytest.fixture
async def site() -> AsyncIterator[LocalSite]:
    site = await LocalSite().start()
    yield site
    await site.stop()


def make_client(**overrides: object) -> HttpClient:
    options = FetchOptions(user_agent="newswire-test/1.0 (+http://127.0.0.1/)", timeout_s=5)
    return HttpClient(replace(options, **overrides), AddressGuard(["127.0.0.1"]))


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    client = make_client()
    yield client
    await client.aclose()


class Trap:
    """A loopback server that only counts connections: what must never be reached."""

    def __init__(self) -> None:
        self.connections = 0
        self.port = 9  # unbound: nothing can connect
        self._server: asyncio.Server | None = None

    def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()

    async def start(self, host: str, port: int = 0) -> Trap:
        self._server = await asyncio.start_server(self._on_connect, host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def test_fetch_returns_exact_bytes_and_headers(site: LocalSite, client: HttpClient) -> None:
    result = await client.fetch(site.url("/article/7"))
    assert result.status == 200
    assert result.body == article_html(7)
    assert result.final_url == site.url("/article/7")
    assert result.content_type and result.content_type.startswith("text/html")
    assert not result.truncated
    assert site.hits("/article/7")[0].headers["User-Agent"].startswith("newswire-test/1.0")


async def test_gbk_page_bytes_untouched(site: LocalSite, client: HttpClient) -> None:
    result = await client.fetch(site.url("/gbk"))
    assert result.body == GBK_PAGE
    assert "gbk" in result.headers["content-type"].lower()


async def test_gzip_is_decoded_and_wire_headers_moved(site: LocalSite, client: HttpClient) -> None:
    result = await client.fetch(site.url("/gzip"))
    assert result.body == article_html("gzip")
    assert "content-encoding" not in result.headers
    assert result.headers["x-newswire-wire-content-encoding"] == "gzip"


async def test_redirect_chain_records_final_url(site: LocalSite, client: HttpClient) -> None:
    result = await client.fetch(site.url("/redirect/5"))
    assert result.status == 200
    assert result.final_url == site.url("/article/redirected")
    assert len(result.redirects) == 5


async def test_more_than_five_redirects_fails(site: LocalSite, client: HttpClient) -> None:
    with pytest.raises(FetchError) as err:
        await client.fetch(site.url("/redirect/6"))
    assert err.value.reason == "too_many_redirects"
    assert not err.value.transient
    assert "/article/redirected" not in site.paths()


async def test_redirect_loop_detected(site: LocalSite, client: HttpClient) -> None:
    with pytest.raises(FetchError) as err:
        await client.fetch(site.url("/loop/a"))
    assert err.value.reason == "redirect_loop"
    assert site.paths() == ["/loop/a", "/loop/b"]


async def test_redirect_to_other_loopback_refused_before_connecting(
    site: LocalSite, client: HttpClient
) -> None:
    trap = await Trap().start("127.0.0.2")
    try:
        with pytest.raises(FetchError) as err:
            await client.fetch(site.url(f"/redirect-to?url=http://127.0.0.2:{trap.port}/x"))
        assert err.value.reason == "address_refused"
        await asyncio.sleep(0.05)
        assert trap.connections == 0
    finally:
        await trap.stop()


async def test_redirect_to_ipv6_loopback_refused_before_connecting(
    site: LocalSite, client: HttpClient
) -> None:
    trap = Trap()
    if socket.has_ipv6:
        with contextlib.suppress(OSError):  # no IPv6 loopback here: the guard is still tested
            await trap.start("::1")
    try:
        with pytest.raises(FetchError) as err:
            await client.fetch(site.url(f"/redirect-to?url=http://[::1]:{trap.port}/x"))
        assert err.value.reason == "address_refused"
        await asyncio.sleep(0.05)
        assert trap.connections == 0
    finally:
        await trap.stop()


async def test_redirect_to_non_http_scheme_refused(site: LocalSite, client: HttpClient) -> None:
    with pytest.raises(FetchError) as err:
        await client.fetch(site.url("/redirect-to?url=file:///etc/passwd"))
    assert err.value.reason == "scheme_refused"


async def test_endless_body_stops_at_cap(site: LocalSite) -> None:
    client = make_client(max_body_bytes=1024 * 1024)
    try:
        result = await client.fetch(site.url("/endless"))
    finally:
        await client.aclose()
    assert result.truncated
    assert len(result.body) == 1024 * 1024
    await asyncio.sleep(0.2)
    sent = site.endless_bytes_sent
    await asyncio.sleep(0.2)
    # The server stopped writing: the connection was closed at the cap.
    assert site.endless_bytes_sent == sent


async def test_compression_bomb_capped(site: LocalSite) -> None:
    client = make_client(max_decompressed_bytes=2 * 1024 * 1024)
    try:
        result = await client.fetch(site.url("/bomb"))
    finally:
        await client.aclose()
    assert result.truncated
    assert len(result.body) == 2 * 1024 * 1024


async def test_http_errors_are_results(site: LocalSite, client: HttpClient) -> None:
    result = await client.fetch(site.url("/nope"))
    assert result.status == 404


async def test_read_timeout_is_transient(site: LocalSite) -> None:
    client = make_client(timeout_s=0.2)
    try:
        with pytest.raises(FetchError) as err:
            await client.fetch(site.url("/slow?d=2"))
    finally:
        await client.aclose()
    assert err.value.reason == "timeout"
    assert err.value.transient


async def test_connection_refused_is_transient(client: HttpClient) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(FetchError) as err:
        await client.fetch(f"http://127.0.0.1:{port}/")
    assert err.value.reason == "connect_error"
    assert err.value.transient


def test_body_decoder_raw_deflate_fallback() -> None:
    import zlib

    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    data = raw.compress(b"hello deflate") + raw.flush()
    decoder = BodyDecoder("deflate", 1000)
    assert decoder.feed(data)
    assert decoder.finish() == b"hello deflate"


def test_body_decoder_identity_cap() -> None:
    decoder = BodyDecoder(None, 5)
    assert not decoder.feed(b"0123456789")
    assert decoder.finish() == b"01234"
    assert decoder.truncated


async def test_one_small_pool_per_origin_bounded_by_max_connections() -> None:
    sites = [await LocalSite().start() for _ in range(3)]
    client = make_client(max_connections=2)
    try:
        for site in sites:
            assert (await client.fetch(site.url("/article/1"))).status == 200
        assert len(client._origins._clients) == 2  # the least recently used one was closed
        assert (await client.fetch(sites[0].url("/article/2"))).status == 200
    finally:
        await client.aclose()
        for site in sites:
            await site.stop()


def scripted_resolver(answers: list[str]) -> tuple[Resolver, list[str]]:
    """A resolver that gives the next scripted answer on each call (all loopback addresses)."""
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return [ipaddress.ip_address(answers[min(len(asked), len(answers)) - 1])]

    return resolve, asked


async def test_a_name_is_connected_to_the_address_the_guard_approved(site: LocalSite) -> None:
    # `news.test` exists only in this resolver: the connection cannot have asked DNS itself.
    resolve, asked = scripted_resolver(["127.0.0.1"])
    client = HttpClient(
        FetchOptions(user_agent="newswire-test/1.0", timeout_s=5),
        AddressGuard(["127.0.0.1"], resolver=resolve),
    )
    try:
        result = await client.fetch(f"http://news.test:{site.port}/article/3")
    finally:
        await client.aclose()
    assert result.status == 200
    assert result.body == article_html(3)
    assert site.hits("/article/3")[0].headers["Host"] == f"news.test:{site.port}"
    assert asked == ["news.test"]  # one resolution, cached, served both the check and connect


async def test_dns_rebinding_cannot_reach_an_address_the_guard_never_approved(
    site: LocalSite,
) -> None:
    """The name resolves to an allowed address for the check, then to a refused one."""
    # 127.0.0.2 plays the internal service the rebinding aims at (loopback, never allowed).
    trap = await Trap().start("127.0.0.2", site.port)
    resolve, asked = scripted_resolver(["127.0.0.1", "127.0.0.2"])
    # No caching, so the second answer is what a connection resolving on its own would get.
    guard = AddressGuard(["127.0.0.1"], resolver=resolve, cache_ttl_s=0)
    client = HttpClient(FetchOptions(user_agent="newswire-test/1.0", timeout_s=5), guard)
    try:
        with pytest.raises(FetchError) as err:
            await client.fetch(f"http://rebind.test:{site.port}/article/4")
        assert err.value.reason == "address_refused"
        assert "127.0.0.2" in str(err.value)
        await asyncio.sleep(0.05)
        assert trap.connections == 0
        assert site.hits("/article/4") == []
        assert asked == ["rebind.test", "rebind.test"]  # checked again at connect time
    finally:
        await client.aclose()
        await trap.stop()


async def test_the_gate_is_entered_for_every_hop_one_at_a_time_along_a_redirect_chain(
    site: LocalSite, client: HttpClient
) -> None:
    other = await LocalSite().start()
    events: list[str] = []

    @asynccontextmanager
    async def gate(url: str) -> AsyncIterator[None]:
        host = host_of(url)
        events.append(f"enter {host}")
        try:
            yield
        finally:
            events.append(f"leave {host}")

    try:
        # site -> other/redirect/2 -> other/redirect/1 -> other/article/redirected
        start = site.url(f"/redirect-to?url={other.url('/redirect/2')}")
        result = await client.fetch(start, gate=gate)
    finally:
        await other.stop()
    assert result.final_url == other.url("/article/redirected")
    a, b = host_of(site.base), host_of(other.base)
    # Each request waits at the gate, the same-host hops too (each pays the host's pacing),
    # and the previous hop's gate is left before the next one is entered.
    assert events == [
        f"enter {a}",
        f"leave {a}",
        *[f"enter {b}", f"leave {b}"] * 3,  # other/redirect/2, /redirect/1, /article/redirected
    ]


async def test_waiting_at_the_gate_counts_neither_against_the_time_limit_nor_as_latency(
    site: LocalSite,
) -> None:
    """A request queued behind a host's Crawl-delay has not started fetching yet."""

    @asynccontextmanager
    async def slow_gate(url: str) -> AsyncIterator[None]:
        await asyncio.sleep(0.6)  # longer than the whole fetch may take
        yield

    client = make_client(total_timeout_s=0.4)
    try:
        result = await client.fetch(site.url("/article/8"), gate=slow_gate)
        assert result.status == 200
        assert result.elapsed_ms < 400
        # The limit still holds for the fetch itself.
        with pytest.raises(FetchError) as err:
            await client.fetch(site.url("/slow?d=2"), gate=slow_gate)
        assert err.value.reason == "timeout"
    finally:
        await client.aclose()


def test_a_decompression_bomb_is_held_once_at_its_cap_never_inflated_past_it() -> None:
    """64 KB of a bomb inflate to 64 MB: the decoder must never hold that, nor copies of the
    capped body (it used to: the whole inflated chunk, its cut, the buffer and a final copy)."""
    import tracemalloc
    import zlib

    mib = 1024 * 1024
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(packer.compress(bytes(mib)) for _ in range(100)) + packer.flush()
    limit = 20 * mib
    tracemalloc.start()
    try:
        decoder = BodyDecoder("gzip", limit)
        for start in range(0, len(bomb), 65536):
            if not decoder.feed(bomb[start : start + 65536]):
                break
        body = decoder.finish()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert decoder.truncated and len(body) == limit and body.count(0) == limit
    assert peak < 1.4 * limit, peak / mib


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://127.0.0.1:99999/x", "bad_redirect"),  # port out of range
        ("http://[::1/x", "bad_redirect"),  # broken IPv6 literal
        ("https:///no-host", "bad_redirect"),
        ("ftp://127.0.0.1/x", "scheme_refused"),
        ("javascript:alert(1)", "scheme_refused"),
    ],
)
def test_an_unusable_location_is_a_permanent_failure(location: str, reason: str) -> None:
    with pytest.raises(FetchError) as err:
        redirect_target("http://127.0.0.1:8080/a/b", location, 302)
    assert err.value.reason == reason
    assert not err.value.transient
    assert err.value.status == 302


def test_a_relative_location_is_joined_to_the_current_url() -> None:
    assert redirect_target("http://127.0.0.1:8080/a/b", " ../c?d=1 ", 301) == (
        "http://127.0.0.1:8080/c?d=1"
    )


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        (None, "identity"),
        ("identity", "identity"),
        ("GZIP", "gzip"),
        ("x-gzip", "x-gzip"),
        ("identity, deflate", "deflate"),
        ("utf-8", "identity"),  # a misconfigured server's nonsense: ignored, as browsers do
    ],
)
def test_the_coding_to_undo(header: str | None, coding: str) -> None:
    assert content_coding(header) == coding


@pytest.mark.parametrize("header", ["br", "zstd", "gzip, gzip", "deflate, br", "compress"])
def test_a_coding_we_cannot_undo_is_a_permanent_failure(header: str) -> None:
    with pytest.raises(FetchError) as err:
        content_coding(header)
    assert err.value.reason == "unsupported_encoding" and not err.value.transient


async def test_a_body_in_a_coding_we_did_not_offer_is_not_returned(
    site: LocalSite, client: HttpClient
) -> None:
    with pytest.raises(FetchError) as err:
        await client.fetch(site.url("/encoded?as=br"))
    assert err.value.reason == "unsupported_encoding"
    assert err.value.status == 200
    result = await client.fetch(site.url("/encoded?as=gzip"))
    assert result.body == article_html("encoded")


async def test_a_broken_location_is_refused_before_httpx_reads_it(
    site: LocalSite, client: HttpClient
) -> None:
    for target in ("http://127.0.0.1:99999/x", "http://[::1/x"):
        with pytest.raises(FetchError) as err:
            await client.fetch(site.url(f"/bad-location?to={target}"))
        assert err.value.reason == "bad_redirect" and not err.value.transient


def cookie(name: str, value: str = "v") -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        "a.example",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


def test_a_full_cookie_jar_updates_its_cookies_and_takes_no_new_ones() -> None:
    jar = BoundedCookieJar()
    jar.set_cookie(cookie("session"))
    for i in range(100):
        jar.set_cookie(cookie(f"junk{i}"))
        jar.set_cookie(cookie("session", f"v{i}"))  # the site keeps its session fresh
    held = {c.name: c.value for c in jar}
    assert len(held) == BoundedCookieJar.MAX_COOKIES
    assert held["session"] == "v99" and "junk48" in held and "junk49" not in held
    jar.clear("a.example", "/", "junk0")  # one goes (expired, deleted by the site) ...
    jar.set_cookie(cookie("late"))  # ... and makes room for one
    assert "late" in {c.name for c in jar}
    jar.clear("a.example", "/", "junk1")
    jar.set_cookie(cookie("huge", "x" * 5000))  # past RFC 6265's 4096 bytes: not kept
    assert "huge" not in {c.name for c in jar}


async def test_a_site_setting_endless_cookies_gets_back_at_most_50(
    site: LocalSite, client: HttpClient
) -> None:
    for _ in range(5):
        await client.fetch(site.url("/cookie-storm"))
    sent = [cookies_sent(r) for r in site.hits("/cookie-storm")]
    assert sent[0] == []
    assert all(0 < len(names) <= BoundedCookieJar.MAX_COOKIES for names in sent[1:])
    assert all("session" in names for names in sent[1:])
