"""docker-compose.yml checked structurally (deploy/compose-test/run.sh runs it for real)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
import yaml

from newswire.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def users_image(image: str) -> str:
    """What users get: ``${NEWSWIRE_KAFKA_IMAGE:-apache/kafka:4.0.0}`` -> ``apache/kafka:4.0.0``."""
    match = re.fullmatch(r"\$\{NEWSWIRE_[A-Z]+_IMAGE:-(.+)\}", image)
    return match.group(1) if match else image


def cli_command_paths() -> set[tuple[str, ...]]:
    """Every runnable command of the ``newswire`` CLI, as word tuples."""
    paths: set[tuple[str, ...]] = set()

    def walk(command: object, prefix: tuple[str, ...]) -> None:
        # Typer vendors its own click; a group is anything with sub-commands.
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, (*prefix, name))
        else:
            paths.add(prefix)

    walk(typer.main.get_command(app), ())
    return paths


def test_every_service_has_an_image_or_build(compose: dict) -> None:
    for name, service in compose["services"].items():
        assert service.get("image") or service.get("build"), name


def test_kafka_and_search_engines_have_healthchecks(compose: dict) -> None:
    services = compose["services"]
    for name in ("kafka", "elasticsearch", "opensearch"):
        assert services[name]["healthcheck"]["test"], name
    assert users_image(services["kafka"]["image"]).startswith("apache/kafka:4.0")
    assert users_image(services["elasticsearch"]["image"]).split(":")[-1].startswith("8.")
    assert users_image(services["opensearch"]["image"]).startswith("opensearchproject/")
    assert services["elasticsearch"]["environment"]["xpack.security.enabled"] == "false"


def test_service_commands_are_real_entry_points(compose: dict) -> None:
    commands = cli_command_paths()
    for name in ("init", "fetcher", "parser", "indexer", "demo"):
        service = compose["services"][name]
        words = tuple(w for w in service["command"] if not w.startswith("-"))
        assert any(words[: len(path)] == path for path in commands), (name, words)
        assert service["build"]["dockerfile"] == "deploy/docker/Dockerfile"
        assert (ROOT / service["build"]["dockerfile"]).is_file()


def test_workers_start_after_their_dependencies_are_ready(compose: dict) -> None:
    services = compose["services"]
    assert services["init"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    for name in ("fetcher", "parser", "indexer"):
        assert services[name]["depends_on"]["init"]["condition"] == (
            "service_completed_successfully"
        )


def test_both_engines_answer_to_the_search_alias(compose: dict) -> None:
    for name in ("elasticsearch", "opensearch"):
        assert "search" in compose["services"][name]["networks"]["default"]["aliases"]
    assert "search:9200" in compose["x-newswire-env"]["NEWSWIRE_SEARCH_URL"]


def test_kafka_keeps_its_data_in_the_volume(compose: dict) -> None:
    kafka = compose["services"]["kafka"]
    # apache/kafka writes to /tmp/kraft-combined-logs unless told otherwise.
    assert kafka["environment"]["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"
    assert "kafka-data:/var/lib/kafka/data" in kafka["volumes"]


def test_workers_report_health_from_their_health_endpoint(compose: dict) -> None:
    for name in ("fetcher", "parser", "indexer"):
        test = " ".join(compose["services"][name]["healthcheck"]["test"])
        assert "/health" in test and "NEWSWIRE_METRICS_PORT" in test, name
    assert compose["x-newswire-env"]["NEWSWIRE_METRICS_PORT"] == "9100"


def test_demo_profile_serves_the_site_the_demo_seeds_name(compose: dict) -> None:
    demo = compose["services"]["demo"]
    assert demo["profiles"] == ["demo"]
    assert demo["command"][:1] == ["demo-site"] and "8088" in demo["command"]
    env = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / "compose-demo.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["NEWSWIRE_SEEDS_FILE"] == "/app/seeds/demo-compose.yaml"
    assert "demo:8088" in (ROOT / "seeds" / "demo-compose.yaml").read_text()
    assert set(env["COMPOSE_PROFILES"].split(",")) == {"opensearch", "demo"}
    assert env["NEWSWIRE_SEARCH_BACKEND"] == "opensearch"
