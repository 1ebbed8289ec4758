"""More fast paths of the extraction engine, each next to the plain way it replaced.

Single-spacing checks that skip a split and join, ASCII-only fast paths of
case-insensitive patterns, substring tests before label patterns, and shortcuts for URLs
and image positions. Edge cases are the characters where the shortcut's reasoning could
fail: whitespace other than spaces, zero-width spaces, and the non-ASCII characters that
case-insensitive matching folds onto ASCII letters ("İ", "ı", "ſ", the Kelvin sign).
"""

from __future__ import annotations

import dataclasses
import random
import re
import sys
from collections import Counter
from urllib.parse import urljoin

import pytest
from lxml import etree

from newswire.parser.extract import (
    content,
    date_choice,
    dom,
    fingerprint,
    listing,
    media,
    sections,
    zh_labels,
)
from newswire.parser.extract.titles import has_match_key, match_key
from newswire.urls import normalize_url

pytestmark = pytest.mark.unit

_RNG_ALPHABET = [chr(c) for c in range(0x20, 0x180)] + list(
    "\u00a0\u3000\u200b\ufeff\u2028\u0130\u0131\u017f\u212a\u00a8\u00ad\t\n\r\x0b\x0c\x1c\x85"
    "中文编来源出处稿源阅浏点播首页位置当前您的你所在主网>/：:·|"
)


def _random_texts(n: int, seed: int = 3, longest: int = 80) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(_RNG_ALPHABET) for _ in range(rng.randint(0, longest))) for _ in range(n)
    ]


# --- single spacing --------------------------------------------------------------------

_WS_TEXTS = [
    "",
    " ",
    "plain words",
    "a  b",
    " leading",
    "trailing ",
    "a\u00a0b",
    "a\u3000b",
    "a\u200bb",
    "\ufeffx",
    "x\n\ny",
    "x\n\n\ny",
    "x \n\ny",
    "a\tb",
    "a\x1cb",
    "a\u2028b",
    "a\x85b",
    "\u00a8 diaeresis",
    "soft\u00adhyphen",
    "中文 新闻\n\n第二段",
]


def test_no_whitespace_character_but_the_space_is_printable():
    # The single-spacing checks rest on this: a printable text has no whitespace but " ".
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [c for c in spaces if c.isprintable()] == [" "]


@pytest.mark.parametrize("text", _WS_TEXTS)
def test_norm_ws_and_single_spaced_are_split_and_join(text):
    assert dom.norm_ws(text) == " ".join(text.split())
    assert fingerprint._single_spaced(text) == " ".join(text.split())


def test_single_spacing_on_random_text():
    for text in _random_texts(3000):
        assert dom.norm_ws(text) == " ".join(text.split()), repr(text)
        assert fingerprint._single_spaced(text) == " ".join(text.split()), repr(text)


def test_walk_drops_zero_width_spaces_and_keeps_bold_lines():
    page = dom.parse_html(
        "<html><body><p>\u200bHello\u200b  world </p><p><b> \ufeffBold line\u200b </b></p>"
        "<p>single spaced already</p><p>two\n lines</p></body></html>"
    )
    assert page is not None
    blocks = dom.blocks_of(page.root).blocks
    assert [b.text for b in blocks] == [
        "Hello world",
        "Bold line",
        "single spaced already",
        "two lines",
    ]
    assert [b.bold for b in blocks] == [False, True, False, False]


# --- ASCII fast paths of case-insensitive patterns ---------------------------------------


def test_ascii_case_folding_is_lower_casing():
    # The ASCII fast paths search lower-cased text with a pattern without IGNORECASE.
    # Non-ASCII characters fold onto ASCII letters too, so those texts take the pattern.
    folded = {
        chr(c)
        for c in range(0x80, sys.maxunicode + 1)
        if re.fullmatch("[a-z]", chr(c), re.I) is not None
    }
    assert folded == {"\u0130", "\u0131", "\u017f", "\u212a"}


