"""The offline demo site: serves the seed page and friends on loopback, conditionally."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from newswire.fetcher.address_guard import AddressGuard
from newswire.fetcher.demo_site import demo_root, make_app
from newswire.fetcher.http_client import FetchOptions, HttpClient
from newswire.fetcher.robots import rules_from_response
from newswire.settings import REPO_ROOT
from newswire.sites import load_sites

pytestmark = pytest.mark.unit

SEED_PAGE = "/2025/03/12/ARTIpaMjr4QQ0nS2xk4TcSaYt250312.shtml"


@pytest.fixture
async def demo() -> AsyncIterator[tuple[str, HttpClient]]:
    runner = web.AppRunner(make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    client = HttpClient(FetchOptions(user_agent="newswire-test/1"), AddressGuard(["127.0.0.1"]))
    yield base, client
    await client.aclose()
    await runner.cleanup()


async def test_seed_page_rendering_has_every_part(demo: tuple[str, HttpClient]) -> None:
    base, client = demo
    result = await client.fetch(base + SEED_PAGE)
    assert result.status == 200 and result.content_type == "text/html"
    html = result.body.decode("utf-8")
    for part in (
        '首页</a> &gt; <a href="/world/">实时讯息</a>',
        "法国组织召开军方首脑会议 30余国讨论向乌派兵",
        "0</em>次浏览",
        "发布时间:2025-03-12 00:50:00",
        "△法国总统马克龙出席会议并欢迎各国军方代表",
        "美国未获邀参会 法国官员:欧洲想证明自己能力",
        "俄方:北约在乌克兰驻军不可接受",
        "(总台记者 马瑾瑾)",
        "更多阅读",
        "©2025中央广播电视总台版权所有。未经许可,请勿转载使用。",
        "责任编辑:王婷婷",
        "现场直击|“不要国王”抗议在美国多地举行",
        "2025-06-07 19:35:00",
    ):
        assert part in html, part


async def test_every_link_of_the_demo_resolves_and_matches_demo_yaml(
    demo: tuple[str, HttpClient],
) -> None:
    import re

    base, client = demo
    sites = load_sites(REPO_ROOT / "seeds" / "demo.yaml")
    (site,) = list(sites)
    home = (await client.fetch(base + "/world/")).body.decode()
    links = set(re.findall(r'href="(/\d{4}/[^"]+)"', home))
    assert len(links) == 12
    for link in links:
        result = await client.fetch(base + link)
        assert result.status == 200, link
        assert site.classify("http://127.0.0.1:8088" + link) == "article"
    assert site.classify("http://127.0.0.1:8088/world/") == "list"
    gbk = await client.fetch(base + "/2025/06/12/ARTIdk3DenmarkDefence7Qz250612.shtml")
    assert "丹麦".encode("gbk") in gbk.body


async def test_feed_sitemap_robots_use_the_served_address(demo: tuple[str, HttpClient]) -> None:
    base, client = demo
    for path in ("/rss.xml", "/sitemap.xml", "/robots.txt"):
        body = (await client.fetch(base + path)).body
        assert base.encode() in body and b"127.0.0.1:8088" not in body, path
    robots = await client.fetch(base + "/robots.txt")
    rules = rules_from_response(200, robots.body, now=0, ttl_s=1, error_ttl_s=1)
    assert not rules.allowed(base + "/private/draft-1.shtml", "newswire")
    assert rules.allowed(base + SEED_PAGE, "newswire")
    assert rules.sitemaps == [base + "/sitemap.xml"]


async def test_conditional_requests_and_no_escape(demo: tuple[str, HttpClient]) -> None:
    base, client = demo
    first = await client.fetch(base + "/rss.xml")
    again = await client.fetch(base + "/rss.xml", {"If-None-Match": first.headers["etag"]})
    assert again.status == 304
    page = await client.fetch(base + "/world/")
    assert "last-modified" in page.headers
    assert (await client.fetch(base + "/../pyproject.toml")).status == 404
    assert (await client.fetch(base + "/%2e%2e/pyproject.toml")).status == 404


def test_demo_root_is_beside_the_seeds_file(tmp_path: Path) -> None:
    # In the Docker image the package is installed far from seeds/ (/app/seeds/sites.yaml).
    assert demo_root(REPO_ROOT / "seeds" / "sites.yaml") == REPO_ROOT / "seeds" / "demo"
    assert demo_root(Path("/app/seeds/sites.yaml")) == Path("/app/seeds/demo")
