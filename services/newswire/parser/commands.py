"""Command-line entry points of the parser service."""

from __future__ import annotations

import typer


def parser_worker() -> None:
    """Run the parser: pages.raw -> articles, crawl requests and dead letters."""
    from newswire.parser.app import build_app
    from newswire.settings import get_settings
    from newswire.worker import run_faust_worker

    settings = get_settings()
    run_faust_worker(build_app(settings), "parser", settings)


def register(app: typer.Typer) -> None:
    """Add this service's commands to the ``newswire`` CLI."""
    app.command("parser")(parser_worker)
