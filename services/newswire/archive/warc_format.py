"""Pages to WARC records and back (pure: bytes in, bytes out; no files, no Kafka).

Each :class:`~newswire.records.RawPage` becomes two WARC/1.1 records, built by warcio:

* a ``response`` record for ``final_url``: the HTTP status line, the headers as the fetcher
  stored them and the exact body bytes. The fetcher keeps the *decoded* body and renames the
  wire headers that no longer apply (``content-encoding`` becomes
  ``x-newswire-wire-content-encoding``), so any WARC reader gets the body newswire parsed;
* a ``metadata`` record (``application/warc-fields``) linked to it by ``WARC-Concurrent-To``,
  holding newswire's own facts: site, url id, requested URL (differs from the target after a
  redirect), fetch time to the microsecond, kind, crawl depth, truncation, elapsed time.

Both carry ``WARC-Block-Digest`` and ``WARC-Payload-Digest`` (sha1, base32), computed here in
one pass each over the body and handed to warcio, which writes the records.
Every record is compressed as its own gzip member, as Common Crawl does, so a reader can seek
to any record's offset (``warcio index`` lists them) and a file can be cut at any member end.

Record ids are derived from the page (url id + fetch time), not random: the same page written
twice (a restart re-consumes what it had not committed) gives records with the same
``WARC-Record-ID``, which readers can drop as duplicates, and :func:`page_from_records`
gives the same :class:`RawPage` for both, hence the same article id and version.
"""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import IO, Any, ClassVar

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from newswire.records import CrawlKind, RawPage

#: Namespace of newswire's record ids (uuid5 of the page's url id, fetch time and record type).
_RECORD_NAMESPACE = uuid.UUID("6f1d3c52-9a7e-4c1b-8a55-2f0a4b9e1d77")
#: Deflate level of each record's gzip member (``NEWSWIRE_ARCHIVE_GZIP_LEVEL``). warcio's own
#: writer uses zlib's 9. Levels up to :data:`ISAL_MAX_LEVEL` are ISA-L's, higher ones zlib's.
GZIP_LEVEL = 1
#: Intel's ISA-L deflate (isal) has levels 0-3 and writes the same gzip format as zlib: at
#: level 1 it deflated news pages ~4x faster than zlib's level 1, to the same size (zlib was
#: over half of the archiver's CPU). zlib's 6 still makes files ~15% smaller, at ~10x the cost.
ISAL_MAX_LEVEL = isal_zlib.ISAL_BEST_COMPRESSION
SOFTWARE = "newswire"
#: Headers describing a wire encoding that a reader's decoded body no longer has.
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


def record_id(page: RawPage, record_type: str) -> str:
    name = f"{page.url_id} {page.fetched_at.isoformat()} {record_type}"
    return f"<urn:uuid:{uuid.uuid5(_RECORD_NAMESPACE, name)}>"


def warc_date(moment: datetime) -> str:
    """WARC/1.1 date with microseconds, in UTC (``2026-12-05T04:15:00.123456Z``)."""
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def page_facts(page: RawPage) -> dict[str, str]:
    """newswire's own facts about a fetch, as the fields of its metadata record."""
    facts = {
        "software": SOFTWARE,
        "url-id": page.url_id,
        "requested-url": page.requested_url,
        "fetched-at": page.fetched_at.isoformat(),
        "kind": page.kind,
        "depth": str(page.depth),
        "truncated": "true" if page.truncated else "false",
    }
    if page.site:
        facts["site"] = page.site
    if page.elapsed_ms is not None:
        facts["elapsed-ms"] = str(page.elapsed_ms)
    return facts


def _warc_fields(fields: dict[str, str]) -> bytes:
    # A field value may not span lines; no fact of ours has a line break, but a URL could.
    return b"".join(
        f"{name}: {' '.join(value.split())}\r\n".encode() for name, value in fields.items()
    )


def parse_warc_fields(block: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip().lower()] = value.strip()
    return fields


class _GzipMember:
    """Where warcio writes one record: deflated as it comes, into a gzip member of its own.

    warcio's ``WARCWriter(gzip=True)`` does the same with zlib at level 9; this one takes
    the level (and ISA-L's deflate), and saves building the record uncompressed first.
    """

    def __init__(self, level: int) -> None:
        deflate = isal_zlib if level <= ISAL_MAX_LEVEL else zlib
        self._compressor = deflate.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(self._compressor.compress(data))
        return len(data)

    def flush(self) -> None:
        # warcio flushes once, when the record is complete: that ends the member.
        self.parts.append(self._compressor.flush())


def _digest(*parts: bytes) -> str:
    """A WARC digest as warcio writes it: ``sha1:`` and the base32 of the SHA-1."""
    sha1 = hashlib.sha1()
    for part in parts:
        sha1.update(part)
    return "sha1:" + base64.b32encode(sha1.digest()).decode()


