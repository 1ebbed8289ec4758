"""`newswire archive` on the real broker: pages.raw into WARC files that warcio's own tools
accept, offsets committed only after fsync, and nothing lost when the archiver is SIGKILLed
mid-file and restarted."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from newswire.archive.archive_file import OPEN_SUFFIX, closed_files
from newswire.archive.warc_format import read_responses
from newswire.broker import create_topics
from newswire.records import DeadLetter
from newswire.settings import REPO_ROOT, Settings
from newswire.topics import Topic, topic_name
from tests.integration.archive.demo_pages import demo_pages, warcio_tool
from tests.integration.ops.opsutil import newswire_json
from tests.support import (
    ServiceProcess,
    committed_total,
    consume,
    demo_site_running,
    free_port,
    produce,
)


@pytest.fixture(scope="module")
def archive_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Small files, so a run of a few hundred pages rotates several times.
    return settings.model_copy(
        update={
            "archive_dir": tmp_path_factory.mktemp("warc"),
            "archive_max_file_bytes": 40_000,
        }
    )


async def committed(settings: Settings) -> int:
    """Pages the archive group has committed (the sum of its committed offsets)."""
    return await committed_total(settings, Topic.PAGES_RAW, "newswire-archive")


async def wait_for(condition, what: str, service: ServiceProcess, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert service.process is not None and service.process.poll() is None, (
            f"archiver exited:\n{service.log_tail()}"
        )
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{service.log_tail()}"
        await asyncio.sleep(0.3)


def archived_url_ids(directory: Path) -> list[str]:
    ids = []
    for path in closed_files(directory):
        with path.open("rb") as stream:
            ids.extend(r.facts["url-id"] for r in read_responses(stream))
    return ids


async def test_pages_become_warc_files_that_warcio_checks_and_indexes(
    archive_settings: Settings, tmp_path: Path
) -> None:
    pages = demo_pages(copies=3)
    # A message that is not a page, in the middle: dead-lettered, and the stream goes on.
    messages = [(p.url_id.encode(), p.to_bytes()) for p in pages]
    messages.insert(len(messages) // 2, (b"poison", b'{"type":"RawPage","schema_version":99}'))
    await produce(archive_settings, topic_name(Topic.PAGES_RAW, archive_settings), messages)
    log = tmp_path / "archive.log"
    with ServiceProcess(archive_settings, "archive", log_path=log) as archiver:

        async def all_committed() -> bool:
            return await committed(archive_settings) >= len(messages)

        await wait_for(all_committed, "all pages committed", archiver)
        # Committed means fsynced: the open file already holds every page.
        open_files = list(Path(archive_settings.archive_dir).glob(f"*{OPEN_SUFFIX}"))
        assert len(open_files) <= 1
    # A clean stop closes (renames) the open file.
    directory = Path(archive_settings.archive_dir)
    assert not list(directory.glob(f"*{OPEN_SUFFIX}"))
    files = closed_files(directory)
    assert len(files) >= 2, "40 KB files should have rotated"
    assert sorted(archived_url_ids(directory)) == sorted(p.url_id for p in pages)

    check = warcio_tool("check", "-v", *map(str, files))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 2 * len(pages)
    index = warcio_tool("index", "-f", "warc-type,warc-target-uri,offset", *map(str, files))
    assert index.returncode == 0, index.stderr
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    assert sum(r["warc-type"] == "response" for r in rows) == len(pages)
    assert sum(r["warc-type"] == "metadata" for r in rows) == len(pages)
    # Every record starts at an offset a reader can seek to (one gzip member per record).
    first = rows[1]
    extracted = warcio_tool("extract", "--headers", str(files[0]), first["offset"])
    assert "WARC-Concurrent-To" in extracted.stdout

    (letter,) = [
        DeadLetter.from_bytes(m.value)
        for m in await consume(
            archive_settings, topic_name(Topic.DEAD_LETTERS, archive_settings), until=1
        )
    ]
    assert (letter.stage, letter.reason, letter.origin_key) == (
        "decode",
        "unknown_schema_version",
        b"poison",
    )


async def test_sigkill_mid_file_loses_nothing_and_leaves_every_file_readable(
    archive_settings: Settings, tmp_path: Path
) -> None:
    directory = Path(archive_settings.archive_dir)
    already = len(archived_url_ids(directory))
    topic = topic_name(Topic.PAGES_RAW, archive_settings)
    pages = demo_pages(copies=40)[len(demo_pages()) * 3 :]  # new URLs only
    log = tmp_path / "archive.log"
    archiver = ServiceProcess(archive_settings, "archive", log_path=log).start()
    first_half = pages[: len(pages) // 2]

    async def keep_feeding() -> None:
        # The second half a few pages at a time: the archiver always has a file open when
        # it is killed (fed all at once, it can finish and close its last file between the
        # check below and the kill, on a busy machine).
        for i in range(len(first_half), len(pages), 4):
            batch = pages[i : i + 4]
            await produce(
                archive_settings, topic, [(p.url_id.encode(), p.to_bytes()) for p in batch]
            )
            await asyncio.sleep(0.05)

    feeding = None
    try:
        # Keep pages coming while the archiver writes, and kill it in the middle of that.
        await produce(
            archive_settings, topic, [(p.url_id.encode(), p.to_bytes()) for p in first_half]
        )
        feeding = asyncio.create_task(keep_feeding())

        async def writing() -> bool:
            opened = list(directory.glob(f"*{OPEN_SUFFIX}"))
            return bool(opened) and opened[0].stat().st_size > 0

        await wait_for(writing, "an open file with records", archiver)
        archiver.kill()
    finally:
        archiver.stop()
        if feeding is not None:
            await feeding
    left_open = list(directory.glob(f"*{OPEN_SUFFIX}"))
    assert left_open, "the kill should leave the file being written open"
    # Simulate the worst case too: the crash cut a record in half.
    with left_open[0].open("ab") as handle:
        handle.write(b"\x1f\x8b\x08\x00half a record")

    with ServiceProcess(archive_settings, "archive", log_path=log) as archiver:

        async def all_committed() -> bool:
            return await committed(archive_settings) >= already + 1 + len(pages)

        await wait_for(all_committed, "every page committed after the restart", archiver)
    assert "closed an archive file a crashed writer left open" in log.read_text()
    assert not list(directory.glob(f"*{OPEN_SUFFIX}"))

    ids = archived_url_ids(directory)
    assert {p.url_id for p in pages} <= set(ids)
    # Duplicates are only the few pages written but not committed before the kill.
    assert len(ids) - len(set(ids)) < len(pages)
    check = warcio_tool("check", *map(str, closed_files(directory)))
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture
def demo_site(tmp_path: Path) -> Iterator[Path]:
    """The demo site on a free loopback port; returns a copy of seeds/demo.yaml pointing at it."""
    with demo_site_running(tmp_path) as (_, seeds):
        yield seeds


async def test_crawled_demo_site_is_archived_as_fetched(
    settings: Settings, demo_site: Path, tmp_path: Path
) -> None:
    """The real fetcher (and parser) crawl the demo site; the archive holds every response."""
    crawl = settings.model_copy(
        update={
            "topic_prefix": f"{settings.topic_prefix}crawl.",
            "seeds_file": demo_site,
            "archive_dir": tmp_path / "warc",
            "extract_workers": 0,
        }
    )
    await create_topics(crawl)
    article = "/2025/03/12/ARTIpaMjr4QQ0nS2xk4TcSaYt250312.shtml"
    services = [
        ServiceProcess(crawl, name, log_path=tmp_path / f"{name}.log").start()
        # The parser finds the links the fetcher follows.
        for name in ("archive", "parser", "fetcher")
    ]
    archiver = services[0]
    try:

        async def archived_enough() -> bool:
            fetched = await committed(crawl)
            return fetched >= 12

        await wait_for(archived_enough, "a dozen crawled pages archived", archiver, timeout=120)
    finally:
        for service in reversed(services):
            service.stop()
    files = closed_files(Path(crawl.archive_dir))
    check = warcio_tool("check", "-v", *map(str, files))
    assert check.returncode == 0 and "digest pass" in check.stdout, check.stdout + check.stderr
    responses = []
    for path in files:
        with path.open("rb") as stream:
            responses.extend(read_responses(stream))
    seed = next(r for r in responses if r.target_uri.endswith(article))
    assert seed.status == 200
    assert seed.body == (REPO_ROOT / "seeds" / "demo" / article.lstrip("/")).read_bytes()
    assert seed.headers["etag"] and seed.facts["site"] == "demo-cmg"
    assert seed.facts["kind"] == "page" and int(seed.facts["depth"]) >= 1


def archive_lag_metric(port: int, group: str) -> dict[int, float]:
    """``newswire_consumer_lag`` of ``group`` per partition, as the archiver serves it (none
    while its metrics server is not up yet)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60) as response:
            body = response.read().decode()
    except OSError:
        return {}
    series = (
        rf'newswire_consumer_lag\{{group="{re.escape(group)}",partition="(\d+)",[^}}]*\}} (\S+)'
    )
    return {int(partition): float(value) for partition, value in re.findall(series, body)}


