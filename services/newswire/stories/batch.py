"""``newswire stories --jsonl IN``: story ids for a file of articles, by the agent's own logic.

Input: Article JSON lines as ``newswire extract --jsonl`` writes them (``id`` is the line's
id, ``article_id`` the article's own). Output: one line ``{"id", "story_id"}`` per input
line, in input order. Lines are the story sequence: line *n* is what the agent would see at
offset *n*. An article id seen on an earlier line is the same article (a revision, or a
duplicate) and keeps its story. ``story_id`` is the ``id`` of the line that founded the
story; a line that is not an article (an extraction error, bad JSON) gets ``null`` and an
``error``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from newswire.stories.grouping import ArticleFacts, StoryIndex


def assign_lines(lines: Iterable[bytes], index: StoryIndex | None = None) -> Iterator[bytes]:
    index = index if index is not None else StoryIndex()
    line_of: dict[str, Any] = {}  # article id -> id of the line it first came on
    for seq, raw in enumerate(lines):
        line_id: Any = None
        try:
            fields = orjson.loads(raw)
            if not isinstance(fields, dict):
                raise ValueError("input line is not a JSON object")
            line_id = fields.get("id")
            if "error" in fields and not fields.get("text"):
                raise ValueError(f"not an article: {fields['error']}")
            key = fields.get("article_id") or line_id
            facts = ArticleFacts.from_fields(fields, key=str(key) if key is not None else None)
        except (orjson.JSONDecodeError, ValueError) as exc:
            yield orjson.dumps({"id": line_id, "story_id": None, "error": str(exc)[:300]})
            continue
        line_of.setdefault(facts.key, line_id)
        story_id = index.assign(facts, seq).story_id
        yield orjson.dumps({"id": line_id, "story_id": line_of.get(story_id, story_id)})
