"""Chaos under load: the whole pipeline on the 3-broker and 2-node clusters while nodes die.

A site of ``HOSTS`` hosts (loopback ports, each its own politeness domain) with ``PER_HOST``
articles each is crawled by 2 fetchers, 2 parsers and 2 indexers. As the index fills, in turn:

1. the Kafka broker leading the most partitions is SIGKILLed and comes back 30 s later;
2. one replica of each stage is SIGKILLed, and replacements start 20 s later;
3. a search node is SIGKILLed and comes back 30 s later;
4. a third parser joins, forcing a rebalance.

Faults are triggered by progress (documents searchable), not by the clock, so a slow machine
still sees every fault in the middle of the crawl. At the end every article page must be in the
index exactly once, at the latest version the parsers wrote; nothing may be dead-lettered; and
the site's own request log must show that no host ever had two requests in flight and that
requests to a host started at least the politeness delay apart, handovers included.

With ``NEWSWIRE_CHAOS_REPORT=1`` the counts, each fault's recovery time and lag over time are
written to docs/benchmarks.md (the run that produced the numbers there).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from newswire import broker
from newswire.records import Article, CrawlRequest
from newswire.search import connect
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import host_of, url_id
from tests.integration.cluster.conftest import services_sh
from tests.support import ServiceProcess, topic_consumer

HOSTS = 50
PER_HOST = 100
TOTAL = HOSTS * PER_HOST
# Politeness spacing per host, start to start. It also sets the crawl's pace (at most HOSTS /
# DELAY_S pages a second), which keeps the crawl going while the faults happen: at 1 s the
# crawl had indexed all 5,000 pages before the search node came back, so the last two faults
# met an idle pipeline.
DELAY_S = 2.0
SITE = Path(__file__).with_name("chaos_site.py")
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Fault:
    name: str
    at_count: int
    started: float = 0.0
    restored: float = 0.0
    count_at_restore: int = 0


@dataclass
class Run:
    faults: list[Fault]
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # t, indexed, lag
    started: float = field(default_factory=time.time)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[list[int], Path]]:
    log = tmp_path / "requests.jsonl"
    process = subprocess.Popen(
        [
            sys.executable,
            str(SITE),
            "--hosts",
            str(HOSTS),
            "--articles",
            str(PER_HOST),
            "--log",
            str(log),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ports = json.loads(process.stdout.readline())
        yield ports, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def sites_yaml(ports: list[int]) -> str:
    entries = "".join(
        f"""
  - name: chaos-{i}
    hosts: ["127.0.0.1:{port}"]
    lang: zh
    start_urls: ["http://127.0.0.1:{port}/"]
    article_patterns: ['/a/\\d+\\.html$']
"""
        for i, port in enumerate(ports)
    )
    return "sites:" + entries


def article_urls(ports: list[int]) -> list[str]:
    return [f"http://127.0.0.1:{p}/a/{n}.html" for p in ports for n in range(PER_HOST)]


async def indexed(client: Any, settings: Settings) -> int:
    try:
        return await asyncio.wait_for(client.count(settings.index_alias), 10)
    except Exception:  # the engine is down or the index not made yet: count as no progress
        return -1


async def total_lag(settings: Settings) -> int:
    """All three groups' lag; -1 when Kafka does not answer in time (a broker is down)."""
    from newswire.observability import measure_kafka

    async def measure() -> int:
        readings = [await measure_kafka(settings, s) for s in ("fetcher", "parser", "indexer")]
        return sum(lag for r in readings for *_, lag in r.lag)

    try:
        return await asyncio.wait_for(measure(), 10)
    except Exception:
        return -1


