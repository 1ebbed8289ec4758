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
TEMPLATE_VERSION = 3

#: Everything a reader sees as prose — headline, subheadings, body, photo captions — is also
#: copied into one `content` field, so a single full-text query finds a name that only a
#: caption mentions (version 2 added it).
_CONTENT = "content"

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


#: A story's fields: on each article (``story``, as it stood when the article was assigned)
#: and in the story document beside the articles (as it stands).
STORY_FIELDS: dict[str, Any] = {
    "id": {"type": "keyword"},
    "version": {"type": "long"},
    "articles": {"type": "integer"},
    "sites": {"type": "integer"},
    "first_seen_at": {"type": "date"},
    "origin": {
        "type": "object",
        "properties": {
            "article_id": {"type": "keyword"},
            "site": {"type": "keyword"},
            "published_at": {"type": "date"},
            "source": {"type": "keyword"},
            "source_credits": {"type": "integer"},
        },
    },
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
        _CONTENT: _text(),
        "title": _text(
            copy_to=_CONTENT,
            fields={
                "english": {"type": "text", "analyzer": "english"},
                "keyword": {**_KEYWORD, "ignore_above": 1024},
            },
        ),
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
        "source": {
            "type": "keyword",
            "fields": {"text": {"type": "text", "analyzer": "newswire_text"}},
        },
        "text": _text(copy_to=_CONTENT),
        "headings": _text(copy_to=_CONTENT),
        "images": {
            "type": "object",
            "properties": {
                "url": {"type": "keyword", "index": False, "doc_values": False},
                "caption": {"type": "text", "analyzer": "newswire_text", "copy_to": _CONTENT},
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
        # Version 3: the story stage's fields (issue 15). `story` is the story as it stood
        # when this version of the article was assigned; sizes only grow, so the newest
        # member (highest `story.version`) carries the story as it stands.
        "revision": {"type": "integer"},
        "first_published_at": {"type": "date"},
        "story": {
            "type": "object",
            "properties": STORY_FIELDS,
        },
    },
}


#: The refresh interval readers get; a migration fills a new index with refresh off first.
REFRESH_INTERVAL = "1s"


def template_body(settings: Settings, version: int = TEMPLATE_VERSION) -> dict[str, Any]:
    """The index template; ``version`` is a parameter only so tests can install an older one."""
    return {
        "index_patterns": [f"{settings.index_alias}-*"],
        "version": version,
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": settings.index_shards,
                "number_of_replicas": settings.index_replicas,
                "refresh_interval": REFRESH_INTERVAL,
                "analysis": ANALYSIS,
            },
            "mappings": {**MAPPINGS, "_meta": {"template_version": version}},
        },
        "_meta": {"owner": "newswire", "template_version": version},
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


async def installed_template_version(client: SearchClient, settings: Settings) -> int | None:
    """The version of the template stored in the cluster (None when there is none)."""
    try:
        result = await client.request("GET", f"/_index_template/{template_name(settings)}")
    except SearchError as exc:
        if exc.status == 404:
            return None
        raise
    for entry in result.get("index_templates", []):
        if entry.get("name") == template_name(settings):
            return int(entry["index_template"].get("version") or 0)
    return None


async def put_template(
    client: SearchClient, settings: Settings, version: int = TEMPLATE_VERSION
) -> None:
    """Install the template unless the cluster already holds a newer one.

    During a rolling upgrade an indexer still running the old code must not put the old
    template back over the new one (the next index would then get the old mapping).
    """
    installed = await installed_template_version(client, settings)
    if installed is not None and installed > version:
        return
    await client.request(
        "PUT",
        f"/_index_template/{template_name(settings)}",
        body=template_body(settings, version),
    )


async def index_template_version(client: SearchClient, index: str) -> int:
    """The template version an existing index was created with (0 when unknown)."""
    result = await client.request("GET", f"/{index}/_mapping")
    meta = result.get(index, {}).get("mappings", {}).get("_meta", {})
    return int(meta.get("template_version") or 0)


async def write_index(client: SearchClient, alias: str) -> str | None:
    """The index the alias writes to (its ``is_write_index``, or its only index)."""
    try:
        result = await client.request("GET", f"/_alias/{alias}")
    except SearchError as exc:
        if exc.status == 404:
            return None
        raise
    if len(result) == 1:
        return next(iter(result))
    for index, entry in sorted(result.items()):
        if entry.get("aliases", {}).get(alias, {}).get("is_write_index"):
            return index
    return None


async def generations(client: SearchClient, settings: Settings) -> list[str]:
    """Every concrete index of this alias's family (``<alias>-NNNNNN``), oldest first."""
    result = await client.request(
        "GET", f"/{settings.index_alias}-*", params={"expand_wildcards": "open,closed"}
    )
    family = re.compile(re.escape(settings.index_alias) + r"-\d{6}")
    return sorted(name for name in result if family.fullmatch(name))


