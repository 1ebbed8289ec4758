"""Terminal output of the admin commands: one rich screen for ``status``, tables for ``dlq``.

The ``render_*`` functions turn the data model into rich renderables and do no I/O, so the
screen can be tested by rendering into a string console. :func:`watch` is the ``--watch``
loop: it redraws in place with :class:`rich.live.Live`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newswire.admin.deadletters import DeadLetterReplay, StoredLetter, format_id
from newswire.admin.freshness_view import SiteFreshness, format_seconds
from newswire.admin.model import RATE_WINDOW_S, GroupInfo, Status, Thresholds
from newswire.parser.fill_rates import FIELDS, SiteFill

#: Per-partition lag is listed inline up to this many partitions, then summarised.
INLINE_PARTITIONS = 12


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


def _time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _lag_style(lag: int, thresholds: Thresholds) -> str:
    if lag == 0:
        return "green"
    return "red" if lag > thresholds.max_lag else "yellow"


def _partition_lags(group: GroupInfo) -> str:
    parts = [p for t in group.topics for p in t.partitions]
    if not parts:
        return "no partitions"
    if len(parts) > INLINE_PARTITIONS:
        behind = [p for p in parts if p.lag]
        worst = max(parts, key=lambda p: p.lag)
        return f"{len(behind)}/{len(parts)} behind, worst p{worst.partition}={worst.lag}"
    return " ".join(
        f"p{p.partition}={p.lag}" + ("" if p.committed is not None else "*") for p in parts
    )


def render_sites(sites: tuple[SiteFill, ...], error: str | None = None) -> RenderableType:
    """Fill rates per site; a field whose rate fell against its own history is red and marked
    ``history->recent`` (``newswire status --sites``)."""
    table = Table(
        title="Fill rates (newest articles per site; red: dropped against the site's history)",
        title_justify="left",
        expand=True,
    )
    table.add_column("site")
    table.add_column("articles", justify="right")
    for name in FIELDS:
        table.add_column(name, justify="right")
    for site in sites:
        cells: list[Text] = []
        for fill in site.fields:
            if fill.dropped:
                cells.append(
                    Text(
                        f"{fill.rate:.2f} ({fill.history_rate:.2f}->{fill.recent_rate:.2f})",
                        style="bold red",
                    )
                )
            else:
                cells.append(Text(f"{fill.rate:.2f}"))
        table.add_row(Text(site.site), f"{site.articles:,}", *cells)
    if not sites:
        table.add_row("-", "0", *("-" for _ in FIELDS))
    if error:
        table.caption = Text(f"fill samples: {error}", style="red")
    return table


def render_freshness(sites: tuple[SiteFreshness, ...]) -> RenderableType:
    """Discovery delay and publish-to-searchable per site, last hour (``status --sites``)."""
    table = Table(
        title="Freshness, last hour (published -> fetched, published -> searchable)",
        title_justify="left",
        expand=True,
    )
    for name in ("site", "articles", "discovery p50", "p95", "searchable p50", "p95"):
        table.add_column(name, justify="left" if name == "site" else "right")
    for site in sites:
        table.add_row(
            site.site,
            f"{site.articles:,}",
            format_seconds(site.discovery_p50_s),
            format_seconds(site.discovery_p95_s),
            format_seconds(site.searchable_p50_s),
            format_seconds(site.searchable_p95_s),
        )
    if not sites:
        table.add_row("-", "0", "-", "-", "-", "-")
    return table


def render_status(
    status: Status, thresholds: Thresholds | None = None, *, sites: bool = False
) -> RenderableType:
    thresholds = thresholds or Thresholds()
    verdict = (
        Text("healthy", style="bold green")
        if status.healthy
        else Text(f"{len(status.problems)} problem(s)", style="bold red")
    )
    title = Text.assemble(
        ("newswire status", "bold"),
        f"  prefix={status.topic_prefix or '(none)'}  {_time(status.generated_at)} UTC  ",
        verdict,
    )  # Text.assemble takes plain strings literally (no markup)

    topics = Table(title="Topics", title_justify="left", expand=True)
    for column, justify in (
        ("topic", "left"),
        ("partitions", "right"),
        ("end offset", "right"),
        ("retained", "right"),
        ("last min", "right"),
        ("msg/s", "right"),
    ):
        topics.add_column(column, justify=justify)  # type: ignore[arg-type]
    for topic in status.topics:
        if not topic.exists:
            topics.add_row(Text(topic.name), Text("missing", style="red"), "", "", "", "")
            continue
        topics.add_row(
            Text(topic.name),
            str(len(topic.partitions)),
            f"{topic.end_offset:,}",
            f"{topic.retained:,}",
            f"{topic.recent:,}",
            f"{topic.rate:.1f}",
        )

    groups = Table(title="Consumer lag", title_justify="left", expand=True)
    for column, justify in (
        ("service", "left"),
        ("group", "left"),
        ("state", "left"),
        ("topic", "left"),
        ("lag", "right"),
        ("by partition (* = no commit yet)", "left"),
    ):
        groups.add_column(column, justify=justify)  # type: ignore[arg-type]
    for group in status.groups:
        state = group.state or ("unknown" if group.has_committed else "no group")
        if group.members is not None:
            state += f" ({group.members} members)"
        topic = ", ".join(t.topic for t in group.topics)
        groups.add_row(
            Text(group.service),
            Text(group.group),
            Text(state),
            Text(topic),
            Text(f"{group.lag:,}", style=_lag_style(group.lag, thresholds)),
            _partition_lags(group),
        )

    dead = status.dead_letters
    letters = Table(
        title=Text(f"Dead letters ({dead.total:,} total, {dead.replayed:,} replayed)"),
        title_justify="left",
        expand=True,
    )
    for column, justify in (
        ("stage", "left"),
        ("reason", "left"),
        ("letters", "right"),
        ("replayed", "right"),
        ("new (1h)", "right"),
        ("newest", "left"),
    ):
        letters.add_column(column, justify=justify)  # type: ignore[arg-type]
    for count in dead.by_reason:
        letters.add_row(
            Text(count.stage),
            Text(count.reason),
            f"{count.count:,}",
            f"{count.replayed:,}",
            Text(f"{count.recent:,}", style="yellow" if count.recent else ""),
            _time(count.newest),
        )
    if not dead.by_reason:
        letters.add_row("-", "none", "0", "0", "0", "-")
    if dead.undecodable:
        letters.caption = Text(f"{dead.undecodable} records on the topic are not dead letters")

    search = status.search
    if search.reachable:
        health_style = {"green": "green", "yellow": "yellow"}.get(search.health or "", "red")
        search_text = Text.assemble(
            f"{search.backend} {search.version or ''} at {search.url}  health ",
            (search.health or "?", health_style),
            f"\nalias {search.alias} -> {', '.join(search.indices) or 'nothing'}",
            f"  docs {search.docs:,}" if search.docs is not None else "  docs -",
            f"\nnewest indexed {_time(search.newest_indexed_at)}",
            f"  (fetched {_time(search.newest_fetched_at)})",
            "  freshness ",
            (_age(search.freshness_s), "bold"),
        )
    else:
        search_text = Text(
            f"{search.backend} at {search.url}: unreachable: {search.error}", style="red"
        )

    parts: list[RenderableType] = [title, topics, groups, letters]
    if sites:
        parts.append(render_sites(status.sites, status.sites_error))
        parts.append(render_freshness(status.freshness))
    parts.append(Panel(search_text, title="Search", title_align="left"))
    if status.problems:
        parts.append(
            Panel(
                Text("\n".join(f"- {p}" for p in status.problems), style="red"),
                title="Problems",
                title_align="left",
            )
        )
    parts.append(
        Text(
            f"msg/s: records appended in the last {RATE_WINDOW_S:.0f}s / {RATE_WINDOW_S:.0f}",
            style="dim",
        )
    )
    return Group(*parts)


def render_letters(
    letters: Sequence[StoredLetter], replayed: set[tuple[int, int]], title: str
) -> RenderableType:
    table = Table(title=Text(title), title_justify="left", expand=True)
    for column in ("id", "failed at", "stage", "reason", "origin", "url", "replayed", "error"):
        table.add_column(column, overflow="fold" if column in ("url", "error") else "ellipsis")
    for stored in letters:
        letter = stored.letter
        origin = (
            f"{letter.origin_topic}[{letter.origin_partition}]@{letter.origin_offset}"
            if letter.origin_topic
            else "-"
        )
        # Text(), not str: data such as "field [published_at]" must not be read as markup.
        table.add_row(
            format_id(stored.id),
            _time(letter.failed_at),
            Text(letter.stage),
            Text(letter.reason),
            Text(origin),
            Text(letter.url or "-"),
            "yes" if stored.id in replayed else "",
            Text((letter.error[:160] + "...") if len(letter.error) > 160 else letter.error),
        )
    return table


def render_letter(stored: StoredLetter, markers: Sequence[DeadLetterReplay]) -> RenderableType:
    letter = stored.letter
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rows = [
        ("id", format_id(stored.id)),
        ("stage", letter.stage),
        ("reason", letter.reason),
        ("failed at", letter.failed_at.isoformat()),
        (
            "origin",
            f"{letter.origin_topic} partition {letter.origin_partition} "
            f"offset {letter.origin_offset}",
        ),
        ("origin key", repr(letter.origin_key)),
        ("url", letter.url or "-"),
        ("url id", letter.url_id or "-"),
        ("payload", f"{stored.payload_size:,} bytes"),
        ("replays", str(letter.replays)),
    ]
    for marker in markers:
        rows.append(("replayed", f"{marker.replayed_at.isoformat()} run {marker.run_id}"))
    for name, value in rows:
        table.add_row(name, Text(value))
    return Group(table, Panel(Text(letter.error), title="error", title_align="left"))


async def watch(
    console: Console,
    collect: Callable[[], Awaitable[Status]],
    thresholds: Thresholds,
    interval_s: float,
    *,
    sites: bool = False,
) -> None:
    """Redraw the status screen in place every ``interval_s`` until interrupted."""
    status = await collect()
    with Live(
        render_status(status, thresholds, sites=sites),
        console=console,
        auto_refresh=False,
        screen=False,
    ) as live:
        while True:
            await asyncio.sleep(interval_s)
            status = await collect()
            live.update(render_status(status, thresholds, sites=sites), refresh=True)
