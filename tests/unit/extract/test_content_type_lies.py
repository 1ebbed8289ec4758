"""A page is read by what its bytes are, not by a Content-Type that lies about them."""

from __future__ import annotations

import codecs

import pytest

from newswire.parser.extract import extract
from newswire.parser.extract.decode import opens_as_html
from tests import hostile_pages

pytestmark = pytest.mark.unit

URL = "https://flash.example.cn/misc/1.html"
PAGE = hostile_pages.flash_news_page(1)
HEADLINE, BODY = hostile_pages.FLASH_NEWS[1]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/octet-stream",
        "application/x-httpd-php",
        "binary/octet-stream",
        "text/plain; charset=utf-8",
    ],
)
def test_an_html_page_under_another_label_is_read_as_html(content_type: str) -> None:
    result = extract(PAGE, URL, {"content-type": content_type})
    assert result.article is not None, result.error
    assert (result.article.page_type, result.article.title) == ("article", HEADLINE)
    assert result.article.text == BODY


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, "pdf"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "png"),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 20, "gzip"),
    ],
)
def test_a_binary_body_labelled_html_is_still_binary(body: bytes, kind: str) -> None:
    result = extract(body, URL, {"content-type": "text/html; charset=utf-8"})
    assert result.article is None and result.error == f"binary_content: {kind}"


def test_text_that_is_not_html_keeps_its_binary_label() -> None:
    result = extract(b"just some bytes " * 50, URL, {"content-type": "application/octet-stream"})
    assert result.article is None and result.error == "binary_content: application/octet-stream"


@pytest.mark.parametrize(
    "start",
    [
        b"<!DOCTYPE html><html>",
        b"\n\n  <html lang='zh'>",
        codecs.BOM_UTF8 + b"<!doctype HTML>",
        b"<!-- generated -->\n<html>",
        b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">',
        b"<head><meta charset=gbk>",
    ],
)
def test_the_start_of_an_html_document(start: bytes) -> None:
    assert opens_as_html(start + b"...")


@pytest.mark.parametrize("start", [b"<rss version='2.0'>", b"Hello <html>", b"%PDF-<html>"])
def test_other_starts(start: bytes) -> None:
    assert not opens_as_html(start)


@pytest.mark.parametrize("server_label", ["ISO-8859-1", "latin1", "windows-1252"])
def test_a_servers_western_default_does_not_overrule_the_pages_own_cjk_charset(server_label):
    """Servers label every page ISO-8859-1 by default (Apache's AddDefaultCharset);
    windows-1252 decodes nearly any bytes, so the page's own <meta charset> decides."""
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "<title>某地召开会议讨论安全保障</title></head><body><h1>某地召开会议讨论安全保障</h1>"
        + "<p>会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。</p>" * 5
        + "</body></html>"
    ).encode("gbk")
    result = extract(page, URL, {"content-type": f"text/html; charset={server_label}"})
    assert result.article is not None
    assert result.article.title == "某地召开会议讨论安全保障"
    assert "各国军方代表" in result.article.text
