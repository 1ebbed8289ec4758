"""Links out of a page: story-list items (title, summary, time), related stories, and
the decision whether a page is a list of stories rather than a story.

Outlinks feed the crawler, so they are limited to the page's own site, resolved, normalised,
de-duplicated and stripped of obvious non-pages (images, downloads, ``javascript:``).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from newswire.parser.extract import dates
from newswire.parser.extract.dom import Block, norm_ws
from newswire.records import Link, Outlink
from newswire.urls import normalize_url

MAX_OUTLINKS = 300
_STATIC_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|bmp|svg|ico|css|js|json|xml|rss|pdf|zip|rar|7z|gz|exe|apk|dmg|"
    r"mp3|mp4|m4a|avi|mov|flv|wmv|doc|docx|xls|xlsx|ppt|pptx|txt|woff2?|ttf)$",
    re.I,
)
_TRAILING_ARROWS = re.compile(r"\s*(?:>>|»|>|›|→)+\s*$")
# Second-level labels under which registrable domains sit one level deeper (news.sina.com.cn).
_SLD = frozenset({"com", "net", "org", "gov", "edu", "co", "ac", "or", "ne", "go", "mil"})


def site_key(host: str) -> str:
    """The registrable part of a host, roughly: ``news.sina.com.cn`` -> ``sina.com.cn``."""
    host = host.split(":", 1)[0].lower().strip(".")
    parts = host.split(".")
    if len(parts) <= 2:
        return host
    if parts[-2] in _SLD and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def resolve(href: str | None, base: str) -> str | None:
    """Absolute normalised http(s) URL of a link, or None for non-pages."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:", "sms:")):
        return None
    try:
        absolute = urljoin(base, href)
        url = normalize_url(absolute)
    except ValueError:
        return None
    return url


def clean_title(text: str) -> str:
    return _TRAILING_ARROWS.sub("", norm_ws(text)).strip()


def related_links(
    blocks: list[Block], marker: int, base: str, *, allow_missing_url: bool = False
) -> list[Link]:
    """Links in the link-dense blocks right after a "更多阅读"-style marker block."""
    if marker < 0:
        return []
    out: list[Link] = []
    seen: set[str] = set()
    els: list[HtmlElement] = []
    for b in blocks[marker + 1 : marker + 40]:
        if b.link_density < 0.5:
            if len(b.text) < 20:
                continue
            break
        if b.el not in els:
            els.append(b.el)
    for el in els:
        anchors = [el] if el.tag == "a" else el.iter("a")
        for a in anchors:
            url = resolve(a.get("href"), base)
            title = clean_title(a.text_content() or a.get("title") or "")
            if url is None and allow_missing_url and a.get("href") == "":
                # text/plain input: the titles are known, the addresses are not.
                url = ""
            key = url or title
            if url is None or not title or key in seen:
                continue
            seen.add(key)
            out.append(Link(title=title, url=url))
    return out


def _item_of(a: HtmlElement) -> HtmlElement:
    """The largest ancestor of a link that holds no other headline-sized link."""
    item = a
    parent = a.getparent()
    for _ in range(5):
        if parent is None or parent.tag in ("body", "html", "ul", "ol", "table", "tbody"):
            break
        n = 0
        for other in parent.iter("a"):
            if len(other.text_content().strip()) >= 8:
                n += 1
                if n > 1:
                    break
        if n > 1:
            break
        item = parent
        parent = item.getparent()
    return item


def outlinks(
    root: HtmlElement,
    page_url: str,
    base: str,
    tz: tzinfo,
    now: datetime | None = None,
) -> tuple[list[Outlink], int]:
    """Same-site links with titles (and summary and time for story-list items).

    Returns the links and how many of them looked like story-list items.
    """
    own = urlsplit(page_url).hostname or ""
    own_site = site_key(own)
    try:
        self_url = normalize_url(page_url)
    except ValueError:
        self_url = page_url
    found: dict[str, Outlink] = {}
    items = 0
    for a in root.iter("a"):
        if len(found) >= MAX_OUTLINKS:
            break
        url = resolve(a.get("href"), base)
        if not url or url == self_url:
            continue
        parts = urlsplit(url)
        if site_key(parts.hostname or "") != own_site or _STATIC_EXT.search(parts.path):
            continue
        title = clean_title(a.text_content() or "") or clean_title(a.get("title") or "")
        if not title:
            continue
        summary = None
        published = None
        if len(title) >= 8:
            item = _item_of(a)
            if item is not a:
                rest = norm_ws(item.text_content())
                pos = rest.find(title)
                if pos >= 0:
                    rest = (rest[:pos] + " " + rest[pos + len(title) :]).strip()
                published, summary_text = _split_date(rest, url, tz, now)
                if len(summary_text) >= 15:
                    summary = summary_text[:1000]
                if summary or published:
                    items += 1
        prev = found.get(url)
        if prev is None:
            found[url] = Outlink(url=url, title=title[:300], summary=summary, published_at=published)
        else:
            if len(title) > len(prev.title or "") and len(title) < 300:
                prev.title = title
            prev.summary = prev.summary or summary
            prev.published_at = prev.published_at or published
    return list(found.values()), items


_DATE_TEXT = (
    r"(?:(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/月]\d{1,2}日?)"
    r"(?:\s*\d{1,2}[:：]\d\d(?:[:：]\d\d)?)?"
)
_DATE_END = re.compile(r"[\s(（\[]*" + _DATE_TEXT + r"[\s)）\]]*$")
_DATE_START = re.compile(r"^[\s(（\[]*" + _DATE_TEXT + r"[\s)）\]]*")


def _split_date(
    text: str, url: str, tz: tzinfo, now: datetime | None
) -> tuple[datetime | None, str]:
    """A date printed at the end (or start) of an item, and the item text without it."""
    m = _DATE_END.search(text)
    if m is None:
        m = _DATE_START.search(text)
    if m is None:
        return None, text
    published = dates.parse_date(m.group(), tz, url=url, now=now, fuzzy=False)
    if published is None:
        return None, text
    return published, norm_ws(text[: m.start()] + " " + text[m.end() :])
