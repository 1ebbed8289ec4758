"""The story stage: a faust app from ``articles`` to ``articles.storied``.

Topology (why, in the README's "Stories" section)::

    articles (N partitions) --sequence_articles--> stories.sequence (1 partition)
        --assign_stories--> articles.storied (N partitions, what the indexer writes)

Each article goes on with its story as it stands after the article's assignment; the
indexer keeps the newest snapshot of every story in the story index.

Near-duplicates come from different sites, so they have different article ids and land in
different partitions of ``articles``: no partitioning of the input keeps a story together.
The first agent therefore only funnels articles into one partition; its order is then fixed
in the log, and the second agent assigns stories in exactly that order, one at a time.

State and replay. The assignment state is one durable entry per article id (its story,
revision, and MinHash signature) in a changelog-backed table of one partition; the LSH
bands and story totals are rebuilt from the entries whenever the table is recovered. Articles
are taken in batches; a batch's entries are written, in order, after all its outputs are
acknowledged, and faust commits an offset only after flushing the changelog, so after a crash
the table holds at least every article below the committed offset, and beyond it a prefix
of the sequence (the producer keeps a partition's order). Replaying from there, an article
already in the table keeps the story it has; the first one that is not is decided by the
same state as the first time (decisions depend on the entries alone, never on their order,
the clock or the replica), so it gets the same story too. Duplicates and older versions
keep their story and change nothing.
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
from newswire.topics import STORY_MEMBERS_TABLE, Topic, topic_name

log = logging.getLogger(__name__)

#: Messages per batch, and how long a partial batch waits: one round trip to the broker per
#: batch instead of per article, at most 50 ms added to an article's way.
BATCH_MAX = 500
BATCH_WAIT_S = 0.05


def storied_fields(assignment: Assignment, story: bytes) -> dict[str, Any]:
    """What the stage adds to an article on ``articles.storied``."""
    snapshot = orjson.loads(story)
    del snapshot["type"], snapshot["schema_version"]
    return {
        "story": snapshot,
        "revision": assignment.revision,
        "first_published_at": assignment.first_published_at,
        "updated_at": assignment.updated_at,
    }


def build_app(settings: Settings, index: StoryIndex | None = None) -> faust.App:
    app = broker.faust_app("stories", settings)
    articles_topic = app.topic(topic_name(Topic.ARTICLES, settings))
    sequence_topic = app.topic(topic_name(Topic.STORIES_SEQUENCE, settings), partitions=1)
    storied_topic = app.topic(topic_name(Topic.ARTICLES_STORIED, settings))
    dead_topic = app.topic(topic_name(Topic.DEAD_LETTERS, settings))
    # article id -> its durable story entry; co-partitioned with stories.sequence (one).
    # Raw bytes both ways (faust's default for tables is JSON); one partition, so the
    # producer's partitioner always picks it (entries are written after a batch's sends).
    members = app.Table(
        STORY_MEMBERS_TABLE, partitions=1, key_type=bytes, value_type=bytes, use_partitioner=True
    )
    index = index if index is not None else StoryIndex()

    @members.on_recover
    async def rebuild_index() -> None:
        # After every recovery (start, rebalance): the derived index from the entries.
        index.restore(value for value in members.values() if value)
        metrics.MEMBERS.set(len(index))
        log.info("story index rebuilt", extra={"articles": len(index), "stories": index.stories})

    @app.agent(articles_topic, name="newswire.stories.sequence_articles")
    async def sequence_articles(stream: faust.StreamT[bytes]) -> None:
        # The bytes go on unchanged (tombstones too); a batch is acked once the broker has
        # all of it.
        async for events in stream.noack_take(BATCH_MAX, within=BATCH_WAIT_S):
            pending = [
                await sequence_topic.send(key=e.message.key, value=e.message.value, partition=0)
                for e in events
            ]
            for future in pending:
                await future
            for event in events:
                await stream.ack(event)

    async def dead_letter(message: Any, reason: str, error: str) -> Any:
        letter = DeadLetter.about(message, "story", reason, error)
        metrics.DEAD_LETTERS.labels(reason).inc()
        log.warning("article dead-lettered", extra={"reason": reason, "error": error[:300]})
        return await dead_topic.send(key=message.key, value=letter.to_bytes())

    async def assign(message: Any) -> tuple[Any, str | None]:
        """Assign one article and send it on; returns the send and the article id (``None``
        for what is not an article)."""
        if message.value is None:  # a withdrawn article: the indexer deletes it
            return await storied_topic.send(key=message.key, value=None), None
        try:
            fields = decode_fields(message.value, Article)
            facts = ArticleFacts.from_fields(fields)
        except (RecordError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, RecordError) else "invalid_article"
            return await dead_letter(message, reason, str(exc)), None
        with metrics.ASSIGN_SECONDS.time():
            assignment = index.assign(facts, message.offset)
        fields.update(storied_fields(assignment, story_record(assignment.story)))
        metrics.ARTICLES.labels("new" if assignment.member.seq == message.offset else "known").inc()
        log.info(
            "article assigned",
            extra={
                "article_id": facts.key,
                "story_id": assignment.story_id,
                "revision": assignment.revision,
                "story_articles": assignment.story.articles,
            },
        )
        sent = await storied_topic.send(key=message.key, value=orjson.dumps(fields))
        return sent, facts.key

    async def handle(events: list[Any]) -> None:
        pending: list[Any] = []
        assigned: list[str] = []
        for event in events:  # in the sequence's order
            sent, assigned_key = await assign(event.message)
            pending.append(sent)
            if assigned_key is not None:
                assigned.append(assigned_key)
        for future in pending:
            await future  # acknowledged by the broker (a failure raises: see below)
        # Recorded after the outputs, in order: a crash before this replays the batch.
        for key in assigned:
            members[key.encode()] = index.record(key)
        metrics.MEMBERS.set(len(index))

    # One actor: assignments happen strictly in the sequence's order.
    @app.agent(sequence_topic, name="newswire.stories.assign_stories", concurrency=1)
    async def assign_stories(stream: faust.StreamT[bytes]) -> None:
        async for events in stream.noack_take(BATCH_MAX, within=BATCH_WAIT_S):
            try:
                await handle(events)
            except Exception as exc:
                # The in-memory index now holds articles the table may not: restart the
                # worker, which rebuilds it from the table and replays from the commit.
                log.critical("story assignment failed: %r", exc, exc_info=True)
                await app.crash(exc)
                raise
            for event in events:
                await stream.ack(event)

    app.story_index = index
    return app