_ASCII_CASES = [
    "https://x.com/img/BLANK.GIF",
    "/img/Loading.PNG?v=2",
    "spacer.jpeg",
    "1X1.gif",
    "Transparent.svg",
    "https://cdn.x.com/pixel.Png",
    "https://x.com/\u017fpacer.gif",
    "grey.jpg",
    "normal-photo.jpg",
    "lazy.webp",
    "display:none",
    "DISPLAY : NONE",
    "color: red; visibility:hidden",
    "Visibility:\tHidden",
    "display: block",
    "d\u0131splay:none",
    "/AUTHOR/jane",
    "/news/Tags/x",
    "/\u017ftaff/jane",
    "https://x.com/category/world/",
    "/authorss/",
    "https://x.com/people/jane-doe",
    "",
]


@pytest.mark.parametrize("text", _ASCII_CASES)
def test_lower_cased_patterns_match_as_the_case_insensitive_ones(text):
    assert media.is_placeholder(text) == (media._PLACEHOLDER.search(text) is not None)
    assert dom.is_hidden_style(text) == (dom._HIDDEN_STYLE.search(text) is not None)
    assert content._is_byline_href(text) == (content._BYLINE_HREF.search(text) is not None)


def test_lower_cased_patterns_on_random_text():
    for text in _random_texts(2000, seed=9):
        assert media.is_placeholder(text) == (media._PLACEHOLDER.search(text) is not None)
        assert dom.is_hidden_style(text) == (dom._HIDDEN_STYLE.search(text) is not None)
        assert content._is_byline_href(text) == (content._BYLINE_HREF.search(text) is not None)


@pytest.mark.parametrize(
    "text",
    [*_WS_TEXTS, *_ASCII_CASES, 'Hi, there. (Yes!) Really? "Q"; a: b', "中文，标点。！（括号）…"],
)
def test_punct_count_is_the_regex_count(text):
    assert content.punct_count(text) == len(content._PUNCT_RE.findall(text))


def test_punct_count_on_random_text():
    for text in _random_texts(2000, seed=4):
        assert content.punct_count(text) == len(content._PUNCT_RE.findall(text)), repr(text)


# --- substring tests before patterns ---------------------------------------------------

_LABEL_LINES = [
    "来源：新华网",
    "信息来源：省发改委 2024-01-02",
    "收入来源于海外市场",
    "文章出处：人民网",
    "稿源: 中新社",
    "来自 客户端",
    "责任编辑：王婷婷",
    "【责任编辑：张迪 SN225】",
    "责编：Demi Xia",
    "总编辑部的故事很长很长。",
    "本文编辑 李四",
    "阅读：1,234",
    "1234次浏览",
    "点击：56",
    "3次播放",
    "浏览量 7",
    "Source: Reuters",
    "A plain English line with no labels at all.",
    "",
]


@pytest.mark.parametrize("text", _LABEL_LINES)
def test_label_finders_with_and_without_their_substring_tests(text, monkeypatch):
    fast = (zh_labels.find_source(text), zh_labels.find_editor(text), zh_labels.find_views(text))
    # Every text passes the substring tests now: the patterns alone decide.
    monkeypatch.setattr(zh_labels, "_may_name_source", lambda t: True)
    monkeypatch.setattr(zh_labels, "may_name_editor", lambda t: True)
    monkeypatch.setattr(zh_labels, "may_show_views", lambda t: True)
    plain = (zh_labels.find_source(text), zh_labels.find_editor(text), zh_labels.find_views(text))
    assert fast == plain


def test_label_finders_on_random_text(monkeypatch):
    texts = _random_texts(3000, seed=21, longest=30)
    fast = [
        (zh_labels.find_source(t), zh_labels.find_editor(t), zh_labels.find_views(t)) for t in texts
    ]
    monkeypatch.setattr(zh_labels, "_may_name_source", lambda t: True)
    monkeypatch.setattr(zh_labels, "may_name_editor", lambda t: True)
    monkeypatch.setattr(zh_labels, "may_show_views", lambda t: True)
    plain = [
        (zh_labels.find_source(t), zh_labels.find_editor(t), zh_labels.find_views(t)) for t in texts
    ]
    assert fast == plain


