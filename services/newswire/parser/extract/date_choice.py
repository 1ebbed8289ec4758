"""Which of the dates a page gives is its publication (and update) date.

A page states its dates in many places that disagree: a site rule's selector, JSON-LD and
meta tags, <time> elements, the lines around the headline, the URL. The pipeline asks them
in order of reliability; this module holds the rules for reading each source and for
overruling the machine-readable date with the one the page shows (``prefer_shown``), and
the pattern of a date in visible text (``DATE_CANDIDATE``), which bylines use too, to cut
dates from names. Parsing a date string is :mod:`dates`' job, not this one's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from newswire.parser.extract import dates, dom
from newswire.parser.extract.dom import Element, text_of
from newswire.parser.extract.metadata import Metadata, ld_value
from newswire.parser.extract.rules import ExtractionRules

MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE_CANDIDATE = re.compile(
    r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d\d(?:[:：]\d\d)?)?"
    r"|(?<!\d)\d\d-\d\d-\d\d(?![\d-])(?:\s+\d{1,2}:\d\d)?|(?<![\d-])\d{1,2}[-月]\d{1,2}日?\s*\d{1,2}:\d\d"
    # A month name may be glued to the byline before it ("By Jane DoeMar 5, 2025").
    rf"|(?:\b|(?<=[a-z])(?-i:(?=[A-Z]))){MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    r"(?:,?\s*(?:at\s*)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?)?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS},?\s+(?:19|20)\d\d"
    # Day, month name and year in other languages ("4 de agosto de 2021", "04-ago-2021").
    r"|(?<![\w/.])\d{1,2}(?:\.|º|er)?(?:\s+de)?[\s./-]+"
    rf"(?:{dates.INTL_MONTH_RE})\.?(?:\s+de)?[\s./,-]+(?:19|20)\d\d(?!\d)"
    r"(?:,?\s*\d{1,2}[:.h]\d\d(?::\d\d)?)?"
    r"|(?<![\w/.-])\d{1,2}([./-])\d{1,2}\1(?:19|20)\d\d(?![\d/.-])(?:,?\s*\d{1,2}:\d\d)?",
    re.I,
)
_DIGIT = re.compile(r"\d")


def has_date_candidate(text: str) -> bool:
    """Whether ``text`` holds a DATE_CANDIDATE. Every date holds a digit and most lines
    hold none, which one character class finds out several times faster than trying the
    pattern's branches at every position."""
    return _DIGIT.search(text) is not None and DATE_CANDIDATE.search(text) is not None


def prefer_shown(published: datetime | None, shown: list[tuple[datetime, str]]) -> datetime | None:
    """The date the page shows by its headline, when the machine-readable one is not shown.

    Sites keep the first publication date in their metadata but print only the date of the
    last revision ("Updated Oct 8, 2025"): a reader takes the page to be of the printed
    date, and so do we — unless the page prints the metadata's date too (or a day off that
    a time zone explains).
    """
    if published is None or not shown:
        return published
    day = published.date()
    for dt, kind in shown:
        if kind != "url":
            continue
        # The URL's date is the day the site itself filed the story under, in its own
        # zone: a machine-readable time within a day of it is that day, shown in UTC
        # ("2025-12-19T02:41Z" for /2025/12/18/), and both outrank a date by the headline
        # (an update or a comment).
        gap = (dt.date() - day).days
        if gap == 0:
            return published
        if abs(gap) == 1:
            return _on_day(published, dt)
        if published.day <= 12 and (day.year, day.day, day.month) == (
            dt.year,
            dt.month,
            dt.day,
        ):
            # "03/10/2023" read month first under /2023/october/03/: the page meant day first.
            return published.replace(month=day.day, day=day.month)
    shown = [(dt, kind) for dt, kind in shown if kind != "url"]
    for dt, kind in shown:
        if kind == "labelled" and abs((dt.date() - day).days) > 1:
            return dt
    if not shown:
        return published
    for dt, kind in shown:
        if kind == "updated":
            continue
        if dates.could_be_same_day(published, dt.date()):
            return published
        if dt.day <= 12 and (dt.year, dt.day, dt.month) == (day.year, day.month, day.day):
            # "09.10.2024" read day first, printed month first: the same date.
            return published
    printed = [dt for dt, kind in shown if kind == "published"]
    if len({dt.date() for dt in printed}) > 2:
        # Many different dates by the headline: a list of stories or comments, no dateline.
        return published
    # The metadata's date printed only as the update ("Published Apr 26, 2023 · Updated
    # Aug 21, 2025" with datePublished = Aug 21): the printed publication date wins.
    return printed[0] if printed else published


def _on_day(moment: datetime, day: datetime) -> datetime:
    """``moment`` in the whole-hour UTC offset nearest zero that puts it on ``day``'s date
    (the same instant, as the site's clock showed it); ``day`` itself when none can."""
    utc = moment.astimezone(UTC)
    for hours in sorted(range(-12, 15), key=abs):
        local = utc.astimezone(timezone(timedelta(hours=hours)))
        if local.date() == day.date():
            return local
    return day


