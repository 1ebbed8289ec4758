"""Pages served as ``text/plain``: a text rendering turned into simple HTML.

Some servers (and archives) deliver an article as its text rendering: breadcrumb line,
headline, meta line, paragraphs separated by blank lines, a bulleted story list. Rather
than a second extractor, the text is rewritten as the HTML a plain CMS would produce —
breadcrumb in a crumb element, headline in ``<h1>``, short unpunctuated lines between
paragraphs as ``<h2>``, bulleted items in an ``<aside>`` list, ``>>`` lines as links — so
every field comes out of the same pipeline. Links have no addresses in text, so story-list
items give no outlinks and related stories have an empty ``url``.
"""

from __future__ import annotations

import re
from html import escape

_HTML_HINT = re.compile(
    r"<(?:!doctype|html|head|body|div|p|a|span|table|meta|title|script|br|section|article)\b",
    re.I,
)
_CRUMB = re.compile(r"^\s*(?:首页|主页|网站首页|home)\s*(?:>|»|›|/)", re.I)
_BULLET = re.compile(r"^\s*[•·▪●◦\-*]\s+")
_SENTENCE_END = ("。", "！", "？", ".", "!", "?", "…", "”", "」", ")", "）", ">>")
_META = re.compile(r"\d{4}[-年/]\d{1,2}|发布时间|来源|浏览|阅读|责任编辑|记者|©|版权")
_RELATED = re.compile(r"^(?:更多阅读|相关阅读|相关新闻|延伸阅读|相关文章|推荐阅读|related)", re.I)


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
        if not line.strip():
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

    out: list[str] = []
    title_done = False
    title = ""
    in_list = False
    body_started = False
    n = len(chunks)
    for i, chunk in enumerate(chunks):
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
        if not title_done:
            title = para
            out.append(f"<h1>{escape(para)}</h1>")
            title_done = True
            continue
        if para.endswith(">>"):
            out.append(f'<p><a href="">{escape(para)}</a></p>')
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
