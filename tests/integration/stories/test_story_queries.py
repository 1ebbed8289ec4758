"""Every example of docs/querying.md's "Stories" section runs against the real engine.

The sample articles go through the indexer's own code path with stories on (each article
brings its story's document), into the article alias and the story index beside it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from newswire.indexer.bulk_writer import BulkWriter
from newswire.indexer.documents import storied_actions
from newswire.indexer.index_design import ensure_index, ensure_story_index, story_alias
from newswire.records import Article, Story, StoryOrigin, utcnow
from newswire.search import SearchClient, connect
from newswire.settings import Settings
from tests.integration.indexer.test_querying_docs import Example, examples

NOW = datetime.now(UTC).replace(microsecond=0)
EXAMPLES = examples(stories=True)


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def story(
    story_id: str, version: int, articles: int, sites: int, seen: datetime, origin: str, site: str
) -> Story:
    return Story(
        id=story_id,
        version=version,
        articles=articles,
        sites=sites,
        first_seen_at=seen,
        origin=StoryOrigin(article_id=origin, site=site, published_at=seen, source="新华社"),
    )


# The metro story: founded by portal A's copy (it arrived first), though the wire published
# earlier; portal B corrected its copy an hour ago. The rain story: two reports, one site.
METRO = story("metro-portal-a", 12, 3, 3, ago(4), "metro-wire", "wire")
RAIN = story("rain-1", 9, 2, 1, ago(6), "rain-1", "portal-a")
OLD = story("old-1", 1, 1, 1, ago(48), "old-1", "portal-b")


def article(article_id: str, site: str, published: datetime, of: Story, **extra: object) -> Article:
    return Article(
        id=article_id,
        url=f"https://{site}.example/{article_id}",
        canonical_url=f"https://{site}.example/{article_id}",
        site=site,
        lang="zh",
        title=f"{article_id} 标题",
        published_at=published,
        first_published_at=extra.pop("first_published_at", published),
        fetched_at=published + timedelta(minutes=2),
        text="江城地铁5号线今天上午正式开通试运营。",
        source="新华社",
        story=of,
        version=int(published.timestamp() * 1000),
        **extra,  # type: ignore[arg-type]
    )


SAMPLES = [
    article("metro-wire", "wire", ago(5), METRO),
    article("metro-portal-a", "portal-a", ago(4), METRO),
    article("metro-portal-b", "portal-b", ago(1), METRO, revision=1, first_published_at=ago(3)),
    article("rain-1", "portal-a", ago(6), RAIN),
    article("rain-2", "portal-a", ago(2), RAIN),
    article("old-1", "portal-b", ago(48), OLD),
]


def test_the_stories_section_has_the_promised_examples() -> None:
    assert {e.title for e in EXAMPLES} >= {
        "Collapse hits by story",
        "Top stories of the last 24 hours by distinct sites",
        "All versions of one story",
        "Who broke it first",
    }


@pytest.fixture(scope="module")
async def sample_indices(settings: Settings) -> AsyncIterator[tuple[SearchClient, Settings]]:
    client = await connect(settings)
    await ensure_index(client, settings)
    await ensure_story_index(client, settings)
    writer = BulkWriter(client, settings, require_alias=True)
    # The indexer's own path with stories on: each article brings its story's document.
    actions = [
        action
        for a in SAMPLES
        for action in storied_actions(
            settings.index_alias, a.to_bytes(), utcnow(), story_target=story_alias(settings)
        )
    ]
    report = await writer.write(actions)
    # Members of one story bring the same story version: the engine keeps one (409s count).
    assert report.indexed + report.conflicts == len(actions) and not report.rejected
    await client.refresh(settings.index_alias)
    await client.refresh(story_alias(settings))
    yield client, settings
    await client.close()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.title}:{e.expect}")
async def test_example(example: Example, sample_indices: tuple[SearchClient, Settings]) -> None:
    client, settings = sample_indices
    path = example.path.lstrip("/").replace("newswire-articles", settings.index_alias, 1)
    result = await client.request(example.method, f"/{path}", body=example.body)
    kind, _, wanted = example.expect.partition(":")
    ids = [hit["_id"] for hit in result["hits"]["hits"]]
    expected = [i.strip() for i in wanted.split(",")]
    if kind.strip() == "in order":
        assert ids == expected
    else:
        assert sorted(ids) == sorted(expected)


async def test_an_older_story_snapshot_never_replaces_a_newer_one(
    sample_indices: tuple[SearchClient, Settings],
) -> None:
    client, settings = sample_indices
    writer = BulkWriter(client, settings, require_alias=True)
    stale = METRO.model_copy(update={"version": 5, "articles": 1, "sites": 1})
    late = SAMPLES[0].model_copy(update={"story": stale})  # a replay of an early member
    await writer.write(
        storied_actions(
            settings.index_alias, late.to_bytes(), utcnow(), story_target=story_alias(settings)
        )
    )
    doc = await client.request("GET", f"/{story_alias(settings)}/_doc/{METRO.id}")
    assert doc["_source"]["articles"] == 3 and doc["_version"] == 12
