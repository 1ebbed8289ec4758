"""What a page is — an article, a list of stories or something else — and whether it is junk.

The page type decides what the parser publishes: only articles reach the ``articles`` topic.
Two mistakes matter, and the rules here are shaped by both:

* a real story dropped because it is short. Flash news (快讯) and brief updates are 80–100
  Chinese characters; a length floor alone calls them ``other``. So length is only one kind
  of evidence: the site's own word (its ``article_patterns`` match the URL) makes any page
  with a headline and body text an article, and without it a short page is an article when
  its structure says so — a headline shown on the page, a body in the main content and a
  publish time (or ``og:type article`` / JSON-LD);
* a real story dropped because of the lists around it. Related, most-read and other-news
  lists give a story page 15–45 teaser items; what makes a list is teasers that *are* the
  main content (interleaved with the body's paragraphs), not teasers after or beside it.
  A short story whose headline heads the main content keeps the teasers that follow it;
* (the lesser harm) a list page published as an article. A list's items with long summaries
  read as a long body; the body's structure (repeated groups each led by another story's
  linked headline, or a body that is mostly headings, with no headline of the page above
  them) and the page's own JSON-LD (a CollectionPage or ItemList and no article type) tell
  it apart. Every rule here is structural; none names a site;
* junk published as an article: a body of one repeated character, binary noise, text with no
  words or sentences. :func:`junk_reason` names what is wrong with such a text so the page
  becomes a dead letter (``not_an_article``) instead;
* an error or login page served with ``200`` (a "soft 404") on an article URL: a short page
  whose title or first line says so (:mod:`error_page`) is ``other``, whatever the site's
  patterns say.

Nothing here does I/O or touches the tree; :mod:`pipeline` gathers the evidence.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from newswire.parser.extract.content import Content, inside
from newswire.parser.extract.dom import Block, Element
from newswire.parser.extract.error_page import error_page_reason
from newswire.parser.extract.titles import match_key

#: A body at least this long (CJK characters / other characters) is an article on length
#: alone, unless the page is a story list.
LONG_CJK, LONG_OTHER = 150, 500
#: With ``og:type article`` or JSON-LD, this much body is enough.
HINTED_CJK, HINTED_OTHER = 60, 200
#: A short story's body without site evidence: a headline, a publish time and this much text.
#: Below it a page is too thin to call an article on structure alone (a photo page's caption,
#: an error page's one line).
SHORT_CJK, SHORT_OTHER = 30, 100
#: Teaser items (repeated story-list entries) from which a page is a list; an article page's
#: sidebars hold fewer.
LIST_TEASERS = 5
MAX_ARTICLE_TEASERS = 15
#: A body of at least this many repeated items (each a linked headline and its summary),
#: making up this share of the body's groups, is a list's, unless the page's headline heads it.
LIST_BODY_ITEMS = 5
LIST_BODY_ITEM_SHARE = 0.85
#: A body this much of whose blocks are headings (h1–h6), with at least this many, is a
#: list of headline cards (a section page whose cards are links as a whole), unless the
#: page's headline heads it; an article's subheadings are a minority of its blocks.
LIST_BODY_HEADING_SHARE = 0.75
LIST_BODY_HEADINGS = 5
#: A long body stays a story however many teasers the page has, while the teaser text among
#: its paragraphs stays below this share of it: related, most-read and other-news lists sit
#: after or beside a story, a list page's "body" is its teasers' summaries.
MAX_TEASER_SHARE_IN_BODY = 0.25


#: JSON-LD types a page declares itself a list of things with.
COLLECTION_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage"})
#: JSON-LD types of a story (a WebPage is not one: every kind of page is a WebPage).
STORY_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "techarticle",
        "scholarlyarticle",
        "report",
    }
)


def declares_collection(ld_types: set[str]) -> bool:
    """The page's JSON-LD calls it a collection (CollectionPage, ItemList...) and no story.

    Article pages often carry an ItemList too (a carousel, a list of steps), beside their
    NewsArticle; a page whose only declared kinds are collections is a list page.
    """
    return not ld_types.isdisjoint(COLLECTION_TYPES) and ld_types.isdisjoint(STORY_TYPES)


@dataclass(frozen=True)
class PageEvidence:
    """What the pipeline found that bears on the page type."""

    #: The body text (paragraphs of the main content, or JSON-LD ``articleBody``).
    text: str
    lang: str | None
    title: str | None
    #: The title is shown on the page as a heading (h1–h3), not only in metadata.
    headline_shown: bool
    #: A publish (or update) time was found.
    dated: bool
    #: ``og:type`` is ``article`` or the page has JSON-LD.
    article_metadata: bool
    teaser_items: int
    links: int
    #: Text of teaser blocks between the body's first and last paragraph (the main content
    #: interleaved with story-list items), as opposed to teasers after or beside the body.
    teaser_chars_in_body: int = 0
    #: The shown headline heads the main content: it is inside the body's container, above
    #: the body (a list page's heading is its section's name, often outside the items' box).
    headline_above_body: bool = False
    #: The body's container holds teaser blocks: a story list shares the main content
    #: (read when ``headline_above_body``, the only case where it matters).
    container_has_teasers: bool = False
    #: The body grouped by the elements just below its blocks' common ancestor, and how many
    #: of those groups also hold a linked headline (another story's): the repeated items of
    #: a list (headline, date, summary) whose summaries read as a body.
    body_groups: int = 0
    body_items: int = 0
    #: The body's blocks, and how many of them are headings (h1–h6).
    body_blocks: int = 0
    body_headings: int = 0
    #: The JSON-LD declares a collection and no story (:func:`declares_collection`).
    declared_collection: bool = False
    #: The site's ``article_patterns`` match the URL.
    site_says_article: bool = False
    #: The site's extraction rules force a type.
    forced: str | None = None


def page_type(e: PageEvidence) -> str:
    """``article``, ``list`` or ``other``."""
    return decide(e)[0]


def decide(e: PageEvidence) -> tuple[str, str]:
    """The page type, and why (``newswire try`` shows the reason)."""
    if e.forced:
        return e.forced, f"site rule: page_type: {e.forced}"
    cjk = bool(e.lang and e.lang in ("zh", "ja", "ko"))
    short = len(e.text) < (LONG_CJK if cjk else LONG_OTHER)
    if (error_page := error_page_reason(e.title, e.text, short=short)) is not None:
        # A "soft 404" or a login wall: its headline and line of text are no story, even
        # on a URL the site calls an article.
        return "other", error_page
    if e.site_says_article and e.title and e.text:
        # The site says so and the page has a headline and a body: however short, a story.
        return "article", "the site's article_patterns match, with a headline and a body"
    length = len(e.text)
    if e.declared_collection:
        # The page's own markup says what it is, and a list page's intro or summaries can be
        # as long as a story. (Evidence the site's patterns and rules above outweigh.)
        return "list", (
            f"JSON-LD declares a collection (CollectionPage/ItemList) and no article, "
            f"{length} characters of body, {e.teaser_items} teasers"
        )
    long_from = LONG_CJK if cjk else LONG_OTHER
    long_enough = length >= long_from
    body = f"{length} characters of body"
    if _items_body(e):
        return "list", (
            f"{body} in {e.body_items} repeated items of {e.body_groups} (linked headline "
            f"and summary; list from {LIST_BODY_ITEMS}), no headline above them"
        )
    if _headlines_body(e):
        return "list", (
            f"{body}, {e.body_headings} of its {e.body_blocks} blocks headings (headline "
            f"cards; list from {LIST_BODY_HEADING_SHARE:.0%}), no headline above them"
        )
    if long_enough and e.teaser_items < MAX_ARTICLE_TEASERS:
        return "article", f"{body} (article from {long_from}), {e.teaser_items} teasers"
    if long_enough and e.teaser_chars_in_body < MAX_TEASER_SHARE_IN_BODY * length:
        # Many teasers, but not in the main content: a story with related lists around it.
        return "article", (
            f"{body} (article from {long_from}); its {e.teaser_items} teasers sit around the "
            f"body, not in it ({e.teaser_chars_in_body} characters of teasers among its "
            "paragraphs)"
        )
    if e.article_metadata and length >= (HINTED_CJK if cjk else HINTED_OTHER):
        return "article", f"og:type article or JSON-LD, and {body}"
    if _short_story(e, cjk):
        where = f", its {e.teaser_items} teasers after it" if e.teaser_items >= LIST_TEASERS else ""
        return "article", f"a short story: shown headline, publish time, {body}{where}"
    if e.teaser_items >= LIST_TEASERS:
        return "list", f"{e.teaser_items} teaser items (list from {LIST_TEASERS}), {body}"
    if long_enough:
        return "article", f"{body}, although {e.teaser_items} teasers"
    if e.links >= 20:
        return "list", f"{e.links} links (list from 20), {body}"
    return "other", f"only {body}, {e.teaser_items} teasers and {e.links} links"


@dataclass(frozen=True)
class Layout:
    """Where the story's parts sit on the page: the structural part of :class:`PageEvidence`
    (the fields of the same names there)."""

    headline_shown: bool
    teaser_chars_in_body: int
    headline_above_body: bool
    container_has_teasers: bool
    body_groups: int
    body_items: int
    body_blocks: int
    body_headings: int


def read_layout(blocks: list[Block], body: Content, title: str | None) -> Layout:
    """The page's :class:`Layout`, from its blocks and the body found in them."""
    container, first = body.container, body.first
    headline = shown_headline(blocks, title)
    headline_above_body = (
        headline is not None
        and container is not None
        and 0 <= headline.index < first
        and inside(headline, container)
    )
    # (Read only where it can matter, under a headline heading the body: a pass over every
    # block of the page.)
    container_has_teasers = (
        headline_above_body
        and container is not None
        and any(b.teaser and not b.boiler and inside(b, container) for b in blocks)
    )
    groups, items = body_items(blocks, body.blocks, title)
    return Layout(
        headline_shown=headline is not None,
        teaser_chars_in_body=teaser_chars(blocks, first, body.last),
        headline_above_body=headline_above_body,
        container_has_teasers=container_has_teasers,
        body_groups=groups,
        body_items=items,
        body_blocks=len(body.blocks),
        body_headings=sum(1 for b in body.blocks if b.heading),
    )


