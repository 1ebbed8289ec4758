"""Pages parsed from their own bytes, undecoded (decode.utf8_as_is + dom.parse_utf8), give
what decoding first gives, and decline whenever they cannot be sure."""

from __future__ import annotations

import pytest
from lxml import etree

from newswire.parser.extract import decode, dom, extract

_HTML = "text/html"


def _decoded_first(body: bytes, headers: dict[str, str]) -> tuple[dom.Page | None, list[str]]:
    """The reference: decode_body, then parse_html on the text (the pipeline before)."""
    decoded = decode.decode_body(body, headers)
    return dom.parse_html(decoded.text, decoded.utf8), decoded.warnings


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"<p>plain ascii</p>", _HTML),
        ("<p>caf\u00e9 \u4e2d\u6587</p>".encode(), _HTML),
        ("<p>\u4e2d\u6587</p>".encode(), f"{_HTML}; charset=utf-8"),
        ("<p>\u4e2d\u6587</p>".encode(), f"{_HTML}; charset=gbk"),  # mislabelled
        ('<meta charset="bogus"><p>x\u00e9</p>'.encode(), _HTML),  # unknown label
        ('<meta charset="utf-8"><p>\u00e9</p>'.encode(), _HTML),
    ],
)
def test_valid_utf8_gives_what_decoding_first_gives(body, ctype):
    headers = {"content-type": ctype}
    lazy = decode.utf8_as_is(body, headers)
    ref, ref_warnings = _decoded_first(body, headers)
    ref_decoded = decode.decode_body(body, headers)
    assert lazy is not None and lazy.utf8 is not None
    page = dom.parse_utf8(lazy.utf8)
    assert page is not None and ref is not None
    assert etree.tostring(page.root) == etree.tostring(ref.root)
    assert (lazy.encoding, lazy.source, lazy.warnings) == (
        ref_decoded.encoding,
        ref_decoded.source,
        ref_warnings,
    )
    assert lazy.text == ref_decoded.text


@pytest.mark.parametrize(
    "body",
    [
        b"<p>bad \xff byte</p>",
        b"<p>" + b"x" * (70 * 1024) + b"\xed\xa0\x80</p>",  # a surrogate, past the sample
        # More than libxml2 reports (100 errors) before the bad byte: it goes unreported.
        b"<p>" + b"</x>" * 300 + b"a\xffb</p>",
        b'<?xml version="1.0"?><html><body><p>x</p></body></html>',
        "\u3000<p>x</p>".encode(),  # non-ASCII whitespace first
        b"  \n ",
        b" " * 300 + b"<p>x</p>",  # (a long run of whitespace first: not looked through)
    ],
)
def test_parse_utf8_declines_what_it_cannot_vouch_for(body):
    assert dom.parse_utf8(body) is None


def test_legacy_charset_with_ascii_sample_is_left_to_decode_body():
    body = b'<meta charset="iso-8859-1"><p>cafe</p>'
    assert decode.utf8_as_is(body, {"content-type": _HTML}) is None
    assert decode.utf8_as_is(b"\xef\xbb\xbf<p>x</p>", {"content-type": _HTML}) is None


def test_invalid_bytes_past_the_sample_read_as_before():
    # Valid UTF-8 in the first 64 KiB, a bad byte after it: decoded with a replacement
    # character, the same article either way.
    paragraphs = "".join(
        f"<p>Paragraph {i} says {i * 7919 % 1000} things about item {i * 31 % 97}, then stops.</p>"
        for i in range(1200)
    )
    body = f"<html><body><article><h1>A headline</h1>{paragraphs}".encode()
    assert len(body) > 64 * 1024
    body += b"<p>The tail has a bad \xff byte in it, sadly.</p></article></body></html>"
    result = extract(body, "https://n.example/a/1", {"content-type": _HTML})
    assert result.ok and result.article is not None
    assert "The tail has a bad \ufffd byte in it, sadly." in result.article.text
    assert result.article.text.startswith("Paragraph 0 says 0 things")
