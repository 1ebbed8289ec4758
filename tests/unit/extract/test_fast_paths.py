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

from newswire.parser.extract import content, date_choice, decode, dom, fingerprint, listing, media

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
    assert list(fingerprint._token_hashes(norm)) == _regex_hashes(text)


def test_token_hashes_match_the_regex_tokens_on_random_text():
    for text in _random_texts(3000):
        norm = unicodedata.normalize("NFKC", text).lower()
        assert list(fingerprint._token_hashes(norm)) == _regex_hashes(text), repr(text)


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


# --- content and field predicates: split or pre-filtered patterns ------------------------

# The patterns as they were, one alternation each (case-insensitive where they were).
_REF_CAPTION_TEXT = re.compile(
    r"^in this\b.{0,80}?\b(?:file )?(?:photo|image|picture|photograph|screenshot)\b"
    r"|[|/(—]\s*[^|/()]{0,40}\b(?:getty images|ap photo|afp|reuters|bloomberg|shutterstock|"
    r"istock(?:photo)?)\b[^()|]{0,30}\)?\s*$",
    re.I,
)
_REF_BOILER_ANYWHERE = re.compile(
    r"版权所有|all rights reserved|未经.{0,6}(?:许可|授权).{0,8}(?:转载|使用)|禁止转载|转载请注明|"
    r"(?:责任编辑|责编)\s*[:：]",
    re.I,
)
_REF_PROMO = re.compile(
    r"扫描.{0,12}二维码|扫码|长按识别|关注.{0,12}公众号|下载.{0,8}客户端|安装.{0,10}客户端|"
    r"技术支持\s*[:：]|ICP备|公网安备|【下载地址】",
    re.I,
)
_REF_LABEL_LINE = re.compile(
    r"发布时间|发表时间|发布日期|来源\s*[:：]|作者\s*[:：]|浏览|阅读\s*[:：]?\s*\d|\d+\s*次阅读|字号|"
    r"点击[:：]|访问量"
)

# Lines that hit (and nearly hit) each branch, with the characters case-insensitive
# matching folds in ("İ", "ı", "ſ", the Kelvin sign) and digits of other scripts.
_LINES = [
    "In this Dec. 12, 2006, file photo, a man walks",
    "ın thıs undated photo",
    "İN THIS PICTURE taken",
    "in this story there is no photo",
    "A nurse gives a flu shot (AP Photo/Jane Doe)",
    "Jane Doe | Bloomberg | Getty Images",
    "A scene — REUTERS/Jane Doe",
    "Photo: Jane Doe/ſhutterstock",
    "A crowd / iStockPhoto",
    "(AFP) said on Monday that the talks went on",
    "© 2024 Example. All rights reserved.",
    "ALL RIGHTS RESERVED",
    "all rightſ reſerved",
    "版权所有 © 新华网",
    "未经本网书面许可，不得转载使用",
    "未经许可 使用",
    "责任编辑：王婷婷",
    "责编 : 李",
    "扫描下方二维码关注我们",
    "长按识别 关注公众号",
    "京ICP备12345号",
    "京icp备12345号",
    "京ıcp备12345号",
    "京ICP 备12345号",
    "下载新华社客户端",
    "发布时间：2024-01-02 来源：新华网",
    "阅读：1234",
    "阅读 ３４",
    "1234 次阅读",
    "١٢ 次阅读",
    "次阅读",
    "Published Monday, November 18, 2019 8:22AM",
    "Updated ２０１９-11-18",
    "Nov 18",
    "no digits at all here",
    "",
]


def _all_lines() -> list[str]:
    return _LINES + _random_texts(3000) + [a + " " + b for a in _LINES for b in _LINES[::5]]


def test_split_patterns_match_the_single_alternations():
    for text in _all_lines():
        assert content.is_caption_text(text) == (_REF_CAPTION_TEXT.search(text) is not None), text
        assert content.boiler_anywhere(text) == (_REF_BOILER_ANYWHERE.search(text) is not None), (
            text
        )
        assert content.is_promo(text) == (_REF_PROMO.search(text) is not None), text
        label = content._LABEL_LINE.search(text) is not None or (
            "次阅读" in text and content._READ_COUNT.search(text) is not None
        )
        assert label == (_REF_LABEL_LINE.search(text) is not None), text