def _short_story(e: PageEvidence, cjk: bool) -> bool:
    """A short body with an article's structure: shown headline, body, publish time.

    The teasers of a page with a story list count against it, unless the headline heads
    the main content with the body under it: then the list is the story's "other news".
    """
    return (
        e.headline_shown
        and e.dated
        and len(e.text) >= (SHORT_CJK if cjk else SHORT_OTHER)
        and (
            e.teaser_items < LIST_TEASERS or (e.headline_above_body and not e.container_has_teasers)
        )
    )


def _items_body(e: PageEvidence) -> bool:
    """The body is a run of story-list items: a list page whose items the teaser marking
    missed (their summaries are too long for teasers).

    A listicle article has the same items, but under its own headline, which heads the
    main content: a list page's items sit under a section name, or none.
    """
    return (
        e.body_items >= LIST_BODY_ITEMS
        and e.body_items >= LIST_BODY_ITEM_SHARE * e.body_groups
        and not e.headline_above_body
    )


def _headlines_body(e: PageEvidence) -> bool:
    """The body is mostly headings: headline cards, each with a line or two under it."""
    return (
        e.body_headings >= LIST_BODY_HEADINGS
        and e.body_headings >= LIST_BODY_HEADING_SHARE * e.body_blocks
        and not e.headline_above_body
    )


