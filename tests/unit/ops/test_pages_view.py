"""``newswire pages show`` without a broker: which records are read, and what is printed."""

from __future__ import annotations

from datetime import UTC, datetime

from newswire.admin.page_view import body_text, render, summary
from newswire.admin.pages import FoundPage, search_order, url_id_of, windows
from newswire.fetcher.frontier import partition_for_key
from newswire.records import RawPage
from newswire.urls import url_id

URL = "https://news.example.cn/2025/12/01/a.html"


def found(body: bytes, headers: dict[str, str] | None = None) -> FoundPage:
    page = RawPage(
        url_id=url_id(URL),
        requested_url=URL,
        final_url=URL,
        status=200,
        headers=headers if headers is not None else {"content-type": "text/html; charset=gbk"},
        body=body,
        truncated=True,
        fetched_at=datetime(2025, 12, 1, tzinfo=UTC),
    )
    return FoundPage("pages.raw", 3, 42, 1_764_547_200_000, page)


def test_a_url_id_is_taken_as_is_and_a_url_is_hashed() -> None:
    ident = url_id(URL)
    assert url_id_of(URL) == ident
    assert url_id_of(ident.upper()) == ident


def test_the_keys_own_partition_is_searched_first() -> None:
    key = url_id(URL).encode()
    order = search_order([0, 1, 2, 3, 4, 5], key)
    assert order[0] == partition_for_key(key, 6)  # the fetcher's partitioner
    assert sorted(order) == [0, 1, 2, 3, 4, 5]


def test_windows_step_back_from_the_end_to_the_start() -> None:
    assert windows(10, 1200, 500) == [(700, 1200), (200, 700), (10, 200)]
    assert windows(5, 5) == []


def test_the_body_is_decoded_with_the_pages_charset() -> None:
    text, note = body_text(found("<p>央行开展逆回购操作。</p>".encode("gbk")))
    assert text == "<p>央行开展逆回购操作。</p>" and note == "decoded as gb18030 (from header)"


def test_a_binary_body_points_at_raw() -> None:
    text, note = body_text(found(b"\x89PNG\r\n\x1a\n" + bytes(100), {"content-type": "image/png"}))
    assert text is None and "--raw" in note


def test_render_has_the_fetch_then_the_headers_then_the_body() -> None:
    out = render(found("<p>正文</p>".encode("gbk")))
    lines = out.splitlines()
    assert lines[0] == f"url_id:        {url_id(URL)}"
    assert "truncated:     yes" in lines and "offset:        42" in lines
    assert "  content-type: text/html; charset=gbk" in lines
    assert lines[-1] == "<p>正文</p>"
    assert summary(found(b"x"))["written_at"] == "2025-12-01T00:00:00+00:00"