async def test_status_and_the_archivers_metrics_show_the_archive_groups_lag(
    settings: Settings, tmp_path: Path
) -> None:
    """`newswire status` lists the archive's group beside the others, and the archiver exports
    its group's lag (``newswire_consumer_lag``, which the archive alert rule reads)."""
    lagging = settings.model_copy(
        update={
            "topic_prefix": f"{settings.topic_prefix}lag.",
            "archive_dir": tmp_path / "warc",
            "metrics_port": free_port(),
        }
    )
    await create_topics(lagging)
    pages = demo_pages()
    await produce(
        lagging,
        topic_name(Topic.PAGES_RAW, lagging),
        [(p.url_id.encode(), p.to_bytes()) for p in pages],
    )
    group = f"{lagging.topic_prefix}newswire-archive"

    def archive_group() -> dict:
        [found] = [
            g for g in newswire_json(lagging, "status")["groups"] if g["service"] == "archive"
        ]
        return found

    # Nothing archived yet: every page retained in pages.raw is the archive's lag.
    before = archive_group()
    assert (before["group"], before["lag"]) == (group, len(pages))
    assert before["topics"][0]["topic"] == "pages.raw"

    with ServiceProcess(lagging, "archive", log_path=tmp_path / "archive.log") as archiver:

        async def all_committed() -> bool:
            return await committed(lagging) >= len(pages)

        await wait_for(all_committed, "every page committed", archiver)

        async def metric_caught_up() -> bool:
            # The gauge is measured at most every 10 s: wait for a reading after the commit.
            lags = archive_lag_metric(lagging.metrics_port or 0, group)
            return len(lags) == lagging.partitions and sum(lags.values()) == 0

        await wait_for(metric_caught_up, "the archiver's lag gauge at 0", archiver)
    after = archive_group()
    assert after["lag"] == 0
    assert sum(p["committed"] for p in after["topics"][0]["partitions"]) == len(pages)
