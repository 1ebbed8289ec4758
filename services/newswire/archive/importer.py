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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from aiokafka.errors import KafkaError

from newswire.archive.warc_format import WarcResponse, page_from_response, read_responses
from newswire.broker import producer_options
from newswire.records import RawPage
from newswire.settings import Settings
from newswire.sites import SiteRegistry
from newswire.topics import Topic, topic_name
from newswire.urls import normalize_url, url_id

log = logging.getLogger(__name__)

#: Sends in flight before the importer waits for the broker's acknowledgements.
_IN_FLIGHT = 2000


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
    return Admitted(page_from_response(response, url_id(canonical), site))


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


class _Progress:
    """Counts the compressed bytes read, for a progress bar sized by the files' total."""

    def __init__(self, stream: IO[bytes], advance: Callable[[int], None]) -> None:
        self.stream = stream
        self.advance = advance
        self.reported = 0

    def update(self) -> None:
        position = self.stream.tell()
        self.advance(position - self.reported)
        self.reported = position


def responses_of(
    files: Iterable[Path], summary: ImportSummary, advance: Callable[[int], None]
) -> Iterator[WarcResponse]:
    """Every response in the files; a damaged file is reported and the next one read."""
    for path in files:
        try:
            with path.open("rb") as stream:
                progress = _Progress(stream, advance)
                for response in read_responses(stream):
                    progress.update()
                    yield response
                progress.update()
        except Exception as exc:  # warcio raises several types for damaged input
            summary.failed += 1
            summary.errors.append(f"{path}: {type(exc).__name__}: {exc} (rest of file skipped)")
            log.warning("unreadable WARC file", extra={"file": str(path), "error": str(exc)})


async def import_warc(
    files: list[Path],
    settings: Settings,
    registry: SiteRegistry,
    policy: SitePolicy,
    advance: Callable[[int], None] = lambda _: None,
) -> ImportSummary:
    """Send every admitted response of ``files`` to ``pages.raw``; returns the counts."""
    from aiokafka import AIOKafkaProducer

    summary = ImportSummary()
    topic = topic_name(Topic.PAGES_RAW, settings)
    producer = AIOKafkaProducer(**{**producer_options(settings), "max_batch_size": 1024 * 1024})
    await producer.start()
    pending: list[tuple[asyncio.Future[Any], str]] = []

    async def settle() -> None:
        for future, uri in pending:
            try:
                await future
                summary.imported += 1
            except KafkaError as exc:
                summary.failed += 1
                summary.errors.append(f"{uri}: {type(exc).__name__}: {exc}")
        pending.clear()

    try:
        for response in responses_of(files, summary, advance):
            admitted = admit(response, registry, policy)
            if admitted.page is None:
                summary.skipped[admitted.skipped or "skipped"] += 1
                continue
            page = admitted.page
            try:
                future = await producer.send(topic, page.to_bytes(), key=page.url_id.encode())
            except KafkaError as exc:  # refused before sending: too large for the topic
                summary.failed += 1
                summary.errors.append(f"{response.target_uri}: {type(exc).__name__}: {exc}")
                continue
            pending.append((future, response.target_uri))
            if len(pending) >= _IN_FLIGHT:
                await settle()
        await settle()
    finally:
        await producer.stop()
    return summary


def _import_in_child(files: list[Path], settings: Settings, policy: SitePolicy) -> ImportSummary:
    from newswire.sites import load_sites

    registry = load_sites(settings.seeds_file)
    return asyncio.run(import_warc(files, settings, registry, policy))


def import_in_processes(
    files: list[Path],
    settings: Settings,
    policy: SitePolicy,
    workers: int,
    advance: Callable[[int], None] = lambda _: None,
) -> ImportSummary:
    """:func:`import_warc` with files spread over ``workers`` processes, each with its own
    producer: one process tops out at ~1,500 records per CPU second (inflating, re-encoding),
    so many files import faster on more cores. Progress advances as files finish."""
    total = ImportSummary()
    # spawn, not fork: the progress bar's refresh thread may hold a lock at fork time.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        running = {pool.submit(_import_in_child, [path], settings, policy): path for path in files}
        for future in as_completed(running):
            part = future.result()
            total.imported += part.imported
            total.skipped.update(part.skipped)
            total.failed += part.failed
            total.errors.extend(part.errors)
            advance(running[future].stat().st_size)
    return total
