"""``newswire pages show`` on the real broker: the latest record of a URL, body decoded."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswire.records import RawPage
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import url_id
from tests.support import produce, settings_env

URL = "https://news.example.cn/2025/12/01/pages-show.html"
OTHER = "https://news.example.cn/2025/12/01/other.html"
GBK_PAGE = "<html><head><title>旧版</title></head><body><p>第一次抓取：国务院常务会议。</p>"
NEW_PAGE = "<html><head><title>新版</title></head><body><p>第二次抓取：央行开展逆回购操作。</p>"


def page(url: str, html: str, fetched: datetime, *, truncated: bool = False) -> RawPage:
    return RawPage(
        url_id=url_id(url),
        requested_url=url.replace("https://", "http://"),
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=gbk", "etag": '"v2"'},
        content_type="text/html",
        body=html.encode("gbk"),
        truncated=truncated,
        fetched_at=fetched,
        site="portal",
    )


@pytest.fixture(scope="module")
def published(settings: Settings) -> RawPage:
    first = page(URL, GBK_PAGE, datetime(2025, 12, 1, 8, tzinfo=UTC))
    latest = page(URL, NEW_PAGE, datetime(2025, 12, 2, 8, tzinfo=UTC), truncated=True)
    other = page(OTHER, GBK_PAGE, datetime(2025, 12, 3, 8, tzinfo=UTC))
    records = [(p.url_id.encode(), p.to_bytes()) for p in (first, latest, other)]
    # Many records of other URLs after ours: the search must step back over windows.
    filler = page("https://news.example.cn/filler.html", "<p>x</p>", datetime.now(UTC))
    records += [(f"filler-{i}".encode(), filler.to_bytes()) for i in range(1200)]
    asyncio.run(produce(settings, topic_name(Topic.PAGES_RAW, settings), records))
    return latest


def newswire(settings: Settings, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "newswire", "pages", "show", *args],
        env=settings_env(settings),
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_show_prints_the_latest_fetch_with_the_body_decoded(
    settings: Settings, published: RawPage
) -> None:
    result = newswire(settings, URL)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert f"final_url:     {URL}" in out
    assert "status:        200" in out
    assert "truncated:     yes" in out
    assert '  etag: "v2"' in out
    assert "第二次抓取：央行开展逆回购操作。" in out  # the newest record, decoded from GBK
    assert "第一次抓取" not in out


def test_show_by_url_id_as_json(settings: Settings, published: RawPage) -> None:
    result = newswire(settings, published.url_id, "--json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["url_id"] == published.url_id and data["final_url"] == URL
    assert data["truncated"] is True and data["status"] == 200
    assert data["requested_url"] == URL.replace("https://", "http://")
    assert data["headers"]["content-type"] == "text/html; charset=gbk"
    assert "央行开展逆回购操作" in data["body"]


def test_raw_writes_the_exact_bytes(settings: Settings, published: RawPage, tmp_path: Path) -> None:
    target = tmp_path / "body.html"
    result = newswire(settings, URL, "--raw", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert target.read_bytes() == NEW_PAGE.encode("gbk") == published.body
    assert "央行" not in result.stdout.decode("utf-8", "replace")  # no body printed with --raw


def test_unknown_url_says_so(settings: Settings, published: RawPage) -> None:
    result = newswire(settings, "https://news.example.cn/never-fetched.html")
    assert result.returncode == 1
    assert b"no fetched page" in result.stderr
