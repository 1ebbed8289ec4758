"""Pages served as ``text/plain``: a text rendering turned into simple HTML.

Some servers (and archives) deliver an article as its text rendering: breadcrumb line,
headline, meta line, paragraphs separated by blank lines, a bulleted story list. Rather
than a second extractor, the text is rewritten as the HTML a plain CMS would produce —
breadcrumb in a crumb element, headline in ``<h1>``, short unpunctuated lines between
paragraphs as ``<h2>``, bulleted items in an ``<aside>`` list, ``>>`` lines as links — so
every field comes out of the same pipeline. Links have no addresses in text, so related
stories, story-list items (read back by :func:`story_links`) and photos (:func:`images`,
captions starting ``△``) keep their words with an empty ``url``.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from html import escape

from newswire.parser.extract import dates
from newswire.parser.extract.dom import Block, Element, norm_ws, text_of
from newswire.parser.extract.listing import clean_title
from newswire.parser.extract.media import caption_text
from newswire.parser.extract.zh_script import compile_zh
from newswire.records import Image, Link, Outlink

_HTML_HINT = re.compile(
    r"<(?:!doctype|html|head|body|div|p|a|span|table|meta|title|script|br|section|article)\b",
    re.I,
)
_CRUMB = compile_zh(
    r"^\s*(?:(?:您|你)?(?:当前|现在)?的?(?:所在)?位置\s*[:：]\s*)?"
    r"(?:首页|主页|网站首页|home)\s*(?:>|»|›|/)",
    re.I,
)
# A trail led by the site's name rather than 首页, known by the page label it ends with
# (``新闻网 > 国际 > 正文``): its first label is the home link.
_SITE_TRAIL = compile_zh(
    r"^\s*[^\s>»›]{1,20}(?:\s*[>»›]\s*[^>»›]{1,20}){1,6}\s*[>»›]\s*(?:正文|查看内容)\s*$"
)
_BULLET = re.compile(r"^\s*[•·▪●◦\-*]\s+")
# A numbered story-list item ("1. 标题"), known by the time line it ends with.
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}\s*[.、)）]|[【\[(（]\d{1,3}[】\])）])\s*")
# A line drawn of one repeated character: an underline or a rule between parts.
_RULE = re.compile(r"^\s*([=\-_*~—·.#])\1{2,}\s*$")
_CAPTION_MARK = ("△", "▲")
_SENTENCE_END = ("。", "！", "？", ".", "!", "?", "…", "”", "」", ")", "）", ">>")
# A line ending so is a sentence, not a headline (a headline may end "?" or "!").
_FULL_STOP = ("。", ".")
_META = compile_zh(r"\d{4}[-年/]\d{1,2}|发布时间|来源|浏览|阅读|责任编辑|记者|©|版权")
_RELATED = compile_zh(r"^(?:更多阅读|相关阅读|相关新闻|延伸阅读|相关文章|推荐阅读|related)", re.I)


def looks_plain(text: str) -> bool:
    """True when a body without a content type has no HTML markup at all."""
    head = text[:5000]
    return bool(head.strip()) and _HTML_HINT.search(head) is None


def _para(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


def to_html(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks: list[list[str]] = []
    cur: list[str] = []
    for line in text.split("\n"):
        if not line.strip() or _RULE.match(line):
            if cur:
                chunks.append(cur)
                cur = []
            continue
        if _BULLET.match(line) and cur:
            chunks.append(cur)
            cur = []
        cur.append(line)
    if cur:
        chunks.append(cur)
    chunks = _join_split_items(chunks)

    out: list[str] = []
    title_done = False
    title = ""
    in_list = False
    in_related = False
    in_related_lines = False
    body_started = False
    n = len(chunks)
    for i, chunk in enumerate(chunks):
        first = chunk[0]
        if in_related and len(chunk) == 1 and (_BULLET.match(first) or _NUMBERED.match(first)):
            # "相关阅读：" then "· 标题" or "1. 标题" lines: related links, not a story list.
            out.append(_related_link(first))
            continue
        in_related = False
        if len(chunk) > 1 and _RELATED.match(first.strip()):
            # The heading and its links with no blank line between.
            out.append(f"<p>{escape(first.strip())}</p>")
            out.extend(_related_link(line) for line in chunk[1:] if line.strip())
            in_related = True
            continue
        if _NUMBERED.match(first) and len(chunk) >= 2 and _is_time(chunk[-1]):
            chunk = [_NUMBERED.sub("• ", first, count=1), *chunk[1:]]
            first = chunk[0]
        elif body_started and len(chunk) >= 2 and not _BULLET.match(first):
            # An item with no bullet at all, known by its time: the last line's, or one
            # printed beside the headline ("[06-15 17:44] 标题", "标题（2025-06-15）").
            item = _unmarked_item(chunk)
            if item is not None:
                chunk = item
                first = chunk[0]
        if _BULLET.match(first):
            if not in_list:
                out.append('</article><aside class="story-list"><ul>')
                in_list = True
            head = _BULLET.sub("", first).strip()
            rest = [escape(line.strip()) for line in chunk[1:] if line.strip()]
            out.append(f'<li><h3><a href="">{escape(head)}</a></h3>')
            out.extend(f"<p>{r}</p>" for r in rest)
            out.append("</li>")
            continue
        if in_list and chunk[0].startswith((" ", "\t")):
            # Continuation of the previous item (summary and time after a blank line).
            out.insert(len(out) - 1, "".join(f"<p>{escape(line.strip())}</p>" for line in chunk))
            continue
        if in_list:
            out.append("</ul></aside><article>")
            in_list = False
        para = _para(chunk)
        if not title_done and _CRUMB.match(para):
            labels = [x.strip() for x in re.split(r"\s*(?:>|»|›)\s*", para) if x.strip()]
            crumbs = " &gt; ".join(f'<a href="">{escape(x)}</a>' for x in labels)
            out.append(f'<div class="breadcrumb">{crumbs}</div>')
            continue
        if not title_done and _SITE_TRAIL.match(para):
            home, *labels = [x.strip() for x in re.split(r"\s*[>»›]\s*", para) if x.strip()]
            # (As a link home: the section stage reads such a trail from its second label.)
            trail = [f'<a href="/">{escape(home)}</a>', *(escape(x) for x in labels)]
            out.append(f"<div>{' &gt; '.join(trail)}</div>")
            continue
        if not title_done:
            title = para
            out.append(f"<h1>{escape(para)}</h1>")
            title_done = True
            continue
        if para.endswith(">>"):
            out.append(f'<p class="related"><a href="">{escape(para)}</a></p>')
            continue
        if para.startswith(_CAPTION_MARK):
            out.append(f'<figure><img src=""><figcaption>{escape(para)}</figcaption></figure>')
            continue
        if in_related_lines and len(chunk) == 1 and _is_link_line(para):
            # Under a related heading, short lines with no marker at all are its links too
            # (until a sentence, a credit or the copyright ends them).
            out.append(_related_link(para.strip("[]【】")))
            continue
        in_related_lines = False
        if _RELATED.match(para):
            in_related = True
            in_related_lines = len(chunk) == 1
            out.append(f"<p>{escape(para)}</p>")
            continue
        short = len(para) <= 40 and not para.endswith(_SENTENCE_END)
        if (
            short
            and body_started
            and i + 1 < n
            and not _META.search(para)
            and not _RELATED.match(para)
        ):
            out.append(f"<h2>{escape(para)}</h2>")
            continue
        if len(para) > 40:
            body_started = True
        out.append(f"<p>{escape(para)}</p>")
    if in_list:
        out.append("</ul></aside><article>")
    return (
        f"<html><head><title>{escape(title)}</title></head><body><article>"
        + "\n".join(out)
        + "</article></body></html>"
    )


def _is_link_line(line: str) -> bool:
    """A line that can be a related story's headline: short, no sentence, no meta."""
    return 4 <= len(line) <= 60 and not line.endswith(_FULL_STOP) and not _META.search(line)


