"""What the story stage sends: the article's added fields, the Story record, its index action."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from newswire.indexer.documents import story_action_from_record
from newswire.records import Article, RecordError, Story
from newswire.stories.app import storied_fields
from newswire.stories.grouping import ArticleFacts, StoryIndex
from newswire.stories.records import story_record

TEXT = "江城地铁5号线今天上午正式开通试运营，线路全长38公里，共设车站24座，其中换乘站7座。" * 3


def test_a_storied_article_is_an_article_with_its_story() -> None:
    index = StoryIndex()
    published = datetime(2026, 11, 2, 8, tzinfo=UTC)
    facts = ArticleFacts(
        "a", 1, "h", TEXT, site="x", source="新华社", published_at=published, fetched_at=published
    )
    assignment = index.assign(facts, 7)
    record = story_record(assignment.story)
    article = {
        "type": "Article",
        "schema_version": 1,
        "id": "a",
        "url": "u",
        "canonical_url": "u",
        **storied_fields(assignment, record),
    }
    decoded = Article.from_bytes(orjson.dumps(article))
    assert decoded.story is not None and decoded.story.id == "a" and decoded.story.version == 7
    assert decoded.story.origin.source == "新华社" and decoded.revision == 0
    assert decoded.first_published_at == published
    assert Story.from_bytes(record) == decoded.story


def test_the_story_document_is_versioned_by_the_story_version() -> None:
    index = StoryIndex()
    assignment = index.assign(ArticleFacts("a", 1, "h", TEXT, site="x"), 41)
    action = story_action_from_record("stories", story_record(assignment.story), datetime.now(UTC))
    meta, doc = (orjson.loads(line) for line in action.lines.splitlines())
    assert meta["index"]["_id"] == "a" and meta["index"]["version"] == 41
    assert meta["index"]["version_type"] == "external_gte"
    assert doc["articles"] == 1 and doc["sites"] == 1 and "type" not in doc


def test_an_article_is_not_a_story() -> None:
    article = Article(id="a", url="u", canonical_url="u").to_bytes()
    with pytest.raises(RecordError):
        story_action_from_record("stories", article, datetime.now(UTC))
