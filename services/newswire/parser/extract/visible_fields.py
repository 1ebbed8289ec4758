"""Fields read from the short lines the page shows around the body.

The lines just above, inside and below the article (date stamps, "By" and 来源/责任编辑
credits, view counts) are scanned once for all of them, since they share the window and
the order of preference: so this scan is its own stage rather than part of the date or
byline modules, which it draws on (the date rules from :mod:`date_choice`, the unlabelled
outlet from :mod:`bylines`, the Chinese labels from :mod:`zh_labels`). What it finds is
one source among several: the pipeline weighs it against structured data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from newswire.parser.extract import content as content_mod
from newswire.parser.extract import dates, dom, zh_labels
from newswire.parser.extract.bylines import slot_source
from newswire.parser.extract.date_choice import (
    DATE_CANDIDATE,
    dateline,
    late_dates,
    opening_dateline,
    originally_published,
)
from newswire.parser.extract.titles import has_match_key, match_key
from newswire.parser.extract.zh_script import compile_zh, simplified

_DAY = timedelta(days=1)
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}")
# A bracketed note holding a 来源 label (the closing note of the body's last paragraph).
_CLOSING_NOTE = compile_zh(r"[（(][^（）()]{0,8}来源[^（）()]{2,60}[)）]")
_DIGIT = re.compile(r"\d")


_TIME_ALONE = re.compile(r"\d{1,2}:\d\d(?::\d\d)?")
_TIME_AFTER_DAY = compile_zh(
    r"(?:T|\s*时间\s*[:：]\s*)(\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)(?!\d)"
)


def _elements_apart(b: dom.Block) -> str:
    """The line's text with its elements apart: adjacent inline elements run together
    in the block's text (``<span>10:20</span><span>1234</span>`` reads "10:201234")."""
    # (Kept on the block: the date, credit and byline scans read many of the same lines,
    # and each reading walks the line's elements.)
    if b.apart is None:
        b.apart = _read_apart(b)
    return b.apart


def _read_apart(b: dom.Block) -> str:
    if not len(b.el):
        return b.text
    # Not when the element owns much more than the line (then it is not read to the end).
    limit = 2 * len(b.text) + 20
    pieces: list[str] = []
    raw = 0
    for piece in b.el.itertext():
        raw += len(piece)
        if raw > 4 * limit:  # (the raw text still holds the markup's whitespace)
            return b.text
        pieces.append(piece)
    spaced = " ".join(" ".join(pieces).split())
    return spaced if len(spaced) <= limit else b.text


def _with_value_cell(b: dom.Block, blocks: list[dom.Block]) -> str:
    """A label alone in its element, with the value the next element holds."""
    if b.index + 1 < len(blocks):
        value = blocks[b.index + 1].text
        if len(value) <= 40:
            return f"{b.text}{value}"
    return b.text


def _views(b: dom.Block) -> int | None:
    """The view count a line shows, read with its elements apart (a count in its own
    element after a time would continue the time's digits)."""
    text = b.text
    if zh_labels.may_show_views(text):
        text = _elements_apart(b)
    return zh_labels.find_views(text)


