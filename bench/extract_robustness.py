"""Extraction with a site's own signals taken away, newswire vs trafilatura, same pages.

    .venv/bin/python bench/extract_robustness.py                 # writes docs
    .venv/bin/python bench/extract_robustness.py --datasets zh-sites --no-write --details

A site nobody here has looked at names its elements in its own words and may print no
structured data at all. This reruns the quality metrics of bench/extract_quality.py on the
dev pages with those signals removed, so the fields that lean on them show:

- ``as is``: the pages unchanged (the quality table's numbers);
- ``no structured data``: JSON-LD and every ``<meta name/property/itemprop>`` removed
  (the charset and viewport stay), so dates, authors and titles come from the page's text;
- ``class names scrambled``: every class and id value replaced by a meaningless token
  (the same word always by the same token, as a CSS-in-JS build does), so nothing is
  found by its name ("article", "author", "breadcrumb", "footer");
- ``both``.

The result replaces the previous robustness entry in the Extraction section of
docs/benchmarks.md unless --no-write.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract_quality as dd  # a sibling script, importable once on the path
from extract_quality import write_entry

DATASETS = ["zh-portals", "zh-sites", "aeb", "wcxb-dev"]
FIELDS = ["body_f1", "snip_f1", "title", "date", "authors", "editor", "source"]

_CLASS_OR_ID = re.compile(rb"""\b(class|id)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_JSON_LD = re.compile(rb"<script[^>]*application/ld\+json[^>]*>.*?</script>", re.I | re.S)
_NAMED_META = re.compile(
    rb"""<meta\b[^>]*\b(?:property|name|itemprop)\s*=\s*["'](?!viewport)[^"']*["'][^>]*>""",
    re.I,
)


def scramble_names(html: bytes) -> bytes:
    """Every class and id word replaced by a token made from its hash."""

    def token(word: bytes) -> bytes:
        return b"c" + hashlib.blake2b(word, digest_size=4).hexdigest().encode()

    def replace(m: re.Match[bytes]) -> bytes:
        value = m.group(2) if m.group(2) is not None else m.group(3)
        return m.group(1) + b'="' + b" ".join(token(w) for w in value.split()) + b'"'

    return _CLASS_OR_ID.sub(replace, html)


def drop_structured_data(html: bytes) -> bytes:
    return _NAMED_META.sub(b"", _JSON_LD.sub(b"", html))


MODES: dict[str, Callable[[bytes], bytes]] = {
    "as is": lambda html: html,
    "no structured data": drop_structured_data,
    "class names scrambled": scramble_names,
    "both": lambda html: scramble_names(drop_structured_data(html)),
}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--datasets", nargs="+", default=DATASETS, choices=DATASETS)
    ap.add_argument(
        "--extractors", nargs="+", default=["newswire", "trafilatura"], choices=dd.EXTRACTORS
    )
    ap.add_argument("--details", action="store_true", help="print newswire's misses")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if not dd.DEVDATA.exists():
        sys.exit(f"dev data not found at {dd.DEVDATA}")
    started = time.perf_counter()
    data = dd.load(args.datasets)
    rows = [
        "| dataset (pages) | the pages | extractor | " + " | ".join(FIELDS) + " |",
        "|---|---|---|" + "---|" * len(FIELDS),
    ]
    for ds, pages in data.items():
        originals = [p.html for p in pages]
        for mode, change in MODES.items():
            for page, html in zip(pages, originals, strict=True):
                page.html = change(html)
            for name in args.extractors:
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    metrics = dd.score(pages, name, args.details)
                if args.details and name == "newswire":
                    print(f"--- {ds}, {mode}\n{out.getvalue()}", end="")
                cells = [f"{metrics[f]:.3f}" if f in metrics else "–" for f in FIELDS]
                row = f"| {ds} ({len(pages)}) | {mode} | {name} | " + " | ".join(cells)
                rows.append(row + " |")
            print(f"{ds}: {mode} done", file=sys.stderr)
    md = "\n".join(rows)
    print(md)
    if not args.no_write:
        entry = (
            f"### Robustness — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
            "`.venv/bin/python bench/extract_robustness.py` · the quality metrics on the dev "
            "pages as they are, without their structured data (JSON-LD, named meta tags), "
            "with every class and id name scrambled, and both: what each field leans on "
            "that a site nobody has looked at may not give · "
            f"{time.perf_counter() - started:.0f}s\n\n{md}\n"
        )
        write_entry("robustness", entry)


if __name__ == "__main__":
    main()
