"""The main-content algorithm: which blocks are the article body.

Each text block gets a weight — its unlinked characters when it reads like prose (enough
text, punctuation, few links), a penalty when it is a link list, furniture (nav, footer,
comments, share bars by tag or class) or a teaser in a story list — and every element
scores the sum of the weights below it. The best element is the article container: it
holds the most prose while excluding the furniture, which a maximum over sums finds even
when the body is split over sibling wrappers. Inside it, blocks are filtered line by line
(credits, editor and copyright lines, captions, the related-stories block) so the text is
what a careful reader calls the article. Headings and captions are kept aside for their
own fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from newswire.parser.extract import zh_labels
from newswire.parser.extract.date_choice import DATE_CANDIDATE
from newswire.parser.extract.dom import (
    BLOCK_TAGS,
    BOLD_TAGS,
    Anchor,
    Block,
    Caseless,
    Element,
    anchors_of,
    holds_another,
    norm_ws,
    summary_rows,
    text_of,
    word_chars,
)
from newswire.parser.extract.furniture import Boxes
from newswire.parser.extract.zh_script import compile_zh, either_script

_PUNCT = '，。！？；：、,.!?;:"“”‘’（）()…—'
_PUNCT_RE = re.compile("[" + re.escape(_PUNCT) + "]")
_SENTENCE_END = tuple('。！？.!?…”"」')
_CAPTION_START = ("△", "▲", "▽", "▼", "↑", *either_script("图为", "图：", "图:", "(图", "（图"))
_CAPTION_CLASS = re.compile(
    r"caption|pic-?info|img-?desc|pic-?desc|picintro|imgtxt|photo-?text", re.I
)
# Verdicts of _CAPTION_CLASS per class string: templates repeat a few class lists on
# every block, and a dict hit is far cheaper than the search.
_CAPTION_CLASS_CACHE: dict[str, bool] = {}
_CACHE_MAX = 50_000
RELATED_MARKER = compile_zh(
    # (Old layouts bracket the heading: 【更多阅读】, [相关新闻].)
    r"^[【\[〖『]?\s*(?:更多阅读|相关阅读|相关新闻|相关报道|延伸阅读|相关文章|推荐阅读|相关推荐|热点推荐|猜你喜欢|"
    r"热门推荐|往期回顾|相关链接|更多精彩|此前报道|(?:作者)?最新文章|为你推荐|为您推荐|相关搜索|热门搜索|"
    r"热门文章|热门新闻|精彩推荐|大家都在看|看了又看|相关专题|"
    r"related(?: articles| stories| news| posts| content)?|"
    r"more (?:stories|news|articles)|read more|read next|recommended|you (?:may|might) also like|"
    r"more from .{1,40}|see also|also read|read also|you may also be interested in|"
    r"você pode gostar|leia também|veja também|leia mais|también te puede interesar|"
    r"te puede interesar|lire aussi|à lire aussi|sur le même sujet|weitere artikel|"
    r"das könnte sie auch interessieren|mehr zum thema|читайте также|похожие (?:статьи|новости)|"
    r"관련\s?기사|関連記事|popular (?:posts|stories|articles)|latest (?:news|stories|posts)|"
    r"trending now|most (?:read|popular)|more in .{1,40})\s*[】\]〗』]?\s*[:：.…]*"
    # (A heading often carries a link to the whole list: "相关阅读 更多>>".)
    r"(?:\s*(?:更多|more)\s*(?:>>|»|>|›)?)?$",
    re.I,
)
_BOILER_LINE = compile_zh(
    r"^(?:this (?:web)?site uses cookies|we use cookies|privacy overview|"
    r"©|\(c\)|copyright\b|版权所有|本网站|未经(?:许可|授权)|分享到|分享至|扫一扫|扫描二维码|"
    r"【?打印】?|【?关闭(?:窗口)?】?|【?收藏】?|举报|点赞|返回顶部|返回首页|上一篇|下一篇|上一页|下一页|"
    r"原标题|点击进入|进入专题|关注我们|微信扫|标签[:：]|关键词[:：]|tags?:|share\b|print\b|"
    r"advertisement|sign up|subscribe)",
    re.I,
)
# Copyright and editor notices anywhere in a short line: the Chinese ones, and "all rights
# reserved" in any case. (Two patterns, each searched fast: a pattern whose every branch
# starts with an uncased literal lets the regex engine skip to those characters; one
# case-insensitive branch among them would make it try every position.)
_BOILER_ANYWHERE_ZH = compile_zh(
    r"版权所有|未经.{0,6}(?:许可|授权).{0,8}(?:转载|使用)|禁止转载|转载请注明|(?:责任编辑|责编)\s*[:：]"
)
_RIGHTS_RESERVED = re.compile(r"all rights reserved", re.I)


def boiler_anywhere(text: str) -> bool:
    """A copyright or editor notice somewhere in the text."""
    if _BOILER_ANYWHERE_ZH.search(text) is not None:
        return True
    if text.isascii():
        # (In ASCII, IGNORECASE is lower-casing: a substring test is several times faster.)
        return "all rights reserved" in text.lower()
    return _RIGHTS_RESERVED.search(text) is not None


# Metadata labels (dates, source, author, views) anywhere in a line. The "123 次阅读" view
# count is matched apart, after a substring test, so that every branch here starts with a
# literal (see _BOILER_ANYWHERE_ZH).
_LABEL_LINE = compile_zh(
    r"发布时间|发表时间|发布日期|来源\s*[:：]|作者\s*[:：]|浏览|阅读[数量]?\s*[:：]?\s*\d|字号|点击[数量]?[:：]"
    r"|访问量|人看过|查看\s*[:：]\s*\d"
    # A bare "时间：2019-09-24 17:08" line (with the date: "时间" alone is a common word).
    r"|时间\s*[:：]\s*(?:19|20)\d\d|日期\s*[:：]\s*(?:19|20)\d\d"
)
_READ_COUNT = compile_zh(r"\d\s*(?:次阅读|阅读(?=\s|$))")


# Lines after which nothing is body: the editor credit, keywords, "end of text" notes,
# disclaimers and copyright lines.
END_MARKER = compile_zh(
    r"^(?:[【\[(（]?\s*(?:责任编辑|责编|编辑)\s*[:：]|文章关键词|关键词\s*[:：]|关键字\s*[:：]|正文已结束|"
    r"免责声明|声明\s*[:：]|【纠错】|\(完\)|（完）|版权声明|©|copyright\b|\(c\)\s*\d{4}|"
    # The comment section's heading: readers' words follow, whatever the markup calls them.
    r"\d+\s+(?:responses?|comments?|replies|thoughts)\s+(?:to|on)\b|"
    r"(?:leave|post|add|write)\s+a\s+(?:reply|comment)\b|join the (?:discussion|conversation)|"
    r"(?:网友评论|发表评论|我要评论|最新评论|热门评论|评论区|全部评论)|\d+\s*条评论|"
    r"deixe (?:um|seu) comentário|deja (?:un|tu) comentario|laisser un commentaire)",
    re.I,
)
# A heading that opens the comment section ("109 Comments", "Comments (3)", "Top rated
# comments", "Lascia un commento"). Headings only: a share bar prints "3 Comments" beside
# the byline as a plain line, and a plain "Comments" line can be a toolbar's label.
_COMMENTS_HEADING = re.compile(
    r"^(?:(?:\d+|one|two|three|un|une|uno|una|ein|eine|satu)\s+)?"
    r"(?:(?:top[- ]rated|latest|newest|recent|reader|readers[’']?|user|all|show|view)\s+)?"
    r"(?:comments?|responses?|replies|thoughts|kommentare?|commentaires?|comentarios?|"
    r"comentários?|commenti|reacties|komentar(?:ze|zy|e)?|tanggapan|комментари[иея]в?)"
    r"(?:\s*\(\d+\))?\s*:?$|"
    r"^(?:discussion about this (?:post|article|story)|reader interactions|"
    r"lascia un commento|tinggalkan balasan|schreibe einen kommentar|kommentar schreiben|"
    r"escribe un comentario|deja una respuesta|deixe uma resposta|laisser une réponse|"
    r"leave a response|what do you think\??)$",
    re.I,
)


def is_comments_heading(b: Block) -> bool:
    """A heading (h1-h6) that opens the readers' comments."""
    return b.heading > 0 and len(b.text) <= 60 and _COMMENTS_HEADING.match(b.text) is not None


