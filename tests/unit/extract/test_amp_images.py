"""AMP pages mark their images up as ``<amp-img>``: body images and captions as ``<img>``."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_BODY = "<p>" + "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。" * 4 + "</p>"


def test_amp_img_with_its_caption():
    page = (
        '<!doctype html><html ⚡ lang="zh-CN"><head><meta charset="utf-8">'
        "<title>某地召开会议</title>"
        "</head><body><article><h1>某地召开会议</h1>"
        '<figure><amp-img src="/p/1.jpg" width="640" height="426" layout="responsive"></amp-img>'
        f"<figcaption>各国代表出席会议</figcaption></figure>{_BODY * 3}"
        '<amp-img src="/p/2.jpg" width="640" height="426"><noscript><img src="/p/2.jpg"></noscript>'
        "</amp-img></article></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert [(i.url, i.caption) for i in article.images] == [
        ("https://news.example.cn/p/1.jpg", "各国代表出席会议"),
        ("https://news.example.cn/p/2.jpg", None),
    ]


def test_baidu_mip_img_with_its_caption():
    """Baidu's MIP pages (China's AMP) mark their images up as ``<mip-img>``."""
    page = (
        '<!doctype html><html mip lang="zh-CN"><head><meta charset="utf-8">'
        "<title>某地召开会议</title></head><body><article><h1>某地召开会议</h1>"
        '<mip-img src="/p/1.jpg" width="640" height="426" layout="responsive"></mip-img>'
        f"<p>△各国代表出席会议</p>{_BODY * 3}</article></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert [(i.url, i.caption) for i in article.images] == [
        ("https://news.example.cn/p/1.jpg", "各国代表出席会议")
    ]
