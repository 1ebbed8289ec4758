"""A third set of fast paths of the extraction engine, each next to the plain way it
replaced (see test_fast_paths.py and test_fast_paths_more.py for the others)."""

from __future__ import annotations

import random
import re

import pytest
from lxml import etree

from newswire.parser.extract import dom, metadata

pytestmark = pytest.mark.unit


# --- the script date pattern ---------------------------------------------------------------

# The pattern as it was written before: ``ct`` with its look-behind in front.
_SCRIPT_DATE_REFERENCE = re.compile(
    metadata._SCRIPT_DATE.pattern.replace(r"|c(?<![\w$]c)t)", r"|(?<![\w$])ct)")
)


def _script_date(pattern: re.Pattern[str], text: str) -> tuple[int, str] | None:
    m = pattern.search(text)
    return (m.start(), m.group(1)) if m else None


@pytest.mark.parametrize(
    "text",
    [
        "ct=1741711800",
        "ct = '2025-03-12 00:50'",
        'var ct = "1741711800000";',
        "xct=1741711800",
        "$ct=1741711800",
        "_ct=1741711800",
        "a.ct=1741711800",
        "(ct:1741711800)",
        "cct=1741711800 ct=1741711801",
        "c\nct=1741711800",
        "act=1; pubtime: '2019-09-07 19:02'",
        "pubdate=2019/9/7 ct=1741711800",
        "ct=17417118001",
        "",
    ],
)
def test_script_date_pattern_matches_as_the_look_behind_first_one(text):
    assert _SCRIPT_DATE_REFERENCE.pattern != metadata._SCRIPT_DATE.pattern
    want = _script_date(_SCRIPT_DATE_REFERENCE, text)
    assert _script_date(metadata._SCRIPT_DATE, text) == want


def test_script_date_pattern_on_random_scripts():
    rng = random.Random(5)
    pieces = ["ct", "c", "t", "$", "_", ".", " ", "=", ":", "'", "a", "x", "1741711800", "2020-1-2"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        want = _script_date(_SCRIPT_DATE_REFERENCE, text)
        assert _script_date(metadata._SCRIPT_DATE, text) == want, text


# --- scripts read only when their dates are asked for -------------------------------------


def _metadata_of(scripts: list[str]) -> metadata.Metadata:
    tags = "".join(f"<script>{s}</script>" if s else "<script></script>" for s in scripts)
    root = etree.fromstring(f"<html><head>{tags}</head><body><p>x</p></body></html>")
    md = metadata.read_metadata(root)
    dom.clean(root)  # (scripts leave the tree before the pipeline asks for their dates)
    return md


def test_script_date_read_after_the_scripts_left_the_tree():
    md = _metadata_of(["var a = 1;", 'var pubtime = "2019-09-07 19:02";'])
    assert md.script_published() == "2019-09-07 19:02"


@pytest.mark.parametrize(("empty", "found"), [(0, False), (5, False)])
def test_script_date_looked_for_in_the_first_40_scripts_with_text(empty, found):
    # Empty scripts do not count; the 41st script with text is not read.
    scripts = [""] * empty + ["var a = 1;"] * 40 + ['var pubtime = "2019-09-07 19:02";']
    assert (_metadata_of(scripts).script_published() is not None) == found
    assert _metadata_of([""] * 50 + scripts[-1:]).script_published() == "2019-09-07 19:02"
