"""The story stage: a faust app from ``articles`` to ``articles.storied`` and ``stories``.

Topology (why, in the README's "Stories" section)::

    articles (N partitions) --sequence_articles--> stories.sequence (1 partition)
        --assign_stories--> articles.storied (N partitions, what the indexer writes)
                        \\-> stories (one record per story change)

Near-duplicates come from different sites, so they have different article ids and land in
different partitions of ``articles``: no partitioning of the input keeps a story together.
The first agent therefore only funnels articles into one partition; its order is then fixed
in the log, and the second agent assigns stories in exactly that order, one at a time.

State and replay. The assignment state is one durable entry per article id (its story,
revision, and MinHash signature) in a changelog-backed table of one partition; the LSH
bands and story totals are rebuilt from the entries whenever the table is recovered. An
article's entry is written after its outputs are acknowledged, and faust commits an offset
only after flushing the changelog, so after a crash the table holds at least every article
below the committed offset. Replaying from there, an article already in the table keeps the
story it has; the first one that is not is decided by the same state as the first time
(decisions depend on the entries alone, never on their order, the clock or the replica),
so it gets the same story too. Duplicates and older versions keep their story and change
nothing.
"""

from __future__ import annotations

import logging
from typing import Any

import faust
import orjson

from newswire import broker
from newswire.records import Article, DeadLetter, RecordError, decode_fields
from newswire.settings import Settings
from newswire.stories import metrics
from newswire.stories.grouping import ArticleFacts, Assignment, StoryIndex
from newswire.stories.records import story_record
from newswire.topics import Topic, topic_name

log = logging.getLogger(__name__)


def build_app(settings: Settings, index: StoryIndex | None = None) -> faust.App:
    app = broker.faust_app("stories", settings)
    articles_topic = app.topic(topic_name(Topic.ARTICLES, settings))
    sequence_topic = app.topic(topic_name(Topic.STORIES_SEQUENCE, settings), partitions=1)
    storied_topic = app.topic(topic_name(Topic.ARTICLES_STORIED, settings))
    stories_topic = app.topic(topic_name(Topic.STORIES, settings))
    dead_topic = app.topic(topic_name(Topic.DEAD_LETTERS, settings))
    # article id -> its durable story entry; co-partitioned with stories.sequence (one).
    # Raw bytes both ways (faust's default for tables is JSON).
    members = app.Table("story-members", partitions=1, key_type=bytes, value_type=bytes)
    index = index if index is not None else StoryIndex()

    @members.on_recover
    async def rebuild_index() -> None:
        # After every recovery (start, rebalance): the derived index from the entries.
        index.restore(value for value in members.values() if value)
        metrics.MEMBERS.set(len(index))
        log.info("story index rebuilt", extra={"articles": len(index), "stories": index.stories})

    @app.agent(articles_topic, name="newswire.stories.sequence_articles")
    async def sequence_articles(stream: faust.StreamT[bytes]) -> None:
        # The bytes go on unchanged (tombstones too); acked once the broker has them.
        async for event in stream.events():
            message = event.message
            await (await sequence_topic.send(key=message.key, value=message.value, partition=0))

    async def send_dead_letter(message: Any, reason: str, error: str) -> None:
        letter = DeadLetter.about(message, "story", reason, error)
        metrics.DEAD_LETTERS.labels(reason).inc()
        log.warning("article dead-lettered", extra={"reason": reason, "error": error[:300]})
        await (await dead_topic.send(key=message.key, value=letter.to_bytes()))

    async def emit(message: Any, fields: dict[str, Any], assignment: Assignment) -> None:
        story = story_record(assignment.story)
        fields["story"] = orjson.loads(story)
        del fields["story"]["type"], fields["story"]["schema_version"]
        fields["revision"] = assignment.revision
        fields["first_published_at"] = assignment.first_published_at
        pending = [
            await storied_topic.send(key=message.key, value=orjson.dumps(fields)),
            await stories_topic.send(key=assignment.story_id.encode(), value=story),
        ]
        for future in pending:
            await future  # acknowledged by the broker
        # Recorded after the outputs: a crash before this line replays the article.
        members[message.key] = index.record(assignment.member.key)

    async def handle(event: faust.EventT) -> None:
        message = event.message
        if message.value is None:  # a withdrawn article: the indexer deletes it
            await (await storied_topic.send(key=message.key, value=None))
            return
        try:
            fields = decode_fields(message.value, Article)
            facts = ArticleFacts.from_fields(fields)
        except (RecordError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, RecordError) else "invalid_article"
            await send_dead_letter(message, reason, str(exc))
            return
        with metrics.ASSIGN_SECONDS.time():
            assignment = index.assign(facts, message.offset)
        await emit(message, fields, assignment)
        metrics.ARTICLES.labels("new" if assignment.member.seq == message.offset else "known").inc()
        metrics.MEMBERS.set(len(index))
        log.info(
            "article assigned",
            extra={
                "article_id": facts.key,
                "story_id": assignment.story_id,
                "revision": assignment.revision,
                "story_articles": assignment.story.articles,
            },
        )

    # One actor: assignments happen strictly in the sequence's order.
    @app.agent(sequence_topic, name="newswire.stories.assign_stories", concurrency=1)
    async def assign_stories(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            try:
                await handle(event)
            except Exception as exc:
                # The in-memory index may now hold an article the table does not: restart
                # the worker, which rebuilds it from the table and replays from the commit.
                log.critical("story assignment failed: %r", exc, exc_info=True)
                await app.crash(exc)
                raise

    app.story_index = index
    return app
