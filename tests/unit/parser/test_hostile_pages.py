"""Short stories and junk bodies through the parser's decision (issue 13, points 3 and 4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.page_processor import ParserContext, process_message
from newswire.records import Article, RawPage
from newswire.settings import Settings
from newswire.sites import parse_sites
from newswire.urls import url_id
from tests import hostile_pages

#: The site's article pattern matches /kuaixun/NNN.html; /misc/ pages have no pattern.
FLASH = "https://flash.example.cn/kuaixun/{}.html"
MISC = "https://flash.example.cn/misc/{}.html"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def context() -> ParserContext:
    registry = parse_sites(
        """
sites:
  - name: flash
    hosts: [flash.example.cn]
    start_urls: [https://flash.example.cn/]
    article_patterns: ['/kuaixun/\\d+\\.html$']
"""
    )
    return ParserContext(Settings(), registry)


def message(url: str, body: bytes, *, truncated: bool = False) -> bytes:
    return RawPage(
        url_id=url_id(url),
        requested_url=url,
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body,
        truncated=truncated,
        site="flash",
        fetched_at=datetime(2025, 12, 10, tzinfo=UTC),
    ).to_bytes()


def test_every_short_story_on_an_article_url_is_an_article(context: ParserContext) -> None:
    for number, (headline, body) in enumerate(hostile_pages.FLASH_NEWS):
        # Even without a shown headline or a publish time: the site's pattern says article.
        page = hostile_pages.flash_news_page(number, published=False, headline_element=False)
        result = process_message(message(FLASH.format(number), page), context)
        assert result.failure is None and result.kind == "article", (number, result)
        article = Article.from_bytes(result.article or b"")
        assert (article.title, article.text) == (headline, body)


def test_the_same_thin_page_elsewhere_on_the_site_is_not_an_article(
    context: ParserContext,
) -> None:
    page = hostile_pages.flash_news_page(0, published=False, headline_element=False)
    result = process_message(message(MISC.format(0), page), context)
    assert result.kind == "other" and result.article is None and result.failure is None


def test_a_short_story_with_article_structure_needs_no_pattern(context: ParserContext) -> None:
    result = process_message(message(MISC.format(1), hostile_pages.flash_news_page(1)), context)
    assert result.kind == "article"


@pytest.mark.parametrize(
    ("body", "truncated", "reason", "says"),
    [
        (hostile_pages.repeated_character(10 * MB), True, "truncated_body", "one character"),
        (hostile_pages.repeated_character(40 * MB, b"a"), True, "truncated_body", "one character"),
        (hostile_pages.capped_markup(10 * MB), True, "truncated_body", "no article"),
        (hostile_pages.binary_noise(300_000), False, "not_an_article", "binary noise"),
        (hostile_pages.repeated_character(99_245), False, "not_an_article", "one character"),
        (hostile_pages.repeated_phrase(), False, "not_an_article", "the same few characters"),
    ],
    ids=["x-10MB-capped", "a-40MB-capped", "markup-capped", "noise", "x", "phrase"],
)
def test_junk_bodies_are_dead_letters_with_a_reason(
    context: ParserContext, body: bytes, truncated: bool, reason: str, says: str
) -> None:
    # On an article URL, where the site's word would make any headline and body an article.
    result = process_message(message(FLASH.format(7), body, truncated=truncated), context)
    assert result.kind == "failed" and result.article is None
    assert result.failure is not None and result.failure[0] == reason
    assert says in result.failure[1]


def test_a_capped_article_is_still_an_article(context: ParserContext) -> None:
    page = hostile_pages.flash_news_page(2)
    result = process_message(message(FLASH.format(2), page, truncated=True), context)
    assert result.kind == "article" and result.failure is None


@pytest.mark.parametrize("number", range(len(hostile_pages.ERROR_PAGES)))
def test_a_soft_404_or_login_wall_on_an_article_url_is_not_an_article(
    context: ParserContext, number: int
) -> None:
    # A headline and a line of text on a URL the site's pattern calls an article: all a
    # short story needs, but the page says the story is not there.
    page = hostile_pages.error_page(number)
    result = process_message(message(FLASH.format(100 + number), page), context)
    assert result.kind == "other" and result.article is None, result
