"""The extraction pipeline: bytes -> decoded text -> tree -> fields -> :class:`Article`.

Stages, in order: decode (charset), parse (bounded tree), metadata (JSON-LD, OpenGraph,
meta), clean, blocks, site rules, content (body, headings, captions), fields read from
what the page shows (title, section, dates, credits, views), images, related stories,
outlinks, page type, fingerprints. Each field prefers the most reliable evidence:
selectors from site rules, then structured data, then labelled visible text, then
generic heuristics — except where structured data is known to mislead (an organisation
as JSON-LD author is the source, not an author).
"""

from __future__ import annotations

import gc
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newswire.parser.extract import content as content_mod
from newswire.parser.extract import dates, dom, listing, media, text_plain, zh_labels
from newswire.parser.extract.decode import BinaryContent, content_type, decode_body
from newswire.parser.extract.dom import Element, text_of
from newswire.parser.extract.fingerprint import fingerprints
from newswire.parser.extract.metadata import Metadata, ld_value, read_metadata
from newswire.parser.extract.rules import ExtractionRules, compile_selector
from newswire.records import Article, Image
from newswire.urls import host_of, url_id

# Bodies beyond this are cut before decoding (a news page is well under 2 MB).
MAX_BODY_BYTES = 4 * 1024 * 1024
_ZH_DEFAULT_TZ = "Asia/Shanghai"

_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:·»]\s+|\s*[|｜_]\s*|\s*--+\s*|\s*——\s*|\s*－\s*")
_HOME_LABELS = frozenset(
    {"首页", "主页", "网站首页", "home", "homepage", "正文", "当前位置", "您的位置", "你的位置"}
)
_CRUMB_SPLIT = re.compile(r"\s*(?:>|»|›|→|/|＞|>>|\|)\s*")
_CRUMB_TEXT = re.compile(
    r"^(?:(?:当前|您的|你的|所在)?位置\s*[:：]\s*)?(?:首页|主页|网站首页|home)\s*(?:>|»|›|＞|/)",
    re.I,
)
# The characters a _CRUMB_TEXT match can start with (only "H" matches "h" under IGNORECASE):
# tested before the match, which runs for the first 200 blocks of every page.
_CRUMB_FIRST = frozenset("当您你所位首主网hH")


def _is_crumb_text(text: str) -> bool:
    return text[:1] in _CRUMB_FIRST and _CRUMB_TEXT.match(text) is not None


_BYLINE_ATTR = re.compile(r"author|byline|writer|reporter", re.I)
_BY_PREFIX = re.compile(r"^(?:by|written by|posted by|von|par|por)(?:\s*:\s*|\s+)", re.I)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_EN_WORDS = re.compile(r"\b(?:the|and|of|to|in|is|that|for|with)\b", re.I)
_NOT_WORD = re.compile(r"[\W_]+")
_LANG_CODE = re.compile(r"[a-z]{2,3}")


@dataclass
class ExtractResult:
    """What :func:`extract` returns: an article, or an error label with detail."""

    article: Article | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.article is not None


def _error(label: str, detail: str = "") -> ExtractResult:
    return ExtractResult(None, f"{label}: {detail}"[:300] if detail else label)


def extract(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    rules: ExtractionRules | None = None,
    *,
    fetched_at: datetime | None = None,
) -> ExtractResult:
    """Extract an article from raw page bytes; never raises."""
    # The cyclic garbage collector is paused for the page: extraction makes a few hundred
    # thousand objects that live until the page is done, and no reference cycles (the
    # block walk breaks its own), so collections in between only re-scan live objects
    # (about 3% of the time). Whatever it postpones is collected after the page.
    pause_gc = gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        return _extract(body, url, headers, rules, fetched_at)
    except RecursionError:
        return _error("too_complex", "recursion limit")
    except MemoryError:
        return _error("too_large", "out of memory")
    except Exception as exc:  # one bad page must never stop a batch or a worker
        return _error("extract_error", f"{type(exc).__name__}: {exc}")
    finally:
        if pause_gc:
            gc.enable()


