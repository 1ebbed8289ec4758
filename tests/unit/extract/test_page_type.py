"""The page-type decision (short stories are articles) and the junk check, alone and in the
extractor."""

from __future__ import annotations

import base64
import random

import pytest

from newswire.parser.extract import extract
from newswire.parser.extract.page_type import PageEvidence, junk_reason, page_type
from tests import hostile_pages
from tests.unit.extract.conftest import FIXTURES

HTML = {"content-type": "text/html; charset=utf-8"}
#: No date in the path: the URL itself is no evidence of a story.
FLASH_URL = "https://kuaixun.example.cn/flash/{}.html"

SHORT_ZH = "国家统计局今日发布数据，11月份全国居民消费价格同比上涨0.2%，环比下降0.6%。"


def evidence(**overrides: object) -> PageEvidence:
    values: dict[str, object] = {
        "text": SHORT_ZH,
        "lang": "zh",
        "title": "国家统计局：11月CPI同比上涨0.2%",
        "headline_shown": True,
        "dated": True,
        "article_metadata": False,
        "teaser_items": 0,
        "links": 40,
    }
    values.update(overrides)
    return PageEvidence(**values)  # type: ignore[arg-type]


# --- the decision ---------------------------------------------------------------------------


def test_site_evidence_makes_any_page_with_headline_and_body_an_article() -> None:
    bare = {"headline_shown": False, "dated": False, "text": "央行开展逆回购操作。"}
    assert page_type(evidence(**bare)) != "article"
    assert page_type(evidence(**bare, site_says_article=True)) == "article"


def test_site_evidence_needs_a_headline_and_a_body() -> None:
    assert page_type(evidence(site_says_article=True, title=None, headline_shown=False)) != (
        "article"
    )
    assert page_type(evidence(site_says_article=True, text="", links=0)) == "other"


def test_short_story_with_article_structure_is_an_article_without_site_evidence() -> None:
    assert len(SHORT_ZH) < 150  # below the old length floor
    assert page_type(evidence()) == "article"


@pytest.mark.parametrize(
    "missing", [{"headline_shown": False}, {"dated": False}, {"text": "央行开展逆回购。"}]
)
def test_short_page_without_article_structure_is_not_an_article(missing: dict) -> None:
    assert page_type(evidence(**missing)) == "list"  # (40 links)
    assert page_type(evidence(**missing, links=3)) == "other"


def test_a_story_list_with_a_dated_heading_stays_a_list() -> None:
    assert page_type(evidence(teaser_items=8)) == "list"


def test_rules_force_the_type() -> None:
    assert page_type(evidence(forced="list", site_says_article=True)) == "list"


def test_long_pages_keep_their_length_rule() -> None:
    long_text = SHORT_ZH * 4
    assert page_type(evidence(text=long_text, headline_shown=False, dated=False)) == "article"
    # Many teasers make a long page a list when they are its body (see test_page_structure).
    in_body = {"teaser_items": 20, "teaser_chars_in_body": len(long_text)}
    assert page_type(evidence(text=long_text, headline_shown=False, **in_body)) == "list"


# --- junk -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("x" * 99_245, "one character repeated: 'x'"),
        ("a" * 2_000_000, "one character repeated: 'a'"),
        ("x" * 300, "one character repeated"),
        ("lorem ipsum dolor " * 500, "the same few characters repeated"),
        ("\ufffd\x01abc\x9f" * 100, "binary noise"),
        (base64.b64encode(random.Random(1).randbytes(3000)).decode(), "no words or sentences"),
    ],
)
def test_junk_is_named(text: str, says: str) -> None:
    reason = junk_reason(text)
    assert reason is not None and reason.startswith(says)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "xxx",
        SHORT_ZH,
        "The minister said on Tuesday that the budget would be published next week. " * 3,
        "记者 王婷婷 报道：" + "中国人民银行今日开展逆回购操作，流动性保持合理充裕。" * 30,
    ],
)
def test_text_is_not_junk(text: str) -> None:
    assert junk_reason(text) is None


def test_a_real_article_is_not_junk() -> None:
    # (The 1022 dev-data pages of bench/extract_quality.py, up to 30,000 characters each, give
    # no junk either: see the commit that added this check.)
    page = (FIXTURES / "seed_cms.html").read_bytes()
    article = extract(page, "https://news.example.cn/2025/03/12/ARTI1741711800.shtml", HTML).article
    assert article is not None and len(article.text) > 500
    assert junk_reason(article.text) is None


# --- in the extractor -----------------------------------------------------------------------


def test_flash_news_pages_are_articles_with_their_short_body() -> None:
    for number, (headline, body) in enumerate(hostile_pages.FLASH_NEWS):
        page = hostile_pages.flash_news_page(number)
        article = extract(page, FLASH_URL.format(number), HTML).article
        assert article is not None
        assert (article.page_type, article.title, article.text) == ("article", headline, body)
        assert len(body) < 100


def test_flash_news_without_structure_needs_the_sites_word() -> None:
    page = hostile_pages.flash_news_page(0, published=False, headline_element=False)
    alone = extract(page, FLASH_URL.format(0), HTML).article
    said = extract(page, FLASH_URL.format(0), HTML, url_is_article=True).article
    assert alone is not None and alone.page_type == "other"
    assert said is not None and said.page_type == "article"
    assert said.text == hostile_pages.FLASH_NEWS[0][1]


@pytest.mark.parametrize(
    "body",
    [
        hostile_pages.repeated_character(10 * 1024 * 1024),
        hostile_pages.repeated_character(40 * 1024 * 1024, b"a"),
        hostile_pages.binary_noise(200_000),
        hostile_pages.repeated_phrase(),
    ],
    ids=["x-10MB", "a-40MB", "noise", "phrase"],
)
def test_junk_bodies_are_refused_even_when_the_site_says_article(body: bytes) -> None:
    result = extract(body, FLASH_URL.format(1), HTML, url_is_article=True)
    assert result.article is None
    assert result.error is not None and result.error.startswith("not_an_article: ")
