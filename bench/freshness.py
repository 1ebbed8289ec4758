"""Freshness: adaptive against fixed re-visits of list pages and feeds, in a simulated news world.

    .venv/bin/python bench/freshness.py [--days 7] [--seed 17] [--live-minutes 8] [--no-live]

The world (bench/freshness_world.py): 10 hosts, 60 list pages and feeds, sections publishing
by Poisson processes at rates spread over 1000x (a story every 5 minutes to two a week), two
bursting in the simulated daytime; each story is on its section page, its host's front page
and feed until newer ones push it off.

Two runs, both comparing the policies on the same stories:

1. **Scheduler simulation** (``--days`` simulated days, about a minute): the fetcher's own
   scheduler (:func:`newswire.fetcher.scheduler.due_requests` with the adaptive policy of
   :mod:`newswire.fetcher.revisit_policy`, its list budget and the learned state in
   :class:`~newswire.fetcher.url_state.UrlState`) is driven by a simulated clock, one tick a
   simulated minute; a due list is "fetched" at once and every story on it not seen before
   counts as discovered then. Fixed re-visits are the same scheduler with
   ``adaptive_revisit: false``. Compared: adaptive at each site's budget of the fetches
   15-minute fixed re-visits spend, against fixed re-visits spending the *same number* of
   fetches as adaptive did; and adaptive at half that budget against fixed at the full one.
2. **Live run** (``--live-minutes`` real minutes of a compressed clock): the real fetcher
   (``FetcherWorker``, the Kafka consumer loop and scheduler) and the real parser
   (``newswire parser``, a separate process) against the world served over HTTP on
   127.0.0.1, one fixed and one adaptive fetcher side by side (each with its own topics),
   each with its parser. The clock is compressed: ``sim = start + (monotonic - t0) * factor``
   with ``factor = days * 86400 / (minutes * 60)``. The fetcher's ``WorkerOptions.clock``
   (the URL state and the re-visit schedule) and the site (which stories exist and which a list
   shows) read the same compressed clock; politeness, timeouts and Kafka keep real time.
   Discovery delay is taken from the site's own request log: the simulated time of the first
   request for a story's page minus its publication time.

Stories missed: never discovered and pushed off every list they were on before the run ended.
Stories published in the first simulated day are left out of the figures (both policies
start from nothing; the adaptive one spends the day learning). Results go to the
"Freshness" section of docs/benchmarks.md and a plot to docs/freshness.png.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _report
from freshness_world import DAY, ListPage, World, build_world
from newswire.fetcher.revisit_policy import ListBudget, ListingSnapshot, observe
from newswire.fetcher.scheduler import due_requests
from newswire.fetcher.url_state import Outcome, UrlState, apply_outcome
from newswire.settings import Settings
from newswire.sites import SiteRegistry, parse_sites
from newswire.urls import url_id

ROOT = Path(__file__).resolve().parents[1]
PLOT = ROOT / "docs" / "freshness.png"
EPOCH = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday: simulated second 0
FIXED_INTERVAL_S = 15 * 60.0
WARMUP_S = DAY
SECTION = "Freshness: adaptive against fixed re-visits"
INTRO = """`bench/freshness.py` (its docstring says how the simulated world and the compressed clock
work). Discovery delay: a story's publication to the first fetch of its page (the simulation:
to the first visit of a list showing it). Missed: never discovered and pushed off every list
it was on."""


def sites_yaml(
    world: World, base_of: dict[int, str], *, adaptive: bool, interval_s: float, budget_per_h: float
) -> SiteRegistry:
    """The world as a site list: one site per host, its lists as start pages and feeds."""
    lines = ["sites:"]
    for host, base in base_of.items():
        pages = [p for p in world.lists if p.host == host]
        starts = [base + p.path for p in pages if p.kind == "list"]
        feeds = [base + p.path for p in pages if p.kind == "feed"]
        lines += [
            f"  - name: host{host}",
            f"    start_urls: {starts}",
            f"    feeds: {feeds}",
            "    article_patterns: ['/a/\\d+\\.html$']",
            f"    revisit: {interval_s}",
            f"    adaptive_revisit: {str(adaptive).lower()}",
            "    revisit_min: 60",
            "    revisit_max: 2d",
            f"    list_budget: {budget_per_h}",
        ]
    return parse_sites("\n".join(lines) + "\n")


@dataclass
class ArmResult:
    name: str
    list_fetches: int = 0
    #: story id -> simulated seconds from publication to discovery.
    delays: dict[int, float] = field(default_factory=dict)
    missed: set[int] = field(default_factory=set)

    def summary(self, world: World) -> dict[str, float]:
        counted = [s for s in world.stories if s.published_at >= WARMUP_S]
        found = [self.delays[s.id] for s in counted if s.id in self.delays]
        missed = sum(1 for s in counted if s.id in self.missed)
        ordered = sorted(found)
        return {
            "stories": len(counted),
            "found": len(found),
            "missed": missed,
            "mean_s": statistics.fmean(found) if found else float("nan"),
            "p50_s": ordered[len(ordered) // 2] if ordered else float("nan"),
            "p95_s": ordered[int(len(ordered) * 0.95)] if ordered else float("nan"),
            "fetches": self.list_fetches,
            "fetches_per_story": self.list_fetches / max(len(found), 1),
        }


def finish(world: World, result: ArmResult) -> ArmResult:
    for story in world.stories:
        if story.id not in result.delays and world.off_all_lists_by(story, world.duration):
            result.missed.add(story.id)
    return result


# --- 1. the scheduler simulation ---------------------------------------------------------------


def simulate(world: World, name: str, sites: SiteRegistry, tick_s: float = 60.0) -> ArmResult:
    """Drive the fetcher's scheduler over the world on a simulated clock."""
    settings = Settings()
    by_url: dict[str, ListPage] = {}
    for site in sites:
        host = int(site.name.removeprefix("host"))
        for page in world.lists:
            if page.host == host:
                by_url[f"http://h{host}.example{page.path}"] = page
    states: dict[str, UrlState] = {}
    # Each list's first visit at a random moment of its first interval, as a crawler that has
    # run a while has them: lists visited in lockstep would hide that a story is on three.
    rng = random.Random(len(by_url))
    scheduled: dict[str, datetime] = {
        url_id(url): EPOCH - timedelta(seconds=rng.uniform(0, FIXED_INTERVAL_S)) for url in by_url
    }
    budget = ListBudget()
    result = ArmResult(name)
    t = 0.0
    while t < world.duration:
        now = EPOCH + timedelta(seconds=t)
        for request in due_requests(
            sites,
            now,
            owns_host=lambda h: True,
            state_of=lambda h, uid: states.get(uid),
            scheduled_at=scheduled,
            default_revisit_s=FIXED_INTERVAL_S,
            settings=settings,
            budget=budget,
        ):
            page = by_url[request.url]
            shown = page.visible(t)
            for story in shown:
                result.delays.setdefault(story.id, t - story.published_at)
            uid = url_id(request.url)
            state = apply_outcome(states.get(uid), request, uid, Outcome("fetched", 200), now)
            snapshot = ListingSnapshot(
                links=[f"http://h{page.host}.example{s.path}" for s in shown],
                dates=[EPOCH + timedelta(seconds=s.published_at) for s in shown]
                if page.kind == "feed"
                else (),
            )
            visit = observe(state.revisit, snapshot, now)
            states[uid] = state.model_copy(update={"revisit": visit.stats, "watched": True})
            result.list_fetches += 1
        t += tick_s
    return finish(world, result)


