"""The crawl's site list (``seeds/*.yaml``): what to fetch, how often, and which links to follow.

A site declares its start (list) pages, feeds and sitemaps, regular expressions that mark
article and list URLs, a re-visit interval, an optional crawl-delay override, its time zone and
optional extraction rules. The file is validated on load; every error names the file, the line
and the field (``seeds/sites.yaml:42: sites[3].article_patterns[0]: invalid regex ...``), so a
typo in a pattern is found when the service starts rather than as a silent miss later.

The fetcher uses this module for seeding and scheduling, the parser to decide which outlinks
become crawl requests (:func:`outlink_request`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newswire.parser.extract.rules import ExtractionRules
from newswire.records import CrawlKind, CrawlRequest
from newswire.urls import host_of, normalize_url

PageClass = Literal["article", "list"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration(value: Any) -> float:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"2h"`` or ``"1d"``."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and (match := _DURATION.match(value)):
        return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    raise ValueError(f"not a duration: {value!r} (use seconds or e.g. '90s', '15m', '2h', '1d')")


def _http_url(value: str) -> str:
    try:
        return normalize_url(value)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


class SiteDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revisit: float = 15 * 60.0
    timezone: str = "Asia/Shanghai"
    crawl_delay: float | None = None
    # Adaptive re-visits (fetcher/revisit_policy.py); None: the NEWSWIRE_* setting.
    adaptive_revisit: bool | None = None
    revisit_min: float | None = None
    revisit_max: float | None = None
    list_budget: float | None = None

    @field_validator("revisit", mode="before")
    @classmethod
    def _revisit(cls, value: Any) -> float:
        return parse_duration(value)

    @field_validator("revisit_min", "revisit_max", mode="before")
    @classmethod
    def _revisit_bound(cls, value: Any) -> float | None:
        return None if value is None else parse_duration(value)

    @field_validator("crawl_delay", mode="before")
    @classmethod
    def _crawl_delay(cls, value: Any) -> float | None:
        return None if value is None else parse_duration(value)


class Site(BaseModel):
    """One news site; every URL field is normalised and every pattern compiled on load."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    #: Hosts that belong to the site (``*.example.com`` matches subdomains); default: the
    #: hosts of its start URLs, feeds and sitemaps.
    hosts: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_patterns: tuple[re.Pattern[str], ...] = ()
    list_patterns: tuple[re.Pattern[str], ...] = ()
    #: Seconds between re-visits of start pages, feeds and sitemaps.
    revisit: float | None = None
    #: Seconds between requests to the site's hosts; overrides the fetcher default.
    crawl_delay: float | None = None
    #: Adaptive re-visits: learn each list's rate of new links and re-visit it accordingly
    #: (``revisit`` is then only the interval of a list nothing is known about yet), between
    #: ``revisit_min`` and ``revisit_max`` seconds apart, and at most ``list_budget`` list
    #: fetches per hour for the whole site. None: the file's defaults, then the settings.
    adaptive_revisit: bool | None = None
    revisit_min: float | None = None
    revisit_max: float | None = None
    list_budget: float | None = Field(default=None, gt=0)
    timezone: str | None = None
    lang: str | None = None
    #: Also fetch the sitemaps that the site's robots.txt lists.
    robots_sitemaps: bool = True
    extract: ExtractionRules | None = None

    @field_validator("start_urls", "feeds", "sitemaps", mode="before")
    @classmethod
    def _urls(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise ValueError("expected a list of URLs")
        return tuple(_http_url(str(v)) for v in value)

    @field_validator("hosts", mode="before")
    @classmethod
    def _hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        return tuple(str(v).strip().lower().rstrip(".") for v in value)

    @field_validator("article_patterns", "list_patterns", mode="before")
    @classmethod
    def _patterns(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise ValueError("expected a list of regular expressions")
        compiled = []
        for pattern in value:
            try:
                compiled.append(re.compile(str(pattern)))
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
        return tuple(compiled)

    @field_validator("revisit", "crawl_delay", "revisit_min", "revisit_max", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return None if value is None else parse_duration(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _derive_hosts(self) -> Site:
        if not self.hosts:
            derived = dict.fromkeys(
                host_of(u) for u in (*self.start_urls, *self.feeds, *self.sitemaps)
            )
            if not derived:
                raise ValueError("a site needs hosts or at least one start URL, feed or sitemap")
            object.__setattr__(self, "hosts", tuple(derived))
        return self

    # --- questions the fetcher and the parser ask -----------------------------------------

    def owns_host(self, host: str) -> bool:
        host = host.lower()
        for entry in self.hosts:
            if entry.startswith("*."):
                if host == entry[2:] or host.endswith(entry[1:]):
                    return True
            elif host == entry:
                return True
        return False

    def classify(self, url: str) -> PageClass | None:
        """``"article"``, ``"list"`` or None (neither pattern matches) for a URL of this site.

        Article patterns win over list patterns; start URLs are list pages by definition.
        """
        match = self.matching_rule(url)
        return match[0] if match else None

    def matching_rule(self, url: str) -> tuple[PageClass, str] | None:
        """What :meth:`classify` says and the rule that says it (``newswire try`` shows it):
        ``("article", "article_patterns: <regex>")``, ``("list", "start_urls")``..."""
        try:
            canonical = normalize_url(url)
        except ValueError:
            return None
        for pattern in self.article_patterns:
            if pattern.search(canonical):
                return "article", f"article_patterns: {pattern.pattern}"
        if canonical in self.start_urls:
            return "list", "start_urls"
        for pattern in self.list_patterns:
            if pattern.search(canonical):
                return "list", f"list_patterns: {pattern.pattern}"
        return None

    def seed_requests(self, source: Literal["seed", "schedule"] = "seed") -> Iterator[CrawlRequest]:
        """The crawl requests that (re)start this site: start pages, feeds and sitemaps."""
        kinds: tuple[tuple[tuple[str, ...], CrawlKind], ...] = (
            (self.start_urls, "list"),
            (self.feeds, "feed"),
            (self.sitemaps, "sitemap"),
        )
        for urls, kind in kinds:
            for url in urls:
                yield CrawlRequest(url=url, site=self.name, kind=kind, source=source)


class SitesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    defaults: SiteDefaults = Field(default_factory=SiteDefaults)
    sites: list[Site] = Field(default_factory=list)


class SitesError(ValueError):
    """The site list is invalid; ``str()`` lists every problem as ``file:line: field: msg``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid site list:\n  " + "\n  ".join(problems))


class SiteRegistry:
    """All configured sites, with lookups by URL."""

    def __init__(self, sites: Iterable[Site], defaults: SiteDefaults | None = None):
        self.defaults = defaults or SiteDefaults()
        self.sites: tuple[Site, ...] = tuple(
            # Apply the file-wide defaults once, so every consumer sees final values.
            site.model_copy(
                update={
                    "revisit": site.revisit if site.revisit is not None else self.defaults.revisit,
                    "timezone": site.timezone or self.defaults.timezone,
                    "crawl_delay": (
                        site.crawl_delay
                        if site.crawl_delay is not None
                        else self.defaults.crawl_delay
                    ),
                    **{
                        name: getattr(self.defaults, name)
                        for name in (
                            "adaptive_revisit",
                            "revisit_min",
                            "revisit_max",
                            "list_budget",
                        )
                        if getattr(site, name) is None
                    },
                }
            )
            for site in sites
        )
        self._by_name = {site.name: site for site in self.sites}
        self._by_host: dict[str, Site] = {}
        self._wildcards: list[Site] = []
        for site in self.sites:
            for host in site.hosts:
                if host.startswith("*."):
                    self._wildcards.append(site)
                else:
                    self._by_host.setdefault(host, site)

    def __iter__(self) -> Iterator[Site]:
        return iter(self.sites)

    def __len__(self) -> int:
        return len(self.sites)

    def get(self, name: str) -> Site | None:
        return self._by_name.get(name)

    def for_host(self, host: str) -> Site | None:
        host = host.lower()
        if site := self._by_host.get(host):
            return site
        return next((s for s in self._wildcards if s.owns_host(host)), None)

    def for_url(self, url: str) -> Site | None:
        """The site a URL belongs to, by host; None for hosts no site declares."""
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return None
        return self.for_host(host_of(url))

    def seed_requests(self) -> Iterator[CrawlRequest]:
        for site in self.sites:
            yield from site.seed_requests()


def outlink_request(
    registry: SiteRegistry,
    url: str,
    *,
    referrer: str | None = None,
    depth: int = 0,
    follow_offsite: bool = False,
    max_depth: int | None = None,
) -> CrawlRequest | None:
    """The crawl request an outlink found on ``referrer`` should become, or None to drop it.

    Followed: links to the referrer's own site (any known site when ``follow_offsite``) that
    the site's patterns classify as an article (kind ``page``) or a list page (kind ``list``).
    A site without any patterns follows all its links as pages. Unknown sites are never
    followed: the crawl only goes where ``sites.yaml`` says it may.
    """
    try:
        canonical = normalize_url(url)
    except ValueError:
        return None
    if max_depth is not None and depth > max_depth:
        return None
    target = registry.for_url(canonical)
    if target is None:
        return None
    if referrer is not None and not follow_offsite:
        source = registry.for_url(referrer)
        if source is None or source.name != target.name:
            return None
    page_class = target.classify(canonical)
    if page_class is None:
        if target.article_patterns or target.list_patterns:
            return None
        page_class = "article"
    return CrawlRequest(
        url=canonical,
        site=target.name,
        kind="page" if page_class == "article" else "list",
        source="outlink",
        referrer=referrer,
        depth=depth,
    )


# --- loading with line numbers ---------------------------------------------------------------


def _node_at(root: yaml.Node | None, loc: tuple[int | str, ...]) -> yaml.Node | None:
    """The deepest YAML node along a pydantic error location (for its line number)."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next(
                (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part),
                None,
            )
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        else:
            child = None
        if child is None:
            break
        node = child
    return node


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "tagged-union")):
            out += f".{part}" if out else str(part)
    return out or "(file)"


def parse_sites(text: str, source: str = "<sites>") -> SiteRegistry:
    """Validate a site list; raises :class:`SitesError` naming file, line and field."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"{mark.line + 1}" if mark else "?"
        raise SitesError([f"{source}:{line}: not valid YAML: {exc}"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SitesError([f"{source}:1: expected a mapping with a 'sites' list"])
    try:
        parsed = SitesFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            node = _node_at(root, loc)
            line = node.start_mark.line + 1 if node is not None else "?"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{source}:{line}: {_field_path(loc)}: {message}")
        raise SitesError(problems) from None
    problems = []
    seen: dict[str, int] = {}
    for index, site in enumerate(parsed.sites):
        if site.name in seen:
            node = _node_at(root, ("sites", index, "name"))
            line = node.start_mark.line + 1 if node is not None else "?"
            problems.append(
                f"{source}:{line}: sites[{index}].name: duplicate site name {site.name!r} "
                f"(first used by sites[{seen[site.name]}])"
            )
        seen.setdefault(site.name, index)
    if problems:
        raise SitesError(problems)
    return SiteRegistry(parsed.sites, parsed.defaults)


def load_sites(path: str | Path) -> SiteRegistry:
    path = Path(path)
    return parse_sites(path.read_text(encoding="utf-8"), source=str(path))
