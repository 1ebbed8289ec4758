"""Structured metadata: JSON-LD, OpenGraph / ``article:*``, ``<meta>`` tags and ``<link>``.

Read before the tree is cleaned (scripts and the head are dropped afterwards). Values are
kept raw here; the caller decides how much to trust them against what the page shows.
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson

from newswire.parser.extract import dates, stylesheet
from newswire.parser.extract.dom import Element, text_of

_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "techarticle",
        "scholarlyarticle",
        "liveblogposting",
        "report",
        "socialmediaposting",
        "posting",
        "medicalwebpage",
        "webpage",
        "discussionforumposting",
        "howto",
        "recipe",
        "review",
    }
)
_PERSON_TYPES = frozenset({"person"})
_ORG_TYPES = frozenset(
    {"organization", "newsmediaorganization", "corporation", "organisation", "localbusiness"}
)

# meta name/property -> our key (first one found wins, in this priority order per key).
_META_KEYS: dict[str, str] = {
    "og:title": "og_title",
    "twitter:title": "twitter_title",
    "og:site_name": "site_name",
    "application-name": "app_name",
    "og:url": "og_url",
    "og:type": "og_type",
    "og:description": "description",
    "description": "description",
    "og:image": "og_image",
    "og:locale": "locale",
    "article:published_time": "published",
    "article:published": "published",
    "og:article:published_time": "published",
    "og:published_time": "published",
    "article:modified_time": "modified",
    "og:updated_time": "modified",
    "article:section": "section",
    "article:author": "author",
    "author": "author",
    "byl": "author",
    "dc.creator": "author",
    "dcterms.creator": "author",
    "sailthru.author": "author",
    "parsely-author": "author",
    "article:author_name": "author",
    "twitter:creator": "twitter_creator",
    "pubdate": "published",
    "publishdate": "published",
    "publish-date": "published",
    "publish_date": "published",
    "publication_date": "published",
    "date": "published",
    "dc.date": "published",
    "dc.date.issued": "published",
    "dcterms.date": "published",
    "dcterms.created": "published",
    "dc.date.created": "published",
    "sailthru.date": "published",
    "parsely-pub-date": "published",
    "citation_publication_date": "published",
    "citation_date": "published",
    "article.published": "published",
    "og:release_date": "published",
    "datepublished": "published",
    "created": "published",
    "ptime": "published",
    "weibo: article:create_at": "published",
    "lastmod": "modified",
    "dateupdate": "modified",
    "datemodified": "modified",
    "dateupdated": "modified",
    "last-modified": "modified",
    "dcterms.modified": "modified",
    "mediaid": "source",
    "source": "source",
    "og:source": "source",
    "article:source": "source",
    "contentsource": "source",
    "editor": "editor",
    "keywords": "keywords",
    "content-language": "lang",
    "dc.language": "lang",
}


def _meta_date_kind(key: str) -> str | None:
    """Site-specific date meta names ("w-published-date", "published", "sb_publish_time")."""
    if "publish" in key and (
        "date" in key or "time" in key or key.endswith(("published", "publish"))
    ):
        return "published"
    if ("modif" in key or "updated" in key) and ("date" in key or "time" in key):
        return "modified"
    return None


# Publication times CMSs leave in inline scripts (qq, sina, 163 and many more; WeChat-style
# article pages print none and fill the visible date in from ``var ct = "<unix time>"``).
# Searched in lower-cased text (no IGNORECASE: several times faster on big scripts).
# Every alternative starts with a plain letter (p, c, d, n or f), so the regex engine skips
# ahead to those letters instead of trying the whole alternation at every position, five
# times faster on the dev pages' scripts: the lone ``ct`` keeps its "no word character
# before" test after its ``c`` (``c(?<![\w$]c)t``, the same test as ``(?<![\w$])ct``),
# since a pattern starting with a look-behind loses that skip.
_SCRIPT_DATE = re.compile(
    r"""(?:pubtime|pub_time|publish_time|publishtime|pubdate|pub_date|publishdate|"""
    r"""publish_date|ptime|posttime|post_time|newstime|first_publish_time|publishedat|"""
    r"""first_publication_date|date_published|published_at|publisheddate|create_time|"""
    r"""createtime|c(?<![\w$]c)t)["']?"""
    r"""\s*[:=]\s*["']?"""
    r"""((?:19|20)\d\d[-/]\d{1,2}[-/]\d{1,2}(?:[ t]\d{1,2}:\d\d(?::\d\d)?)?(?![\d:])"""
    r"""|1\d{9}(?:\d{3})?)(?!\d)"""  # (Unix time in seconds or milliseconds)
)
_MAX_SCRIPT_SCAN = 300_000
#: Scripts with text scanned at most (in page order).
_MAX_SCRIPTS = 40


