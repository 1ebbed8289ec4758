"""A story snapshot as a ``Story`` record (the ``story`` of a storied article). Pure."""

from __future__ import annotations

from newswire.records import Story, StoryOrigin
from newswire.stories.grouping import StorySnapshot


def story_record(snapshot: StorySnapshot) -> bytes:
    return Story(
        id=snapshot.id,
        version=snapshot.version,
        articles=snapshot.articles,
        sites=snapshot.sites,
        first_seen_at=snapshot.first_seen_at,
        origin=StoryOrigin(
            article_id=snapshot.origin_article_id,
            site=snapshot.origin_site,
            published_at=snapshot.origin_published_at,
            source=snapshot.origin_source,
            source_credits=snapshot.origin_source_credits,
        ),
    ).to_bytes()
