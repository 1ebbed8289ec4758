"""Command-line entry points of the archive stage: `archive`, `import-warc`, `reparse`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer


def archive_worker() -> None:
    """Run the archiver: pages.raw -> WARC files in NEWSWIRE_ARCHIVE_DIR (offsets after fsync)."""
    import asyncio
    import signal

    from newswire.archive.app import Archiver
    from newswire.logs import setup_logging
    from newswire.observability import serve_metrics
    from newswire.settings import get_settings

    settings = get_settings()
    setup_logging("archive", settings.log_level, settings.log_json)
    serve_metrics(settings, "archive")

    async def main() -> None:
        archiver = Archiver(settings)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, archiver.stop)
        await archiver.run()

    asyncio.run(main())


def import_warc(
    paths: Annotated[list[Path], typer.Argument(help="WARC files, or directories of them.")],
    site: Annotated[
        str | None, typer.Option(help="Assign every page to this site (from the seeds file).")
    ] = None,
    any_site: Annotated[
        bool, typer.Option("--any-site", help="Import pages of hosts no site declares, too.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes importing in parallel, each a piece of the files at a time"
            " (default: one per CPU core).",
        ),
    ] = None,
) -> None:
    """Import WARC response records into pages.raw (the parser takes them from there)."""
    import os

    from newswire.archive.importer import SitePolicy, importing, warc_files
    from newswire.progress import progress_bars
    from newswire.settings import get_settings
    from newswire.sites import load_sites

    settings = get_settings()
    registry = load_sites(settings.seeds_file)
    if site is not None and registry.get(site) is None:
        raise typer.BadParameter(f"no site named {site!r} in {settings.seeds_file}")
    files = warc_files(paths)
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise typer.BadParameter(f"not a file: {', '.join(missing)}")
    policy = SitePolicy(site=site, any_site=any_site)
    processes = workers or len(os.sched_getaffinity(0))
    # The import processes start before the progress bar's thread (see ImportProcesses).
    with importing(files, settings, registry, policy, processes) as run, progress_bars() as start:
        summary = run(start("importing WARC records", sum(p.stat().st_size for p in files)))
    for line in summary.lines():
        typer.echo(line)
    if summary.failed:
        raise typer.Exit(1)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``2026-12-01``, ``2026-12-01T06:00:00+08:00`` (no offset: UTC) or an age: ``36h``, ``7d``."""
    now = now or datetime.now(UTC)
    if match := re.fullmatch(r"(\d+)([smhd])", text.strip()):
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
        return now - timedelta(seconds=int(match.group(1)) * unit)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"not a time or an age: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reparse_command(
    from_archive: Annotated[
        list[Path] | None,
        typer.Option("--from-archive", help="WARC files or directories (e.g. the archive's)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Re-read pages.raw from this time (ISO 8601) or age (36h, 7d)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; report what would change.")
    ] = False,
) -> None:
    """Extract fetched pages again (after an extractor upgrade) and write the newer articles."""
    import asyncio

    from newswire.archive.reparse import ReparseSummary, archive_pages, reparse, topic_pages
    from newswire.logs import setup_logging
    from newswire.progress import progress_bars
    from newswire.settings import get_settings
    from newswire.sites import load_sites

    if (from_archive is None) == (since is None):
        raise typer.BadParameter("give exactly one of --from-archive DIR and --since TIME")
    settings = get_settings()
    setup_logging("reparse", settings.log_level, settings.log_json)
    registry = load_sites(settings.seeds_file)
    summary = ReparseSummary()
    pages = (
        archive_pages(from_archive, registry, summary)
        if from_archive is not None
        else topic_pages(settings, parse_since(since or ""))
    )
    with progress_bars() as start:
        advance = start("re-extracting pages", None)
        asyncio.run(
            reparse(pages, settings, registry, dry_run=dry_run, summary=summary, advance=advance)
        )
    for line in summary.lines(dry_run):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the ``newswire`` CLI."""
    app.command("archive")(archive_worker)
    app.command("import-warc")(import_warc)
    app.command("reparse")(reparse_command)