def _extract(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None,
    rules: ExtractionRules | None,
    fetched_at: datetime | None,
) -> ExtractResult:
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    # (isspace() rather than strip(): the same ASCII whitespace, without copying the page.)
    if not body or body.isspace():
        return _error("empty_body")
    warnings: list[str] = []
    if len(body) > MAX_BODY_BYTES:
        body = body[:MAX_BODY_BYTES]
        warnings.append("body_truncated")
    try:
        decoded = decode_body(body, headers)
    except BinaryContent as exc:
        return _error("binary_content", str(exc))
    warnings.extend(decoded.warnings)
    text = decoded.text
    utf8 = decoded.utf8
    extractor = "density"
    ctype = (content_type(headers) or "").lower()
    if ctype.startswith("text/plain") or (not ctype and text_plain.looks_plain(text)):
        text = text_plain.to_html(text)
        utf8 = None
        extractor = "text-plain"
    page = dom.parse_html(text, utf8)
    if page is None:
        return _error("empty_body", "no parsable document")
    warnings.extend(page.warnings)
    root = page.root
    if rules is not None and rules.remove:
        for sel in rules.remove:
            try:
                doomed = compile_selector(sel)(root)
            except (ValueError, etree.XPathEvalError):
                continue
            for el in doomed if isinstance(doomed, list) else []:
                if isinstance(el, Element) and el.getparent() is not None:
                    dom.drop_tree(el)
    md = read_metadata(root)
    base = url
    if md.base:
        try:
            base = urljoin(url, md.base)
        except ValueError:
            base = url
    dom.clean(root)
    linear = dom.blocks_of(root)
    blocks = linear.blocks
    if linear.truncated:
        warnings.append("too_many_nodes")
    lang = _lang(md, blocks)
    tz_name = (rules.timezone if rules and rules.timezone else None) or (
        _default_zh_tz() if lang and lang.startswith("zh") else "UTC"
    )
    tz = dates.get_tz(tz_name)
    now = fetched_at or datetime.now(UTC)

    item_texts: dict[Element, str] = {}
    content_mod.mark_teasers(root, blocks, linear.anchors, item_texts)
    container: Element | None = None
    if rules is not None and rules.content:
        found = [e for e in rules.select("content", root) if isinstance(e, Element)]
        if found:
            container = found[0]
            extractor = "rules"
    if container is None:
        container = content_mod.best_container(blocks)
    title = _title(md, blocks, container, rules, root)
    body_content = content_mod.extract_content(blocks, container, title)
    if extractor == "density" and _furniture_misread(blocks, body_content):
        # Nearly all the page's prose sits under furniture-named wrappers (page builders
        # call every text box a "widget"): the names mislead, so judge without them.
        for b in blocks:
            b.boiler = False
        container = content_mod.best_container(blocks)
        title = _title(md, blocks, container, rules, root)
        body_content = content_mod.extract_content(blocks, container, title)
    paragraphs = body_content.paragraphs
    text_out = "\n\n".join(paragraphs)
    if not text_out:
        ld_body = ld_value(md, "articleBody")
        if ld_body and len(ld_body) > 100:
            text_out = ld_body
            extractor = "json-ld"

    fields = _visible_fields(
        blocks, body_content, title, url, tz, now, lang, lambda: _ref_year(md, tz, now)
    )
    published = _rule_date(rules, "published_at", root, tz, url, now)
    if published is None:
        published = _structured_date(md, ("datePublished", "dateCreated"), "published", tz, now)
    if published is None:
        published = _time_element(
            md, ("datepublished", "publish", "posted", "entry-date", "created"), tz, now
        )
    if published is None:
        published = fields["published"]
    if published is None and md.times:
        published = dates.parse_date(md.times[0][0], tz, now=now)
    if published is None:
        published = dates.parse_date(md.script_published(), tz, now=now)
    if published is None:
        published = dates.date_from_url(url, tz)
    updated = _rule_date(rules, "updated_at", root, tz, url, now)
    if updated is None:
        updated = _structured_date(md, ("dateModified",), "modified", tz, now)
    if updated is None:
        updated = _time_element(md, ("datemodified", "updated", "modified"), tz, now)
    if updated is None:
        updated = fields["updated"]
    published = _prefer_shown(published, fields["shown"])
    if published is None and updated is not None:
        # A page that shows only when it was last updated: the best date we have.
        published = updated
    if published is None:
        published = fields["month_date"]()

    editor = _unlabel(_rule_text(rules, "editor", root), zh_labels.find_editor) or fields["editor"]
    source = _unlabel(_rule_text(rules, "source", root), zh_labels.find_source) or fields["source"]
    if not source and md.ld_org_authors:
        source = md.ld_org_authors[0]
    if not source:
        source = fields["slot_source"]
    authors = _authors(rules, root, md, fields, lang, editor, source, blocks, body_content, linear)

    images: list[Image] = media.images(container, body_content.captions, base)
    if not images and md.get("og_image") and page_type_hint(md):
        og = urljoin(base, md.get("og_image") or "")
        if og.startswith("http"):
            images = [Image(url=og)]
    marker = body_content.related_marker
    if marker < 0:
        marker = _find_marker(blocks, body_content.last)
    related = listing.related_links(
        blocks, marker, base, allow_missing_url=extractor == "text-plain"
    )
    links, teaser_items = listing.outlinks(root, url, base, tz, now, linear.anchors, item_texts)

    canonical = _canonical(md, url, base)
    page_type = _page_type(rules, md, text_out, lang, teaser_items, len(links), url)
    section = _section(rules, root, blocks, md, title, linear.crumbs)

    try:
        norm_url = listing.fast_normalize(url)  # (normalize_url, with its fast paths)
    except ValueError:
        norm_url = url
    text_hash, text_simhash = fingerprints(text_out)
    article = Article(
        id=url_id(canonical),
        url=norm_url,
        canonical_url=canonical,
        site=host_of(canonical) or host_of(url) or None,
        lang=lang,
        page_type=page_type,
        title=title,
        section=section,
        published_at=published,
        updated_at=updated,
        authors=authors,
        editor=editor,
        source=source,
        text=text_out,
        headings=body_content.headings,
        images=images,
        related=related,
        outlinks=links,
        views=fields["views"],
        length=len(text_out),
        content_hash=text_hash,
        simhash=text_simhash,
        extractor=extractor,
        warnings=warnings,
        version=int(fetched_at.timestamp() * 1000) if fetched_at else 0,
        fetched_at=fetched_at,
    )
    if not text_out and page_type == "article":
        article.warnings.append("no_main_content")
    return ExtractResult(article)


def _furniture_misread(blocks: list[dom.Block], body: content_mod.Content) -> bool:
    """Little or no body found while the page has plenty of prose, all of it marked
    furniture."""
    found = sum(len(p) for p in body.paragraphs)
    if found >= 200:
        return False
    prose = boiler = 0
    for b in blocks:
        if content_mod.is_prose(b):
            n = len(b.text)
            prose += n
            if b.boiler:
                boiler += n
    return prose >= 1000 and boiler >= 0.8 * prose


def _default_zh_tz() -> str:
    try:
        from newswire.settings import get_settings

        return get_settings().default_timezone or _ZH_DEFAULT_TZ
    except Exception:  # settings come from the environment; a bad value must not break us
        return _ZH_DEFAULT_TZ


def page_type_hint(md: Metadata) -> bool:
    return (md.get("og_type") or "").lower() == "article" or md.ld is not None


def _lang(md: Metadata, blocks: list[dom.Block]) -> str | None:
    sample = "".join([b.text for b in blocks[:400]])[:5000]
    if md.lang:
        lang = md.lang.strip().replace("_", "-").split("-")[0].lower()
        if _LANG_CODE.fullmatch(lang):
            # Templates often keep lang="en" on Chinese pages: trust the script over it.
            if (
                lang != "zh"
                and len(_HAN.findall(sample)) > len(sample) * 0.2
                and not _KANA.search(sample)
            ):
                return "zh"
            return lang
    if not sample:
        return None
    han = len(_HAN.findall(sample))
    if _KANA.search(sample) and len(_KANA.findall(sample)) > len(sample) * 0.05:
        return "ja"
    if len(_HANGUL.findall(sample)) > len(sample) * 0.1:
        return "ko"
    if han > len(sample) * 0.1:
        return "zh"
    if len(_CYRILLIC.findall(sample)) > len(sample) * 0.2:
        return "ru"
    if len(_EN_WORDS.findall(sample)) > 10:
        return "en"
    return None


