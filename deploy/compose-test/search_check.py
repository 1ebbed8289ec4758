"""The compose test's questions to the search engine, over plain HTTP on loopback (stdlib only).

    search_check.py seed-story URL           the demo's seed story is found, with its fields
    search_check.py articles-since URL TIME  prints how many demo articles were fetched at or
                                             after TIME (RFC 3339)

URL is the engine's published address, e.g. http://127.0.0.1:39200. Exit 1 with a message when
an assertion fails.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import Any

ALIAS = "newswire-articles"
SITE = "demo-cmg"
SEED_TITLE = "法国组织召开军方首脑会议 30余国讨论向乌派兵"


def search(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}/{ALIAS}/_search",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def seed_story(url: str) -> None:
    # The query docs/querying.md recommends; 马克龙 is only in the seed story's photo caption.
    query = {"multi_match": {"query": "马克龙", "fields": ["title^2", "content"], "operator": "and"}}
    hits = search(url, {"query": query, "size": 5})["hits"]["hits"]
    story = next((h["_source"] for h in hits if h["_source"].get("title") == SEED_TITLE), None)
    if story is None:
        sys.exit(f"seed story not found; hits: {[h['_source'].get('title') for h in hits]}")
    expected = {
        "published_at": "2025-03-12T00:50:00+08:00",
        "authors": ["马瑾瑾"],
        "editor": "王婷婷",
        "site": SITE,
        "lang": "zh",
    }
    wrong = {k: story.get(k) for k, v in expected.items() if story.get(k) != v}
    if wrong or not any("实时讯息" in s for s in story.get("section", [])):
        sys.exit(f"seed story has wrong fields: {wrong}, section {story.get('section')}")
    print(f"seed story found: {story['url']}")


def articles_since(url: str, since: str) -> None:
    query = {
        "bool": {
            "filter": [
                {"term": {"site": SITE}},
                {"range": {"fetched_at": {"gte": since}}},
            ]
        }
    }
    print(search(url, {"query": query, "size": 0, "track_total_hits": True})["hits"]["total"]["value"])


def main() -> None:
    command, url, *rest = sys.argv[1:]
    try:
        if command == "seed-story":
            seed_story(url)
        elif command == "articles-since":
            articles_since(url, rest[0])
        else:
            sys.exit(__doc__)
    except urllib.error.HTTPError as exc:
        sys.exit(f"{exc.code} from the search engine: {exc.read()[:500]!r}")


if __name__ == "__main__":
    main()
