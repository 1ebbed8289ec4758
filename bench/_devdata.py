"""Shared loading and scoring of the dev data for the extraction benchmarks.

The data is read from ``../shared/devdata`` (beside the repository) at run time and never
copied into the repo. Metric (see that directory's README): body F1 over 4-token shingles
where each CJK character is a token and any other run of word characters is one token
(NFKC, lower-cased), averaged over pages; titles equal after removing whitespace and
punctuation or at least 0.9 similar; dates on the same calendar day; an author is right
when any expected name is among the extracted authors.
"""

from __future__ import annotations

import difflib
import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
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
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None
    error: str | None = None


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
    hits = sum(1 for s in page.with_snippets if re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)) in text)
    false = sum(
        1 for s in page.without_snippets if re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)) in text
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


def author_ok(got: list[str], expected: list[str]) -> bool:
    if not expected:
        return not got
    got_keys = {_squash(g) for g in got}
    return any(_squash(e) in got_keys for e in expected)


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
        authors=a.authors,
        editor=a.editor,
        source=a.source,
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