def _key(text: str | None) -> str:
    if not text:
        return ""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text)).lower()


def _has_key(text: str, key: str) -> bool:
    """``_key(text) == key``, without keying the whole of a long ASCII text (a paragraph)
    whose start already differs: in ASCII the key of a prefix is a prefix of the key."""
    if text.isascii() and len(text) > len(key) and not key.startswith(_key(text[: len(key)])):
        return False
    return _key(text) == key


def _strip_site_suffix(title: str, md: Metadata) -> str:
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p and p.strip()]
    if len(parts) <= 1:
        return title.strip()
    site = _key(md.get("site_name") or md.get("app_name"))
    kept = [p for p in parts if not site or _key(p) != site]
    if not kept:
        return title.strip()
    # The headline is the longest part (site names and sections are short).
    return max(kept, key=len).strip()


def _title(
    md: Metadata,
    blocks: list[dom.Block],
    container: Element | None,
    rules: ExtractionRules | None,
    root: Element,
) -> str | None:
    ruled = _rule_text(rules, "title", root)
    if ruled:
        return ruled
    return _tidy_title(_page_title(md, blocks, container))


def _tidy_title(title: str | None) -> str | None:
    """Undo a CMS's double escaping (``Tips &#038; Tricks``) and drop the site or
    section a template printed after a pipe into the headline itself."""
    if not title:
        return title
    if "&" in title and ";" in title:
        title = html.unescape(title)
    if " | " in title:
        parts = [p.strip() for p in _PIPE.split(title) if p.strip()]
        if parts:
            # The headline is the longest part (site names and sections are short).
            title = max(parts, key=len)
    return title


_PIPE = re.compile(r"\s+\|\s+")


def _page_title(md: Metadata, blocks: list[dom.Block], container: Element | None) -> str | None:
    refs = [
        r
        for r in (
            md.get("og_title"),
            ld_value(md, "headline"),
            md.get("twitter_title"),
            md.title_tag,
        )
        if r
    ]
    ref_keys = [_key(r) for r in refs]
    headings = [b for b in blocks if b.heading and 4 <= len(b.text) <= 200 and b.link_density < 0.9]
    first_prose: int | None = None
    for level in ((1,), (2, 3, 4, 5, 6)):
        if level[0] == 2:
            first_prose = _first_prose(blocks, container)
            lone = _lone_h1(headings, refs, first_prose)
            if lone is not None:
                return lone
        for b in headings:
            if b.heading not in level:
                continue
            k = _key(b.text)
            if len(k) < 4:
                continue
            for rk in ref_keys:
                if k == rk or (k in rk and len(k) >= 0.4 * len(rk)) or (len(rk) >= 8 and rk in k):
                    return b.text
    # Non-heading elements with a title-ish class (old CMS templates use <div class=title>).
    for b in blocks:
        cls = (b.el.get("class") or "") + " " + (b.el.get("id") or "")
        if "title" in cls.lower() and 4 <= len(b.text) <= 120 and b.link_density < 0.5:
            k = _key(b.text)
            if any(k == rk or (len(k) >= 6 and k in rk) for rk in ref_keys):
                return b.text
    shown = _similar_h1(headings, refs)
    if shown is not None:
        return shown
    for ref in refs[:3]:
        if ref != md.title_tag:
            return _strip_site_suffix(ref, md)
    # Generic <title> (site name only): the heading right before the body.
    if first_prose is not None:
        for b in reversed(blocks[max(0, first_prose - 15) : first_prose]):
            if (
                b.heading
                and 5 <= len(b.text) <= 100
                and b.link_density < 0.5
                and (md.title_tag is None or _key(b.text) != _key(md.title_tag))
            ):
                return b.text
    if md.title_tag:
        return _strip_site_suffix(md.title_tag, md)
    h1 = next((b.text for b in headings if b.heading == 1), None)
    return h1


def _first_prose(blocks: list[dom.Block], container: Element | None) -> int | None:
    """Where the body's prose starts: the first prose block in the container."""
    if container is None:
        return None
    return next(
        (b.index for b in blocks if content_mod.is_prose(b) and content_mod.inside(b, container)),
        None,
    )


_TITLE_STOPWORDS = frozenset(
    {"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from"}
    | {"is", "are", "what", "how", "why", "your", "you", "our", "my", "this", "that", "these"}
    | {"those", "it", "its", "be", "as", "vs"}
)


def _lone_h1(headings: list[dom.Block], refs: list[str], first_prose: int | None) -> str | None:
    """The page's one <h1> above the body when it is about what the metadata title is about.

    The SEO title (og:title, <title>) often words the story differently from the headline
    the reader sees ("Top 11 SEO Strategies for 2025" over "11 SEO Strategies for 2025 to
    Boost Rankings"), and a section heading in the body may repeat part of the SEO title:
    the shown headline is the one <h1> standing over the body, if it shares at least two
    content words with a metadata title. An <h1> further down is a pull quote or a widget.
    """
    if first_prose is None or not refs:
        return None
    h1s = [b for b in headings if b.heading == 1 and b.link_density < 0.5]
    if len(h1s) != 1 or h1s[0].index > first_prose + 3:
        return None
    words = _words(h1s[0].text) - _TITLE_STOPWORDS
    if len(words) < 2:
        return None
    if max(len(words & _words(r)) for r in refs) < 2:
        return None
    return h1s[0].text


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def _similar_h1(headings: list[dom.Block], refs: list[str]) -> str | None:
    """The page's one headline when it says much the same as the metadata's title.

    Editors often write a different SEO title (og:title, <title>) from the headline the
    reader sees ("Top 11 SEO Strategies for 2025" over "11 SEO Strategies for 2025 to
    Boost Rankings"): the shown headline is the article's title. A lone <h1> sharing most
    of its words with a metadata title is that headline; a logo or section <h1> shares
    few, and several <h1>s say nothing about which one is the headline.
    """
    h1s = [b for b in headings if b.heading == 1 and b.link_density < 0.5]
    if len(h1s) != 1 or not refs:
        return None
    text = h1s[0].text
    words = _words(text)
    if len(words) < 3:
        return None
    best = max(len(words & _words(r)) for r in refs)
    if best >= 3 and best >= 0.5 * len(words):
        return text
    return None


