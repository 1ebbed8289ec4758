"""The page type from the page's structure: where the teasers sit relative to the body, a
headline above a dated body, what the page's JSON-LD declares.

Each class has a decision-level test on :class:`PageEvidence` and an extractor-level test on
a small page of our own (no dev page is copied).
"""

from __future__ import annotations

from newswire.parser.extract import extract
from newswire.parser.extract.page_type import PageEvidence, decide, declares_collection, page_type

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


# --- class: a short story above an "other news" list ---------------------------------------

SHORT_STORY = "市政府今天公布了新的公交线路调整方案，涉及十二条线路。调整将于下月一日起实施。"


def _other_news(count: int) -> str:
    return "".join(
        f'<div><h3><a href="/2025/06/0{1 + n % 9}/story-{n}.shtml">'
        f"其他新闻第{n}条标题内容示例</a></h3>"
        f"<p>这是其他新闻第{n}条的摘要，讲述了当天发生的事情，篇幅约两行。</p>"
        f"<span>2025-06-0{1 + n % 9} 08:00</span></div>"
        for n in range(count)
    )


def short_story_page(*, list_in_story: bool = False) -> bytes:
    """A two-sentence story under its headline, publish time and editor, then 8 teasers."""
    story = (
        "<h1>公交线路调整方案公布</h1>"
        "<div>发布时间:2025-06-03 21:40:00</div>"
        f"<p>{SHORT_STORY}</p><div>责任编辑:李明</div>"
    )
    teasers = f'<div class="items">{_other_news(8)}</div>'
    if list_in_story:
        main = f'<div class="main">{story}<h2>其他新闻</h2>{teasers}</div>'
    else:
        main = f'<div class="main">{story}</div><div class="more"><h2>其他新闻</h2>{teasers}</div>'
    return (
        "<html><head><title>公交线路调整方案公布_示例新闻网</title></head><body>"
        f"{main}</body></html>"
    ).encode()


def test_a_short_story_heading_the_main_content_keeps_its_teasers_after_it() -> None:
    listed = evidence(text=SHORT_STORY, lang="zh", teaser_items=8, links=12)
    assert page_type(listed) == "list"
    kind, why = decide(PageEvidence(**{**listed.__dict__, "headline_above_body": True}))
    assert kind == "article"
    assert "8 teasers after it" in why


def test_a_short_story_followed_by_other_news_is_an_article_in_the_extractor() -> None:
    result = extract(short_story_page(), URL.format(2), HTML)
    article = result.article
    assert article is not None
    assert article.text == SHORT_STORY
    assert sum(1 for link in article.outlinks if link.summary) == 8
    assert article.page_type == "article", result.evidence["page_type"]


def test_teasers_in_the_same_container_as_the_short_text_still_make_a_list() -> None:
    # The short text and the teasers share the main column: the teasers are the content.
    result = extract(short_story_page(list_in_story=True), URL.format(3), HTML)
    assert result.article is not None
    assert result.article.page_type == "list", result.evidence["page_type"]


# --- class: what the page's JSON-LD declares ------------------------------------------------


def test_a_declared_collection_is_a_list_however_long_its_text() -> None:
    kind, why = decide(evidence(teaser_items=2, declared_collection=True))
    assert kind == "list"
    assert "CollectionPage" in why
    # The site's own word still wins.
    assert page_type(evidence(declared_collection=True, site_says_article=True)) == "article"


def test_collection_and_story_types_are_told_apart() -> None:
    assert declares_collection({"collectionpage", "breadcrumblist"})
    assert declares_collection({"itemlist", "organization", "website"})
    assert not declares_collection({"newsarticle", "itemlist"})  # (a story with a carousel)
    assert not declares_collection({"webpage", "organization"})


def _page_with_json_ld(types: list[str]) -> bytes:
    ld = ",".join(f'{{"@context": "https://schema.org", "@type": "{t}"}}' for t in types)
    intro = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(5))
    items = "".join(
        f'<div><a href="/guides/{n}.html">A guide to the city number {n}</a></div>'
        for n in range(3)
    )
    return (
        "<html><head><title>City guides</title>"
        f'<script type="application/ld+json">[{ld}]</script></head><body>'
        f'<div class="page"><h1>City guides</h1>{intro}{items}</div></body></html>'
    ).encode()


def test_a_collection_page_with_a_long_intro_is_a_list_in_the_extractor() -> None:
    result = extract(_page_with_json_ld(["CollectionPage", "BreadcrumbList"]), URL.format(4), HTML)
    assert result.article is not None and len(result.article.text) >= 500
    assert result.article.page_type == "list", result.evidence["page_type"]
    story = extract(_page_with_json_ld(["NewsArticle", "ItemList"]), URL.format(5), HTML)
    assert story.article is not None and story.article.page_type == "article"


# --- class: a body made of repeated items (linked headline, date, summary) -----------------

SUMMARY = (
    "Researchers followed two hundred schools for three years and found that tutoring in "
    "small groups during the school day raised reading scores, while after-school sessions "
    "did little. The schools that kept the same tutor for each group saw the largest gains. "
)


