"""`import-warc` in several processes on the real broker: one WARC file cut into pieces,
every page in pages.raw exactly once and equal to the page archived; a process that dies is
reported."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswire.archive import importer
from newswire.archive.importer import (
    ImportProcesses,
    SitePolicy,
    WarcPiece,
    import_files,
    pieces_of,
)
from newswire.archive.warc_format import page_to_warc
from newswire.records import RawPage
from newswire.settings import Settings
from newswire.sites import SiteRegistry
from newswire.topics import Topic, topic_name
from tests.support import consume

PAGES = 150


def archived_pages(first: int = 0, count: int = PAGES) -> list[RawPage]:
    return [
        RawPage(
            url_id=f"{n:032x}",
            requested_url=f"https://news.example.cn/{n}.html",
            final_url=f"https://news.example.cn/{n}.shtml",
            status=200,
            headers={"content-type": "text/html; charset=utf-8", "etag": f'"{n}"'},
            content_type="text/html; charset=utf-8",
            body=f"<html><title>第{n}条</title>".encode() + f"<p>{n} 正文</p>".encode() * 900,
            fetched_at=datetime(2026, 12, 1, tzinfo=UTC) + timedelta(seconds=n),
            site="example",
            depth=n % 4,
        )
        for n in range(first, first + count)
    ]


def test_one_file_imported_in_pieces_by_two_processes_gives_every_page_once(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = archived_pages()
    warc = tmp_path / "NEWSWIRE-20261201000000-00000-test.warc.gz"
    warc.write_bytes(b"".join(page_to_warc(page) for page in pages))
    # Small pieces, so that this small file is shared as a large one would be.
    monkeypatch.setattr(importer, "MIN_PIECE_BYTES", warc.stat().st_size // 9)
    monkeypatch.setattr(importer, "MIN_PARALLEL_BYTES", 0)
    assert len(pieces_of([warc], 2)) >= 8

    read: list[int] = []
    summary = import_files(
        [warc], settings, SiteRegistry([]), SitePolicy(site="example"), 2, read.append
    )

    assert summary.lines() == [f"imported {PAGES}", "skipped 0", "failed 0"]
    assert sum(read) == warc.stat().st_size  # the progress bar ends full
    topic = topic_name(Topic.PAGES_RAW, settings)
    # More than expected, to see any duplicate (within the timeout); only this test's pages.
    messages = asyncio.run(consume(settings, topic, until=10 * PAGES, timeout=10))
    ours = {page.url_id.encode() for page in pages}
    mine = [m for m in messages if m.key in ours]
    imported = sorted((RawPage.from_bytes(m.value) for m in mine), key=lambda p: p.url_id)
    assert imported == pages


def test_an_import_process_that_dies_is_reported_and_the_others_import_the_rest(
    settings: Settings, tmp_path: Path
) -> None:
    pages = archived_pages(first=1000, count=40)
    warc = tmp_path / "NEWSWIRE-20261201000000-00001-test.warc.gz"
    warc.write_bytes(b"".join(page_to_warc(page) for page in pages))
    pieces = [
        WarcPiece(warc, 0, warc.stat().st_size // 2),
        WarcPiece(warc, warc.stat().st_size // 2),
    ]

    with ImportProcesses(settings, SitePolicy(site="example"), 2) as processes:
        # Killed before it can take a piece (as the OOM killer might, or an operator).
        child = processes.children[1]
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join()
        summary = processes.run(pieces, SiteRegistry([]), lambda _: None)

    assert summary.imported == len(pages)  # this process took every piece
    assert summary.failed == 1
    assert "import process 1 exited with code -9" in summary.errors[0]