def _record(
    writer: WARCWriter,
    page: RawPage,
    record_type: str,
    record_id: str,
    payload: bytes,
    http_headers: StatusAndHeaders | None = None,
    concurrent_to: str | None = None,
) -> Any:
    """One warcio record with its digests given: one sha1 call over the body for each, where
    warcio reads the payload stream in 16 KB pieces for each (~3% of the writing CPU). The
    block digest covers the HTTP headers and the payload, the payload digest the body alone."""
    header_bytes = b""
    if http_headers is not None:
        http_headers.compute_headers_buffer()
        header_bytes = http_headers.headers_buff
    headers = StatusAndHeaders(
        "",
        [
            ("WARC-Record-ID", record_id),
            ("WARC-Date", warc_date(page.fetched_at)),
            *([("WARC-Concurrent-To", concurrent_to)] if concurrent_to else []),
            ("WARC-Type", record_type),
            ("WARC-Target-URI", page.final_url),
            ("WARC-Payload-Digest", _digest(payload)),
            ("WARC-Block-Digest", _digest(header_bytes, payload)),
        ],
        protocol=writer.warc_version,
    )
    return writer.create_warc_record(
        page.final_url,
        record_type,
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_headers=headers,
        http_headers=http_headers,
    )


def page_to_warc(page: RawPage, level: int = GZIP_LEVEL) -> bytes:
    """The response and metadata records of one page, each its own gzip member."""
    writer = WARCWriter(None, gzip=False, warc_version="1.1")
    response_id = record_id(page, "response")
    http_headers = StatusAndHeaders(
        _status_line(page.status), list(page.headers.items()), protocol="HTTP/1.1"
    )
    response = _record(writer, page, "response", response_id, page.body, http_headers)
    metadata = _record(
        writer,
        page,
        "metadata",
        record_id(page, "metadata"),
        _warc_fields(page_facts(page)),
        concurrent_to=response_id,
    )
    parts: list[bytes] = []
    for record in (response, metadata):
        member = _GzipMember(level)
        writer.out = member
        writer.write_record(record)
        parts.extend(member.parts)
    return b"".join(parts)


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarcResponse:
    """One HTTP response read from a WARC file, with newswire's facts when the file has them."""

    record_id: str
    target_uri: str
    date: datetime
    status: int
    headers: dict[str, str]
    body: bytes
    #: Fields of the metadata record concurrent to it (empty for other crawlers' files).
    facts: dict[str, str]
    #: Where the response record starts in its file (for messages about it).
    offset: int
    #: The crawler cut the body (``WARC-Truncated``; Common Crawl does at 1 MB).
    truncated: bool = False


def _header_dict(http_headers: StatusAndHeaders) -> dict[str, str]:
    """Lower-cased names; a repeated header's values joined as HTTP allows."""
    headers: dict[str, str] = {}
    for name, value in http_headers.headers:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _as_decoded(headers: dict[str, str]) -> dict[str, str]:
    # As the fetcher does: the body we keep is decoded, the wire headers no longer apply.
    for name in _WIRE_HEADERS:
        value = headers.pop(name, None)
        if value is not None:
            headers[f"x-newswire-wire-{name}"] = value
    return headers


def _response_of(record: Any, warc: dict[str, str], offset: int) -> WarcResponse | None:
    """The response in a warcio record (its WARC headers already in ``warc``), or None for
    one that is not an HTTP response."""
    uri = warc.get("warc-target-uri", "")
    if not uri.lower().startswith(("http://", "https://")) or record.http_headers is None:
        return None
    status = int(record.http_headers.get_statuscode() or 0)
    headers = _header_dict(record.http_headers)
    if headers.get("content-encoding") or headers.get("transfer-encoding"):
        # content_stream() undoes chunking and Content-Encoding (other crawlers keep wire
        # bytes); newswire's own records hold the decoded body, read as it is.
        body = record.content_stream().read()
        headers = _as_decoded(headers)
    else:
        body = record.raw_stream.read()
    return WarcResponse(
        record_id=warc.get("warc-record-id", ""),
        target_uri=uri,
        date=_warc_date(warc.get("warc-date", "")),
        status=status,
        headers=headers,
        body=body,
        facts={},
        offset=offset,
        truncated=bool(warc.get("warc-truncated")),
    )