def test_date_patterns_never_match_without_a_digit():
    # is_date_line and the field stage's dates_in skip lines without a digit.
    for text in _all_lines():
        if content._DIGIT.search(text) is None:
            assert content._DATE_LINE.search(text) is None, text
            assert date_choice.DATE_CANDIDATE.search(text) is None, text
    for text in ("Jan 5", "5 de agosto de 2021", "2024年1月2日", "12:30", "Mar 5, 2025"):
        assert date_choice.DATE_CANDIDATE.search(text) or content._DATE_LINE.search(text)


def _ref_caption(b: dom.Block) -> bool:
    if b.el.tag == "figcaption":
        return True
    if b.text.startswith(content._CAPTION_START) and len(b.text) < 200:
        return True
    if len(b.text) < 400 and _REF_CAPTION_TEXT.search(b.text):
        return True
    cls = b.el.get("class") or ""
    return bool(cls) and content._CAPTION_CLASS.search(cls) is not None and len(b.text) < 300


def test_is_caption_matches_the_reference_order():
    tree = etree.fromstring(
        "<div><figcaption>x</figcaption><p class='Photo-Text'>x</p><p class='wp-caption'>x</p>"
        "<p class='body'>x</p><p>x</p></div>"
    )
    for el in tree:
        for text in [*_LINES, "△ 图为现场", "▲" + "长" * 250, "x" * 299, "x" * 300, "y" * 450]:
            b = dom.Block(el, text, 0, 0, False, False)
            assert content.is_caption(b) == _ref_caption(b), (el.get("class"), text)


def _ref_bylines(root: dom.Element) -> list[dom.Element]:
    out: list[dom.Element] = []
    for el in root.iter():
        tag = el.tag
        if tag == "a":
            rel = el.get("rel")
            if rel and "author" in rel:
                out.append(el)
        cls = el.get("class")
        if cls and any(w in cls.lower() for w in dom._BYLINE_WORDS):
            out.append(el)
        elif tag in dom._ITEMPROP_TAGS:
            prop = el.get("itemprop")
            if prop and "author" in prop:
                out.append(el)
        if len(out) >= dom.MAX_BYLINES:
            break
    return out[: dom.MAX_BYLINES]


@pytest.mark.parametrize("n", [0, 1, 5, 11, 12, 13, 30])
def test_iter_bylines_matches_the_list_pass(n):
    # Elements both rel and class mark come twice, and the cap counts both.
    items = "".join(
        f"<a rel='author' class='Byline'>{i}</a><span itemprop='author' class='x'>{i}</span>"
        f"<div class='WRITER'>{i}</div>"
        for i in range(n)
    )
    root = etree.fromstring(f"<html><body>{items}<p class='author'>z</p></body></html>")
    assert dom.bylines_of(root) == _ref_bylines(root)
    assert list(dom.iter_bylines(root)) == _ref_bylines(root)


def _ref_mark_teasers(root: dom.Element, blocks: list[dom.Block], anchors: list[dom.Anchor]):
    """mark_teasers as it was: every candidate item's text read, then grouped by parent."""
    from collections import Counter
    from itertools import chain as chain_all

    title_links = []
    for anchor in anchors:
        if len(anchor.text) > 300 or len(anchor.text.strip()) < 8:
            continue
        href = anchor.el.get("href")
        if href is None or content._BYLINE_HREF.search(href):
            continue
        tail = anchor.el.tail
        if tail and len(tail.strip()) >= 10:
            continue
        title_links.append((anchor, anchor.text.strip()))
    if len(title_links) < 3:
        return set()
    counts = Counter(chain_all.from_iterable(a.chain[:-1] for a, _ in title_links))
    by_parent: dict = {}
    for anchor, t in title_links:
        chain = anchor.chain
        i = len(chain) - 1
        while i > 0 and counts[chain[i - 1]] == 1 and chain[i - 1].tag not in ("body", "html"):
            i -= 1
        if i == len(chain) - 1 or i == 0:
            continue
        item, parent = chain[i], chain[i - 1]
        item_text = dom.norm_ws(dom.text_of(item))
        if len(item_text) > max(400, 4 * len(t)) and (
            len(item_text) > 800 or item.find(".//time") is None
        ):
            continue
        if not item_text.startswith(t[: min(len(t), 8)]) and item_text.find(t[:8]) > 12:
            continue
        by_parent.setdefault(parent, []).append(item)
    return {item for items in by_parent.values() if len(items) >= 3 for item in items}