def read_visible_fields(
    blocks: list[dom.Block],
    body: content_mod.Content,
    title: str | None,
    url: str,
    tz: tzinfo,
    now: datetime,
    lang: str | None,
    ref_year: Callable[[], int | None],
    day_first: bool = False,
) -> dict:
    """Dates, credits and counts read from the short lines around the body; ``day_first``
    for a site that writes numeric dates day first (:func:`dates.day_first_site`)."""
    title_key = match_key(title)
    title_idx = -1
    if title_key:
        for b in blocks:
            if len(b.text) >= len(title_key) and has_match_key(b.text, title_key):
                title_idx = b.index
                break
    first = body.first if body.first >= 0 else (title_idx + 1 if title_idx >= 0 else 0)
    last = body.last if body.last >= 0 else first
    start = title_idx if 0 <= title_idx < first else max(0, first - 25)
    head = [b for b in blocks[start:first] if len(b.text) <= 200]
    tail = blocks[last + 1 : last + 40]
    body_blocks = body.blocks
    out: dict = {
        "published": None,
        "updated": None,
        "authors": [],
        "editor": None,
        "editors": [],  # every editor the lines credit, the chosen one or not
        "source": None,
        "slot_source": None,
        "views": None,
        "shown": [],
        "relative": None,
        # The published date was found only over the headline (the site header's today)
        # or below the story (a comment's or related story's time), with no label.
        "edge_date": False,
    }
    date_line: str | None = None
    date_block = -1
    # Short lines the body filter left out between the first body paragraphs (a date or
    # byline under the headline), and a few lines above the headline ("Last updated:
    # Dec 12, 2025" printed over it).
    in_body = set(body_blocks)
    inner = [
        b
        for b in blocks[first : min(last + 1, first + 40)]
        if b not in in_body and len(b.text) <= 120
    ]
    above = [b for b in blocks[max(0, start - 6) : start] if len(b.text) <= 120]
    found_in: dict[int, list[tuple[datetime, str]]] = {}
    labelled: set[int] = set()

    def dates_in(b: dom.Block) -> list[tuple[datetime, str]]:
        """The dates a short line states, each with its kind (published/updated)."""
        got = found_in.get(b.index)
        if got is not None:
            return got
        got = found_in[b.index] = []
        text = b.text
        if len(text) > 200 or _DIGIT.search(text) is None:
            # (Every date candidate holds a digit; most lines have none.)
            return got
        # Dates in adjacent elements run together ("Mar 5, 2025Mar 1, 2025"): read apart.
        text = dates.halfwidth(_elements_apart(b))
        for m in DATE_CANDIDATE.finditer(text):
            found = m.group()
            if m.end() == len(text) and ":" not in found and b.index + 1 < len(blocks):
                # The time of day in an element of its own after the date's
                # (``<div>2025-03-12</div><div>00:50</div>``).
                after = blocks[b.index + 1].text
                if len(after) <= 8 and _TIME_ALONE.fullmatch(after):
                    found = f"{found} {after}"
            elif ":" not in found and "：" not in found:
                # The time after the day under a label of its own (``日期：2025-03-12
                # 时间：00:50``), or as ISO 8601 prints it (``2025-03-12T00:50:00+08:00``).
                timed = _TIME_AFTER_DAY.match(text, m.end())
                if timed:
                    iso = text.startswith("T", m.end())
                    found = f"{found}{'T' if iso else ' '}{timed.group(1)}"
            dt = dates.parse_date(found, tz, url=url, now=now, fuzzy=False, day_first=day_first)
            if dt is None and not m.group().startswith(("19", "20")):
                # Month-day without a year: take it from the page's machine-readable dates,
                # else it is the last such day up to the visit, as a reader takes it (sites
                # drop the year for this year's stories).
                # (parse_date refuses a day after the visit: that one is last year's.)
                year = ref_year()
                for guess in (year,) if year else (now.year, now.year - 1):
                    dt = dates.parse_date(found, tz, url=url, now=now, fuzzy=False, ref_year=guess)
                    if dt is not None:
                        break
            if dt is None:
                continue
            kind = zh_labels.date_label(text, m.start())
            if kind is None and m.start() < 3 and b.index > 0:
                # The label may sit in its own element just before ("Updated on:" | date).
                prev = blocks[b.index - 1].text
                if len(prev) <= 30:
                    kind = zh_labels.date_label(prev, len(prev))
            if kind is None and b in in_body and len(text) > 100 and not dateline(text, m):
                # A date inside a body sentence ("taxes are due April 15, 2025") is what
                # the story is about, not when it was published.
                continue
            if kind is not None:
                labelled.add(b.index)
            got.append((dt, kind or "published"))
        return got

    # Lines below the story and over the headline, where lists of other stories go, and
    # those under a heading between the headline and the body ("Most popular" in a sidebar
    # the template prints before the story).
    sub = next((i for i, b in enumerate(head) if b.heading and b.index != title_idx), None)
    edges = (tail[:15], above, head[sub:] if sub is not None else [])
    listed: dict[int, bool] = {}

    def in_a_dated_list(b: dom.Block) -> bool:
        """Whether ``b`` is one of the lines of an edge of the page (see ``edges``) that
        show three or more different days between them: a list of other stories, each with its date,
        none of them this story's, unless the item is this story itself (its headline
        on the line or the one before: "Recent posts" led by the story). (Worked out once
        per edge, when first asked; the lines are short, at most 200 characters.)"""
        for i, edge in enumerate(edges):
            if b in edge:
                if i not in listed:
                    days = {
                        dt.date() for e in edge for dt, kind in dates_in(e) if kind != "updated"
                    }
                    listed[i] = len(days) > 2
                if not listed[i] or not title_key:
                    return listed[i]
                lines = (b, blocks[b.index - 1]) if b.index else (b,)
                return not any(title_key in match_key(line.text) for line in lines)
        return False

    for b in head + body_blocks[:3] + inner + tail[:15] + above:
        for dt, kind in dates_in(b):
            if b.index not in labelled and in_a_dated_list(b):
                continue
            if kind == "updated":
                out["updated"] = out["updated"] or dt
            elif out["updated"] is not None and dt - out["updated"] > _DAY:
                # A story is not published after its last update: a later date further
                # on belongs to something else (a list of other stories).
                continue
            elif out["published"] is None:
                out["published"] = dt
                date_line = b.text
                date_block = b.index
        if out["published"] is not None and date_line is not None:
            break
    day = out["published"]
    if day is not None and not (day.hour or day.minute or day.second):
        # A day alone (a disclosure table's 发文日期) and the same day with its time on a
        # later line by the headline (发布时间): the time is the story's too.
        for b in head + inner:
            if b.index <= date_block:
                continue
            timed = [
                dt
                for dt, kind in dates_in(b)
                if kind == "published" and dt.date() == day.date() and (dt.hour or dt.minute)
            ]
            if timed:
                out["published"], date_line, date_block = timed[0], b.text, b.index
                break
    if out["published"] is None and body_blocks and len(body_blocks[0].text) > 200:
        # (A shorter first paragraph was read with the lines above.)
        opening = body_blocks[0]
        out["published"] = opening_dateline(opening.text, tz, url, now)
        if out["published"] is not None:
            date_line, date_block = opening.text, opening.index
    if out["published"] is not None and date_block not in labelled:
        first_found = originally_published(blocks[first : last + 16], tz, now)
        if first_found is not None:
            out["published"], b = first_found
            date_line, date_block = b.text, b.index
            labelled.add(b.index)  # (the phrase is its label)
    out["edge_date"] = (date_block < start or date_block > last) and date_block not in labelled
    if out["published"] is None and out["updated"] is None:
        late_dates(blocks, first, last, in_body, tail[15:], dates_in, labelled, out)
    # Dates printed around the headline (not in the body or after it), for date_choice.prefer_shown.
    shown_blocks = head + inner + above
    for b in shown_blocks:
        out["shown"].extend(dates_in(b))
        if len(out["shown"]) >= 10:
            break
    if out["published"] is not None and any(b.text == date_line for b in body_blocks[:3]):
        # Printed in the first body lines: enough to confirm the machine-readable date,
        # though not to overrule a date by the headline.
        out["shown"].append((out["published"], "seen"))
    if date_block in labelled and out["published"] is not None:
        # "Published August 13, 2025" under the story: the page says so in words.
        out["shown"].append((out["published"], "labelled"))
    # A time relative to the visit ("3小时前") by the headline: the pipeline's last resort.
    # Only when it is the one such line there: a list of stories shows one per item.
    # (A short meta line the body filter took for the body's first block counts too.)
    relative = [
        (dt, b)
        for b in head + inner + above + [b for b in body_blocks[:2] if len(b.text) <= 60]
        if dates.may_be_relative(b.text)
        and (dt := dates.relative_date(_elements_apart(b), now, tz)) is not None
    ]
    out["relative"] = relative[0][0] if len(relative) == 1 else None
    url_day = dates.date_from_url(url, tz)
    if url_day is not None:
        out["shown"].append((url_day, "url"))

    def month_date() -> datetime | None:
        """A labelled month and year by the story ("Last updated: June 2022"), for pages
        that give no fuller date anywhere (looked for only then)."""
        for b in head + inner + tail[:15] + above:
            if len(b.text) <= 200 and _DIGIT.search(b.text):
                dt = dates.labelled_month(b.text, tz)
                if dt is not None:
                    return dt
        return None

    out["month_date"] = month_date
    # (``inner``: credit lines between the body's paragraphs that the body filter left out,
    # such as a 来源 line under a headline the body starts above.)
    # A long meta line the body filter took for the body's first paragraph
    # (``2024-05-20 来源：X 作者：Y 编辑：Z 【字体：大 中 小】【打印】``) comes after them.
    first_lines = [b for b in body_blocks[:2] if len(b.text) <= 160]
    near = head + inner + tail[:25] + first_lines
    head_lines = set(head + inner)
    # Where a view count may be read: by the headline, and among the lines before the
    # body's second paragraph (a subtitle the body filter took for the first paragraph
    # puts the meta line under it among the body's lines).
    second = body_blocks[1].index if len(body_blocks) > 1 else last
    view_lines = set(head) | {b for b in inner if b.index < second}
    for b in near:
        text = b.text
        if len(text) > 160:
            continue
        if text[-1] in ":：" and len(text) <= 8:
            # A label in a cell of its own, its value in the next (a government page's
            # disclosure table: ``<td>信息来源：</td><td>某某日报</td>``).
            text = _with_value_cell(b, blocks)
            if out["source"] is None:
                out["source"] = zh_labels.find_source(text)
            if out["views"] is None and b in view_lines:
                out["views"] = zh_labels.find_views(text)
            continue
        if out["source"] is None:
            out["source"] = zh_labels.find_source(text)
            if out["source"] is not None and len(b.el):
                # The outlet ends where its element does (``来源：求是网<a>参与互动</a>``).
                out["source"] = zh_labels.find_source(_elements_apart(b)) or out["source"]
            elif len(b.el) and b in head_lines:
                # The label runs into the element before it in the line's text
                # (``<span>3小时前</span><span>来源：X</span>`` reads "3小时前来源：X").
                out["source"] = zh_labels.find_source(_elements_apart(b))
        if out["views"] is None and b in view_lines:
            out["views"] = _views(b)
    if out["source"] is None:
        # The closing note of a long last paragraph (``…（本文来源：经济日报 作者：…）``).
        for b in body_blocks[-2:]:
            closing = _CLOSING_NOTE.search(b.text, max(0, len(b.text) - 100))
            if closing:
                out["source"] = zh_labels.find_source(closing.group())
                if out["source"]:
                    break
    for b in list(reversed(tail)) + list(reversed(body_blocks[-3:])) + inner + head + first_lines:
        if len(b.text) > 200:
            continue
        text = b.text
        if text[-1] in ":：" and len(text) <= 8:
            text = _with_value_cell(b, blocks)  # (``<td>责任编辑：</td><td>王某</td>``)
        credit = zh_labels.find_editor_credit(text)
        if len(b.el) and (credit or zh_labels.may_name_editor(b.text)):
            # The name ends where its element does (``<span>王某</span><a>打印</a>``), and a
            # label in the next element does not run into it (``…王婷婷</span><span>时间：``).
            apart = _elements_apart(b)
            found = zh_labels.find_editor_credit(apart)
            if found and " " in found[0] and found[0] not in b.text:
                # Editors joined by spaces only where elements meet: the next element is
                # no editor (``<span>责任编辑：王某</span><a>关闭窗口</a>``).
                found = zh_labels.find_editor_credit(apart, False)
            credit = found or credit
        if credit:
            # The first editor credit found, unless another line names the responsible
            # editor (a footer with both 编辑 and 责任编辑 lines).
            out["editors"].extend(credit[2])
            out["editor"] = out["editor"] or credit[0]
            if credit[1]:
                out["editor"] = credit[0]
                break
    if out["editor"] is None:
        # A footer below the comments and the related stories: only the responsible
        # editor's label is trusted that far from the story.
        for b in blocks[last + 40 : last + 400]:
            if len(b.text) <= 60:
                credit = zh_labels.find_editor_credit(b.text)
                if credit and credit[1]:
                    out["editor"] = credit[0]
                    out["editors"].extend(credit[2])
                    break
    authors: list[str] = []
    scan = head + body_blocks[:3] + inner + body_blocks[-4:] + tail[:10]
    for b in scan:
        text = b.text
        if len(text) > 300 and b not in body_blocks[-4:] and b not in body_blocks[:3]:
            continue
        # (Membership in the body read from the set: blocks compare by identity.)
        is_body = b in in_body
        if not is_body and len(text) <= 120 and len(b.el):
            # A byline of label, name and role in elements of their own runs together in
            # the text (``作者：王某本报记者``): read it with the elements' boundaries.
            text = _elements_apart(b)
        found = zh_labels.find_paren_authors(text) if is_body else []
        if len(text) <= 120 or is_body:
            found = (
                found
                + zh_labels.find_authors(text[:120])
                + (zh_labels.find_authors(text[-60:]) if len(text) > 120 else [])
            )
        if not is_body and not found:
            found = zh_labels.find_paren_authors(text)
        for name in found:
            if name not in authors:
                authors.append(name)
    if not authors and date_line and lang and lang.startswith("zh") and date_block <= last:
        # (Only a date line where a byline goes, above or in the story: below it, a name
        # alone in an element is a keyword tag or a related link as often as a writer.)
        authors = _person_by_the_date(blocks[date_block])
    if not authors and lang and lang.startswith("zh"):
        authors = _photo_story_credit(body_blocks)
    out["authors"] = authors
    # (A date above the headline is the site header's today: what is printed by it is the
    # site's own name or the weekday, never the story's outlet.)
    header_date = date_block <= title_idx
    if out["source"] is not None:
        out["source"] = zh_labels.account_name(out["source"])
    by_relative = len(relative) == 1 and relative[0][1].index > title_idx
    if not lang or not lang.startswith("zh") or out["source"] is not None:
        pass
    elif by_relative and (not date_line or out["edge_date"]):
        # The outlet beside a time relative to the visit (``新华网 3小时前``) by the
        # headline sits where it sits beside a date (the page's only other dates are at its
        # edges): read the line as if the time were one.
        line = _elements_apart(relative[0][1])
        span = dates.relative_span(line)
        if span is not None:
            line = f"{line[: span[0]]} {_A_DATE} {line[span[1] :]}"
            out["slot_source"] = slot_source(line) or _outlet_beside(blocks, relative[0][1].index)
    elif date_line and not header_date:
        out["slot_source"] = slot_source(
            date_line, blocks[date_block].el.itertext()
        ) or _outlet_beside(blocks, date_block)
    if out["slot_source"] is None and out["source"] is None and lang and lang.startswith("zh"):
        # No date by the headline to read the outlet beside: an element under it that the
        # template names as the source (class="source"), or a platform's account.
        # (A short meta line the body filter took for the body's first block counts too.)
        lines = head + inner + [b for b in body_blocks[:2] if len(b.text) <= 60]
        out["slot_source"] = _named_source([b for b in lines if b.index != title_idx])
    if out["slot_source"] is not None:
        out["slot_source"] = zh_labels.account_name(out["slot_source"])
    return out