# Link texts of a comment's reply button ("Reply", "Reply to This", "Responder").
_REPLY_TEXTS = frozenset(
    {
        "reply",
        "reply to this",
        "reply to comment",
        "reply to this comment",
        "reply ↓",
        "↓ reply",
        "responder",
        "rispondi",
        "antworten",
        "répondre",
        "balas",
        "odpowiedz",
        "ответить",
        "beantwoorden",
        "svara",
        "返信",
        "回复",
        "回覆",
    }
)


def comment_items(anchors: list[Anchor]) -> frozenset[Element]:
    """The readers' comments, told by their own links whatever the markup calls them: a
    comment's permalink (``#comment-123``), WordPress's reply link (``?replytocom=123``)
    or a "Reply" link.

    Each link's comment is its highest ancestor holding no other such link (as a story
    list's items are found in mark_teasers): a comment holds its links, the thread holds
    them all. A lone link gives the line it is on. The body ends at the first comment
    (see extract_content).
    """
    found: list[Anchor] = []
    for anchor in anchors:
        text = anchor.text
        if len(text) < 24 and text.strip().lower() in _REPLY_TEXTS:
            found.append(anchor)
            continue
        href = anchor.href
        # (A long href is no comment's: a data: URI of megabytes is slow to search.)
        if href and len(href) < 1000 and ("#comment-" in href or "replytocom=" in href):
            pos = href.find("#comment-")
            if pos < 0 or href[pos + 9 : pos + 10].isdigit():
                # (not "#comment-form", "#comment-section": a link to the section)
                found.append(anchor)
    if not found:
        return frozenset()
    if len(found) == 1:
        chain = found[0].chain
        for i in range(len(chain) - 2, -1, -1):
            if chain[i].tag in BLOCK_TAGS:
                return frozenset((chain[i],))
        return frozenset()
    held = [anchor.chain[:-1] for anchor in found]
    items: set[Element] = set()
    for k, anchor in enumerate(found):
        chain = anchor.chain
        i = len(chain) - 1
        while (
            i > 0 and not holds_another(held, k, i - 1) and chain[i - 1].tag not in ("body", "html")
        ):
            i -= 1
        items.add(chain[i])
    return frozenset(items)


