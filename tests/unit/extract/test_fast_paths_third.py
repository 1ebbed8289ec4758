"""A third set of fast paths of the extraction engine, each next to the plain way it
replaced (see test_fast_paths.py and test_fast_paths_more.py for the others)."""

from __future__ import annotations

import random
import re

import pytest

from newswire.parser.extract import metadata

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
