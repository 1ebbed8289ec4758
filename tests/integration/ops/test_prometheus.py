"""A real Prometheus (Debian's package) scrapes the three real services and evaluates our rules.

The config is deploy/monitoring/prometheus.yml itself, with its DNS discovery (compose service
names) swapped for the loopback ports the services run on here and shorter intervals; the rules
are deploy/monitoring/alerts.yml as shipped. A killed parser must show up as `up == 0` and put
NewswireServiceDown into `pending`: the rules run on what was really scraped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from newswire.settings import Settings
from tests.support import ServiceProcess, free_port

ROOT = Path(__file__).resolve().parents[3]
MONITORING = ROOT / "deploy" / "monitoring"
SERVICES = ("fetcher", "parser", "indexer", "archive")


def prometheus_or_fail() -> str:
    """Debian's prometheus package; deploy/local/test.sh installs it."""
    path = shutil.which("prometheus")
    if path is None:
        pytest.fail("prometheus is not installed (deploy/local/os-packages.sh installs it)")
    return path


def local_config(ports: dict[str, int], rules: Path) -> dict[str, Any]:
    """The shipped config, pointed at loopback ports instead of compose's DNS names."""
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(rules)]
    for job in config["scrape_configs"]:
        service = job["job_name"].removeprefix("newswire-")
        job.pop("dns_sd_configs")
        job["static_configs"] = [{"targets": [f"127.0.0.1:{ports[service]}"]}]
    return config


def api(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/{path}", timeout=10) as reply:
        body = json.load(reply)
    assert body["status"] == "success", body
    return body["data"]


def wait_for(check: Callable[[], Any], what: str, timeout: float = 180) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except OSError as exc:  # Prometheus still starting
            last = exc
        else:
            if last:
                return last
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}; last answer: {last!r}")


@pytest.fixture
def newswire_services(settings: Settings, tmp_path: Path) -> Iterator[dict[str, ServiceProcess]]:
    running = {}
    try:
        for name in SERVICES:
            own = settings.model_copy(
                update={"metrics_port": free_port(), "archive_dir": tmp_path / "warc"}
            )
            running[name] = ServiceProcess(own, name, log_path=tmp_path / f"{name}.log").start()
        yield running
    finally:
        for process in running.values():
            process.stop()


def test_prometheus_scrapes_the_services_and_evaluates_every_rule(
    newswire_services: dict[str, ServiceProcess], tmp_path: Path
) -> None:
    binary = prometheus_or_fail()
    ports = {name: process.settings.metrics_port for name, process in newswire_services.items()}
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(local_config(ports, MONITORING / "alerts.yml")))
    web = free_port()
    prometheus = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{web}",
        ],
        stdout=(tmp_path / "prometheus.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        # Every service is scraped and up.
        def all_up() -> dict[str, str]:
            targets = api(web, "targets")["activeTargets"]
            health = {t["labels"]["job"]: t["health"] for t in targets}
            return health if set(health.values()) == {"up"} and len(health) == len(SERVICES) else {}

        health = wait_for(all_up, "every target to be up")
        assert set(health) == {f"newswire-{name}" for name in SERVICES}

        # What the services export arrives: build info from each, lag and the cluster's health.
        def series(query: str) -> list[dict[str, Any]]:
            return api(web, f"query?query={urllib.request.quote(query)}")["result"]

        info = wait_for(lambda: series("newswire_build_info"), "newswire_build_info")
        assert {s["metric"]["service"] for s in info} == set(SERVICES)
        brokers = wait_for(lambda: series("max(newswire_kafka_brokers)"), "newswire_kafka_brokers")
        assert brokers[0]["value"][1] == "1"
        lag_groups = wait_for(
            lambda: {s["metric"]["group"] for s in series("newswire_consumer_lag")} or None,
            "newswire_consumer_lag",
        )
        assert len(lag_groups) == len(SERVICES)

        # Every rule in alerts.yml is loaded and has evaluated without error.
        shipped = yaml.safe_load((MONITORING / "alerts.yml").read_text())
        names = {r["alert"] for g in shipped["groups"] for r in g["rules"]}

        def evaluated() -> dict[str, str]:
            rules = [r for g in api(web, "rules")["groups"] for r in g["rules"]]
            done = {r["name"]: r["health"] for r in rules if r["lastEvaluation"][:4] != "0001"}
            return done if set(done) == names else {}

        assert set(wait_for(evaluated, "every rule to be evaluated").values()) == {"ok"}

        # A killed parser: scraped as down, and the alert goes pending on that real sample.
        newswire_services["parser"].kill()

        def parser_down_pending() -> list[dict[str, Any]]:
            return [
                a
                for a in api(web, "alerts")["alerts"]
                if a["labels"]["alertname"] == "NewswireServiceDown"
                and a["labels"]["job"] == "newswire-parser"
                and a["state"] == "pending"
            ]

        assert wait_for(parser_down_pending, "NewswireServiceDown to go pending for the parser")
    finally:
        prometheus.terminate()
        prometheus.wait(timeout=30)
