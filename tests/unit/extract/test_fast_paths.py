"""The extraction engine's fast paths give exactly what the plain ways would.

Each test puts a fast path next to the slower reference it replaced (a regex per token, an
XPath function, a full-tree pass, a re-encode) on inputs chosen to hit its edge cases.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import UTC
from zlib import crc32

import pytest
from lxml import etree

from newswire.parser.extract import decode, dom, fingerprint, listing, media

pytestmark = pytest.mark.unit

_TEXTS = [
    "",
    " ",
    "plain ascii words, with punctuation: and_underscores-and-dashes 42",
    "“Curly quotes” — dashes… and\u00a0no-break\u2009spaces",
    "Äpfel, Öl und Straße: café naïve São Paulo",
    "Москва — столица России",
    "中文新闻 mixed with English 和数字 2024年",
    "カタカナ・ひらがな",
    "한국어 뉴스",
    "ﬁne ligatures, ① circled, Ｆｕｌｌｗｉｄｔｈ, ™ marks, ½ fractions",
    "İstanbul KELVIN \u212a sign",
    "lone \ud800 surrogate and \udfff another",
    "combining e\u0301 accents and \u0663 Arabic-Indic digit",
    "\x1c\x1d\x1e\x1f control separators\x85next line\u2028line sep",
    "The quick brown fox jumps over the lazy dog. " * 300,
]


def _regex_hashes(text: str) -> list[int]:
    """The token hashes the way they were computed before: a regex match per token."""
    norm = unicodedata.normalize("NFKC", text).lower()
    toks = fingerprint._TOKEN.findall(norm)[: fingerprint._MAX_FEATURES + fingerprint._SHINGLE]
    return list(map(crc32, map(str.encode, toks)))


def _random_texts(n: int) -> list[str]:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x20, 0x250)] + list(
        "\u2014\u2019\u201c\u00a0\u3000\u30fb\u4e2d\uac00\u0130\u212a\ufb01\u2460\uff21"
        "\ud800\u0307\u0663\u00bd\u2122_-\t\n"
    )
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(n)]


@pytest.mark.parametrize("text", _TEXTS)
def test_token_hashes_match_the_regex_tokens(text):
    norm = unicodedata.normalize("NFKC", text).lower()
    assert fingerprint._token_hashes(norm) == _regex_hashes(text)


def test_token_hashes_match_the_regex_tokens_on_random_text():
    for text in _random_texts(3000):
        norm = unicodedata.normalize("NFKC", text).lower()
        assert fingerprint._token_hashes(norm) == _regex_hashes(text), repr(text)


@pytest.mark.parametrize("text", _TEXTS)
def test_fingerprints_are_the_hash_and_simhash(text):
    assert fingerprint.fingerprints(text) == (
        fingerprint.content_hash(text),
        fingerprint.simhash(text),
    )


_PAGE = """<html><head><title>T</title><script>var s = '<b>x</b>';</script></head><body>
<div class="main" style="color: red">Intro &amp; more<!-- note --> text
  <p>First <a href="/a">link <b>bold</b></a> tail<br>after break<br/></p>
  <ul><li><a href="/b">Leaf link</a></li><li><a href=" /b ">Same link, spaced</a></li>
  <li><a href="/c"><span>Nested</span> <em>link</em></a> and <a>no href</a></li></ul>
  <div hidden>hidden small</div><div style="display: none">gone</div>
  <button>Share</button><dialog>Subscribe</dialog>
  <span style="visibility:hidden">invisible</span>
  <a href="/d">outer <a href="/e">inner</a> rest</a>
  <p>中文 <strong>加粗</strong> 文字</p><hr><table><tr><td>cell</td></tr></table>
