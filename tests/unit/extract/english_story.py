"""A small English story page of our own for extraction tests: numbered paragraphs of one
sentence ("Part 0." ... ) inside <main><article>, a header naming the site, and places for
head tags, lines above the story and furniture after it."""

from __future__ import annotations

P = "The council voted on the plan after a long debate about costs and schedules. "


def paras(n: int, start: int = 0) -> str:
    return "".join(f"<p>{P * 3} Part {i}.</p>" for i in range(start, start + n))


def page(
    head: str = "", top: str = "", after: str = "", body: str = "", site: str = "Site"
) -> bytes:
    return (
        f"<html lang='en'><head>{head}</head><body><header><a href='/'>{site}</a></header>"
        f"<main><article>{top}{body or paras(5)}</article>{after}</main></body></html>"
    ).encode()
