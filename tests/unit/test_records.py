"""Every record round-trips through its wire form; unknown versions and garbage are refused."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from newswire.records import (
    Article,
    CrawlRequest,
    DeadLetter,
    Image,
    Link,
    Outlink,
    RawPage,
    RecordError,
    RecordTypeError,
    SchemaVersionError,
)

CHINA = timezone(timedelta(hours=8))


def samples() -> list:
    return [
        CrawlRequest(url="https://news.example.cn/", site="portal", kind="list", source="seed"),
        RawPage(
            url_id="0" * 32,
            requested_url="http://news.example.cn/a",
            final_url="https://news.example.cn/a",
            status=200,
            headers={"content-type": "text/html; charset=gb2312", "etag": '"x"'},
            # GBK bytes plus bytes that are not valid in any text encoding: never re-encoded.
            body="法国总统马克龙".encode("gbk") + b"\x00\xff\xfe",
            truncated=True,
            fetched_at=datetime(2025, 6, 16, 8, 0, tzinfo=UTC),
        ),
        Article(
            id="1" * 32,
            url="https://news.example.cn/a",
            canonical_url="https://news.example.cn/a",
            title="法国组织召开军方首脑会议",
            section=["实时讯息"],
            published_at=datetime(2025, 3, 12, 0, 50, tzinfo=CHINA),
            authors=["马瑾瑾"],
            editor="王婷婷",
            images=[Image(url="https://news.example.cn/p.jpg", caption="△法国总统")],
            related=[Link(title="美官员", url="https://news.example.cn/b")],
            outlinks=[Outlink(url="https://news.example.cn/c", published_at=datetime.now(CHINA))],
            views=0,
            simhash="ffffffffffffffff",
            version=1_750_060_800_000,
        ),
        DeadLetter(
            stage="parse",
            reason="extract_error",
            error="boom",
            origin_topic="pages.raw",
            origin_partition=3,
            origin_offset=42,
            origin_key=b"\x01key",
            payload=b"\x00\xff raw",
        ),
    ]


@pytest.mark.parametrize("record", samples(), ids=lambda r: type(r).__name__)
def test_round_trip_is_exact(record) -> None:
    wire = record.to_bytes()
    head = b'{"type":"%s","schema_version":%d,' % (
        type(record).__name__.encode(),
        record.SCHEMA_VERSION,
    )
    assert wire.startswith(head)
    again = type(record).from_bytes(wire)
    assert again == record
    assert again.to_bytes() == wire


def test_times_keep_their_offset_on_the_wire() -> None:
    article = samples()[2]
    wire = orjson.loads(article.to_bytes())
    assert wire["published_at"] == "2025-03-12T00:50:00+08:00"


def test_envelope_order_does_not_matter() -> None:
    page = samples()[1]
    fields = orjson.loads(page.to_bytes())
    reordered = {k: v for k, v in reversed(list(fields.items()))}
    assert RawPage.from_bytes(orjson.dumps(reordered)) == page


def test_page_bodies_travel_compressed() -> None:
    html = b"<p>" + "法国总统马克龙".encode("gbk") * 2000 + b"</p>"
    page = samples()[1].model_copy(update={"body": html})
    wire = page.to_bytes()
    assert orjson.loads(wire)["body"].startswith("zstd:")
    assert len(wire) < len(html) / 10
    assert RawPage.from_bytes(wire).body == html


def test_version_1_pages_with_plain_base64_bodies_are_still_read() -> None:
    page = samples()[1]
    fields = orjson.loads(page.to_bytes())
    fields["schema_version"] = 1
    # Version 1 wrote pydantic's URL-safe base64 of the bytes themselves.
    fields["body"] = base64.urlsafe_b64encode(page.body).decode()
    assert RawPage.from_bytes(orjson.dumps(fields)) == page


def test_a_corrupt_compressed_body_is_an_undecodable_record() -> None:
    fields = orjson.loads(samples()[1].to_bytes())
    fields["body"] = "zstd:" + base64.b64encode(b"not zstd at all").decode()
    with pytest.raises(RecordError, match="body is not zstd in base64") as info:
        RawPage.from_bytes(orjson.dumps(fields))
    assert info.value.reason == "undecodable"


def test_unknown_schema_version_is_a_clear_error() -> None:
    wire = samples()[1].to_bytes().replace(b'"schema_version":2', b'"schema_version":3', 1)
    with pytest.raises(SchemaVersionError, match="schema_version 3 is not supported") as info:
        RawPage.from_bytes(wire)
    assert info.value.reason == "unknown_schema_version"


def test_a_record_of_another_type_is_refused() -> None:
    with pytest.raises(RecordTypeError, match="expected a RawPage record, got type='Article'"):
        RawPage.from_bytes(samples()[2].to_bytes())


@pytest.mark.parametrize(
    "wire",
    [b"", b"not json", b"[1, 2]", b'{"type":"RawPage","schema_version":1}', b"\x00\xff"],
)
def test_garbage_is_an_undecodable_record(wire: bytes) -> None:
    with pytest.raises(RecordError) as info:
        RawPage.from_bytes(wire)
    assert info.value.reason == "undecodable"
