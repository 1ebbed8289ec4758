"""Which evidence each extracted field came from, for people writing a site's rules.

``newswire try`` shows, next to every field, one of four kinds of evidence, in the order the
pipeline trusts them: the site's own ``extract:`` rule, structured data (JSON-LD, OpenGraph,
meta tags, ``<time datetime>``), labelled text the page shows (``责任编辑：``, ``来源：``, a
byline, a date beside the headline), or a generic heuristic (the densest text block, a date in
the URL). A value reads ``"<kind>: <detail>"``.

The pipeline records the kind where it chooses between sources itself (dates, editor, source,
body); for the fields whose readers have their own modules (title, authors, section) the kind
is recognised afterwards from the chosen value, so those modules stay as they are. All of it is
a few comparisons per page, so it is always on (:attr:`ExtractResult.evidence`), and it never
travels on the Kafka :class:`~newswire.records.Article`.
"""

from __future__ import annotations

from typing import Any

from newswire.parser.extract.metadata import Metadata, ld_value
from newswire.parser.extract.rules import ExtractionRules, rule_text
from newswire.parser.extract.titles import match_key

SITE_RULE = "site rule"
STRUCTURED = "structured data"
LABELLED = "labelled text"
HEURISTIC = "heuristic"

#: How the body was found, by the article's ``extractor``.
BODY_BY_EXTRACTOR = {
    "rules": f"{SITE_RULE}: content selector",
    "json-ld": f"{STRUCTURED}: JSON-LD articleBody",
    "density": f"{HEURISTIC}: the densest block of prose",
    "text-plain": f"{HEURISTIC}: a text/plain page read as paragraphs",
}


def note(evidence: dict[str, str], field: str, value: Any, kind: str) -> None:
    """Record ``kind`` for ``field`` when this step found a value and no earlier step did."""
    if value is not None and value != [] and field not in evidence:
        evidence[field] = kind


def _rule_matches(rules: ExtractionRules | None, field: str, root: Any, value: str) -> bool:
    if rules is None or getattr(rules, field, None) is None:
        return False
    found = rule_text(rules, field, root)
    return bool(found) and match_key(value) in match_key(found)


def title_evidence(title: str, rules: ExtractionRules | None, root: Any, md: Metadata) -> str:
    if _rule_matches(rules, "title", root, title):
        return f"{SITE_RULE}: title selector"
    key = match_key(title)
    for name, value in (
        ("og:title", md.get("og_title")),
        ("JSON-LD headline", ld_value(md, "headline")),
    ):
        if value and match_key(value) == key:
            return f"{STRUCTURED}: {name}"
    return f"{HEURISTIC}: the shown headline and <title>"


def authors_evidence(
    authors: list[str], rules: ExtractionRules | None, root: Any, md: Metadata
) -> str:
    if _rule_matches(rules, "authors", root, authors[0]):
        return f"{SITE_RULE}: authors selector"
    structured = {match_key(a) for a in md.ld_authors}
    if md.get("author"):
        structured.add(match_key(md.get("author")))
    if any(match_key(a) in structured for a in authors):
        return f"{STRUCTURED}: JSON-LD author / author meta"
    return f"{LABELLED}: a byline on the page"


def section_evidence(
    section: list[str], rules: ExtractionRules | None, root: Any, md: Metadata
) -> str:
    if rules is not None and rules.section and rules.select("section", root):
        return f"{SITE_RULE}: section selector"
    keys = {match_key(md.get("section"))} | {match_key(c) for c in md.ld_breadcrumbs}
    if any(match_key(s) in keys for s in section):
        return f"{STRUCTURED}: article:section / JSON-LD breadcrumbs"
    return f"{HEURISTIC}: the page's breadcrumb trail"