</div></body></html>"""


def _root() -> dom.Element:
    page = dom.parse_html(_PAGE)
    assert page is not None
    return page.root


def test_text_of_is_xpath_string():
    string = etree.XPath("string()")
    for el in _root().iter():
        if isinstance(el.tag, str):
            assert dom.text_of(el) == str(string(el))


def test_clean_candidates_are_the_xpath_union():
    root = _root()
    union = etree.XPath("//button | //dialog | //*[@style or @hidden]")
    found = dom._clean_candidates(root)
    assert len(found) == len(set(found))
    assert set(found) == set(union(root))


_ATTRS = [
    "comment-list",
    "commentlist",
    "comments_area",
    "no-comments",
    "xcomments",
    "side-bar right",
    "side_bar",
    "hot-news",
    "hot--news",
    "ad",
    "ads-box",
    "head",
    "shadow",
    "Breadcrumb",
    "bread crumbs",
    "nav-main",
    "navigation",
    "post-12345 tag-foo",
    "most-read",
    "mostread",
    "tag-cloud x",
    "about-author",
    "author-bio",
    "bio\n",
    "x\u3000share",
    "CurPos",
    "dqwz",
    "my-location-box",
    "",
]


@pytest.mark.parametrize("words", _ATTRS)
def test_attribute_classification_matches_the_reference_patterns(words):
    low = words.lower()
    boiler = dom._BOILER_ATTR.search(low) is not None
    crumb = re.search(r"crumb|position|location|daohang|mbx|curpos|weizhi|dqwz", low) is not None
    dom._ATTR_CACHE.pop(words, None)
    assert dom._attr_kind(words) == (dom._IS_BOILER if boiler else 0) | (
        dom._IS_CRUMB if crumb else 0
    )
    assert dom.is_boiler_attr(words) == (bool(words) and boiler)


def test_walk_handles_childless_links_and_breaks_like_other_elements():
    root = _root()
    dom.clean(root)
    linear = dom.blocks_of(root)
    # The walk's anchors (childless ones taken inline) are the tree's links, same texts
    # and chains, in document order.
    from_tree = dom.anchors_of(root)
    assert [(a.el, a.text, a.chain) for a in linear.anchors] == [
        (a.el, a.text, a.chain) for a in from_tree
    ]
    texts = [b.text for b in linear.blocks]
    assert "First link bold tail" in texts and "after break" in texts
    first = linear.blocks[texts.index("First link bold tail")]
    assert first.link_chars == len("link") + len("bold")
    for b in linear.blocks:
        assert b.chain and b.chain[-1] is b.el and b.chain[0] is root


def test_walk_budget_counts_inline_elements_too(monkeypatch):
    root = _root()
    dom.clean(root)
    n_elements = sum(1 for _ in root.iter())
    full = dom.blocks_of(root)
    assert not full.truncated
    for limit in (1, 5, n_elements - 1, n_elements):
        monkeypatch.setattr(dom, "MAX_NODES", limit)
        linear = dom.blocks_of(root)
        # Every element, taken inline or not, counts once against the budget.
        assert linear.truncated == (limit < n_elements)
        assert [(a.el, a.text) for a in linear.anchors] == [(a.el, a.text) for a in full.anchors]
        if not linear.truncated:
            assert [b.text for b in linear.blocks] == [b.text for b in full.blocks]


@pytest.mark.parametrize(
    ("body", "utf8"),
    [
        (b"<p>plain ascii</p>", True),
        ("<p>caf\u00e9 \u4e2d\u6587</p>".encode(), True),
        (b"<p>bad \xff byte</p>", False),
        ('<meta charset="gbk"><p>\u4e2d\u6587</p>'.encode("gb18030"), False),
    ],
)
def test_decoded_utf8_is_the_text_encoded(body, utf8):
    decoded = decode.decode_body(body)
    if utf8:
        assert decoded.utf8 == decoded.text.encode("utf-8")
    else:
        assert decoded.utf8 is None


@pytest.mark.parametrize(
    "text",
    [_PAGE, '<?xml version="1.0"?>\n<html><body><p>x</p></body></html>', "  \n ", ""],
)
def test_parse_with_the_pages_own_bytes_gives_the_same_tree(text):
    with_bytes = dom.parse_html(text, text.encode("utf-8"))
    plain = dom.parse_html(text)
    if plain is None:
        assert with_bytes is None
        return
    assert with_bytes is not None
    assert etree.tostring(with_bytes.root) == etree.tostring(plain.root)


def test_images_without_captions_match_the_positional_pass():
    html = (
        "<div><p>a</p><img src='/1.jpg'><p><img data-src='/2.jpg' src='blank.gif'></p>"
        "<img src='/1.jpg'><img src='/x.gif' width='1'><picture><source srcset='/3.jpg 2x'>"
        "<img></picture><img srcset='/4.jpg 100w, /5.jpg 900w'></div>"
    )
    root = dom.parse_html(html)
    assert root is not None
    container = root.root.find(".//div")
    fast = media.images(container, [], "https://n.com/a/")
    # A caption outside the container takes the positional pass and places nothing.
    outside = dom.Block(root.root, "caption", 0, 0, False, False)
    slow = media.images(container, [outside], "https://n.com/a/")
    assert [i.url for i in fast] == [i.url for i in slow]
    assert [i.url for i in fast] == [
        "https://n.com/1.jpg",
        "https://n.com/2.jpg",
        "https://n.com/3.jpg",
        "https://n.com/5.jpg",
    ]


def test_outlinks_cache_by_raw_href_keeps_equal_links_together():
    root = _root()
    dom.clean(root)
    linear = dom.blocks_of(root)
    links, _ = listing.outlinks(root, "https://n.com/x", "https://n.com/x", UTC, None)
    same, _ = listing.outlinks(
        root, "https://n.com/x", "https://n.com/x", UTC, None, linear.anchors
    )
    assert [o.model_dump() for o in links] == [o.model_dump() for o in same]
    assert [o.url for o in links] == [
        "https://n.com/a",
        "https://n.com/b",
        "https://n.com/c",
        "https://n.com/d",
        "https://n.com/e",
    ]
