"""The search index other teams query: template, mapping, analyzers, and the alias behind it.

Readers and the indexer use only the alias (``settings.index_alias``, e.g. ``newswire-articles``);
the concrete indices are ``<alias>-000001``, ``<alias>-000002``... A change to the template
bumps :data:`TEMPLATE_VERSION`; ``newswire index migrate`` then fills the next index from the
``articles`` topic and swaps the alias atomically.

The same template works on Elasticsearch 8 and OpenSearch 2: it uses only the composable
``_index_template`` API and analysis components both ship (``analysis-common``). To use a
dictionary-based Chinese analyzer where a cluster has one, replace the tokenizer of
``newswire_text`` with ``smartcn_tokenizer`` (analysis-smartcn plugin) or ``ik_max_word``
(IK plugin), bump the version and migrate.
"""

from __future__ import annotations

import re
from typing import Any

from newswire.search import SearchClient, SearchError
from newswire.settings import Settings

#: Bump on any change below; the number is stored in the template and the index metadata.
TEMPLATE_VERSION = 1

_KEYWORD = {"type": "keyword", "ignore_above": 512}

ANALYSIS: dict[str, Any] = {
    "analyzer": {
        # CJK text becomes overlapping bigrams (the analysis-common `cjk` analyzer's approach,
        # which needs no dictionary), other scripts become lower-cased words; width-folding
        # makes full-width Latin letters and digits match their ASCII forms.
        "newswire_text": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["cjk_width", "lowercase", "cjk_bigram"],
        },
    },
    "normalizer": {
        "newswire_lowercase": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
    },
}


def _text(**extra: Any) -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "newswire_text",
        "fields": {"english": {"type": "text", "analyzer": "english"}},
        **extra,
    }


MAPPINGS: dict[str, Any] = {
    "dynamic": "false",
    "_meta": {"template_version": TEMPLATE_VERSION},
    "properties": {
        "id": {"type": "keyword"},
        "url": {"type": "keyword", "ignore_above": 2048},
        "canonical_url": {"type": "keyword", "ignore_above": 2048},
        "site": {"type": "keyword"},
        "lang": {"type": "keyword"},
        "page_type": {"type": "keyword"},
        "title": _text(fields={
            "english": {"type": "text", "analyzer": "english"},
            "keyword": {**_KEYWORD, "ignore_above": 1024},
        }),
        "section": {"type": "keyword"},
        "published_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "fetched_at": {"type": "date"},
        "indexed_at": {"type": "date"},
        "authors": {
            "type": "keyword",
            "fields": {"text": {"type": "text", "analyzer": "newswire_text"}},
        },
        "editor": {"type": "keyword"},
        "source": {"type": "keyword", "fields": {"text": {"type": "text", "analyzer": "newswire_text"}}},
        "text": _text(),
        "headings": _text(),
        "images": {
            "type": "object",
            "properties": {
                "url": {"type": "keyword", "index": False, "doc_values": False},
                "caption": {"type": "text", "analyzer": "newswire_text"},
            },
        },
        "related": {
            "type": "object",
            "properties": {
                "title": {"type": "text", "analyzer": "newswire_text"},
                "url": {"type": "keyword", "ignore_above": 2048},
            },
        },
        "views": {"type": "long"},
        "length": {"type": "integer"},
        "content_hash": {"type": "keyword"},
        "simhash": {"type": "keyword"},
        "extractor": {"type": "keyword"},
        "warnings": {"type": "keyword"},
        "version": {"type": "long"},
    },
}


def template_body(settings: Settings) -> dict[str, Any]:
    return {
        "index_patterns": [f"{settings.index_alias}-*"],
        "version": TEMPLATE_VERSION,
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": settings.index_shards,
                "number_of_replicas": settings.index_replicas,
                "refresh_interval": "1s",
                "analysis": ANALYSIS,
            },
            "mappings": MAPPINGS,
        },
        "_meta": {"owner": "newswire", "template_version": TEMPLATE_VERSION},
    }


def template_name(settings: Settings) -> str:
    return settings.index_alias


def index_name(settings: Settings, generation: int) -> str:
    return f"{settings.index_alias}-{generation:06d}"


def generation_of(index: str) -> int:
    match = re.search(r"-(\d{6})$", index)
    return int(match.group(1)) if match else 0


async def alias_targets(client: SearchClient, alias: str) -> list[str]:
    """The concrete indices behind ``alias`` (empty when the alias does not exist)."""
    try:
        result = await client.request("GET", f"/_alias/{alias}")
    except SearchError as exc:
        if exc.status == 404:
            return []
        raise
    return sorted(result)


async def put_template(client: SearchClient, settings: Settings) -> None:
    await client.request(
        "PUT", f"/_index_template/{template_name(settings)}", body=template_body(settings)
    )


async def ensure_index(client: SearchClient, settings: Settings) -> str:
    """Create the template and the first index behind the alias, if missing; idempotent.

    Returns the index the alias currently points at.
    """
    await put_template(client, settings)
    targets = await alias_targets(client, settings.index_alias)
    if targets:
        return targets[-1]
    first = index_name(settings, 1)
    try:
        await client.request(
            "PUT",
            f"/{first}",
            body={"aliases": {settings.index_alias: {"is_write_index": True}}},
        )
    except SearchError as exc:
        # Another indexer replica created it first.
        if exc.status != 400 or "resource_already_exists" not in str(exc.body):
            raise
    return first
