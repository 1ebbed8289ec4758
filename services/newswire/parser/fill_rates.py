"""Fill rates: how often a site's recent articles have each field, and when that falls sharply.

No generic extractor is right on every layout, and sites change their templates. The sign of
a change is a field that was nearly always filled and suddenly is not: editor 0.95 -> 0.2.
This module is the arithmetic behind that signal, with no I/O:

* :func:`filled_fields` says which of the watched :data:`FIELDS` one article has; the parser
  publishes that as a :class:`~newswire.records.FillSample` per article (topic
  ``articles.fill``, see :mod:`newswire.parser.fill_tail` for where the windows live).
* :class:`SiteWindows` keeps, per site, the newest ``window + RECENT`` samples.
* :func:`site_fill` turns one site's samples into rates, and flags a *drop*: the rate over the
  newest :data:`RECENT` articles is at least :data:`DROP` below the rate over the ``window``
  articles before them. Comparing a site with its own history, not with a fixed bar, is what
  keeps English sites (which never print an editor) from being flagged for ever.

The window counts articles rather than hours, so a site that publishes ten articles a day and
one that publishes a thousand are judged on the same amount of evidence; a drop shows after
:data:`RECENT` broken articles, however long they take to arrive.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newswire.records import Article

#: The fields whose fill rate is watched, in display order. ``body`` means a body of normal
#: length (:data:`NORMAL_BODY_CHARS`), not just any text.
FIELDS: tuple[str, ...] = ("title", "published_at", "authors", "editor", "source", "body")

#: A body shorter than this is what a broken layout leaves (a caption, a teaser, a share bar);
#: a short Chinese news item is about 200 characters.
NORMAL_BODY_CHARS = 200

#: Articles compared against the site's history to detect a drop.
RECENT = 25
#: A field is flagged when its recent rate is this much below its historical rate.
DROP = 0.5
#: History shorter than this many articles is too little to compare against.
MIN_HISTORY = 25


def filled_fields(article: Article) -> list[str]:
    """The watched fields this article has, in :data:`FIELDS` order."""
    present = {
        "title": bool(article.title),
        "published_at": article.published_at is not None,
        "authors": bool(article.authors),
        "editor": bool(article.editor),
        "source": bool(article.source),
        "body": len(article.text) >= NORMAL_BODY_CHARS,
    }
    return [f for f in FIELDS if present[f]]


@dataclass(frozen=True)
class Sample:
    """One article as the window sees it: which fields it had."""

    #: ``(article id, version)``: the same fetch replayed after a crash counts once.
    key: tuple[str, int]
    filled: frozenset[str]


@dataclass(frozen=True)
class FieldFill:
    field: str
    #: Share of the newest ``window`` articles that have the field.
    rate: float
    #: Rate over the newest :data:`RECENT` articles, and over the ``window`` before them
    #: (None: not enough articles yet to compare).
    recent_rate: float | None
    history_rate: float | None
    dropped: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "rate": round(self.rate, 3),
            "recent_rate": _round(self.recent_rate),
            "history_rate": _round(self.history_rate),
            "dropped": self.dropped,
        }


@dataclass(frozen=True)
class SiteFill:
    site: str
    #: Articles the rates are computed over (at most the window).
    articles: int
    fields: tuple[FieldFill, ...]

    @property
    def dropped(self) -> tuple[FieldFill, ...]:
        return tuple(f for f in self.fields if f.dropped)

    def rate(self, field: str) -> float:
        return next(f.rate for f in self.fields if f.field == field)

    def to_json(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "articles": self.articles,
            "rates": {f.field: round(f.rate, 3) for f in self.fields},
            "dropped": [f.field for f in self.dropped],
            "fields": [f.to_json() for f in self.fields],
        }


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _rate(samples: Sequence[Sample], field: str) -> float:
    return sum(field in s.filled for s in samples) / len(samples)


def site_fill(site: str, samples: Sequence[Sample], window: int) -> SiteFill:
    """Rates and drops of one site; ``samples`` oldest first (at most ``window + RECENT``)."""
    current = samples[-window:]
    comparable = len(samples) >= RECENT + MIN_HISTORY
    recent = samples[-RECENT:]
    history = samples[-(window + RECENT) : -RECENT]
    fields = []
    for name in FIELDS:
        rate = _rate(current, name) if current else 0.0
        recent_rate = _rate(recent, name) if comparable else None
        history_rate = _rate(history, name) if comparable else None
        dropped = (
            recent_rate is not None
            and history_rate is not None
            and history_rate - recent_rate >= DROP
        )
        fields.append(FieldFill(name, rate, recent_rate, history_rate, dropped))
    return SiteFill(site, len(current), tuple(fields))


class SiteWindows:
    """The newest ``window + RECENT`` samples of every site, fed in arrival order."""

    def __init__(self, window: int) -> None:
        self.window = window
        self._samples: dict[str, deque[Sample]] = {}
        #: The keys in each site's deque, so a duplicate is found without a scan.
        self._keys: dict[str, set[tuple[str, int]]] = {}

    def add(self, site: str, sample: Sample) -> None:
        samples = self._samples.get(site)
        if samples is None:
            samples = self._samples[site] = deque()
            self._keys[site] = set()
        keys = self._keys[site]
        if sample.key in keys:
            return  # a replayed duplicate (same article, same fetch)
        if len(samples) == self.window + RECENT:
            keys.discard(samples.popleft().key)
        samples.append(sample)
        keys.add(sample.key)

    def sites(self) -> list[str]:
        return sorted(self._samples)

    def report(self, sites: Iterable[str] | None = None) -> tuple[SiteFill, ...]:
        """One :class:`SiteFill` per site, sorted by site."""
        chosen = self.sites() if sites is None else sorted(sites)
        return tuple(
            site_fill(site, list(self._samples[site]), self.window)
            for site in chosen
            if site in self._samples
        )