def _prefer_shown(published: datetime | None, shown: list[tuple[datetime, str]]) -> datetime | None:
    """The date the page shows by its headline, when the machine-readable one is not shown.

    Sites keep the first publication date in their metadata but print only the date of the
    last revision ("Updated Oct 8, 2025"): a reader takes the page to be of the printed
    date, and so do we — unless the page prints the metadata's date too (or a day off that
    a time zone explains).
    """
    if published is None or not shown:
        return published
    day = published.date()
    for dt, kind in shown:
        if kind != "url":
            continue
        # The URL's date is the day the site itself filed the story under, in its own
        # zone: a machine-readable time within a day of it is that day, shown in UTC
        # ("2025-12-19T02:41Z" for /2025/12/18/), and both outrank a date by the headline
        # (an update or a comment).
        gap = (dt.date() - day).days
        if gap == 0:
            return published
        if abs(gap) == 1:
            return _on_day(published, dt)
        if published.day <= 12 and (day.year, day.day, day.month) == (
            dt.year,
            dt.month,
            dt.day,
        ):
            # "03/10/2023" read month first under /2023/october/03/: the page meant day first.
            return published.replace(month=day.day, day=day.month)
    shown = [(dt, kind) for dt, kind in shown if kind != "url"]
    for dt, kind in shown:
        if kind == "labelled" and abs((dt.date() - day).days) > 1:
            return dt
    if not shown:
        return published
    for dt, kind in shown:
        if kind == "updated":
            continue
        if dates.could_be_same_day(published, dt.date()):
            return published
        if dt.day <= 12 and (dt.year, dt.day, dt.month) == (day.year, day.month, day.day):
            # "09.10.2024" read day first, printed month first: the same date.
            return published
    printed = [dt for dt, kind in shown if kind == "published"]
    if len({dt.date() for dt in printed}) > 2:
        # Many different dates by the headline: a list of stories or comments, no dateline.
        return published
    # The metadata's date printed only as the update ("Published Apr 26, 2023 · Updated
    # Aug 21, 2025" with datePublished = Aug 21): the printed publication date wins.
    return printed[0] if printed else published


def _on_day(moment: datetime, day: datetime) -> datetime:
    """``moment`` in the whole-hour UTC offset nearest zero that puts it on ``day``'s date
    (the same instant, as the site's clock showed it); ``day`` itself when none can."""
    utc = moment.astimezone(UTC)
    for hours in sorted(range(-12, 15), key=abs):
        local = utc.astimezone(timezone(timedelta(hours=hours)))
        if local.date() == day.date():
            return local
    return day


def _rule_text(rules: ExtractionRules | None, field: str, root: Element) -> str | None:
    if rules is None:
        return None
    for found in rules.select(field, root):
        text = found if isinstance(found, str) else text_of(found)
        text = dom.norm_ws(str(text))
        if text:
            return text
    return None


def _unlabel(text: str | None, find: Callable[[str], str | None]) -> str | None:
    """A selected element often holds its label too (``责任编辑:王婷婷``): keep the value."""
    if text is None:
        return None
    return find(text) or text


def _rule_date(
    rules: ExtractionRules | None, field: str, root: Element, tz: tzinfo, url: str, now: datetime
) -> datetime | None:
    if rules is None:
        return None
    for found in rules.select(field, root):
        if isinstance(found, str):
            raw = found
        else:
            raw = found.get("datetime") or found.get("content") or text_of(found)
        dt = dates.parse_date(raw, tz, url=url, now=now)
        if dt is not None:
            return dt
    return None


def _time_element(
    md: Metadata, kinds: tuple[str, ...], tz: tzinfo, now: datetime
) -> datetime | None:
    """The first <time datetime> whose class or itemprop names the wanted kind."""
    for stamp, kind in md.times:
        if kind.strip() and any(k in kind for k in kinds):
            dt = dates.parse_date(stamp, tz, now=now)
            if dt is not None:
                return dt
    return None


def _structured_date(
    md: Metadata, ld_keys: tuple[str, ...], meta_key: str, tz: tzinfo, now: datetime
) -> datetime | None:
    for key in ld_keys:
        dt = dates.parse_date(ld_value(md, key), tz, now=now)
        if dt is not None:
            return dt
    return dates.parse_date(md.get(meta_key), tz, now=now)


