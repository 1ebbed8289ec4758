"""What the story stage sends: the article's added fields, the Story record, its index action."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from newswire.indexer.documents import storied_actions
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


def test_a_storied_article_brings_its_story_document_versioned_by_the_story() -> None:
    index = StoryIndex()
    assignment = index.assign(ArticleFacts("a", 1, "h", TEXT, site="x"), 41)
    article = Article(id="a", url="u", canonical_url="u", version=3)
    storied = orjson.dumps(
        {
            **orjson.loads(article.to_bytes()),
            **storied_fields(assignment, story_record(assignment.story)),
        }
    )
    actions = storied_actions("articles", storied, datetime.now(UTC), story_target="stories")
    assert [a.doc_id for a in actions] == ["a", "story:a"]  # one id, two documents
    meta, doc = (orjson.loads(line) for line in actions[1].lines.splitlines())
    assert meta["index"] == {
        "_index": "stories",
        "_id": "a",
        "version": 41,
        "version_type": "external_gte",
    }
    assert doc["articles"] == 1 and doc["sites"] == 1 and doc["id"] == "a"


def test_an_article_without_a_story_brings_only_itself() -> None:
    article = Article(id="a", url="u", canonical_url="u").to_bytes()
    actions = storied_actions("articles", article, datetime.now(UTC), story_target="stories")
    assert [a.doc_id for a in actions] == ["a"]


def test_a_malformed_story_is_a_record_error() -> None:
    fields = {**orjson.loads(Article(id="a", url="u", canonical_url="u").to_bytes())}
    fields["story"] = {"id": "a"}  # no version
    with pytest.raises(RecordError):
        storied_actions("articles", orjson.dumps(fields), datetime.now(UTC), story_target="s")