def test_mark_teasers_reads_texts_of_possible_lists_only():
    card = "<li><a href='/s/{0}'>Headline number {0} here</a> <p>{1}</p></li>"
    lists = [
        "".join(card.format(i, "Summary.") for i in range(4)),  # a story list
        "".join(card.format(i, "Long. " * 100) for i in range(4)),  # items too long
        "".join(card.format(i, "Summary.") for i in range(2)),  # too few items
        "<li>Prefix text that runs on a while <a href='/s/9'>Headline late here</a></li>" * 3,
    ]
    html = "<html><body>" + "".join(f"<ul>{x}</ul>" for x in lists) + "</body></html>"
    page = dom.parse_html(html)
    assert page is not None
    linear = dom.blocks_of(page.root)
    expected = _ref_mark_teasers(page.root, linear.blocks, linear.anchors)
    texts: dict = {}
    assert content.mark_teasers(page.root, linear.blocks, linear.anchors, texts) == len(expected)
    assert len(expected) == 4
    assert {b.el for b in linear.blocks if b.teaser} <= {
        el for item in expected for el in item.iter()
    }
    # Only the items of parents with three or more candidates were read.
    assert len(texts) < sum(1 for a in linear.anchors)


def test_best_container_keeps_the_deepest_first_among_equal_scores():
    root = etree.fromstring(
        "<html><body><div><p>a</p></div><div><p>b</p></div><section><p>c</p></section>"
        "</body></html>"
    )
    ps = list(root.iter("p"))
    text = "A sentence of prose, long enough to count as such in the weights."
    blocks = [
        dom.Block(p, text, 0, 0, False, False, index=i, chain=content._chain_of(p))
        for i, p in enumerate(ps)
    ]
    # Three equal paragraphs: <body> holds them all and wins over each paragraph.
    assert content.best_container(blocks) is root.find("body")
    # One paragraph: it and its <div> score the same; the deepest (the paragraph) wins.
    assert content.best_container(blocks[:1]) is ps[0]


_LINES = [
    "版权所有 © 2024 某某网",
    "责任编辑：张三",
    "All rights reserved.",
    "扫描二维码关注公众号",
    "https://example.com/story",
    "This site requires JavaScript to run.",
    "A plain sentence of the body, with a comma.",
    "未经许可不得转载使用",
]


@pytest.mark.parametrize("text", _LINES + [t for t in _TEXTS if t])
def test_boiler_line_without_the_anywhere_search(text):
    # extract_content() skips the search only after boiler_anywhere() came out False.
    if not content.boiler_anywhere(text):
        assert content.is_boiler_line(text, False) == content.is_boiler_line(text)


def _plain_repeats(text: str, paragraphs: list[str]) -> bool:
    """_repeats() as it was: every paragraph counted before the verdict."""
    covered = sum(len(p) for p in paragraphs[:60] if len(p) >= 40 and p in text)
    return covered >= 0.7 * len(text)


def test_repeats_stops_early_with_the_same_verdict():
    rng = random.Random(11)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    for _ in range(300):
        paras = [
            " ".join(rng.choices(words, k=rng.randint(3, 20))) for _ in range(rng.randint(0, 70))
        ]
        text = " ".join(rng.sample(paras, k=min(len(paras), rng.randint(0, 8))))
        text += " " + " ".join(rng.choices(words, k=rng.randint(0, 60)))
        assert content._repeats(text, paras) == _plain_repeats(text, paras)
