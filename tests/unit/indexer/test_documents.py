"""Articles become index documents and bulk lines; versioning metadata is always there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from newswire.indexer.documents import (
    INDEXED_FIELDS,
    Origin,
    delete_action,
    index_action,
    index_action_from_record,
    latest_per_id,
    to_document,
)
from newswire.records import Article, Image, Link, Outlink, RecordError

CST = timezone(timedelta(hours=8))
NOW = datetime(2025, 3, 12, 1, 0, tzinfo=UTC)


def article(**overrides: object) -> Article:
    values: dict[str, object] = {
        "id": "a1",
        "url": "https://news.example.cn/a/1.html",
        "canonical_url": "https://news.example.cn/a/1.html",
        "site": "example",
        "lang": "zh",
        "title": "法国组织召开军方首脑会议",
        "section": ["国际", "实时讯息"],
        "published_at": datetime(2025, 3, 12, 0, 50, tzinfo=CST),
        "authors": ["马瑾瑾"],
        "editor": "王婷婷",
        "text": "法国总统马克龙出席会议。",
        "images": [Image(url="https://img.example.cn/1.jpg", caption="会议现场")],
        "related": [Link(title="相关报道", url="https://news.example.cn/a/2.html")],
        "outlinks": [Outlink(url="https://news.example.cn/a/3.html")],
        "version": 1741711800000,
    }
    values.update(overrides)
    return Article(**values)  # type: ignore[arg-type]


def test_document_has_only_mapped_fields_and_keeps_the_utc_offset() -> None:
    doc = orjson.loads(orjson.dumps(to_document(article(), NOW)))
    assert set(doc) <= set(INDEXED_FIELDS)
    assert "outlinks" not in doc
    assert doc["published_at"] == "2025-03-12T00:50:00+08:00"
    assert doc["indexed_at"] == "2025-03-12T01:00:00+00:00"
    assert doc["authors"] == ["马瑾瑾"]
    assert doc["editor"] == "王婷婷"
    assert doc["section"] == ["国际", "实时讯息"]
    assert doc["images"] == [{"url": "https://img.example.cn/1.jpg", "caption": "会议现场"}]
    assert doc["related"] == [{"title": "相关报道", "url": "https://news.example.cn/a/2.html"}]
    assert doc["version"] == 1741711800000


def test_empty_values_are_left_out() -> None:
    doc = to_document(article(editor=None, authors=[], title=None, text=""), NOW)
    assert not {"editor", "authors", "title", "text", "updated_at"} & set(doc)


def test_index_action_uses_article_id_and_external_gte_version() -> None:
    action = index_action("alias", article(), NOW)
    meta_line, doc_line, rest = action.lines.split(b"\n")
    assert rest == b""
    meta = orjson.loads(meta_line)
    assert meta == {
        "index": {
            "_index": "alias",
            "_id": "a1",
            "version": 1741711800000,
            "version_type": "external_gte",
        }
    }
    assert orjson.loads(doc_line)["id"] == "a1"
    assert action.size == len(action.lines)


def test_delete_action_is_one_line() -> None:
    action = delete_action("alias", "a1")
    assert action.lines == b'{"delete":{"_index":"alias","_id":"a1"}}\n'
    assert action.op == "delete"


def _origin(offset: int) -> Origin:
    return Origin("articles", 0, offset, b"k", b"v")


def test_latest_per_id_keeps_the_newest_version_whatever_the_order() -> None:
    old = index_action("x", article(version=1), NOW, _origin(1))
    new = index_action("x", article(version=3), NOW, _origin(2))
    older_again = index_action("x", article(version=2), NOW, _origin(3))
    other = index_action("x", article(id="b", version=1), NOW, _origin(4))
    kept = latest_per_id([old, new, older_again, other])
    assert [(a.doc_id, a.version) for a in kept] == [("a1", 3), ("b", 1)]


def test_latest_per_id_orders_deletes_by_position() -> None:
    indexed = index_action("x", article(version=5), NOW, _origin(1))
    deleted = delete_action("x", "a1", _origin(2))
    assert latest_per_id([indexed, deleted]) == [deleted]
    again = index_action("x", article(version=6), NOW, _origin(3))
    assert latest_per_id([indexed, deleted, again]) == [again]


def _normalised(doc_line: bytes) -> dict[str, object]:
    # The record carries pydantic's "Z" for UTC where orjson writes "+00:00": same instant.
    doc = orjson.loads(doc_line)
    return {k: v.replace("Z", "+00:00") if k.endswith("_at") else v for k, v in doc.items()}


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"editor": None, "authors": [], "title": None, "text": "", "images": [], "related": []},
        {"published_at": datetime(2025, 3, 12, tzinfo=UTC), "views": 0, "version": 0},
        {"updated_at": datetime(2025, 3, 13, 9, 30, tzinfo=CST), "warnings": ["no_date"]},
    ],
)
def test_the_action_built_from_the_record_equals_the_one_built_from_the_article(
    changes: dict[str, object],
) -> None:
    a = article(**changes)
    direct = index_action("alias", a, NOW)
    from_record = index_action_from_record("alias", a.to_bytes(), NOW)
    assert (from_record.doc_id, from_record.version) == (direct.doc_id, direct.version)
    direct_meta, direct_doc, _ = direct.lines.split(b"\n")
    record_meta, record_doc, _ = from_record.lines.split(b"\n")
    assert orjson.loads(record_meta) == orjson.loads(direct_meta)
    assert _normalised(record_doc) == _normalised(direct_doc)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (b"not json", "undecodable"),
        (b'{"type":"RawPage","schema_version":1,"id":"a"}', "unexpected_record_type"),
        (b'{"type":"Article","schema_version":9,"id":"a"}', "unknown_schema_version"),
        (b'{"type":"Article","schema_version":1,"url":"u"}', "undecodable"),
        (b'{"type":"Article","schema_version":1,"id":"a","version":"7"}', "undecodable"),
        (b'{"type":"Article","schema_version":1,"id":"a","version":-1}', "undecodable"),
    ],
)
def test_a_record_that_cannot_make_a_bulk_action_raises_with_its_reason(
    record: bytes, reason: str
) -> None:
    with pytest.raises(RecordError) as caught:
        index_action_from_record("alias", record, NOW)
    assert caught.value.reason == reason
