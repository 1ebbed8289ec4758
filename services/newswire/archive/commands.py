"""Command-line entry points of the archive stage: `archive`, `import-warc`, `reparse`."""

from __future__ import annotations

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


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the ``newswire`` CLI."""
    app.command("archive")(archive_worker)