_COPYRIGHT_START = re.compile(r"^(?:©|\(c\)|copyright\b)", re.I)
_COPYRIGHT_NOTICE = compile_zh(r"(?:19|20)\d\d|rights|版权|reserved", re.I)
_COPYRIGHT_RIGHTS = compile_zh(r"rights|版权|reserved", re.I)


def _ends_body(text: str) -> bool:
    """An end-of-article line; a "©" line without a year or rights notice is a photo
    credit between paragraphs ("© Jane Doe A nurse gives a flu shot"), not the end."""
    m = END_MARKER.match(text)
    if m is None:
        return False
    if not _COPYRIGHT_START.match(text):
        return True
    # "© 2019 Example Media" is short; "© Jane Doe Nurses at a clinic on Aug. 22, 2019"
    # is a caption that happens to hold a year.
    return _COPYRIGHT_RIGHTS.search(text) is not None or (
        len(text) <= 60 and _COPYRIGHT_NOTICE.search(text) is not None
    )


# App, QR-code and licence promos. Case matters only for "ICP备", matched apart (after a
# substring test) so that the rest is searched without IGNORECASE, which lets the regex
# engine skip to the branches' first characters.
_PROMO = compile_zh(
    r"扫描.{0,12}二维码|扫码|长按识别|关注.{0,12}公众号|下载.{0,8}客户端|安装.{0,10}客户端|"
    r"技术支持\s*[:：]|公网安备|【下载地址】"
)
_ICP = compile_zh(r"ICP备", re.I)


def is_promo(text: str) -> bool:
    if _PROMO.search(text) is not None:
        return True
    return ("备" in text or "備" in text) and _ICP.search(text) is not None


# Every byte but the ASCII marks of _PUNCT: deleting them from ASCII text leaves the marks.
_NOT_ASCII_PUNCT = bytes(b for b in range(256) if chr(b) not in _PUNCT)


def punct_count(text: str) -> int:
    if text.isascii():
        # (Counted in C by bytes.translate: a regex match object per mark costs several
        # times more, and most blocks of English pages are ASCII.)
        return len(text.encode("ascii").translate(None, _NOT_ASCII_PUNCT))
    return len(_PUNCT_RE.findall(text))


def block_punct(b: Block) -> int:
    if b.punct < 0:
        b.punct = punct_count(b.text)
    return b.punct


@dataclass
class Content:
    container: Element | None
    blocks: list[Block] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    #: Caption blocks (figcaption, "△..." lines) for the image stage, not the text.
    captions: list[Block] = field(default_factory=list)
    #: Index (in the page's blocks) of the first and last body block.
    first: int = -1
    last: int = -1
    #: The related-stories marker block, when one was found.
    related_marker: int = -1


def is_prose(b: Block) -> bool:
    n = len(b.text)
    plain = n - b.link_chars
    # (Block.link_density spelled out: this runs for every block, several times.)
    if plain < 12 or b.link_chars / n > 0.35:
        return False
    return plain >= 60 or block_punct(b) > 0


def block_weight(b: Block) -> float:
    # Runs for every block of every page, so is_prose() and the link density are spelled
    # out here rather than called.
    text = b.text
    n = len(text)
    if b.boiler or b.teaser:
        return -0.5 * n - 2
    link = b.link_chars
    ld = link / n if n else 0.0
    if ld > 0.5:
        return -0.6 * n
    plain = n - link
    if plain < 12 or ld > 0.35:
        return -1.0  # (not prose)
    punct = b.punct
    if punct < 0:
        punct = b.punct = punct_count(text)
    if plain >= 60 or punct > 0:  # (prose)
        return plain * (1.0 - ld) + 2.0 * min(punct, plain / 8)
    return -1.0


