"""How far one stage scales: 1, 2 and 4 replicas of the parser, and of the indexer, same input.

    .venv/bin/python bench/stage_scaling.py [--pages 800] [--articles 20000] [--replicas 1 2 4]

For each replica count the stage's topic is pre-filled afresh (``pages.raw`` with dev-data
article pages for the parser, as in bench/parse_throughput.py; ``articles`` with synthetic
articles for the indexer, as in bench/index_throughput.py), then that many ``newswire parser``
(one extractor process each) or ``newswire indexer`` processes consume it through the real
broker into the real engine. Reported per count:

* throughput between the first and the last output (parser: article timestamps on the broker;
  indexer: documents visible in the index), so start-up and the group join are not counted;
* CPU per page: the replicas' processes and their extractor pools, summed, divided by pages;
* per-replica overhead: CPU per page against the single replica's, the price of coordination.

The peer is the stage itself at one replica (the rates compare against it); the figures feed
the capacity model in docs/scaling.md. On a 2-core machine the throughput flattens at two
replicas: the CPU per page says whether it is the stage or the machine that stops scaling.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _report
import index_throughput
import parse_throughput
from newswire.indexer.index_design import ensure_index
from newswire.search import connect
from newswire.settings import Settings
from newswire.topics import Topic, topic_name

ROOT = Path(__file__).resolve().parents[1]


def fresh_settings(partitions: int) -> Settings:
    tag = uuid.uuid4().hex[:8]
    return Settings(
        topic_prefix=f"scale-{tag}.",
        index_alias=f"scale-{tag}-articles",
        partitions=partitions,
        data_dir=Path(tempfile.mkdtemp(prefix="scale-bench-")),
        extract_workers=1,
        log_level="WARNING",
    )


def start(settings: Settings, service: str, replicas: int, logdir: Path) -> list[subprocess.Popen]:
    env = {**os.environ, **settings.as_environment()}
    return [
        subprocess.Popen(
            [sys.executable, "-m", "newswire", service],
            env=env,
            stdout=(logdir / f"{service}-{i}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for i in range(replicas)
    ]


def cpu_of(processes: list[subprocess.Popen]) -> float:
    pids = [p.pid for p in processes]
    pids += [c for p in processes for c in parse_throughput.children_of(p.pid)]
    return sum(_report.process_cpu(pid) for pid in pids)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=60)


async def parser_round(pages: list, replicas: int, logdir: Path) -> tuple[float, float]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from newswire import broker

    settings = fresh_settings(partitions=max(4, replicas))
    await parse_throughput.prefill(settings, pages)
    topic = topic_name(Topic.ARTICLES, settings)
    partitions = [TopicPartition(topic, p) for p in range(settings.partitions)]
    consumer = AIOKafkaConsumer(**broker.client_options(settings), group_id=None)
    await consumer.start()
    workers = start(settings, "parser", replicas, logdir)
    try:
        produced, cpu_start, first = 0, 0.0, 0
        deadline = time.monotonic() + 900
        while produced < len(pages) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            produced = sum((await consumer.end_offsets(partitions)).values())
            if produced and not cpu_start:
                cpu_start, first = cpu_of(workers), produced
        cpu = cpu_of(workers) - cpu_start
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        stamps: list[int] = []
        while len(stamps) < produced:
            batch = await consumer.getmany(timeout_ms=1000)
            stamps += [m.timestamp for records in batch.values() for m in records]
    finally:
        stop(workers)
        await consumer.stop()
        await broker.delete_topics(settings)
    if produced < len(pages):
        raise RuntimeError(f"only {produced} of {len(pages)} articles; logs in {logdir}")
    stamps.sort()
    rate = (len(stamps) - 1) / ((stamps[-1] - stamps[0]) / 1000)
    return rate, cpu / max(1, produced - first) * 1000


async def indexer_round(articles: list, replicas: int, logdir: Path) -> tuple[float, float]:
    from newswire import broker

    settings = fresh_settings(partitions=max(4, replicas))
    await index_throughput.prefill(settings, articles)
    client = await connect(settings)
    await ensure_index(client, settings)
    workers = start(settings, "indexer", replicas, logdir)
    try:
        rate, cpu_per_doc = await index_throughput.watch(
            client, settings.index_alias, len(articles), cpu=lambda: cpu_of(workers)
        )
    finally:
        stop(workers)
        await client.request("DELETE", f"/{settings.index_alias}-*")
        await client.close()
        await broker.delete_topics(settings)
    return rate, cpu_per_doc * 1000


def table(stage: str, unit: str, rows: dict[int, tuple[float, float]]) -> str:
    one_rate, one_cpu = rows[min(rows)]
    lines = [
        f"| {stage} replicas | {unit}/s | × one replica | CPU ms per {unit[:-1]} "
        "| overhead per replica |",
        "|---:|---:|---:|---:|---:|",
    ]
    for replicas, (rate, cpu) in sorted(rows.items()):
        lines.append(
            f"| {replicas} | {rate:.0f} | {rate / one_rate:.2f} | {cpu:.2f} "
            f"| {cpu / one_cpu - 1:+.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=800)
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--no-write", action="store_true", help="do not update the doc")
    args = parser.parse_args()
    subprocess.run([str(ROOT / "deploy" / "local" / "services.sh"), "up"], check=True)
    pages = parse_throughput.load_pages(args.pages)
    articles = index_throughput.make_articles(args.articles)
    beside = _report.beside()
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        logdir = Path(tmp)
        parsing = {n: asyncio.run(parser_round(pages, n, logdir)) for n in args.replicas}
        indexing = {n: asyncio.run(indexer_round(articles, n, logdir)) for n in args.replicas}
    text = (
        f"### Replicas of one stage — {_report.stamp()}\n\n"
        f"`.venv/bin/python bench/stage_scaling.py --pages {args.pages} "
        f"--articles {args.articles}` · {_report.machine()} · beside it: {beside}\n\n"
        + table("parser", "pages", parsing)
        + "\n\n"
        + table("indexer", "docs", indexing)
        + "\n"
    )
    print(text)
    if not args.no_write:
        _report.write_entry("Cluster", "scaling", text)


if __name__ == "__main__":
    main()
