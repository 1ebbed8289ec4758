"""Admin commands that span services: topics, status, dead letters."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the admin commands to the ``newswire`` CLI."""
