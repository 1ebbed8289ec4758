"""Links out of a page: story-list items (title, summary, time), related stories, and
the decision whether a page is a list of stories rather than a story.

Outlinks feed the crawler, so they are limited to the page's own site, resolved, normalised,
de-duplicated and stripped of obvious non-pages (images, downloads, ``javascript:``).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from urllib.parse import quote, unquote, urljoin, urlsplit

from pydantic import TypeAdapter

from newswire.parser.extract import dates
from newswire.parser.extract.dom import (
    Anchor,
    Block,
    Element,
    anchors_of,
    holds_another,
    norm_ws,
    text_of,
)
from newswire.parser.extract.zh_script import compile_zh
from newswire.records import Link, Outlink
from newswire.urls import _SAFE_PATH, _is_tracking, normalize_url

MAX_OUTLINKS = 300
#: Anchors examined per page (mega-menus and sitemaps pages have thousands).
MAX_ANCHORS = 2000
_STATIC_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|bmp|svg|ico|css|js|json|xml|rss|pdf|zip|rar|7z|gz|exe|apk|dmg|"
    r"mp3|mp4|m4a|avi|mov|flv|wmv|doc|docx|xls|xlsx|ppt|pptx|txt|woff2?|ttf)$",
    re.I,
)
_TRAILING_ARROWS = re.compile(r"\s*(?:>>|»|>|›|→)+\s*$")
# Second-level labels under which registrable domains sit one level deeper (news.sina.com.cn).
_SLD = frozenset({"com", "net", "org", "gov", "edu", "co", "ac", "or", "ne", "go", "mil"})


# URLs already in normal form (lower-case host, no port, query, fragment, escapes or
# characters quote() would touch): normalize_url returns them unchanged, so skip it.
# (Groups: the host, the path.)
_ALREADY_NORMAL = re.compile(
    r"https?://([a-z0-9-]+(?:\.[a-z0-9-]+)*)(/[A-Za-z0-9/:@!$&'()*+,;=._~-]*)?"
)
# The same with a plain query of ``key=value`` pairs (characters urlencode keeps as they are).
_NORMAL_WITH_QUERY = re.compile(
    r"(https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/[A-Za-z0-9/:@!$&'()*+,;=._~-]*)?)\?"
    r"([A-Za-z0-9._~-]+=[A-Za-z0-9._~/:@!$'()*,-]*(?:&[A-Za-z0-9._~-]+=[A-Za-z0-9._~/:@!$'()*,-]*)*)"
)


# A plain host and a path with percent escapes (of the UTF-8 bytes of non-ASCII text,
# usually): normal when quoting the unquoted path gives it back.
_ESCAPED_PATH = re.compile(
    r"(https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*)(/[A-Za-z0-9/:@!$&'()*+,;=._~%-]*)"
)


def fast_normalize(url: str) -> str:
    """``normalize_url`` with fast paths for the common cases: plain URLs, plain queries
    (whose pairs normalize_url sorts, dropping tracking keys) and escaped paths (a fragment
    is dropped either way)."""
    if "#" in url:
        url = url.split("#", 1)[0]
    m = _ALREADY_NORMAL.fullmatch(url)
    if m:
        return url if m.group(2) else url + "/"
    m = _NORMAL_WITH_QUERY.fullmatch(url)
    if m:
        # (Plain pairs: parse_qsl and urlencode leave their characters as they are.)
        pairs = [p.split("=", 1) for p in m.group(2).split("&")]
        kept = sorted((k, v) for k, v in pairs if not _is_tracking(k))
        head = m.group(1)
        if head.count("/") == 2:
            head += "/"
        return f"{head}?{'&'.join(f'{k}={v}' for k, v in kept)}" if kept else head
    m = _ESCAPED_PATH.fullmatch(url)
    if m and quote(unquote(m.group(2)), safe=_SAFE_PATH) == m.group(2):
        return url
    return normalize_url(url)


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
    plain = _ALREADY_NORMAL.fullmatch(href)
    if plain is not None:
        # An absolute URL in normal form, as most links are: urljoin gives it back (it
        # keeps the dot segments of an absolute URL), and so does normalising it.
        return href if plain.group(2) else href + "/"
    try:
        absolute = urljoin(base, href)
        url = fast_normalize(absolute)
    except ValueError:
        return None
    return url


def clean_title(text: str) -> str:
    text = " ".join(text.split())
    if text and text[-1] in ">»›→":
        return _TRAILING_ARROWS.sub("", text).strip()
    return text


def related_links(blocks: list[Block], marker: int, base: str) -> list[Link]:
    """Links in the link-dense blocks right after a "更多阅读"-style marker block."""
    if marker < 0:
        return []
    out: list[Link] = []
    seen: set[str] = set()
    els: list[Element] = []
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
            title = clean_title(text_of(a) or a.get("title") or "")
            key = url or title
            if url is None or not title or key in seen:
                continue
            seen.add(key)
            out.append(Link(title=title, url=url))
    return out


_UNSEEN = object()


class _Resolver:
    """Resolve and filter a page's hrefs, with the page's origin and a cache: pages repeat
    the same links (nav, footer) and urljoin + normalisation dominate the outlink cost."""

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.scheme = parts.scheme or "https"
        self.origin = f"{self.scheme}://{parts.netloc}"
        self.cache: dict[str | None, str | object | None] = {}
        self.site_cache: dict[str, str] = {}

    def absolute(self, href: str) -> str | None:
        if href.startswith(("https://", "http://")):
            return href
        if href.startswith("//"):
            return f"{self.scheme}:{href}"
        if href.startswith("/"):
            return self.origin + href
        if href.startswith(("#", "javascript:", "mailto:", "tel:", "data:", "sms:")):
            return None
        try:
            return urljoin(self.base, href)
        except ValueError:
            return None

    def site_of(self, url: str) -> str:
        return self._site(url.split("/", 3)[2] if url.count("/") >= 2 else "")

    def _site(self, netloc: str) -> str:
        cached = self.site_cache.get(netloc)
        if cached is None:
            host = netloc.rsplit("@", 1)[-1]
            host = host.split("]")[0] if host.startswith("[") else host.split(":")[0]
            cached = self.site_cache[netloc] = site_key(host)
        return cached

    def same_site(self, href: str | None, own_site: str) -> str | None:
        """Normalised URL of an on-site page link, else None (cached by the raw href)."""
        url = self.cache.get(href, _UNSEEN)
        if url is _UNSEEN:
            url = self.cache[href] = self._same_site(href.strip(), own_site) if href else None
        return url

    def _same_site(self, href: str, own_site: str) -> str | None:
        absolute = self.absolute(href) if href else None
        if not absolute:
            return None
        # Most links are URLs in normal form, matched once for what the steps below need:
        # the netloc is the host, there is no query or fragment to cut, and normalising
        # gives the URL back (with "/" for an empty path).
        plain = _ALREADY_NORMAL.fullmatch(absolute)
        if plain is not None:
            site, path = self._site(plain.group(1)), absolute
        else:
            site, path = self.site_of(absolute), absolute.split("?", 1)[0].split("#", 1)[0]
        if site != own_site:
            return None
        end = path[-8:]
        # (No dot, no file extension: the search is skipped for most paths.)
        if "." in end and _STATIC_EXT.search(end):
            return None
        if plain is not None:
            return absolute if plain.group(2) else absolute + "/"
        try:
            return fast_normalize(absolute)
        except ValueError:
            return None


def outlinks(
    root: Element,
    page_url: str,
    base: str,
    tz: tzinfo,
    now: datetime | None = None,
    page_anchors: list[Anchor] | None = None,
    texts: dict[Element, str] | None = None,
) -> tuple[list[Outlink], int]:
    """Same-site links with titles (and summary and time for story-list items).

    ``page_anchors`` are the links as the block walk met them (else read from the tree);
    ``texts`` caches elements' normalised texts.
    Returns the links and how many of them looked like story-list items.
    """
    own = urlsplit(page_url).hostname or ""
    own_site = site_key(own)
    try:
        self_url = fast_normalize(page_url)
    except ValueError:
        self_url = page_url
    resolver = _Resolver(base)
    if page_anchors is None:
        page_anchors = anchors_of(root)
    # One pass for the anchors and their text; the ancestors of headline-sized anchors are
    # kept so an item (the largest ancestor holding one headline) is found with
    # holds_another(). Each anchor comes with its place among them (-1: not a headline).
    anchors: list[tuple[Anchor, str, str, bool, int]] = []
    headline_chains: list[tuple[Element, ...]] = []
    # (The resolver's cache and clean_title() inlined: this runs for every link.)
    cache = resolver.cache
    for anchor in page_anchors:
        href = anchor.href
        url = cache.get(href, _UNSEEN)
        if url is _UNSEEN:
            url = resolver.same_site(href, own_site)
        if not url or url == self_url:
            continue
        title = norm_ws(anchor.text)
        whole_teaser = False
        if len(anchor.el) >= 2:
            headline = _first_part(anchor.el)
            if headline:
                title, whole_teaser = headline, True
        if title and title[-1] in ">»›→":
            title = _TRAILING_ARROWS.sub("", title).strip()
        if not title:
            title = clean_title(anchor.el.get("title") or "")
            if not title:
                continue
        k = -1
        if len(title) >= 8:
            k = len(headline_chains)
            headline_chains.append(anchor.chain[:-1])
        anchors.append((anchor, url, title, whole_teaser, k))
        if len(anchors) >= MAX_ANCHORS:
            break
    # url -> [title, summary, published]; models are built once at the end.
    found: dict[str, list] = {}
    items = 0
    for anchor, url, title, whole_teaser, k in anchors:
        if len(found) >= MAX_OUTLINKS:
            break
        summary = None
        published = None
        if k >= 0:
            item = _item_of(anchor.chain, headline_chains, k)
            if (
                item is anchor.el
                and whole_teaser
                and len(anchor.chain) >= 2
                and not holds_another(headline_chains, k, len(anchor.chain) - 2)
            ):
                # A link that is the whole teaser: the item is the link's parent (its time
                # often sits beside the link), unless that holds other stories too.
                item = anchor.chain[-2]
            if item is not anchor.el or whole_teaser:
                rest = texts.get(item) if texts is not None else None
                if rest is None:
                    rest = norm_ws(text_of(item))
                    if texts is not None:
                        texts[item] = rest
                pos = rest.find(title)
                if pos >= 0:
                    rest = (rest[:pos] + " " + rest[pos + len(title) :]).strip()
                published, summary_text = _split_date(rest, url, tz, now)
                if summary_text and summary_text[-1] in _MORE_LINK_LAST:
                    summary_text = _MORE_LINK_END.sub("", summary_text)
                if published is not None and len(summary_text) >= 15:
                    summary_text = _without_outlet(item, summary_text)
                if len(summary_text) >= 15:
                    summary = summary_text[:1000]
                if summary or published:
                    items += 1
        prev = found.get(url)
        if prev is None:
            found[url] = [title[:300], summary, published]
        else:
            if len(title) > len(prev[0] or "") and len(title) < 300:
                prev[0] = title
            prev[1] = prev[1] or summary
            prev[2] = prev[2] or published
    links = [
        {"url": url, "title": t, "summary": s, "published_at": p}
        for url, (t, s, p) in found.items()
    ]
    return _OUTLINKS.validate_python(links), items


# The "more" link that closes a teaser's summary (``…摘要[详细]``, ``…[全文]>>``): no part
# of the summary. (Tried only on summaries ending in one of its last characters.)
# Bracketed or followed by arrows: a summary may end in the bare word (…公布了全文).
_MORE_WORD = r"(?:详细|详情|全文|阅读全文|查看全文|查看详情|更多)"
_MORE_LINK_END = compile_zh(
    rf"\s*(?:[\[【(（]{_MORE_WORD}[\]】)）]\s*(?:>>|»)?|{_MORE_WORD}\s*(?:>>|»))$"
)
_MORE_LINK_LAST = frozenset("]】)）>»")


def _without_outlet(item: Element, summary: str) -> str:
    """The summary without the outlet a story card prints beside its time, in elements of
    their own after the summary (``<p>summary</p><div><span>新华网</span><span>06-15
    17:44</span></div>``): the item's text runs them together ("…summary新华网")."""
    last: list[tuple[Element, str]] = []
    for el in item.iter():
        text = el.text
        if text and not text.isspace() and isinstance(el.tag, str):
            last = [*last[-1:], (el, text.strip())]
    if len(last) < 2:
        return summary
    (el, word), (time_el, time_text) = last
    if (
        el.getparent() is time_el.getparent()
        and _DIGIT.search(time_text)
        and len(word) <= 12
        and not _DIGIT.search(word)
        and summary.endswith(word)
        and len(summary) - len(word) >= 15
    ):
        return summary[: -len(word)].rstrip()
    return summary


