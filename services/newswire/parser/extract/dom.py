"""Text (or a page's own UTF-8 bytes) to a bounded lxml tree, cleaning, and the page as a
list of text blocks.

Every later stage works on :class:`Block` s — runs of visible text between block-level
boundaries, in reading order, each with its owning element, link share and flags — so
the tree is walked once per page. Limits keep hostile input cheap: the text handed to
libxml2 is capped, libxml2 itself stops at 256 levels of nesting (without HUGE), and the
walk stops after a fixed number of elements.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from newswire.parser.extract import compiled

#: Characters of decoded text handed to the parser; the rest is dropped with a warning.
MAX_CHARS = 2_000_000
#: Elements visited by the block walk; a real news page has a few thousand.
MAX_NODES = 40_000

#: The element type of our trees (plain etree: lxml.html's class lookup costs a Python
#: call per element proxy, which is a fifth of the walk).
Element = etree._Element

_PARSER = etree.HTMLParser(
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    recover=True,
    collect_ids=False,
    encoding="utf-8",
)

# Never visible text.
DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "option",
        "textarea",
        "input",
        "link",
        "meta",
        "title",
        "audio",
        "video",
        "track",
        "map",
        "area",
    }
)
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "tr",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "nav",
        "aside",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "address",
        "hr",
        "br",
        "center",
        "form",
        "fieldset",
        "legend",
        "body",
        "html",
        "details",
        "summary",
        "menu",
    }
)
HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BOLD_TAGS = frozenset({"strong", "b"})
# Tags the walk treats specially (everything else is plain inline markup).
_NOT_PLAIN = BLOCK_TAGS | BOLD_TAGS | {"a"}
# Elements whose whole subtree is page furniture whatever it contains.
BOILER_TAGS = frozenset({"nav", "aside", "footer", "menu"})
# class/id words of furniture: sidebars, comments, share bars, footers, recommendations.
# Searched on lower-cased text (a case-insensitive search is several times slower).
_BOILER_WORDS = (
    r"comments?|comment-?list|reply|replies|sidebar|side-?bar|footer|foot|"
    r"copyright|share|sharing|social|recommend|related|relate|hot-?news|hotnews|rank|"
    r"ranking|advert|ads?|ad-?box|banner|nav|navbar|menu|breadcrumbs?|crumbs?|topbar|"
    r"subscribe|newsletter|promo|sponsor|popular|most-?read|trending|tags|tag-?list|tag-?cloud|pager|"
    r"pagination|login|signup|modal|cookie|disclaimer|outbrain|taboola|widget|qr-?code|ecode|weixin|"
    r"wechat|app-?download|download-?app|author-?bio|about-?author|author-?info|bio"
)
#: A furniture word standing alone (between separators or the ends of the text).
_BOILER_ATTR = re.compile(r"(?<![^\s_-])(?:" + _BOILER_WORDS + r")(?:$|[\s_-])")


def _by_first_letter(words: str) -> str:
    """``a1|b1|a2`` as ``a(?:1|2)|b(?:1)``: the regex engine then tries one group per
    position instead of every word."""
    groups: dict[str, list[str]] = {}
    for word in words.split("|"):
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rest)})" for first, rest in groups.items())


#: The same searched in " " + text (about three times faster): a pattern starting with a
#: character class lets the engine skip to the separators, and the words are grouped.
_BOILER_AFTER_SEP = re.compile(r"[\s_-](?:" + _by_first_letter(_BOILER_WORDS) + r")(?:$|[\s_-])")
# Landmarks whose class lists are generated (WordPress: "post tag-foo category-bar"):
# never judged by class.
_STRUCTURAL = frozenset({"article", "main", "body", "html"})
_BYLINE_WORDS = ("author", "byline", "writer", "reporter", "contributor")
_CRUMB_WORDS = ("crumb", "position", "location", "daohang", "mbx", "curpos", "weizhi", "dqwz")


class Caseless:
    """A case-insensitive pattern, written in lower case, with a fast test for ASCII text.

    ``search`` is the pattern compiled with IGNORECASE. ``found_in`` gives the same answer,
    but searches lower-cased ASCII text with the pattern compiled without IGNORECASE (in
    ASCII the two agree): the regex engine can then skip to the first letters of the words
    instead of trying every branch at every position, several times faster on long URLs
    and style attributes. Other text keeps IGNORECASE, because "İ", "ı", "ſ" and the Kelvin
    sign fold onto ASCII letters.
    """

    __slots__ = ("_lower", "search")

    def __init__(self, pattern: str) -> None:
        self.search = re.compile(pattern, re.IGNORECASE).search
        self._lower = re.compile(pattern).search

    def found_in(self, text: str) -> bool:
        if text.isascii():
            return self._lower(text.lower()) is not None
        return self.search(text) is not None


_HIDDEN_STYLE = Caseless(r"display\s*:\s*none|visibility\s*:\s*hidden")


def is_hidden_style(style: str) -> bool:
    """A style attribute that hides the element (display: none, visibility: hidden)."""
    return _HIDDEN_STYLE.found_in(style)


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)


@dataclass(slots=True, eq=False)
class Block:
    """One run of visible text between block boundaries."""

    el: Element
    text: str
    link_chars: int
    #: 1-6 for h1-h6, 0 otherwise.
    heading: int
    #: The whole text is bold (a subheading in many CMSs).
    bold: bool
    #: Inside nav/aside/footer or an element whose class/id says furniture.
    boiler: bool
    index: int = 0
    #: Set by the content stage: inside a repeated teaser item of a story list.
    teaser: bool = False
    #: Ancestors whose class/id says furniture; whether they really are depends on how
    #: much of the page's prose they hold (Blogger wraps the post in "widget Blog").
    suspects: tuple[Element, ...] = ()
    #: Punctuation count, computed on first use.
    punct: int = -1
    #: The block's element and its ancestors, root first (ancestor tests without lxml
    #: calls: ``container in b.chain``).
    chain: tuple[Element, ...] = ()
    #: The text with its elements apart, read on first use (see visible_fields).
    apart: str | None = None

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass
class Page:
    root: Element
    warnings: list[str] = field(default_factory=list)


def parse_html(text: str, utf8: bytes | None = None) -> Page | None:
    """Parse decoded text; None when there is no document at all.

    ``utf8`` is ``text`` encoded as UTF-8 when the caller has it (the page's own bytes),
    which spares encoding a large text again.
    """
    warnings: list[str] = []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        utf8 = None
        warnings.append("input_truncated")
    decl = _XML_DECL.match(text)
    if decl is not None:
        text = text[decl.end() :]
        utf8 = None
    if not text or text.isspace():
        return None
    data = utf8 if utf8 is not None else text.encode("utf-8", errors="replace")
    return _parse(data, warnings, utf8_checked=True)


# Whitespace as str.isspace() has it among ASCII characters (bytes.isspace() leaves out
# the four separators \x1c-\x1f).
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def parse_utf8(data: bytes) -> Page | None:
    """Parse a page's own bytes, when they should be UTF-8, without decoding them first.

    Gives the tree :func:`parse_html` gives for ``data.decode("utf-8")``, or None when it
    cannot tell: the bytes hold invalid UTF-8 (libxml2 reports that as it reads them),
    are longer than MAX_CHARS, or start with something parse_html would look at as text
    (an XML declaration, non-ASCII whitespace, nothing). The caller then decodes the page
    and calls parse_html.
    """
    if len(data) > MAX_CHARS:
        return None
    # The first character that is not whitespace, when it is ASCII and opens no "<?",
    # tells parse_html's tests apart: the text is not blank and has no XML declaration.
    # (Looked for near the start only: stripping the page itself would copy it.)
    start = data[:256].lstrip(_ASCII_SPACE)[:2]
    if not start or start[0] >= 0x80 or start == b"<?":
        return None
    return _parse(data, [], utf8_checked=False)


def _parse(data: bytes, warnings: list[str], utf8_checked: bool) -> Page | None:
    """The tree of UTF-8 bytes; None without a document, or (unless ``utf8_checked``)
    when the bytes are not valid UTF-8."""
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    errors = _PARSER.error_log
    if not utf8_checked and (
        len(errors) >= _MAX_REPORTED or any(e.type == _INVALID_ENCODING for e in errors)
    ):
        return None
    for entry in errors:
        if "Excessive depth" in entry.message or "huge" in entry.message.lower():
            warnings.append("too_deep_truncated")
            break
    return Page(root, warnings)


_INVALID_ENCODING = etree.ErrorTypes.ERR_INVALID_ENCODING
#: libxml2 reports the first 100 errors of a document only: past them, an invalid byte
#: may go unreported.
_MAX_REPORTED = 100


def attr_words(el: Element) -> str:
    """class and id of an element, for furniture tests."""
    cls = el.get("class")
    ident = el.get("id")
    if cls and ident:
        return f"{cls} {ident}"
    return cls or ident or ""


def is_boiler_attr(value: str) -> bool:
    return bool(value) and _BOILER_AFTER_SEP.search(" " + value.lower()) is not None


# Dropped only when small: libxml2's error recovery can nest a page's content inside a
# stray <button>, and some sites hide whole articles behind a "read more" toggle.
_DROP_IF_SMALL = frozenset({"button", "dialog"})
_SMALL_TEXT = 1000


# Candidates only (the regex decides): widgets, and elements with a style or hidden
# attribute. (XPath string functions cost more than the regex on the few matches.) The
# attributes are selected rather than the elements that have them: libxml2 tests a
# predicate per element slowly. From the elements (``descendant-or-self::*``), not every
# node as ``//`` goes through: libxml2 then skips the text nodes, about half of a page's
# nodes. The attributes' parents (``/..``) come back as elements, each once, in document
# order: no attribute value is copied into a Python string to be thrown away.
_STYLED = etree.XPath("descendant-or-self::*/@style/.. | descendant-or-self::*/@hidden/..")


def _clean_candidates(root: Element) -> list[Element]:
    """Widgets and elements with a style or hidden attribute, each once."""
    found = dict.fromkeys(_STYLED(root))
    found.update(dict.fromkeys(root.iter("button", "dialog")))
    return list(found)


def clean(root: Element) -> None:
    """Remove elements that are never visible text (after metadata has been read).

    The head is not dropped as a whole: on broken markup libxml2 may leave the body's
    content inside it; its scripts, styles and meta go like everywhere else.
    """
    doomed = []
    # Hidden and small widgets first (their size counts the scripts inside, as a reader's
    # page would not show them either way); found by XPath, not a walk over every element.
    for el in _clean_candidates(root):
        tag = el.tag
        if tag in DROP_TAGS or not isinstance(tag, str):
            continue
        if tag in _DROP_IF_SMALL:
            if len(text_of(el)) < _SMALL_TEXT:
                doomed.append(el)
            continue
        style = el.get("style")
        hidden = (style and is_hidden_style(style)) or el.get("hidden") is not None
        if hidden and len(text_of(el)) < _SMALL_TEXT:
            doomed.append(el)
    # Never-visible elements go in C, their tails kept in place.
    etree.strip_elements(
        root, etree.Comment, etree.ProcessingInstruction, *DROP_TAGS, with_tail=False
    )
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        drop_tree(el)


def text_of(el: Element) -> str:
    """All text inside an element (not its tail), as one string.

    (XPath ``string()`` gives the same; serialising as text is over twice as fast.)
    """
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def drop_tree(el: Element) -> None:
    """Remove an element and its subtree but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def norm_ws(text: str) -> str:
    """``" ".join(text.split())``: whitespace runs as single spaces, none at the ends."""
    stripped = text.strip()
    # Most short texts are single-spaced already: checking is cheaper than splitting and
    # joining. isprintable() is False for every whitespace character but " " (they are all
    # in the Unicode categories Cc, Zs, Zl and Zp), so such a text splits back into itself.
    if stripped.isprintable() and "  " not in stripped:
        return stripped
    return " ".join(stripped.split())


_NOT_WORD = re.compile(r"[\W_]+")
# The ASCII characters that are not word characters, or "_": what _NOT_WORD removes from
# ASCII text.
_NOT_WORD_ASCII = bytes(b for b in range(128) if not chr(b).isalnum())


def word_chars(text: str) -> str:
    r"""``re.sub(r"[\W_]+", "", text)``: the text's letters and digits only.

    (ASCII text is filtered by bytes.translate in C, several times faster than the regex
    on a paragraph: in ASCII the word characters are the letters, the digits and "_".)
    """
    if text.isascii():
        return text.encode("ascii").translate(None, _NOT_WORD_ASCII).decode("ascii")
    return _NOT_WORD.sub("", text)


# Per-attribute-string verdicts of the furniture and crumb patterns: templates repeat the
# same class lists thousands of times, and a dict hit is far cheaper than a search.
_ATTR_CACHE: dict[str, int] = {}
_CACHE_MAX = 50_000
_IS_BOILER = 1
_IS_CRUMB = 2


_CSS_POSITION = re.compile(r"\bposition-(?:relative|absolute|fixed|sticky|static)\b")


def _names_crumb(low: str) -> bool:
    """Whether lower-cased class/id words hold one of _CRUMB_WORDS.

    (The words spelled out: a row of substring tests costs a third of any() over them,
    and every new class list of every page comes here.)
    """
    if "position-" in low:
        # CSS frameworks' utility classes (position-relative, position-fixed…) name no place.
        low = _CSS_POSITION.sub("", low)
    return (
        "crumb" in low
        or "position" in low
        or "location" in low
        or "daohang" in low
        or "mbx" in low
        or "curpos" in low
        or "weizhi" in low
        or "dqwz" in low
    )


def _is_crumb_nav(el: Element) -> bool:
    words = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('aria-label') or ''}"
    return _names_crumb(words.lower()) or "面包屑" in words or "麵包屑" in words