def run_simulation(world: World) -> dict[str, ArmResult]:
    bases = {host: f"http://h{host}.example" for host in range(len({p.host for p in world.lists}))}
    lists_per_site = len(world.lists) / len(bases)
    full_budget = lists_per_site * 3600 / FIXED_INTERVAL_S
    arms: dict[str, ArmResult] = {}
    started = time.perf_counter()
    arms["fixed 15 min"] = simulate(
        world,
        "fixed 15 min",
        sites_yaml(world, bases, adaptive=False, interval_s=FIXED_INTERVAL_S, budget_per_h=1e9),
    )
    arms["adaptive"] = simulate(
        world,
        "adaptive",
        sites_yaml(
            world, bases, adaptive=True, interval_s=FIXED_INTERVAL_S, budget_per_h=full_budget
        ),
    )
    # Fixed re-visits spending exactly as many list fetches as adaptive did.
    same = len(world.lists) * world.duration / arms["adaptive"].list_fetches
    arms["fixed, same fetches"] = simulate(
        world,
        "fixed, same fetches",
        sites_yaml(world, bases, adaptive=False, interval_s=same, budget_per_h=1e9),
    )
    arms["adaptive, half budget"] = simulate(
        world,
        "adaptive, half budget",
        sites_yaml(
            world, bases, adaptive=True, interval_s=FIXED_INTERVAL_S, budget_per_h=full_budget / 2
        ),
    )
    print(f"simulation: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return arms


# --- reporting -------------------------------------------------------------------------------


def per_section(world: World, result: ArmResult) -> list[tuple[str, float, float]]:
    """(section, stories per hour, mean delay in minutes) for each section page."""
    rows = []
    for page in world.lists:
        if page.klass in ("front", "feed"):
            continue
        ids = [s.id for s in page.stories if s.published_at >= WARMUP_S]
        found = [result.delays[i] for i in ids if i in result.delays]
        if not found:
            continue
        rate = len(page.stories) / (world.duration / 3600)
        rows.append((f"h{page.host}{page.path}", rate, statistics.fmean(found) / 60))
    return rows


def plot(world: World, fixed: ArmResult, adaptive: ArmResult, title: str) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "(matplotlib is not installed: no plot)"
    fig, ax = plt.subplots(figsize=(8, 5))
    for result, marker in ((fixed, "o"), (adaptive, "^")):
        rows = per_section(world, result)
        ax.scatter(
            [r[1] for r in rows], [r[2] for r in rows], marker=marker, label=result.name, alpha=0.7
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("section's new stories per hour (log)")
    ax.set_ylabel("mean discovery delay, minutes (log)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(PLOT, dpi=100)
    plt.close(fig)
    return f"![discovery delay per section against its publish rate]({PLOT.name})"


def table(world: World, arms: dict[str, ArmResult]) -> list[str]:
    lines = [
        "| policy | list fetches | fetches per story found | mean delay | p50 | p95 | missed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in arms.items():
        s = result.summary(world)
        lines.append(
            f"| {name} | {s['fetches']:,} | {s['fetches_per_story']:.2f} | "
            f"{s['mean_s'] / 60:.1f} min | {s['p50_s'] / 60:.1f} min | {s['p95_s'] / 60:.1f} min | "
            f"{s['missed']} of {s['stories']:,} |"
        )
    return lines


def missed_by_adaptive_only(world: World, fixed: ArmResult, adaptive: ArmResult) -> int:
    return sum(
        1
        for s in world.stories
        if s.published_at >= WARMUP_S and s.id in adaptive.missed and s.id not in fixed.missed
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--live-minutes", type=float, default=8.0)
    parser.add_argument("--live-days", type=float, default=2.0)
    parser.add_argument("--no-live", action="store_true")
    parser.add_argument("--live-only", action="store_true", help="a quick live run, no report")
    args = parser.parse_args()

    world = build_world(args.days, args.seed)
    rates = sorted(p.rate_per_h for p in world.lists if p.klass not in ("front", "feed"))
    print(
        f"world: {len(world.lists)} lists on 10 hosts, {len(world.stories):,} stories in "
        f"{args.days:g} days; section rates {rates[0]:.3f}..{rates[-1]:.0f}/h",
        file=sys.stderr,
    )
    if args.live_only:
        from freshness_live import run_live

        for line in run_live(args.live_days, args.live_minutes, args.seed, 17.6 * 60):
            print(line)
        return
    arms = run_simulation(world)
    for line in table(world, arms):
        print(line)
    adaptive, same = arms["adaptive"].summary(world), arms["fixed, same fetches"].summary(world)
    half, full = arms["adaptive, half budget"].summary(world), arms["fixed 15 min"].summary(world)
    speedup = same["mean_s"] / adaptive["mean_s"]
    only = missed_by_adaptive_only(world, arms["fixed, same fetches"], arms["adaptive"])
    verdict = [
        f"- At the same number of list fetches ({adaptive['fetches']:,}), adaptive re-visits cut "
        f"the mean discovery delay {speedup:.1f}x ({same['mean_s'] / 60:.1f} -> "
        f"{adaptive['mean_s'] / 60:.1f} min) and p95 {same['p95_s'] / adaptive['p95_s']:.1f}x; "
        f"stories missed: {adaptive['missed']} against {same['missed']}, of which "
        f"{only} caught by fixed re-visits (goal: 2x, none).",
        f"- With half the budget ({half['fetches']:,} list fetches, "
        f"{1 - half['fetches'] / full['fetches']:.0%} fewer than fixed 15-minute re-visits' "
        f"{full['fetches']:,}), adaptive's mean delay is {half['mean_s'] / 60:.1f} min against "
        f"{full['mean_s'] / 60:.1f} min.",
    ]
    for line in verdict:
        print(line)
    image = plot(
        world,
        arms["fixed, same fetches"],
        arms["adaptive"],
        f"Discovery delay per section, same list fetches ({adaptive['fetches']:,})",
    )
    live_lines: list[str] = []
    if not args.no_live:
        from freshness_live import run_live

        same_interval = len(world.lists) * world.duration / arms["adaptive"].list_fetches
        live_lines = run_live(args.live_days, args.live_minutes, args.seed, same_interval)
        for line in live_lines:
            print(line)
    body = [
        f"`.venv/bin/python bench/freshness.py --days {args.days:g} --seed {args.seed}"
        + (
            " --no-live"
            if args.no_live
            else f" --live-days {args.live_days:g} --live-minutes {args.live_minutes:g}"
        )
        + f"` on {_report.machine()}.",
        "",
        f"The world: {len(world.lists)} list pages and feeds on 10 hosts, "
        f"{len(world.stories):,} stories in {args.days:g} simulated days (Poisson, sections "
        f"from a story every 5 minutes to two a week, two sections bursting to 30 an hour in "
        "the simulated daytime); figures over the stories published after the first "
        "simulated day. "
        "Fixed re-visits spending the same fetches re-visit every list every "
        f"{len(world.lists) * world.duration / arms['adaptive'].list_fetches / 60:.1f} min.",
        "",
        "Scheduler simulation (the fetcher's scheduler and re-visit policy on a simulated "
        "clock, a list fetched the moment it is due):",
        "",
        *table(world, arms),
        "",
        *verdict,
        "",
        image,
        "",
        *live_lines,
        f"Running beside it: {_report.beside()}.",
    ]
    body.insert(0, f"Measured {_report.stamp()}.")
    _report.write_entry(SECTION, "results", "\n".join(body), intro=INTRO)


if __name__ == "__main__":
    main()
