"""Hostile input: an error result or a warned best-effort article, fast, never a raise."""

from __future__ import annotations

import time

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

URL = "https://news.example.cn/2025/03/12/x.shtml"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("hostile_png.bin", "binary_content"),
        ("hostile_pdf.bin", "binary_content"),
        ("hostile_empty.html", "empty_body"),
    ],
)
def test_unreadable_bodies_are_errors(fixtures, name, label):
    result = extract((fixtures / name).read_bytes(), URL, {"content-type": "text/html"})
    assert result.article is None
    assert result.error is not None and result.error.startswith(label)


@pytest.mark.parametrize(
    "body",
    [b"   \n\t ", b"\x00" * 1000, b"<html></html>", b"<", b"<!-- only a comment -->"],
)
def test_degenerate_bodies(body):
    result = extract(body, URL)
    assert result.error is not None or result.article is not None


def test_binary_by_content_type():
    result = extract(b"GIF-looking but labelled", URL, {"Content-Type": "image/gif"})
    assert result.article is None
    assert result.error == "binary_content: image/gif"


def test_truncated_page_is_best_effort(fixtures, seed_expected):
    article = extract((fixtures / "hostile_truncated.html").read_bytes(), URL).article
    assert article is not None
    assert article.title == seed_expected["title"]
    assert article.text.startswith("当地时间3月11日下午")


@pytest.mark.parametrize("name", ["hostile_mislabelled_utf8.html", "hostile_mislabelled_gbk.html"])
def test_mislabelled_charset_still_decodes(fixtures, seed_expected, name):
    article = extract((fixtures / name).read_bytes(), seed_expected["url"]).article
    assert article is not None
    assert article.title == seed_expected["title"]
    assert article.text == seed_expected["text"]
    assert any(w.startswith("mislabelled_charset") for w in article.warnings)


def test_header_charset_wrong_meta_right(fixtures, seed_expected):
    # The header claims UTF-8 but the bytes are GBK: detection must win, not U+FFFD soup.
    body = (fixtures / "seed_table_gbk.html").read_bytes()
    article = extract(
        body, seed_expected["url"], {"content-type": "text/html; charset=utf-8"}
    ).article
    assert article is not None
    assert article.text == seed_expected["text"]


def test_deeply_nested_page_is_fast():
    body = b"<html><body>" + b"<div>" * 100_000 + b"<p>deep text</p>" + b"</div>" * 100_000
    started = time.perf_counter()
    result = extract(body, URL)
    assert time.perf_counter() - started < 2.0
    assert result.error is not None or result.article is not None


def test_huge_page_is_bounded():
    para = "<p>" + "新闻内容，测试文字。" * 20 + "</p>\n"
    body = ("<html><body><h1>标题</h1>" + para * 85_000 + "</body></html>").encode()
    assert len(body) > 50_000_000
    started = time.perf_counter()
    result = extract(body, URL)
    assert time.perf_counter() - started < 3.0
    assert result.article is not None
    assert "body_truncated" in result.article.warnings


def test_many_nodes_page_is_bounded():
    body = ("<html><body>" + "<span>x</span>" * 400_000 + "</body></html>").encode()
    started = time.perf_counter()
    result = extract(body, URL)
    assert time.perf_counter() - started < 3.0
    assert result.error is not None or result.article is not None


def test_garbage_types_never_raise():
    for body in (b"\xff\xfe\x00\x00garbage", bytes(range(256)) * 10, "不是字节".encode("utf-16")):
        result = extract(body, URL)
        assert result.error is not None or result.article is not None
    assert extract(b"<p>x</p>", "not a url").error is not None or True