def _visible_fields(
    blocks: list[dom.Block],
    body: content_mod.Content,
    title: str | None,
    url: str,
    tz: tzinfo,
    now: datetime,
    lang: str | None,
    ref_year: Callable[[], int | None],
) -> dict:
    """Dates, credits and counts read from the short lines around the body."""
    title_key = _key(title)
    title_idx = -1
    if title_key:
        for b in blocks:
            if len(b.text) >= len(title_key) and _has_key(b.text, title_key):
                title_idx = b.index
                break
    first = body.first if body.first >= 0 else (title_idx + 1 if title_idx >= 0 else 0)
    last = body.last if body.last >= 0 else first
    start = title_idx if 0 <= title_idx < first else max(0, first - 25)
    head = [b for b in blocks[start:first] if len(b.text) <= 200]
    tail = blocks[last + 1 : last + 40]
    body_blocks = body.blocks
    out: dict = {
        "published": None,
        "updated": None,
        "authors": [],
        "editor": None,
        "source": None,
        "slot_source": None,
        "views": None,
        "shown": [],
    }
    date_line: str | None = None
    date_block = -1
    # Short lines the body filter left out between the first body paragraphs (a date or
    # byline under the headline), and a few lines above the headline ("Last updated:
    # Dec 12, 2025" printed over it).
    in_body = set(body_blocks)
    inner = [
        b
        for b in blocks[first : min(last + 1, first + 40)]
        if b not in in_body and len(b.text) <= 120
    ]
    above = [b for b in blocks[max(0, start - 6) : start] if len(b.text) <= 120]
    found_in: dict[int, list[tuple[datetime, str]]] = {}
    labelled: set[int] = set()

    def dates_in(b: dom.Block) -> list[tuple[datetime, str]]:
        """The dates a short line states, each with its kind (published/updated)."""
        got = found_in.get(b.index)
        if got is not None:
            return got
        got = found_in[b.index] = []
        text = b.text
        if len(text) > 200 or _DIGIT.search(text) is None:
            # (Every date candidate holds a digit; most lines have none.)
            return got
        for m in _DATE_CANDIDATE.finditer(text):
            dt = dates.parse_date(m.group(), tz, url=url, now=now, fuzzy=False)
            if dt is None and not m.group().startswith(("19", "20")):
                # Month-day without a year: take it from the page's machine-readable dates.
                dt = dates.parse_date(
                    m.group(), tz, url=url, now=now, fuzzy=False, ref_year=ref_year()
                )
            if dt is None:
                continue
            kind = zh_labels.date_label(text, m.start())
            if kind is None and m.start() < 3 and b.index > 0:
                # The label may sit in its own element just before ("Updated on:" | date).
                prev = blocks[b.index - 1].text
                if len(prev) <= 30:
                    kind = zh_labels.date_label(prev, len(prev))
            if kind is None and b in in_body and len(text) > 100 and not _dateline(text, m):
                # A date inside a body sentence ("taxes are due April 15, 2025") is what
                # the story is about, not when it was published.
                continue
            if kind is not None:
                labelled.add(b.index)
            got.append((dt, kind or "published"))
        return got

    for b in head + body_blocks[:3] + inner + tail[:15] + above:
        for dt, kind in dates_in(b):
            if kind == "updated":
                out["updated"] = out["updated"] or dt
            elif out["updated"] is not None and dt - out["updated"] > _DAY:
                # A story is not published after its last update: a later date further
                # on belongs to something else (a list of other stories).
                continue
            elif out["published"] is None:
                out["published"] = dt
                date_line = b.text
                date_block = b.index
        if out["published"] is not None and date_line is not None:
            break
    if out["published"] is not None and date_block not in labelled:
        first_found = _originally_published(blocks[first : last + 16], tz, now)
        if first_found is not None:
            out["published"], b = first_found
            date_line, date_block = b.text, b.index
            labelled.add(b.index)  # (the phrase is its label)
    if out["published"] is None and out["updated"] is None:
        _late_dates(blocks, first, last, in_body, tail[15:], dates_in, labelled, out)
    # Dates printed around the headline (not in the body or after it), for _prefer_shown.
    shown_blocks = head + inner + above
    for b in shown_blocks:
        out["shown"].extend(dates_in(b))
        if len(out["shown"]) >= 10:
            break
    if out["published"] is not None and any(b.text == date_line for b in body_blocks[:3]):
        # Printed in the first body lines: enough to confirm the machine-readable date,
        # though not to overrule a date by the headline.
        out["shown"].append((out["published"], "seen"))
    if date_block in labelled and out["published"] is not None:
        # "Published August 13, 2025" under the story: the page says so in words.
        out["shown"].append((out["published"], "labelled"))
    url_day = dates.date_from_url(url, tz)
    if url_day is not None:
        out["shown"].append((url_day, "url"))

    def month_date() -> datetime | None:
        """A labelled month and year by the story ("Last updated: June 2022"), for pages
        that give no fuller date anywhere (looked for only then)."""
        for b in head + inner + tail[:15] + above:
            if len(b.text) <= 200 and _DIGIT.search(b.text):
                dt = dates.labelled_month(b.text, tz)
                if dt is not None:
                    return dt
        return None

    out["month_date"] = month_date
    near = head + tail[:25]
    for b in near:
        text = b.text
        if len(text) > 160:
            continue
        if out["source"] is None:
            out["source"] = zh_labels.find_source(text)
        if out["views"] is None and b in head:
            out["views"] = zh_labels.find_views(text)
    for b in list(reversed(tail)) + list(reversed(body_blocks[-3:])) + head:
        if len(b.text) > 200:
            continue
        ed = zh_labels.find_editor(b.text)
        if ed:
            out["editor"] = ed
            break
    authors: list[str] = []
    scan = head + body_blocks[:3] + body_blocks[-4:] + tail[:10]
    for b in scan:
        text = b.text
        if len(text) > 300 and b not in body_blocks[-4:] and b not in body_blocks[:3]:
            continue
        # (Membership in the body read from the set: blocks compare by identity.)
        is_body = b in in_body
        found = zh_labels.find_paren_authors(text) if is_body else []
        if len(text) <= 120 or is_body:
            found = (
                found
                + zh_labels.find_authors(text[:120])
                + (zh_labels.find_authors(text[-60:]) if len(text) > 120 else [])
            )
        if not is_body and not found:
            found = zh_labels.find_paren_authors(text)
        for name in found:
            if name not in authors:
                authors.append(name)
    out["authors"] = authors
    if date_line and lang and lang.startswith("zh") and out["source"] is None:
        out["slot_source"] = _slot_source(date_line)
    return out


def _late_dates(
    blocks: list[dom.Block],
    first: int,
    last: int,
    in_body: set[dom.Block],
    tail: list[dom.Block],
    dates_in: Callable[[dom.Block], list[tuple[datetime, str]]],
    labelled: set[int],
    out: dict,
) -> None:
    """A page with no date by its headline may print one further down: a labelled line
    ("Published" | "Feb 2, 2023" under the body, "Updated March 13, 2024" in a byline box
    between sections), or a line holding nothing but one date among the body's blocks
    (a byline box below the story). Dates in listings and comments are neither."""
    spanned = [b for b in blocks[first + 40 : last + 1] if b not in in_body and len(b.text) <= 120]
    for b in spanned + tail:
        found = dates_in(b) if b.index in labelled or _DATE_CANDIDATE.search(b.text) else []
        if b.index not in labelled:
            continue
        for dt, kind in found:
            if kind == "updated":
                # Not after the body, though: "Site last updated" in the footer.
                if b.index <= last:
                    out["updated"] = out["updated"] or dt
            elif out["published"] is None:
                out["published"] = dt
        if out["published"] is not None:
            return
    if out["updated"] is not None:
        return
    bare: set[datetime] = set()
    for b in blocks[first : last + 1]:
        if b in in_body or len(b.text) > 40:
            continue
        m = _DATE_CANDIDATE.search(b.text)
        if m is None or len(m.group()) < len(b.text.strip()) - 2:
            continue
        bare.update(dt for dt, _ in dates_in(b))
        if len(bare) > 1:
            return
    if bare:
        out["published"] = bare.pop()


