"""The stages on their own: dates, charsets, Chinese labels, fingerprints, images."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newswire.parser.extract import dates, decode, extract, fingerprint, zh_labels

pytestmark = pytest.mark.unit

CST = timezone(timedelta(hours=8))
SH = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("发布时间:2025-03-12 00:50:00", {}, datetime(2025, 3, 12, 0, 50, tzinfo=CST)),
        ("2025年3月12日 00:50", {}, datetime(2025, 3, 12, 0, 50, tzinfo=CST)),
        ("2025年03月12日00:50 新浪科技", {}, datetime(2025, 3, 12, 0, 50, tzinfo=CST)),
        ("2025年3月12日 下午3:05", {}, datetime(2025, 3, 12, 15, 5, tzinfo=CST)),
        (
            "03-12 00:50",
            {"url": "https://x.cn/2025/0312/a.html"},
            datetime(2025, 3, 12, 0, 50, tzinfo=CST),
        ),
        ("发布时间：09-3022:46", {"ref_year": 2019}, datetime(2019, 9, 30, 22, 46, tzinfo=CST)),
        ("18-03-08 23:16", {}, datetime(2018, 3, 8, 23, 16, tzinfo=CST)),
        ("2025-03-11T16:50:00Z", {}, datetime(2025, 3, 11, 16, 50, tzinfo=UTC)),
        ("2025-03-12T00:50:00+08:00", {}, datetime(2025, 3, 12, 0, 50, tzinfo=CST)),
        ("Wed, 12 Mar 2025 00:50:00 +0800", {}, datetime(2025, 3, 12, 0, 50, tzinfo=CST)),
        ("Published March 12, 2025 at 3:05 pm", {}, datetime(2025, 3, 12, 15, 5, tzinfo=CST)),
        ("12 March 2025", {}, datetime(2025, 3, 12, tzinfo=CST)),
        ("1741711800", {}, datetime(2025, 3, 12, 0, 50, tzinfo=CST)),
    ],
)
def test_parse_date_forms(text, kwargs, expected):
    got = dates.parse_date(text, SH, now=datetime(2026, 1, 1, tzinfo=UTC), **kwargs)
    assert got == expected
    assert got is not None and got.tzinfo is not None


def test_parse_date_rejects_nonsense():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for text in ("", "电话 0731-88866120", "2099-01-01 10:00", "1800-01-01", "13-45 99:99", None):
        assert dates.parse_date(text, SH, now=now, fuzzy=False) is None


def test_month_day_without_year_source_is_none():
    assert dates.parse_date("03-12 00:50", SH, url="https://x.cn/a.html") is None


def test_date_from_url():
    assert dates.date_from_url("https://x.com/2025/03/12/story", SH) == datetime(
        2025, 3, 12, tzinfo=CST
    )
    assert dates.date_from_url("https://x.com/story-123", SH) is None


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("iso-8859-1", "cp1252"),
        ("UTF8", "utf-8"),
        ("big5", "big5hkscs"),
        ("nonsense", None),
    ],
)
def test_charset_labels_as_browsers(label, codec):
    assert decode.normalize_label(label) == codec


def test_decode_prefers_bom_then_header_then_meta():
    text = "中文"
    assert decode.decode_body(b"\xef\xbb\xbf" + text.encode()).text == text
    gbk = f"<meta charset=gbk><p>{text}</p>".encode("gbk")
    assert text in decode.decode_body(gbk).text
    assert (
        decode.decode_body(gbk, {"Content-Type": "text/html; charset=GB2312"}).encoding == "gb18030"
    )
    # gb2312-declared text using a GBK-only character still decodes (browsers use GBK).
    rare = "<meta charset=gb2312><p>镕</p>".encode("gbk")
    assert "镕" in decode.decode_body(rare).text


def test_decode_undeclared_legacy_is_detected():
    body = ("<p>" + "中华人民共和国国务院新闻办公室今天举行发布会。" * 20 + "</p>").encode("gbk")
    d = decode.decode_body(body)
    assert "国务院新闻办公室" in d.text


def test_binary_sniffing():
    assert decode.sniff_binary(b"\x89PNG\r\n\x1a\n....") == "png"
    assert decode.sniff_binary(b"%PDF-1.7") == "pdf"
    assert decode.sniff_binary(b"<html>") is None
    with pytest.raises(decode.BinaryContent):
        decode.decode_body(b"\x00\x01\x02" * 100)


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("(总台记者 马瑾瑾)", ["马瑾瑾"]),
        ("新京报快讯（记者 裴剑飞）今日有网友爆料", ["裴剑飞"]),
        ("（文/图 刘玺东 易赛楠）", ["刘玺东", "易赛楠"]),
        ("本站讯（职工通讯员 李琴雯 刘会）为深入推进", ["李琴雯", "刘会"]),
        ("（张巨峰）", ["张巨峰"]),
        ("（刘通摄）", []),
        ("（中新社记者 贾天勇 摄）", []),
    ],
)
def test_paren_credits(text, authors):
    assert zh_labels.find_paren_authors(text) == authors


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("文/张三", ["张三"]),
        ("作者：网络整理", []),
        ("作者最新文章", []),
        ("记者获悉，该公司已经", []),
        ("采写：南都见习记者 林子沛", ["林子沛"]),
        ("《棱镜》作者 周纯", ["周纯"]),
        ("发表于2014-08-24 21:30| 1164次阅读| 来源CSDN| 0 条评论| 作者魏星", ["魏星"]),
        ("作者：医技药剂党支部", []),
    ],
)
def test_author_labels(text, authors):
    assert zh_labels.find_authors(text) == authors


def test_editor_source_views_labels():
    assert zh_labels.find_editor("责任编辑:王婷婷") == "王婷婷"
    assert zh_labels.find_editor("【责任编辑：张迪 SN225】") == "张迪"
    assert zh_labels.find_editor("责编：Demi Xia") == "Demi Xia"
    assert zh_labels.find_editor("总编辑部的故事很长很长。") is None
    assert zh_labels.find_source("来源：新华网") == "新华网"
    assert zh_labels.find_source("来源：本站原创 作者：医技药剂党支部") is None
    assert zh_labels.find_source("信息来源：省发改委") == "省发改委"
    assert zh_labels.find_source("收入来源于海外市场") is None
    assert zh_labels.find_views("0次浏览") == 0
    assert zh_labels.find_views("阅读：1,234") == 1234
    assert zh_labels.find_views("无数字") is None


def test_simhash_is_stable_and_near_for_near_duplicates():
    a = (
        "俄罗斯方面明确称此举不可接受。俄罗斯外长拉夫罗夫曾表示,俄方绝不接受任何允许北约在乌克兰驻军的和平协议。"
        * 3
    )
    b = a.replace("明确", "再次明确")
    c = "The quick brown fox jumps over the lazy dog while the cat sleeps in the sun. " * 5
    ha, hb, hc = fingerprint.simhash(a), fingerprint.simhash(b), fingerprint.simhash(c)
    assert len(ha) == 16 and int(ha, 16) >= 0
    assert ha == fingerprint.simhash(a)
    assert fingerprint.hamming(ha, hb) < fingerprint.hamming(ha, hc)
    assert fingerprint.hamming(ha, hb) <= 12
    assert fingerprint.simhash("") == "0" * 16
    assert fingerprint.content_hash("a  b") == fingerprint.content_hash("a b")


def test_lazy_images_and_srcset():
    html = b"""<html><body><article>
    <h1>Lazy images</h1>
    <p>Body paragraph one, long enough to be prose, with commas, and a full stop at the end.</p>
    <img src="data:image/gif;base64,R0lGOD" data-src="/a.jpg">
    <img src="/static/loading.gif" data-original="//cdn.example.com/b.jpg">
    <img srcset="/c-small.jpg 320w, /c-large.jpg 1280w">
    <picture><source srcset="/d.webp 1x, /d@2x.webp 2x"><img></picture>
    <img src="/pixel.gif" width="1" height="1">
    <p>Body paragraph two, also long enough to be prose, with commas, and a full stop.</p>
    </article></body></html>"""
    article = extract(html, "https://example.com/news/1.html").article
    assert article is not None
    assert [i.url for i in article.images] == [
        "https://example.com/a.jpg",
        "https://cdn.example.com/b.jpg",
        "https://example.com/c-large.jpg",
        "https://example.com/d@2x.webp",
    ]


def test_org_author_in_json_ld_is_a_source():
    html = """<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "标题在这里很长",
     "datePublished": "2025-03-12T08:00:00+08:00",
     "author": {"@type": "Organization", "name": "新华社"}}</script>
    <title>标题在这里很长_网站</title></head>
    <body><h1>标题在这里很长</h1><div class="content">
    <p>正文第一段，内容足够长，带有标点符号，能够被识别为正文。</p>
    <p>正文第二段，内容同样足够长，带有标点符号，能够被识别为正文。</p></div></body></html>""".encode()
    article = extract(html, "https://example.cn/a.html").article
    assert article is not None
    assert article.authors == []
    assert article.source == "新华社"
    assert article.published_at == datetime(2025, 3, 12, 8, tzinfo=CST)


def test_english_byline_and_meta():
    html = b"""<html lang="en"><head><title>Big news today | The Example Times</title>
    <meta property="og:site_name" content="The Example Times">
    <meta property="article:published_time" content="2025-03-12T10:00:00-05:00">
    </head><body><nav><a href="/">Home</a><a href="/world">World</a></nav>
    <article><h1>Big news today</h1><div class="byline">By Jane Doe and John Roe</div>
    <p>The first paragraph of the story says something important, with details.</p>
    <p>The second paragraph adds context, quotes and more details for the reader.</p>
    <p>A third paragraph closes the story with a look at what happens next week.</p>
    </article><footer>Copyright 2025 The Example Times</footer></body></html>"""
    article = extract(html, "https://example.com/2025/03/12/big-news").article
    assert article is not None
    assert article.title == "Big news today"
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.lang == "en"
    assert article.published_at == datetime(2025, 3, 12, 10, tzinfo=timezone(timedelta(hours=-5)))
    assert article.text.startswith("The first paragraph")
    assert "Copyright" not in article.text and "Home" not in article.text
