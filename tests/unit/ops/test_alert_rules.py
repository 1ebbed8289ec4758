"""The monitoring config and alert rules pass Prometheus's own checks, and every alert is tested.

promtool (Debian's prometheus package, installed by deploy/local/os-packages.sh) checks the
config and the rules, and runs deploy/monitoring/tests/alerts_test.yml: each alert fed the
series it is meant for, checked for firing at the right time with the right labels and text,
and, where a near miss is likely, checked for staying quiet.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
MONITORING = ROOT / "deploy" / "monitoring"
RULE_TESTS = MONITORING / "tests" / "alerts_test.yml"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail("promtool is not installed (deploy/local/os-packages.sh installs it)")
    return path


def run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_rules_pass_promtool_check(promtool: str) -> None:
    out = run(promtool, "check", "rules", str(MONITORING / "alerts.yml"))
    assert "SUCCESS" in out


def test_config_passes_promtool_check(promtool: str, tmp_path: Path) -> None:
    # The config names the rules where compose mounts them; check it with them beside it.
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    config["rule_files"] = [str(MONITORING / "alerts.yml")]
    local = tmp_path / "prometheus.yml"
    local.write_text(yaml.safe_dump(config))
    out = run(promtool, "check", "config", str(local))
    assert "SUCCESS" in out


def test_every_alert_passes_its_promtool_unit_tests(promtool: str) -> None:
    out = run(promtool, "test", "rules", str(RULE_TESTS))
    assert "SUCCESS" in out


def test_every_alert_has_a_unit_test() -> None:
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
    tests = yaml.safe_load(RULE_TESTS.read_text())
    tested = {
        case["alertname"]
        for test in tests["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert sorted(alerts - tested) == [], "alerts that never fire in alerts_test.yml"
    for required in (
        "NewswireKafkaBrokerDown",
        "NewswireKafkaUnderReplicated",
        "NewswireConsumerLagGrowing",
        "NewswireParseOrIndexDeadLetters",
        "NewswireFetchDeadLettersGrowing",
        "NewswireStageNoLiveReplica",
        "NewswireArchiveStalled",
        "NewswireArchiveNotRunning",
    ):
        assert required in alerts, required