def _originally_published(
    blocks: list[dom.Block], tz: tzinfo, now: datetime
) -> tuple[datetime, dom.Block] | None:
    """The date of a line saying when the story first came out ("This article was
    originally published on 26 Sep 2019 but has been regularly updated"), with its block.

    It states the first publication in words, so it outranks a bare date stamp by the
    headline, which on such pages is the last revision. (Read even in a long line of the
    body: the phrase is the date's label, as "Published" is.)
    """
    for b in blocks:
        text = b.text
        # (A substring test first: the regex runs on almost no block.)
        if "riginally" not in text:
            continue
        m = _ORIGINALLY_PUBLISHED.search(text)
        if m is None:
            continue
        found = _DATE_CANDIDATE.search(text, m.end(), m.end() + 60)
        if found is not None and found.start() - m.end() <= 25:
            dt = dates.parse_date(found.group(), tz, now=now, fuzzy=False)
            if dt is not None:
                return dt, b
    return None


def _dateline(text: str, m: re.Match[str]) -> bool:
    """A date opening a paragraph, as a dateline does ("LONDON, March 12, 2025 — ...")."""
    if m.start() < 3:
        return True
    return m.start() <= 40 and bool(_DATELINE_END.match(text, m.end()))


_DATELINE_END = re.compile(r"\s*(?:[-–—:|]|\()")
_ORIGINALLY_PUBLISHED = re.compile(r"\boriginally\s+(?:published|posted)\b", re.I)
_DAY = timedelta(days=1)


_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_CANDIDATE = re.compile(
    r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d\d(?:[:：]\d\d)?)?"
    r"|(?<!\d)\d\d-\d\d-\d\d(?:\s+\d{1,2}:\d\d)?|(?<![\d-])\d{1,2}[-月]\d{1,2}日?\s*\d{1,2}:\d\d"
    # A month name may be glued to the byline before it ("By Jane DoeMar 5, 2025").
    rf"|(?:\b|(?<=[a-z])(?-i:(?=[A-Z]))){_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    r"(?:,?\s*(?:at\s*)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?)?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+(?:19|20)\d\d"
    # Day, month name and year in other languages ("4 de agosto de 2021", "04-ago-2021").
    r"|(?<![\w/.])\d{1,2}(?:\.|º|er)?(?:\s+de)?[\s./-]+"
    rf"(?:{dates.INTL_MONTH_RE})\.?(?:\s+de)?[\s./,-]+(?:19|20)\d\d(?!\d)"
    r"(?:,?\s*\d{1,2}[:.h]\d\d(?::\d\d)?)?"
    r"|(?<![\w/.])\d{1,2}([./])\d{1,2}\1(?:19|20)\d\d(?![\d/.])(?:,?\s*\d{1,2}:\d\d)?",
    re.I,
)


_DIGIT = re.compile(r"\d")


def _ref_year(md: Metadata, tz: tzinfo, now: datetime) -> int | None:
    """A year from any machine-readable date on the page, for dates shown without one."""
    for raw in (
        ld_value(md, "datePublished"),
        md.get("published"),
        ld_value(md, "dateModified"),
        md.get("modified"),
    ):
        dt = dates.parse_date(raw, tz, now=now)
        if dt is not None:
            return dt.year
    dt = dates.parse_date(md.script_published(), tz, now=now)
    return dt.year if dt is not None else None


_SLOT_STOP = re.compile(
    r"^(?:原创|转载|来源|作者|编辑|发布|时间|日期|浏览|阅读|评论|分享|收藏|字号|举报|\d)"
)


def _slot_source(line: str) -> str | None:
    """An outlet printed next to the date without a label (``2019年09月11日01:53 新浪科技``)."""
    rest = _DATE_CANDIDATE.sub(" ", line)
    for token in re.split(r"[\s|｜]+", rest):
        token = token.strip("[]【】()（）:：")
        token = re.sub(r"\[.*?\]|【.*?】", "", token)
        if 2 <= len(token) <= 12 and _HAN.match(token) and not _SLOT_STOP.match(token):
            if re.search(r"\d|次|条|人", token):
                continue
            return token
    return None


def _authors(
    rules: ExtractionRules | None,
    root: Element,
    md: Metadata,
    fields: dict,
    lang: str | None,
    editor: str | None,
    source: str | None,
    blocks: list[dom.Block],
    body: content_mod.Content,
    linear: dom.Linear,
) -> list[str]:
    ruled = _rule_text(rules, "authors", root)
    if ruled:
        labelled = zh_labels.find_authors(ruled)
        if labelled:
            return labelled
        return [a.strip() for a in re.split(r"[,，、;；]|\band\b", ruled) if a.strip()]
    zh = bool(lang and lang.startswith("zh"))
    candidates: list[str] = []
    structured = [_clean_byline(a) for a in md.ld_authors]
    for raw in (md.get("author"), md.get("twitter_author")):
        if raw and not raw.startswith("http"):
            structured.extend(_clean_byline(a) for a in re.split(r"\s*(?:,|;|\band\b|&)\s*", raw))
    structured = [a for a in structured if a and not _PLACEHOLDER.match(a)]
    site = {_key(md.get("site_name")), _key(source), _key(editor)} - {""}
    byline: list[str] | None = None

    def shown_byline() -> list[str]:
        nonlocal byline
        if byline is None:
            byline = _byline_authors(blocks, body, linear.iter_bylines(), linear.anchors)
        return byline

    def outlet(name: str) -> bool:
        # The outlet named as author ("USA TODAY") is no author; a personal site's name is
        # its writer's ("Jane Doe" as site name and author), when it reads as a person's.
        # So is a person's name JSON-LD types as an Organization (taken as the source)
        # when the page prints it as the byline.
        return _key(name) in site and not _personal(name)

    if zh:
        structured = [a for a in structured if _key(a) not in site]
        candidates = list(fields["authors"])
        if not candidates:
            candidates = [p for p in (zh_labels.clean_person(a) for a in structured) if p]
    else:
        structured = [a for a in structured if not outlet(a)]
        if structured and all(_HANDLE.match(a) for a in structured):
            # A login name ("jdoe42", "jane.doe") where the page prints the writer's name.
            candidates = shown_byline() or structured
        else:
            candidates = structured or shown_byline()
        if not candidates:
            candidates = list(fields["authors"])
    out: list[str] = []
    for a in candidates:
        k = _key(a)
        if not k or (zh and k in site) or outlet(a) or a in out or len(a) > 60:
            continue
        out.append(a)
    return out[:10]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Template variables left unrendered ("page.head.extra.author", "{{ author }}").
