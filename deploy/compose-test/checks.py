"""The compose test's helpers that are easier in Python than in shell (stdlib only).

    checks.py seed-story URL            the demo's seed story is searchable, with its fields
    checks.py revise-demo DIR MARKER    add the word MARKER to the first paragraph of every
                                        article of the demo site copy in DIR, in its encoding
    checks.py articles-with URL [MARKER]  prints how many demo articles the index holds (with
                                        the word MARKER in their text, when given)
    checks.py dead-letters              reads `newswire status --json` on stdin, prints the
                                        number of dead letters
    checks.py group SERVICE             reads the same, prints the state and member count of
                                        SERVICE's consumer group ("Stable 3")

URL is the search engine's published address, e.g. http://127.0.0.1:39200. Exit 1 with a
message when an assertion fails.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
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
    query = {
        "multi_match": {"query": "马克龙", "fields": ["title^2", "content"], "operator": "and"}
    }
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


def revise_demo(directory: str, marker: str) -> None:
    articles = sorted(Path(directory).glob("2025/*/*/ARTI*.shtml"))
    for path in articles:
        body = path.read_bytes()
        encoding = "utf-8"
        try:
            html = body.decode(encoding)
        except UnicodeDecodeError:
            encoding = "gbk"  # the demo's older-CMS page
            html = body.decode(encoding)
        end = html.index("</p>", html.index("<p>"))
        path.write_bytes((html[:end] + f" {marker}" + html[end:]).encode(encoding))
    print(f"revised {len(articles)} articles")


def articles_with(url: str, marker: str = "") -> None:
    filters: list[dict[str, Any]] = [{"term": {"site": SITE}}]
    if marker:
        filters.append({"match": {"text": marker}})
    query = {"bool": {"filter": filters}}
    body = {"query": query, "size": 0, "track_total_hits": True}
    print(search(url, body)["hits"]["total"]["value"])


def dead_letters() -> None:
    print(json.load(sys.stdin)["dead_letters"]["total"])


def group(service: str) -> None:
    found = next(g for g in json.load(sys.stdin)["groups"] if g["service"] == service)
    print(found["state"], found["members"])


def main() -> None:
    command, *args = sys.argv[1:] or ["help"]
    commands = {
        "seed-story": seed_story,
        "revise-demo": revise_demo,
        "articles-with": articles_with,
        "dead-letters": dead_letters,
        "group": group,
    }
    if command not in commands:
        sys.exit(__doc__)
    try:
        commands[command](*args)
    except urllib.error.HTTPError as exc:
        sys.exit(f"{exc.code} from the search engine: {exc.read()[:500]!r}")


if __name__ == "__main__":
    main()
