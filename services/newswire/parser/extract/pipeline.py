"""The extraction pipeline: bytes -> decoded text -> tree -> fields -> :class:`Article`.

Stages, in order: decode (charset; a UTF-8 page's bytes go to the parser undecoded, which
checks them), parse (bounded tree), metadata (JSON-LD, OpenGraph,
meta), clean, blocks, site rules, content (body, headings, captions), fields read from
what the page shows (title, section, dates, credits, views), images, related stories,
outlinks, page type, fingerprints. Each field prefers the most reliable evidence:
selectors from site rules, then structured data, then labelled visible text, then
generic heuristics — except where structured data is known to mislead (an organisation
as JSON-LD author is the source, not an author).

This module keeps the order of the stages and the glue between them; each field's reading
has its own module: :mod:`titles`, :mod:`sections`, :mod:`date_choice`, :mod:`bylines` and
:mod:`visible_fields` (the lines around the body, read once for dates, credits and views);
:mod:`page_type` decides what the page is and refuses junk text (``not_an_article``).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newswire.parser.extract import content as content_mod
from newswire.parser.extract import (
    date_choice,
    dates,
    dom,
    listing,
    media,
    page_type,
    text_plain,
    zh_labels,
)
from newswire.parser.extract import evidence as ev
from newswire.parser.extract import version as versioning
from newswire.parser.extract.bylines import find_authors
from newswire.parser.extract.decode import (
    BinaryContent,
    content_type,
    decode_body,
    opens_as_html,
    utf8_as_is,
)
from newswire.parser.extract.dom import Element
from newswire.parser.extract.fingerprint import fingerprints
from newswire.parser.extract.metadata import Metadata, ld_value, read_metadata
from newswire.parser.extract.rules import ExtractionRules, compile_selector, rule_text
from newswire.parser.extract.sections import find_section
from newswire.parser.extract.titles import find_title
from newswire.parser.extract.visible_fields import read_visible_fields
from newswire.records import Article, Image
from newswire.urls import host_of, url_id

# Bodies beyond this are cut before decoding (a news page is well under 2 MB).
MAX_BODY_BYTES = 4 * 1024 * 1024
_ZH_DEFAULT_TZ = "Asia/Shanghai"

_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_EN_WORDS = re.compile(r"\b(?:the|and|of|to|in|is|that|for|with)\b", re.I)
_LANG_CODE = re.compile(r"[a-z]{2,3}")
# Charset names' first parts, which read like a language code ("utf-8", "gb2312").
_NOT_LANGUAGES = frozenset({"utf", "gb", "gbk", "big", "iso", "win", "cp", "asc", "euc", "ucs"})


@dataclass
class ExtractResult:
    """What :func:`extract` returns: an article, or an error label with detail."""

    article: Article | None
    error: str | None = None
    #: Which evidence each field came from (``"site rule: ..."``, ``"structured data: ..."``,
    #: ``"labelled text: ..."``, ``"heuristic: ..."``), and why the page type was chosen;
    #: see :mod:`newswire.parser.extract.evidence`. For ``newswire try``; not sent on Kafka.
    evidence: dict[str, str] = field(default_factory=dict)

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
    url_is_article: bool = False,
) -> ExtractResult:
    """Extract an article from raw page bytes; never raises.

    ``url_is_article``: the site's ``article_patterns`` match the URL, so a page with a
    headline and body text is an article however short it is (see :mod:`page_type`).
    """
    # The cyclic garbage collector is paused for the page: extraction makes a few hundred
    # thousand objects that live until the page is done, and no reference cycles (the
    # block walk breaks its own), so collections in between only re-scan live objects
    # (about 3% of the time). Whatever it postpones is collected after the page.
    pause_gc = gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        return _extract(body, url, headers, rules, fetched_at, url_is_article)
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
    url_is_article: bool = False,
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
    extractor = "density"
    ctype = (content_type(headers) or "").lower()
    # An HTML document served as text/plain (a misconfigured server) is still HTML.
    plain = ctype.startswith("text/plain") and not opens_as_html(body)
    page = None
    decoded = None
    if ctype and not plain:
        # Most pages are UTF-8: their bytes go to the parser as they are, which checks
        # them as it reads, and the page is decoded only when they turn out not to be.
        decoded = utf8_as_is(body, headers)
        page = dom.parse_utf8(decoded.utf8) if decoded and decoded.utf8 else None
    if page is None:
        try:
            decoded = decode_body(body, headers)
        except BinaryContent as exc:
            return _error("binary_content", str(exc))
        text = decoded.text
        utf8 = decoded.utf8
        if plain or (not ctype and text_plain.looks_plain(text)):
            text = text_plain.to_html(text)
            utf8 = None
            extractor = "text-plain"
        page = dom.parse_html(text, utf8)
        if page is None:
            return _error("empty_body", "no parsable document")
    assert decoded is not None  # (set on either path)
    warnings.extend(decoded.warnings)
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
    title = find_title(md, blocks, container, rules, root, url)
    # Subheadings bold by a stylesheet class are a Chinese CMS idiom; elsewhere CSS
    # frameworks' bold classes (.font-bold, .fw-bold) mark form labels, menus and cards.
    bold_classes = md.bold_classes if lang and lang.startswith("zh") else None
    # The readers' comments, told by their links whatever the markup calls them.
    comments = content_mod.comment_items(linear.anchors)
    body_content = content_mod.extract_content(
        blocks, container, title, bold_classes=bold_classes, comments=comments
    )
    if extractor == "density" and _furniture_misread(blocks, body_content):
        # Nearly all the page's prose sits under furniture-named wrappers (page builders
        # call every text box a "widget"): the names mislead, so judge without them.
        for b in blocks:
            b.boiler = False
        container = content_mod.best_container(blocks)
        title = find_title(md, blocks, container, rules, root, url)
        body_content = content_mod.extract_content(
            blocks, container, title, bold_classes=bold_classes, comments=comments
        )
    paragraphs = body_content.paragraphs
    text_out = "\n\n".join(paragraphs)
    if not text_out:
        ld_body = ld_value(md, "articleBody")
        if ld_body and len(ld_body) > 100:
            text_out = ld_body
            extractor = "json-ld"
    junk = page_type.junk_reason(text_out)
    if junk:
        return _error("not_an_article", junk)

    fields = read_visible_fields(
        blocks,
        body_content,
        title,
        url,
        tz,
        now,
        lang,
        lambda: date_choice.ref_year(md, tz, now),
        day_first=lang == "en" and dates.day_first_site(md.lang, url),
    )
    evidence: dict[str, str] = {}
    published = date_choice.rule_date(rules, "published_at", root, tz, url, now)
    ev.note(evidence, "published_at", published, f"{ev.SITE_RULE}: published_at selector")
    if published is None:
        published = date_choice.structured_date(
            md, ("datePublished", "dateCreated"), "published", tz, now
        )
        ev.note(evidence, "published_at", published, f"{ev.STRUCTURED}: JSON-LD/meta published")
    if published is None:
        published = date_choice.time_element(
            md, ("datepublished", "publish", "posted", "entry-date", "created"), tz, now
        )
        ev.note(evidence, "published_at", published, f"{ev.STRUCTURED}: <time> element")
    if published is None and b"datePublished" in body:
        # (The bytes are searched first: a substring test costs a tenth of the query.)
        published = date_choice.microdata_date(root, "datePublished", tz, now)
        ev.note(evidence, "published_at", published, f"{ev.STRUCTURED}: microdata datePublished")
    if published is None:
        published = date_choice.beside_modified(md, tz, now)
    if published is None:
        published = fields["published"]
        ev.note(evidence, "published_at", published, f"{ev.LABELLED}: a date by the headline")
        if published is not None and fields["edge_date"]:
            # An unlabelled date only over the headline or below the story is the site
            # header's today or a comment's time; a date the page keeps in a script, a time
            # relative to the visit by the headline, or the URL's day is the story's, when
            # it is another day.
            found = date_choice.fallback_date(
                md.script_published(), fields["relative"], url, tz, now
            )
            if found is not None and date_choice.overrules_edge_date(published, found[0]):
                # Nor may the header's date come back as the date the page shows (any
                # published date shown by the headline would have been read before an edge's).
                fields["shown"] = [s for s in fields["shown"] if s[1] != "published"]
                published, why = found
                evidence["published_at"] = f"{ev.HEURISTIC}: {why}, not a date at the page's edge"
    if published is None and md.times:
        published = dates.parse_date(md.times[0][0], tz, now=now)
        ev.note(evidence, "published_at", published, f"{ev.STRUCTURED}: <time> element")
    if published is None:
        found = date_choice.fallback_date(md.script_published(), fields["relative"], url, tz, now)
        if found is not None:
            published, why = found
            ev.note(evidence, "published_at", published, f"{ev.HEURISTIC}: {why}")
    updated = date_choice.rule_date(rules, "updated_at", root, tz, url, now)
    ev.note(evidence, "updated_at", updated, f"{ev.SITE_RULE}: updated_at selector")
    if updated is None:
        updated = date_choice.structured_date(md, ("dateModified",), "modified", tz, now)
        ev.note(evidence, "updated_at", updated, f"{ev.STRUCTURED}: JSON-LD/meta modified")
    if updated is None:
        updated = date_choice.time_element(md, ("datemodified", "updated", "modified"), tz, now)
        ev.note(evidence, "updated_at", updated, f"{ev.STRUCTURED}: <time> element")
    if updated is None:
        updated = fields["updated"]
        ev.note(evidence, "updated_at", updated, f"{ev.LABELLED}: an updated time shown")
    chosen = published
    published = date_choice.prefer_shown(published, fields["shown"])
    if published is not None and published != chosen:
        evidence["published_at"] = f"{ev.LABELLED}: the date the page shows"
    if published is None and updated is not None:
        # A page that shows only when it was last updated: the best date we have.
        published = updated
        evidence["published_at"] = evidence.get("updated_at", ev.HEURISTIC) + " (updated time)"
    if published is None:
        published = fields["month_date"]()
        ev.note(evidence, "published_at", published, f"{ev.HEURISTIC}: a month and day shown")

    editor = _unlabel(rule_text(rules, "editor", root), zh_labels.find_editor)
    ev.note(evidence, "editor", editor, f"{ev.SITE_RULE}: editor selector")
    editor = editor or fields["editor"]
    ev.note(evidence, "editor", editor, f"{ev.LABELLED}: an editor label")
    source = _unlabel(rule_text(rules, "source", root), zh_labels.find_source)
    ev.note(evidence, "source", source, f"{ev.SITE_RULE}: source selector")
    source = source or fields["source"]
    ev.note(evidence, "source", source or None, f"{ev.LABELLED}: a source label")
    if not source and md.ld_org_authors:
        source = md.ld_org_authors[0]
        ev.note(evidence, "source", source, f"{ev.STRUCTURED}: JSON-LD organisation author")
    if not source:
        source = fields["slot_source"]
        ev.note(evidence, "source", source, f"{ev.HEURISTIC}: an outlet beside the date")
    authors = find_authors(
        rules, root, md, fields, lang, editor, source, blocks, body_content, linear
    )

    images: list[Image] = media.images(container, body_content.captions, base)
    if not images and md.get("og_image") and page_type_hint(md):
        og = urljoin(base, md.get("og_image") or "")
        if og.startswith("http"):
            images = [Image(url=og)]
    marker = body_content.related_marker
    if marker < 0:
        marker = _find_marker(blocks, body_content.last)
    related = listing.related_links(blocks, marker, base)
    links, teaser_items = listing.outlinks(root, url, base, tz, now, linear.anchors, item_texts)
    if extractor == "text-plain":
        # Text has no addresses: the photos and the story list keep their words only.
        images = text_plain.images(body_content.captions)
        related = text_plain.related_links(root)
        links = text_plain.story_links(root, tz, now)

    canonical = _canonical(md, url, base)
    layout = page_type.read_layout(blocks, body_content, title)
    kind, evidence["page_type"] = page_type.decide(
        page_type.PageEvidence(
            text=text_out,
            lang=lang,
            title=title,
            headline_shown=layout.headline_shown,
            dated=published is not None,
            article_metadata=page_type_hint(md),
            teaser_items=teaser_items,
            links=len(links),
            teaser_chars_in_body=layout.teaser_chars_in_body,
            headline_above_body=layout.headline_above_body,
            container_has_teasers=layout.container_has_teasers,
            body_groups=layout.body_groups,
            body_items=layout.body_items,
            body_blocks=layout.body_blocks,
            body_headings=layout.body_headings,
            declared_collection=page_type.declares_collection(md.ld_types),
            site_says_article=url_is_article,
            forced=rules.page_type if rules is not None else None,
        )
    )
    section = find_section(rules, root, blocks, md, title, linear.crumbs)

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
        page_type=kind,
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
        extractor_version=versioning.EXTRACTOR_VERSION,
        warnings=warnings,
        version=versioning.article_version(fetched_at, versioning.EXTRACTOR_VERSION),
        fetched_at=fetched_at,
    )
    if not text_out and kind == "article":
        article.warnings.append("no_main_content")
    if text_out:
        evidence["text"] = ev.BODY_BY_EXTRACTOR.get(extractor, ev.HEURISTIC)
    if title:
        evidence["title"] = ev.title_evidence(title, rules, root, md)
    if authors:
        evidence["authors"] = ev.authors_evidence(authors, rules, root, md)
    if section:
        evidence["section"] = ev.section_evidence(section, rules, root, md)
    if fields["views"] is not None:
        evidence["views"] = f"{ev.LABELLED}: a view count label"
    return ExtractResult(article, evidence=evidence)


def _furniture_misread(blocks: list[dom.Block], body: content_mod.Content) -> bool:
    """Little or no body found while the page has plenty of prose, nearly all of it marked
    furniture; or a body of a paragraph or two beside several times as much prose in
    wrappers named "widget" (a page builder's box around each paragraph: a comment list
    or a footer beside a short story is not misread so)."""
    found = sum(len(p) for p in body.paragraphs)
    if found >= 200 and len(body.paragraphs) > 2:
        return False  # (the usual case: a body of several paragraphs)
    prose = boiler = in_widgets = 0
    for b in blocks:
        if content_mod.is_prose(b):
            n = len(b.text)
            prose += n
            if b.boiler:
                boiler += n
                if any("widget" in dom.attr_words(el).lower() for el in b.suspects):
                    in_widgets += n
    if found < 200:
        return prose >= 1000 and boiler >= 0.8 * prose
    return in_widgets >= 1500 and found < 0.25 * in_widgets


def _default_zh_tz() -> str:
    try:
        from newswire.settings import get_settings

        return get_settings().default_timezone or _ZH_DEFAULT_TZ
    except Exception:  # settings come from the environment; a bad value must not break us
        return _ZH_DEFAULT_TZ


def page_type_hint(md: Metadata) -> bool:
    return (md.get("og_type") or "").lower() == "article" or md.ld is not None


def _lang(md: Metadata, blocks: list[dom.Block]) -> str | None:
    sample = _text_sample(blocks)
    if md.lang:
        lang = md.lang.strip().replace("_", "-").split("-")[0].lower()
        # (Templates put the charset where the language goes: Content-Language "utf-8".)
        if _LANG_CODE.fullmatch(lang) and lang not in _NOT_LANGUAGES:
            # Templates often keep lang="en" on Chinese pages: trust the script over it.
            if (
                lang != "zh"
                and len(zh_labels.HAN.findall(sample)) > len(sample) * 0.2
                and not _KANA.search(sample)
            ):
                return "zh"
            return lang
    if not sample:
        return None
    han = len(zh_labels.HAN.findall(sample))
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


def _text_sample(blocks: list[dom.Block], limit: int = 5000) -> str:
    """The first ``limit`` characters of the first 400 blocks' text (the blocks past
    the limit are not joined only to be cut off)."""
    texts = []
    total = 0
    for b in blocks[:400]:
        texts.append(b.text)
        total += len(b.text)
        if total >= limit:
            break
    return "".join(texts)[:limit]


def _unlabel(text: str | None, find: Callable[[str], str | None]) -> str | None:
    """A selected element often holds its label too (``责任编辑:王婷婷``): keep the value."""
    if text is None:
        return None
    return find(text) or text


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