def relative_or_url(relative: datetime | None, url: str, tz: tzinfo) -> datetime | None:
    """For a page with no date but a relative one ("3小时前") and perhaps its URL's day.

    The URL's day is the site's own filing and holds however late the page is read; the
    relative time is only as good as the fetch time it is counted from. So it gives the
    time of day on the URL's day, and the date only where the URL has none.
    """
    url_day = dates.date_from_url(url, tz)
    if relative is not None and (url_day is None or relative.date() == url_day.date()):
        return relative
    return url_day


def fallback_date(
    script_text: str | None, relative: datetime | None, url: str, tz: tzinfo, now: datetime
) -> tuple[datetime, str] | None:
    """The page's last evidence of its publish time, and what it is: a date the page keeps
    in a script (``script_text``), else :func:`relative_or_url`."""
    found = dates.parse_date(script_text, tz, now=now)
    if found is not None:
        return found, "a date in a script"
    found = relative_or_url(relative, url, tz)
    if found is None:
        return None
    return found, "a time relative to the visit" if found == relative else "the date in the URL"


def overrules_edge_date(edge: datetime, instead: datetime) -> bool:
    """Whether ``instead`` (:func:`fallback_date`) replaces a date read only at the page's
    edge: the site header's today over the headline or a comment's time below the story,
    unlabelled. It does when it is another day; on the same day the edge date's time
    stands, unless it gives none (the header's today)."""
    return instead.date() != edge.date() or not (edge.hour or edge.minute)


def rule_date(
    rules: ExtractionRules | None, field: str, root: Element, tz: tzinfo, url: str, now: datetime
) -> datetime | None:
    if rules is None:
        return None
    for found in rules.select(field, root):
        if isinstance(found, str):
            raw = found
        else:
            raw = found.get("datetime") or found.get("content") or text_of(found)
        dt = dates.parse_date(raw, tz, url=url, now=now)
        if dt is not None:
            return dt
    return None


def time_element(
    md: Metadata, kinds: tuple[str, ...], tz: tzinfo, now: datetime
) -> datetime | None:
    """The first <time datetime> whose class or itemprop names the wanted kind."""
    for stamp, kind in md.times:
        if kind.strip() and any(k in kind for k in kinds):
            dt = dates.parse_date(stamp, tz, now=now)
            if dt is not None:
                return dt
    return None


def microdata_date(root: Element, prop: str, tz: tzinfo, now: datetime) -> datetime | None:
    """The date of an element schema.org microdata marks with ``itemprop`` (``<span
    itemprop="datePublished" content="2025-12-19">Dec 19</span>``): in its ``content``
    or ``datetime`` attribute, else its text. (<meta> and <time> elements were read with
    the metadata; this is looked for only on a page they gave no date, one XPath query.)"""
    for el in root.iterfind(f".//*[@itemprop='{prop}']"):
        raw = el.get("content") or el.get("datetime") or text_of(el)
        dt = dates.parse_date(raw, tz, now=now)
        if dt is not None:
            return dt
    return None


def beside_modified(md: Metadata, tz: tzinfo, now: datetime) -> datetime | None:
    """The unmarked <time> beside one marked as the modified date, in the same element:
    pages that mark only the update (``<time class="entry-modified">``) print the
    publication next to it (a <time> elsewhere is a comment's or another story's)."""
    for i, (_, kind) in enumerate(md.times):
        if "modif" not in kind and "updat" not in kind:
            continue
        parent = md.time_els[i].getparent()
        for j in (i - 1, i + 1):
            if 0 <= j < len(md.times) and md.time_els[j].getparent() is parent:
                stamp, other = md.times[j]
                if "modif" not in other and "updat" not in other:
                    return dates.parse_date(stamp, tz, now=now)
        return None
    return None


def structured_date(
    md: Metadata, ld_keys: tuple[str, ...], meta_key: str, tz: tzinfo, now: datetime
) -> datetime | None:
    for key in ld_keys:
        dt = dates.parse_date(ld_value(md, key), tz, now=now)
        if dt is not None:
            return dt
    return dates.parse_date(md.get(meta_key), tz, now=now)


