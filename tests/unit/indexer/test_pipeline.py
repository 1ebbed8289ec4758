"""Planning a batch: decode, dead-letter what cannot be decoded, drop superseded versions."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from newswire.indexer.documents import Origin
from newswire.indexer.pipeline import plan
from newswire.records import Article

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def message(offset: int, value: bytes | None, key: bytes | None = b"a1") -> Origin:
    return Origin("p.articles", 1, offset, key, value)


def article_bytes(doc_id: str = "a1", version: int = 1) -> bytes:
    return Article(id=doc_id, url="u", canonical_url="u", version=version).to_bytes()


def test_articles_become_actions_against_the_target() -> None:
    planned = plan([message(0, article_bytes())], "alias", NOW)
    assert not planned.dead_letters
    assert [(a.op, a.doc_id, a.version) for a in planned.actions] == [("index", "a1", 1)]
    assert orjson.loads(planned.actions[0].lines.split(b"\n")[0])["index"]["_index"] == "alias"


def test_undecodable_and_unknown_versions_become_dead_letters_with_origin() -> None:
    future = orjson.loads(article_bytes())
    future["schema_version"] = 99
    planned = plan(
        [message(5, b"not json"), message(6, orjson.dumps(future)), message(7, article_bytes())],
        "alias",
        NOW,
    )
    assert [d.reason for d in planned.dead_letters] == ["undecodable", "unknown_schema_version"]
    first = planned.dead_letters[0]
    assert (first.stage, first.origin_topic, first.origin_partition, first.origin_offset) == (
        "index",
        "p.articles",
        1,
        5,
    )
    assert first.payload == b"not json"
    assert first.origin_key == b"a1"
    assert len(planned.actions) == 1


def test_tombstones_delete_and_superseded_versions_are_counted() -> None:
    planned = plan(
        [
            message(0, article_bytes("a1", 1)),
            message(1, article_bytes("a1", 2)),
            message(2, None, key=b"gone"),
            message(3, None, key=None),
        ],
        "alias",
        NOW,
    )
    assert [(a.op, a.doc_id, a.version) for a in planned.actions] == [
        ("index", "a1", 2),
        ("delete", "gone", None),
    ]
    assert planned.superseded == 1
    assert [d.reason for d in planned.dead_letters] == ["tombstone_without_key"]