def _warc_date(text: str) -> datetime:
    try:
        # Python reads WARC/1.1's dates itself (with or without fractions, ``Z``), faster.
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = iso_date_to_datetime(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _IsalGzipReader(DecompressingBufferedReader):
    """warcio's buffered reader of a WARC stream, inflating its gzip members with ISA-L:
    ~2.4x zlib's speed, which halved the time to read a page's records (import, reparse)."""

    DECOMPRESSORS: ClassVar[dict[str, Callable[[], Any]]] = {
        **DecompressingBufferedReader.DECOMPRESSORS,
        "gzip": lambda: isal_zlib.decompressobj(zlib.MAX_WBITS + 16),
    }


class _ArchiveIterator(ArchiveIterator):
    """warcio's ``ArchiveIterator``, reading through :class:`_IsalGzipReader`."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(stream)
        # (Replaced before the first record is read: the iterator reads through self.reader.)
        self.reader = _IsalGzipReader(self.fh)


def read_responses(stream: IO[bytes], end: int | None = None) -> Iterator[WarcResponse]:
    """Every HTTP response in a WARC stream (gzipped or not), joined with its metadata record;
    with ``end``, only the responses whose record starts before that offset of the stream.

    A metadata record names its response by ``WARC-Concurrent-To``; newswire writes it right
    after the response, and so do the crawlers that write one, so one response is held back
    until the next record shows whether metadata belongs to it (read even past ``end``).
    Other record types (request, warcinfo, revisit, dns) are passed over.
    """
    records = _ArchiveIterator(stream)
    pending: WarcResponse | None = None
    for record in records:
        # (warcio knows where a record starts before it is read: at the end of the last one.)
        offset = records.offset
        beyond = end is not None and offset >= end
        kind = record.rec_type
        if kind != "metadata" and (beyond or kind != "response"):
            if beyond:
                break
            continue
        # Each record's WARC headers looked up once, by lower-cased name (warcio's get_header
        # scans and lower-cases the whole list on every call).
        warc = {name.lower(): value for name, value in record.rec_headers.headers}
        if kind == "metadata":
            if pending is not None and warc.get("warc-concurrent-to") == pending.record_id:
                # (The response's own dict: its facts are complete once this record is read.)
                pending.facts.update(parse_warc_fields(record.raw_stream.read()))
            if beyond:
                break
            continue
        response = _response_of(record, warc, offset)
        if response is None:
            continue
        if pending is not None:
            yield pending
        pending = response
    if pending is not None:
        yield pending


#: How a gzip member starts: ID1, ID2 and CM (deflate), RFC 1952.
_GZIP_MAGIC = b"\x1f\x8b\x08"


def next_member(stream: IO[bytes], position: int, window: int = 1 << 20) -> int | None:
    """Where the first gzip member at or after ``position`` starts that holds a WARC record
    (None: there is none), so that a file of one member per record (newswire's, Common
    Crawl's) can be read in pieces, each from such an offset on.

    The magic bytes can occur inside compressed data (deflate stores incompressible bytes,
    such as a gzipped body, as they are): a candidate counts only if it inflates to the start
    of a WARC record. (Only a gzipped WARC file archived inside a record could pass for one.)
    """
    while True:
        stream.seek(position)
        data = stream.read(window)
        found = data.find(_GZIP_MAGIC)
        while found >= 0:
            stream.seek(position + found)
            try:
                head = zlib.decompressobj(zlib.MAX_WBITS + 16).decompress(stream.read(4096), 8)
            except zlib.error:
                head = b""
            if head.startswith(b"WARC/"):
                return position + found
            found = data.find(_GZIP_MAGIC, found + 1)
        if len(data) < window:
            return None
        # (The next window overlaps this one by the magic's length less one byte.)
        position += len(data) - len(_GZIP_MAGIC) + 1


def _fetched_at(response: WarcResponse) -> datetime:
    text = response.facts.get("fetched-at")
    if text:
        try:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except ValueError:
            pass
    return response.date


def page_from_response(response: WarcResponse, url_id: str, site: str | None) -> RawPage:
    """The :class:`RawPage` a response stands for: for newswire's own records, the very page
    that was archived (same url id, fetch time, depth); for others', the WARC date as the
    fetch time, so importing the same file twice gives the same versions."""
    facts = response.facts
    kind: CrawlKind = facts.get("kind", "page")  # type: ignore[assignment]
    if kind not in ("page", "list", "feed", "sitemap"):
        kind = "page"
    elapsed = facts.get("elapsed-ms")
    return RawPage(
        url_id=facts.get("url-id") or url_id,
        requested_url=facts.get("requested-url") or response.target_uri,
        final_url=response.target_uri,
        status=response.status,
        headers=response.headers,
        content_type=response.headers.get("content-type"),
        body=response.body,
        truncated=facts.get("truncated") == "true" or response.truncated,
        fetched_at=_fetched_at(response),
        site=site,
        kind=kind,
        depth=int(facts["depth"]) if facts.get("depth", "").isdigit() else 0,
        elapsed_ms=float(elapsed) if elapsed and _is_number(elapsed) else None,
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
