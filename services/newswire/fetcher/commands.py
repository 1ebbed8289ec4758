"""Command-line entry points of the fetcher service: the worker, `crawl` and `demo-site`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def fetcher_worker(
    seeds: Annotated[
        Path | None,
        typer.Option(help="Site list (default: NEWSWIRE_SEEDS_FILE, i.e. seeds/sites.yaml)."),
    ] = None,
    schedule: Annotated[
        bool, typer.Option(help="Re-visit the seeds' start pages, feeds and sitemaps.")
    ] = True,
) -> None:
    """Run the fetcher: crawl.requests -> pages.raw (and dead letters), politely."""
    import asyncio
    import logging
    import signal

    from newswire.fetcher.app import FetcherWorker, WorkerOptions
    from newswire.logs import setup_logging
    from newswire.observability import serve_metrics
    from newswire.settings import get_settings
    from newswire.sites import SitesError, load_sites

    settings = get_settings()
    setup_logging("fetcher", settings.log_level, settings.log_json)
    log = logging.getLogger("newswire.fetcher")
    try:
        sites = load_sites(seeds or settings.seeds_file)
    except SitesError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    serve_metrics(settings, "fetcher")

    options = WorkerOptions() if schedule else WorkerOptions(schedule_interval_s=0.0)

    async def main() -> None:
        worker = FetcherWorker(settings, sites, options)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.stop)
        log.info("fetcher starting with %d sites", len(sites))
        await worker.run()

    asyncio.run(main())


def crawl(
    urls: Annotated[list[str], typer.Argument(help="URLs to fetch.")],
    kind: Annotated[str, typer.Option(help="page, list, feed or sitemap.")] = "page",
    force: Annotated[bool, typer.Option(help="Fetch even if fetched before.")] = False,
    seeds: Annotated[
        bool, typer.Option("--seeds", help="Also send every seed's start pages, feeds, sitemaps.")
    ] = False,
) -> None:
    """Send crawl requests to the frontier (crawl.requests, keyed by host)."""
    import asyncio

    from newswire.broker import make_producer
    from newswire.progress import progress_bars
    from newswire.records import CrawlRequest
    from newswire.settings import get_settings
    from newswire.sites import load_sites
    from newswire.topics import Topic, topic_name
    from newswire.urls import host_of, normalize_url

    if kind not in ("page", "list", "feed", "sitemap"):
        raise typer.BadParameter("kind must be page, list, feed or sitemap")
    settings = get_settings()
    registry = load_sites(settings.seeds_file)
    requests: list[CrawlRequest] = []
    for url in urls:
        try:
            canonical = normalize_url(url)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        site = registry.for_url(canonical)
        requests.append(
            CrawlRequest(
                url=canonical,
                site=site.name if site else None,
                kind=kind,  # type: ignore[arg-type]
                source="cli",
                force=force,
            )
        )
    if seeds:
        requests.extend(registry.seed_requests())

    async def send(advance: Callable[[int], None]) -> None:
        producer = make_producer(settings)
        await producer.start()
        try:
            topic = topic_name(Topic.CRAWL_REQUESTS, settings)
            futures = []
            for request in requests:
                future = await producer.send(
                    topic, request.to_bytes(), key=host_of(request.url).encode()
                )
                future.add_done_callback(lambda _: advance(1))
                futures.append(future)
            await asyncio.gather(*futures)
        finally:
            await producer.stop()

    with progress_bars() as start:
        asyncio.run(send(start("sending crawl requests", len(requests))))
    typer.echo(f"sent {len(requests)} crawl request(s)")


def demo_site(
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 in a container, for the others).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (seeds/demo.yaml expects 8088).")] = 8088,
) -> None:
    """Serve the offline demo news site from demo/ beside NEWSWIRE_SEEDS_FILE (seeds/demo/)."""
    from newswire.fetcher.demo_site import demo_root, serve
    from newswire.settings import get_settings

    serve(host, port, demo_root(get_settings().seeds_file))


def register(app: typer.Typer) -> None:
    """Add this service's commands to the ``newswire`` CLI."""
    app.command("fetcher")(fetcher_worker)
    app.command("crawl")(crawl)
    app.command("demo-site")(demo_site)