async def ensure_index(client: SearchClient, settings: Settings) -> str:
    """Create the template and the first index behind the alias, if missing; idempotent.

    Returns the index the alias currently points at.
    """
    await put_template(client, settings)
    current = await write_index(client, settings.index_alias)
    if current:
        return current
    first = index_name(settings, 1)
    try:
        await client.request(
            "PUT",
            f"/{first}",
            body={"aliases": {settings.index_alias: {"is_write_index": True}}},
        )
    except SearchError as exc:
        # Another indexer replica created it first, or a first index lost its alias.
        if exc.status != 400 or "resource_already_exists" not in str(exc.body):
            raise
        if await write_index(client, settings.index_alias) is None:
            await client.request(
                "POST",
                "/_aliases",
                body={
                    "actions": [
                        {
                            "add": {
                                "index": first,
                                "alias": settings.index_alias,
                                "is_write_index": True,
                            }
                        }
                    ]
                },
            )
    return first


async def describe(client: SearchClient, settings: Settings) -> dict[str, Any]:
    """What ``newswire index info`` and ``newswire status`` show about the index.

    Plain JSON-able data: the alias, the index it writes to, every generation with its doc
    count and template version, and the freshness of the newest document.
    """
    alias = settings.index_alias
    current = await write_index(client, alias)
    readers = set(await alias_targets(client, alias))
    indices = []
    for name in await generations(client, settings):
        stats = await client.request("GET", f"/{name}/_count")
        indices.append(
            {
                "name": name,
                "docs": int(stats["count"]),
                "template_version": await index_template_version(client, name),
                "in_alias": name in readers,
                "write_index": name == current,
            }
        )
    info: dict[str, Any] = {
        "alias": alias,
        "write_index": current,
        "template_version": {
            "code": TEMPLATE_VERSION,
            "installed": await installed_template_version(client, settings),
            "write_index": await index_template_version(client, current) if current else None,
        },
        "indices": indices,
        "docs": None,
        "newest_fetched_at": None,
        "newest_indexed_at": None,
    }
    if readers:
        result = await client.search(
            alias,
            {
                "size": 0,
                "track_total_hits": True,
                "aggs": {
                    "fetched": {"max": {"field": "fetched_at"}},
                    "indexed": {"max": {"field": "indexed_at"}},
                },
            },
        )
        info["docs"] = int(result["hits"]["total"]["value"])
        aggs = result.get("aggregations", {})
        info["newest_fetched_at"] = aggs.get("fetched", {}).get("value_as_string")
        info["newest_indexed_at"] = aggs.get("indexed", {}).get("value_as_string")
    return info


# --- the story index (issue 15) ----------------------------------------------------------
#
# One document per story beside the articles: `_id` is the story id, `_version` the story's
# `version` (its place in the story sequence at its latest change, monotonic). Each article
# on `articles.storied` brings its story as it stood after the article's assignment, so the
# document is always the newest snapshot and earlier members need no rewrite. Its alias is
# the article alias plus `.stories` (outside the articles' `<alias>-*` family, so neither
# template nor migration touches the other). It is derived data the live indexer keeps;
# `index migrate` rebuilds the article index only.

STORY_TEMPLATE_VERSION = 1

STORY_MAPPINGS: dict[str, Any] = {
    "dynamic": "false",
    "_meta": {"template_version": STORY_TEMPLATE_VERSION},
    "properties": {**STORY_FIELDS, "indexed_at": {"type": "date"}},
}


def story_alias(settings: Settings) -> str:
    return f"{settings.index_alias}.stories"


async def ensure_story_index(client: SearchClient, settings: Settings) -> str:
    """Create the story template and the first story index behind its alias; idempotent."""
    alias = story_alias(settings)
    await client.request(
        "PUT",
        f"/_index_template/{alias}",
        body={
            "index_patterns": [f"{alias}-*"],
            "version": STORY_TEMPLATE_VERSION,
            "priority": 200,
            "template": {
                "settings": {
                    "number_of_shards": settings.index_shards,
                    "number_of_replicas": settings.index_replicas,
                    "refresh_interval": REFRESH_INTERVAL,
                },
                "mappings": STORY_MAPPINGS,
            },
            "_meta": {"owner": "newswire", "template_version": STORY_TEMPLATE_VERSION},
        },
    )
    current = await write_index(client, alias)
    if current:
        return current
    first = f"{alias}-000001"
    try:
        await client.request(
            "PUT", f"/{first}", body={"aliases": {alias: {"is_write_index": True}}}
        )
    except SearchError as exc:
        # Another indexer replica created it first.
        if exc.status != 400 or "resource_already_exists" not in str(exc.body):
            raise
    return first
