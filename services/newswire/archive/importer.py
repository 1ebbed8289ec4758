"""``newswire import-warc``: HTTP responses from WARC files into ``pages.raw``.

The files may be newswire's own archive or anyone else's (Common Crawl News, Heritrix,
StormCrawler). Every response becomes the :class:`~newswire.records.RawPage` it stands for
(:func:`~.warc_format.page_from_response`), keyed by its url id, and the parser takes it from
there like any fetched page. Importing the same file twice changes nothing downstream: the
url id, the body and the fetch time (newswire's own, or the record's ``WARC-Date``) are the
same, so the article id and version are too, and the parser's content-hash check drops the
second copy.

Which pages go in is decided per response by :func:`admit`, which is pure.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import queue
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path
from typing import IO, Any

from aiokafka.errors import KafkaError

from newswire.archive.warc_format import (
    WarcResponse,
    next_member,
    page_from_response,
    read_responses,
)
from newswire.broker import producer_options
from newswire.records import RawPage, raw_page_bytes
from newswire.settings import Settings
from newswire.sites import SiteRegistry
from newswire.topics import Topic, topic_name
from newswire.urls import normalize_url, url_id

log = logging.getLogger(__name__)

#: Sends in flight before the importer waits for the oldest one's acknowledgement.
_IN_FLIGHT = 1000


@dataclass(frozen=True)
class SitePolicy:
    """How imported pages are assigned to sites (``--site`` / ``--any-site``)."""

    #: Every page goes to this site, whatever its host.
    site: str | None = None
    #: Pages of hosts no site declares are imported too (without a site).
    any_site: bool = False


@dataclass(frozen=True)
class Admitted:
    page: RawPage | None
    #: Why the page was skipped (``unknown_host``, ``invalid_url``, ``http_4xx``...).
    skipped: str | None = None


def admit(response: WarcResponse, registry: SiteRegistry, policy: SitePolicy) -> Admitted:
    """The page to import for one response, or the reason it is skipped."""
    if not 200 <= response.status < 300:
        return Admitted(None, f"http_{response.status // 100}xx")
    try:
        canonical = normalize_url(response.target_uri)
    except ValueError:
        return Admitted(None, "invalid_url")
    if policy.site is not None:
        site: str | None = policy.site
    else:
        known = registry.for_url(canonical)
        if known is None and not policy.any_site:
            return Admitted(None, "unknown_host")
        site = known.name if known else None
    # (newswire's own records carry the url id, which page_from_response takes first.)
    uid = response.facts.get("url-id") or url_id(canonical)
    return Admitted(page_from_response(response, uid, site))


@dataclass
class ImportSummary:
    imported: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failed: int = 0
    #: One line per failure: which file, where, what.
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in self.skipped.most_common())
        return [
            f"imported {self.imported}",
            f"skipped {skipped}" + (f" ({reasons})" if reasons else ""),
            f"failed {self.failed}",
            *self.errors,
        ]

    def add(self, other: ImportSummary) -> None:
        self.imported += other.imported
        self.skipped.update(other.skipped)
        self.failed += other.failed
        self.errors.extend(other.errors)


def warc_files(paths: Iterable[Path]) -> list[Path]:
    """The WARC files named, with a directory standing for the files in it (closed ones)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.name.endswith((".warc.gz", ".warc")))
            )
        else:
            files.append(path)
    return files


@dataclass(frozen=True)
class WarcPiece:
    """The records of a WARC file that start in ``[start, end)`` (``end`` None: to its end)."""

    path: Path
    start: int = 0
    end: int | None = None


#: Smallest piece a file is cut into for the import processes: each piece costs a search for
#: its first record (a few ms), so the bound only keeps a small file from being cut at all.
MIN_PIECE_BYTES = 8 * 1024 * 1024