def _attr_kind(words: str) -> int:
    kind = _ATTR_CACHE.get(words)
    if kind is None:
        low = words.lower()
        kind = (_IS_BOILER if _BOILER_AFTER_SEP.search(" " + low) else 0) | (
            _IS_CRUMB if _names_crumb(low) else 0
        )
        if len(_ATTR_CACHE) >= _CACHE_MAX:
            _ATTR_CACHE.clear()
        _ATTR_CACHE[words] = kind
    return kind


_ITEMPROP_TAGS = frozenset({"span", "div", "p", "address", "li"})
_BYLINE_CACHE: dict[str, bool] = {}
MAX_BYLINES = 12


def _is_byline_class(cls: str) -> bool:
    hit = _BYLINE_CACHE.get(cls)
    if hit is None:
        low = cls.lower()
        hit = any(w in low for w in _BYLINE_WORDS)
        if len(_BYLINE_CACHE) >= _CACHE_MAX:
            _BYLINE_CACHE.clear()
        _BYLINE_CACHE[cls] = hit
    return hit


def iter_bylines(root: Element) -> Iterator[Element]:
    """Elements marked as bylines — rel or itemprop "author", or a class naming an author,
    byline, writer, reporter or contributor — in page order (at most 12; an element both
    rel and class mark comes twice).

    A generator, because the reader usually stops at the first byline holding a name:
    the rest of the tree, a third of the field stage's time, is then never visited.
    """
    found = 0
    # (The class verdict cache read here rather than through _is_byline_class: most
    # elements with a class come to this line, and most class lists repeat.)
    cache = _BYLINE_CACHE
    for el in root.iter():
        tag = el.tag
        if tag == "a":
            rel = el.get("rel")
            if rel and "author" in rel:
                yield el
                found += 1
                if found >= MAX_BYLINES:
                    return
        cls = el.get("class")
        if cls:
            hit = cache.get(cls)
            if hit is None:
                hit = _is_byline_class(cls)
            if hit:
                yield el
                found += 1
                if found >= MAX_BYLINES:
                    return
                continue
        if tag in _ITEMPROP_TAGS:
            prop = el.get("itemprop")
            if prop and "author" in prop:
                yield el
                found += 1
                if found >= MAX_BYLINES:
                    return


