"""Fetcher throughput: pages/s and CPU seconds per page, into the real Kafka broker.

A local news site is served on ``--hosts`` ports of 127.0.0.1 (each port is a distinct host to
the fetcher: its own politeness slot and robots.txt) by a separate server process pinned to
the other core. ``crawl.requests`` is pre-filled under a fresh topic prefix; then one
``FetcherWorker`` — the production code path: state lookup, robots, politeness, guarded
HTTP, RawPage + state records to the broker, offset commits — runs pinned to one core with
zero host delay until every page is on ``pages.raw``.

    .venv/bin/python bench/fetch_throughput.py --pages 10000 --hosts 50 --size 30000 --runs 3

Needs the local broker (``deploy/local/services.sh up``). Writes the ``## Fetcher`` section of
docs/benchmarks.md (``--no-docs`` to skip).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _report

ROOT = Path(__file__).resolve().parents[1]


def _page(size: int) -> bytes:
    # Article-like HTML: mixed Chinese text and markup, roughly ``size`` bytes.
    para = "<p>当地时间3月11日下午,由法国发起的30多个国家的军方首脑会议在法国首都巴黎召开。</p>\n"
    body = para * max(1, size // len(para.encode()))
    return f"<html><head><title>bench</title></head><body>{body}</body></html>".encode()


def serve(hosts: int, size: int) -> None:
    """Server mode: ``hosts`` ports on 127.0.0.1; prints the ports as JSON, runs until killed.

    A bare asyncio protocol answering every request with a prebuilt keep-alive response:
    the benchmark measures the fetcher, so the site must cost as little CPU as possible
    (an aiohttp server saturated its core at ~420 pages/s, below the fetcher).
    """
    page = _page(size)
    article = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Content-Length: %d\r\n\r\n" % len(page)
    ) + page
    robots_body = b"User-agent: *\nDisallow: /private/\n"
    robots = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
        % len(robots_body)
    ) + robots_body

    class Site(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
                head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
                is_robots = head.startswith(b"GET /robots.txt ")
                self.transport.write(robots if is_robots else article)  # type: ignore[attr-defined]

    async def listen() -> None:
        loop = asyncio.get_running_loop()
        ports = []
        for _ in range(hosts):
            server = await loop.create_server(Site, "127.0.0.1", 0, backlog=1024)
            ports.append(server.sockets[0].getsockname()[1])
        print(json.dumps(ports), flush=True)
        await asyncio.Event().wait()

    asyncio.run(listen())


async def bench(args: argparse.Namespace, ports: list[int]) -> dict[str, Any]:
    """One run: fresh topics, pre-filled frontier, one worker until every page is published."""
    from newswire.broker import create_topics, delete_topics, make_producer
    from newswire.fetcher import metrics
    from newswire.fetcher.app import FetcherWorker, WorkerOptions
    from newswire.records import CrawlRequest
    from newswire.settings import Settings
    from newswire.topics import Topic, topic_name

    settings = Settings(
        topic_prefix=f"bench-{os.urandom(4).hex()}.",
        partitions=args.partitions,
        allow_private_networks=["127.0.0.1"],
        host_delay_s=0.0,
        host_concurrency=args.concurrency,
        data_dir=Path(tempfile.mkdtemp()),
    )
    await create_topics(settings)

    producer = make_producer(settings)
    await producer.start()
    topic = topic_name(Topic.CRAWL_REQUESTS, settings)
    futures = []
    for i in range(args.pages):
        port = ports[i % len(ports)]
        request = CrawlRequest(url=f"http://127.0.0.1:{port}/a/{i}", source="cli")
        futures.append(
            await producer.send(topic, request.to_bytes(), key=f"127.0.0.1:{port}".encode())
        )
    await asyncio.gather(*futures)
    await producer.stop()

    def published() -> float:
        return sum(
            s.value for m in metrics.PAGES.collect() for s in m.samples if s.name.endswith("_total")
        )

    before = published()
    worker = FetcherWorker(settings, options=WorkerOptions(schedule_interval_s=0))
    wall0 = time.perf_counter()
    task = asyncio.create_task(worker.run())
    first_page_at = None
    beside_mid_run = "unknown"
    sampled = False
    while published() - before < args.pages:
        if task.done():
            task.result()
            raise RuntimeError("worker stopped early")
        if first_page_at is None and published() > before:
            first_page_at = (time.perf_counter(), time.process_time())
        if not sampled and published() - before >= args.pages // 2:
            # Everything else on the machine (this process is the worker being measured).
            others = [b for b in _report.beside().split(", ") if "fetch_throughput" not in b]
            beside_mid_run, sampled = ", ".join(others), True
        await asyncio.sleep(0.02)
    wall1, cpu1 = time.perf_counter(), time.process_time()
    worker.stop()
    await task
    await delete_topics(settings)
    assert first_page_at is not None
    steady_wall = wall1 - first_page_at[0]
    steady_cpu = cpu1 - first_page_at[1]
    return {
        "pages": args.pages,
        "wall_s": wall1 - wall0,
        "startup_s": first_page_at[0] - wall0,
        "pages_per_s": args.pages / steady_wall,
        "cpu_s_per_page": steady_cpu / args.pages,
        "cpu_share": steady_cpu / steady_wall,
        "beside": beside_mid_run,
    }


FETCHER_INTRO = """\
The fetcher worker (`newswire fetcher`): crawl requests in, raw pages to `pages.raw` on the
real local Kafka broker. Regenerate with `.venv/bin/python bench/fetch_throughput.py`."""


def report(args: argparse.Namespace, results: list[dict[str, Any]]) -> str:
    rows = "\n".join(
        f"| {i + 1} | {r['pages']} | {r['pages_per_s']:.0f} | {r['cpu_s_per_page'] * 1000:.2f} "
        f"| {r['cpu_share'] * 100:.0f}% | {r['startup_s']:.1f} | {r['beside']} |"
        for i, r in enumerate(results)
    )
    best = max(results, key=lambda r: r["pages_per_s"])
    median_cpu = sorted(r["cpu_s_per_page"] for r in results)[len(results) // 2]
    command = (
        f"`.venv/bin/python bench/fetch_throughput.py --pages {args.pages} "
        f"--hosts {args.hosts} --size {args.size} --runs {args.runs}`"
    )
    return f"""### Throughput into the real broker — {_report.stamp()}

