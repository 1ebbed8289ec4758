"""`newswire setup` creates the parser table's changelog under the name faust gives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswire.broker import faust_app
from newswire.settings import Settings
from newswire.topics import PAGE_CONTENT_HASHES, TABLES, changelog_topic_name

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("prefix", ["", "run7."])
def test_changelog_name_is_fausts(tmp_path: Path, prefix: str) -> None:
    settings = Settings(data_dir=tmp_path, topic_prefix=prefix)
    app = faust_app(TABLES[PAGE_CONTENT_HASHES], settings)
    table = app.Table(PAGE_CONTENT_HASHES, default=str, partitions=settings.partitions)
    assert changelog_topic_name(PAGE_CONTENT_HASHES, settings) == (
        table.changelog_topic.get_topic_name()
    )
    assert changelog_topic_name(PAGE_CONTENT_HASHES, settings).startswith(prefix + "newswire-")
