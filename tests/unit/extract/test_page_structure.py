"""The page type from the page's structure: where the teasers sit relative to the body, a
headline above a dated body, what the page's JSON-LD declares.

Each class has a decision-level test on :class:`PageEvidence` and an extractor-level test on
a small page of our own (no dev page is copied).
"""

from __future__ import annotations

from newswire.parser.extract import extract
from newswire.parser.extract.page_type import PageEvidence, decide, page_type

HTML = {"content-type": "text/html; charset=utf-8"}
#: No site evidence: the generic extractor decides alone.
URL = "https://news.example.org/world/story-{}.html"

PARAGRAPH = (
    "The council met on Tuesday to discuss the new budget, which includes money for roads, "
    "schools and the harbour. Members argued for several hours before the vote was taken. "
)


def _related_items(count: int) -> str:
    return "".join(
        f'<li><a href="/world/other-{n}.html">Other story number {n} in the news today</a>'
        f"<p>A summary of the other story number {n}, two lines long for the list.</p>"
        f"<span>2025-06-0{1 + n % 9} 10:00</span></li>"
        for n in range(count)
    )


def story_with_related_list(paragraphs: int, related: int) -> bytes:
    """A dated story under its headline, then an "Other news" list of teasers below it."""
    body = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(paragraphs))
    return (
        "<html><head><title>Council passes the budget</title></head><body>"
        '<div class="page"><h1>Council passes the budget</h1>'
        '<div class="info">2025-06-03 21:40</div>'
        f'<div class="text">{body}</div></div>'
        f'<div class="others"><h2>Other news</h2><ul>{_related_items(related)}</ul></div>'
        "</body></html>"
    ).encode()


def evidence(**overrides: object) -> PageEvidence:
    values: dict[str, object] = {
        "text": PARAGRAPH * 5,
        "lang": "en",
        "title": "Council passes the budget",
        "headline_shown": True,
        "dated": True,
        "article_metadata": False,
        "teaser_items": 25,
        "links": 60,
    }
    values.update(overrides)
    return PageEvidence(**values)  # type: ignore[arg-type]


# --- class: a related list after or beside a story does not make it a list -----------------


def test_a_long_story_with_many_teasers_around_it_is_an_article() -> None:
    kind, why = decide(evidence(teaser_chars_in_body=0))
    assert kind == "article"
    assert "around the body, not in it" in why


def test_a_long_body_made_of_teasers_is_a_list() -> None:
    text = PARAGRAPH * 5
    assert page_type(evidence(text=text, teaser_chars_in_body=len(text) // 2)) == "list"


def test_a_story_followed_by_twenty_teasers_is_an_article_in_the_extractor() -> None:
    result = extract(story_with_related_list(paragraphs=4, related=20), URL.format(1), HTML)
    article = result.article
    assert article is not None
    assert article.text.startswith("The council met")
    assert sum(1 for link in article.outlinks if link.summary) >= 15  # (the old list rule)
    assert article.page_type == "article", result.evidence["page_type"]