# class/id words of the element that holds the outlet in a template.
_SOURCE_CLASS = re.compile(r"(?:^|[\s_-])(?:source|src|from|laiyuan|ly|origin)(?:$|[\s_-])", re.I)


def _named_source(lines: list[dom.Block]) -> str | None:
    """The outlet in an element of a short line under the headline that names it, by its
    class or id, or as a platform's account; only a name that reads as an outlet's."""
    for b in lines[:6]:
        if len(b.text) > 120:
            continue
        for k, el in enumerate(b.el.iter()):
            if k > 30:
                break
            if not isinstance(el.tag, str):
                continue
            text = dom.norm_ws(dom.text_of(el))
            if not 2 <= len(text) <= 40:
                continue
            words = dom.attr_words(el)
            if not (words and _SOURCE_CLASS.search(words)) and not zh_labels.is_account(text):
                continue
            # (The outlet's name ends at the first space: ``澎湃号·X 责编：Y``.)
            name = zh_labels.account_name(text).split()[0]
            if simplified(name) not in zh_labels.NOT_AN_OUTLET and slot_source(name) == name:
                return name
    return None


# Stands in for a relative time in a line read for the outlet beside its date.
_A_DATE = "2000-01-01"


# What an outlet's or a government body's name ends with (a section name such as 国际新闻
# does not qualify).
_OUTLET_END = compile_zh(
    r"(?:网|报|社|台|杂志|周刊|传媒|客户端|融媒|发布|政府|委员会|局|厅|办公室|中心)$"
)


