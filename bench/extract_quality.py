"""Extraction quality on the dev data, newswire vs trafilatura, same pages, one run.

    .venv/bin/python bench/extract_quality.py            # all datasets, writes docs
    .venv/bin/python bench/extract_quality.py --datasets zh-portals --no-write --details

The dev data is read from ``../shared/devdata`` (beside the repository) at run time and
never copied into the repo. Metric (that directory's README): body F1 over 4-token
shingles where each CJK character is a token and any other run of word characters is one
token (NFKC, lower-cased), precision and recall per page averaged over pages; snippet
precision/recall on zh-portals (a ``with`` snippet missing is a miss, a ``without``
snippet present a false positive); titles equal after removing whitespace and punctuation
or at least 0.9 similar; dates on the same calendar day (``date_any`` also accepts the
updated date: WCXB often labels the "updated" date a page shows); an author is right when
any expected name is among the extracted ones (a label "A, B and C" holds three names);
editor and source equal after normalisation (``None`` equals ``None``).

The results table replaces the previous quality entry in the Extraction section of
docs/benchmarks.md unless --no-write. This module also serves bench/extract_speed.py.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import os
import platform
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from statistics import mean
from typing import Any

# --- dev data and metric ------------------------------------------------------------
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "services"))
sys.path.insert(0, str(REPO / "bench"))
import _report  # noqa: E402  (bench/ is not a package; see the path set-up above)

DEVDATA = REPO.parent / "shared" / "devdata"

_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+")


@dataclass
class Page:
    dataset: str
    name: str
    url: str
    html: bytes
    page_type: str = "article"
    title: str | None = None
    published: date | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None
    body: str | None = None
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    labelled: dict[str, bool] = field(default_factory=dict)


@dataclass
class Result:
    title: str | None = None
    text: str = ""
    published: date | None = None
    updated: date | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None
    error: str | None = None
    #: What the extractor called the page (newswire only): article, list or other.
    page_type: str | None = None


def _day(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value))
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def zh_portals() -> Iterator[Page]:
    root = DEVDATA / "zh-portals"
    for item in json.loads((root / "labels.json").read_text(encoding="utf-8")):
        name = Path(item["file"]).stem
        site = name.split("-")[0]
        yield Page(
            dataset="zh-portals",
            name=name,
            url=f"https://www.{site}.com.cn/{name}.html",
            html=(root / item["file"]).read_bytes(),
            title=item.get("title"),
            published=_day(item.get("published")),
            authors=item.get("authors") or [],
            editor=item.get("editor"),
            source=item.get("source"),
            with_snippets=item.get("with") or [],
            without_snippets=item.get("without") or [],
            labelled={"title": True, "date": True, "authors": True, "editor": True, "source": True},
        )


def zh_sites() -> Iterator[Page]:
    """Chinese pages from sites that are not in zh-portals: our stand-in for unseen sites."""
    root = DEVDATA / "zh-sites"
    for item in json.loads((root / "labels.json").read_text(encoding="utf-8")):
        name = Path(item["file"]).stem
        is_article = item.get("is_article", True)
        yield Page(
            dataset="zh-sites",
            name=name,
            url=item.get("url") or f"https://www.{item.get('site') or 'example.cn'}/{name}.html",
            html=(root / item["file"]).read_bytes(),
            page_type="article" if is_article else "listing",
            title=item.get("title"),
            published=_day(item.get("published")),
            authors=item.get("authors") or [],
            editor=item.get("editor"),
            source=item.get("source"),
            with_snippets=item.get("with") or [],
            without_snippets=item.get("without") or [],
            labelled={k: is_article for k in ("title", "date", "authors", "editor", "source")},
        )


_CHARSET = re.compile(rb"""(charset=["']?)([\w-]+)""", re.I)


def zh_portals_gbk() -> Iterator[Page]:
    """The zh-portals pages as an old GBK site would serve them, transcoded at run time.

    There is no labelled corpus of old GBK pages here; this checks the charset path on the
    same labels: every page re-encoded as GBK (characters GBK lacks become numeric character
    references, as old CMSs wrote them), its declaration changed to ``gb2312`` (the label
    such sites use), and no HTTP charset to lean on. Only the encoding changes, not the
    layouts, so it is a proxy for "older GBK pages", not a sample of them.
    """
    for page in zh_portals():
        try:
            # Saved pages are mostly UTF-8 whatever they declare (qq-2 says gb2312).
            text = page.html.decode("utf-8")
        except UnicodeDecodeError:
            text = page.html.decode("gb18030", errors="replace")
        gbk = text.encode("gbk", errors="xmlcharrefreplace")
        gbk = _CHARSET.sub(rb"\1gb2312", gbk, count=1)
        yield Page(**{**page.__dict__, "dataset": "zh-portals-gbk", "html": gbk})


def aeb() -> Iterator[Page]:
    root = DEVDATA / "aeb"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        path = root / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        yield Page(
            dataset="aeb",
            name=key[:12],
            url=truth[key].get("url") or f"https://example.com/{key}",
            html=gzip.decompress(path.read_bytes()),
            body=truth[key].get("articleBody") or "",
        )


def wcxb(page_type: str | None = None) -> Iterator[Page]:
    root = DEVDATA / "wcxb-dev"
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))["files"]
    for key in sorted(meta):
        kind = meta[key].get("page_type", "article")
        if page_type and kind != page_type:
            continue
        gt_path = root / "ground-truth" / f"{key}.json"
        html_path = root / "html" / f"{key}.html.gz"
        if not gt_path.exists() or not html_path.exists():
            continue
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        truth = gt.get("ground_truth", {})
        author = truth.get("author")
        authors = [author] if isinstance(author, str) and author else (author or [])
        yield Page(
            dataset=f"wcxb-{kind}",
            name=key,
            url=gt.get("url") or f"https://example.com/{key}",
            html=gzip.decompress(html_path.read_bytes()),
            page_type=kind,
            title=truth.get("title"),
            published=_day(truth.get("publish_date")),
            authors=[a for a in authors if isinstance(a, str)],
            body=truth.get("main_content") or "",
            labelled={
                "title": bool(truth.get("title")),
                "date": bool(truth.get("publish_date")),
                "authors": bool(authors),
            },
        )