@pytest.mark.parametrize(
    "text",
    [
        "Home > News > World",
        "HOME/News",
        "home » x",
        "首页 > 新闻",
        "当前位置：首页 > 要闻",
        "您的位置: 首页 / 财经",
        "所在位置：网站首页>正文",
        "位置：主页 > x",
        "\u0127ome > x",
        "News > Home",
        "",
    ],
)
def test_crumb_text_first_character_test(text):
    assert sections._is_crumb_text(text) == (sections._CRUMB_TEXT.match(text) is not None)


def test_crumb_text_on_random_text():
    for text in _random_texts(2000, seed=13, longest=20):
        for line in (text, "首页>" + text, "Home/" + text):
            assert sections._is_crumb_text(line) == (sections._CRUMB_TEXT.match(line) is not None)


@pytest.mark.parametrize(
    "words",
    ["breadcrumb", "my-position", "LOCATION", "daohang", "mbx", "curpos", "weizhi", "dqwz", "x"],
)
def test_crumb_words_spelled_out(words):
    low = words.lower()
    assert dom._names_crumb(low) == any(w in low for w in dom._CRUMB_WORDS)


def test_title_key_comparison_with_the_prefix_test():
    rng = random.Random(17)
    titles = ["Big News Today", "中文标题", "A-title_with punctuation!", "ﬁne print", "x"]
    for title in titles:
        key = match_key(title)
        for _ in range(300):
            noise = "".join(rng.choice(" -_,.!?aBc") for _ in range(rng.randint(0, 6)))
            tail = "".join(rng.choice(_RNG_ALPHABET) for _ in range(rng.randint(0, 60)))
            for text in (title + noise, noise + title, title + noise + tail, tail + title):
                assert has_match_key(text, key) == (match_key(text) == key), text


# --- URLs ------------------------------------------------------------------------------

_BASES = [
    "https://n.com/a/b",
    "http://n.com/",
    "https://n.com",
    "",
    "ftp://n.com/x",
    "https://[::1/x",
]
_IMAGE_URLS = [
    "https://a.com/x.jpg",
    "http://a.com/x.jpg?s=1&w=2",
    "https://a.com",
    "https://a.com?x",
    "https://a.com/x?",
    "https://a.com/x#frag",
    "https://a.com/x;p",
    "https://a.com/a//b/./c/../d",
    "https://[::1]/x.png",
    "https://[::1/x.png",
    "https://a.com/x y.jpg",
    "https://a.com/x\ty.jpg",
    "https://\u00e4.com/x.jpg",
    "HTTPS://a.com/x.jpg",
    "https://a.com:8080/x.jpg",
    "https://user@a.com/x.jpg",
    "https:///x.jpg",
    "https://a.com/%7e.jpg",
    "/x.jpg",
    "x.jpg",
    "//a.com/x.jpg",
]


def _join(join, base: str, url: str) -> str:
    try:
        return join(base, url)
    except ValueError:
        return "ValueError"


@pytest.mark.parametrize("base", _BASES)
def test_join_url_is_urljoin(base):
    for url in _IMAGE_URLS:
        assert _join(media.join_url, base, url) == _join(urljoin, base, url), url


@pytest.mark.parametrize(
    "url",
    [
        "https://a.com/x?b=2&a=1&utm_source=z",
        "https://a.com?utm_medium=x",
        "https://a.com/x?a=1&a=0",
        "https://a.com/x?from=1&b=2",
        "https://a.com/x?b=&a=",
        "https://en.wikipedia.org/wiki/Ir%C3%A8ne_Joliot-Curie",
        "https://a.com/a%2Fb",
        "https://a.com/%e4%b8%ad",
        "https://a.com/%E4%B8",
        "https://a.com/a%20b",
        "https://a.com/%25",
        "https://a.com/%41",
        "https://a.com/%zz",
        "https://a.com/p/%E4%B8%AD?b=1&a=2",
    ],
)
def test_fast_normalize_more_shapes_match_normalize_url(url):
    assert listing.fast_normalize(url) == normalize_url(url)


# --- walk and images -------------------------------------------------------------------


