"""Which metrics a PromQL expression reads, and which sample names a registry exposes.

Used by the tests that keep the Grafana dashboard and the Prometheus alert rules honest: every
metric they query must be one the services export. This is not a PromQL parser; it handles the
subset dashboards and rules use (selectors, functions, aggregations with ``by``/``without``,
binary operators with ``on``/``ignoring``/``group_*``, ranges, subqueries, ``offset``,
Grafana's ``$variables``), which is enough to find every metric name in them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prometheus_client import CollectorRegistry

#: Words that look like identifiers but are not metric names.
KEYWORDS = frozenset(
    {
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "offset",
        "and",
        "or",
        "unless",
        "atan2",
        "inf",
        "nan",
        "start",
        "end",
    }
)

_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGES = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", re.IGNORECASE
)
_OFFSET = re.compile(r"\boffset\s+-?[0-9a-zA-Z_$]+", re.IGNORECASE)
# Not preceded by a word character, `.` (1.5e3), `$` (Grafana variables) or `@`.
_IDENT = re.compile(r"(?<![\w.$@])[a-zA-Z_:][a-zA-Z0-9_:]*")


def metric_names(expr: str) -> set[str]:
    """Metric names an expression selects (``rate(a_total[5m]) / b`` -> ``{a_total, b}``)."""
    text = _STRINGS.sub('""', expr)
    # A selector's labels may name other labels, never metrics (except __name__, see below).
    names = {m for m in re.findall(r'__name__\s*=\s*"([^"]+)"', expr)}
    text = _MATCHERS.sub(" ", text)
    text = _RANGES.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    text = _OFFSET.sub(" ", text)
    for match in _IDENT.finditer(text):
        word = match.group(0)
        if text[match.end() :].lstrip().startswith("("):
            continue  # a function or an aggregation operator
        if word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


_SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_count", "_sum"),
    "summary": ("", "_count", "_sum"),
    "gaugehistogram": ("_bucket", "_gcount", "_gsum"),
    "info": ("_info",),
}

#: Series Prometheus itself adds to every scraped target.
PROMETHEUS_SYNTHETIC = frozenset(
    {
        "up",
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling",
        "scrape_series_added",
    }
)


def exposed_names(registry: CollectorRegistry) -> set[str]:
    """Every sample name the registry exposes (``x_total`` for counter ``x``, ``h_bucket``...).

    Derived from the metric types rather than from samples, so a labelled metric with no
    series yet still counts.
    """
    names: set[str] = set()
    for family in registry.collect():
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ("",)))
    return names


def unknown_metrics(exprs: Iterable[str], known: set[str]) -> dict[str, set[str]]:
    """``{expression: names it reads that are not in known}``, only for the bad ones."""
    result = {}
    for expr in exprs:
        missing = metric_names(expr) - known - PROMETHEUS_SYNTHETIC
        if missing:
            result[expr] = missing
    return result
