"""Rebuilding from the WARC archive, on the real broker and search engine.

A first deployment parses and archives the demo site's pages. A second one, with no articles
topic and no index (a fresh topic prefix and alias: everything deleted), is rebuilt from the
archive alone with `newswire import-warc` and the real parser: the same articles, and a second
import changes nothing. Then an extractor upgrade is simulated and `newswire reparse` brings
the changed field into the index with higher versions.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from newswire import broker
from newswire.archive.reparse import ReparseSummary, archive_pages, reparse, topic_pages
from newswire.parser.page_processor import ParserContext, process_message
from newswire.records import Article
from newswire.search import connect
from newswire.settings import REPO_ROOT, Settings
from newswire.sites import load_sites
from newswire.topics import Topic, topic_name
from tests.integration.archive.demo_pages import FETCHED_AT, demo_pages
from tests.support import ServiceProcess, clean_up, make_settings, produce, settings_env

DEMO_SEEDS = REPO_ROOT / "seeds" / "demo.yaml"


async def committed_and_ends(settings: Settings, group: str, topic: str) -> tuple[int, int]:
    consumer = AIOKafkaConsumer(
        **broker.client_options(settings),
        group_id=f"{settings.topic_prefix}{group}",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(settings.partitions)]
        ends = await consumer.end_offsets(tps)
        done = [await consumer.committed(tp) or 0 for tp in tps]
        return sum(done), sum(ends.values())
    finally:
        await consumer.stop()


async def latest_articles(settings: Settings) -> tuple[dict[str, Article], int]:
    """The latest article per id on the articles topic, and how many records it holds."""
    topic = topic_name(Topic.ARTICLES, settings)
    consumer = AIOKafkaConsumer(
        **broker.client_options(settings),
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    articles: dict[str, Article] = {}
    records = 0
    try:
        tps = [TopicPartition(topic, p) for p in range(settings.partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        while any([await consumer.position(tp) < ends[tp] for tp in tps]):
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                for message in messages:
                    records += 1
                    article = Article.from_bytes(message.value)
                    articles[article.id] = article
    finally:
        await consumer.stop()
    return articles, records


async def wait_until(condition, what: str, services: list[ServiceProcess], timeout=240) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        for service in services:
            assert service.process is not None and service.process.poll() is None, (
                f"{service.command} exited:\n{service.log_tail()}"
            )
        assert time.monotonic() < deadline, f"timed out: {what}\n" + "\n".join(
            s.log_tail(20) for s in services
        )
        await asyncio.sleep(0.5)


def expected_article_count(settings: Settings) -> int:
    context = ParserContext(settings, load_sites(DEMO_SEEDS))
    return sum(process_message(p.to_bytes(), context).article is not None for p in demo_pages())


@pytest.fixture(scope="module")
def original(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, dict[str, Article]]]:
    """The first deployment: the demo pages parsed and archived; its articles."""
    settings = settings.model_copy(
        update={
            "seeds_file": DEMO_SEEDS,
            "archive_dir": tmp_path_factory.mktemp("warc"),
            # Several files, so the import below spreads them over processes.
            "archive_max_file_bytes": 20_000,
            "extract_workers": 0,
        }
    )
    logs = tmp_path_factory.mktemp("logs")
    pages = demo_pages()
    expected = expected_article_count(settings)
    assert expected >= 5

    async def run() -> dict[str, Article]:
        raw = topic_name(Topic.PAGES_RAW, settings)
        await produce(settings, raw, [(p.url_id.encode(), p.to_bytes()) for p in pages])
        services = [
            ServiceProcess(settings, name, log_path=logs / f"{name}.log").start()
            for name in ("parser", "archive")
        ]
        try:

            async def done() -> bool:
                archived, total = await committed_and_ends(settings, "newswire-archive", raw)
                articles, _ = await latest_articles(settings)
                return archived == total == len(pages) and len(articles) == expected

            await wait_until(done, "parsed and archived", services)
        finally:
            for service in services:
                service.stop()
        return (await latest_articles(settings))[0]

    yield settings, asyncio.run(run())


@pytest.fixture(scope="module")
def rebuilt_settings(
    original: tuple[Settings, dict[str, Article]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """A second deployment with nothing in it: no pages, no articles, no index."""
    from newswire.broker import create_topics

    settings = make_settings(
        tmp_path_factory.mktemp("rebuilt"),
        seeds_file=DEMO_SEEDS,
        extract_workers=0,
        bulk_max_wait_s=0.2,
    )
    asyncio.run(create_topics(settings))
    yield settings
    asyncio.run(clean_up(settings))


def import_warc(settings: Settings, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "newswire", "import-warc", *args],
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def test_import_warc_rebuilds_the_same_articles_and_a_second_import_changes_nothing(
    original: tuple[Settings, dict[str, Article]], rebuilt_settings: Settings, tmp_path: Path
) -> None:
    first, articles = original
    settings = rebuilt_settings
    archive = str(first.archive_dir)
    pages = len(demo_pages())

    # Hosts the seeds file does not declare are skipped and counted, unless --any-site.
    other_seeds = tmp_path / "other.yaml"
    other_seeds.write_text("sites:\n  - name: other\n    hosts: [other.example]\n")
    elsewhere = settings.model_copy(update={"seeds_file": other_seeds})
    summary = import_warc(elsewhere, archive)
    assert f"imported 0\nskipped {pages} (unknown_host {pages})\nfailed 0" in summary

    assert len(list(Path(archive).glob("*.warc.gz"))) > 2
    imported = import_warc(settings, archive, "--workers", "2")
    assert f"imported {pages}\nskipped 0\nfailed 0" in imported
    parser = ServiceProcess(settings, "parser", log_path=tmp_path / "parser.log").start()
    indexer = ServiceProcess(settings, "indexer", log_path=tmp_path / "indexer.log").start()
    client = await connect(settings)
    try:

        async def rebuilt() -> bool:
            return len((await latest_articles(settings))[0]) == len(articles)

        await wait_until(rebuilt, "articles rebuilt", [parser, indexer])
        again, records = await latest_articles(settings)
        assert again == articles  # same ids, versions, every field

        async def indexed() -> bool:
            if not await client.exists(f"/{settings.index_alias}"):
                return False
            await client.refresh(settings.index_alias)
            return await client.count(settings.index_alias) == len(articles)

        await wait_until(indexed, "articles indexed", [parser, indexer])

        # A second import of the same files: the parser reads every page again...
        assert f"imported {pages}\n" in import_warc(settings, archive)
        raw = topic_name(Topic.PAGES_RAW, settings)

        async def reparsed() -> bool:
            done, total = await committed_and_ends(settings, "newswire-parser", raw)
            return done == total == 2 * pages

        await wait_until(reparsed, "second import parsed", [parser, indexer])
        # ...and nothing new reaches the articles topic (nor, therefore, the index).
        assert await latest_articles(settings) == (articles, records)
    finally:
        await client.close()
        parser.stop()
        indexer.stop()


async def test_reparse_after_an_extractor_upgrade_reaches_the_index_with_new_versions(
    original: tuple[Settings, dict[str, Article]],
    rebuilt_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, articles = original
    settings = rebuilt_settings
    registry = load_sites(DEMO_SEEDS)

    # Reparse with the same extractor: every article is already there at this version.
    same = await reparse(
        archive_pages([first.archive_dir], registry, ReparseSummary()), settings, registry
    )
    assert same.written == 0 and same.not_newer == len(articles)

    # The upgrade: a new extractor version whose titles differ (the text does not, so the
    # content hash is the same: only the version lets the page through).
    from newswire.parser import page_processor
    from newswire.parser.extract import version

    real_extract = page_processor.extract

    def upgraded(*args, **kwargs):
        result = real_extract(*args, **kwargs)
        if result.article is not None and result.article.title:
            result.article.title += "（修订版）"
        return result

    monkeypatch.setattr(version, "EXTRACTOR_VERSION", version.EXTRACTOR_VERSION + 1)
    monkeypatch.setattr(page_processor, "extract", upgraded)

    pages = archive_pages([first.archive_dir], registry, ReparseSummary())
    dry = await reparse(pages, settings, registry, dry_run=True)
    assert dry.written == dry.changed == len(articles)
    assert dict(dry.changed_fields) == {"title": len(articles)}
    assert (await latest_articles(settings))[0] == articles  # a dry run writes nothing

    # From what pages.raw still holds (its own consumer group; the parser's is untouched).
    raw = topic_name(Topic.PAGES_RAW, settings)
    parser_before = await committed_and_ends(settings, "newswire-parser", raw)
    done = await reparse(topic_pages(settings, FETCHED_AT), settings, registry)
    assert done.written == done.changed == len(articles), done.lines(False)
    assert done.not_newer == len(articles)  # the second import's copies of the same pages
    assert await committed_and_ends(settings, "newswire-parser", raw) == parser_before
    reparsed, _ = await latest_articles(settings)
    assert {a.extractor_version for a in reparsed.values()} == {version.EXTRACTOR_VERSION}

    indexer = ServiceProcess(settings, "indexer", log_path=tmp_path / "indexer.log").start()
    client = await connect(settings)
    try:

        async def upgraded_in_index() -> bool:
            await client.refresh(settings.index_alias)
            result = await client.search(
                settings.index_alias,
                {"size": 100, "version": True, "query": {"match_all": {}}},
            )
            hits = result["hits"]["hits"]
            return len(hits) == len(articles) and all(
                h["_source"]["title"].endswith("（修订版）") for h in hits
            )

        await wait_until(upgraded_in_index, "new titles in the index", [indexer])
        result = await client.search(
            settings.index_alias, {"size": 100, "version": True, "query": {"match_all": {}}}
        )
    finally:
        await client.close()
        indexer.stop()
    for hit in result["hits"]["hits"]:
        old = articles[hit["_id"]]
        assert hit["_source"]["title"] == f"{old.title}（修订版）"
        assert hit["_version"] == old.version + 1  # same fetch, newer extractor