_PLACEHOLDER = re.compile(r"^(?:\w+\.){2,}\w+$|.*[{}]")
_HANDLE = re.compile(r"^[a-z0-9._-]+$|^\d+$")
# Words in names of outlets, firms and teams, never of a person.
_ORG_WORDS = _wordset(
    """news times post journal magazine media blog team staff editors editorial desk group
    daily weekly network insider today report review wire hub lab labs studio studios agency
    company inc llc ltd co corp club society institute university college school center
    centre foundation association council department office services solutions systems
    technologies digital online marketing health care insurance bank capital partners
    clinic hospital medical museum library church city county government
    consulting press publishing radio tv channel store shop security academy guide guides
    world global international national official community"""
)


def _personal(name: str) -> bool:
    """Reads as a person's name: two to four capitalised words, none an outlet's word."""
    words = name.split()
    if not 2 <= len(words) <= 4 or not _EN_NAME.match(name):
        return False
    return not any(w.lower().strip(".,") in _ORG_WORDS or w.isupper() for w in words)


def _clean_byline(text: str) -> str:
    text = dom.norm_ws(text)
    text = _BY_PREFIX.sub("", text)
    text = re.sub(r"\s*\|.*$", "", text)
    # "Jane Doe - Editorial Team": the name before a spaced dash.
    text = re.sub(r"\s+[-–—]\s+.*$", "", text)
    return text.strip(" ,;:")


_EN_NAME = re.compile(
    r"^[A-Z\u00c0-\u024f][\w'’.-]*(?:\s+(?:(?:de|da|del|van|von|der|la|le|bin|al)\s+)?"
    r"[A-Z\u00c0-\u024f][\w'’.-]*){0,3}$"
)
_NOT_NAME = re.compile(
    r"^(?:author|authors|by|staff|admin|editor|editorial|team|share|follow|more|view|posts?|"
    r"about|contact|written|updated|published|reviewed|the\s+author)\b",
    re.I,
)
# Calendar words and page furniture that byline elements hold instead of a name.
_NOT_NAME_WORDS = _wordset(
    """jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june
    july august september october november december mon tue wed thu fri sat sun monday
    tuesday wednesday thursday friday saturday sunday today yesterday login log sign
    subscribe learn more read guide guides home menu search bluesky twitter facebook
    linkedin instagram youtube tiktok threads mastodon email rss print comments comment
    reply profile bio"""
)
# Job titles run into the name ("Jane Doe Contributing Writer"): the name ends before.
_ROLE = re.compile(
    r"\s+(?:senior|junior|chief|contributing|associate|managing|deputy|executive|staff|"
    r"freelance|guest|lead|special|writer|editor|contributor|reporter|correspondent|"
    r"columnist|author|journalist|producer|analyst|published|updated|posted|reviewed|"
    r"edited|fact-checked|expert|reviewer|medically|originally|last\s+(?:updated|modified)|"
    r"on\s+behalf)\b.*$",
    re.I,
)


_BYLINE_DATE = re.compile(rf"\s+(?:(?:on|updated|published|posted)\s+)?(?:{_MONTHS}\s+\d|\d)", re.I)


def _unglue(text: str) -> str:
    """Undo the seams of text run together from separate elements ("ByJane DoeMar 5")."""
    text = _GLUED_BY.sub(r"\1 ", text)
    return _GLUED_WORD.sub(" ", text)


# Only before words a byline goes on with (a date, a role, an acronym) is a lower-case
# letter followed by a capital a seam: "FlowGuard" and "McCarthy" stay whole.
_GLUED_BY = re.compile(r"^((?:[Ww]ritten\s*)?[Bb]y)(?=[A-Z])")
_GLUED_WORD = re.compile(
    r"(?<=[a-z]{2})(?=(?:[A-Z]{2,4}\b|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d"
    r"|(?:Published|Updated|Posted|Last|Staff|Senior|Contributing|Writer|Editor|Expert|"
    r"Reviewed|Medically|Fact)\b))"
)


def split_names(text: str, *, single: bool = True) -> list[str]:
    """``By Jane Doe, John Roe and Ann Poe`` -> the names, when they look like names.

    ``single=False`` refuses one-word names (a byline element holding "Guide" or "Bluesky"
    rather than a writer); text introduced by "By" may always name one.
    """
    text = _unglue(dom.norm_ws(text))
    single = single or bool(_BY_PREFIX.match(text) or _BY_ANY.match(text))
    text = _clean_byline(text)
    text = _BY_ANY.sub("", text)
    # Dates before or after the names ("Dec. 19, 2025 · Jane Doe") separate, never name.
    text = _DATE_CANDIDATE.sub(",", text)
    text = _BYLINE_DATE.split(text, maxsplit=1)[0]
    parts = [
        p.strip(" ,;:|-–—")
        for p in re.split(r"\s*(?:,|;|\band\b|&|\||·|•)\s*", text)
        if p.strip(" ,;:|-–—")
    ]
    names: list[str] = []
    for part in parts:
        role = _ROLE.search(part)
        if role:
            part = part[: role.start()].strip(" ,;:-")
        # A name is its leading capitalised words ("Jane Doe on behalf of ...").
        words = part.split()
        while len(words) > 1 and words[-1].isupper() and 2 <= len(words[-1]) <= 4:
            words.pop()  # "Jane Doe AI" (before "Writer"), "Jane Doe MD"
        part = " ".join(words)
        if (
            not part
            or _NOT_NAME.match(part)
            or len(part) > 40
            or re.search(r"\d", part)
            or any(w.lower().strip(".") in _NOT_NAME_WORDS for w in words)
            or (len(words) == 1 and part.isupper())  # "ET", "CP": a zone or initials
        ):
            if names:
                break  # titles and dates after the names ("Jane Doe, Senior Editor")
            continue
        if (_EN_NAME.match(part) and (single or len(words) > 1)) or zh_labels.clean_person(part):
            names.append(part)
            if role:
                break  # what follows a job title is its employer ("Writer, Acme")
        elif names:
            break
    return names[:6]


