"""How newswire sees one page (``newswire try``): page type and why, every field with its
evidence, and the links it would follow with the site rule that accepts each. No I/O here:
the page comes from :mod:`newswire.fetcher.fetch_once` or from a file.

The page goes through exactly what the parser does with it: the site's ``extract:`` rules and
time zone (:class:`~newswire.parser.page_processor.ParserContext`), :func:`extract`, and
:func:`newswire.parser.discovery.from_article` for the links.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newswire.parser import discovery
from newswire.parser.extract import ExtractionRules, extract
from newswire.parser.page_processor import ParserContext
from newswire.records import Article, RawPage
from newswire.settings import Settings
from newswire.sites import Site, SiteRegistry
from newswire.urls import url_id

#: Fields shown, in order; each with the Article attribute it reads.
SHOWN_FIELDS: tuple[str, ...] = (
    "title",
    "published_at",
    "updated_at",
    "authors",
    "editor",
    "source",
    "section",
    "views",
    "lang",
    "canonical_url",
    "text",
    "headings",
    "images",
    "related",
)
TEXT_PREVIEW = 160
#: Evidence of the fields the pipeline does not choose between sources for.
FIXED_EVIDENCE = {
    "lang": "structured data: <html lang>, checked against the script of the text",
    "canonical_url": "structured data: <link rel=canonical> or og:url, else the URL itself",
    "headings": "heuristic: subheadings inside the body",
    "images": "heuristic: images inside the body, with their captions",
    "related": "labelled text: the related-stories block after the body",
}


@dataclass(frozen=True)
class ShownField:
    name: str
    #: The value as text; None when the page has none.
    value: str | None
    evidence: str | None


@dataclass(frozen=True)
class FollowedLink:
    url: str
    #: ``page`` (an article) or ``list``.
    kind: str
    #: ``"<site>: article_patterns: <regex>"`` and the like.
    rule: str


@dataclass
class PageView:
    url: str
    site: str | None
    rules: ExtractionRules | None
    error: str | None = None
    page_type: str | None = None
    page_type_why: str | None = None
    fields: list[ShownField] = field(default_factory=list)
    follows: list[FollowedLink] = field(default_factory=list)
    #: Links on the page (outlinks and related stories) that are not followed.
    not_followed: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "site": self.site,
            "error": self.error,
            "page_type": self.page_type,
            "page_type_why": self.page_type_why,
            "fields": {f.name: {"value": f.value, "evidence": f.evidence} for f in self.fields},
            "follows": [{"url": f.url, "kind": f.kind, "rule": f.rule} for f in self.follows],
            "not_followed": self.not_followed,
            "warnings": self.warnings,
        }


def _shown(article: Article, name: str) -> str | None:
    value = getattr(article, name)
    if name == "text":
        if not value:
            return None
        preview = value[:TEXT_PREVIEW].replace("\n", " ")
        return f"{len(value)} chars: {preview}" + ("..." if len(value) > TEXT_PREVIEW else "")
    if name in ("images", "related"):
        return f"{len(value)}" if value else None
    if isinstance(value, list):
        return " | ".join(value) if value else None
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None or value == "" else str(value)


def accepting_rule(registry: SiteRegistry, url: str) -> str:
    """The site rule that makes the parser follow ``url`` (for a URL it does follow)."""
    site: Site | None = registry.for_url(url)
    if site is None:
        return "no site"
    match = site.matching_rule(url)
    if match is None:
        return f"{site.name}: no article_patterns or list_patterns (every link is followed)"
    return f"{site.name}: {match[1]}"


def view_page(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None,
    settings: Settings,
    registry: SiteRegistry,
    *,
    site_name: str | None = None,
    fetched_at: datetime | None = None,
) -> PageView:
    """Extract and discover one page as the parser would (``site_name``: use that site's rules)."""
    site: Site | None = registry.get(site_name) if site_name else registry.for_url(url)
    rules = ParserContext.rules_of(site) if site is not None else None
    view = PageView(url=url, site=site.name if site else None, rules=rules)
    # The site's article_patterns count as the parser counts them, so the page type shown is
    # the one the parser will decide.
    url_is_article = site is not None and site.classify(url) == "article"
    result = extract(
        body, url, headers, rules, fetched_at=fetched_at, url_is_article=url_is_article
    )
    article = result.article
    if article is None:
        view.error = result.error
        return view
    evidence = result.evidence
    view.page_type = article.page_type
    view.page_type_why = evidence.get("page_type")
    view.warnings = list(article.warnings)
    view.fields = [
        ShownField(
            name,
            value,
            evidence.get(name) or FIXED_EVIDENCE.get(name) if value is not None else None,
        )
        for name in SHOWN_FIELDS
        for value in [_shown(article, name)]
    ]
    page = RawPage(
        url_id=url_id(url),
        requested_url=url,
        final_url=url,
        status=200,
        headers=dict(headers or {}),
        body=b"",
        site=view.site,
        kind="list" if article.page_type == "list" else "page",
    )
    requests = discovery.from_article(
        article,
        page,
        registry,
        follow_offsite=settings.follow_offsite_links,
        max_depth=settings.crawl_max_depth,
    )
    view.follows = [FollowedLink(r.url, r.kind, accepting_rule(registry, r.url)) for r in requests]
    links = {link.url for link in article.outlinks} | {link.url for link in article.related}
    view.not_followed = max(len(links) - len(view.follows), 0)
    return view


def render_view(view: PageView) -> str:
    """The plain-text report ``newswire try`` prints."""
    lines = [f"url        {view.url}"]
    site = view.site or "(no configured site: generic extraction, no links followed)"
    rules = (
        ", ".join(k for k, v in view.rules.model_dump(exclude_defaults=True).items() if v)
        if view.rules
        else ""
    )
    lines.append(f"site       {site}" + (f"  (extract rules: {rules})" if rules else ""))
    if view.error:
        lines.append(f"error      {view.error}")
        return "\n".join(lines)
    lines.append(f"page type  {view.page_type}: {view.page_type_why}")
    if view.warnings:
        lines.append(f"warnings   {', '.join(view.warnings)}")
    lines.append("")
    lines.append("fields (value  <-  evidence)")
    width = max(len(f.name) for f in view.fields)
    for shown in view.fields:
        if shown.value is None:
            lines.append(f"  {shown.name:<{width}}  -")
        else:
            evidence = f"  <-  {shown.evidence}" if shown.evidence else ""
            lines.append(f"  {shown.name:<{width}}  {shown.value}{evidence}")
    lines.append("")
    lines.append(
        f"links followed: {len(view.follows)} ({view.not_followed} other links not followed)"
    )
    for link in view.follows:
        lines.append(f"  {link.kind:<4}  {link.url}  <-  {link.rule}")
    return "\n".join(lines)