def bylines_of(root: Element) -> list[Element]:
    """The elements :func:`iter_bylines` yields, as a list (compiled when built)."""
    if _COMPILED_WALK is not None:
        return _COMPILED_WALK.bylines(root, sys.modules[__name__])
    return list(iter_bylines(root))


def _linearise(
    root: Element,
) -> tuple[list[Block], bool, list[Element], list[Anchor]]:
    """Walk the tree once into blocks; also note crumbs and anchors on the way.

    The reference walk: ``_walk.pyx`` is the same walk compiled, which :func:`blocks_of`
    uses when it is built (``_COMPILED_WALK``).

    This runs for every element of every page, so it is written for CPython's speed:
    closures over local state (no attribute lookups), a few dict and attribute reads per
    element, and anything needed for a few elements only is found elsewhere, on demand.
    """
    blocks: list[Block] = []
    #: Elements whose class/id names a breadcrumb, for the section field.
    crumbs: list[Element] = []
    #: Every <a> with its text and its chain (root first, the anchor last).
    anchors: list[Anchor] = []
    #: Text pieces met inside links, for the anchors' texts.
    link_texts: list[str] = []
    #: The elements from the root down to the one being walked.
    stack: list[Element] = []
    #: The current block's text pieces.
    parts: list[str] = []
    cur_link = 0
    cur_bold = 0
    cur_el: Element | None = None
    #: Where cur_el sits on the stack: its chain is the stack up to there.
    cur_depth = 0
    budget = MAX_NODES
    truncated = False
    suspects: tuple[Element, ...] = ()

    def flush() -> None:
        nonlocal cur_link, cur_bold
        raw = parts[0] if len(parts) == 1 else "".join(parts)
        parts.clear()
        # norm_ws(raw) without zero-width spaces, spelled out (a call per block), keeping
        # the stripped text for `bold`. isprintable() is False for the zero-width spaces as
        # for every whitespace character but " ", so most blocks pass the first test as
        # they are.
        stripped = raw.strip()
        if stripped.isprintable() and "  " not in stripped:
            text = stripped
        else:
            if "\u200b" in stripped or "\ufeff" in stripped:
                stripped = stripped.replace("\u200b", "").replace("\ufeff", "").strip()
            text = " ".join(stripped.split())
        if text and cur_el is not None:
            chain = tuple(stack) if cur_depth + 1 == len(stack) else tuple(stack[: cur_depth + 1])
            if not chain or chain[-1] is not cur_el:
                chain = ()  # (the closing flush, after the walk: read from the tree)
            heading = HEADING_TAGS.get(cur_el.tag, 0)
            bold = cur_bold > 0 and cur_bold >= len(stripped) > 0
            blocks.append(
                Block(
                    cur_el,
                    text,
                    min(cur_link, len(text)),
                    heading,
                    bold,
                    False,  # (furniture is decided afterwards, by resolve_suspects)
                    len(blocks),
                    False,
                    suspects,
                    -1,
                    chain,
                )
            )
        cur_link = 0
        cur_bold = 0

    def walk(
        el: Element,
        tag: str,
        owner: Element,
        depth: int,
        in_link: bool,
        in_bold: bool,
    ) -> bool:
        """Walk one element; returns whether it is block-level (for its tail). ``depth``
        is the owner's index on the stack."""
        nonlocal budget, truncated, suspects, cur_el, cur_depth, cur_link, cur_bold
        budget -= 1
        if budget < 0:
            truncated = True
            return False
        stack.append(el)
        is_block = tag in BLOCK_TAGS
        saved = suspects
        link_start = -1
        if is_block:
            if parts:
                flush()
            if tag == "br" or tag == "hr":
                stack.pop()
                return True
            owner = el
            depth = len(stack) - 1
            if tag in BOILER_TAGS:
                # Furniture by tag, judged like furniture by name: libxml2's recovery
                # can leave a whole page inside an unclosed <nav>.
                suspects = (*saved, el)
                # Yet a <nav> is where HTML5 pages put the breadcrumb trail, marked by
                # its class or its aria-label (``<nav aria-label="breadcrumb">``).
                if tag == "nav" and len(crumbs) < 10 and _is_crumb_nav(el):
                    crumbs.append(el)
            elif tag not in _STRUCTURAL:
                cls = el.get("class")
                ident = el.get("id")
                if cls or ident:
                    words = f"{cls} {ident}" if cls and ident else (cls or ident)
                    kind = _ATTR_CACHE.get(words)
                    if kind is None:
                        kind = _attr_kind(words)
                    if kind:
                        if kind & _IS_BOILER:
                            suspects = (*saved, el)
                        if kind & _IS_CRUMB and len(crumbs) < 10:
                            crumbs.append(el)
        elif tag == "a":
            in_link = True
            link_start = len(link_texts)
        elif tag in BOLD_TAGS:
            in_bold = True
        text = el.text
        if text:
            if in_link:
                link_texts.append(text)
            # Whitespace never starts a block.
            if parts or not text.isspace():
                if not parts:
                    cur_el = owner
                    cur_depth = depth
                parts.append(text)
                if in_link or in_bold:
                    n = len(text.strip())
                    if in_link:
                        cur_link += n
                    if in_bold:
                        cur_bold += n
        # (getchildren() makes the children's proxies in one C call: iterating over the
        # element itself costs an iterator step per child, a sixth of the walk's loop.)
        for child in el.getchildren():
            ctag = child.tag
            # Childless plain inline elements (span, img, em...), childless links and line
            # breaks are handled here, as walk() would, without a call: they are half of a
            # page's elements.
            if ctag in _NOT_PLAIN:
                if ctag == "a" and not len(child):
                    budget -= 1
                    child_block = False
                    if budget < 0:
                        truncated = True
                    else:
                        ctext = child.text
                        if ctext:
                            if in_link:
                                link_texts.append(ctext)
                            if parts or not ctext.isspace():
                                if not parts:
                                    cur_el = owner
                                    cur_depth = depth
                                parts.append(ctext)
                                n = len(ctext.strip())
                                cur_link += n
                                if in_bold:
                                    cur_bold += n
                        anchors.append(
                            Anchor(child, ctext or "", (*stack, child), child.get("href"))
                        )
                elif ctag == "br" or ctag == "hr":
                    budget -= 1
                    if budget < 0:
                        truncated = True
                        child_block = False
                    else:
                        if parts:
                            flush()
                        child_block = True
                else:
                    child_block = walk(child, ctag, owner, depth, in_link, in_bold)
            elif len(child):
                child_block = walk(child, ctag, owner, depth, in_link, in_bold)
            else:
                budget -= 1
                ctext = child.text
                if budget < 0:
                    truncated = True
                elif ctext:
                    if in_link:
                        link_texts.append(ctext)
                    if parts or not ctext.isspace():
                        if not parts:
                            cur_el = owner
                            cur_depth = depth
                        parts.append(ctext)
                        if in_link or in_bold:
                            n = len(ctext.strip())
                            if in_link:
                                cur_link += n
                            if in_bold:
                                cur_bold += n
                child_block = False
            tail = child.tail
            if tail:
                # A tail belongs to this element's block, outside the child's link/bold.
                if child_block and parts:
                    flush()
                if in_link:
                    link_texts.append(tail)
                if parts or not tail.isspace():
                    if not parts:
                        cur_el = owner
                        cur_depth = depth
                    parts.append(tail)
                    if in_link or in_bold:
                        n = len(tail.strip())
                        if in_link:
                            cur_link += n
                        if in_bold:
                            cur_bold += n
        if is_block:
            if parts:
                flush()
            suspects = saved
        elif link_start >= 0:
            anchors.append(
                Anchor(el, "".join(link_texts[link_start:]), tuple(stack), el.get("href"))
            )
        stack.pop()
        return is_block

    try:
        walk(root, root.tag, root, 0, False, False)
        if parts:
            flush()
    finally:
        # walk() refers to itself through its closure: break the cycle, or the page's
        # blocks and tree would wait for the garbage collector instead of being freed.
        walk = flush = None  # type: ignore[assignment]
    return blocks, truncated, crumbs, anchors


