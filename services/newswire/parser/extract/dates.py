"""Date and time strings to aware datetimes, fast paths first.

News pages show a handful of forms over and over (``2025-03-12 00:50:00``,
``2025年3月12日 00:50``, ``03-12 00:50``, ISO 8601, RFC 2822), so a few compiled regexes
cover nearly every page at microsecond cost; dateutil is the last resort for the odd
English form. A time shown without a zone is read in the site's time zone (the caller
passes it: Asia/Shanghai by default for Chinese pages), because that is what the reader
of the page saw.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newswire.parser.extract.zh_script import compile_zh

# Plausible publication years: anything outside is a misparse (phone numbers, ids).
MIN_YEAR = 1995
_MAX_FUTURE = timedelta(days=2)

_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)"
    r"(?:[T ](?P<H>\d\d):(?P<M>\d\d)(?::(?P<S>\d\d)(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d\d:?\d\d|[+-]\d\d\b|UTC|GMT)?)?"
)
# Numeric Y-M-D with - / . separators, optional time; also 2-digit years (``18-03-08``).
_YMD = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d|\d\d)\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)"
    r"(?:\s*(?:[T ]|&nbsp;)?\s*(?P<H>\d{1,2})[:：](?P<M>\d\d)(?:[:：](?P<S>\d\d))?)?"
)
_CJK = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*(?:(?P<ampm>上午|下午|晚上|凌晨|中午))?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})"
    r"(?:\s*[:：分]\s*(?P<S>\d{1,2}))?)?"
)
# Month-day without a year (``03-12 00:50``, ``3月12日 00:50``): the year comes from the URL.
_MD = compile_zh(
    r"(?<![\d-])(?P<m>\d{1,2})[-/月](?P<d>\d{1,2})日?\s*(?P<H>\d{1,2})[:：](?P<M>\d\d)(?![\d:])"
)
# Day, month and year as numbers with a 4-digit year: ``12.12.2025`` (European, day
# first) and ``10/31/2024`` (US, month first), each read the other way when the first way
# cannot be a date (``12.19.2025``, ``31/10/2024``). With dashes both orders are common
# (``19-12-2025``, ``12-19-2025``): only a date one order rules out is read.
_NUM_DMY = re.compile(
    r"(?<![\w/.-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)"
    r"(?![\d/.-])"
    r"(?:,?\s*(?:at\s*)?(?P<H>\d{1,2}):(?P<M>\d\d)(?::(?P<S>\d\d))?\s*(?P<ampm>[ap]\.?m\.?)?)?",
    re.IGNORECASE,
)
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/_]?(?P<m>0[1-9]|1[0-2])[-/_]?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
# ``/2023/oct/03/``, ``/2023/october/03/``: the month by name.
_URL_NAMED_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)/(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?"
    r"|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
    r"/(?P<d>0?[1-9]|[12]\d|3[01])(?:/|$)",
    re.IGNORECASE,
)
_URL_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_EN_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_TIME_RE = (
    r"(?:,?\s*(?:at\s*)?(?P<H>\d{1,2})[:.](?P<M>\d\d)(?::(?P<S>\d\d))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_EN_MDY = re.compile(
    _MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)" + _TIME_RE,
    re.IGNORECASE,
)
_EN_DMY = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH_RE
    + r",?\s+(?P<y>(?:19|20)\d\d)"
    + _TIME_RE,
    re.IGNORECASE,
)

# Month names in the other languages news pages are most often in (es, fr, de, pt, it),
# plus the English ones, for day-month-year forms: "4 de agosto de 2021", "4. März 2021",
# "04-ago-2021", "12 déc. 2024". Names shared between languages mean the same month.
_INTL_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        "january jan enero ene janvier janv januar jänner janeiro gennaio gen",
        "february feb febrero février fevrier févr fevr februar fevereiro fev febbraio",
        "march mar marzo mars märz maerz mär março marco",
        "april apr abril abr avril avr aprile",
        "may mayo mai maio maggio mag",
        "june jun junio juin juni junho giugno giu",
        "july jul julio juillet juil juli julho luglio lug",
        "august aug agosto ago août aout",
        "september sep sept septiembre setiembre septembre setembro settembre set",
        "october oct octubre octobre oktober okt outubro out ottobre ott",
        "november nov noviembre novembre novembro",
        "december dec diciembre dic décembre decembre déc dezember dez dezembro dicembre",
    ]
):
    for _name in _names.split():
        _INTL_MONTHS[_name] = _i + 1
# Longest first, so "sept" is not read as "sep" and "juillet" not as "juil".
INTL_MONTH_RE = "|".join(sorted(_INTL_MONTHS, key=len, reverse=True))
_INTL_DMY = re.compile(
    r"(?<![\w/.])(?P<d>\d{1,2})(?:\.|º|er|st|nd|rd|th)?(?:\s+de)?[\s./-]+"
    rf"(?P<mon>{INTL_MONTH_RE})\.?(?:\s+de)?[\s./,-]+(?P<y>(?:19|20)\d\d)(?!\d)"
    r"(?:,?\s*(?:at|à|a las|um|alle|às)?\s*(?P<H>\d{1,2})[:.h](?P<M>\d\d)(?::(?P<S>\d\d))?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?)?(?![\w])",
    re.IGNORECASE,
)

# A month and year with no day, after a label ("Last updated: June 2022", "Originally
# published in March 2022"). Only labelled: a bare "June 2022" is as often a topic.
_LABELLED_MONTH_YEAR = re.compile(
    r"\b(?:published|updated|posted|modified|reviewed|revised)(?:\s+(?:on|in))?\s*:?\s*"
    + _MONTH_RE
    + r",?\s+(?P<y>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
# The UTC offsets clocks actually use: a moment falls on the local dates between these.
_WESTMOST, _EASTMOST = timedelta(hours=-12), timedelta(hours=14)
#: UTC offsets are below a day (``datetime.timezone`` refuses anything else).
_MAX_OFFSET = timedelta(hours=24)


@lru_cache(maxsize=64)
def get_tz(name: str | None) -> tzinfo:
    """A tzinfo for an IANA name or ``+08:00`` offset; UTC when unknown."""
    if not name:
        return UTC
    m = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d\d):?(\d\d)", name.strip())
    if m:
        delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
        if delta < _MAX_OFFSET:
            return timezone(-delta if m.group(1) == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _tz_from_text(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text in ("Z", "UTC", "GMT"):
        return UTC
    m = re.fullmatch(r"([+-])(\d\d):?(\d\d)?", text)
    if not m:
        return None
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
    if delta >= _MAX_OFFSET:
        return None  # "+99:00": no zone on Earth; the date is read without it
    return timezone(-delta if m.group(1) == "-" else delta)


def _build(
    y: int,
    mo: int,
    d: int,
    hh: int = 0,
    mm: int = 0,
    ss: int = 0,
    tz: tzinfo | None = None,
    default_tz: tzinfo = UTC,
    now: datetime | None = None,
) -> datetime | None:
    if y < 100:
        y += 2000 if y < 70 else 1900
    try:
        naive = datetime(y, mo, d, hh, mm, ss)
    except ValueError:
        return None
    if y < MIN_YEAR:
        return None
    result = naive.replace(tzinfo=tz or default_tz)
    limit = (now or datetime.now(UTC)) + _MAX_FUTURE
    if result > limit:
        return None
    return result


def _ampm(hh: int, marker: str | None) -> int:
    if not marker:
        return hh
    marker = marker.lower().replace(".", "")
    if marker in ("pm", "下午", "晚上") and hh < 12:
        return hh + 12
    if marker in ("am", "凌晨", "上午") and hh == 12:
        return 0
    return hh


def _int(value: str | None) -> int:
    return int(value) if value else 0


def _at(
    m: re.Match[str],
    year: int,
    month: int,
    day: int,
    default_tz: tzinfo,
    now: datetime | None,
    tz: tzinfo | None = None,
) -> datetime | None:
    """The date a pattern found, at the time of day its ``H``/``M``/``S``/``ampm`` groups
    hold (those it lacks or left empty count as 0 / no marker)."""
    groups = m.groupdict()
    hour = _ampm(_int(groups.get("H")), groups.get("ampm"))
    minute, second = _int(groups.get("M")), _int(groups.get("S"))
    return _build(year, month, day, hour, minute, second, tz, default_tz, now)


def parse_date(
    text: str | None,
    tz: tzinfo | str | None = None,
    *,
    url: str | None = None,
    now: datetime | None = None,
    fuzzy: bool = True,
    ref_year: int | None = None,
    day_first: bool = False,
) -> datetime | None:
    """The first plausible date (and time) in ``text``, as an aware datetime, or ``None``.

    ``tz`` is the zone for times shown without one; ``url`` (or else ``ref_year``, e.g.
    from a page's metadata) supplies the year for month-day forms. ``fuzzy=False`` skips
    the RFC 2822 fallback (for scanning page text, where it would find dates in anything).
    ``day_first`` reads a numeric date either order allows day first (``01/12/2026`` as
    1 December), as sites in the UK and the Commonwealth write it (:func:`day_first_site`).
    """
    if not text:
        return None
    text = text.strip()[:200]
    if not text:
        return None
    default_tz = get_tz(tz) if isinstance(tz, str) or tz is None else tz
    if text.isdigit() and len(text) in (10, 13):
        # Unix time (seconds or milliseconds), as CMS scripts print it.
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        try:
            dt = datetime.fromtimestamp(seconds, UTC).astimezone(default_tz)
        except (OverflowError, OSError, ValueError):
            return None
        return (
            dt if dt.year >= MIN_YEAR and dt <= (now or datetime.now(UTC)) + _MAX_FUTURE else None
        )
    if text.isdigit() and len(text) == 8:
        # A compact ISO 8601 date (``20251219``), as meta tags write it (<meta name=pubdate>).
        return _build(int(text[:4]), int(text[4:6]), int(text[6:]), default_tz=default_tz, now=now)
    m = _ISO.search(text)
    if m and m.group("H") is not None:
        return _at(
            m, int(m["y"]), int(m["m"]), int(m["d"]), default_tz, now, _tz_from_text(m["tz"])
        )
    m = _CJK.search(text)
    if m:
        return _at(m, int(m["y"]), int(m["m"]), int(m["d"]), default_tz, now)
    m = _YMD.search(text)
    if m and (len(m["y"]) == 4 or m["H"] is not None):
        return _at(m, int(m["y"]), int(m["m"]), int(m["d"]), default_tz, now)
    m = _NUM_DMY.search(text)
    if m:
        a, b = int(m["a"]), int(m["b"])
        if m["sep"] != "-" or a > 12 or b > 12 or day_first:
            first = a > 12 or ((m["sep"] == "." or day_first) and b <= 12)
            return _at(m, int(m["y"]), b if first else a, a if first else b, default_tz, now)
    for rx in (_EN_MDY, _EN_DMY):
        m = rx.search(text)
        if m:
            mon = _EN_MONTHS.get(m["mon"].lower().rstrip("."))
            if mon:
                return _at(m, int(m["y"]), mon, int(m["d"]), default_tz, now)
    m = _INTL_DMY.search(text)
    if m:
        mon = _INTL_MONTHS.get(m["mon"].lower())
        if mon:
            return _at(m, int(m["y"]), mon, int(m["d"]), default_tz, now)
    m = _MD.search(text)
    if m and (url or ref_year):
        year = (year_from_url(url) if url else None) or ref_year
        if year:
            return _at(m, year, int(m["m"]), int(m["d"]), default_tz, now)
    if not fuzzy:
        return None
    if re.search(r"\d", text) and re.search(r"[A-Za-z]{3}", text):
        try:
            dt = parsedate_to_datetime(text)  # RFC 2822
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is not None:
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=default_tz)
            return dt if dt.year >= MIN_YEAR else None
    return None


# English as written in the UK and the Commonwealth, whose sites write numeric dates day
# first: by the page's language tag, else by the country's domain.
_DAY_FIRST_REGIONS = frozenset({"gb", "uk", "au", "nz", "ie", "in", "za", "sg", "ng", "ke", "pk"})
_DAY_FIRST_HOST = re.compile(
    r"\.(?:co\.uk|org\.uk|ac\.uk|gov\.uk|com\.au|net\.au|org\.au|co\.nz|ie|in|co\.in|co\.za|com\.sg|com\.ng|co\.ke|com\.pk)$"
)


def day_first_site(lang: str | None, url: str) -> bool:
    """Whether an English page's numeric dates are day first (``01/12/2026``): its
    language tag names a region that writes them so (``en-GB``, ``en-AU``, ``en-IN``), or
    it has none and its domain is such a country's (``.co.uk``, ``.com.au``)."""
    tag = (lang or "").strip().lower().replace("_", "-")
    if tag.startswith("en-"):
        return tag[3:5] in _DAY_FIRST_REGIONS
    if tag and not tag.startswith("en"):
        return False
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    return _DAY_FIRST_HOST.search(host) is not None


def date_from_url(url: str, tz: tzinfo | str | None = None) -> datetime | None:
    """``/2025/03/12/``-style dates in a URL path (midnight in the site zone)."""
    path = url.split("://", 1)[-1].split("/", 1)[-1] if "/" in url else ""
    default_tz = get_tz(tz) if isinstance(tz, str) or tz is None else tz
    m = _URL_DATE.search(path)
    if m:
        return _build(int(m["y"]), int(m["m"]), int(m["d"]), default_tz=default_tz)
    m = _URL_NAMED_DATE.search("/" + path)
    if m:
        mon = _EN_MONTHS[m["mon"].lower()]
        return _build(int(m["y"]), mon, int(m["d"]), default_tz=default_tz)
    return None


def year_from_url(url: str) -> int | None:
    path = url.split("://", 1)[-1].split("/", 1)[-1] if "/" in url else ""
    m = _URL_YEAR.search(path)
    return int(m.group(1)) if m else None


def labelled_month(text: str, tz: tzinfo | str | None = None) -> datetime | None:
    """The first day of a labelled month-and-year date ("Last updated: June 2022").

    Some pages state no more than the month; its first day is the usual way to write such
    a date as a full one (the ISO reduced-precision "2022-06" read as 2022-06-01).
    """
    m = _LABELLED_MONTH_YEAR.search(text)
    if m is None:
        return None
    month = _EN_MONTHS.get(m["mon"].lower().rstrip("."))
    if month is None:
        return None
    default_tz = get_tz(tz) if isinstance(tz, str) or tz is None else tz
    return _build(int(m["y"]), month, 1, default_tz=default_tz)


def could_be_same_day(moment: datetime, day: date) -> bool:
    """Whether ``moment`` falls on ``day`` on some clock in use (UTC-12 to UTC+14).

    Metadata gives an instant, often in UTC, while the page prints the date on the site's
    clock: a printed date a day off is the same date only when a real time zone explains
    it ("2025-12-19T02:41Z" printed "Dec 18" in New York; "2025-12-19T22:02Z" can never be
    printed "Dec 18"). A bare date (midnight) says nothing about the zone: either
    neighbouring day fits.
    """
    if moment.time() == datetime.min.time():
        return abs((moment.date() - day).days) <= 1
    utc = moment.astimezone(UTC)
    return (utc + _WESTMOST).date() <= day <= (utc + _EASTMOST).date()


# Times shown relative to the visit ("3小时前", "昨天 10:20", "刚刚", "5 minutes ago"). Only
# as the whole of a short line or after a label: "刚刚" and "两天前" are words in sentences.
_RELATIVE = compile_zh(
    r"(?:^|(?<=[\s:：|｜]))(?:"
    r"(?P<n>\d{1,3})\s*(?P<unit>秒|分钟|小时|天|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?)"
    r"\s*(?:前|ago)"
    r"|(?P<day>今天|昨天|前天|today|yesterday)\s*,?\s*(?:at\s*)?(?P<H>\d{1,2})[:：](?P<M>\d\d)"
    r"|(?P<now>刚刚|just now))(?=\s|$|[|｜])",
    re.IGNORECASE,
)
_RELATIVE_HINTS = ("前", "ago", "天", "刚刚", "剛剛", "just now", "today", "yesterday")
# Seconds per unit, by the unit's first character (秒 分钟 小时 天, seconds minutes hours days).
_UNIT_SECONDS = {"秒": 1, "分": 60, "小": 3600, "天": 86400, "s": 1, "m": 60, "h": 3600, "d": 86400}
_DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2, "today": 0, "yesterday": 1}