async def leader_of_most(settings: Settings) -> int:
    """The broker leading the most partitions of newswire's topics."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**broker.client_options(settings))
    await admin.start()
    try:
        names = [topic_name(t, settings) for t in Topic]
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    leaders = Counter(p["leader"] for t in described for p in t["partitions"])
    return leaders.most_common(1)[0][0]


async def wait_count(run: Run, at_least: int, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if run.samples and run.samples[-1][1] >= at_least:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"index did not reach {at_least} in {timeout:.0f}s: {run.samples[-3:]}")


async def monitor(run: Run, settings: Settings, stop: asyncio.Event) -> None:
    client = await connect(settings)
    try:
        while not stop.is_set():
            count, lag = await asyncio.gather(indexed(client, settings), total_lag(settings))
            if count < 0 and run.samples:
                count = run.samples[-1][1]
            run.samples.append((time.time(), max(count, 0), lag))
            await asyncio.sleep(2)
    finally:
        await client.close()


def current(run: Run) -> int:
    return run.samples[-1][1] if run.samples else 0


@pytest.mark.chaos
@pytest.mark.timeout(2400)
async def test_chaos_under_load(
    cluster_settings: Settings,
    site: tuple[list[int], Path],
    tmp_path: Path,
) -> None:
    ports, request_log = site
    seeds = tmp_path / "sites.yaml"
    seeds.write_text(sites_yaml(ports))
    settings = cluster_settings.model_copy(
        update={"seeds_file": seeds, "host_delay_s": DELAY_S, "bulk_max_wait_s": 0.5}
    )

    def stage(name: str, n: int) -> ServiceProcess:
        return ServiceProcess(settings, name, log_path=tmp_path / f"{name}-{n}.log").start()

    stages = {name: [stage(name, 1), stage(name, 2)] for name in ("fetcher", "parser", "indexer")}
    spare: list[ServiceProcess] = []
    faults = [
        Fault("Kafka broker leading most partitions SIGKILLed for 30 s", TOTAL // 10),
        Fault("one fetcher, parser and indexer SIGKILLed, replaced after 20 s", 3 * TOTAL // 10),
        Fault("search node search-2 SIGKILLed for 30 s", TOTAL // 2),
        Fault("a third parser joins (rebalance)", 7 * TOTAL // 10),
    ]
    run = Run(faults)
    stop = asyncio.Event()
    watcher = asyncio.create_task(monitor(run, settings, stop))
    producer = broker.make_producer(settings)
    await producer.start()
    try:
        for i, port in enumerate(ports):
            url = f"http://127.0.0.1:{port}/"
            request = CrawlRequest(url=url, site=f"chaos-{i}", kind="list", source="cli")
            await producer.send_and_wait(
                topic_name(Topic.CRAWL_REQUESTS, settings),
                request.to_bytes(),
                key=host_of(url).encode(),
            )
        await producer.stop()

        broker_fault, stage_fault, search_fault, rebalance = faults

        await wait_count(run, broker_fault.at_count, 900)
        victim = f"kafka-{await leader_of_most(settings)}"
        broker_fault.name += f" ({victim})"
        broker_fault.started = time.time()
        await asyncio.to_thread(services_sh, "kill", victim)
        await asyncio.sleep(30)
        await asyncio.to_thread(services_sh, "start", victim)
        broker_fault.restored, broker_fault.count_at_restore = time.time(), current(run)

        await wait_count(run, stage_fault.at_count, 900)
        stage_fault.started = time.time()
        for replicas in stages.values():
            replicas[0].kill()
        await asyncio.sleep(20)
        for name, replicas in stages.items():
            spare.append(replicas[0])
            replicas[0] = stage(name, 3)
        stage_fault.restored, stage_fault.count_at_restore = time.time(), current(run)

        await wait_count(run, search_fault.at_count, 900)
        search_fault.started = time.time()
        await asyncio.to_thread(services_sh, "kill", "search-2")
        await asyncio.sleep(30)
        await asyncio.to_thread(services_sh, "start", "search-2")
        search_fault.restored, search_fault.count_at_restore = time.time(), current(run)

        await wait_count(run, rebalance.at_count, 900)
        rebalance.started = time.time()
        stages["parser"].append(stage("parser", 4))
        rebalance.restored, rebalance.count_at_restore = time.time(), current(run)

        try:
            await wait_count(run, TOTAL, 600)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{await where_pages_stopped(settings, ports)}") from None
        await asyncio.sleep(10)  # anything still in flight would show as an extra document
    finally:
        stop.set()
        await watcher
        logs = {p.log_path.name: p.log_tail(20) for ps in stages.values() for p in ps if p.process}
        for process in [p for ps in stages.values() for p in ps] + spare:
            process.stop()
        for node in ("kafka-1", "kafka-2", "kafka-3", "search-1", "search-2"):
            subprocess.run(
                [str(ROOT / "deploy" / "local" / "services.sh"), "start", node],
                capture_output=True,
                check=False,
                timeout=300,
            )

    expected = {url_id(u): u for u in article_urls(ports)}
    documents = await all_documents(settings)
    assert len(documents) == TOTAL, f"{len(documents)} documents for {TOTAL} pages; {logs}"
    assert set(documents) == set(expected)
    latest = await latest_versions(settings)
    stale = {i: (v, latest.get(i)) for i, v in documents.items() if v != latest.get(i)}
    assert stale == {}, f"{len(stale)} documents not at their latest version"
    letters = await read_all(settings, topic_name(Topic.DEAD_LETTERS, settings))
    assert letters == [], f"{len(letters)} dead letters, e.g. {letters[:3]}"
    overlaps, too_close, requests = check_politeness(request_log)
    assert requests >= TOTAL
    assert overlaps == [], f"two requests in flight on one host: {overlaps[:5]}"
    assert too_close == [], f"requests closer than {DELAY_S}s on one host: {too_close[:5]}"

    if os.environ.get("NEWSWIRE_CHAOS_REPORT"):
        write_report(run, requests)


async def where_pages_stopped(settings: Settings, ports: list[int]) -> str:
    """Which stage the missing articles got to: fetched (pages.raw), parsed (articles)."""
    from newswire.records import RawPage

    expected = {url_id(u) for u in article_urls(ports)}
    raw = {
        RawPage.from_bytes(v).url_id
        for v in await read_all(settings, topic_name(Topic.PAGES_RAW, settings))
    }
    parsed = set(await latest_versions(settings))
    documents = set(await all_documents(settings))
    lost_fetch = expected - raw
    lost_parse = (expected & raw) - parsed
    lost_index = (expected & parsed) - documents
    return (
        f"of {len(expected)} article pages: {len(lost_fetch)} never on pages.raw, "
        f"{len(lost_parse)} on pages.raw but not on articles (e.g. {sorted(lost_parse)[:3]}), "
        f"{len(lost_index)} on articles but not in the index"
    )


async def all_documents(settings: Settings) -> dict[str, int]:
    """Every document in the alias: id -> version (a scroll, so nothing is left out)."""
    client = await connect(settings)
    try:
        await client.refresh(settings.index_alias)
        page = await client.request(
            "POST",
            f"/{settings.index_alias}/_search",
            params={"scroll": "1m"},
            body={"size": 1000, "_source": ["version"], "query": {"match_all": {}}},
        )
        out: dict[str, int] = {}
        duplicates = 0
        while page["hits"]["hits"]:
            for hit in page["hits"]["hits"]:
                duplicates += hit["_id"] in out
                out[hit["_id"]] = hit["_source"]["version"]
            page = await client.request(
                "POST", "/_search/scroll", body={"scroll": "1m", "scroll_id": page["_scroll_id"]}
            )
        assert duplicates == 0
        return out
    finally:
        await client.close()


async def read_all(settings: Settings, topic: str) -> list[bytes]:
    consumer = topic_consumer(settings, topic)
    await consumer.start()
    values: list[bytes] = []
    try:
        idle = 0
        while idle < 3:
            batch = await consumer.getmany(timeout_ms=1000)
            records = [r.value for rs in batch.values() for r in rs]
            idle = 0 if records else idle + 1
            values.extend(records)
    finally:
        await consumer.stop()
    return values


async def latest_versions(settings: Settings) -> dict[str, int]:
    latest: dict[str, int] = {}
    for value in await read_all(settings, topic_name(Topic.ARTICLES, settings)):
        if value is None:
            continue
        article = Article.from_bytes(value)
        latest[article.id] = max(latest.get(article.id, 0), article.version)
    return latest


def check_politeness(log: Path) -> tuple[list[Any], list[Any], int]:
    by_port: dict[int, list[dict[str, Any]]] = defaultdict(list)
    lines = log.read_text().splitlines()
    for line in lines:
        entry = json.loads(line)
        by_port[entry["port"]].append(entry)
    overlaps, too_close = [], []
    for port, entries in by_port.items():
        entries.sort(key=lambda e: e["start"])
        for before, after in itertools.pairwise(entries):
            if after["start"] < before["end"]:
                overlaps.append((port, before, after))
            # 10 ms of slack for the two clocks involved (the fetcher's and the site's).
            if after["start"] - before["start"] < DELAY_S - 0.01:
                too_close.append((port, round(after["start"] - before["start"], 3), after))
    return overlaps, too_close, len(lines)


def recovered_at(run: Run, fault: Fault) -> float | None:
    """When 50 more documents than at the fault's end were searchable (None: never)."""
    for t, count, _ in run.samples:
        if t >= fault.restored and count >= fault.count_at_restore + 50:
            return t
    return None