def resolve_suspects(blocks: list[Block]) -> None:
    """Mark blocks under furniture-named elements as boilerplate, unless such an element
    holds a large share of the page's prose (then the name is a template accident)."""
    total = 0
    held: dict[Element, int] = {}
    count: dict[Element, int] = {}
    for b in blocks:
        n = len(b.text) - b.link_chars
        if n < 12 or b.boiler:
            continue
        total += n
        for el in b.suspects:
            held[el] = held.get(el, 0) + n
            count[el] = count.get(el, 0) + 1
    if not held:
        for b in blocks:
            if b.suspects:
                b.boiler = True
        return
    # A wrapper of the article holds several paragraphs; one long blurb (a footer's
    # service notice on a short news page) is furniture whatever its share.
    real = {el for el, n in held.items() if n < 0.4 * total or count[el] < 2}
    for b in blocks:
        if b.suspects and not b.boiler:
            for el in b.suspects:
                if el in real or el not in held:
                    b.boiler = True
                    break


@dataclass(slots=True)
class Anchor:
    """A link as the walk met it: the element, its whole text (``string(a)``), its chain
    of elements from the root down to the anchor itself, and its href (read once here:
    the teaser, outlink and byline stages all need it, and attribute reads cost)."""

    el: Element
    text: str
    chain: tuple[Element, ...]
    href: str | None


