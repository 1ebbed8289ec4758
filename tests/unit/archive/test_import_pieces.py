"""WARC files cut into pieces for the import processes: every response read exactly once,
wherever the cuts fall."""

from __future__ import annotations

import gzip
import io
import random
import zlib
from itertools import pairwise
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newswire.archive.importer import (
    ImportSummary,
    WarcPiece,
    pieces_of,
    responses_of,
    whole,
)
from newswire.archive.warc_format import next_member, page_to_warc, read_responses
from tests.unit.archive.test_warc_format import page


def archive_file(path: Path, pages: int) -> Path:
    """A WARC file of response + metadata records, each its own gzip member, as the archiver
    writes them, but deflated by zlib, which stores incompressible data as it is: each body
    holds a gzip file of random bytes, whose magic bytes then appear where no record starts."""
    rng = random.Random(7)
    with path.open("wb") as out:
        for n in range(pages):
            inner = gzip.compress(rng.randbytes(rng.randrange(30_000)))
            body = rng.randbytes(rng.randrange(30_000)) + inner + rng.randbytes(500)
            for record in members(page_to_warc(page(url_id=f"{n:032x}", body=body))):
                out.write(zlib.compress(record, 6, wbits=zlib.MAX_WBITS + 16))
    return path


def members(data: bytes) -> list[bytes]:
    """The inflated content of each gzip member."""
    found = []
    while data:
        inflate = zlib.decompressobj(zlib.MAX_WBITS + 16)
        found.append(inflate.decompress(data))
        data = inflate.unused_data
    return found


def record_offsets(path: Path) -> list[int]:
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        offsets = []
        for record in records:
            record.content_stream().read()
            offsets.append(records.get_record_offset())
    return offsets


def read(pieces: list[WarcPiece]) -> list[str]:
    summary = ImportSummary()
    ids = [r.facts["url-id"] for r in responses_of(pieces, summary, lambda _: None)]
    assert summary.failed == 0, summary.errors
    return ids


def test_next_member_finds_the_next_record_start_past_chance_magic_bytes(tmp_path: Path) -> None:
    path = archive_file(tmp_path / "a.warc.gz", 40)
    offsets = record_offsets(path)
    size = path.stat().st_size
    with path.open("rb") as stream:
        for position in [0, 1, *random.Random(1).sample(range(size), 60), size - 1]:
            expected = next((o for o in offsets if o >= position), None)
            # A small window makes the search cross window edges too.
            assert next_member(stream, position, window=4096) == expected


def test_every_response_is_read_once_wherever_the_pieces_are_cut(tmp_path: Path) -> None:
    path = archive_file(tmp_path / "a.warc.gz", 60)
    everything = read(whole([path]))
    assert len(everything) == 60
    size = path.stat().st_size
    rng = random.Random(3)
    for _ in range(10):
        cuts = sorted(rng.sample(range(1, size), rng.randrange(1, 12)))
        bounds: list[int | None] = [0, *cuts, None]
        pieces = [WarcPiece(path, a or 0, b) for a, b in pairwise(bounds)]
        # Facts included: a response at a piece's end is joined with the metadata past it.
        assert read(pieces) == everything


def test_pieces_cover_each_file_for_the_processes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    big = archive_file(tmp_path / "big.warc.gz", 60)
    small = archive_file(tmp_path / "small.warc.gz", 2)
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(big.read_bytes()))
    monkeypatch.setattr("newswire.archive.importer.MIN_PIECE_BYTES", 100_000)
    pieces = pieces_of([big, small, plain], workers=2)
    big_pieces = [p for p in pieces if p.path == big]
    assert len(big_pieces) > 2
    assert big_pieces[0].start == 0 and big_pieces[-1].end is None
    assert all(a.end == b.start for a, b in pairwise(big_pieces))
    # Small files and uncompressed ones (no member to cut at) stay whole.
    assert [p for p in pieces if p.path != big] == [WarcPiece(small), WarcPiece(plain)]
    assert read(pieces) == read(whole([big, small, plain]))


def test_progress_adds_up_to_the_files_sizes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = archive_file(tmp_path / "a.warc.gz", 30)
    monkeypatch.setattr("newswire.archive.importer.MIN_PIECE_BYTES", 50_000)
    read_bytes: list[int] = []
    list(responses_of(pieces_of([path], workers=2), ImportSummary(), read_bytes.append))
    assert sum(read_bytes) == path.stat().st_size
    assert all(n > 0 for n in read_bytes)


def test_a_stream_read_to_an_end_stops_at_the_first_record_past_it() -> None:
    data = b"".join(page_to_warc(page(url_id=f"{n:032x}")) for n in range(3))
    second = data.index(page_to_warc(page(url_id=f"{1:032x}")))
    found = list(read_responses(io.BytesIO(data), end=second))
    assert [r.facts["url-id"] for r in found] == [f"{0:032x}"]
    assert found[0].facts["depth"] == "3"
