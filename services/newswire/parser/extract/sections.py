"""The article's section, from breadcrumbs: ``首页 > 国内 > 时政`` -> ``["国内", "时政"]``.

A site rule's selector first, then a breadcrumb trail the page shows (marked as one, or a
short line that reads as one), then JSON-LD breadcrumbs and the section meta tag. The home
link, the "you are here" label and the headline itself are no sections.
"""

from __future__ import annotations

import re

from newswire.parser.extract import dom
from newswire.parser.extract.dom import Element, text_of
from newswire.parser.extract.metadata import Metadata
from newswire.parser.extract.rules import ExtractionRules
from newswire.parser.extract.titles import match_key
from newswire.parser.extract.zh_script import compile_zh, either_script, simplified

_HOME_LABELS = frozenset(
    {"首页", "主页", "网站首页", "home", "homepage", "正文", "当前位置", "您的位置", "你的位置"}
    # A forum's portal home and its article view (Discuz: 门户 › 国内 › 查看内容).
    | {"门户", "查看内容"}
)
# "You are here" labels: 当前位置, 您的位置, 您当前的位置, 你现在的位置, 所在位置 ...
_HERE_LABEL = r"(?:您|你)?(?:当前|现在|目前)?的?(?:所在)?位置\s*[:：]\s*"
# (" - " only between spaces: a hyphen inside a label is part of it.)
_CRUMB_SPLIT = re.compile(r"\s*(?:>|»|›|→|/|＞|>>|\||(?<=\s)-(?=\s))\s*")
_CRUMB_TEXT = compile_zh(
    rf"^(?:{_HERE_LABEL})?(?:首页|主页|网站首页|home)\s*(?:>|»|›|＞|/|→|-(?=\s))",
    re.I,
)
_HERE_PREFIX = compile_zh(rf"^{_HERE_LABEL}")
# Trail items that name the page, not a section ("资讯正文", "Current Page"), and template
# placeholders left unrendered.
_NOT_SECTION = compile_zh(r"\{\{|正文$|^(?:current page|article)$", re.I)
# The characters a _CRUMB_TEXT match can start with (only "H" matches "h" under IGNORECASE):
# tested before the match, which runs for the first 200 blocks of every page.
_CRUMB_FIRST = frozenset("".join(either_script(*"当您你所位现目首主网hH")))


def _is_crumb_text(text: str) -> bool:
    return text[:1] in _CRUMB_FIRST and _CRUMB_TEXT.match(text) is not None


def find_section(
    rules: ExtractionRules | None,
    root: Element,
    blocks: list[dom.Block],
    md: Metadata,
    title: str | None,
    crumbs: list[Element],
) -> list[str]:
    if rules is not None and rules.section:
        found = rules.select("section", root)
        if found:
            el = found[0]
            labels = (
                [dom.norm_ws(text_of(a)) for a in el.iter("a")] if not isinstance(el, str) else []
            )
            if not labels:
                text = el if isinstance(el, str) else text_of(el)
                labels = _CRUMB_SPLIT.split(dom.norm_ws(text))
            return _clean_crumbs(labels, title)
    candidates: list[Element] = list(crumbs)
    for b in blocks[:200]:
        if _is_crumb_text(b.text):
            candidates.append(b.el)
    for el in candidates:
        text = dom.norm_ws(text_of(el))
        if len(text) > 200:
            continue
        if _CRUMB_SPLIT.search(text) or _CRUMB_TEXT.match(text):
            labels = _CRUMB_SPLIT.split(text)
        else:
            continue
        cleaned = _clean_crumbs(labels, title)
        if cleaned:
            return cleaned
    if md.ld_breadcrumbs:
        return _clean_crumbs(md.ld_breadcrumbs, title)
    if md.get("section"):
        return _clean_crumbs([md.get("section") or ""], title)
    for el in crumbs:
        # Named a breadcrumb, its separators drawn by CSS: its items are the labels.
        cleaned = _clean_crumbs(_item_labels(el), title)
        if cleaned:
            return cleaned
    for b in blocks[:200]:
        text = b.text
        # (The arrows tested here first: a call per block would cost more than the test.)
        if len(text) <= 80 and ("›" in text or ">" in text or "»" in text):
            labels = _trail_from_home_link(b)
            if labels:
                return _clean_crumbs(labels[1:], title)
    return []


# Separators of a trail led by the site's name (not "|" or "/": menus use those too).
_TRAIL_ARROWS = re.compile(r"\s*(?:›|»|>|＞|→)\s*")
# Links to the site's home page: the root, or its index file.
_HOME_HREF = re.compile(
    r"^(?:https?://[^/]+)?(?:\.?/|/?index\.(?:php|html?|shtml|jsp|asp))?$", re.I
)


def _trail_from_home_link(b: dom.Block) -> list[str] | None:
    """The labels of a trail led by a link to the home page that shows the site's name
    rather than 首页 (``<a href="/">某某网</a> › 门户 › 国内 › 查看内容``, as forum portals
    print it): arrow separators between three or more short labels, the first a home link.
    (The caller has seen an arrow in the line, at most 80 characters long.)"""
    labels = _TRAIL_ARROWS.split(b.text)
    if len(labels) < 3 or any(not label or len(label) > 20 for label in labels):
        return None
    first = b.el.find(".//a")
    if first is None or dom.norm_ws(text_of(first)) != labels[0]:
        return None
    href = (first.get("href") or "").strip()
    return labels if href and _HOME_HREF.match(href) else None


def _clean_crumbs(labels: list[str], title: str | None) -> list[str]:
    out = []
    tk = match_key(title)
    for label in labels:
        label = _HERE_PREFIX.sub("", dom.norm_ws(label)).strip()
        if not label or simplified(label).lower() in _HOME_LABELS or len(label) > 40:
            continue
        if _NOT_SECTION.search(label):
            continue
        if tk and match_key(label) == tk:
            continue
        if label not in out:
            out.append(label)
    return out[:8]


def _item_labels(el: Element) -> list[str]:
    """The labels of a trail without separator characters: its list items, else its
    links; none unless it starts at the home page (else it is some other list)."""
    items = [dom.norm_ws(text_of(li)) for li in el.iter("li")] or [
        dom.norm_ws(text_of(a)) for a in el.iter("a")
    ]
    if len(items) < 2 or len(items) > 8 or simplified(items[0]).lower() not in _HOME_LABELS:
        return []
    return items