@dataclass
class Metadata:
    meta: dict[str, str] = field(default_factory=dict)
    #: The most article-like JSON-LD object, if any.
    ld: dict[str, Any] | None = None
    ld_authors: list[str] = field(default_factory=list)
    #: Organisations named as author in JSON-LD: an outlet, so a source.
    ld_org_authors: list[str] = field(default_factory=list)
    ld_breadcrumbs: list[str] = field(default_factory=list)
    canonical: str | None = None
    lang: str | None = None
    title_tag: str | None = None
    #: URL found in <base href>, to resolve relative links.
    base: str | None = None
    #: Inline scripts other than JSON-LD, in page order; their text is read only when
    #: :meth:`script_published` is asked (most pages never need it, and reading a script's
    #: text decodes it: tens of kilobytes a page). The tree's cleaning detaches them, but an
    #: element held here keeps its text.
    script_els: list[Element] = field(default_factory=list)
    #: <time datetime> values with their class and itemprop, in page order.
    times: list[tuple[str, str]] = field(default_factory=list)
    #: The <time> elements of ``times``, in the same order.
    time_els: list[Element] = field(default_factory=list)
    #: Publication dates of meta tags after the first (which ``meta`` keeps), raw.
    other_published: list[str] = field(default_factory=list)
    #: Every JSON-LD ``@type`` on the page, lower-cased (what the page declares itself: a
    #: NewsArticle, a CollectionPage, an ItemList...), for the page type.
    ld_types: set[str] = field(default_factory=set)
    #: <style> elements, read only when :meth:`bold_classes` is asked.
    style_els: list[Element] = field(default_factory=list)
    _script_date: str | None = None
    _script_scanned: bool = False
    _bold_classes: frozenset[str] | None = None

    def bold_classes(self) -> frozenset[str]:
        """The classes the page's own stylesheets set in bold (for subheadings)."""
        if self._bold_classes is None:
            self._bold_classes = stylesheet.bold_classes(el.text or "" for el in self.style_els)
        return self._bold_classes

    def script_published(self) -> str | None:
        """A publication time left in an inline script (``"pubtime": "2019-09-07 19:02"``)."""
        if not self._script_scanned:
            self._script_scanned = True
            budget = _MAX_SCRIPT_SCAN
            scanned = 0
            for el in self.script_els:
                text = el.text
                if not text:
                    continue
                scanned += 1
                if budget <= 0 or scanned > _MAX_SCRIPTS:
                    break
                chunk = text[:budget]
                budget -= len(chunk)
                lowered = chunk.lower()
                if "time" not in lowered and "date" not in lowered and "ct =" not in lowered:
                    continue
                m = _SCRIPT_DATE.search(lowered)
                if m:
                    self._script_date = m.group(1).upper()
                    break
        return self._script_date

    def get(self, key: str) -> str | None:
        return self.meta.get(key)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    if isinstance(value, list) and value:
        return _text(value[0])
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value"))
    return None


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


