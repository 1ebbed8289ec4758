"""The ``newswire`` command: workers, admin commands and the extractor, in one place.

Each service package contributes its commands through a ``register(app)`` function in its
``commands`` module; heavy imports (faust, engines) happen inside the commands, so
``newswire --help`` stays instant.
"""

from __future__ import annotations

import typer

from newswire import admin_commands
from newswire.archive import commands as archive_commands
from newswire.fetcher import commands as fetcher_commands
from newswire.indexer import commands as indexer_commands
from newswire.parser import commands as parser_commands
from newswire.stories import commands as stories_commands

app = typer.Typer(
    name="newswire",
    help="Event-driven news ingestion: fetcher -> parser -> indexer, through Kafka.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (
    fetcher_commands,
    parser_commands,
    indexer_commands,
    admin_commands,
    archive_commands,
    stories_commands,
):
    module.register(app)


def main() -> None:
    app()