_DIGIT = re.compile(r"\d")


# Elements that start a part of a link of their own (a summary under the headline).
_PART_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section", "dd", "dt", "ul", "ol"}
)


_HEADLINE_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


def _first_part(a: Element) -> str | None:
    """The headline of a link that holds a whole teaser in a list of such (``<li><a><span>
    title</span><p>summary</p></a></li>``): its first headline-like part, when a
    block-level summary at least as long follows. Short parts before it are badges (a rank,
    "8图", "NEW"); a short line that is no heading (a kicker, "Read more") is no headline.
    (The summary is then the item's text after the headline, as for any teaser.)"""
    if (a.text or "").strip() or not _in_list(a):
        return None
    title = None
    rest = 0
    block_after = False
    for child in a:
        text = norm_ws(text_of(child))
        if not text:
            continue
        if title is None:
            if (child.tail or "").strip():
                return None
            if _headline_like(child, text):
                title = text
            elif len(text) >= 8:
                return None
        else:
            rest += len(text)
            block_after = block_after or child.tag in _PART_TAGS
    if title is None or not block_after or rest < max(15, len(title)):
        return None
    return title


def _in_list(a: Element) -> bool:
    """Whether the link (or its parent) is one of at least three alike siblings."""
    item = a
    for _ in range(2):
        parent = item.getparent()
        if parent is None:
            return False
        tag = item.tag
        if sum(1 for sibling in parent if sibling.tag == tag) >= 3:
            return True
        item = parent
    return False