def mark_teasers(
    root: Element,
    blocks: list[Block],
    anchors: list[Anchor] | None = None,
    texts: dict[Element, str] | None = None,
) -> int:
    """Flag blocks inside repeated "linked headline + summary" items; returns item count.

    A story list is recognised by structure: several sibling items, each holding exactly
    one headline-sized link, and the item's text starting with that link. Body paragraphs
    with inline links fail the "starts with" test, so they are not mistaken for teasers.

    ``texts`` caches elements' normalised texts (the outlink stage reads the same items);
    a table row's text there ends with its summary rows' (:func:`_summary_rows_of`).
    """
    if anchors is None:
        anchors = anchors_of(root)
    if texts is None:
        texts = {}
    title_links = []
    for anchor in anchors:
        text = anchor.text
        if len(text) > 300:
            continue
        t = text.strip()
        if len(t) < 8:
            continue
        href = anchor.href
        if href is None or _is_byline_href(href):
            # A teaser's byline or tag link is not its headline: counted, it would make
            # every item look like two stories.
            continue
        tail = anchor.el.tail
        if tail and len(tail.strip()) >= 10:
            # Text running on after the link on the same line: an inline link in prose.
            continue
        title_links.append((anchor, t))
    if len(title_links) < 3:
        return 0
    # The headline links' ancestors, for holds_another().
    held = [anchor.chain[:-1] for anchor, _ in title_links]
    # Candidate items (with their headline) by parent, before reading any item's text:
    # the text checks below only drop items, so a parent with fewer than three candidates
    # can never make a story list, and its items' texts need not be read.
    candidates: dict[Element, list[tuple[Element, str]]] = {}
    for k, (anchor, t) in enumerate(title_links):
        # Up the chain while the ancestor holds this headline link only.
        chain = anchor.chain
        i = len(chain) - 1
        while (
            i > 0 and not holds_another(held, k, i - 1) and chain[i - 1].tag not in ("body", "html")
        ):
            i -= 1
        if i == len(chain) - 1 or i == 0:
            continue
        parent = chain[i - 1]
        found = candidates.get(parent)
        if found is None:
            candidates[parent] = [(chain[i], t)]
        else:
            found.append((chain[i], t))
    teaser_items: set[Element] = set()
    for parent_items in candidates.values():
        if len(parent_items) < 3:
            continue
        rows = _summary_rows_of(parent_items)
        items = []
        for item, t in parent_items:
            item_text = texts.get(item)
            if item_text is None:
                parts = [text_of(item), *(text_of(row) for row in rows.get(item, ()))]
                item_text = texts[item] = norm_ws(" ".join(parts))
            if len(item_text) > max(400, 4 * len(t)) and (
                len(item_text) > 800 or item.find(".//time") is None
            ):
                # Teasers are short; a whole article body is not an item. A dated item (a
                # story card with its own <time>) may carry a longer summary.
                continue
            if not item_text.startswith(t[: min(len(t), 8)]) and not _headline_leads(item_text, t):
                continue
            items.append(item)
            items.extend(rows.get(item, ()))
        if len(items) >= 3:
            teaser_items.update(items)
    if not teaser_items:
        return 0
    # A block is a teaser when one of its eight nearest ancestors (itself included) is an
    # item; isdisjoint() tests the slice in C rather than one membership test per element.
    isdisjoint = teaser_items.isdisjoint
    for b in blocks:
        chain = b.chain or _chain_of(b.el)
        if not isdisjoint(chain[-8:]):
            b.teaser = True
    return len(teaser_items)


def _summary_rows_of(items: list[tuple[Element, str]]) -> dict[Element, list[Element]]:
    """The summary rows of a table's story rows, or the ``<dd>`` of a flat list's ``<dt>``
    headlines (:func:`dom.summary_rows`), when every story but one has them: a list's
    stories are alike, and a row after a list of bare headlines is the table's footer or
    the page's text, not a summary."""
    if items[0][0].tag not in ("tr", "dt"):
        return {}
    rows = {}
    for item, _ in items:
        found = summary_rows(item)
        if found and sum(len(text_of(r)) for r in found) <= _SUMMARY_ROWS_MAX:
            rows[item] = found
    return rows if len(rows) >= len(items) - 1 else {}


# A summary row longer than this is the page's own text, not a teaser's summary.
_SUMMARY_ROWS_MAX = 600


def _headline_leads(item_text: str, headline: str) -> bool:
    """Whether the item's text starts with its headline, after a short badge (a rank,
    "[视频]") or the time the story was posted (``<li><span>06-12 03:04</span><a>…</a>``).

    A date without a time of day does not do: a list of events leads with the day each
    takes place ("March 17, 2026 ChannelPro LIVE …"), and those are the page's content.
    """
    pos = item_text.find(headline[:8])
    if pos <= 12:
        return True  # (-1: not found as such, the markup splits it; as before, kept)
    before = item_text[:pos].strip(" []【】()（）|·")
    return len(before) <= 25 and ":" in before and DATE_CANDIDATE.fullmatch(before) is not None


