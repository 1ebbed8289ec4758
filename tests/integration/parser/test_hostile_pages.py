"""The real parser on the real broker: every short story reaches `articles`, no junk body does.

Issue 13, points 3 and 4: flash news (快讯) of 70-100 characters was dropped as ``other``; a
10 MB truncated body of one repeated character and a 40 MB decompression-capped body of
``a`` became articles. Here the short stories arrive as articles, and the junk bodies become
dead letters with the reasons ``truncated_body`` and ``not_an_article``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswire.records import Article, DeadLetter, RawPage
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import url_id
from tests import hostile_pages
from tests.support import ServiceProcess, consume, produce

SITES_YAML = """
sites:
  - name: flash
    hosts: [flash.example.cn]
    lang: zh
    start_urls: [https://flash.example.cn/]
    article_patterns: ['/kuaixun/\\d+\\.html$']
"""
MB = 1024 * 1024

#: (url, body, truncated by the fetcher's cap, the dead letter's reason)
JUNK: list[tuple[str, bytes, bool, str]] = [
    ("kuaixun/900.html", hostile_pages.repeated_character(10 * MB), True, "truncated_body"),
    ("kuaixun/901.html", hostile_pages.repeated_character(40 * MB, b"a"), True, "truncated_body"),
    ("kuaixun/902.html", hostile_pages.capped_markup(10 * MB), True, "truncated_body"),
    ("kuaixun/903.html", hostile_pages.binary_noise(500_000), False, "not_an_article"),
    ("misc/904.html", hostile_pages.repeated_character(99_245), False, "not_an_article"),
    ("misc/905.html", hostile_pages.repeated_phrase(), False, "not_an_article"),
]


@pytest.fixture(scope="module")
def parser_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    sites = tmp_path_factory.mktemp("sites") / "sites.yaml"
    sites.write_text(SITES_YAML)
    return settings.model_copy(update={"seeds_file": sites})


def raw_page(path: str, body: bytes, *, truncated: bool = False) -> RawPage:
    url = f"https://flash.example.cn/{path}"
    return RawPage(
        url_id=url_id(url),
        requested_url=url,
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        content_type="text/html",
        body=body,
        truncated=truncated,
        fetched_at=datetime(2025, 12, 10, 8, 0, tzinfo=UTC),
        site="flash",
    )


async def test_short_stories_arrive_and_junk_bodies_are_dead_letters(
    parser_settings: Settings, tmp_path: Path
) -> None:
    stories = [
        # Half with a shown headline and a publish time, half with neither: the site's
        # article pattern is evidence enough.
        raw_page(
            f"kuaixun/{n}.html",
            hostile_pages.flash_news_page(n, published=n % 2 == 0, headline_element=n % 2 == 0),
        )
        for n in range(len(hostile_pages.FLASH_NEWS))
    ]
    junk = [raw_page(path, body, truncated=cut) for path, body, cut, _ in JUNK]
    # Error and login pages served with 200 (soft 404s): no article, no dead letter.
    soft_404s = [
        raw_page(f"kuaixun/{800 + n}.html", hostile_pages.error_page(n))
        for n in range(len(hostile_pages.ERROR_PAGES))
    ]
    pages = stories + soft_404s + junk
    await produce(
        parser_settings,
        topic_name(Topic.PAGES_RAW, parser_settings),
        [(p.url_id.encode(), p.to_bytes()) for p in pages],
    )

    with ServiceProcess(parser_settings, "parser", log_path=tmp_path / "parser.log") as worker:
        letters = await consume(
            parser_settings,
            topic_name(Topic.DEAD_LETTERS, parser_settings),
            until=len(junk),
            alive=worker.process,
        )
        assert len(letters) == len(junk), worker.log_tail()
        articles_topic = topic_name(Topic.ARTICLES, parser_settings)
        articles = await consume(
            parser_settings, articles_topic, until=len(stories), alive=worker.process
        )
        assert len(articles) >= len(stories), worker.log_tail()
        # One more than expected, briefly: a junk page that became an article would show.
        articles = await consume(parser_settings, articles_topic, until=len(stories) + 1, timeout=5)

    got = {Article.from_bytes(m.value).url: Article.from_bytes(m.value) for m in articles}
    assert set(got) == {p.final_url for p in stories}  # every story, no junk, no soft 404
    for n, page in enumerate(stories):
        headline, body = hostile_pages.FLASH_NEWS[n]
        article = got[page.final_url]
        assert (article.page_type, article.title, article.text) == ("article", headline, body)

    reasons = {DeadLetter.from_bytes(m.value).url: DeadLetter.from_bytes(m.value) for m in letters}
    assert {url: letter.reason for url, letter in reasons.items()} == {
        page.final_url: reason for page, (_, _, _, reason) in zip(junk, JUNK, strict=True)
    }
    assert all(letter.stage == "parse" for letter in reasons.values())
    assert "one character repeated" in reasons[junk[0].final_url].error
    assert "binary noise" in reasons[junk[3].final_url].error
