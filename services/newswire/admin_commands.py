"""Admin commands that span services: topics, setup, status and dead letters."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from newswire.admin.deadletters import LetterFilter

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


# --- status --------------------------------------------------------------------------------


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the same data as JSON.")] = False,
    watch: Annotated[
        bool, typer.Option("--watch", "-w", help="Refresh in place until Ctrl-C.")
    ] = False,
    interval: Annotated[
        float, typer.Option(help="Seconds between refreshes with --watch.", min=0.5)
    ] = 2.0,
    max_lag: Annotated[
        int, typer.Option(help="A group further behind than this is a problem.")
    ] = 10_000,
    max_age: Annotated[
        float,
        typer.Option(help="Newest document older than this (s) while the indexer lags: a problem."),
    ] = 900.0,
    check: Annotated[
        bool, typer.Option("--check", help="Exit with status 1 when there are problems.")
    ] = False,
    sites: Annotated[
        bool,
        typer.Option(
            "--sites", help="Also show each site's fill rates and freshness (always in --json)."
        ),
    ] = False,
    stalled_after: Annotated[
        float,
        typer.Option(help="A group whose offset has not moved for this long (s) with lag: stuck."),
    ] = 300.0,
    history: Annotated[
        str | None,
        typer.Option(
            help="File keeping the committed offsets seen between runs "
            "(default: <data dir>/<prefix>status-offsets.json)."
        ),
    ] = None,
) -> None:
    """Topics, consumer lag, dead letters and the search index on one screen.

    Stuck work (a group with lag whose committed offset has not moved for --stalled-after) is
    found by comparing with what earlier runs saw, so run it periodically (or use --watch).
    """
    from rich.console import Console

    from newswire.admin.model import Thresholds
    from newswire.admin.render import render_status
    from newswire.admin.render import watch as watch_loop
    from newswire.admin.status import StatusCollector, collect_status, default_history_path
    from newswire.settings import get_settings

    settings = get_settings()
    thresholds = Thresholds(max_lag=max_lag, max_age_s=max_age, stalled_after_s=stalled_after)
    history_path = Path(history) if history else default_history_path(settings)
    console = Console()
    if watch and not as_json:

        async def run_watch() -> None:
            async with StatusCollector(settings, thresholds, history_path) as collector:
                await watch_loop(console, collector.collect, thresholds, interval, sites=sites)

        # Ctrl-C is how a watch ends: leave the last screen standing, no traceback.
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_watch())
        return
    snapshot = asyncio.run(collect_status(settings, thresholds, history_path))
    if as_json:
        _print_json(snapshot.to_json())
    else:
        console.print(render_status(snapshot, thresholds, sites=sites))
    if check and not snapshot.healthy:
        raise typer.Exit(1)


def _print_json(data: object) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


# --- dead letters -----------------------------------------------------------------------------

dlq_app = typer.Typer(
    help="Dead letters: list, show, and replay them to their origin topic after a fix.",
    no_args_is_help=True,
)

StageOption = Annotated[
    list[str] | None,
    typer.Option("--stage", help="fetch, parse, index or decode (repeatable)."),
]
ReasonOption = Annotated[
    list[str] | None,
    typer.Option("--reason", help="Reason, shell patterns allowed: 'http_5*' (repeatable)."),
]
SinceOption = Annotated[
    str | None,
    typer.Option(help="Failed at or after: ISO time (2025-03-12T08:00+08:00) or age (2h, 7d)."),
]
UntilOption = Annotated[
    str | None, typer.Option(help="Failed before: ISO time or age, like --since.")
]
OriginOption = Annotated[
    str | None, typer.Option("--origin-topic", help="Only letters from this topic (full name).")
]
IdOption = Annotated[
    list[str] | None,
    typer.Option("--id", help="Letter id OFFSET or PARTITION:OFFSET (repeatable)."),
]


def _selection(
    stage: list[str] | None,
    reason: list[str] | None,
    since: str | None,
    until: str | None,
    origin_topic: str | None,
    ids: list[str] | None = None,
) -> LetterFilter:
    from newswire.admin.deadletters import LetterFilter, letter_id, parse_when

    now = datetime.now(UTC)
    try:
        return LetterFilter(
            stages=frozenset(stage or ()),
            reasons=tuple(reason or ()),
            since=parse_when(since, now) if since else None,
            until=parse_when(until, now) if until else None,
            origin_topic=origin_topic,
            ids=frozenset(letter_id(i) for i in ids or ()),
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


@dlq_app.command("list")
def dlq_list(
    stage: StageOption = None,
    reason: ReasonOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    origin_topic: OriginOption = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="Hide letters that were already replayed.")
    ] = False,
    limit: Annotated[int, typer.Option(help="Show the newest N (0: all).", min=0)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines data.")] = False,
) -> None:
    """Dead letters with their stage, reason, origin and error (newest last)."""
    from rich.console import Console

    from newswire.admin.deadletters import format_id
    from newswire.admin.dlq import read_dead_letters
    from newswire.admin.render import render_letters
    from newswire.progress import progress_bars
    from newswire.settings import get_settings

    selection = _selection(stage, reason, since, until, origin_topic)
    with progress_bars(enabled=None if not as_json else False) as start:
        log = asyncio.run(
            read_dead_letters(
                get_settings(),
                selection,
                keep_payload=False,
                start_progress=lambda total: start("reading dead letters", total),
            )
        )
    replayed = set(log.replayed)
    letters = [s for s in log.letters if not (pending and s.id in replayed)]
    matched = len(letters)
    if limit:
        letters = letters[-limit:]
    if as_json:
        _print_json(
            {
                "topic": log.name,
                "filter": selection.describe(),
                "matched": matched,
                "shown": len(letters),
                "letters": [
                    {
                        "id": format_id(s.id),
                        **s.letter.model_dump(mode="json", exclude={"payload"}),
                        "payload_size": s.payload_size,
                        "replayed": s.id in replayed,
                    }
                    for s in letters
                ],
            }
        )
        return
    title = f"{log.name}: {matched} letter(s) matching {selection.describe()}" + (
        f", newest {len(letters)} shown" if len(letters) < matched else ""
    )
    Console().print(render_letters(letters, replayed, title))


@dlq_app.command("show")
def dlq_show(
    letter: Annotated[str, typer.Argument(help="Letter id: OFFSET or PARTITION:OFFSET.")],
    payload: Annotated[
        bool, typer.Option("--payload", help="Write the raw payload bytes to stdout instead.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the letter as JSON.")] = False,
) -> None:
    """One dead letter in full: origin, error, replays; or its raw payload."""
    from rich.console import Console

    from newswire.admin.deadletters import format_id, letter_id
    from newswire.admin.dlq import find_letter
    from newswire.admin.render import render_letter
    from newswire.settings import get_settings

    try:
        ident = letter_id(letter)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    stored, markers = asyncio.run(find_letter(get_settings(), ident))
    if stored is None:
        typer.echo(f"no dead letter {format_id(ident)}", err=True)
        raise typer.Exit(1)
    if payload:
        sys.stdout.buffer.write(stored.letter.payload)
        sys.stdout.buffer.flush()
        return
    if as_json:
        _print_json(
            {
                "id": format_id(stored.id),
                **stored.letter.model_dump(mode="json"),
                "replayed": [m.model_dump(mode="json") for m in markers],
            }
        )
        return
    Console().print(render_letter(stored, markers))


@dlq_app.command("replay")
def dlq_replay(
    stage: StageOption = None,
    reason: ReasonOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    origin_topic: OriginOption = None,
    ids: IdOption = None,
    replay_all: Annotated[
        bool, typer.Option("--all", help="Replay every letter not replayed yet.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be replayed; send nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Put the selected letters' payloads back on their origin topics, once per letter.

    A letter replayed by an earlier run is skipped (a marker on the dead-letter topic records
    every replay, written in the same transaction as the payload). See docs/operations.md.
    """
    from rich.console import Console
    from rich.markup import escape

    from newswire.admin.deadletters import format_id
    from newswire.admin.dlq import replay
    from newswire.progress import progress_bars
    from newswire.settings import get_settings

    selection = _selection(stage, reason, since, until, origin_topic, ids)
    if selection.is_empty and not replay_all:
        raise typer.BadParameter("select letters (--stage, --reason, --since, --id ...) or --all")
    with progress_bars(enabled=None if not as_json else False) as start:
        report = asyncio.run(
            replay(get_settings(), selection, dry_run=dry_run, start_progress=start)
        )
    if as_json:
        _print_json(report.to_json())
        return
    console = Console()
    plan = report.plan
    verb = "would replay" if dry_run else "replayed"
    console.print(
        f"{verb} {len(plan.send)} letter(s) matching {escape(report.selection)}; "
        f"{len(plan.already_replayed)} already replayed, {len(plan.refused)} refused"
        + ("" if dry_run else f"; run {report.run_id}")
    )
    for stored in plan.send:
        letter = stored.letter
        console.print(
            f"  {format_id(stored.id)} {letter.stage}/{letter.reason} -> {letter.origin_topic}"
            f"  {escape(letter.url or '')}"
        )
    for stored, why in plan.refused:
        console.print(f"  [red]refused[/red] {format_id(stored.id)}: {escape(why)}")


