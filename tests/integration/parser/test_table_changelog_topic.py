"""`newswire setup` creates the parser table's changelog before any parser starts.

Left to the parser, the topic is created while the parser joins its group; the group's first
metadata could then show it with 0 partitions, and every page until the next rebalance became a
dead letter (faust's PartitionsMismatch): the compose test's first run on a new cluster.
"""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient

from newswire.broker import client_options
from newswire.settings import Settings
from newswire.topics import Topic, topic_name


async def test_changelog_exists_co_partitioned_with_pages_raw(settings: Settings) -> None:
    # The `settings` fixture ran create_topics, as `newswire setup` does.
    changelog = topic_name(Topic.PARSER_HASHES_CHANGELOG, settings)
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        described = await admin.describe_topics([changelog, topic_name(Topic.PAGES_RAW, settings)])
    finally:
        await admin.close()
    partitions = {d["topic"]: len(d["partitions"]) for d in described if d["error_code"] == 0}
    assert partitions == {
        changelog: settings.partitions,
        topic_name(Topic.PAGES_RAW, settings): settings.partitions,
    }
