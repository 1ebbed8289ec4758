"""The live half of bench/freshness.py: the real fetcher and parser on a compressed clock.

The simulated world (bench/freshness_world.py) is served by ten aiohttp servers on 127.0.0.1
(one per host: a host is an address and port to the fetcher, so politeness and the site list
treat them as ten sites). Two fetchers run side by side in this process, each a real
:class:`~newswire.fetcher.app.FetcherWorker` with its own topics and user agent, one with fixed
re-visits and one with adaptive ones, and each has its own ``newswire parser`` process turning
list pages and feeds into crawl requests.

**The compressed clock.** ``sim_seconds = (time.monotonic() - t0) * factor``, with ``factor``
the simulated seconds per real second (``days * 86400 / (minutes * 60)``). The fetchers get
``WorkerOptions(clock=...)`` returning ``EPOCH + sim_seconds``: their URL state, learned rates
and re-visit schedule all run on it. The servers read the same clock to decide which stories
exist and which a list shows, and date feeds, lists and articles with it. Real time still
paces everything else: politeness (``host_delay_s`` 0.01 s real, a few simulated seconds),
timeouts, Kafka, and the parser's work, which all take simulated minutes at this compression.
Both fetchers pay those alike, so the comparison holds; the absolute delays are those of a
loaded pipeline at ``factor`` x speed.

Discovery delay is read from the servers' request log: the simulated time of a fetcher's first
request for a story's page, minus the story's publication time.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from freshness_world import DAY, World, build_world
from newswire.broker import create_topics, delete_topics
from newswire.fetcher.app import FetcherWorker, WorkerOptions
from newswire.settings import Settings
from newswire.sites import parse_sites

EPOCH = datetime(2026, 1, 5, tzinfo=UTC)
ARMS = ("fixed", "adaptive")


class CompressedClock:
    def __init__(self, factor: float) -> None:
        self.factor = factor
        self.t0 = time.monotonic()

    def sim_seconds(self) -> float:
        return (time.monotonic() - self.t0) * self.factor

    def now(self) -> datetime:
        return EPOCH + timedelta(seconds=self.sim_seconds())


@dataclass
class Log:
    #: (arm, host, path) -> simulated seconds of the first request
    first: dict[tuple[str, int, str], float] = field(default_factory=dict)
    list_fetches: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ARMS, 0))


def _stamp(seconds: float) -> str:
    return (EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def _rfc822(seconds: float) -> str:
    return (EPOCH + timedelta(seconds=seconds)).strftime("%a, %d %b %Y %H:%M:%S GMT")


def site_app(world: World, host: int, clock: CompressedClock, log: Log) -> web.Application:
    pages = {p.path: p for p in world.lists if p.host == host}
    stories = {s.path: s for s in world.stories if s.host == host}

    def arm_of(request: web.Request) -> str:
        agent = request.headers.get("User-Agent", "")
        return next((arm for arm in ARMS if f"bench-{arm}" in agent), "other")

    async def handle(request: web.Request) -> web.Response:
        now = clock.sim_seconds()
        arm, path = arm_of(request), request.path
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        if path in pages:
            log.list_fetches[arm] = log.list_fetches.get(arm, 0) + 1
            page = pages[path]
            shown = page.visible(now)
            if page.kind == "feed":
                items = "".join(
                    f"<item><title>Story {s.id}</title>"
                    f"<link>http://{request.host}{s.path}</link>"
                    f"<pubDate>{_rfc822(s.published_at)}</pubDate></item>"
                    for s in shown
                )
                body = (
                    '<?xml version="1.0"?><rss version="2.0"><channel>'
                    f"<title>h{host}</title>{items}</channel></rss>"
                )
                return web.Response(text=body, content_type="application/rss+xml")
            links = "".join(
                f'<li><a href="{s.path}">Officials announce new measures in story number {s.id}</a>'
                f" <span>{_stamp(s.published_at)}</span></li>"
                for s in shown
            )
            body = (
                f"<html><head><title>{path} - Host {host} News</title></head><body>"
                f'<h1>{path}</h1><ul class="news-list">{links}</ul></body></html>'
            )
            return web.Response(text=body, content_type="text/html")
        story = stories.get(path)
        if story is None or story.published_at > now:
            raise web.HTTPNotFound()
        log.first.setdefault((arm, host, path), now)
        published = (EPOCH + timedelta(seconds=story.published_at)).isoformat()
        paragraphs = "".join(
            f"<p>Paragraph {i} of story {story.id}, long enough to be read as the body of a "
            "news article about the measures officials announced.</p>"
            for i in range(4)
        )
        body = (
            f"<html><head><title>Story {story.id}</title>"
            f'<meta property="article:published_time" content="{published}"></head><body>'
            f"<article><h1>Officials announce story {story.id}</h1>{paragraphs}</article>"
            "</body></html>"
        )
        return web.Response(text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    return app


def sites_yaml(
    world: World, ports: dict[int, int], *, adaptive: bool, interval_s: float, budget_per_h: float
) -> str:
    lines = ["sites:"]
    for host, port in ports.items():
        base = f"http://127.0.0.1:{port}"
        pages = [p for p in world.lists if p.host == host]
        lines += [
            f"  - name: host{host}",
            f"    hosts: ['127.0.0.1:{port}']",
            f"    start_urls: {[base + p.path for p in pages if p.kind == 'list']}",
            f"    feeds: {[base + p.path for p in pages if p.kind == 'feed']}",
            "    article_patterns: ['/a/\\d+\\.html$']",
            "    timezone: UTC",
            f"    revisit: {interval_s}",
            f"    adaptive_revisit: {str(adaptive).lower()}",
            "    revisit_min: 60",
            "    revisit_max: 2d",
            f"    list_budget: {budget_per_h}",
            "    robots_sitemaps: false",
        ]
    return "\n".join(lines) + "\n"


async def _run(days: float, minutes: float, seed: int, fixed_interval_s: float) -> list[str]:
    world = build_world(days, seed)
    factor = days * DAY / (minutes * 60)
    log = Log()
    tmp = Path(tempfile.mkdtemp(prefix="freshness-bench-"))
    runners, ports = [], {}
    clock = CompressedClock(factor)  # replaced once everything is up
    for host in sorted({p.host for p in world.lists}):
        runner = web.AppRunner(site_app(world, host, clock, log), access_log=None)
        await runner.setup()
        tcp = web.TCPSite(runner, "127.0.0.1", 0)
        await tcp.start()
        ports[host] = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        runners.append(runner)
    lists_per_site = len(world.lists) / len(ports)
    budget = lists_per_site * 3600 / (15 * 60)
    tag = uuid.uuid4().hex[:6]
    arms: dict[str, Settings] = {}
    for arm in ARMS:
        seeds = tmp / f"{arm}.yaml"
        seeds.write_text(
            sites_yaml(
                world,
                ports,
                adaptive=arm == "adaptive",
                interval_s=fixed_interval_s if arm == "fixed" else 15 * 60,
                budget_per_h=budget,
            )
        )
        arms[arm] = Settings(
            topic_prefix=f"fresh-{tag}-{arm}.",
            index_alias=f"fresh-{tag}-{arm}",
            partitions=2,
            seeds_file=seeds,
            allow_private_networks=["127.0.0.1"],
            host_delay_s=0.01,
            user_agent=f"newswire-bench-{arm}/0.1",
            data_dir=tmp / f"data-{arm}",
            extract_workers=1,
            log_level="WARNING",
        )
        await create_topics(arms[arm])
    parsers = [
        subprocess.Popen(
            [sys.executable, "-m", "newswire", "parser"],
            env={**os.environ, **settings.as_environment()},
            stdout=(tmp / f"parser-{arm}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for arm, settings in arms.items()
    ]
    workers: list[FetcherWorker] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        await asyncio.sleep(15)  # the parsers join their groups
        clock.t0 = time.monotonic()  # the simulated day starts now
        for settings in arms.values():
            worker = FetcherWorker(
                settings,
                parse_sites(settings.seeds_file.read_text()),
                WorkerOptions(schedule_interval_s=0.1, clock=clock.now, commit_interval_s=0.5),
            )
            workers.append(worker)
            tasks.append(asyncio.create_task(worker.run()))
        while clock.sim_seconds() < world.duration:
            await asyncio.sleep(1)
            for task in tasks:
                if task.done():
                    task.result()
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        for parser in parsers:
            parser.terminate()
            parser.wait(timeout=60)
        for runner in runners:
            await runner.cleanup()
        for settings in arms.values():
            await delete_topics(settings)
    return report(world, log, factor, days, minutes, fixed_interval_s)


def report(
    world: World, log: Log, factor: float, days: float, minutes: float, fixed_interval_s: float
) -> list[str]:
    warmup = min(DAY, world.duration / 2)
    counted = [s for s in world.stories if s.published_at >= warmup]
    lines = [
        f"Live run: the real fetcher (one fixed, one adaptive, side by side) and parser, "
        f"{days:g} simulated days in {minutes:g} real minutes (clock x{factor:.0f}); fixed "
        f"re-visits every {fixed_interval_s / 60:.1f} simulated minutes (the simulation's "
        f"same-fetches interval); figures over the stories after the first {warmup / 3600:g} "
        "simulated hours. The compressed clock: simulated seconds = (monotonic - t0) x factor; "
        "the fetchers' `WorkerOptions.clock` (URL state, learned rates, re-visit schedule) and "
        "the site (which stories exist, which each list shows, their dates) read it, while "
        "politeness, timeouts, Kafka and parsing keep real time, so every real second of "
        "pipeline latency costs both fetchers `factor` simulated seconds alike.",
        "",
        "| policy | list fetches | fetches per story found | mean delay | p50 | p95 | missed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for arm in ARMS:
        delays = sorted(
            log.first[(arm, s.host, s.path)] - s.published_at
            for s in counted
            if (arm, s.host, s.path) in log.first
        )
        missed = sum(
            1
            for s in counted
            if (arm, s.host, s.path) not in log.first and world.off_all_lists_by(s, world.duration)
        )
        if not delays:
            lines.append(f"| {arm} | {log.list_fetches[arm]:,} | - | - | - | - | {missed} |")
            continue
        lines.append(
            f"| {arm} | {log.list_fetches[arm]:,} | "
            f"{log.list_fetches[arm] / len(delays):.2f} | "
            f"{statistics.fmean(delays) / 60:.1f} min | {delays[len(delays) // 2] / 60:.1f} min | "
            f"{delays[int(len(delays) * 0.95)] / 60:.1f} min | {missed} of {len(counted):,} |"
        )
    lines.append("")
    return lines


def run_live(days: float, minutes: float, seed: int, fixed_interval_s: float) -> list[str]:
    return asyncio.run(_run(days, minutes, seed, fixed_interval_s))