# --- fetched pages ----------------------------------------------------------------------------

pages_app = typer.Typer(
    help="Fetched pages: read a URL's latest record from pages.raw.", no_args_is_help=True
)


@pages_app.command("show")
def pages_show(
    url: Annotated[str, typer.Argument(help="The page's URL or its 32-digit URL id.")],
    raw: Annotated[
        str | None,
        typer.Option("--raw", help="Write the body's exact bytes to this file ('-': stdout)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the fetch (and the decoded body) as JSON.")
    ] = False,
    no_body: Annotated[bool, typer.Option("--no-body", help="Status and headers only.")] = False,
) -> None:
    """The latest fetch of a URL: status, headers, final URL, truncation and the decoded body."""
    from newswire.admin.page_view import body_text, render, summary
    from newswire.admin.pages import find_latest_page, url_id_of
    from newswire.records import RecordError
    from newswire.settings import get_settings

    ident = url_id_of(url)
    try:
        found = asyncio.run(find_latest_page(get_settings(), ident))
    except RecordError as exc:
        typer.echo(f"the latest record of {ident} is unreadable: {exc}", err=True)
        raise typer.Exit(1) from exc
    if found is None:
        typer.echo(f"no fetched page for {url} (url id {ident}) in pages.raw", err=True)
        raise typer.Exit(1)
    if raw is not None:
        if raw == "-":
            sys.stdout.buffer.write(found.page.body)
            sys.stdout.buffer.flush()
            return
        with open(raw, "wb") as out:
            out.write(found.page.body)
        typer.echo(f"wrote {len(found.page.body)} bytes to {raw}", err=True)
        if no_body or as_json:
            return
        no_body = True
    if as_json:
        data = summary(found)
        if not no_body:
            data["body"], data["body_note"] = body_text(found)
        _print_json(data)
        return
    sys.stdout.write(render(found, with_body=not no_body) + "\n")


def url_id_command(
    urls: Annotated[list[str], typer.Argument(help="URLs to print the id of.")],
) -> None:
    """Print the URL id of each URL: grep the logs and topics for it to follow one page."""
    from newswire.urls import url_id

    for url in urls:
        typer.echo(f"{url_id(url)}  {url}")


def register(app: typer.Typer) -> None:
    """Add the admin commands to the ``newswire`` CLI."""
    app.add_typer(topics_app, name="topics")
    app.command("setup")(setup)
    app.command("status")(status)
    app.add_typer(dlq_app, name="dlq")
    app.add_typer(pages_app, name="pages")
    app.command("url-id")(url_id_command)