def summary_rows(item: Element) -> list[Element]:
    """The elements after a story-list item that carry its summary or time, where the list
    gives each story several siblings: a table row, or a ``<dt>`` in a flat ``<dl>``.

    Old table layouts give each story rows of its own: the headline (with its date in a
    second cell), then the summary, sometimes the time, in rows with no headline link
    (``<tr><td><a>headline</a></td><td>date</td></tr><tr><td>summary</td></tr>``); a flat
    definition list puts the summary and the time in the ``<dd>`` after the headline's
    ``<dt>``. Up to two such siblings belong to the item; a row must have its text in one
    cell (a row of several filled cells is a data table's: a comparison table's rows with
    and without a link), and a sibling with a headline-sized link is the next story. Other
    items: none (a cheap test, as this runs for every item).
    """
    tag = item.tag
    if tag == "tr":
        follower = "tr"
    elif tag == "dt":
        follower = "dd"
    else:
        return []
    rows: list[Element] = []
    row = item.getnext()
    while row is not None and row.tag == follower and len(rows) < 2:
        if any(len(text_of(a).strip()) >= 8 for a in row.iter("a")):
            break
        if follower == "tr":
            if sum(1 for cell in row if text_of(cell).strip()) != 1:
                break
        elif not text_of(row).strip():
            break
        rows.append(row)
        row = row.getnext()
    return rows