# A time printed before the headline in brackets or after it in brackets.
_TIME_BEFORE = re.compile(r"^\s*[\[【(（]([^\]】)）]{8,25})[\]】)）]\s*(.+)$")
_TIME_AFTER = re.compile(r"^(.+?)\s*[\[【(（]([^\]】)）]{8,25})[\]】)）]\s*$")


def _unmarked_item(chunk: list[str]) -> list[str] | None:
    """A story-list item without a bullet as a bulleted one (``• headline``, the summary,
    the time last), or None when the chunk is no such item."""
    first = chunk[0].strip()
    if _is_time(chunk[-1]) and _may_head_an_item(first):
        return [f"• {first}", *chunk[1:]]
    for pattern, time_group, head_group in ((_TIME_BEFORE, 1, 2), (_TIME_AFTER, 2, 1)):
        m = pattern.match(first)
        if m and _is_time(m.group(time_group)):
            return [f"• {m.group(head_group).strip()}", *chunk[1:], m.group(time_group)]
    return None


def _may_head_an_item(line: str) -> bool:
    """A line that can be a story-list item's headline: not long, not a sentence."""
    return len(line) <= 80 and not line.endswith(_FULL_STOP)


def _join_split_items(chunks: list[list[str]]) -> list[list[str]]:
    """Story-list items written as separate paragraphs (headline, blank line, summary,
    blank line, time) joined into one chunk each, after the story's first paragraph."""
    start = next((i for i, c in enumerate(chunks) if len(_para(c)) > 80), len(chunks))
    out = chunks[:start]
    for chunk in chunks[start:]:
        if (
            len(chunk) == 1
            and _is_time(chunk[0])
            and len(out) >= 2
            and len(out[-1]) == 1
            and len(out[-2]) == 1
            and _may_head_an_item(out[-2][0].strip())
            and not _BULLET.match(out[-2][0])
        ):
            summary = out.pop()
            headline = out.pop()
            out.append([*headline, *summary, *chunk])
            continue
        out.append(chunk)
    return out


