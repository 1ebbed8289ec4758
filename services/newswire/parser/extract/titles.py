"""The article's title, and the key texts are compared by.

A page names its story several times: og:title, JSON-LD headline, <title> (usually with the
site's name appended) and the headline shown in an <h1>. The shown headline is the title;
the metadata titles only say which heading that is. The comparison key (``match_key``) lives
here because titles are what it was made for; the byline, section and visible-field readers
use it too, to tell the headline, the site's name and the outlet from other text.
"""

from __future__ import annotations

import html
import re
import unicodedata

from newswire.parser.extract import content as content_mod
from newswire.parser.extract import dom
from newswire.parser.extract.date_choice import DATE_CANDIDATE, has_date_candidate
from newswire.parser.extract.dom import Element, text_of
from newswire.parser.extract.metadata import Metadata, ld_value
from newswire.parser.extract.rules import ExtractionRules, rule_text

# What templates join the headline, section and site name with in a <title>: dashes, bars,
# colons, dots, bullets, guillemets, slashes and tildes between spaces ("Headline « Site",
# "Headline :: Site", "Headline / Site", "Headline • Site").
_TITLE_SEPARATORS = re.compile(
    r"\s+(?:[-|–—:·»«•~/]|::)\s+|\s*[|｜_]\s*|\s*--+\s*|\s*——\s*|\s*－\s*"
)


_SITE_BRACKETED = re.compile(r"\s*[(\[](?P<site>[^()\[\]]{2,60})[)\]]\s*$")
_SITE_LABEL = re.compile(r"^(?P<site>[^:]{2,60}):\s+")

# Keys of short texts already keyed: the title, section and byline stages compare the same
# lines (and the headline) with one another, a few dozen times a page.
_KEYS: dict[str, str] = {}
_KEYS_MAX = 4096
_KEYED_LENGTH = 500


def match_key(text: str | None) -> str:
    """The text as compared: word characters only, NFKC, lower-cased ("" for none)."""
    if not text:
        return ""
    key = _KEYS.get(text)
    if key is None:
        key = dom.word_chars(unicodedata.normalize("NFKC", text)).lower()
        if len(text) <= _KEYED_LENGTH:
            if len(_KEYS) >= _KEYS_MAX:
                _KEYS.clear()
            _KEYS[text] = key
    return key


def has_match_key(text: str, key: str) -> bool:
    """``match_key(text) == key``, without keying the whole of a long ASCII text (a paragraph)
    whose start already differs: in ASCII the key of a prefix is a prefix of the key."""
    if text.isascii() and len(text) > len(key) and not key.startswith(match_key(text[: len(key)])):
        return False
    return match_key(text) == key


def _strip_site_suffix(title: str, md: Metadata) -> str:
    site = match_key(md.get("site_name") or md.get("app_name"))
    if site:
        # The site's name in brackets after the headline ("Headline (Site)", "Headline
        # [Site]") or as a colon's label before it ("Site: Headline"): only the known name
        # is cut, as a bracket or a colon is just as often the headline's own.
        m = _SITE_BRACKETED.search(title) or _SITE_LABEL.match(title)
        if m is not None and match_key(m["site"]) == site:
            title = title[: m.start()] + title[m.end() :]
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p and p.strip()]
    if len(parts) <= 1:
        return title.strip()
    kept = [p for p in parts if not site or match_key(p) != site]
    if not kept:
        return title.strip()
    # The headline is the longest part (site names and sections are short).
    return max(kept, key=len).strip()


def find_title(
    md: Metadata,
    blocks: list[dom.Block],
    container: Element | None,
    rules: ExtractionRules | None,
    root: Element,
    url: str = "",
) -> str | None:
    """The article's title; ``url`` is the page's address (a headline may link to it)."""
    ruled = rule_text(rules, "title", root)
    if ruled:
        return ruled
    return _tidy_title(_page_title(md, blocks, container, url))