_BYLINE_HREF = Caseless(r"/(?:authors?|tags?|topics?|category|categories|people|staff)/")
_is_byline_href = _BYLINE_HREF.found_in


NEGATIVE_SCALE = 0.35


def best_container(blocks: list[Block]) -> Element | None:
    # Weights are summed per block element first, then each distinct element's total is
    # added to its ancestors (read from the walk's chains, no lxml calls).
    own: dict[Element, float] = {}
    chains: dict[Element, tuple[Element, ...]] = {}
    for b in blocks:
        w = block_weight(b)
        if w == 0:
            continue
        if w < 0:
            # Furniture counts against a container, but less than prose counts for it:
            # old layouts mix both in one cell, and a single paragraph must not win.
            w *= NEGATIVE_SCALE
        el = b.el
        if el in own:
            own[el] += w
        else:
            own[el] = w
            chains[el] = b.chain or _chain_of(el)
    if not own:
        return None
    # Every element on a chain, parents and depths registered once (walking up stops at
    # the first known ancestor), then totals flow from the deepest elements to the root:
    # one addition per element instead of one per block and ancestor. The elements are
    # kept by depth as they are registered (with their parent), so that the deepest come
    # first without a sort, and equally deep ones in registration order.
    depth: dict[Element, int] = {}
    levels: list[list[tuple[Element, Element]]] = []
    for el in own:
        chain = chains[el]
        n = len(chain)
        i = n - 1
        while i >= 0 and chain[i] not in depth:
            i -= 1
        while len(levels) < n:
            levels.append([])
        start = i + 1
        if start == 0:
            depth[chain[0]] = 0  # (the root, on the first chain: it has no parent)
            start = 1
        for j in range(start, n):
            node = chain[j]
            depth[node] = j
            levels[j].append((node, chain[j - 1]))
    scores = dict.fromkeys(depth, 0.0)
    for el, w in own.items():
        scores[el] += w
    for level in reversed(levels):
        for node, parent in level:
            scores[parent] += scores[node]
    # The highest score, the deepest element among equals, the first in order among those
    # (what a max over (score, depth) keys gives, without a tuple per element).
    top = max(scores.values())
    if top <= 0:
        return None
    return max((e for e, score in scores.items() if score == top), key=depth.__getitem__)


def _chain_of(el: Element) -> tuple[Element, ...]:
    chain = []
    node: Element | None = el
    while node is not None:
        chain.append(node)
        node = node.getparent()
    return tuple(reversed(chain))


def _inside(el: Element, container: Element) -> bool:
    node: Element | None = el
    while node is not None:
        if node is container:
            return True
        node = node.getparent()
    return False


def inside(b: Block, container: Element) -> bool:
    """Whether a block lies in an element (the walk's chain, else the tree)."""
    if b.chain:
        return container in b.chain
    return _inside(b.el, container)


# Photo captions and credits printed as plain paragraphs: "In this Dec. 12, 2006, file
# photo, ...", "... (AP Photo/Jane Doe)", "Jane Doe | Bloomberg | Getty Images".
# (Two patterns rather than one alternation: the first is anchored, so it is tried at the
# start only, and the second starts with a character class the engine skips to.)
_CAPTION_IN_THIS = re.compile(
    r"in this\b.{0,80}?\b(?:file )?(?:photo|image|picture|photograph|screenshot)\b", re.I
)
_CAPTION_CREDIT = re.compile(
    r"[|/(—]\s*[^|/()]{0,40}\b(?:getty images|ap photo|afp|reuters|bloomberg|shutterstock|"
    r"istock(?:photo)?)\b[^()|]{0,30}\)?\s*$",
    re.I,
)


def is_caption_text(text: str) -> bool:
    """A photo caption or credit printed as a plain paragraph."""
    return _CAPTION_IN_THIS.match(text) is not None or _CAPTION_CREDIT.search(text) is not None


def is_caption_class(cls: str) -> bool:
    hit = _CAPTION_CLASS_CACHE.get(cls)
    if hit is None:
        hit = _CAPTION_CLASS.search(cls) is not None
        if len(_CAPTION_CLASS_CACHE) >= _CACHE_MAX:
            _CAPTION_CLASS_CACHE.clear()
        _CAPTION_CLASS_CACHE[cls] = hit
    return hit


def is_caption(b: Block) -> bool:
    text = b.text
    if b.el.tag == "figcaption":
        return True
    n = len(text)
    if n < 200 and text.startswith(_CAPTION_START):
        return True
    if n < 400 and is_caption_text(text):
        return True
    if n >= 300:
        return False  # (too long for a caption by class: no need to read the class)
    cls = b.el.get("class")
    return bool(cls) and is_caption_class(cls)