def body_items(blocks: list[Block], body: list[Block], title: str | None) -> tuple[int, int]:
    """How many groups the body's blocks fall into, and how many hold a linked headline.

    A group is the element just below the body blocks' common ancestor that holds them
    (each paragraph of an article body is usually its own group; a list's items hold a
    headline, a date and a summary each). A linked headline is a line of 8–300 characters,
    at least half link text, that is not the page's own title, between the body's start
    (three blocks before it, where the first item's headline sits) and its end.
    """
    chains = [b.chain for b in body if b.chain]
    if len(chains) < 2:
        return len(chains), 0
    # The common ancestors: the longest prefix all chains share, leaving each its own
    # element below it. The blocks are in page order, so that is the prefix the first and
    # the last share (their common ancestor holds everything between them).
    shortest = min(map(len, chains)) - 1
    head, tail = chains[0], chains[-1]
    depth = 0
    while depth < shortest and head[depth] is tail[depth]:
        depth += 1
    groups = {c[depth] for c in chains}
    common = head[:depth]
    in_body = set(body)
    title_key = match_key(title)
    headed: set[Element] = set()
    first, last = body[0].index, body[-1].index
    for b in blocks[max(0, first - 3) : last + 1]:
        link = b.link_chars
        if link < 4 or b.boiler or b in in_body:
            continue  # (most blocks: paragraphs with no or few link characters)
        n = len(b.text)
        chain = b.chain
        if (
            not 8 <= n <= 300
            or link < 0.5 * n
            or len(chain) <= depth
            or chain[depth] not in groups
            or chain[:depth] != common
        ):
            continue
        key = match_key(b.text)
        if title_key and key and (key == title_key or (len(key) >= 6 and key in title_key)):
            continue  # the page's own headline, linked to itself
        headed.add(chain[depth])
    return len(groups), len(headed)


