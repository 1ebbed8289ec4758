"""Fetcher throughput: pages/s and CPU seconds per page, into the real Kafka broker.

A local news site is served on ``--hosts`` ports of 127.0.0.1 (each port is a distinct host to
the fetcher: its own politeness slot and robots.txt) by a separate server process pinned to
the other core. ``crawl.requests`` is pre-filled under a fresh topic prefix; then one
``FetcherWorker`` — the production code path: state lookup, robots, politeness, guarded
HTTP, RawPage + state records to the broker, offset commits — runs pinned to one core with
zero host delay until every page is on ``pages.raw``.

    .venv/bin/python bench/fetch_throughput.py --pages 10000 --hosts 50 --size 30000

Needs the local broker (``deploy/local/services.sh up``). Prints a Markdown table row.
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

ROOT = Path(__file__).resolve().parents[1]


def _page(size: int) -> bytes:
    # Article-like HTML: mixed Chinese text and markup, roughly ``size`` bytes.
    para = "<p>当地时间3月11日下午,由法国发起的30多个国家的军方首脑会议在法国首都巴黎召开。</p>\n"
    body = para * max(1, size // len(para.encode()))
    return f"<html><head><title>bench</title></head><body>{body}</body></html>".encode()


def serve(hosts: int, size: int) -> None:
    """Server mode: ``hosts`` ports on 127.0.0.1; prints the ports as JSON, runs until killed."""
    from aiohttp import web

    page = _page(size)

    async def article(request: web.Request) -> web.Response:
        return web.Response(body=page, content_type="text/html", charset="utf-8")

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/robots.txt", robots)
        app.router.add_get("/a/{n}", article)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        ports = []
        for _ in range(hosts):
            site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
            await site.start()
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        print(json.dumps(ports), flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


async def bench(args: argparse.Namespace, ports: list[int]) -> dict[str, float]:
    from newswire.broker import create_topics, make_producer
    from newswire.fetcher import metrics
    from newswire.fetcher.app import FetcherWorker, WorkerOptions
    from newswire.records import CrawlRequest
    from newswire.settings import Settings
    from newswire.topics import Topic, topic_name

    tag = os.urandom(4).hex()
    settings = Settings(
        topic_prefix=f"bench-{tag}.",
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
        return sum(s.value for m in metrics.PAGES.collect() for s in m.samples
                   if s.name.endswith("_total"))

    before = published()
    worker = FetcherWorker(settings, options=WorkerOptions(schedule_interval_s=0))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    task = asyncio.create_task(worker.run())
    first_page_at = None
    while published() - before < args.pages:
        if task.done():
            task.result()
            raise RuntimeError("worker stopped early")
        if first_page_at is None and published() > before:
            first_page_at = (time.perf_counter(), time.process_time())
        await asyncio.sleep(0.02)
    wall1, cpu1 = time.perf_counter(), time.process_time()
    worker.stop()
    await task
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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--size", type=int, default=30000, help="page size in bytes")
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=1, help="per-host concurrency")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the run here")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.hosts, args.size)
        return

    cores = sorted(os.sched_getaffinity(0))
    server_cmd = [sys.executable, __file__, "--serve", "--hosts", str(args.hosts),
                  "--size", str(args.size)]
    if len(cores) > 1:
        server_cmd = ["taskset", "-c", str(cores[-1]), *server_cmd]
    server = subprocess.Popen(server_cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        ports = json.loads(server.stdout.readline())
        # The fetcher gets one core to itself (the server has the other).
        os.sched_setaffinity(0, {cores[0]})
        if args.profile:
            import cProfile

            with cProfile.Profile() as profile:
                result = asyncio.run(bench(args, ports))
            profile.dump_stats(args.profile)
        else:
            result = asyncio.run(bench(args, ports))
    finally:
        server.terminate()
        server.wait()
    print(json.dumps(result, indent=2))
    print(
        f"| {args.pages} pages | {args.hosts} hosts | {args.size // 1000} KB | "
        f"{result['pages_per_s']:.0f} pages/s | {result['cpu_s_per_page'] * 1000:.2f} ms CPU/page | "
        f"{result['cpu_share'] * 100:.0f}% of one core |"
    )


if __name__ == "__main__":
    main()