def pieces_of(files: list[Path], workers: int) -> list[WarcPiece]:
    """The files in pieces for ``workers`` processes: about four a process, so that they all
    finish close together, never under :data:`MIN_PIECE_BYTES`. Only gzipped files are cut
    (at any gzip member, :func:`~.warc_format.next_member`); a plain ``.warc`` stays whole."""
    sizes = {path: path.stat().st_size for path in files}
    piece_bytes = max(MIN_PIECE_BYTES, sum(sizes.values()) // (4 * workers))
    pieces: list[WarcPiece] = []
    for path in files:
        size = sizes[path]
        if not path.name.endswith(".gz") or size <= piece_bytes:
            pieces.append(WarcPiece(path))
            continue
        starts = range(0, size, piece_bytes)
        ends: list[int | None] = [*starts[1:], None]
        pieces.extend(WarcPiece(path, start, end) for start, end in zip(starts, ends, strict=True))
    return pieces


class _Progress:
    """Counts the compressed bytes of a piece read, for a progress bar sized by the files'
    total: every piece adds its own size, whatever it reads beyond."""

    def __init__(self, stream: IO[bytes], piece: WarcPiece, advance: Callable[[int], None]) -> None:
        self.stream = stream
        self.advance = advance
        self.reported = piece.start
        self.end = piece.end if piece.end is not None else piece.path.stat().st_size

    def update(self, position: int | None = None) -> None:
        position = min(self.stream.tell() if position is None else position, self.end)
        if position > self.reported:
            self.advance(position - self.reported)
            self.reported = position

    def finish(self) -> None:
        self.update(self.end)


def responses_of(
    pieces: Iterable[WarcPiece], summary: ImportSummary, advance: Callable[[int], None]
) -> Iterator[WarcResponse]:
    """Every response in the pieces; a damaged file is reported and the next piece read."""
    for piece in pieces:
        path = piece.path
        try:
            with path.open("rb") as stream:
                progress = _Progress(stream, piece, advance)
                start = next_member(stream, piece.start) if piece.start else 0
                if start is not None and (piece.end is None or start < piece.end):
                    stream.seek(start)
                    for response in read_responses(stream, piece.end):
                        progress.update()
                        yield response
                progress.finish()
        except Exception as exc:  # warcio raises several types for damaged input
            summary.failed += 1
            where = f" (from byte {piece.start})" if piece.start else ""
            summary.errors.append(
                f"{path}{where}: {type(exc).__name__}: {exc} (rest of file skipped)"
            )
            log.warning("unreadable WARC file", extra={"file": str(path), "error": str(exc)})


def whole(files: Iterable[Path]) -> list[WarcPiece]:
    """Each file as one piece."""
    return [WarcPiece(path) for path in files]


async def import_warc(
    pieces: Iterable[WarcPiece],
    settings: Settings,
    registry: SiteRegistry,
    policy: SitePolicy,
    advance: Callable[[int], None] = lambda _: None,
) -> ImportSummary:
    """Send every admitted response of the pieces to ``pages.raw``; returns the counts."""
    from aiokafka import AIOKafkaProducer

    summary = ImportSummary()
    topic = topic_name(Topic.PAGES_RAW, settings)
    producer = AIOKafkaProducer(**{**producer_options(settings), "max_batch_size": 1024 * 1024})
    await producer.start()
    # Sends not yet acknowledged, oldest first: awaited one by one once the window is full,
    # so reading goes on while the broker acknowledges (rather than stopping for all of them).
    pending: deque[tuple[asyncio.Future[Any], str]] = deque()

    async def settle(keep: int) -> None:
        while len(pending) > keep:
            future, uri = pending.popleft()
            try:
                await future
                summary.imported += 1
            except KafkaError as exc:
                summary.failed += 1
                summary.errors.append(f"{uri}: {type(exc).__name__}: {exc}")

    try:
        for response in responses_of(pieces, summary, advance):
            admitted = admit(response, registry, policy)
            if admitted.page is None:
                summary.skipped[admitted.skipped or "skipped"] += 1
                continue
            page = admitted.page
            try:
                message = raw_page_bytes(page)
                future = await producer.send(topic, message, key=page.url_id.encode())
            except (KafkaError, ValueError, TypeError) as exc:
                # Refused before sending (too large for the topic), or not encodable.
                summary.failed += 1
                summary.errors.append(f"{response.target_uri}: {type(exc).__name__}: {exc}")
                continue
            pending.append((future, response.target_uri))
            await settle(_IN_FLIGHT)
        await settle(0)
    finally:
        await producer.stop()
    return summary


#: Files smaller in total are imported in one process: under a second of work, less than a
#: spawned process (see :class:`ImportProcesses`) spends importing its modules.
MIN_PARALLEL_BYTES = 16 * 1024 * 1024

Advance = Callable[[int], None]


@contextmanager
def importing(
    files: list[Path],
    settings: Settings,
    registry: SiteRegistry,
    policy: SitePolicy,
    workers: int,
) -> Iterator[Callable[[Advance], ImportSummary]]:
    """``import-warc``: ``run(advance)`` inside the ``with`` imports the files, in ``workers``
    processes when they are large enough to share (started on entry, see
    :class:`ImportProcesses`), otherwise in this one."""
    pieces = pieces_of(files, workers)
    large = sum(path.stat().st_size for path in files) >= MIN_PARALLEL_BYTES
    if workers > 1 and len(pieces) > 1 and large:
        with ImportProcesses(settings, policy, min(workers, len(pieces))) as processes:
            yield lambda advance: processes.run(pieces, registry, advance)
    else:
        yield lambda advance: asyncio.run(
            import_warc(whole(files), settings, registry, policy, advance)
        )


def import_files(
    files: list[Path],
    settings: Settings,
    registry: SiteRegistry,
    policy: SitePolicy,
    workers: int,
    advance: Advance = lambda _: None,
) -> ImportSummary:
    """:func:`importing` in one call."""
    with importing(files, settings, registry, policy, workers) as run:
        return run(advance)


#: Bytes a started process reads between two reports to the progress bar.
_REPORT_BYTES = 1024 * 1024


def _import_worker(
    number: int,
    tasks: Queue[WarcPiece | None],
    reports: Queue[tuple[str, int, Any]],
    settings: Settings,
    policy: SitePolicy,
) -> None:
    """A started import process: its own producer, for pieces taken from ``tasks`` until
    None; reports its progress and then its summary."""
    from newswire.sites import load_sites

    unreported = 0

    def advance(read: int) -> None:
        nonlocal unreported
        unreported += read
        if unreported >= _REPORT_BYTES:
            reports.put(("progress", number, unreported))
            unreported = 0

    registry = load_sites(settings.seeds_file)
    summary = asyncio.run(import_warc(iter(tasks.get, None), settings, registry, policy, advance))
    reports.put(("progress", number, unreported))
    reports.put(("done", number, summary))


class ImportProcesses:
    """:func:`import_warc` in ``workers`` processes: this one and ``workers - 1`` started on
    entering, each with its own producer, all taking pieces of the files from one queue as
    they finish the last. One process tops out at ~1,700 records per CPU second (inflating,
    re-encoding), so more cores import faster, even from a single file.

    The processes are forked when this one runs no other thread (the CLI enters before it
    starts its progress bar): a fork has every module already imported, where a spawned
    process spends about a CPU second importing them. A thread could hold a lock at fork
    time that the child would then never see released: spawn in that case.
    """

    def __init__(self, settings: Settings, policy: SitePolicy, workers: int) -> None:
        self.settings = settings
        self.policy = policy
        self.start_method = "fork" if threading.active_count() == 1 else "spawn"
        context = multiprocessing.get_context(self.start_method)
        self.tasks: Queue[WarcPiece | None] = context.Queue()
        self.reports: Queue[tuple[str, int, Any]] = context.Queue()
        self.workers = workers
        self.children = {
            number: context.Process(
                target=_import_worker,
                args=(number, self.tasks, self.reports, settings, policy),
                name=f"import-warc-{number}",
                daemon=True,
            )
            for number in range(1, workers)
        }

    def __enter__(self) -> ImportProcesses:
        for child in self.children.values():
            child.start()
        return self

    def __exit__(self, *_: object) -> None:
        for child in self.children.values():
            if child.is_alive():  # the import was interrupted: its work is lost anyway
                child.terminate()
            child.join()

    def run(
        self, pieces: list[WarcPiece], registry: SiteRegistry, advance: Advance
    ) -> ImportSummary:
        """Import the pieces (this process with ``registry``); returns everyone's counts."""
        for piece in [*pieces, *[None] * self.workers]:
            self.tasks.put(piece)
        total = ImportSummary()
        running = set(self.children)

        def receive(timeout: float | None) -> None:
            """Handle what the children reported (waiting up to ``timeout`` for the first)."""
            while True:
                try:
                    kind, number, value = (
                        self.reports.get(timeout=timeout) if timeout else self.reports.get_nowait()
                    )
                except queue.Empty:
                    return
                timeout = None
                if kind == "progress":
                    advance(value)
                else:
                    running.discard(number)
                    total.add(value)

        unreceived = 0

        def advance_here(read: int) -> None:
            nonlocal unreceived
            advance(read)
            unreceived += read
            if unreceived >= _REPORT_BYTES:
                unreceived = 0
                receive(None)

        pieces_here = iter(self.tasks.get, None)
        total.add(
            asyncio.run(
                import_warc(pieces_here, self.settings, registry, self.policy, advance_here)
            )
        )
        while running:
            receive(1.0)
            # A child that died without its summary (killed, out of memory): what it had
            # taken is lost to this run; say so rather than wait for it.
            for number in [n for n in running if self.children[n].exitcode not in (None, 0)]:
                running.discard(number)
                total.failed += 1
                total.errors.append(
                    f"import process {number} exited with code"
                    f" {self.children[number].exitcode}: the pieces it had taken were not all"
                    " imported (run the import again)"
                )
        return total
