"""Class names a page's own stylesheet makes bold, for subheadings styled by class.

Many CMSs mark a subheading only by a class their ``<style>`` block sets in bold
(``<p class="bt">`` with ``.bt{font-weight:bold}``): the body's tags say nothing. Only the
rules that set a bold weight are read: each ``font-weight`` is found by a plain search and
its selector read back from the brace before it, so a page with a large stylesheet and few
bold rules costs a few string searches. Stylesheets in separate files are never fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_BOLD_VALUE = re.compile(r"\s*:\s*(?:bold|bolder|[6-9]00)\b", re.I)
_CLASS = re.compile(r"\.([\w-]+)")
# What separates the compounds of a selector: only the last names the styled element.
_COMBINATOR = re.compile(r"[\s>+~]+")
# Stylesheets past this many characters are not read (a framework's whole CSS).
_MAX_CSS = 200_000


def bold_classes(stylesheets: Iterable[str]) -> frozenset[str]:
    """The classes whose elements a rule of ``stylesheets`` sets in bold
    (``.bt``, ``p.bt``, ``.content .bt``; not ``.bt:hover`` nor ``.bt a``)."""
    found: set[str] = set()
    budget = _MAX_CSS
    for css in stylesheets:
        css = css[:budget]
        budget -= len(css)
        pos = css.find("font-weight")
        while pos >= 0:
            end = pos + len("font-weight")
            if _BOLD_VALUE.match(css, end):
                brace = css.rfind("{", 0, pos)
                if brace >= 0 and css.rfind("}", brace, pos) < 0:
                    start = max(css.rfind("}", 0, brace), css.rfind("{", 0, brace)) + 1
                    found.update(_classes_styled(css[start:brace]))
            pos = css.find("font-weight", end)
        if budget <= 0:
            break
    return frozenset(found)


def _classes_styled(selectors: str) -> list[str]:
    """The classes of the elements a selector list styles (its last compounds)."""
    out = []
    for selector in selectors.split(","):
        last = _COMBINATOR.split(selector.strip())[-1]
        if ":" in last or "[" in last:
            continue  # a state or an attribute test: not every element of the class
        out.extend(_CLASS.findall(last))
    return out
