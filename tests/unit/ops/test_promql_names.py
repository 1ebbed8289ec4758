"""Metric names are found in PromQL expressions, and nothing else is."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from newswire.admin.promql import exposed_names, metric_names, unknown_metrics


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("up", {"up"}),
        ("sum(rate(newswire_fetcher_pages_total[5m]))", {"newswire_fetcher_pages_total"}),
        (
            'sum by (status) (rate(a_total{job=~"newswire-.*", status!="200"}[$__rate_interval]))',
            {"a_total"},
        ),
        (
            "histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket[5m])))",
            {"h_seconds_bucket"},
        ),
        ("sum(x) by (group) / ignoring(topic) group_left sum(y)", {"x", "y"}),
        ("time() - max(last_success_timestamp_seconds)", {"last_success_timestamp_seconds"}),
        ("lag offset 15m <= lag and on() vector(1) > 1e3", {"lag"}),
        ('{__name__="by_name_total"}', {"by_name_total"}),
        ("topk(5, max by (host) (q)) or vector(0)", {"q"}),
        ("max_over_time(g[1h:5m])", {"g"}),
    ],
)
def test_metric_names(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names


def test_exposed_names_follow_the_types() -> None:
    registry = CollectorRegistry()
    Counter("c", "c", ["x"], registry=registry)
    Histogram("h_seconds", "h", registry=registry)
    Gauge("g", "g", registry=registry)
    names = exposed_names(registry)
    assert {"c_total", "h_seconds_bucket", "h_seconds_count", "h_seconds_sum", "g"} <= names
    assert "c" not in names


def test_unknown_metrics_reports_only_bad_expressions() -> None:
    bad = unknown_metrics(["rate(a_total[1m])", "rate(b_total[1m]) + up"], {"a_total"})
    assert bad == {"rate(b_total[1m]) + up": {"b_total"}}
