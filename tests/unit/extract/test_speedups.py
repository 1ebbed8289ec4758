"""The fast paths give what the plain ones would, and the English date/byline rules."""

from __future__ import annotations

import time

import pytest

from newswire.parser.extract import content, dom, extract, listing
from newswire.urls import normalize_url

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "url",
    [
        "https://a.com",
        "https://a.com/x?b=1&a=2",
        "https://a.com/x?a=1&b=2#frag",
        "https://a.com?a=1",
        "https://a.com/x?utm_source=feed",
        "https://a.com/x?a=%41",
        "https://a.com/x?a=b=c",
        "https://A.com/x?a=1",
        "https://a.com/x?",
        "https://a.com/p/a%20b.html#top",
    ],
)
def test_fast_normalize_matches_normalize_url(url):
    assert listing.fast_normalize(url) == normalize_url(url)


def test_walk_records_anchor_texts_and_chains():
    page = dom.parse_html(
        "<html><body><div class='x'><p>Hi <a href='/a'>one <b>two</b></a> tail</p>"
        "<a href='/b'><div>block</div> link</a></div></body></html>"
    )
    assert page is not None
    linear = dom.blocks_of(page.root)
    got = [(a.el.get("href"), a.text, a.chain[-1] is a.el) for a in linear.anchors]
    assert got == [("/a", "one two", True), ("/b", "block link", True)]
    assert [a.text for a in dom.anchors_of(page.root)] == ["one two", "block link"]
    for b in linear.blocks:
        assert b.chain[-1] is b.el and b.chain[0] is page.root


def test_date_line_regex_is_linear_on_long_lines():
    line = "1 " * 40 + "x"
    started = time.perf_counter()
    assert not content.is_date_line(line[:80])
    assert time.perf_counter() - started < 0.05
    assert content.is_date_line("Published Monday, November 18, 2019 8:22AM")
    assert content.is_date_line("November 20, 2019 - 11:28 AMT")


_BODY = "<p>" + "The council voted on the plan after a long debate about costs. " * 6 + "</p>"


def _page(head: str, meta: str = "") -> bytes:
    return (
        f"<html><head><title>Plan passes</title>{meta}</head><body><article>"
        f"<h1>Plan passes</h1>{head}{_BODY}{_BODY}</article></body></html>"
    ).encode()


def test_shown_date_wins_over_hidden_metadata_date():
    meta = '<meta property="article:published_time" content="2024-01-05T10:00:00Z">'
    art = extract(_page("<div>March 3, 2025</div>", meta), "https://n.com/a").article
    assert art is not None and art.published_at is not None
    assert art.published_at.date().isoformat() == "2025-03-03"
    # The metadata's date printed too: the metadata stands.
    both = "<div>January 5, 2024</div><div>Updated March 3, 2025</div>"
    art = extract(_page(both, meta), "https://n.com/a").article
    assert art is not None and art.published_at.date().isoformat() == "2024-01-05"


def test_label_in_its_own_element_and_updated_only():
    art = extract(
        _page("<div><div>Last updated on:</div><div>October 1, 2025</div></div>"),
        "https://n.com/a",
    ).article
    assert art is not None
    assert art.updated_at is not None and art.updated_at.date().isoformat() == "2025-10-01"
    assert art.published_at == art.updated_at


def test_author_from_profile_link_and_written_by_label():
    art = extract(
        _page('<div><a href="/authors/jane-doe">Jane Doe</a></div>'), "https://n.com/a"
    ).article
    assert art is not None and art.authors == ["Jane Doe"]
    art = extract(_page("<div><p>Written by</p><p>John Roe</p></div>"), "https://n.com/a").article
    assert art is not None and art.authors == ["John Roe"]
    art = extract(
        _page('<div class="author-name">Ann Poe - Editorial Team</div>'), "https://n.com/a"
    ).article
    assert art is not None and art.authors == ["Ann Poe"]