# Machine text that leaks into the visible tree: a bare URL or ISO timestamp (microdata
# in hidden blocks), escaped markup, an unrendered [shortcode], script and cookie notices.
_MACHINE_LINE = re.compile(
    r"(?:https?://\S+|\d{4}-\d\d-\d\dT\d\d:\d\d[\d:.]*(?:Z|[+-]\d\d:?\d\d)?|"
    r"<[a-z][a-z0-9]*\b[^>]*>|\[[a-z_]+\b[^\]]*\].*)$",
    re.I,
)
_MACHINE_FIRST = frozenset("hH0123456789<[")
_NOTICE = re.compile(
    r"requires javascript|enable javascript|(?:necessary|functional|performance|analytics|"
    r"advertisement) cookies|any cookies that may not be|"
    # A consent notice, whatever its box is called: "By choosing I Accept, you consent to
    # our use of cookies", "Our website uses cookies", and the same in a few languages.
    r"(?:our|the) use of cookies|(?:site|website) uses cookies|(?:non-)?essential cookies|"
    r"utilizziamo (?:i )?cookie|wir verwenden cookies|nous utilisons des cookies|"
    r"(?:usamos|utilizamos) cookies|(?:site|sitio) (?:usa|utiliza) cookies",
    re.I,
)


# A newsletter sign-up box's lines, whatever its markup is called: "Get our weekly
# newsletter", "Join my newsletter", "... delivered straight to your inbox", "By
# subscribing you agree to ...", "Thank you for subscribing". A sentence merely about a
# newsletter ("the newsletters I subscribe to") does not start with the call to act.
_NEWSLETTER_PROMO = re.compile(
    r"^(?:sign up|subscribe|join|get)\b.{0,80}\bnewsletters?\b|^thank you for subscribing|"
    r"successfully subscribed|problem subscribing|^by (?:subscribing|signing up)\b|"
    r"(?:delivered|sent|straight|right) (?:right |straight )?to your inbox|"
    r"^join our (?:mailing list|newsletter)|"
    r"^(?:inscreva-se|assine|suscríbete|abonnez-vous|inscrivez-vous|iscriviti)\b.{0,80}\bnewsletter|"
    r"\bnewsletter (?:abonnieren|bestellen)\b",
    re.I,
)
def is_newsletter_promo(text: str) -> bool:
    """A line of a newsletter sign-up box."""
    # Every sign-up line holds one of these words: substring tests spare most lines the
    # search (spelled out: any() over a tuple costs three times as much, on every line).
    if len(text) >= 200 or not (
        "ewsletter" in text
        or "ubscri" in text
        or "nbox" in text
        or "igning up" in text
        or "ailing list" in text
    ):
        return False
    return _NEWSLETTER_PROMO.search(text) is not None


def is_boiler_line(text: str, anywhere: bool = True) -> bool:
    """A furniture line; ``anywhere=False`` skips the boiler_anywhere() search, for a
    caller that already knows it fails."""
    if _BOILER_LINE.match(text):
        return True
    if len(text) < 400:
        if text[0] in _MACHINE_FIRST and _MACHINE_LINE.match(text):
            return True
        if ("ookie" in text or "cript" in text) and _NOTICE.search(text):
            return True
    if anywhere and len(text) < 160 and boiler_anywhere(text):
        return True
    return (len(text) < 120 and is_promo(text)) or is_newsletter_promo(text)


def is_label_line(text: str) -> bool:
    """A short metadata line (date, source, views) rather than a sentence of the body."""
    if len(text) > 90 or text.endswith(("。", "！", "？")):
        return False
    return (
        _LABEL_LINE.search(text) is not None
        or (("阅读" in text or "閱讀" in text) and _READ_COUNT.search(text) is not None)
        or (len(text) < 50 and zh_labels.find_source(text) is not None)
    )


def is_heading(b: Block, bold_classes: Callable[[], frozenset[str]] | None = None) -> bool:
    """A subheading: a heading tag, or a short line all in bold (by tag, inline style or,
    given the page's ``bold_classes``, a class its stylesheet sets in bold)."""
    if len(b.text) > 80 or b.text.endswith(_SENTENCE_END[:3]):
        return False
    if 2 <= b.heading <= 6:
        return True
    return (
        len(b.text) <= 50
        and b.el.tag in ("p", "div", "section", "span", "td")
        and (
            b.bold
            or _styled_bold(b.el)
            or (bold_classes is not None and _class_bold(b.el, bold_classes))
        )
    )


def _class_bold(el: Element, bold_classes: Callable[[], frozenset[str]]) -> bool:
    """Whether the element, or the one element wrapping all its text, has a bold class.
    (The stylesheet is read only for an element with a class.)"""
    if not el.get("class") and len(el) == 1 and not (el.text or "").strip():
        el = el[0]
    cls = el.get("class")
    if not cls or not isinstance(el.tag, str):
        return False
    found = bold_classes()
    return bool(found) and not found.isdisjoint(cls.split())


# Bold by inline style, as WeChat-style editors write subheadings.
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)


