"""deploy/monitoring is valid and queries only metrics the services export.

The metric names come from importing every service's metrics module and
newswire.observability: a module that does not exist fails this test (ImportError) instead of
skipping it, and a dashboard panel that queries a renamed metric fails it too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

import newswire.archive.metrics
import newswire.fetcher.metrics
import newswire.indexer.metrics
import newswire.observability
import newswire.parser.fill_metrics
import newswire.parser.metrics  # noqa: F401  (imported for the metrics they register)
from newswire.admin.promql import exposed_names, metric_names, unknown_metrics

ROOT = Path(__file__).resolve().parents[3]
MONITORING = ROOT / "deploy" / "monitoring"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "newswire.json"


@pytest.fixture(scope="module")
def exported() -> set[str]:
    return exposed_names(REGISTRY)


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def panel_exprs(dashboard: dict[str, Any]) -> dict[str, list[str]]:
    panels = list(dashboard["panels"])
    # Rows can hold their panels collapsed inside them.
    for panel in dashboard["panels"]:
        panels.extend(panel.get("panels", []))
    return {
        p["title"]: [t["expr"] for t in p.get("targets", []) if t.get("expr")]
        for p in panels
        if p.get("type") != "row"
    }


def rule_exprs() -> list[str]:
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def test_dashboard_queries_only_exported_metrics(
    dashboard: dict[str, Any], exported: set[str]
) -> None:
    exprs = [e for per_panel in panel_exprs(dashboard).values() for e in per_panel]
    assert exprs
    assert unknown_metrics(exprs, exported) == {}


def test_dashboard_covers_what_operators_need(dashboard: dict[str, Any]) -> None:
    panels = panel_exprs(dashboard)
    titles = " | ".join(panels).lower()
    for topic in ("throughput per stage", "lag", "dead letters", "status codes", "freshness"):
        assert topic in titles, topic
    assert all(panels.values()), "a panel without a query"
    used = set().union(*(metric_names(e) for per in panels.values() for e in per))
    for metric in (
        "newswire_fetcher_pages_total",
        "newswire_parser_pages_total",
        "newswire_indexer_docs_indexed_total",
        "newswire_consumer_lag",
        "newswire_fetcher_responses_total",
        "newswire_parser_dead_letters_total",
        "newswire_indexer_dead_letters_total",
        "newswire_indexer_last_success_timestamp_seconds",
    ):
        assert metric in used, metric


def test_dashboard_uses_the_provisioned_datasource(dashboard: dict[str, Any]) -> None:
    provisioned = yaml.safe_load(
        (MONITORING / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    uids = {d["uid"] for d in provisioned["datasources"]}
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] in uids, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] in uids, panel["title"]
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    assert dashboard["uid"]


def test_alert_rules_query_only_exported_metrics(exported: set[str]) -> None:
    exprs = rule_exprs()
    assert exprs
    assert unknown_metrics(exprs, exported) == {}


def test_a_sites_fill_rate_drop_is_alerted(exported: set[str], dashboard: dict[str, Any]) -> None:
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    by_name = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    rule = by_name["NewswireSiteFillRateDropped"]
    assert metric_names(rule["expr"]) == {"newswire_site_fill_dropped"}
    # Per site and field, so the alert says which field of which site broke.
    assert "by (site, field)" in rule["expr"]
    for name in (
        "newswire_site_fill_rate",
        "newswire_site_fill_dropped",
        "newswire_site_fill_articles",
    ):
        assert name in exported, name
    # And the dashboard shows the rates.
    exprs = [e for per in panel_exprs(dashboard).values() for e in per]
    used = set().union(*(metric_names(e) for e in exprs))
    assert {"newswire_site_fill_rate", "newswire_site_fill_dropped"} <= used


def test_prometheus_scrapes_the_three_services() -> None:
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    targets = set()
    for job in config["scrape_configs"]:
        for static in job.get("static_configs", []):
            targets.update(static["targets"])
        for dns in job.get("dns_sd_configs", []):
            targets.update(f"{name}:{dns['port']}" for name in dns["names"])
    assert {"fetcher:9100", "parser:9100", "indexer:9100", "archive:9100"} <= targets
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]


def test_monitoring_profile_services() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    monitoring = {n for n, s in services.items() if "monitoring" in s.get("profiles", [])}
    assert monitoring == {"kafka-ui", "prometheus", "grafana"}
    for name in monitoring:
        assert services[name]["image"], name
        for volume in services[name].get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), (name, source)
    # The services scrape on the port compose gives them.
    assert compose["x-newswire-env"]["NEWSWIRE_METRICS_PORT"] == "9100"
    mounted = " ".join(services["prometheus"]["volumes"])
    assert "prometheus.yml:/etc/prometheus/prometheus.yml" in mounted
    assert "alerts.yml:/etc/prometheus/alerts.yml" in mounted
