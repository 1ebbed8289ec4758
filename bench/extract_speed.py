"""Extraction speed, newswire vs trafilatura: pages per second, one process, same pages.

    .venv/bin/python bench/extract_speed.py                 # all dev pages, writes docs
    .venv/bin/python bench/extract_speed.py --datasets zh-portals --no-write

Both extractors get the raw bytes and the URL and produce everything they can (metadata
included: trafilatura's ``bare_extraction(with_metadata=True)``), each page once after a
warm-up pass over a few pages, taking turns page by page so that load from other
processes affects both alike. A last row counts each extractor's start-up too (a fresh
process importing it and extracting one page, median of three), as a run over a few unseen
pages pays it. The result is appended to the Extraction section of docs/benchmarks.md unless
--no-write.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median, quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract_quality as dd  # a sibling script, importable once on the path
from extract_quality import write_entry

DATASETS = ["zh-portals", "zh-sites", "aeb", "wcxb-dev", "wcxb-listing"]


def time_runs(names: list[str], pages: list[dd.Page]) -> dict[str, tuple[float, list[float]]]:
    """Per extractor: total seconds and per-page seconds over the same pages.

    The extractors take turns page by page (the order alternating), so a burst of load
    from other processes on a shared machine hits both alike instead of skewing the ratio.
    """
    runs = [dd.EXTRACTORS[name] for name in names]
    for run in runs:
        for page in pages[:5]:
            run(page)
    gc.collect()
    per_page: list[list[float]] = [[] for _ in names]
    for i, page in enumerate(pages):
        order = range(len(runs)) if i % 2 == 0 else reversed(range(len(runs)))
        for k in order:
            t0 = time.perf_counter()
            runs[k](page)
            per_page[k].append(time.perf_counter() - t0)
    return {name: (sum(per_page[k]), per_page[k]) for k, name in enumerate(names)}


# A fresh process importing an extractor and extracting one small page: the start-up a run on
# a few unseen pages pays once. (The page is the first dev page, saved for the process.)
_STARTUP = {
    "newswire": "from newswire.parser.extract import extract\n"
    "extract(html, url, {'content-type': 'text/html'})",
    "trafilatura": "import trafilatura\n"
    "trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)",
}


def startup_seconds(name: str, page: dd.Page, runs: int = 3) -> float:
    """Median wall time, over fresh processes, to import the extractor and extract a page."""
    with tempfile.NamedTemporaryFile(suffix=".html") as saved:
        saved.write(page.html)
        saved.flush()
        code = (
            "import time\n"
            "t0 = time.perf_counter()\n"
            f"html, url = open({saved.name!r}, 'rb').read(), {page.url!r}\n"
            f"{_STARTUP[name]}\n"
            "print(time.perf_counter() - t0)\n"
        )
        times = []
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
            times.append(float(out.split()[-1]))
    return median(times)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--datasets", nargs="+", default=DATASETS, choices=DATASETS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--note", default="", help="what else was running on the machine")
    args = ap.parse_args()
    if not dd.DEVDATA.exists():
        sys.exit(f"dev data not found at {dd.DEVDATA}")
    data = dd.load(args.datasets, args.limit)
    load_before = os.getloadavg()[0]
    rows = [
        "| dataset (pages, MB) | newswire pages/s | trafilatura pages/s | speed-up | "
        "newswire p50 / p99 ms | trafilatura p50 / p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    totals = {"newswire": [0.0, 0], "trafilatura": [0.0, 0]}
    all_pages = []
    for ds, pages in data.items():
        all_pages.extend(pages)
        res = {}
        for name, (elapsed, per_page) in time_runs(["newswire", "trafilatura"], pages).items():
            res[name] = (len(pages) / elapsed, per_page)
            totals[name][0] += elapsed
            totals[name][1] += len(pages)
            print(f"{ds}: {name} {len(pages) / elapsed:.1f} pages/s", file=sys.stderr)
        mb = sum(len(p.html) for p in pages) / 1e6

        def lat(per_page: list[float]) -> str:
            p99 = quantiles(per_page, n=100)[98] if len(per_page) >= 2 else per_page[0]
            return f"{median(per_page) * 1000:.1f} / {p99 * 1000:.0f}"

        rows.append(
            f"| {ds} ({len(pages)}, {mb:.1f}) | {res['newswire'][0]:.1f} | "
            f"{res['trafilatura'][0]:.1f} | "
            f"{res['newswire'][0] / res['trafilatura'][0]:.1f}x | {lat(res['newswire'][1])} | "
            f"{lat(res['trafilatura'][1])} |"
        )
    nw = totals["newswire"][1] / totals["newswire"][0]
    tf = totals["trafilatura"][1] / totals["trafilatura"][0]
    rows.append(
        f"| **all** ({len(all_pages)}) | **{nw:.1f}** | **{tf:.1f}** | **{nw / tf:.2f}x** | | |"
    )
    start = {name: startup_seconds(name, all_pages[0]) for name in ("newswire", "trafilatura")}
    # The same pages in one fresh process each: start-up once, then every page.
    with_start = {name: len(all_pages) / (totals[name][0] + start[name]) for name in start}
    nw_start, tf_start = with_start["newswire"], with_start["trafilatura"]
    rows.append(
        f"| all, counting start-up ({start['newswire']:.2f} s / {start['trafilatura']:.2f} s) "
        f"| {nw_start:.1f} | {tf_start:.1f} | {nw_start / tf_start:.2f}x | | |"
    )
    md = "\n".join(rows)
    load = f"1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    print(md)
    print(load, file=sys.stderr)
    if not args.no_write:
        import trafilatura

        from newswire.parser.extract import dom

        entry = (
            f"### Speed — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
            f"`.venv/bin/python bench/extract_speed.py` · one process, same pages, interleaved "
            f"page by page after a 5-page warm-up · machine: {os.cpu_count()} cores, "
            f"{platform.python_implementation()} {platform.python_version()}, trafilatura "
            f"{trafilatura.__version__} · newswire's block walk: {dom.WALK} · {load} · other load: "
            f"{args.note or 'not recorded'}\n\n{md}\n"
        )
        write_entry("speed", entry)


if __name__ == "__main__":
    main()
