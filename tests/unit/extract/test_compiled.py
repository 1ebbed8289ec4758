"""The compiled modules give exactly what the Python code they speed up gives: the block
walk (``_walk.pyx``) the same blocks, crumbs, anchors and truncation as ``dom._linearise``,
the SimHash (``_fingerprint.pyx``) the token hashes of ``fingerprint._token_hashes`` and the
value of ``fingerprint._simhash``."""

from __future__ import annotations

import random
import unicodedata
from array import array
from dataclasses import fields

import pytest
from lxml import etree

from newswire.parser.extract import compiled, dom, fingerprint, text_plain
from newswire.parser.extract.decode import decode_body

from .conftest import FIXTURES

pytestmark = pytest.mark.unit


#: The comparisons need the modules: when they are missing, only the test that they are
#: built fails.
needs_compiled = pytest.mark.skipif(
    dom._COMPILED_WALK is None or fingerprint._COMPILED is None,
    reason="the compiled modules are not built",
)


def test_the_compiled_modules_are_built_and_used():
    # The README's set-up builds them (deploy/local/bootstrap.sh); without this test a failed
    # build would leave every other test running the Python code only, unnoticed.
    assert dom.WALK == "compiled"
    assert dom._COMPILED_WALK is not None
    assert fingerprint._COMPILED is not None


def _reading(result) -> tuple:
    """Everything a walk gives, with elements compared by identity."""
    blocks, truncated, crumbs, anchors = result
    return (
        [tuple(getattr(b, f.name) for f in fields(dom.Block)) for b in blocks],
        truncated,
        crumbs,
        [(a.el, a.text, a.chain, a.href) for a in anchors],
    )


def _root(html: str | bytes) -> dom.Element:
    if isinstance(html, bytes):
        html = decode_body(html, {}).text
    page = dom.parse_html(html)
    assert page is not None
    dom.clean(page.root)
    return page.root


def _assert_same(root: dom.Element) -> tuple:
    """Both walks read the page alike: its blocks, crumbs and anchors, and its bylines."""
    walk = dom._COMPILED_WALK
    assert walk is not None
    python = _reading(dom._linearise(root))
    compiled = _reading(walk.linearise(root, dom))
    assert compiled == python
    assert walk.bylines(root, dom) == list(dom.iter_bylines(root))
    return compiled


@needs_compiled
@pytest.mark.parametrize(
    "path",
    sorted(
        p.name
        for p in FIXTURES.iterdir()
        if p.suffix in (".html", ".txt") and p.name != "hostile_empty.html"
    ),
)
def test_every_fixture_page_reads_the_same(path):
    data = (FIXTURES / path).read_bytes()
    if path.endswith(".txt"):
        data = text_plain.to_html(decode_body(data, {}).text).encode()
    blocks, *_ = _assert_same(_root(data))
    assert blocks


EDGE_CASES = {
    "links": '<div><p>See <a href="/a">one <b>bold</b> link</a> and <a href="/b">two</a>.</p>'
    '<a href="/c"><span>nested</span> <a href="/d">inner</a> tail</a></div>',
    "bold": "<p><strong>All bold</strong></p><p>Part <b>bold</b> only</p><h2>Head <i>x</i></h2>",
    "breaks": "<p>one<br>two<hr>three<span>four<br>five</span>six</p><br/>",
    "furniture": '<div class="sidebar"><p>side one</p><nav aria-label="breadcrumb"><a href="/">'
    'Home</a> &gt; <a href="/n">News</a></nav></div><div id="crumb">Home / News</div>'
    '<article class="share"><p>article by class only</p></article><aside>aside</aside>',
    "whitespace": "<p>  \n  </p><p>a\u200bb \ufeff c</p><p>\u3000x  \t y\n</p><p>\xa0</p>",
    "entities": '<div class="a &amp; b" id="x&quot;y"><p>&lt;tag&gt; &amp; &#20013;文</p>'
    '<a href="/?a=1&amp;b=2" title="t">link</a></div>',
    "tails": "<div>lead<p>para</p>tail of p<span>inline</span>tail of span</div>after",
    "head_content": "<head><title>t</title><p>text in head</p></head><body>body</body>",
    "empty_links": '<p><a href="/x"></a><a href="/y"> </a><a name="n">named</a></p>',
    "table": "<table><tr><td>a<td>b</tr><tr><th>c</th></tr></table><dl><dt>t<dd>d</dl>",
    "bylines": '<p class="Byline">By <a rel="author" href="/j">Jane</a></p><a rel="me author" '
    'class="author-link">Both marks</a><span itemprop="author">Item</span><a itemprop="author">'
    'not an itemprop tag</a><div itemprop="creator author"><b class="writer">W</b></div>'
    '<address itemprop="author">A</address><em class="reporter-name">R</em>',
    "many_bylines": '<span class="author">x</span>' * 20,
    "unknown_tags": "<custom-el>custom <x-y>nested</x-y></custom-el><o:p>office</o:p>"
    "<font>f</font>",
}


