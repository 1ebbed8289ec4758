"""Every setting is documented in the README table, and nothing there is stale."""

from __future__ import annotations

import re
from pathlib import Path

from newswire.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_documents_exactly_the_settings() -> None:
    documented = set(re.findall(r"^\| `NEWSWIRE_([A-Z0-9_]+)` \|", README.read_text(), re.M))
    defined = {name.upper() for name in Settings.model_fields}
    assert defined - documented == set(), "settings missing from the README table"
    assert documented - defined == set(), "README documents settings that do not exist"


def test_environment_variables_reach_the_settings(monkeypatch) -> None:
    monkeypatch.setenv("NEWSWIRE_PARTITIONS", "12")
    monkeypatch.setenv("NEWSWIRE_ALLOW_PRIVATE_NETWORKS", '["127.0.0.1", "10.0.0.0/8"]')
    monkeypatch.setenv("NEWSWIRE_SEARCH_BACKEND", "elasticsearch")
    settings = Settings()
    assert settings.partitions == 12
    assert settings.allow_private_networks == ["127.0.0.1", "10.0.0.0/8"]
    assert settings.search_backend == "elasticsearch"