def load(names: list[str], limit: int | None = None) -> dict[str, list[Page]]:
    loaders = {
        "zh-portals": zh_portals,
        "zh-portals-gbk": zh_portals_gbk,
        "zh-sites": zh_sites,
        "aeb": aeb,
        "wcxb-dev": lambda: wcxb("article"),
        "wcxb-listing": lambda: wcxb("listing"),
    }
    out = {}
    for name in names:
        pages = list(loaders[name]())
        out[name] = pages[:limit] if limit else pages
    return out


# --- metric -----------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text or "").lower())


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def body_prf(got: str, expected: str) -> tuple[float, float, float]:
    g, e = shingles(got), shingles(expected)
    if not e:
        return (1.0, 1.0, 1.0) if not g else (0.0, 1.0, 0.0)
    if not g:
        return 0.0, 0.0, 0.0
    overlap = sum((g & e).values())
    p = overlap / sum(g.values())
    r = overlap / sum(e.values())
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _squash(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or "")).lower()


def snippet_prf(got: str, page: Page) -> tuple[float, float, float]:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", got or ""))
    hits = sum(
        1
        for s in page.with_snippets
        if re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)) in text
    )
    false = sum(
        1
        for s in page.without_snippets
        if re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)) in text
    )
    r = hits / len(page.with_snippets) if page.with_snippets else 1.0
    p = hits / (hits + false) if hits + false else (1.0 if not page.with_snippets else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def title_ok(got: str | None, expected: str | None) -> bool:
    a, b = _squash(got), _squash(expected)
    if not b:
        return not a
    if a == b:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


def _names(values: list[str]) -> set[str]:
    # A label may hold several names in one string ("A, B and C"): each counts.
    out = set()
    for value in values:
        for part in re.split(r"\s*(?:,|;|\band\b|&|\|)\s*", value or ""):
            key = _squash(part)
            if key:
                out.add(key)
    return out


def author_ok(got: list[str], expected: list[str]) -> bool:
    if not expected:
        return not got
    return bool(_names(got) & _names(expected))


def value_ok(got: str | None, expected: str | None) -> bool:
    return _squash(got) == _squash(expected)


# --- extractors -------------------------------------------------------------------------


def run_newswire(page: Page) -> Result:
    from newswire.parser.extract import extract

    res = extract(page.html, page.url, {"content-type": "text/html"})
    a = res.article
    if a is None:
        return Result(error=res.error)
    return Result(
        title=a.title,
        text=a.text,
        published=a.published_at.date() if a.published_at else None,
        updated=a.updated_at.date() if a.updated_at else None,
        authors=a.authors,
        editor=a.editor,
        source=a.source,
        page_type=a.page_type,
    )


def run_trafilatura(page: Page) -> Result:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            page.html, url=page.url, with_metadata=True, include_comments=False
        )
    except Exception as exc:  # trafilatura raises on some hostile pages
        return Result(error=f"{type(exc).__name__}: {exc}")
    if doc is None:
        return Result(error="no result")
    get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
    author = get("author") or ""
    return Result(
        title=get("title"),
        text=get("text") or "",
        published=_day(get("date")),
        authors=[a.strip() for a in re.split(r";|,", author) if a.strip()],
        editor=None,
        source=None,
    )


