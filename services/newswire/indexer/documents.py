"""Articles -> index documents and bulk action lines. Pure: no I/O, no clock.

Versioning. ``_id`` is the article id and the article's ``version`` (its fetch time in ms, then
the extractor version: parser/extract/version.py; monotonic per id) is the document's external
version with ``version_type=external_gte``:

* an older version never overwrites a newer one: the engine answers 409, which the writer
  counts as success (the index already holds something at least as new);
* a re-delivery of the same version (after a crash, a rebalance, a migration replay racing the
  live indexer) rewrites the same document: harmless;
* a re-parse of the same fetch by the same extractor (a dead letter replayed after a fix) keeps
  the version and therefore *does* replace the document, which plain ``external`` would refuse;
  a newer extractor's re-parse (``newswire reparse``) has a higher version and replaces it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson

from newswire.indexer.freshness import Timing, timing_of
from newswire.indexer.index_design import MAPPINGS
from newswire.records import Article, RecordError, decode_fields

VERSION_TYPE = "external_gte"

#: Only mapped fields go into the index (``outlinks`` stay in Kafka: they feed the crawler,
#: nobody searches them, and they are the bulk of a list page's record).
INDEXED_FIELDS: tuple[str, ...] = tuple(MAPPINGS["properties"])


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a message came from, for dead letters and for ordering within a batch."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True, slots=True)
class Action:
    """One bulk operation: the NDJSON lines for it and what it is about."""

    op: Literal["index", "delete"]
    doc_id: str
    version: int | None
    lines: bytes
    origin: Origin | None = None
    #: An article's site and times, for the freshness metrics (indexer/freshness.py).
    timing: Timing | None = None

    @property
    def size(self) -> int:
        return len(self.lines)


def to_document(article: Article, indexed_at: datetime) -> dict[str, Any]:
    """The document stored under ``_id = article.id``; dates keep their original UTC offset."""
    doc: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "site": article.site,
        "lang": article.lang,
        "page_type": article.page_type,
        "title": article.title,
        "section": list(article.section),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "fetched_at": article.fetched_at,
        "indexed_at": indexed_at,
        "authors": list(article.authors),
        "editor": article.editor,
        "source": article.source,
        "text": article.text,
        "headings": list(article.headings),
        "images": [{"url": i.url, "caption": i.caption} for i in article.images],
        "related": [{"title": r.title, "url": r.url} for r in article.related],
        "views": article.views,
        "length": article.length,
        "content_hash": article.content_hash,
        "simhash": article.simhash,
        "extractor": article.extractor,
        "warnings": list(article.warnings),
        "version": article.version,
        "revision": article.revision,
        "first_published_at": article.first_published_at,
        "story": article.story.model_dump(mode="json") if article.story else None,
    }
    # Leaving out empty values keeps documents small and `exists` queries meaningful.
    return {k: v for k, v in doc.items() if v is not None and v != [] and v != ""}


def _dumps(obj: Any) -> bytes:
    # orjson writes aware datetimes as RFC 3339 with their own offset (+08:00 stays +08:00).
    return orjson.dumps(obj)


def index_action(
    target: str, article: Article, indexed_at: datetime, origin: Origin | None = None
) -> Action:
    meta = {
        "index": {
            "_index": target,
            "_id": article.id,
            "version": article.version,
            "version_type": VERSION_TYPE,
        }
    }
    lines = _dumps(meta) + b"\n" + _dumps(to_document(article, indexed_at)) + b"\n"
    return Action("index", article.id, article.version, lines, origin)


def index_action_from_record(
    target: str, record: bytes, indexed_at: datetime, origin: Origin | None = None
) -> Action:
    """:func:`index_action` straight from an ``articles`` message, without building an Article.

    The indexer only moves fields from Kafka to the engine, and validating every field in
    Python cost more CPU than the rest of its own work; the mapping validates what is stored
    (a bad value comes back as a per-item error and becomes a dead letter with the engine's
    reason). The envelope, the id and the version are still checked here because the bulk
    request itself depends on them. Raises :class:`RecordError`.
    """
    return _article_action(target, decode_fields(record, Article), indexed_at, origin)


def _article_action(
    target: str, fields: dict[str, Any], indexed_at: datetime, origin: Origin | None
) -> Action:
    doc_id, version = fields.get("id"), fields.get("version", 0)
    if not isinstance(doc_id, str) or not doc_id:
        raise RecordError(f"invalid Article: id must be a non-empty string, got {doc_id!r}")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise RecordError(f"invalid Article: version must be an integer >= 0, got {version!r}")
    doc = {
        name: value
        for name in INDEXED_FIELDS
        if (value := fields.get(name)) is not None and value != [] and value != ""
    }
    doc["version"] = version
    doc["indexed_at"] = indexed_at
    meta = {
        "index": {"_index": target, "_id": doc_id, "version": version, "version_type": VERSION_TYPE}
    }
    lines = _dumps(meta) + b"\n" + _dumps(doc) + b"\n"
    return Action("index", doc_id, version, lines, origin, timing_of(fields))


def storied_actions(
    target: str,
    record: bytes,
    indexed_at: datetime,
    origin: Origin | None = None,
    *,
    story_target: str,
) -> list[Action]:
    """An ``articles.storied`` message: the article's document, and its story's document.

    Every change of a story comes with the article that caused it, carrying the story as it
    stood then (``version``: the change's place in the story sequence, monotonic per story).
    That version is the story document's external version, so whatever order members are
    indexed in, replayed or migrated, the story index keeps the newest snapshot; no message
    but the article's own is needed. Raises :class:`RecordError`.
    """
    fields = decode_fields(record, Article)
    actions = [_article_action(target, fields, indexed_at, origin)]
    story = fields.get("story")
    if story is not None:
        actions.append(story_action(story_target, story, indexed_at, origin))
    return actions


def story_action(
    target: str, story: Any, indexed_at: datetime, origin: Origin | None = None
) -> Action:
    """The story document ``_id = story id``, versioned by the story's ``version``."""
    if not isinstance(story, dict):
        raise RecordError(f"invalid story: expected an object, got {type(story).__name__}")
    story_id, version = story.get("id"), story.get("version")
    if not isinstance(story_id, str) or not story_id:
        raise RecordError(f"invalid story: id must be a non-empty string, got {story_id!r}")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise RecordError(f"invalid story: version must be an integer >= 0, got {version!r}")
    doc = {**story, "indexed_at": indexed_at}
    meta = {
        "index": {
            "_index": target,
            "_id": story_id,
            "version": version,
            "version_type": VERSION_TYPE,
        }
    }
    # `story:` keeps a story apart from its founding article (same id) when a batch keeps
    # one action per document (latest_per_id).
    return Action(
        "index", f"story:{story_id}", version, _dumps(meta) + b"\n" + _dumps(doc) + b"\n", origin
    )


def delete_action(target: str, doc_id: str, origin: Origin | None = None) -> Action:
    """For a tombstone (null value) on the compacted ``articles`` topic."""
    lines = _dumps({"delete": {"_index": target, "_id": doc_id}}) + b"\n"
    return Action("delete", doc_id, None, lines, origin)


def bulk_body(actions: Iterable[Action]) -> bytes:
    return b"".join(a.lines for a in actions)


def latest_per_id(actions: Sequence[Action]) -> list[Action]:
    """Keep one action per document: the one the index would end up with anyway.

    ``actions`` are in consumption order. A higher-or-equal version replaces a lower one; a
    delete replaces whatever came before it and is replaced by whatever comes after it. This
    only saves work: sending them all would give the same final index, thanks to versioning.
    """
    chosen: dict[str, Action] = {}
    for action in actions:
        previous = chosen.get(action.doc_id)
        if (
            previous is None
            or action.op == "delete"
            or previous.op == "delete"
            or (action.version or 0) >= (previous.version or 0)
        ):
            chosen[action.doc_id] = action
    return list(chosen.values())
