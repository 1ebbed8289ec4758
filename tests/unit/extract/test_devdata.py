"""A quick floor on the dev data (skipped without ../shared): catches regressions early.

The full comparison with trafilatura is bench/extract_quality.py; this only checks the
Chinese portals, which take about a second.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import DEVDATA, REPO

pytestmark = [
    pytest.mark.unit,
    pytest.mark.skipif(not (DEVDATA / "zh-portals").exists(), reason="no ../shared/devdata"),
]


def test_zh_portals_floor():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import extract_quality as dd
    finally:
        sys.path.pop(0)
    pages = list(dd.zh_portals())
    assert len(pages) >= 30
    snip, title, date, editor = [], [], [], []
    for page in pages:
        res = dd.run_newswire(page)
        snip.append(dd.snippet_prf(res.text, page)[2])
        title.append(dd.title_ok(res.title, page.title))
        date.append(res.published == page.published)
        editor.append(dd.value_ok(res.editor, page.editor))
    n = len(pages)
    assert sum(snip) / n >= 0.95
    assert sum(title) / n >= 0.93
    assert sum(date) / n >= 0.9
    assert sum(editor) / n >= 0.9


def test_bench_scripts_exist():
    assert (Path(REPO) / "bench" / "extract_quality.py").exists()
    assert (Path(REPO) / "bench" / "extract_speed.py").exists()


def _bench():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import extract_quality as dd
    finally:
        sys.path.pop(0)
    return dd


def test_zh_portals_stories_are_articles():
    # Their related and most-read lists once made 5 of these 32 stories lists.
    dd = _bench()
    types = [dd.run_newswire(page).page_type for page in dd.zh_portals()]
    assert types.count("article") >= len(types) - 1


def test_page_type_table_counts_misses_per_dataset():
    dd = _bench()
    table = dd.page_type_table(
        {
            "news": [("article", "article", "a"), ("article", "list", "b")],
            "lists": [
                ("listing", "list", "c"),
                ("listing", "other", "d"),
                ("listing", "article", "e"),
            ],
        },
        details=False,
    )
    assert "| news | 1/2 (50.0%), 1 missed | – |" in table
    assert "| lists | – | 2/3 (66.7%), 1 missed |" in table
    assert "| all (no GBK copy) | 1/2 (50.0%), 1 missed | 2/3 (66.7%), 1 missed |" in table
