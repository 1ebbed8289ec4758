"""`newswire setup` creates each faust table's changelog under the name faust gives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswire.broker import faust_app
from newswire.settings import Settings
from newswire.topics import PARSER_HASH_TABLE, STORY_MEMBERS_TABLE, Topic, topic_name

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("prefix", ["", "run7."])
@pytest.mark.parametrize(
    ("service", "table", "topic"),
    [
        ("parser", PARSER_HASH_TABLE, Topic.PARSER_HASHES_CHANGELOG),
        ("stories", STORY_MEMBERS_TABLE, Topic.STORY_MEMBERS_CHANGELOG),
    ],
)
def test_changelog_name_is_fausts(
    tmp_path: Path, prefix: str, service: str, table: str, topic: Topic
) -> None:
    settings = Settings(data_dir=tmp_path, topic_prefix=prefix)
    app = faust_app(service, settings)
    faust_table = app.Table(table, default=str, partitions=settings.partitions)
    assert topic_name(topic, settings) == faust_table.changelog_topic.get_topic_name()