def holds_another(chains: list[tuple[Element, ...]], k: int, depth: int) -> bool:
    """Whether the element at ``depth`` in ``chains[k]`` is in another of the chains too.

    ``chains`` are the ancestors (root first) of some of a page's links, in the order the
    walk met the links. The links under an element are one stretch of that order (its
    subtree is one stretch of the page), so an element holding another of the links holds
    the one before or the one after, at the same depth of that link's chain: two tests,
    instead of counting every ancestor of every link.
    """
    el = chains[k][depth]
    if k:
        before = chains[k - 1]
        if depth < len(before) and before[depth] is el:
            return True
    if k + 1 < len(chains):
        after = chains[k + 1]
        if depth < len(after) and after[depth] is el:
            return True
    return False


class Linear:
    """The page as blocks, plus what the walk noticed on the way."""

    __slots__ = ("_bylines", "anchors", "blocks", "crumbs", "root", "truncated")

    def __init__(
        self,
        blocks: list[Block],
        truncated: bool,
        crumbs: list[Element],
        anchors: list[Anchor],
        root: Element | None = None,
    ) -> None:
        self.blocks = blocks
        #: The walk stopped at MAX_NODES.
        self.truncated = truncated
        #: Elements whose class/id names a breadcrumb.
        self.crumbs = crumbs
        #: The links of the page in document order (all of them, also when truncated).
        self.anchors = anchors
        self.root = root
        self._bylines: list[Element] | None = None

    @property
    def bylines(self) -> list[Element]:
        """Elements marked as bylines (found on first use: most pages never need them)."""
        if self._bylines is None:
            self._bylines = bylines_of(self.root) if self.root is not None else []
        return self._bylines

    def iter_bylines(self) -> Iterable[Element]:
        """The same elements, found one by one as the caller reads them (the list when it
        was already made, or when the compiled walk finds them all at once)."""
        if self._bylines is not None or _COMPILED_WALK is not None:
            return self.bylines
        return iter_bylines(self.root) if self.root is not None else ()


#: The compiled walks (``_walk.pyx``: :func:`_linearise` and :func:`bylines_of`), when built
#: (see :mod:`compiled`).
_COMPILED_WALK = compiled.load("_walk")
#: Which walk blocks_of uses ("compiled" or "python"), for benchmarks.
WALK = "compiled" if _COMPILED_WALK is not None else "python"


def blocks_of(root: Element) -> Linear:
    """The page's text blocks in reading order (one recursive pass)."""
    # From the root, not <body>: broken pages can leave content in <head> (see clean()).
    if _COMPILED_WALK is not None:
        found = _COMPILED_WALK.linearise(root, sys.modules[__name__])
    else:
        found = _linearise(root)
    blocks, truncated, crumbs, anchors = found
    resolve_suspects(blocks)
    if truncated:
        anchors = anchors_of(root)
    return Linear(blocks, truncated, crumbs, anchors, root)


def anchors_of(root: Element) -> list[Anchor]:
    """The page's links read from the tree (the walk's list when it saw everything)."""
    out = []
    for a in root.iter("a"):
        chain = [a]
        chain.extend(a.iterancestors())
        chain.reverse()
        out.append(Anchor(a, text_of(a), tuple(chain), a.get("href")))
    return out
