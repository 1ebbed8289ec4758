"""Parser agent throughput vs the extractor alone, on the same dev-data pages, in one run.

    .venv/bin/python bench/parse_throughput.py [--pages 600] [--workers 1 2]

1. Loads article pages from ../shared/devdata (zh-portals, aeb, wcxb-dev) and keeps those the
   extractor turns into articles, so every page yields exactly one record on ``articles``.
2. The peer: the extractor alone, in a loop in one process (and in a pool of N processes for
   N workers) on those pages.
3. The agent: ``pages.raw`` is pre-filled with the same pages; a ``newswire parser`` process with
   ``NEWSWIRE_EXTRACT_WORKERS=N`` consumes them through the real broker. Its rate is measured
   between the first and the last article's broker timestamps, so start-up is not counted.
4. Overhead = 1 - agent rate / extractor rate, for the same number of processes, for the whole
   run and for the run after the first ``--warmup`` share of articles.

Needs the local Kafka (``deploy/local/services.sh up``; this script runs it). Results go to the
"Parser" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _report
import extract_quality as dd
from newswire import broker
from newswire.parser.extract import extract
from newswire.records import RawPage
from newswire.settings import Settings
from newswire.topics import Topic, partitions_for, topic_name
from newswire.urls import url_id

ROOT = Path(__file__).resolve().parents[1]
FETCHED_AT = datetime.now(UTC)


def load_pages(limit: int) -> list[RawPage]:
    """Article pages the extractor accepts, with URLs made unique if pages are reused."""
    sources = [*dd.zh_portals(), *dd.aeb(), *dd.wcxb("article")]
    usable = []
    for page in sources:
        result = extract(page.html, page.url, {"content-type": "text/html"})
        if result.article is not None and result.article.page_type == "article":
            usable.append(page)
        if len(usable) >= limit:
            break
    raws = []
    for i in range(limit):
        page = usable[i % len(usable)]
        # A repeated page gets its own URL (and so its own article id); the parameter goes
        # before any fragment, which URL ids ignore.
        url = page.url
        if i >= len(usable):
            base, hash_, fragment = url.partition("#")
            url = f"{base}{'&' if '?' in base else '?'}r={i}{hash_}{fragment}"
        raws.append(
            RawPage(
                url_id=url_id(url),
                requested_url=url,
                final_url=url,
                status=200,
                headers={"content-type": "text/html"},
                content_type="text/html",
                body=page.html,
                fetched_at=FETCHED_AT,
            )
        )
    return raws


def _extract_one(args: tuple[bytes, str]) -> bool:
    body, url = args
    return extract(body, url, {"content-type": "text/html"}).article is not None


def _warm_up() -> None:
    import newswire.parser.extract  # noqa: F401


def extractor_rate(pages: list[RawPage], workers: int) -> float:
    jobs = [(p.body, p.final_url) for p in pages]
    if workers == 1:
        started = time.perf_counter()
        for job in jobs:
            _extract_one(job)
        return len(jobs) / (time.perf_counter() - started)
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
    ) as pool:
        # Every process must have imported the extractor before the clock starts.
        list(pool.map(_extract_one, jobs[: workers * 8], chunksize=1))
        started = time.perf_counter()
        list(pool.map(_extract_one, jobs, chunksize=4))
        return len(jobs) / (time.perf_counter() - started)


async def prefill(settings: Settings, pages: list[RawPage]) -> None:
    await broker.create_topics(settings)
    producer = broker.make_producer(settings)
    await producer.start()
    try:
        topic = topic_name(Topic.PAGES_RAW, settings)
        futures = [
            await producer.send(topic, key=p.url_id.encode(), value=p.to_bytes()) for p in pages
        ]
        for future in futures:
            await future
    finally:
        await producer.stop()


HEADER = (
    "| extractor processes | extractor alone (pages/s) | agent, whole run (pages/s) "
    "| overhead | agent, after warm-up (pages/s) | overhead | ms/page alone "
    "| CPU ms/page: agent's pool | agent's own process | Kafka broker |\n"
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def children_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def kafka_pid() -> int | None:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                argv = (proc / "cmdline").read_bytes().split(b"\0")
                if argv[0].endswith(b"java") and b"kafka.Kafka" in argv:
                    return int(proc.name)
            except OSError:
                continue
    return None


class CpuShares:
    """Where the CPU went while the agent ran: its own process, its pool, the broker."""

    def __init__(self, parser: int) -> None:
        self.parser = parser
        self.kafka = kafka_pid()
        self.start: dict[str, float] | None = None
        self.end: dict[str, float] = {}

    def sample(self) -> dict[str, float]:
        return {
            "agent": _report.process_cpu(self.parser),
            "pool": sum(_report.process_cpu(c) for c in children_of(self.parser)),
            "kafka": _report.process_cpu(self.kafka) if self.kafka else 0.0,
        }

    def per_page_ms(self, pages: int) -> dict[str, float]:
        assert self.start is not None
        return {k: (self.end[k] - self.start[k]) / max(1, pages) * 1000 for k in self.end}


async def agent_rate(
    settings: Settings, count: int, env: dict[str, str], warmup: int
) -> tuple[float, float, dict[str, float]]:
    """Pages/s through a ``newswire parser`` process (whole run, and after ``warmup``
    articles), and its CPU ms per page by process.

    While the agent runs, this process only asks the broker for the topic's end offsets
    twice a second; it reads the articles' timestamps after the run, so the measuring does
    not take CPU from what it measures.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    topic = topic_name(Topic.ARTICLES, settings)
    consumer = AIOKafkaConsumer(
        **broker.client_options(settings),
        auto_offset_reset="earliest",
        group_id=None,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    log = Path(tempfile.gettempdir()) / f"parse-bench-{uuid.uuid4().hex[:6]}.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "newswire", "parser"], env=env, stdout=out, stderr=out
        )
    cpu = CpuShares(worker.pid)
    await consumer.start()
    produced = 0
    first_seen = 0
    try:
        partitions = [
            TopicPartition(topic, p) for p in range(partitions_for(Topic.ARTICLES, settings))
        ]
        deadline = time.monotonic() + 900
        while produced < count and time.monotonic() < deadline:
            if worker.poll() is not None:
                raise RuntimeError(f"the parser exited; see {log}")
            await asyncio.sleep(0.5)
            produced = sum((await consumer.end_offsets(partitions)).values())
            if produced and cpu.start is None:
                cpu.start, first_seen = cpu.sample(), produced
        cpu.end = cpu.sample()
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        stamps: list[int] = []
        while len(stamps) < produced:
            batch = await consumer.getmany(timeout_ms=1000)
            stamps += [m.timestamp for records in batch.values() for m in records]
    finally:
        await consumer.stop()
    if produced < count:
        raise RuntimeError(f"only {produced} of {count} articles arrived; see {log}")
    stamps.sort()
    whole = (count - 1) / ((stamps[-1] - stamps[0]) / 1000)
    steady = (count - 1 - warmup) / ((stamps[-1] - stamps[warmup]) / 1000)
    return whole, steady, cpu.per_page_ms(produced - first_seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.1,
        help="share of the pages (the first articles) left out of the steady-state rate",
    )
    parser.add_argument("--no-write", action="store_true", help="do not update the doc")
    args = parser.parse_args()

    subprocess.run([str(ROOT / "deploy" / "local" / "services.sh"), "up"], check=True)
    pages = load_pages(args.pages)
    print(f"{len(pages)} pages ({len({p.body for p in pages})} distinct documents)")
    rows = []
    for workers in args.workers:
        alone = extractor_rate(pages, workers)
        tag = uuid.uuid4().hex[:8]
        settings = Settings(
            topic_prefix=f"bench-{tag}.",
            partitions=max(2, workers),
            extract_workers=workers,
            data_dir=Path(tempfile.mkdtemp(prefix="parse-bench-")),
            seeds_file=ROOT / "seeds" / "sites.yaml",
        )
        asyncio.run(prefill(settings, pages))
        warmup = int(len(pages) * args.warmup)
        try:
            whole, steady, cpu_ms = asyncio.run(
                agent_rate(
                    settings, len(pages), {**os.environ, **settings.as_environment()}, warmup
                )
            )
        finally:
            asyncio.run(broker.delete_topics(settings))
        rows.append((workers, alone, whole, steady, cpu_ms))
        print(
            f"workers={workers}: extractor alone {alone:.1f} pages/s; agent {whole:.1f} "
            f"pages/s whole run (overhead {1 - whole / alone:.0%}), {steady:.1f} after "
            f"{warmup} pages (overhead {1 - steady / alone:.0%}); CPU ms/page "
            + ", ".join(f"{k} {v:.1f}" for k, v in cpu_ms.items())
        )

    if args.no_write:
        return
    table = "\n".join(
        f"| {w} | {alone:.1f} | {whole:.1f} | {1 - whole / alone:+.0%} | {steady:.1f} "
        f"| {1 - steady / alone:+.0%} | {1000 / alone * w:.1f} | "
        f"{cpu['pool']:.1f} | {cpu['agent']:.1f} | {cpu['kafka']:.1f} |"
        for w, alone, whole, steady, cpu in rows
    )
    _report.write_entry(
        "Parser",
        "throughput",
        f"""### Parser agent vs the extractor alone — {_report.stamp()}

`.venv/bin/python bench/parse_throughput.py --pages {args.pages} --warmup {args.warmup}` on
{len(pages)} dev-data article pages (zh-portals, aeb, wcxb-dev). Machine: {_report.machine()}.
Running beside it: {_report.beside()}.

{HEADER}
{table}

The agent's whole-run rate is taken between the first and last article's broker timestamps
(start-up excluded); the after-warm-up rate starts at article {int(len(pages) * args.warmup)},
once the pool processes have imported the extractor and the broker has compiled the new
request paths, like the extractor-alone rate, which is taken with warm processes using the
same number of processes. Goal: overhead < 20%.
The CPU columns say where each page's time went while the agent ran ("alone" is the wall time
per page per process of the extractor-alone loop): the pool does the extraction, the agent's own
process moves the pages between Kafka and the pool, and the broker serves and stores them. With
one extractor process the agent and the broker use the second core; with two, the extractors
alone have both cores to themselves, while through the agent they share them with the other
two columns, which is what the overhead then measures.
""",
        intro="The parser agent (`newswire parser`) through the real local Kafka broker.",
    )


if __name__ == "__main__":
    main()