def _related_link(line: str) -> str:
    title = _NUMBERED.sub("", _BULLET.sub("", line), count=1).strip()
    return f'<p class="related"><a href="">{escape(title)}</a></p>'


def _is_time(line: str) -> bool:
    """A line holding nothing but a date and time (a story-list item's last line)."""
    line = line.strip()
    return 8 <= len(line) <= 25 and dates.parse_date(line, fuzzy=False) is not None


def images(captions: list[Block]) -> list[Image]:
    """The photos a text rendering mentions, by their captions (no addresses)."""
    return [Image(url="", caption=caption_text(c.text)) for c in captions]


def related_links(root: Element) -> list[Link]:
    """The related stories a text rendering lists ("更多阅读" then "标题>>" or "· 标题"
    lines), titles only."""
    out: list[Link] = []
    for p in root.iter("p"):
        if p.get("class") == "related":
            title = clean_title(text_of(p))
            if title and all(link.title != title for link in out):
                out.append(Link(title=title, url=""))
    return out


def story_links(root: Element, tz: tzinfo, now: datetime) -> list[Outlink]:
    """The other-stories list of a text rendering: headline, summary and time of each
    item, without addresses (the text has none)."""
    out: list[Outlink] = []
    for li in root.iter("li"):
        head = li.find("h3")
        title = norm_ws(text_of(head)) if head is not None else ""
        if not title:
            continue
        lines = [norm_ws(text_of(p)) for p in li.iter("p")]
        published = None
        if lines and _is_time(lines[-1]):
            published = dates.parse_date(lines.pop(), tz, now=now, fuzzy=False)
        summary = " ".join(x for x in lines if x) or None
        out.append(Outlink(url="", title=title, summary=summary, published_at=published))
    return out
