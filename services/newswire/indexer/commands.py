"""Command-line entry points of the indexer service: the worker and ``newswire index ...``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import typer

index_app = typer.Typer(help="The search index: template, alias, migrations.", no_args_is_help=True)


def indexer() -> None:
    """Run the indexer worker: articles -> the search index (consumer group newswire-indexer)."""
    from newswire.indexer.app import run_worker

    run_worker()


@index_app.command("setup")
def index_setup() -> None:
    """Install the index template and create the first index behind the alias (idempotent)."""
    from newswire.indexer.index_design import ensure_index
    from newswire.search import connect
    from newswire.settings import get_settings

    async def run() -> str:
        settings = get_settings()
        client = await connect(settings)
        try:
            return await ensure_index(client, settings)
        finally:
            await client.close()

    settings_alias = _alias()
    typer.echo(f"{settings_alias} -> {asyncio.run(run())}")


@index_app.command("info")
def index_info(
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Show the alias, its indices with doc counts and template versions, and freshness."""
    from newswire.indexer.index_design import describe
    from newswire.search import connect
    from newswire.settings import get_settings

    async def run() -> dict[str, Any]:
        settings = get_settings()
        client = await connect(settings)
        try:
            return await describe(client, settings)
        finally:
            await client.close()

    info = asyncio.run(run())
    if as_json:
        typer.echo(json.dumps(info, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    versions = info["template_version"]
    console.print(
        f"alias [bold]{info['alias']}[/] -> {info['write_index'] or '(missing)'}   "
        f"docs {info['docs'] if info['docs'] is not None else '-'}   "
        f"template: code v{versions['code']}, installed v{versions['installed']}, "
        f"write index v{versions['write_index']}"
    )
    if versions["write_index"] is not None and versions["write_index"] < versions["code"]:
        console.print("[yellow]the template changed: run `newswire index migrate`[/]")
    table = Table("index", "docs", "template", "in alias", "write")
    for entry in info["indices"]:
        table.add_row(
            entry["name"],
            str(entry["docs"]),
            f"v{entry['template_version']}",
            "yes" if entry["in_alias"] else "",
            "yes" if entry["write_index"] else "",
        )
    console.print(table)
    console.print(
        f"newest fetched_at {info['newest_fetched_at'] or '-'}   "
        f"newest indexed_at {info['newest_indexed_at'] or '-'}"
    )


@index_app.command("migrate")
def index_migrate(
    force: bool = typer.Option(
        False, "--force", help="Rebuild even when the template version has not changed."
    ),
    delete_old: bool = typer.Option(
        False, "--delete-old", help="Delete the previous index after the swap (default: keep it)."
    ),
) -> None:
    """Fill the next index from the articles topic and swap the alias once it has caught up."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from newswire.indexer.migrate import migrate
    from newswire.settings import get_settings

    settings = get_settings()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=False,
    ) as bar:
        # rich draws only on a terminal; in a pipe it stays quiet and the summary line is it.
        task = bar.add_task("replaying articles", total=None)
        rounds = 0

        def progress(done: int, total: int) -> None:
            nonlocal rounds
            if done == 0:
                rounds += 1
                label = "replaying articles" if rounds == 1 else f"catching up (round {rounds})"
                bar.update(task, description=label, completed=0, total=total)
            else:
                bar.update(task, completed=done)

        result = asyncio.run(
            migrate(settings, force=force, delete_old=delete_old, progress=progress)
        )
    if not result.swapped:
        typer.echo(f"nothing to do: {result.reason}")
        return
    typer.echo(
        f"{settings.index_alias}: {result.source or '(none)'} -> {result.target}; "
        f"replayed {result.replayed} messages, {result.docs} documents, "
        f"{result.dead_letters} dead letters"
    )


def _alias() -> str:
    from newswire.settings import get_settings

    return get_settings().index_alias


def register(app: typer.Typer) -> None:
    """Add this service's commands to the ``newswire`` CLI."""
    app.command("indexer")(indexer)
    app.add_typer(index_app, name="index")