def may_be_relative(text: str) -> bool:
    """Whether a line may hold a relative time at all (substring tests)."""
    lowered = text.lower()
    return any(hint in lowered for hint in _RELATIVE_HINTS)


def relative_span(text: str) -> tuple[int, int] | None:
    """Where a relative time (``3小时前``, ``昨天 10:20``) stands in a line, if it holds one."""
    if not may_be_relative(text):
        return None
    m = _RELATIVE.search(text.lower())
    return m.span() if m else None


def relative_date(text: str, now: datetime, tz: tzinfo) -> datetime | None:
    """The moment a relative time (``3小时前``, ``昨天 10:20``, ``刚刚``) names, counted
    back from ``now`` (when the page was fetched) on the site's clock ``tz``."""
    if len(text) > 60 or not may_be_relative(text):
        return None
    m = _RELATIVE.search(text.lower())
    if m is None:
        return None
    local = now.astimezone(tz)
    if m["now"]:
        return local.replace(microsecond=0)
    if m["n"]:
        step = timedelta(seconds=int(m["n"]) * _UNIT_SECONDS[m["unit"][0]])
        return (local - step).replace(microsecond=0)
    day = local.date() - timedelta(days=_DAYS_BACK[m["day"]])
    try:
        return datetime(day.year, day.month, day.day, int(m["H"]), int(m["M"]), tzinfo=tz)
    except ValueError:
        return None


# Full-width digits and the separators printed with them (２０２５－０３－１２　００：５０):
# some Chinese templates set dates in full-width forms.
_WIDE_DIGIT = re.compile("[\uff10-\uff19]")
_HALFWIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {"－": "-", "／": "/", "．": ".", "：": ":", "　": " "}
)


def halfwidth(text: str) -> str:
    """The text with full-width digits (and -, /, ., :, space) as ASCII, when it has any;
    the same length, so positions in it are positions in the text."""
    return text.translate(_HALFWIDTH) if _WIDE_DIGIT.search(text) else text