{command}: {args.hosts} hosts (ports of 127.0.0.1), {args.size // 1000} KB article pages, host
delay 0, per-host concurrency {args.concurrency}, robots.txt obeyed, {args.partitions}
partitions. One `FetcherWorker` pinned to one core; the site (a bare asyncio server) pinned
to the other, which it shares with the Kafka broker and whatever else runs on the machine.
CPU is the worker process's CPU time from its first page to its last.
Machine: {_report.machine()}.

| run | pages | pages/s | ms CPU/page | CPU of its core | start-up s | running beside it |
|---|---|---|---|---|---|---|
{rows}

Best run {best["pages_per_s"]:.0f} pages/s. Median {median_cpu * 1000:.2f} ms CPU per page:
about {1 / median_cpu:.0f} pages/s when the worker has its core to itself (goal: 500). A run
below 100% of its core was waiting on the site and the broker, which share the other core."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--size", type=int, default=30000, help="page size in bytes")
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=1, help="per-host concurrency")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of one run here")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.hosts, args.size)
        return

    cores = sorted(os.sched_getaffinity(0))
    server_core, fetcher_core = cores[-1], cores[0]
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--hosts", str(args.hosts), "--size", str(args.size)],
        stdout=subprocess.PIPE,
        text=True,
        # The site gets the other core; the fetcher keeps one core to itself.
        preexec_fn=lambda: os.sched_setaffinity(0, {server_core}),
    )
    results: list[dict[str, Any]] = []
    try:
        assert server.stdout is not None
        ports = json.loads(server.stdout.readline())
        os.sched_setaffinity(0, {fetcher_core})
        if args.profile:
            import cProfile

            with cProfile.Profile() as profile:
                results.append(asyncio.run(bench(args, ports)))
            profile.dump_stats(args.profile)
        else:
            for _ in range(args.runs):
                results.append(asyncio.run(bench(args, ports)))
                print(json.dumps(results[-1]), flush=True)
    finally:
        server.terminate()
        server.wait()
    entry = report(args, results)
    print(entry)
    if not args.no_docs and not args.profile:
        _report.write_entry("Fetcher", "throughput", entry, FETCHER_INTRO)


if __name__ == "__main__":
    main()
