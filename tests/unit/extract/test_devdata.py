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