def test_anchors_carry_their_href():
    page = dom.parse_html(
        "<html><body><p><a href='/a'>one</a> <a>no href</a> <a href=''>empty</a>"
        "<a href='/b'><b>nested</b></a></p></body></html>"
    )
    assert page is not None
    linear = dom.blocks_of(page.root)
    for anchors in (linear.anchors, dom.anchors_of(page.root)):
        assert [a.href for a in anchors] == [a.el.get("href") for a in anchors]
        assert [a.href for a in anchors] == ["/a", None, "", "/b"]


def test_holds_another_is_counting_every_ancestor():
    # Story lists, nested lists, a link holding a link (added to the tree by hand: the
    # parser closes the outer one, but the walk lists such a link after the inner one),
    # links straight under the body and at different depths: whether an ancestor holds
    # another of the links, read from the neighbours in the walk's order, is what
    # counting says.
    html = (
        "<html><body><a href='/top'>top</a><ul><li><a href='/1'>one headline here</a>"
        "<p>summary</p></li><li><div><a href='/2'><span>two</span></a></div></li>"
        "<li><a href='/3'>three<a href='/3b'>inner</a></a><ul><li><a href='/4'>four</a>"
        "</li><li><a href='/5'>five</a></li></ul></li></ul><div><p>text <a href='/6'>"
        "six</a> more <b><a href='/7'>seven</a></b></p><table><tr><td><a href='/8'>8</a>"
        "</td><td><a href='/9'><i>nine</i><em>!</em></a></td></tr></table></div>"
        "<a href='/10'>ten</a></body></html>"
    )
    page = dom.parse_html(html)
    assert page is not None
    outer = page.root.find(".//a[@href='/3']")
    etree.SubElement(outer, "a", href="/3c").text = "nested"
    rng = random.Random(3)
    for anchors in (dom.blocks_of(page.root).anchors, dom.anchors_of(page.root)):
        assert len(anchors) == 13
        for _ in range(200):
            chosen = [a for a in anchors if rng.random() < 0.6]
            chains = [a.chain[:-1] for a in chosen]
            counts = Counter(el for chain in chains for el in chain)
            for k, chain in enumerate(chains):
                for depth, el in enumerate(chain):
                    assert dom.holds_another(chains, k, depth) == (counts[el] > 1)


@pytest.mark.parametrize(
    "text",
    ["Published March 3, 2025", "2024年5月20日 10:30", "04-ago-2021", "05.06.2023", "no date"],
)
def test_date_candidate_test_with_its_digit_test(text):
    assert date_choice.has_date_candidate(text) == (
        date_choice.DATE_CANDIDATE.search(text) is not None
    )


def test_date_candidate_test_on_random_text():
    for text in _random_texts(3000) + [t + " 12" for t in _random_texts(300, seed=4)]:
        found = date_choice.DATE_CANDIDATE.search(text) is not None
        assert date_choice.has_date_candidate(text) == found, repr(text)


def test_body_blocks_found_by_depth_as_by_walking_up_the_tree():
    page = dom.parse_html(
        "<html><body><div id='a'><p>one, two and three.</p><div><p>Four, five.</p><ul>"
        "<li>Six and seven, eight.</li></ul></div></div><section><p>Nine, ten.</p><div>"
        "<span>Eleven, twelve.<p>Thirteen, fourteen.</p></span></div></section>"
        "<p>Fifteen, sixteen.</p></body></html>"
    )
    assert page is not None
    blocks = dom.blocks_of(page.root).blocks
    # Without chains, extract_content walks up the tree from each block instead.
    unchained = [dataclasses.replace(b, chain=()) for b in blocks]
    for container in page.root.iter():
        by_depth = content.extract_content(blocks, container, None)
        by_tree = content.extract_content(unchained, container, None)
        assert [b.text for b in by_depth.blocks] == [b.text for b in by_tree.blocks]
        assert by_depth.paragraphs == [
            b.text for b in blocks if content.inside(b, container) and b.text in by_depth.paragraphs
        ]


