"""Extraction quality on the dev data, newswire vs trafilatura, same pages, one run.

    .venv/bin/python bench/extract_quality.py            # all datasets, writes docs
    .venv/bin/python bench/extract_quality.py --datasets zh-portals --no-write --details

Scores (see bench/_devdata.py): body F1 over 4-token shingles; snippet precision/recall
on zh-portals; title, date (same day), author, editor and source match rates. The
results table is appended as a dated entry to the Extraction section of
docs/benchmarks.md unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

import _devdata as dd  # noqa: E402
from _docs import write_entry  # noqa: E402

DATASETS = ["zh-portals", "aeb", "wcxb-dev", "wcxb-listing"]


def score(pages: list[dd.Page], name: str, details: bool) -> dict[str, float]:
    run = dd.EXTRACTORS[name]
    rows: dict[str, list[float]] = {k: [] for k in (
        "body_p", "body_r", "body_f1", "snip_p", "snip_r", "snip_f1",
        "title", "date", "authors", "editor", "source", "errors",
    )}
    for page in pages:
        res = run(page)
        rows["errors"].append(1.0 if res.error else 0.0)
        if page.body is not None:
            p, r, f = dd.body_prf(res.text, page.body)
            rows["body_p"].append(p)
            rows["body_r"].append(r)
            rows["body_f1"].append(f)
        if page.with_snippets:
            p, r, f = dd.snippet_prf(res.text, page)
            rows["snip_p"].append(p)
            rows["snip_r"].append(r)
            rows["snip_f1"].append(f)
        checks = {
            "title": lambda: dd.title_ok(res.title, page.title),
            "date": lambda: res.published == page.published,
            "authors": lambda: dd.author_ok(res.authors, page.authors),
            "editor": lambda: dd.value_ok(res.editor, page.editor),
            "source": lambda: dd.value_ok(res.source, page.source),
        }
        for key, check in checks.items():
            if page.labelled.get(key):
                ok = check()
                rows[key].append(1.0 if ok else 0.0)
                if details and not ok and name == "newswire":
                    got = {
                        "title": res.title, "date": res.published, "authors": res.authors,
                        "editor": res.editor, "source": res.source,
                    }[key]
                    want = {
                        "title": page.title, "date": page.published, "authors": page.authors,
                        "editor": page.editor, "source": page.source,
                    }[key]
                    print(f"  {page.dataset}/{page.name} {key}: got {got!r} want {want!r}")
        if details and name == "newswire":
            if page.with_snippets and rows["snip_f1"][-1] < 1:
                print(f"  {page.dataset}/{page.name} snippets P={rows['snip_p'][-1]:.2f} "
                      f"R={rows['snip_r'][-1]:.2f} {res.error or ''}")
            elif page.body is not None and rows["body_f1"][-1] < 0.7:
                print(f"  {page.dataset}/{page.name} body F1={rows['body_f1'][-1]:.2f} "
                      f"P={rows['body_p'][-1]:.2f} R={rows['body_r'][-1]:.2f} {res.error or ''}")
    return {k: mean(v) for k, v in rows.items() if v}


def table(results: dict[str, dict[str, dict[str, float]]], counts: dict[str, int]) -> str:
    cols = ["body_f1", "body_p", "body_r", "snip_f1", "snip_p", "snip_r", "title", "date",
            "authors", "editor", "source"]
    lines = ["| dataset (pages) | extractor | " + " | ".join(cols) + " |",
             "|---|---|" + "---|" * len(cols)]
    for ds, by_name in results.items():
        for name, m in by_name.items():
            cells = [f"{m[c]:.3f}" if c in m else "–" for c in cols]
            lines.append(f"| {ds} ({counts[ds]}) | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", nargs="+", default=DATASETS, choices=DATASETS)
    ap.add_argument("--extractors", nargs="+", default=["newswire", "trafilatura"],
                    choices=list(dd.EXTRACTORS))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--details", action="store_true", help="print newswire's misses")
    ap.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    ap.add_argument("--note", default="", help="what else was running on the machine")
    args = ap.parse_args()
    if not dd.DEVDATA.exists():
        sys.exit(f"dev data not found at {dd.DEVDATA}")
    data = dd.load(args.datasets, args.limit)
    results: dict[str, dict[str, dict[str, float]]] = {}
    started = time.perf_counter()
    for ds, pages in data.items():
        results[ds] = {}
        for name in args.extractors:
            t0 = time.perf_counter()
            results[ds][name] = score(pages, name, args.details)
            print(f"{ds}: {name} done in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    md = table(results, {k: len(v) for k, v in data.items()})
    print(md)
    if not args.no_write:
        import trafilatura

        entry = (
            f"### Quality — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
            f"`.venv/bin/python bench/extract_quality.py` · machine: {os.cpu_count()} cores, "
            f"{platform.python_implementation()} {platform.python_version()}, trafilatura "
            f"{trafilatura.__version__} · other load: {args.note or 'not recorded'} · "
            f"{time.perf_counter() - started:.0f}s\n\n{md}\n"
        )
        write_entry("quality", entry)


if __name__ == "__main__":
    main()
