"""raw_page_bytes: import-warc's encoder of pages.raw messages, without pydantic's serializer.

Whatever it is given, every reader must see the page pydantic's own encoding gives them.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from newswire.records import RawPage, raw_page_bytes


def page(**overrides: object) -> RawPage:
    values: dict[str, object] = {
        "url_id": "0123456789abcdef0123456789abcdef",
        "requested_url": "http://news.example.cn/a",
        "final_url": "http://news.example.cn/b.shtml",
        "status": 200,
        "headers": {"content-type": "text/html; charset=utf-8"},
        "content_type": "text/html; charset=utf-8",
        "body": "<html><p>正文</p></html>".encode(),
        "fetched_at": datetime(2026, 12, 5, 4, 15, 0, 123456, tzinfo=UTC),
        "site": "example",
        "kind": "page",
        "depth": 3,
        "elapsed_ms": 12.5,
    }
    values.update(overrides)
    return RawPage(**values)  # type: ignore[arg-type]


ODD_PAGES = {
    "plain": page(),
    "empty body": page(body=b""),
    "every byte value in the body": page(body=bytes(range(256)) * 40 + os.urandom(5000)),
    # warcio decodes header bytes that are not UTF-8 as Latin-1: mojibake, control characters.
    "non-UTF-8 header values": page(
        headers={
            "content-disposition": 'attachment; filename="caf\xe9\xa0.html"',
            "x-odd": 'quote " backslash \\ tab \t nul \x00 line\nbreak \u2028',
        }
    ),
    "unicode URLs": page(
        requested_url="https://例子.中国/新闻/第一页?q=é&r=\U0001f600",
        final_url="https://例子.中国/新闻/第一页.html#片段",
    ),
    "nothing optional": page(
        content_type=None, site=None, elapsed_ms=None, headers={}, truncated=True, depth=0
    ),
    "a time with another offset": page(
        fetched_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=8)))
    ),
    "a naive time": page(fetched_at=datetime(2026, 1, 2, 3, 4, 5, 6)),
    "a list page of an error status": page(kind="list", status=599, elapsed_ms=0.000123),
}


@pytest.mark.parametrize("original", ODD_PAGES.values(), ids=ODD_PAGES.keys())
def test_reads_back_as_the_same_page_as_pydantics_encoding(original: RawPage) -> None:
    wire = raw_page_bytes(original)
    decoded = RawPage.from_bytes(wire)
    assert decoded == original
    assert decoded == RawPage.from_bytes(original.to_bytes())
    assert decoded.fetched_at.utcoffset() == original.fetched_at.utcoffset()


def test_the_envelope_comes_first_and_the_body_travels_compressed() -> None:
    html = "<p>法国总统马克龙</p>".encode("gbk") * 2000
    wire = raw_page_bytes(page(body=html))
    assert wire.startswith(b'{"type":"RawPage","schema_version":2,"url_id":')
    fields = orjson.loads(wire)
    assert fields["body"].startswith("zstd:")
    assert len(wire) < len(html) / 10
    assert fields.keys() == orjson.loads(page().to_bytes()).keys()