def write_report(run: Run, requests: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import _report

    rows = []
    for f in run.faults:
        recovered = recovered_at(run, f)
        rows.append(
            f"| {f.name} | {f.started - run.started:.0f} s | {f.restored - f.started:.0f} s | "
            f"{f.count_at_restore} | "
            + (f"{recovered - f.restored:.0f} s |" if recovered else "not within the run |")
        )
    t0 = run.started
    lag_rows = [
        f"| {t - t0:.0f} | {count} | {lag if lag >= 0 else '–'} |"
        for t, count, lag in run.samples[:: max(1, len(run.samples) // 40)]
    ]
    entry = (
        f"### Chaos under load — {_report.stamp()}\n\n"
        "`NEWSWIRE_CHAOS_REPORT=1 deploy/local/test.sh tests/integration/cluster/test_chaos.py` "
        f"· {_report.machine()} · beside it: the 3-broker and 2-node clusters, the "
        "single-node pair, the test's site and 7 services\n\n"
        f"{TOTAL} article pages on {HOSTS} hosts, 2 fetchers, 2 parsers, 2 indexers; "
        f"{requests} requests served; every page indexed exactly once at its latest version; "
        f"no dead letters; no host ever had two requests in flight or two starts closer than "
        f"{DELAY_S} s. Total {run.samples[-1][0] - t0:.0f} s.\n\n"
        "| fault | began at | lasted | documents searchable at its end | recovered "
        "(50 more documents searchable) |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "Documents searchable and consumer lag (all three groups) over time:\n\n"
        "| s | documents | lag |\n|---|---|---|\n" + "\n".join(lag_rows) + "\n"
    )
    _report.write_entry("Cluster", "chaos", entry)
