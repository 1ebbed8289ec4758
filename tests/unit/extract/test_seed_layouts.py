"""The seed story in more layouts (tests/fixtures/extract/make_seed_layouts.py): every field
a reader sees comes out exactly, whatever the template, encoding or rendering."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from newswire.parser.extract import extract

from .conftest import FIXTURES

pytestmark = pytest.mark.unit

LAYOUTS: list[dict[str, Any]] = json.loads((FIXTURES / "seed_layouts.json").read_text("utf-8"))


def _seen(layout: dict[str, Any], seed_expected: dict[str, Any]) -> dict[str, Any]:
    """What a reader of this layout sees: the seed's fields, less those it does not show;
    a text rendering has no addresses (links and the photo keep their words only)."""
    want = {**seed_expected, **layout["not_shown"]}
    if layout["file"].endswith(".txt"):
        want["images"] = [{**img, "url": ""} for img in want["images"]]
        want["related"] = [{**r, "url": ""} for r in want["related"]]
        want["stories"] = [{**s, "url": ""} for s in want["stories"]]
    return want


def _article(layout: dict[str, Any], url: str) -> dict[str, Any]:
    fetched = layout["fetched_at"]
    result = extract(
        (FIXTURES / layout["file"]).read_bytes(),
        url,
        layout["headers"],
        fetched_at=datetime.fromisoformat(fetched) if fetched else None,
    )
    assert result.error is None
    assert result.article is not None
    return result.article.model_dump(mode="json")


FIELDS = [
    "site",
    "lang",
    "page_type",
    "title",
    "section",
    "published_at",
    "authors",
    "editor",
    "source",
    "views",
    "headings",
    "text",
    "images",
    "related",
]


@pytest.mark.parametrize("layout", LAYOUTS, ids=[x["file"] for x in LAYOUTS])
@pytest.mark.parametrize("field", FIELDS)
def test_every_field_exact(seed_expected, layout, field):
    data = _article(layout, seed_expected["url"])
    assert data[field] == _seen(layout, seed_expected)[field]


@pytest.mark.parametrize("layout", LAYOUTS, ids=[x["file"] for x in LAYOUTS])
def test_other_stories_with_summary_and_time(seed_expected, layout):
    data = _article(layout, seed_expected["url"])
    want = _seen(layout, seed_expected)["stories"]
    got = [
        {k: o[k] for k in ("url", "title", "summary", "published_at")}
        for o in data["outlinks"]
        if o["summary"]
    ]
    assert got == want
