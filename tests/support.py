"""Helpers for tests that are not fixtures: isolated settings, child-process environments."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from newswire.settings import Settings


def make_settings(tmp_dir: Path, **overrides: object) -> Settings:
    """Settings isolated by a fresh topic prefix, index alias and data folder."""
    tag = uuid.uuid4().hex[:10]
    values: dict[str, object] = {
        "topic_prefix": f"test-{tag}.",
        "index_alias": f"test-{tag}-articles",
        "partitions": 2,
        "allow_private_networks": ["127.0.0.1"],
        "data_dir": tmp_dir / f"data-{tag}",
        "host_delay_s": 0.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a child process (a service under test) these settings."""
    env = dict(os.environ)
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        env[f"NEWSWIRE_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env