def _tidy_title(title: str | None) -> str | None:
    """Undo a CMS's double escaping (``Tips &#038; Tricks``) and drop the site or
    section a template printed after a pipe into the headline itself."""
    if not title:
        return title
    if "&" in title and ";" in title:
        title = html.unescape(title)
    if " | " in title:
        parts = [p.strip() for p in _PIPE.split(title) if p.strip()]
        if parts:
            # The headline is the longest part (site names and sections are short).
            title = max(parts, key=len)
    return title


_PIPE = re.compile(r"\s+\|\s+")


def _page_title(
    md: Metadata, blocks: list[dom.Block], container: Element | None, url: str
) -> str | None:
    refs = [
        r
        for r in (
            md.get("og_title"),
            ld_value(md, "headline"),
            md.get("twitter_title"),
            md.title_tag,
        )
        if r
    ]
    ref_keys = [match_key(r) for r in refs]
    # The page's own paths (never the site's root), which a headline may link to.
    pages = tuple(path for address in (url, md.canonical) if address and (path := _path(address)))
    # (A headline is an <h1> or <h2>: only those all link are asked whether they link to
    # the story, not the dozens of teaser headings of a list page.)
    headings = [
        b
        for b in blocks
        if b.heading
        and 4 <= len(b.text) <= 200
        and (b.link_density < 0.9 or (b.heading <= 2 and _permalink(b, pages)))
    ]
    # Headings all link that link to the story itself (their indexes).
    permalinked = {b.index for b in headings if b.heading <= 2 and b.link_density >= 0.9}
    first_prose: int | None = None
    for level in ((1,), (2, 3, 4, 5, 6)):
        if level[0] == 2:
            first_prose = _first_prose(blocks, container)
            lone = _lone_h1(headings, refs, first_prose, permalinked)
            if lone is not None:
                return lone
        partial: str | None = None
        for b in headings:
            if b.heading not in level:
                continue
            k = match_key(b.text)
            if len(k) < 4:
                continue
            if any(k == rk or (len(rk) >= 8 and rk in k) for rk in ref_keys):
                return _headline(b)
            # A heading the metadata title holds only part of gives way to one it names
            # whole, further down (a subheading may repeat the SEO title's words).
            if (
                partial is None
                and any(k in rk and len(k) >= 0.4 * len(rk) for rk in ref_keys)
                and not (level[0] == 2 and _site_part(b, k, refs, first_prose))
            ):
                partial = _headline(b)
        if partial is not None:
            return partial
    # Non-heading elements with a title-ish class (old CMS templates use <div class=title>).
    for b in blocks:
        cls = (b.el.get("class") or "") + " " + (b.el.get("id") or "")
        if "title" in cls.lower() and 4 <= len(b.text) <= 120 and b.link_density < 0.5:
            k = match_key(b.text)
            if any(k == rk or (len(k) >= 6 and k in rk) for rk in ref_keys):
                return b.text
    shown = _similar_h1(headings, refs, permalinked)
    if shown is not None:
        return shown
    for ref in refs[:3]:
        if ref != md.title_tag:
            return _strip_site_suffix(ref, md)
    # Generic <title> (site name only): the heading right before the body, or the one
    # opening it (a long headline in a lesser heading reads as prose) when the <title>
    # shares no word with it, so cannot be naming a story that heading words differently,
    # and the story follows it: in a list of stories, headings of its level recur within
    # a few lines.
    if first_prose is not None:
        end = first_prose
        opening = blocks[first_prose]
        if (
            opening.heading
            and md.title_tag
            and not _words(opening.text) & _words(md.title_tag)
            and not any(b.heading == opening.heading for b in blocks[end + 1 : end + 7])
        ):
            end += 1
        for b in reversed(blocks[max(0, first_prose - 15) : end]):
            if (
                (b.heading or _titled_apart(b, md.title_tag))
                and 5 <= len(b.text) <= 100
                and b.link_density < 0.5
                and (md.title_tag is None or match_key(b.text) != match_key(md.title_tag))
                and not _meta_line(b.text)
            ):
                return b.text
    if md.title_tag:
        return _shown_part(md.title_tag, blocks, first_prose) or _strip_site_suffix(
            md.title_tag, md
        )
    h1 = next((b.text for b in headings if b.heading == 1), None)
    return h1