EXTRACTORS = {"newswire": run_newswire, "trafilatura": run_trafilatura}


# --- docs/benchmarks.md -------------------------------------------------------------
_INTRO = (
    "Article extraction (`newswire.parser.extract`) against trafilatura on the dev data in\n"
    "`../shared/devdata` (zh-portals, zh-sites, aeb, wcxb-dev). Regenerate with\n"
    "`.venv/bin/python bench/extract_quality.py` and `.venv/bin/python bench/extract_speed.py`.\n"
)


def write_entry(kind: str, entry: str) -> None:
    _report.write_entry("Extraction", kind, entry, intro=_INTRO)


# --- the benchmark ------------------------------------------------------------------


DATASETS = ["zh-portals", "zh-portals-gbk", "zh-sites", "aeb", "wcxb-dev", "wcxb-listing"]


#: A labelled page's type as newswire called it: (labelled type, page type, page name).
PageTypes = list[tuple[str, str, str]]


def score(
    pages: list[Page], name: str, details: bool, page_types: PageTypes | None = None
) -> dict[str, float]:
    run = EXTRACTORS[name]
    rows: dict[str, list[float]] = {
        k: []
        for k in (
            "body_p",
            "body_r",
            "body_f1",
            "snip_p",
            "snip_r",
            "snip_f1",
            "title",
            "date",
            "date_any",
            "authors",
            "editor",
            "source",
            "errors",
        )
    }
    for page in pages:
        res = run(page)
        rows["errors"].append(1.0 if res.error else 0.0)
        if page_types is not None:
            page_types.append((page.page_type, res.page_type or "none", page.name))
        if page.body is not None:
            p, r, f = body_prf(res.text, page.body)
            rows["body_p"].append(p)
            rows["body_r"].append(r)
            rows["body_f1"].append(f)
        if page.with_snippets:
            p, r, f = snippet_prf(res.text, page)
            rows["snip_p"].append(p)
            rows["snip_r"].append(r)
            rows["snip_f1"].append(f)
        checks = {
            "title": title_ok(res.title, page.title),
            "date": res.published == page.published,
            # WCXB's publish_date is often the "updated" date a page shows.
            "date_any": page.published in (res.published, res.updated),
            "authors": author_ok(res.authors, page.authors),
            "editor": value_ok(res.editor, page.editor),
            "source": value_ok(res.source, page.source),
        }
        for key, ok in checks.items():
            if page.labelled.get("date" if key == "date_any" else key):
                rows[key].append(1.0 if ok else 0.0)
                if details and not ok and name == "newswire":
                    got = {
                        "title": res.title,
                        "date": res.published,
                        "date_any": res.updated,
                        "authors": res.authors,
                        "editor": res.editor,
                        "source": res.source,
                    }[key]
                    want = {
                        "title": page.title,
                        "date": page.published,
                        "date_any": page.published,
                        "authors": page.authors,
                        "editor": page.editor,
                        "source": page.source,
                    }[key]
                    print(f"  {page.dataset}/{page.name} {key}: got {got!r} want {want!r}")
        if details and name == "newswire":
            if page.with_snippets and rows["snip_f1"][-1] < 1:
                print(
                    f"  {page.dataset}/{page.name} snippets P={rows['snip_p'][-1]:.2f} "
                    f"R={rows['snip_r'][-1]:.2f} {res.error or ''}"
                )
            elif page.body is not None and rows["body_f1"][-1] < 0.7:
                print(
                    f"  {page.dataset}/{page.name} body F1={rows['body_f1'][-1]:.2f} "
                    f"P={rows['body_p'][-1]:.2f} R={rows['body_r'][-1]:.2f} {res.error or ''}"
                )
    return {k: mean(v) for k, v in rows.items() if v}