def _outlet_beside(blocks: list[dom.Block], date_block: int) -> str | None:
    """An outlet in its own element just before or after the date's (an account card:
    name over date). Only a name that reads as an outlet's: the element beside the date
    may as well hold a pen name, a section or a button."""
    for i in (date_block - 1, date_block + 1):
        if not 0 <= i < len(blocks):
            continue
        text = blocks[i].text.strip()
        if 3 <= len(text) <= 12 and _OUTLET_END.search(text) and slot_source(text) == text:
            return text
    if date_block >= 2:
        # A platform's badge for the account between the name and the date (name,
        # "优质国际领域创作者", date): the badge says the name over it is an account's.
        badge = blocks[date_block - 1].text
        if len(badge) <= 20 and _ACCOUNT_BADGE.search(badge):
            text = blocks[date_block - 2].text.strip()
            if 2 <= len(text) <= 12 and slot_source(text) == text:
                return text
    return None


# A self-media platform's badge for an account (优质科技领域创作者, 某某官方账号).
_ACCOUNT_BADGE = compile_zh(r"(?:领域创作者|创作者|官方账号|官方帐号)$")


# A label ending the element before a name: the name is credited for something else.
_OTHER_CREDIT = compile_zh(
    r"(?:编辑|责编|审核|校对|摄影|摄|图|设计|制作|监制|统筹|主编)\s*[:：/]?\s*$"
)


def _person_by_the_date(b: dom.Block) -> list[str]:
    """The writer's name alone in its own element on the date line, with no label
    (``<span>2023-06-15</span><span>来源：某某网</span><span>王某</span>``)."""
    pieces = [p.strip() for p in b.el.itertext()]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or len(pieces) > 8:
        return []
    for i, piece in enumerate(pieces):
        # (Chinese names only: "A-" and "A+" font buttons sit there too.)
        if 2 <= len(piece) <= 3 and _HAN_NAME.fullmatch(piece) and zh_labels.clean_person(piece):
            if i and _OTHER_CREDIT.search(pieces[i - 1]):
                continue
            return [piece]
    return []


def _photo_story_credit(body_blocks: list[dom.Block]) -> list[str]:
    """A photo story credits no writer: its photographer, when the captions that name
    him make up at least half of the body and no other is named (in a text story with a
    few photos the photographer is not the author)."""
    names = [zh_labels.photographer(b.text) for b in body_blocks[:20]]
    found = {n for n in names if n}
    if len(found) == 1 and 2 * sum(1 for n in names if n) >= len(names):
        return list(found)
    return []
