"""Admin commands that span services: topics (and, as they land, status and dead letters)."""

from __future__ import annotations

import asyncio

import typer

topics_app = typer.Typer(help="Kafka topics newswire uses.", no_args_is_help=True)


@topics_app.command("create")
def topics_create() -> None:
    """Create every newswire topic that does not exist yet (safe to run again)."""
    from newswire.broker import create_topics

    created = asyncio.run(create_topics())
    typer.echo(f"created: {', '.join(created)}" if created else "all topics already exist")


@topics_app.command("list")
def topics_list() -> None:
    """Print the declared topics with their partitions and configuration."""
    from newswire.settings import get_settings
    from newswire.topics import TOPICS, partitions_for, topic_name

    settings = get_settings()
    for topic, spec in TOPICS.items():
        config = ", ".join(f"{k}={v}" for k, v in spec.config.items())
        typer.echo(
            f"{topic_name(topic, settings):<28} partitions={partitions_for(topic, settings):<3} "
            f"key={spec.key:<11} {config}"
        )


def setup() -> None:
    """Prepare a cluster: create the topics and the index template and alias (idempotent)."""
    from newswire.broker import create_topics
    from newswire.indexer.index_design import ensure_index
    from newswire.search import connect
    from newswire.settings import get_settings

    settings = get_settings()

    async def run() -> tuple[list[str], str]:
        created = await create_topics(settings)
        async with await connect(settings) as client:
            index = await ensure_index(client, settings)
        return created, index

    created, index = asyncio.run(run())
    typer.echo(f"topics created: {', '.join(created) or 'none (all exist)'}")
    typer.echo(f"index ready: {index}")


def register(app: typer.Typer) -> None:
    """Add the admin commands to the ``newswire`` CLI."""
    app.add_typer(topics_app, name="topics")
    app.command("setup")(setup)