def _walk_ld(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 6 or len(out) > 50:
        return
    if isinstance(data, list):
        for item in data[:50]:
            _walk_ld(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        graph = data.get("@graph")
        if graph is not None:
            _walk_ld(graph, out, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            _walk_ld(main, out, depth + 1)


def _people(value: Any, persons: list[str], orgs: list[str]) -> None:
    if isinstance(value, list):
        for v in value[:20]:
            _people(v, persons, orgs)
        return
    if isinstance(value, str):
        name = _text(value)
        if name:
            persons.append(name)
        return
    if isinstance(value, dict):
        name = _text(value.get("name"))
        if not name:
            return
        kinds = _types(value)
        if kinds & _ORG_TYPES:
            orgs.append(name)
        else:
            persons.append(name)


def _label_before(el: Element) -> str:
    """The last words printed before an element in its parent (a date's label)."""
    prev = el.getprevious()
    if prev is None:
        parent = el.getparent()
        text = (parent.text or "") if parent is not None else ""
    elif isinstance(prev.tag, str):
        text = "".join(prev.itertext()) + (prev.tail or "")
    else:  # (a comment)
        text = prev.tail or ""
    return text[-30:]


def read_metadata(root: Element) -> Metadata:
    md = Metadata()
    html_lang = root.get("lang") or root.get("xml:lang")
    if html_lang:
        md.lang = html_lang
    lds: list[dict[str, Any]] = []
    cards: dict[str, str] = {}
    # Meta tags are usually in the head, but CMS templates put them anywhere.
    for el in root.iter("meta", "link", "script", "title", "base", "time", "style"):
        tag = el.tag
        if tag == "style":
            # Kept for a lazy read, as scripts are: few pages have a short bold line to judge.
            if len(md.style_els) < 20:
                md.style_els.append(el)
            continue
        if tag == "time":
            stamp = el.get("datetime")
            if stamp and len(md.times) < 20:
                # What kind of date: its class, itemprop or title, or the label printed
                # just before it ("Updated" <time>, "Published" <time>).
                kind = (
                    f"{el.get('class') or ''} {el.get('itemprop') or ''} "
                    f"{el.get('title') or ''} {_label_before(el)}"
                ).lower()
                md.times.append((stamp.strip(), kind))
                md.time_els.append(el)
            continue
        if tag == "meta":
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip()
            key = key.lower()
            content = el.get("content")
            if not key:
                equiv = (el.get("http-equiv") or "").lower()
                if equiv == "content-language" and content:
                    md.meta.setdefault("lang", content)
                continue
            mapped = _META_KEYS.get(key)
            if mapped is None and key.endswith("ld+json") and content and len(lds) < 50:
                # JSON-LD a framework printed into a meta tag (<meta name="script:ld+json">).
                with contextlib.suppress(orjson.JSONDecodeError):
                    _walk_ld(orjson.loads(content), lds)
                continue
            if mapped is None and key == "parsely-page" and content:
                # Parse.ly's older tag: a JSON object holding the publication time.
                page = _loose_json(content)
                if not isinstance(page, dict) or not isinstance(page.get("pub_date"), str):
                    continue
                mapped, content = "published", page["pub_date"]
            if mapped is None and key.startswith("twitter:"):
                # Slack/Twitter cards: label "Written by" with the writer in the data slot.
                if key.startswith(("twitter:label", "twitter:data")) and content:
                    cards[key] = content.strip()
                continue
            if mapped is None:
                mapped = _meta_date_kind(key)
            if mapped and content and content.strip():
                if "&" in content:
                    content = html.unescape(content)  # double-escaped by the CMS
                value = " ".join(content.split())[:2000]
                kept = md.meta.setdefault(mapped, value)
                if mapped == "published" and kept != value and len(md.other_published) < 5:
                    md.other_published.append(value)
        elif tag == "link":
            rel = (el.get("rel") or "").lower().split()
            if "canonical" in rel and md.canonical is None:
                href = el.get("href")
                if href:
                    md.canonical = href.strip()
        elif tag == "script":
            stype = (el.get("type") or "").lower()
            if "ld+json" not in stype:
                # Kept for a lazy scan: most pages never need it, and it is the costliest regex.
                md.script_els.append(el)
            if "ld+json" in stype and el.text and len(lds) < 50:
                raw = el.text.strip()
                if raw.startswith("<!--"):
                    raw = raw[4:].rstrip("->").strip()
                data = _loose_json(raw)
                if data is not None:
                    _walk_ld(data, lds)
        elif tag == "title":
            if md.title_tag is None and el.text:
                md.title_tag = " ".join(text_of(el).split()) or None
        elif tag == "base" and md.base is None:
            md.base = el.get("href")
    _pick_ld(md, lds)
    if md.other_published:
        _settle_published(md)
    for key, label in cards.items():
        if key.startswith("twitter:label") and label.lower().rstrip(" :") == "written by":
            writer = cards.get("twitter:data" + key[len("twitter:label") :])
            if writer:
                md.meta.setdefault("twitter_author", " ".join(writer.split())[:200])
    if not md.lang and md.meta.get("lang"):
        md.lang = md.meta["lang"]
    if not md.lang and md.meta.get("locale"):
        md.lang = md.meta["locale"]
    return md


# What hand-written JSON-LD gets wrong that browsers and search engines forgive: a line
# break or tab typed inside a string (a description over several lines), a comma after the
# last item, and a CDATA wrapper left from XHTML templates.
_CONTROL_CHARS = re.compile(r"[\x00-\x1f]+")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")


def _loose_json(raw: str) -> Any:
    """JSON-LD as parsed, or as parsed once those slips are mended (only for a script
    that is not valid JSON: most are); ``None`` when even that fails."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    # (Whitespace between tokens may be any; inside a string a line break reads as a space.)
    mended = _TRAILING_COMMA.sub(r"\1", _CONTROL_CHARS.sub(" ", _CDATA.sub("", raw)))
    try:
        return orjson.loads(mended)
    except orjson.JSONDecodeError:
        return None


def _settle_published(md: Metadata) -> None:
    """Of two publication dates in the meta tags, not the one after the last modification.

    Alone, a publication after the last modification is normal (a post edited, then
    scheduled), so it stands. Beside another publication date that precedes the
    modification it is a stamp of something else: a CMS writing the time it rendered the
    page as "published-time" next to the real "published-date". (A day's slack: the two
    may be written in different zones.)
    """
    modified = dates.parse_date(md.meta.get("modified"))
    published = dates.parse_date(md.meta.get("published"))
    if modified is None or published is None or published - modified <= _DAY:
        return
    for raw in md.other_published:
        other = dates.parse_date(raw)
        if other is not None and other <= modified:
            md.meta["published"] = raw
            return


_DAY = timedelta(days=1)


def _pick_ld(md: Metadata, lds: list[dict[str, Any]]) -> None:
    best: dict[str, Any] | None = None
    best_rank = -1
    for obj in lds:
        kinds = _types(obj)
        md.ld_types |= kinds
        if "breadcrumblist" in kinds and not md.ld_breadcrumbs:
            items = obj.get("itemListElement")
            if isinstance(items, list):
                crumbs = []
                for it in items[:20]:
                    if isinstance(it, dict):
                        name = _text(it.get("name")) or _text(it.get("item"))
                        if name and not name.startswith("http"):
                            crumbs.append(name)
                md.ld_breadcrumbs = crumbs
            continue
        if not kinds & _ARTICLE_TYPES:
            continue
        # Prefer real article types over a generic WebPage.
        rank = 1 if kinds & {"webpage", "medicalwebpage"} else 2
        if "headline" in obj or "articleBody" in obj:
            rank += 1
        if rank > best_rank:
            best, best_rank = obj, rank
    if best is None:
        return
    md.ld = best
    persons: list[str] = []
    orgs: list[str] = []
    _people(best.get("author"), persons, orgs)
    if not persons:
        _people(best.get("creator"), persons, orgs)
    md.ld_authors = persons
    md.ld_org_authors = orgs


def ld_value(md: Metadata, key: str) -> str | None:
    if md.ld is None:
        return None
    return _text(md.ld.get(key))