@needs_compiled
@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_read_the_same(name):
    _assert_same(_root("<html><body>" + EDGE_CASES[name] + "</body></html>"))


@needs_compiled
def test_comments_and_processing_instructions_read_as_lxml_gives_them():
    # The parser drops them, but a site rule's tree or later code could hold them: lxml
    # reads their content as their text, and both walks must agree on it.
    root = _root("<html><body><div><p>a</p><p>b</p></div></body></html>")
    div = root.find(".//div")
    div.insert(1, etree.Comment("a comment"))
    div.append(etree.ProcessingInstruction("pi", "instruction"))
    link = etree.SubElement(div, "a", href="/c")
    link.append(etree.Comment("in a link"))
    _assert_same(root)


@needs_compiled
def test_truncated_walks_stop_at_the_same_element(monkeypatch):
    root = _root("<html><body>" + "<div><p>x <a href='/a'>y</a> <b>z</b></p></div>" * 50)
    full = _assert_same(root)
    assert not full[1]
    for budget in (1, 2, 3, 7, 50, 101):
        monkeypatch.setattr(dom, "MAX_NODES", budget)
        assert _assert_same(root)[1]


@needs_compiled
def test_deep_nesting_reads_the_same():
    page = "<html><body>" + "<div><span>" * 120 + "deep" + "</span></div>" * 120
    _assert_same(_root(page))


@needs_compiled
@pytest.mark.parametrize("name", ["_walk", "_fingerprint"])
def test_a_module_built_from_another_source_is_not_used(name, monkeypatch):
    module = compiled.load(name)
    assert module is not None
    monkeypatch.setattr(module, "SOURCE_SHA256", "0" * 64)
    with pytest.warns(UserWarning, match=f"older than {name}.pyx"):
        assert compiled.load(name) is None


# Characters of every kind the tokens tell apart: ASCII letters, digits and punctuation,
# "_", CJK ideographs, kana and hangul (a token each), letters and digits of other scripts
# (Arabic-Indic digits, Cyrillic, accented Latin, a letter outside the BMP), combining marks,
# no-break and ideographic spaces, curly quotes, a lone surrogate.
_ALPHABET = "abcXYZ019 .,;-_'\n\t中文新闻報道かなカナ한국어٣٤Жжéß𝒜\u0301\xa0\u3000“”—\ud800"


def _texts() -> list[str]:
    rng = random.Random(12)
    texts = ["", "a", "中", "_", "abc中文def", "中文abc", "a_b", "𝒜𝒷 𝒸", "x" * 6000 + " y"]
    texts += ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 80))) for _ in range(400)]
    texts.append(" ".join("word" for _ in range(6000)))  # beyond the token limit
    texts.append("新" * 6000)
    return texts


@needs_compiled
def test_token_hashes_equal_the_python_ones():
    for text in _texts():
        norm = unicodedata.normalize("NFKC", text).lower()
        assert list(fingerprint.token_hashes(norm)) == list(fingerprint._token_hashes(norm)), text


@needs_compiled
def test_simhash_equals_the_python_one():
    rng = random.Random(7)
    for n in (0, 1, 2, 3, 4, 7, 64, 1000, 5003):
        hashes = array("I", [rng.getrandbits(32) for _ in range(n)])
        assert fingerprint.simhash_of(hashes) == fingerprint._simhash(hashes), n
    for text in _texts():
        hashes = fingerprint._token_hashes(unicodedata.normalize("NFKC", text).lower())
        assert fingerprint.simhash_of(hashes) == fingerprint._simhash(hashes), text