def _styled_bold(el: Element, inherited: bool = False) -> bool:
    """Whether all the text in ``el`` is bold, by tag or by inline style."""
    style = el.get("style")
    bold = inherited or el.tag in BOLD_TAGS or bool(style and _BOLD_STYLE.search(style))
    if bold:
        return True
    if (el.text or "").strip():
        return False
    for child in el:
        if (child.tail or "").strip():
            return False
        if isinstance(child.tag, str) and not _styled_bold(child):
            return False
    return True


def extract_content(
    blocks: list[Block],
    container: Element | None,
    title: str | None,
    bold_classes: Callable[[], frozenset[str]] | None = None,
    comments: frozenset[Element] = frozenset(),
) -> Content:
    """Filter the container's blocks into body paragraphs, headings and captions.

    ``bold_classes`` gives the classes the page's stylesheet sets in bold (asked only for
    a short line with a class). ``comments`` are the readers' comments
    (:func:`comment_items`): the body ends at the first block inside one of them that does
    not also hold the body's first block (a "comment" that wide was told by links far
    apart, a sidebar's and the thread's).
    """
    out = Content(container)
    if container is None:
        return out
    # (inside() spelled out: a call per block of the page.) A chain holds an element at its
    # depth in the tree (chains run from the root), so one look at that place tells
    # whether a block's chain holds the container, without a search along the chain.
    depth = len(_chain_of(container)) - 1
    inside_blocks = [
        b
        for b in blocks
        if (
            (len(b.chain) > depth and b.chain[depth] is container)
            if b.chain
            else _inside(b.el, container)
        )
    ]
    title_key = _key(title) if title else None
    in_related = False
    resumed = -1  # where the body resumed after a related marker (index in out.blocks)
    first_marker = -1  # len(out.blocks) at the first related marker
    ended = False
    seen: set[str] = set()
    # Forms, dialogs and author boxes, whatever their names (see furniture).
    boxes = Boxes(inside_blocks, depth)
    for b in inside_blocks:
        text = b.text
        if (
            title_key
            and (b.heading or out.first < 0)
            and len(text) >= len(title_key)
            and _key(text) == title_key
        ):
            continue  # the headline itself (a heading, or a line before the body)
        if RELATED_MARKER.match(text):
            in_related = True
            if out.related_marker < 0:
                out.related_marker = b.index
            if 0 <= resumed < len(out.blocks) and _teaser_sized(out.blocks[resumed:]):
                # Marker, a summary, marker again ("Read more" under each story card):
                # what came between was a teaser's summary, not the body resuming; so
                # was the card before the first marker (its heading and summary), when
                # no body came between that marker and this summary.
                cut = resumed
                card = out.blocks[first_marker - 2 : first_marker]
                if (
                    resumed <= first_marker
                    and len(card) == 2
                    and is_heading(card[0])
                    and _teaser_sized(card[1:])
                ):
                    cut = min(cut, first_marker - 2)
                dropped = {b.text for b in out.blocks[cut:]}
                del out.blocks[cut:]
                del out.paragraphs[cut:]
                out.headings = [h for h in out.headings if h not in dropped]
                out.last = out.blocks[-1].index if out.blocks else -1
            elif first_marker < 0:
                first_marker = len(out.blocks)
            resumed = -1
            continue
        if in_related:
            # The related block runs until prose resumes.
            if b.link_density > 0.3 or not is_prose(b) or len(text) < 40:
                continue
            in_related = False
            resumed = len(out.blocks)
        # (When this test runs and fails, boiler_anywhere() was False: is_boiler_line()
        # below is told so rather than searching the text again.)
        end_checked = out.first >= 0 and len(text) < 200
        if (
            end_checked
            and (
                _ends_body(text) or boiler_anywhere(text) or (b.heading and is_comments_heading(b))
            )
        ) or (comments and out.blocks and _in_comment(b, comments, out.blocks[0])):
            # The body is over; what follows (related, comments, footer) is furniture.
            # The related block may still come, so keep looking for its marker only.
            ended = True
        if ended:
            if RELATED_MARKER.match(text) and out.related_marker < 0:
                out.related_marker = b.index
            continue
        if is_caption(b):
            out.captions.append(b)
            continue
        if b.boiler or b.teaser:
            continue
        if b.link_density > 0.5:
            continue
        if out.first < 0 and (not is_prose(b) or _name_and_time(text)):
            # Leading furniture (crumbs, dates, bylines, "收藏") before the first paragraph.
            # (Tested before the line filters below: they would only skip it too.)
            continue
        if is_boiler_line(text, not end_checked):
            continue
        if zh_labels.is_credit_line(text):
            continue
        if is_label_line(text) and not is_prose_sentence(text):
            continue
        if boxes.hold(b):
            continue
        if out.first >= 0 and is_heading(b, bold_classes):
            out.headings.append(text)
            out.paragraphs.append(text)
            out.blocks.append(b)
            out.last = b.index
            continue
        if is_date_line(text):
            continue
        if not is_prose(b) and not is_heading(b) and len(text) < 30 and b.el.tag not in _LIST_TAGS:
            # Short unpunctuated lines between paragraphs: "Caption", "Close", e-mail
            # addresses, photo credits, widget labels.
            continue
        if len(text) >= 40:
            if text in seen:
                continue  # a second copy (hidden microdata, print or AMP duplicates)
            if len(text) >= 300 and _repeats(text, out.paragraphs):
                continue  # the whole body again in one block (a summary or print copy)
            seen.add(text)
        out.paragraphs.append(text)
        out.blocks.append(b)
        if out.first < 0:
            out.first = b.index
        out.last = b.index
    _cut_after_gap(out)
    # Trailing short non-prose lines (share labels, "完", stray dates) are not body.
    while out.blocks and not is_prose(out.blocks[-1]) and len(out.blocks[-1].text) < 50:
        dropped = out.blocks.pop()
        out.paragraphs.pop()
        if out.headings and out.headings[-1] == dropped.text:
            out.headings.pop()
        out.last = out.blocks[-1].index if out.blocks else -1
    return out