def table(results: dict[str, dict[str, dict[str, float]]], counts: dict[str, int]) -> str:
    cols = [
        "body_f1",
        "body_p",
        "body_r",
        "snip_f1",
        "snip_p",
        "snip_r",
        "title",
        "date",
        "date_any",
        "authors",
        "editor",
        "source",
    ]
    lines = [
        "| dataset (pages) | extractor | " + " | ".join(cols) + " |",
        "|---|---|" + "---|" * len(cols),
    ]
    for ds, by_name in results.items():
        for name, m in by_name.items():
            cells = [f"{m[c]:.3f}" if c in m else "–" for c in cols]
            lines.append(f"| {ds} ({counts[ds]}) | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def page_type_table(by_dataset: dict[str, PageTypes], details: bool) -> str:
    """Labelled articles newswire calls articles, labelled listings it calls list or other.

    Only an article reaches the ``articles`` topic, so a labelled article called anything
    else is a story dropped; a listing called an article is a list page published as one
    (the lesser harm).
    """
    lines = [
        "| dataset | articles called article | listings called list or other |",
        "|---|---|---|",
    ]
    # All pages once: the GBK set is the zh-portals pages again, in another encoding.
    every = [t for ds, types in by_dataset.items() if not ds.endswith("-gbk") for t in types]
    for ds, types in [*by_dataset.items(), ("all (no GBK copy)", every)]:
        cells = []
        for labelled, wanted in (("article", {"article"}), ("listing", {"list", "other"})):
            of = [(got, name) for kind, got, name in types if kind == labelled]
            if not of:
                cells.append("–")
                continue
            ok = sum(1 for got, _ in of if got in wanted)
            cells.append(f"{ok}/{len(of)} ({ok / len(of):.1%}), {len(of) - ok} missed")
            if details and ds in by_dataset:
                for got, name in of:
                    if got not in wanted:
                        print(f"  {ds}/{name} page type: labelled {labelled}, called {got}")
        lines.append(f"| {ds} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--datasets", nargs="+", default=DATASETS, choices=DATASETS)
    ap.add_argument(
        "--extractors", nargs="+", default=["newswire", "trafilatura"], choices=list(EXTRACTORS)
    )
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--details", action="store_true", help="print newswire's misses")
    ap.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    ap.add_argument("--note", default="", help="what else was running on the machine")
    args = ap.parse_args()
    if not DEVDATA.exists():
        sys.exit(f"dev data not found at {DEVDATA}")
    data = load(args.datasets, args.limit)
    results: dict[str, dict[str, dict[str, float]]] = {}
    page_types: dict[str, PageTypes] = {}
    started = time.perf_counter()
    for ds, pages in data.items():
        results[ds] = {}
        for name in args.extractors:
            t0 = time.perf_counter()
            types = page_types.setdefault(ds, []) if name == "newswire" else None
            results[ds][name] = score(pages, name, args.details, types)
            print(f"{ds}: {name} done in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    md = table(results, {k: len(v) for k, v in data.items()})
    if page_types:
        md += (
            "\n\nPage type (newswire, no site patterns): labelled articles called `article`"
            " (the rest never reach the `articles` topic) and labelled listings called "
            "`list` or `other`.\n\n" + page_type_table(page_types, args.details)
        )
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
