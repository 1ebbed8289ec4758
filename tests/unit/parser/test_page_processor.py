"""One pages.raw message in, encoded outputs out: the parser's decisions without Kafka."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswire.parser.page_processor import PageProcessor, ParserContext, process_message
from newswire.records import Article, CrawlRequest, RawPage
from newswire.settings import Settings
from newswire.sites import parse_sites
from newswire.urls import url_id

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "extract"
SEED_URL = "https://news.example.cn/2025/03/12/ARTI1741711800.shtml"


@pytest.fixture(scope="module")
def context() -> ParserContext:
    registry = parse_sites(
        """
sites:
  - name: portal
    hosts: [news.example.cn]
    start_urls: [https://news.example.cn/]
    article_patterns: ['/\\d{4}/\\d{2}/\\d{2}/ARTI\\w+\\.shtml$']
"""
    )
    return ParserContext(Settings(), registry)


def message(url: str, body: bytes, kind: str = "page", status: int = 200) -> bytes:
    return RawPage(
        url_id=url_id(url),
        requested_url=url,
        final_url=url,
        status=status,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body,
        kind=kind,  # type: ignore[arg-type]
        site="portal",
        fetched_at=datetime(2025, 6, 16, tzinfo=UTC),
    ).to_bytes()


def test_article_page_gives_the_encoded_article_and_its_links(context: ParserContext) -> None:
    result = process_message(message(SEED_URL, (FIXTURES / "seed_cms.html").read_bytes()), context)
    assert result.failure is None and result.kind == "article"
    article = Article.from_bytes(result.article or b"")
    assert article.id == result.article_id
    assert result.content_hash == f"{article.content_hash}@{article.extractor_version}"
    assert article.editor == "王婷婷" and article.site == "portal"
    assert result.url_id == url_id(SEED_URL)
    followed = [CrawlRequest.from_bytes(request) for _, request, _ in result.requests]
    assert followed and all(r.site == "portal" for r in followed)
    assert {key for key, _, _ in result.requests} == {b"news.example.cn"}


def test_feed_gives_crawl_requests_only(context: ParserContext) -> None:
    rss = (
        b"<rss version='2.0'><channel><title>x</title><item><title>t</title>"
        b"<link>https://news.example.cn/2025/03/12/ARTIfeed.shtml</link></item></channel></rss>"
    )
    result = process_message(message("https://news.example.cn/rss.xml", rss, "feed"), context)
    assert result.kind == "feed" and result.article is None
    assert [source for _, _, source in result.requests] == ["feed"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\x00 not a record", "undecodable"),
        (message(SEED_URL, b"\x89PNG\r\n\x1a\n" + bytes(200)), "binary_content"),
        (message(SEED_URL, b"<html></html>", status=404), "http_404"),
        (message("https://news.example.cn/rss.xml", b"garbage", "feed"), "bad_feed"),
    ],
)
def test_failures_carry_a_reason(context: ParserContext, value: bytes, reason: str) -> None:
    result = process_message(value, context)
    assert result.kind == "failed" and result.failure is not None
    assert result.failure[0] == reason
    assert result.article is None and result.requests == []


async def test_a_page_over_the_time_limit_is_an_extract_timeout(context: ParserContext) -> None:
    settings = Settings(extract_workers=1, extract_timeout_s=0.001)
    processor = PageProcessor(settings, context.registry)
    try:
        value = message(SEED_URL, (FIXTURES / "seed_cms.html").read_bytes())
        result = await processor.process(value)
    finally:
        processor.stop()
    assert result.kind == "failed" and result.failure is not None
    assert result.failure[0] == "extract_timeout"
    assert result.failure[1] == "no result after 0.001s"


def test_dedup_key_changes_with_the_extractor_version(
    context: ParserContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newswire.parser.extract import version

    page = message(SEED_URL, (FIXTURES / "seed_cms.html").read_bytes())
    before = process_message(page, context)
    monkeypatch.setattr(version, "EXTRACTOR_VERSION", version.EXTRACTOR_VERSION + 1)
    after = process_message(page, context)
    old, new = Article.from_bytes(before.article or b""), Article.from_bytes(after.article or b"")
    # Same text, so the same content hash; yet the parser lets the page through again...
    assert old.content_hash == new.content_hash
    assert before.content_hash != after.content_hash
    # ...and the new article outranks the old one in the index.
    assert new.version == old.version + 1
    assert new.extractor_version == old.extractor_version + 1