# A byline: "By" (or "Written by", "Posted by") and a capitalised name.
_BYLINE = re.compile(
    r"(?:(?:written|posted|words)\s+)?by:?\s+(?-i:[A-Z])\w*[.'’-]?\w*\s+(?-i:[A-Z])", re.I
)


def _meta_line(text: str) -> bool:
    """Whether a heading over the story is its byline or its date, which templates set in
    heading elements too (``<h3>By Jane Doe, Columnist</h3>``, ``<h4>November 21, 2023
    </h4>``), not a headline."""
    if _BYLINE.match(text):
        return True
    m = DATE_CANDIDATE.search(text) if has_date_candidate(text) else None
    return m is not None and len(text) - len(m.group()) <= 15


def _shown_part(title: str, blocks: list[dom.Block], first_prose: int | None) -> str | None:
    """The part of the <title> the page shows as a line of its own above the story.

    Templates join the headline, channel and site names with separators of every kind
    ("标题 :: 频道 :: 网站", "频道丨标题", "网站-标题"): rather than knowing them all, find
    the line above the body that the <title> holds, at least half of it (the channel and
    site names around the headline are shorter than it). The longest such line wins.
    """
    key = match_key(title)
    if len(key) < 8:
        return None
    # (The first prose block itself too: a long headline with punctuation reads as prose.)
    end = first_prose + 1 if first_prose is not None else min(len(blocks), 200)
    best: dom.Block | None = None
    best_len = 0
    for b in blocks[max(0, end - 31) : end]:
        if not 4 <= len(b.text) <= 120 or b.link_density >= 0.5:
            continue
        k = match_key(b.text)
        if len(k) > best_len and len(k) >= 6 and 2 * len(k) >= len(key) and k in key:
            best, best_len = b, len(k)
    return best.text if best is not None else None


def _titled_apart(b: dom.Block, title_tag: str | None) -> bool:
    """A line classed as the title (``<div class="rumor-title">``) that shares not one pair
    of characters with the <title>: that names only the site and channel ("科普中国-辟谣
    文章"), so the line is the headline (a generic <title> says nothing against it)."""
    cls = b.el.get("class") or b.el.get("id")
    if not cls or "title" not in cls.lower() or not title_tag:
        return False
    shown, named = match_key(b.text), match_key(title_tag)
    if len(shown) < 8 or (b.text.isascii() and len(b.text.split()) < 3):
        return False  # (a label: "PROGRAM", "Reviews")
    return not {shown[i : i + 2] for i in range(len(shown) - 1)} & {
        named[i : i + 2] for i in range(len(named) - 1)
    }


def _site_part(b: dom.Block, key: str, refs: list[str], first_prose: int | None) -> bool:
    """Whether a heading below where the body starts is the site's name: the part of a
    ``Section - Site`` title after the last separator. A headline stands over its story;
    a sidebar or footer heading below it may repeat the site's name."""
    if first_prose is None or b.index <= first_prose:
        return False
    for ref in refs:
        parts = [p for p in _TITLE_SEPARATORS.split(ref) if p.strip()]
        if len(parts) > 1 and key in match_key(parts[-1]):
            return True
    return False


def _permalink(b: dom.Block, pages: tuple[str, ...]) -> bool:
    """Whether a heading that is all link links to the story itself: blog themes wrap the
    headline in a link to its own permalink (``<h1 class="entry-title"><a href="...">``),
    where a heading linking elsewhere is another story's teaser (``rel=bookmark`` says
    nothing: themes put it on related stories' links too). ``pages`` are the paths of the
    page's own address and its canonical one. (Asked only of the headings all link: on a
    list page, dozens, so the cheapest tests come first.)"""
    link = next(b.el.iter("a"), None)
    href = link.get("href") if link is not None else None
    if not href or not any(path in href for path in pages):
        return False
    return _path(href) in pages and sum(1 for _ in b.el.iter("a")) == 1