_BY_ANY = re.compile(r"^(?:written|reviewed|posted|edited|article|story|words)?\s*by\s*:?\s*", re.I)


def _byline_authors(
    blocks: list[dom.Block],
    body: content_mod.Content,
    bylines: Iterable[Element],
    anchors: list[dom.Anchor] | None = None,
) -> list[str]:
    # Elements marked as bylines (class/itemprop/rel "author"), in page order.
    for el in bylines:
        text = dom.norm_ws(text_of(el))
        if not 2 <= len(text) <= 120:
            continue
        # Name and role in separate child elements run together in the text
        # ("Jane DoeSenior Writer"): the first piece alone, when it is a name.
        pieces = [p for p in (t.strip() for t in el.itertext()) if p]
        if len(pieces) > 1 and not _BY_PREFIX.match(text):
            names = split_names(pieces[0], single=False)
            if names:
                return names
        names = split_names(text, single=False)
        if names:
            return names
    # A link to the writer's page (/author/jane-doe, /staff/..., /contributors/...).
    for anchor in anchors or ():
        # (The text's length first: it rules out most links without reading the href.)
        if not 4 <= len(anchor.text.strip()) <= 60:
            continue
        if _AUTHOR_HREF.search(anchor.href or ""):
            names = split_names(anchor.text, single=False)
            if names:
                return names
    # "By Jane Doe" lines near the top of the body, or "Written by" over the name.
    first = body.first if body.first >= 0 else len(blocks)
    window = blocks[max(0, first - 30) : first + 10]
    for i, b in enumerate(window):
        if len(b.text) > 120:
            continue
        if _BY_LABEL.match(b.text) and i + 1 < len(window):
            names = split_names(window[i + 1].text)
            if names and len(window[i + 1].text) <= 60:
                return names
        if _BY_PREFIX.match(b.text) and (b.index < first + 3 or b not in body.blocks):
            names = split_names(b.text)
            if names:
                return names
        m = _LATE_BY.search(b.text)
        if m and _DATE_CANDIDATE.search(b.text, 0, m.start()):
            # "Posted on March 3, 2025 by Jane Doe": the name after the date.
            names = split_names(b.text[m.end() :])
            if names:
                return names
    # An author box under the article ("Written by Jane Doe", "About the author").
    last = body.last if body.last >= 0 else first
    after = blocks[last - 2 : last + 40] if last >= 2 else blocks[: last + 40]
    for i, b in enumerate(after):
        if len(b.text) > 80:
            continue
        if _BOX_LABEL.match(b.text) and i + 1 < len(after):
            names = split_names(after[i + 1].text, single=False)
            if names and len(after[i + 1].text) <= 60:
                return names
        if _WRITTEN_BY.match(b.text):
            names = split_names(b.text)
            if names:
                return names
    return []


_AUTHOR_HREF = re.compile(
    r"/(?:authors?|staff|writers?|contributors?|columnists?|reporters?|journalists?|people|"
    r"byline|profiles?)/[^/?#]+/?(?:$|[?#])",
    re.I,
)
_BY_LABEL = re.compile(r"^(?:written|posted|reported|words|article|story|text)?\s*by\s*:?$", re.I)
_LATE_BY = re.compile(r"\bby\s+(?=[A-Z])")
# Labels an author box carries, over the name or before it.
_BOX_LABEL = re.compile(
    r"^(?:(?:written|article|story|words|text)\s+by|about\s+the\s+author|the\s+author|"
    r"author)\s*:?$",
    re.I,
)
_WRITTEN_BY = re.compile(r"^(?:written|authored|article)\s+by\b", re.I)


def _find_marker(blocks: list[dom.Block], after: int) -> int:
    for b in blocks[max(0, after) : after + 60]:
        if content_mod.RELATED_MARKER.match(b.text):
            return b.index
    return -1


def _canonical(md: Metadata, url: str, base: str) -> str:
    try:
        own = listing.fast_normalize(url)  # (normalize_url, with its fast paths)
    except ValueError:
        return url
    for raw in (md.canonical, md.get("og_url")):
        if not raw:
            continue
        cand = listing.resolve(raw, base)
        if not cand:
            continue
        parts = urlsplit(cand)
        if listing.site_key(parts.hostname or "") != listing.site_key(urlsplit(own).hostname or ""):
            continue
        # A canonical pointing at the home page is a template bug, not this article.
        if parts.path in ("", "/") and urlsplit(own).path not in ("", "/"):
            continue
        return cand
    return own


def _page_type(
    rules: ExtractionRules | None,
    md: Metadata,
    text: str,
    lang: str | None,
    teaser_items: int,
    n_links: int,
    url: str,
) -> str:
    if rules is not None and rules.page_type:
        return rules.page_type
    cjk = bool(lang and lang in ("zh", "ja", "ko"))
    long_enough = len(text) >= (150 if cjk else 500)
    if long_enough and teaser_items < 15:
        return "article"
    if page_type_hint(md) and len(text) >= (60 if cjk else 200):
        return "article"
    if teaser_items >= 5:
        return "list"
    if long_enough:
        return "article"
    if n_links >= 20:
        return "list"
    return "other"


def _section(
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
        if len(text) > 200 or not (_CRUMB_SPLIT.search(text) or _CRUMB_TEXT.match(text)):
            continue
        labels = _CRUMB_SPLIT.split(text)
        cleaned = _clean_crumbs(labels, title)
        if cleaned:
            return cleaned
    if md.ld_breadcrumbs:
        return _clean_crumbs(md.ld_breadcrumbs, title)
    if md.get("section"):
        return _clean_crumbs([md.get("section") or ""], title)
    return []


def _clean_crumbs(labels: list[str], title: str | None) -> list[str]:
    out = []
    tk = _key(title)
    for label in labels:
        label = re.sub(r"^(?:当前|您的|你的|所在)?位置\s*[:：]\s*", "", dom.norm_ws(label)).strip()
        if not label or label.lower() in _HOME_LABELS or len(label) > 40:
            continue
        if tk and _key(label) == tk:
            continue
        if label not in out:
            out.append(label)
    return out[:8]