def _ref_images(container, captions, base):
    """media.images as it was: positions of every element of the container."""
    order = {el: i for i, el in enumerate(container.iter())}
    imgs = []
    seen = set()
    for el in container.iter("img"):
        url = media.image_url(el, base)
        if url and url not in seen and len(imgs) < media.MAX_IMAGES:
            seen.add(url)
            imgs.append((order[el], el, url))
    placed = {}
    for cap in captions:
        pos = order.get(cap.el)
        text = media.caption_text(cap.text)
        if pos is None or not imgs or not text:
            continue
        target = None
        fig = cap.el.getparent() if cap.el.tag == "figcaption" else None
        limit = pos + media._subtree_size(cap.el, order)
        for idx, (ipos, img, _) in enumerate(imgs):
            if fig is not None and any(a is fig for a in img.iterancestors()):
                target = idx
                break
            if ipos <= limit:
                target = idx
        placed.setdefault(0 if target is None else target, text)
    return [(url, placed.get(i)) for i, (_, _, url) in enumerate(imgs)]


def test_images_place_captions_as_the_pass_over_every_element():
    html = (
        "<div><p>intro</p><img src='/1.jpg'><p>△ First caption</p>"
        "<figure><img src='/2.jpg'><figcaption>Second</figcaption></figure>"
        "<div class='cap'>Third <img src='/3.jpg'> inside</div><span>x</span>"
        "<img src='/4.jpg'><p>Fourth caption</p><section><p>deep</p><img src='/5.jpg'></section>"
        "<p>Fifth</p></div>"
    )
    page = dom.parse_html(html)
    assert page is not None
    container = page.root.find(".//div")
    els = {
        "p1": container.xpath("p[starts-with(., '△')]")[0],
        "fig": container.find(".//figcaption"),
        "div": container.find("div"),
        "p4": container.xpath("p[. = 'Fourth caption']")[0],
        "p5": container.xpath("p[. = 'Fifth']")[0],
    }
    for keys in (["p1"], ["fig", "div"], ["p4", "p5"], list(els)):
        captions = [dom.Block(els[k], dom.text_of(els[k]), 0, 0, False, False) for k in keys]
        got = [(i.url, i.caption) for i in media.images(container, captions, "https://n.com/")]
        assert got == _ref_images(container, captions, "https://n.com/"), keys


# --- best container ----------------------------------------------------------------------


def _ref_best_container(blocks):
    """best_container as it was: ancestors' totals in an order sorted by depth."""
    own: dict = {}
    for b in blocks:
        w = content.block_weight(b)
        if w == 0:
            continue
        if w < 0:
            w *= content.NEGATIVE_SCALE
        own[b.el] = own.get(b.el, 0) + w if b.el in own else w
    if not own:
        return None
    scores: dict = {}
    depth: dict = {}
    parent_of: dict = {}
    for el in own:
        chain = content._chain_of(el)
        for j, node in enumerate(chain):
            if node not in depth:
                depth[node] = j
                scores[node] = 0.0
                if j:
                    parent_of[node] = chain[j - 1]
    for el, w in own.items():
        scores[el] += w
    for node in sorted(parent_of, key=depth.__getitem__, reverse=True):
        scores[parent_of[node]] += scores[node]
    top = max(scores.values())
    if top <= 0:
        return None
    return max((e for e, s in scores.items() if s == top), key=depth.__getitem__)


def test_best_container_by_levels_matches_the_sorted_pass():
    rng = random.Random(23)
    prose = "Words of a sentence, with commas and an end. "
    for _ in range(200):
        root = etree.Element("html")
        nodes = [etree.SubElement(root, "body")]
        for _ in range(rng.randint(1, 40)):
            nodes.append(etree.SubElement(rng.choice(nodes), rng.choice(["div", "p", "li"])))
        blocks = []
        for i in range(rng.randint(1, 30)):
            el = rng.choice(nodes)
            text = (prose * rng.randint(1, 4))[: rng.randint(1, 180)]
            link = rng.choice([0, 0, len(text) // 2, len(text)])
            b = dom.Block(el, text, link, 0, False, rng.random() < 0.2, index=i)
            b.chain = content._chain_of(el) if rng.random() < 0.9 else ()
            blocks.append(b)
        assert content.best_container(blocks) is _ref_best_container(blocks)
