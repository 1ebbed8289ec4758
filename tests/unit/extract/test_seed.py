"""The seed page in every layout and encoding gives every field exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from newswire.parser.extract import ExtractResult, extract
from newswire.parser.extract.version import EXTRACTOR_VERSION
from newswire.urls import url_id

pytestmark = pytest.mark.unit

HTML_LAYOUTS = [
    ("seed_cms.html", {"content-type": "text/html; charset=utf-8"}),
    ("seed_table_gbk.html", {"content-type": "text/html"}),  # charset only in <meta>: gb2312
    ("seed_table_gbk.html", None),
    ("seed_jsonld.html", {"Content-Type": "text/html"}),
    ("seed_mobile.html", None),
]
FIELDS = [
    "site",
    "lang",
    "page_type",
    "title",
    "section",
    "authors",
    "editor",
    "source",
    "views",
    "headings",
    "text",
]


def _run(fixtures, name: str, headers: dict[str, str] | None, url: str) -> ExtractResult:
    return extract((fixtures / name).read_bytes(), url, headers)


@pytest.mark.parametrize(("name", "headers"), HTML_LAYOUTS)
def test_seed_layouts_give_every_field(fixtures, seed_expected: dict[str, Any], name, headers):
    result = _run(fixtures, name, headers, seed_expected["url"])
    assert result.error is None
    article = result.article
    assert article is not None
    data = article.model_dump(mode="json")
    for field in FIELDS:
        assert data[field] == seed_expected[field], field
    assert data["published_at"] == seed_expected["published_at"]
    assert data["updated_at"] is None
    assert data["images"] == seed_expected["images"]
    assert data["related"] == seed_expected["related"]
    assert article.canonical_url == seed_expected["url"]
    assert article.id == url_id(seed_expected["url"])
    assert article.length == len(article.text)
    assert len(article.simhash) == 16 and len(article.content_hash) == 32
    assert article.warnings == []
    # The other-stories list: every story with its summary and time.
    by_url = {o.url: o.model_dump(mode="json") for o in article.outlinks}
    for story in seed_expected["stories"]:
        assert by_url[story["url"]] == story
    # Never the page itself, never off-site.
    assert seed_expected["url"] not in by_url
    assert all(o.url.startswith("https://news.example.cn/") for o in article.outlinks)


def test_body_excludes_furniture(fixtures, seed_expected):
    article = _run(fixtures, "seed_cms.html", None, seed_expected["url"]).article
    assert article is not None
    for junk in (
        "△",
        "总台记者",
        "更多阅读",
        "版权所有",
        "责任编辑",
        "现场直击",
        "0次浏览",
        "首页",
    ):
        assert junk not in article.text


def test_same_text_same_fingerprints_across_layouts(fixtures, seed_expected):
    hashes = set()
    for name, headers in HTML_LAYOUTS:
        article = _run(fixtures, name, headers, seed_expected["url"]).article
        assert article is not None
        hashes.add((article.content_hash, article.simhash))
    assert len(hashes) == 1


def test_seed_as_text_plain(fixtures, seed_expected):
    result = extract(
        (fixtures / "seed.txt").read_bytes(),
        seed_expected["url"],
        {"content-type": "text/plain; charset=utf-8"},
    )
    article = result.article
    assert article is not None
    data = article.model_dump(mode="json")
    for field in FIELDS:
        assert data[field] == seed_expected[field], field
    assert data["published_at"] == seed_expected["published_at"]
    assert article.extractor == "text-plain"
    # Text has no addresses: related titles, the photo's caption and the other-stories list
    # (headline, summary, time) with an empty url.
    assert [r["title"] for r in data["related"]] == [r["title"] for r in seed_expected["related"]]
    assert all(r["url"] == "" for r in data["related"])
    assert data["images"] == [{**img, "url": ""} for img in seed_expected["images"]]
    stories = [{**s, "url": ""} for s in seed_expected["stories"]]
    assert [{k: o[k] for k in stories[0]} for o in data["outlinks"]] == stories


def test_text_plain_sniffed_without_content_type(fixtures, seed_expected):
    article = extract((fixtures / "seed.txt").read_bytes(), seed_expected["url"]).article
    assert article is not None
    assert article.title == seed_expected["title"]
    assert article.text == seed_expected["text"]


def test_version_and_fetched_at(fixtures, seed_expected):
    fetched = datetime(2025, 3, 12, 1, 0, tzinfo=UTC)
    article = extract(
        (fixtures / "seed_cms.html").read_bytes(), seed_expected["url"], fetched_at=fetched
    ).article
    assert article is not None
    # Fetch time in ms, then the extractor version (parser/extract/version.py).
    assert article.version == int(fetched.timestamp() * 1000) * 1000 + EXTRACTOR_VERSION
    assert article.extractor_version == EXTRACTOR_VERSION
    assert article.fetched_at == fetched


def test_canonical_from_og_url_drops_tracking(fixtures, seed_expected):
    # seed_jsonld carries og:url with utm_source; the id is that of the clean URL.
    article = extract(
        (fixtures / "seed_jsonld.html").read_bytes(),
        seed_expected["url"] + "?utm_medium=feed",
    ).article
    assert article is not None
    assert article.canonical_url == seed_expected["url"]
    assert article.id == url_id(seed_expected["url"])
