"""The users' docker compose deployment, built and run on a real Docker engine.

This wraps deploy/compose-test/run.sh (which says what it checks) so that
``pytest -m compose`` runs it; CI runs the script itself, after the main suite. It needs root
(dockerd) and takes several minutes, so it runs only when asked for by name: ``-m compose``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

RUN_SH = Path(__file__).resolve().parents[2] / "deploy" / "compose-test" / "run.sh"

pytestmark = pytest.mark.compose


@pytest.mark.timeout(3600)
def test_compose_deployment_builds_runs_scales_and_cleans_up(
    request: pytest.FixtureRequest,
) -> None:
    if "compose" not in (request.config.getoption("markexpr") or "").replace("not compose", ""):
        pytest.skip("runs only with `-m compose`")
    if os.geteuid() != 0:
        pytest.skip("the compose test runs its own dockerd, which needs root")
    result = subprocess.run(
        ["bash", str(RUN_SH)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert "compose: " in result.stdout and ", 0 failed" in result.stdout, result.stdout[-6000:]
