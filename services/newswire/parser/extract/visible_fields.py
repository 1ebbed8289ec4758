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
    originally_published,
)
from newswire.parser.extract.titles import has_match_key, match_key

_DAY = timedelta(days=1)
_DIGIT = re.compile(r"\d")


def _elements_apart(b: dom.Block) -> str:
    """The line's text with its elements apart: adjacent inline elements run together
    in the block's text (``<span>10:20</span><span>1234</span>`` reads "10:201234")."""
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
) -> dict:
    """Dates, credits and counts read from the short lines around the body."""
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
        "source": None,
        "slot_source": None,
        "views": None,
        "shown": [],
        "relative": None,
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
        text = _elements_apart(b)
        for m in DATE_CANDIDATE.finditer(text):
            dt = dates.parse_date(m.group(), tz, url=url, now=now, fuzzy=False)
            if dt is None and not m.group().startswith(("19", "20")):
                # Month-day without a year: take it from the page's machine-readable dates.
                dt = dates.parse_date(
                    m.group(), tz, url=url, now=now, fuzzy=False, ref_year=ref_year()
                )
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

    for b in head + body_blocks[:3] + inner + tail[:15] + above:
        for dt, kind in dates_in(b):
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
    if out["published"] is not None and date_block not in labelled:
        first_found = originally_published(blocks[first : last + 16], tz, now)
        if first_found is not None:
            out["published"], b = first_found
            date_line, date_block = b.text, b.index
            labelled.add(b.index)  # (the phrase is its label)
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
    relative = [
        dt
        for b in head + inner + above
        if dates.may_be_relative(b.text)
        and (dt := dates.relative_date(_elements_apart(b), now, tz)) is not None
    ]
    out["relative"] = relative[0] if len(relative) == 1 else None
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
    near = head + tail[:25]
    for b in near:
        text = b.text
        if len(text) > 160:
            continue
        if out["source"] is None:
            out["source"] = zh_labels.find_source(text)
        if out["views"] is None and b in head:
            out["views"] = _views(b)
    head_set = set(head)
    for b in list(reversed(tail)) + list(reversed(body_blocks[-3:])) + head:
        if len(b.text) > 200:
            continue
        # (Head lines read with their elements apart: "责任编辑：王婷婷" in its own span
        # runs into the next span's label otherwise.)
        ed = zh_labels.find_editor(_elements_apart(b) if b in head_set else b.text)
        if ed:
            out["editor"] = ed
            break
    authors: list[str] = []
    scan = head + body_blocks[:3] + body_blocks[-4:] + tail[:10]
    for b in scan:
        text = b.text
        if len(text) > 300 and b not in body_blocks[-4:] and b not in body_blocks[:3]:
            continue
        # (Membership in the body read from the set: blocks compare by identity.)
        is_body = b in in_body
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
    out["authors"] = authors
    if date_line and lang and lang.startswith("zh") and out["source"] is None:
        out["slot_source"] = slot_source(date_line, blocks[date_block].el.itertext())
    return out