def teaser_chars(blocks: list[Block], start: int, end: int) -> int:
    """Text of the teaser blocks (outside furniture) from block ``start`` to ``end``.

    Blocks are in page order and ``Block.index`` is the position, so this reads only that
    span (the body's, a few dozen blocks).
    """
    if start < 0:
        return 0
    return sum(len(b.text) for b in blocks[start : end + 1] if b.teaser and not b.boiler)


def shown_headline(blocks: list[Block], title: str | None) -> Block | None:
    """The heading (h1–h3) on the page that reads as the title, if there is one."""
    key = match_key(title)
    if not key:
        return None
    for block in blocks:
        if 1 <= block.heading <= 3 and not block.boiler:
            shown = match_key(block.text)
            if shown and (shown == key or (len(shown) >= 6 and shown in key)):
                return block
    return None


# --- junk -----------------------------------------------------------------------------------

#: How much of a text is judged (junk shows itself in the first pages of it).
_SAMPLE_CHARS = 5_000
#: Shorter texts are not judged: too little to tell noise from a terse page.
_MIN_JUDGED = 50
#: Undecodable (U+FFFD) or control characters beyond this share: binary, not text.
_MAX_NOISE_SHARE = 0.02
#: One character making up this share of the text: ``xxxxxxxx``.
_MAX_ONE_CHAR_SHARE = 0.8
#: Text compressing below this ratio repeats a few characters over and over (real prose,
#: Chinese or not, stays above 0.2).
_MIN_COMPRESSION_RATIO = 0.05
_MIN_COMPRESSION_JUDGED = 2000
#: A text this long with no space and no punctuation has no words or sentences.
_MIN_UNBROKEN = 1000
#: Undecodable input (U+FFFD) and control characters other than whitespace.
_SENTENCE_MARKS = re.compile(r"[.,;:!?。，；：！？、]")
_NOISE = re.compile(r"[\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f]")


def junk_reason(text: str) -> str | None:
    """Why ``text`` is not a story's text (one line), or None when it may be one.

    Runs on every page, so real text costs two scans and one fast compression of a sample;
    characters are counted only in a text already suspect.
    """
    sample = text[:_SAMPLE_CHARS]
    # The usual page is long, has no noise and shows enough at its start to be judged:
    # it goes straight to the compression test, without gathering the visible characters.
    usual = (
        len(sample) >= _MIN_COMPRESSION_JUDGED
        and _NOISE.search(sample) is None
        and len("".join(sample[:200].split())) >= _MIN_JUDGED
    )
    if not usual:
        visible = "".join(sample.split())
        if len(visible) < _MIN_JUDGED:
            return None
        if _NOISE.search(visible):
            noise = len(_NOISE.findall(visible))
            if noise > _MAX_NOISE_SHARE * len(visible):
                return f"binary noise: {noise / len(visible):.0%} undecodable or control characters"
        if len(sample) < _MIN_COMPRESSION_JUDGED:
            # Too short for compression to tell: look for one character repeated.
            return _one_character(visible)
    raw = sample.encode("utf-8", "replace")
    ratio = len(zlib.compress(raw, 1)) / len(raw)
    if ratio >= _MIN_COMPRESSION_RATIO:
        if " " in sample or "\n" in sample:
            return None  # (not unbroken: the sample has whitespace)
        return _unbroken("".join(sample.split()), len(sample))
    return _one_character("".join(sample.split())) or (
        f"the same few characters repeated (compresses to {ratio:.1%})"
    )


def _one_character(visible: str) -> str | None:
    # A character making up most of the text is at some of eight evenly spread places;
    # counting those few candidates is much cheaper than counting every character.
    step = max(len(visible) // 8, 1)
    for char in set(visible[::step]):
        count = visible.count(char)
        if count >= _MAX_ONE_CHAR_SHARE * len(visible):
            return f"one character repeated: {char!r} is {count / len(visible):.0%} of the text"
    return None


def _unbroken(visible: str, sample_length: int) -> str | None:
    """A long text with no space and no sentence punctuation (letters, base64) is no prose."""
    if len(visible) < _MIN_UNBROKEN or len(visible) != sample_length:
        return None
    if _SENTENCE_MARKS.search(visible):
        return None
    return "no words or sentences: no space or sentence punctuation in the text"
