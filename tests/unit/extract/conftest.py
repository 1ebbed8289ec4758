from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "extract"
REPO = Path(__file__).resolve().parents[3]
DEVDATA = REPO.parent / "shared" / "devdata"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def seed_expected() -> dict[str, Any]:
    return json.loads((FIXTURES / "seed_expected.json").read_text(encoding="utf-8"))