def _headline_like(el: Element, text: str) -> bool:
    if el.tag in _HEADLINE_TAGS or "title" in (el.get("class") or "").lower():
        return True
    if len(text) < 8:
        return False
    return len(text) >= 25 or _CJK_CHAR.search(text) is not None


# The outlinks validated as one list: a single call into pydantic's validator instead of
# one model construction per link (half the cost, on pages with a hundred links).
_OUTLINKS = TypeAdapter(list[Outlink])


def _item_of(
    chain: tuple[Element, ...], headline_chains: list[tuple[Element, ...]], k: int
) -> Element:
    """The largest ancestor of a link (up to 5 levels) holding no other headline link
    (``k``: the link's place in ``headline_chains``)."""
    i = len(chain) - 1
    for _ in range(5):
        if i == 0:
            break
        parent = chain[i - 1]
        if parent.tag in ("body", "html", "ul", "ol", "table", "tbody"):
            break
        if holds_another(headline_chains, k, i - 1):
            break
        i -= 1
    return chain[i]


_DATE_TEXT = (
    r"(?:(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/月]\d{1,2}日?)"
    r"(?:\s*\d{1,2}[:：]\d\d(?:[:：]\d\d)?)?"
)
_DATE_END = re.compile(r"[\s(（\[]*" + _DATE_TEXT + r"[\s)）\]]*$")
_DATE_LAST_CHARS = frozenset("0123456789日)）]")
_DATE_START = re.compile(r"^[\s(（\[]*" + _DATE_TEXT + r"[\s)）\]]*")


def _split_date(
    text: str, url: str, tz: tzinfo, now: datetime | None
) -> tuple[datetime | None, str]:
    """A date printed at the end (or start) of an item, and the item text without it."""
    # The end pattern can only match text ending like a date (a cheap test first: the
    # search is costly on long items).
    m = _DATE_END.search(text) if text and text[-1] in _DATE_LAST_CHARS else None
    if m is None:
        m = _DATE_START.match(text)
    if m is None:
        return None, text
    published = dates.parse_date(m.group(), tz, url=url, now=now, fuzzy=False)
    if published is None:
        return None, text
    return published, norm_ws(text[: m.start()] + " " + text[m.end() :])