GAP_BLOCKS = 6
_LIST_TAGS = frozenset({"li", "dd", "dt", "td", "th", "pre"})
_DATE_LINE = re.compile(
    r"\b(?:19|20)\d\d\b|\d{1,2}:\d\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d",
    re.I,
)
# Every branch of _DATE_LINE holds a digit: most lines have none, and finding that out is
# several times cheaper than trying the branches at every position.
_DIGIT = re.compile(r"\d")
# Words and numbers of a date line, each matched atomically (no backtracking into a word:
# the nested repetition otherwise takes exponential time on long non-matching lines).
_DATE_LINE_WORDS = compile_zh(
    r"^(?:(?>published|posted|updated|last updated|modified|date|on|at|by|"
    r"[a-z]{3,9}day|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|[a-z]{2,4}t|utc|gmt|"
    r"am|pm|[ap]\.m\.|\d[\d:,./-]*(?:st|nd|rd|th)?|[|,:·•–—-]|(?:星期|礼拜|周)[一二三四五六日天])"
    r"\s*+)++$",
    re.I,
)


def _in_comment(b: Block, comments: frozenset[Element], first: Block) -> bool:
    """Whether a block lies in one of the comments and that comment is not around the
    body's first block."""
    chain = b.chain or _chain_of(b.el)
    hits = comments.intersection(chain)
    if not hits:
        return False
    first_chain = first.chain or _chain_of(first.el)
    return any(el not in first_chain for el in hits)


def _name_and_time(text: str) -> bool:
    """A short line of a name and a time ("新闻网 2025年3月12日 00:50"): the colon of the
    time makes it look punctuated, but it holds no sentence."""
    if len(text) > 40 or _TIME_OF_DAY.search(text) is None:
        return False
    return not any(mark in text for mark in "，。！？；,!?;")


_TIME_OF_DAY = re.compile(r"\d{1,2}[:：]\d\d")


def is_date_line(text: str) -> bool:
    """A line that only states a date/time ("Published Monday, November 18, 2019 8:22AM")."""
    if len(text) > 80 or not _DIGIT.search(text) or not _DATE_LINE.search(text):
        return False
    return _DATE_LINE_WORDS.match(text.replace("\xa0", " ")) is not None


def _cut_after_gap(out: Content) -> None:
    """Drop a small tail separated from the body by a run of furniture (an author bio,
    a promo line after the comments): most of a body is contiguous."""
    blocks = out.blocks
    total = sum(len(b.text) for b in blocks)
    done = 0
    for i in range(1, len(blocks)):
        done += len(blocks[i - 1].text)
        if blocks[i].index - blocks[i - 1].index > GAP_BLOCKS and (total - done) < 0.25 * done:
            dropped = blocks[i:]
            del out.blocks[i:]
            del out.paragraphs[i:]
            texts = {b.text for b in dropped}
            out.headings = [h for h in out.headings if h not in texts]
            out.last = blocks[i - 1].index
            return


def _teaser_sized(blocks: list[Block]) -> bool:
    return len(blocks) <= 2 and sum(len(b.text) for b in blocks) <= 600


def _repeats(text: str, paragraphs: list[str]) -> bool:
    """Whether a long block mostly restates paragraphs already taken, word for word."""
    need = 0.7 * len(text)
    covered = 0
    for para in paragraphs[:60]:
        if len(para) >= 40 and para in text:
            covered += len(para)
            if covered >= need:
                return True  # (coverage only grows: the rest cannot change the verdict)
    return covered >= need


def is_prose_sentence(text: str) -> bool:
    return len(text) > 60 and punct_count(text) >= 3


def _key(text: str) -> str:
    return word_chars(text).lower()