def _items(count: int) -> str:
    return "".join(
        f'<div class="row"><h3><a href="/news/item-{n}.html">Tutoring study number {n} finds '
        f"gains in reading</a></h3><div>2025-11-{10 + n} | The Daily Example</div>"
        f"<p>Study {n}: {SUMMARY}</p><p>In study {n}, {SUMMARY.lower()}</p></div>"
        for n in range(count)
    )


def list_of_long_items(*, listicle: bool = False) -> bytes:
    """A news page whose items' summaries are too long for teasers; or, with ``listicle``,
    a story whose headline and intro head the same items."""
    if listicle:
        head = (
            "<h1>Eight tutoring studies worth reading</h1><div>2025-11-20</div>"
            f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
        )
        title = "Eight tutoring studies worth reading"
    else:
        head = ""
        title = "News"
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title if not listicle else ''}"
        f'</h1><div class="view">{head}{_items(8)}</div></body></html>'
    ).encode()


def test_a_body_of_repeated_items_without_a_headline_over_it_is_a_list() -> None:
    kind, why = decide(evidence(teaser_items=3, body_groups=8, body_items=8))
    assert kind == "list"
    assert "8 repeated items of 8" in why
    assert page_type(evidence(body_groups=8, body_items=8, headline_above_body=True)) == "article"
    assert page_type(evidence(teaser_items=3, body_groups=30, body_items=8)) == "article"


def test_a_page_of_long_news_items_is_a_list_in_the_extractor() -> None:
    result = extract(list_of_long_items(), URL.format(6), HTML)
    assert result.article is not None and len(result.article.text) >= 500
    assert result.article.page_type == "list", result.evidence["page_type"]


def test_a_listicle_under_its_headline_stays_an_article() -> None:
    result = extract(list_of_long_items(listicle=True), URL.format(7), HTML)
    assert result.article is not None
    assert result.article.page_type == "article", result.evidence["page_type"]


# --- a headline set as a plain line, not a heading element: the site's word ----------------
# (One dev page has this layout; it is no class of its own. A site with it says which URLs
# are articles, and its patterns make a page with a headline and a body one.)


def plain_line_headline_page(*, linked: bool = False) -> bytes:
    """A short dated story whose headline is a styled ``div``, not an h1–h3."""
    headline = "央行今日开展逆回购操作"
    shown = f'<a href="/news/1.html">{headline}</a>' if linked else headline
    return (
        f"<html><head><title>{headline}</title></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/news/">新闻</a></div>'
        f'<div class="article"><div class="title">{shown}</div>'
        "<div>发布时间： 2025-06-03 10:09:11</div>"
        f"<div>{SHORT_STORY}</div></div></body></html>"
    ).encode()


def test_a_short_story_under_a_plain_line_headline_is_an_article_by_the_sites_patterns() -> None:
    result = extract(plain_line_headline_page(), URL.format(8), HTML, url_is_article=True)
    assert result.article is not None and result.article.text == SHORT_STORY
    assert result.article.page_type == "article", result.evidence["page_type"]


def test_a_linked_line_is_not_the_pages_headline() -> None:
    result = extract(plain_line_headline_page(linked=True), URL.format(9), HTML)
    assert result.article is not None
    assert result.article.page_type == "other", result.evidence["page_type"]


# --- class: a body of headline cards ---------------------------------------------------------


def headline_cards_page(*, under_headline: bool = False) -> bytes:
    """A section page of cards, each a headline with an empty link laid over the card."""
    cards = "".join(
        f"<div class='card'><h3>Tech story number {n}: what the new rules mean, and who "
        f"they will affect first</h3><footer>{n + 1}h ago</footer>"
        f"<a href='/technology/story-{n}' aria-label='story {n}'></a></div>"
        for n in range(8)
    )
    if under_headline:  # a story's own headline over the same cards
        title, top, head = "What the new rules mean", "", "<h1>What the new rules mean</h1>"
    else:  # the section's name above the box of cards
        title, top, head = "Technology | Example News", "<div><h2>Technology</h2></div>", ""
    return (
        f"<html><head><title>{title}</title></head><body>{top}"
        f"<div class='section'>{head}{cards}</div></body></html>"
    ).encode()


def test_a_body_of_headings_is_a_list() -> None:
    kind, why = decide(evidence(teaser_items=0, body_blocks=8, body_headings=8))
    assert kind == "list"
    assert "8 of its 8 blocks headings" in why
    assert page_type(evidence(teaser_items=0, body_blocks=20, body_headings=8)) == "article"
    under = evidence(teaser_items=0, body_blocks=8, body_headings=8, headline_above_body=True)
    assert page_type(under) == "article"


def test_a_section_page_of_headline_cards_is_a_list_in_the_extractor() -> None:
    result = extract(headline_cards_page(), URL.format(10), HTML)
    assert result.article is not None and len(result.article.text) >= 500
    assert result.article.page_type == "list", result.evidence["page_type"]
    under = extract(headline_cards_page(under_headline=True), URL.format(11), HTML)
    assert under.article is not None
    assert under.article.page_type == "article", under.evidence["page_type"]
