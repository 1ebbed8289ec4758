"""URL normalisation and ids: equivalent URLs agree, different documents do not."""

from __future__ import annotations

import pytest

from newswire.urls import host_of, normalize_url, redact, url_id


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://News.Example.CN:80/a", "http://news.example.cn/a"),
        ("https://news.example.cn:443/a#comments", "https://news.example.cn/a"),
        ("https://news.example.cn", "https://news.example.cn/"),
        (
            "https://news.example.cn/a?utm_source=x&utm_medium=y&id=7",
            "https://news.example.cn/a?id=7",
        ),
        ("https://news.example.cn/a?b=2&a=1&fbclid=z", "https://news.example.cn/a?a=1&b=2"),
        (
            "https://news.example.cn/a?id=7&PHPSESSID=9f8e&jsessionid=A1&sessionid=x",
            "https://news.example.cn/a?id=7",
        ),
        ("https://news.example.cn/a%7eb/%E4%B8%AD", "https://news.example.cn/a~b/%E4%B8%AD"),
        ("https://news.example.cn/中文", "https://news.example.cn/%E4%B8%AD%E6%96%87"),
        ("https://新闻.example.cn/a", "https://xn--efvy88h.example.cn/a"),
        ("https://news.example.cn:8080/a", "https://news.example.cn:8080/a"),
        ("http://[::1]:8000/x", "http://[::1]:8000/x"),
    ],
)
def test_normalize(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", ["ftp://example.cn/a", "mailto:a@b.cn", "/relative", "http://"])
def test_only_absolute_http_urls(url: str) -> None:
    with pytest.raises(ValueError):
        normalize_url(url)


def test_ids_are_stable_and_agree_for_equivalent_urls() -> None:
    a = url_id("https://news.example.cn/a?utm_source=x&id=1#top")
    assert a == url_id("HTTPS://news.example.cn:443/a?id=1")
    assert a != url_id("https://news.example.cn/a?id=2")
    assert len(a) == 32 and int(a, 16) >= 0
    # Pinned: ids are keys in Kafka and the index; changing them orphans every document.
    assert url_id("https://example.com/x") == "54cef8f42f3f31ad349075022cd36ce1"


def test_host_of_keeps_non_default_ports() -> None:
    assert host_of("https://News.example.cn/a") == "news.example.cn"
    assert host_of("http://127.0.0.1:8080/a") == "127.0.0.1:8080"
    assert host_of("https://example.cn:443/") == "example.cn"


def test_credentials_never_reach_logs() -> None:
    assert redact("https://user:secret@example.cn/a?x=1") == "https://***@example.cn/a?x=1"
    assert redact("https://example.cn/a") == "https://example.cn/a"