def late_dates(
    blocks: list[dom.Block],
    first: int,
    last: int,
    in_body: set[dom.Block],
    tail: list[dom.Block],
    dates_in: Callable[[dom.Block], list[tuple[datetime, str]]],
    labelled: set[int],
    out: dict,
) -> None:
    """A page with no date by its headline may print one further down: a labelled line
    ("Published" | "Feb 2, 2023" under the body, "Updated March 13, 2024" in a byline box
    between sections), or a line holding nothing but one date among the body's blocks
    (a byline box below the story). Dates in listings and comments are neither."""
    spanned = [b for b in blocks[first + 40 : last + 1] if b not in in_body and len(b.text) <= 120]
    for b in spanned + tail:
        found = dates_in(b) if b.index in labelled or has_date_candidate(b.text) else []
        if b.index not in labelled:
            continue
        for dt, kind in found:
            if kind == "updated":
                # Not after the body, though: "Site last updated" in the footer.
                if b.index <= last:
                    out["updated"] = out["updated"] or dt
            elif out["published"] is None:
                out["published"] = dt
        if out["published"] is not None:
            return
    if out["updated"] is not None:
        return
    bare: set[datetime] = set()
    for b in blocks[first : last + 1]:
        if b in in_body or len(b.text) > 40:
            continue
        m = DATE_CANDIDATE.search(b.text)
        if m is None or len(m.group()) < len(b.text.strip()) - 2:
            continue
        bare.update(dt for dt, _ in dates_in(b))
        if len(bare) > 1:
            return
    if bare:
        out["published"] = bare.pop()


def originally_published(
    blocks: list[dom.Block], tz: tzinfo, now: datetime
) -> tuple[datetime, dom.Block] | None:
    """The date of a line saying when the story first came out ("This article was
    originally published on 26 Sep 2019 but has been regularly updated"), with its block.

    It states the first publication in words, so it outranks a bare date stamp by the
    headline, which on such pages is the last revision. (Read even in a long line of the
    body: the phrase is the date's label, as "Published" is.)
    """
    for b in blocks:
        text = b.text
        # (A substring test first: the regex runs on almost no block.)
        if "riginally" not in text:
            continue
        m = _ORIGINALLY_PUBLISHED.search(text)
        if m is None:
            continue
        found = DATE_CANDIDATE.search(text, m.end(), m.end() + 60)
        if found is not None and found.start() - m.end() <= 25:
            dt = dates.parse_date(found.group(), tz, now=now, fuzzy=False)
            if dt is not None:
                return dt, b
    return None


def dateline(text: str, m: re.Match[str]) -> bool:
    """A date opening a paragraph, as a dateline does ("LONDON, March 12, 2025 — ...")."""
    if m.start() < 3:
        return True
    return m.start() <= 40 and bool(_DATELINE_END.match(text, m.end()))


def opening_dateline(text: str, tz: tzinfo, url: str, now: datetime) -> datetime | None:
    """The date of the dateline opening a story's first paragraph ("WASHINGTON, Dec. 1,
    2026 (AP) — ...", "NEW YORK, Dec. 1, 2026 /PRNewswire/ -- ...", "LONDON, December 1
    (Reuters) - ..."): how wire stories and press releases state their date when the
    page shows it nowhere else. (A paragraph is
    too long for the short-line scan; only its first 80 characters are searched.)"""
    opening = text[:80]
    if _DIGIT.search(opening) is None:
        return None
    m = DATE_CANDIDATE.search(opening)
    if m is not None:
        if not dateline(text, m):
            return None
        return dates.parse_date(m.group(), tz, url=url, now=now, fuzzy=False)
    m = _YEARLESS_DATELINE.match(opening)
    if m is None:
        return None
    # A wire's dateline gives no year ("LONDON, Dec 1 (Reuters) -"): the URL's, else the
    # last such day up to the visit (parse_date refuses a day after it: last year's).
    url_year = dates.year_from_url(url)
    for year in (url_year,) if url_year else (now.year, now.year - 1):
        dt = dates.parse_date(f"{m['day']}, {year}", tz, now=now, fuzzy=False)
        if dt is not None:
            return dt
    return None


# What follows a dateline's date: a dash or colon, the agency in brackets ("(AP) —"), or
# a wire's name between slashes ("/PRNewswire/ --").
_DATELINE_END = re.compile(r"\s*(?:[-–—:|/]|\()")
# A place in capitals, a month and day, and the agency in brackets: "LONDON, December 1
# (Reuters) -", "WASHINGTON, Dec. 1 (AP) —".
_YEARLESS_DATELINE = re.compile(
    rf"(?-i:[A-Z][A-Z .'’-]{{1,40}}),\s+(?P<day>{MONTHS}\s+\d{{1,2}})\s*\((?-i:[A-Z])", re.I
)
_ORIGINALLY_PUBLISHED = re.compile(r"\boriginally\s+(?:published|posted)\b", re.I)


def ref_year(md: Metadata, tz: tzinfo, now: datetime) -> int | None:
    """A year from any machine-readable date on the page, for dates shown without one."""
    for raw in (
        ld_value(md, "datePublished"),
        md.get("published"),
        ld_value(md, "dateModified"),
        md.get("modified"),
    ):
        dt = dates.parse_date(raw, tz, now=now)
        if dt is not None:
            return dt.year
    dt = dates.parse_date(md.script_published(), tz, now=now)
    return dt.year if dt is not None else None