def _path(address: str) -> str:
    """The path of a URL, absolute or relative, without its last slash ("" for none)."""
    rest = address.strip()
    if "://" in rest:
        rest = rest.split("://", 1)[1]
    elif rest.startswith("//"):
        rest = rest[2:]
    else:
        return _PATH_END.split(rest, 1)[0].rstrip("/") if rest.startswith("/") else ""
    slash = rest.find("/")
    return _PATH_END.split(rest[slash:], 1)[0].rstrip("/") if slash >= 0 else ""


_PATH_END = re.compile(r"[?#]")


def _headline(b: dom.Block) -> str:
    """A heading's text as the headline: without the date a <time> element inside it shows
    (``<h1><a href=...><time>Dec 18 2025</time> Headline</a></h1>``)."""
    for time_el in b.el.iter("time"):
        shown = " ".join(text_of(time_el).split())
        if shown and shown in b.text:
            return " ".join(b.text.replace(shown, " ", 1).split()) or b.text
    return b.text


def _the_h1s(headings: list[dom.Block], permalinked: set[int]) -> list[dom.Block]:
    """The page's <h1> headlines, the same one printed twice counted once (a hero banner
    over the page and the article's header both show the headline): the last of them, the
    one nearest the story."""
    h1s = [b for b in headings if b.heading == 1 and _unlinked(b, permalinked)]
    if len(h1s) > 1 and len({match_key(b.text) for b in h1s}) == 1:
        return h1s[-1:]
    return h1s


def _unlinked(b: dom.Block, permalinked: set[int]) -> bool:
    """A heading that reads as a headline, not a link: mostly plain text, or linked to its
    own story."""
    return b.link_density < 0.5 or b.index in permalinked


def _first_prose(blocks: list[dom.Block], container: Element | None) -> int | None:
    """Where the body's prose starts: the first prose block in the container."""
    if container is None:
        return None
    return next(
        (b.index for b in blocks if content_mod.is_prose(b) and content_mod.inside(b, container)),
        None,
    )


_TITLE_STOPWORDS = frozenset(
    {"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from"}
    | {"is", "are", "what", "how", "why", "your", "you", "our", "my", "this", "that", "these"}
    | {"those", "it", "its", "be", "as", "vs"}
)


def _lone_h1(
    headings: list[dom.Block], refs: list[str], first_prose: int | None, permalinked: set[int]
) -> str | None:
    """The page's one <h1> above the body when it is about what the metadata title is about.

    The SEO title (og:title, <title>) often words the story differently from the headline
    the reader sees ("Top 11 SEO Strategies for 2025" over "11 SEO Strategies for 2025 to
    Boost Rankings"), and a section heading in the body may repeat part of the SEO title:
    the shown headline is the one <h1> standing over the body, if it shares at least two
    content words with a metadata title. An <h1> further down is a pull quote or a widget.
    """
    if first_prose is None or not refs:
        return None
    h1s = _the_h1s(headings, permalinked)
    if len(h1s) != 1 or h1s[0].index > first_prose + 3:
        return None
    words = _words(h1s[0].text) - _TITLE_STOPWORDS
    if len(words) < 2:
        return None
    if max(len(words & _words(r)) for r in refs) < 2:
        return None
    return _headline(h1s[0])


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def _similar_h1(headings: list[dom.Block], refs: list[str], permalinked: set[int]) -> str | None:
    """The page's one headline when it says much the same as the metadata's title.

    Editors often write a different SEO title (og:title, <title>) from the headline the
    reader sees ("Top 11 SEO Strategies for 2025" over "11 SEO Strategies for 2025 to
    Boost Rankings"): the shown headline is the article's title. A lone <h1> sharing most
    of its words with a metadata title is that headline; a logo or section <h1> shares
    few, and several <h1>s say nothing about which one is the headline.
    """
    h1s = _the_h1s(headings, permalinked)
    if len(h1s) != 1 or not refs:
        return None
    text = h1s[0].text
    words = _words(text)
    if len(words) < 3:
        return None
    best = max(len(words & _words(r)) for r in refs)
    if best >= 3 and best >= 0.5 * len(words):
        return _headline(h1s[0])
    return None
