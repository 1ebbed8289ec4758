"""Pages to WARC records and back: what a WARC reader sees, and what import reads."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime

import pytest
from warcio.archiveiterator import ArchiveIterator

from newswire.archive.warc_format import (
    page_facts,
    page_from_response,
    page_to_warc,
    read_responses,
    record_id,
)
from newswire.records import RawPage

BODY = "<html><head><title>标题</title></head><body><p>正文</p></body></html>".encode()


def page(**overrides: object) -> RawPage:
    values: dict[str, object] = {
        "url_id": "0123456789abcdef0123456789abcdef",
        "requested_url": "http://news.example.cn/a",
        "final_url": "http://news.example.cn/b.shtml",
        "status": 200,
        "headers": {
            "content-type": "text/html; charset=utf-8",
            "x-newswire-wire-content-encoding": "gzip",
            "etag": '"v1"',
        },
        "content_type": "text/html; charset=utf-8",
        "body": BODY,
        "truncated": True,
        "fetched_at": datetime(2026, 12, 5, 4, 15, 0, 123456, tzinfo=UTC),
        "site": "example",
        "kind": "page",
        "depth": 3,
        "elapsed_ms": 12.5,
    }
    values.update(overrides)
    return RawPage(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", [1, 3, 6], ids=["isal-1", "isal-3", "zlib-6"])
def test_response_and_metadata_records_each_in_their_own_gzip_member(level: int) -> None:
    data = page_to_warc(page(), level)
    records = list(ArchiveIterator(io.BytesIO(data), check_digests=True))
    # (ArchiveIterator reads lazily: consume each record's content before moving on.)
    assert [r.rec_type for r in records] == ["response", "metadata"]
    # Two gzip members: the first alone decompresses to exactly the response record.
    first = gzip.GzipFile(fileobj=io.BytesIO(data))
    assert first.read().startswith(b"WARC/1.1\r\nWARC-Record-ID")


def test_records_carry_status_headers_exact_body_digests_and_link() -> None:
    data = page_to_warc(page())
    iterator = ArchiveIterator(io.BytesIO(data), check_digests=True)
    response = next(iterator)
    assert response.http_headers.statusline == "200 OK"
    assert response.http_headers.get_header("etag") == '"v1"'
    assert response.rec_headers.get_header("WARC-Target-URI") == "http://news.example.cn/b.shtml"
    assert response.rec_headers.get_header("WARC-Date") == "2026-12-05T04:15:00.123456Z"
    assert response.content_stream().read() == BODY
    assert response.digest_checker.passed is not False
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    for record in (response,):
        assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
        assert record.rec_headers.get_header("WARC-Block-Digest").startswith("sha1:")
    metadata = next(iterator)
    assert metadata.rec_headers.get_header("WARC-Concurrent-To") == response_id
    assert metadata.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert metadata.rec_headers.get_header("WARC-Block-Digest").startswith("sha1:")
    facts = metadata.content_stream().read().decode()
    for line in ("site: example", "depth: 3", "truncated: true", "requested-url: http://news"):
        assert line in facts


def test_digests_given_to_warcio_are_the_ones_it_computes_itself() -> None:
    """page_to_warc computes both digests for warcio (each in one pass over the body);
    warcio left to compute them writes byte for byte the same records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    original = page()
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    date = "2026-12-05T04:15:00.123456Z"
    response_id = record_id(original, "response")
    response = writer.create_warc_record(
        original.final_url,
        "response",
        payload=io.BytesIO(BODY),
        length=len(BODY),
        http_headers=StatusAndHeaders(
            "200 OK", list(original.headers.items()), protocol="HTTP/1.1"
        ),
        warc_headers_dict={"WARC-Record-ID": response_id, "WARC-Date": date},
    )
    facts = "".join(f"{k}: {v}\r\n" for k, v in page_facts(original).items()).encode()
    metadata = writer.create_warc_record(
        original.final_url,
        "metadata",
        payload=io.BytesIO(facts),
        length=len(facts),
        warc_content_type="application/warc-fields",
        warc_headers_dict={
            "WARC-Record-ID": record_id(original, "metadata"),
            "WARC-Date": date,
            "WARC-Concurrent-To": response_id,
        },
    )
    writer.write_record(response)
    writer.write_record(metadata)
    assert gzip.decompress(page_to_warc(original)) == out.getvalue()
    for record in ArchiveIterator(io.BytesIO(page_to_warc(original)), check_digests=True):
        record.content_stream().read()
        assert record.digest_checker.passed is True


def test_same_page_gives_same_record_ids() -> None:
    assert page_to_warc(page()) == page_to_warc(page())
    later = page(fetched_at=datetime(2026, 12, 5, 4, 16, tzinfo=UTC))
    assert page_to_warc(later)[:200] != page_to_warc(page())[:200]


def test_reading_back_gives_the_archived_page() -> None:
    original = page()
    responses = list(read_responses(io.BytesIO(page_to_warc(original))))
    assert len(responses) == 1
    assert page_from_response(responses[0], url_id="ignored", site="example") == original


def test_uncompressed_warc_files_are_read_too() -> None:
    """The reader inflates gzip members with ISA-L; a plain .warc must still be read as is."""
    plain = gzip.decompress(page_to_warc(page()) + page_to_warc(page(url_id="f" * 32)))
    responses = list(read_responses(io.BytesIO(plain)))
    assert [r.facts["url-id"] for r in responses] == ["0123456789abcdef0123456789abcdef", "f" * 32]
    assert all(r.body == BODY for r in responses)


def test_other_crawlers_response_without_metadata_uses_warc_date_and_decodes_body() -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    compressed = gzip.compress(BODY)
    headers = StatusAndHeaders(
        "200 OK",
        [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        protocol="HTTP/1.1",
    )
    writer.write_record(writer.create_warc_record("dns:news.example.cn", "resource"))
    record = writer.create_warc_record(
        "https://news.example.cn/x.html",
        "response",
        payload=io.BytesIO(compressed),
        length=len(compressed),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2026-01-02T03:04:05Z", "WARC-Truncated": "length"},
    )
    writer.write_record(record)
    (response,) = read_responses(io.BytesIO(out.getvalue()))
    imported = page_from_response(response, url_id="u1", site=None)
    assert imported.body == BODY
    assert imported.url_id == "u1"
    assert imported.fetched_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert imported.headers["x-newswire-wire-content-encoding"] == "gzip"
    assert "content-encoding" not in imported.headers
    assert imported.truncated
