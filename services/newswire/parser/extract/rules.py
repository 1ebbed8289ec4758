"""Per-site extraction rules: selector overrides and the site's time zone.

The fetcher's ``seeds/sites.yaml`` embeds these under a site's ``extract:`` key::

    extract:
      timezone: Asia/Shanghai
      title: "h1.article-title"
      content: "div#main-content"
      remove: [".ad", "//div[@class='share']"]
      published_at: "span.pubtime"

A selector is CSS unless it starts with ``/`` or ``(`` (XPath). Each is compiled when the
rules are loaded, so a typo fails at startup with the field name, not on every page.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, field_validator

from newswire.parser.extract.dom import Element, norm_ws, text_of

_SELECTOR_FIELDS = (
    "title",
    "content",
    "published_at",
    "updated_at",
    "authors",
    "editor",
    "source",
    "section",
)


def is_xpath(selector: str) -> bool:
    return selector.lstrip().startswith(("/", "(", "./"))


@lru_cache(maxsize=512)
def compile_selector(selector: str) -> etree.XPath:
    """An XPath object for a CSS or XPath selector; raises ValueError when invalid."""
    selector = selector.strip()
    if not selector:
        raise ValueError("empty selector")
    if is_xpath(selector):
        try:
            return etree.XPath(selector)
        except etree.XPathSyntaxError as exc:
            raise ValueError(f"invalid XPath {selector!r}: {exc}") from exc
    try:
        from lxml.cssselect import CSSSelector
    except ImportError as exc:  # pragma: no cover - cssselect is a dependency
        raise ValueError("CSS selectors need the cssselect package") from exc
    try:
        return CSSSelector(selector, translator="html")
    except Exception as exc:  # cssselect raises its own SelectorSyntaxError family
        raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from exc


class ExtractionRules(BaseModel):
    """Optional per-site overrides; every field may be left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: IANA zone for times the site shows without an offset.
    timezone: str | None = None
    title: str | None = None
    #: The element holding the article body (replaces the density algorithm).
    content: str | None = None
    published_at: str | None = None
    updated_at: str | None = None
    authors: str | None = None
    editor: str | None = None
    source: str | None = None
    section: str | None = None
    #: Elements to delete before anything else (ads, share bars, inline promos).
    remove: list[str] = Field(default_factory=list)
    #: Force the page type (e.g. a site whose list pages look like articles).
    page_type: str | None = None

    @field_validator("timezone")
    @classmethod
    def _check_tz(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator(*_SELECTOR_FIELDS)
    @classmethod
    def _check_selector(cls, value: str | None) -> str | None:
        if value is not None:
            compile_selector(value)
        return value

    @field_validator("remove")
    @classmethod
    def _check_remove(cls, value: list[str]) -> list[str]:
        for sel in value:
            compile_selector(sel)
        return value

    @field_validator("page_type")
    @classmethod
    def _check_page_type(cls, value: str | None) -> str | None:
        if value is not None and value not in ("article", "list", "other"):
            raise ValueError("page_type must be article, list or other")
        return value

    def select(self, field: str, root: Any) -> list[Any]:
        """Elements (or strings, for XPath text()/@attr) the field's selector finds."""
        selector = getattr(self, field, None)
        if not selector:
            return []
        try:
            result = compile_selector(selector)(root)
        except (etree.XPathEvalError, ValueError):
            return []
        if isinstance(result, list):
            return result
        return [result] if result not in (None, "") else []


def rule_text(rules: ExtractionRules | None, field: str, root: Element) -> str | None:
    """The first non-empty text the site's selector for ``field`` finds (None without rules)."""
    if rules is None:
        return None
    for found in rules.select(field, root):
        text = found if isinstance(found, str) else text_of(found)
        text = norm_ws(str(text))
        if text:
            return text
    return None
