"""Progress bars for long commands (``dlq replay``, ``index migrate``, bulk ``crawl``): shared
terminal UI for the admin and the services' commands.

Bars are drawn on stderr and only when it is a terminal: in scripts, CI and ``--json`` runs
the output stays machine-readable. Usage::

    with progress_bars() as start:
        advance = start("replaying", total=len(letters))
        ...
        advance(len(batch))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Advance = Callable[[int], None]
StartTask = Callable[[str, int | None], Advance]


def _noop(_: int) -> None:
    return None


@contextmanager
def progress_bars(
    console: Console | None = None, enabled: bool | None = None
) -> Iterator[StartTask]:
    """Yield ``start(description, total)`` -> ``advance(n)``; no-ops unless on a terminal."""
    console = console or Console(stderr=True)
    if enabled is None:
        enabled = console.is_terminal
    if not enabled:
        yield lambda description, total: _noop
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )

    def start(description: str, total: int | None) -> Advance:
        task = progress.add_task(description, total=total)

        def advance(n: int) -> None:
            progress.advance(task, n)

        return advance

    with progress:
        yield start
