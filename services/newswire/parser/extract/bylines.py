"""Who wrote the article: the authors, and the outlet a Chinese page prints by its date.

Structured data names authors most reliably, except that it often names the outlet, a
login handle or a template placeholder instead; then come the lines the page shows as a
byline ("By Jane Doe", an author link, an author box under the story). Most of the work is
refusing what is not a person's name: roles, dates and page furniture run into bylines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from newswire.parser.extract import content as content_mod
from newswire.parser.extract import dates, dom, zh_labels
from newswire.parser.extract.date_choice import DATE_CANDIDATE, MONTHS
from newswire.parser.extract.dom import Element, text_of
from newswire.parser.extract.metadata import Metadata
from newswire.parser.extract.rules import ExtractionRules, rule_text
from newswire.parser.extract.titles import match_key
from newswire.parser.extract.zh_script import compile_zh, simplified

# "By", or "Author:" with its colon ("Author: Jane Doe", as blog themes label the writer).
_BY_PREFIX = re.compile(
    r"^(?:(?:by|written by|posted by|von|par|por)(?:\s*:\s*|\s+)|authors?\s*:\s*)", re.I
)

_POSTED_FROM = compile_zh(r"^(?:来自|发布于|发自)")
_SLOT_STOP = compile_zh(
    r"^(?:原创|转载|来源|作者|编辑|发布|发表|更新|修改|录入|时间|日期|浏览|阅读|评论|分享|收藏|字号|字体|打印|关闭|纠错|"
    r"举报|点击|微博|微信|朋友圈|QQ|扫一扫|星期|周[一二三四五六日]|\d)"
    # The weekday printed after the date ("星期三", "周三", "礼拜天"; traditional "週三",
    # "禮拜三"), and the half of the day before a time ("下午2:05").
    r"|^(?:星期|礼拜|禮拜|周|週)[一二三四五六日天]$|^(?:上午|下午|中午|晚上|凌晨|早上)$"
)


# Not the outlet, though printed by the date like one: a platform's badge for the
# account ("优质原创作者", "科技领域创作者") and the legal name of the company it verified
# ("…有限公司"); an outlet prints its masthead there, not its registration. Nor is the
# role of a byline whose name is an element of its own (本报记者, 特约通讯员).
_SLOT_BADGE = compile_zh(
    r"(?:作者|创作者|博主|达人|认证|有限公司|股份公司|记者|通讯员|评论员|撰稿人)$"
)
_SLOT_SPLIT = re.compile(r"[\s|｜]+")
_SLOT_LABELLED = re.compile(r"[:：/︱]")
_TOOL_GROUP = re.compile(r"【[^】]{0,40}】|\[[^\]]{0,40}\]")


def slot_source(line: str, pieces: Iterable[str] = ()) -> str | None:
    """An outlet printed next to the date without a label (``2019年09月11日01:53 新浪科技``).

    ``pieces`` are the line's texts element by element when known: templates put the
    section, the outlet and the date in adjacent spans with no space between, and the
    element boundaries are then the only word boundaries.
    """
    texts = list(pieces)
    if texts and "".join("".join(texts).split()) == "".join(line.split()):
        line = " ".join(texts)
    # Bracketed groups are page tools (【字体：大 中 小】【分享到：微信 微博】), not names;
    # an annotation glued to the outlet (新京报【原创】) goes with them.
    line = _TOOL_GROUP.sub(" ", dates.halfwidth(line))
    first = DATE_CANDIDATE.search(line)
    cut = first.start() if first else 0
    before = _SLOT_SPLIT.split(line[:cut])
    after = _SLOT_SPLIT.split(DATE_CANDIDATE.sub(" ", line[cut:]))
    # The outlet sits by the date: the first word after it, else the last one before it.
    for token in after + before[::-1]:
        if token.count("(") != token.count(")") or token.count("（") != token.count("）"):
            continue  # a piece of a phrase the markup split ("我有话说(" 1307 "人参与)")
        if "：" in token.strip("：:") or ":" in token.strip("：:"):
            continue  # a labelled field ("责任编辑：王婷婷"), not a bare outlet
        # (An annotation in brackets, 游民星空[整理], is not part of the name.)
        token = re.sub(r"\[.*?\]|【.*?】", "", token).strip("[]【】()（）:：")
        if zh_labels.is_digit_outlet(token) and len(token) <= 12:
            return token  # 39健康网
        if simplified(token) in zh_labels.NOT_AN_OUTLET or zh_labels.is_region(
            _POSTED_FROM.sub("", token)
        ):
            # A template's placeholder (来源: 未知), or where the poster was (IP属地:
            # 北京, 来自北京, 发布于北京).
            continue
        if 2 <= len(token) <= 12 and zh_labels.HAN.match(token) and not _SLOT_STOP.match(token):
            if re.search(r"\d|次|条|條|人", token) or _SLOT_BADGE.search(token):
                continue
            if _SLOT_LABELLED.search(token) or (len(token) <= 3 and zh_labels.clean_person(token)):
                # A labelled credit (记者：王某, 王某/文) or a person's name by the date:
                # the writer, not the outlet.
                continue
            return token
    return None


def find_authors(
    rules: ExtractionRules | None,
    root: Element,
    md: Metadata,
    fields: dict,
    lang: str | None,
    editor: str | None,
    source: str | None,
    blocks: list[dom.Block],
    body: content_mod.Content,
    linear: dom.Linear,
) -> list[str]:
    ruled = rule_text(rules, "authors", root)
    if ruled:
        labelled = zh_labels.find_authors(ruled)
        if labelled:
            return labelled
        return [a.strip() for a in re.split(r"[,，、;；]|\band\b", ruled) if a.strip()]
    zh = bool(lang and lang.startswith("zh"))
    candidates: list[str] = []
    structured = [_clean_byline(a) for a in md.ld_authors]
    for raw in (md.get("author"), md.get("twitter_author")):
        if raw and not raw.startswith("http"):
            structured.extend(_clean_byline(a) for a in re.split(r"\s*(?:,|;|\band\b|&)\s*", raw))
    structured = [a for a in structured if a and not _PLACEHOLDER.match(a)]
    site = {match_key(md.get("site_name")), match_key(source), match_key(editor)} - {""}
    byline: list[str] | None = None
    outlets: list[str] = []

    def shown_byline() -> list[str]:
        nonlocal byline
        if byline is None:
            byline = _byline_authors(blocks, body, linear.iter_bylines(), linear.anchors)
        return byline

    def outlet(name: str) -> bool:
        # The outlet named as author ("USA TODAY") is no author; a personal site's name is
        # its writer's ("Jane Doe" as site name and author), when it reads as a person's.
        # So is a person's name JSON-LD types as an Organization (taken as the source)
        # when the page prints it as the byline.
        return match_key(name) in site and not _personal(name)

    if zh:
        # Chinese CMSs fill the author meta tag with the web editor's name: a name the
        # page credits as an editor (编辑, not only the 责任编辑 chosen) is not the writer.
        # A name the page prints as the writer's credit is, though, even when the same
        # person also edited the story (a signature （王某） over 【责任编辑：王某】).
        editors = {match_key(e) for e in fields["editors"]} | {match_key(editor)}
        structured = [a for a in structured if match_key(a) not in site | editors]
        candidates = list(fields["authors"])
        if candidates:
            site -= editors
        else:
            candidates = [p for p in (zh_labels.clean_person(a) for a in structured) if p]
    else:
        outlets = [a for a in structured if outlet(a)]
        structured = [a for a in structured if not outlet(a)]
        if structured and all(_HANDLE.match(a) for a in structured):
            # A login name ("jdoe42", "jane.doe") where the page prints the writer's name.
            candidates = shown_byline() or structured
        else:
            candidates = structured or shown_byline()
        if not candidates:
            candidates = list(fields["authors"])
    out: list[str] = []
    for a in candidates:
        k = match_key(a)
        is_outlet = outlet(a)
        if not zh and is_outlet and len(a) <= 60:
            outlets.append(a)
        if not k or (zh and k in site) or is_outlet or a in out or len(a) > 60:
            continue
        out.append(a)
    if not out and not zh:
        # No person is credited anywhere: the outlet the structured data names as the
        # author is the page's own byline ("Written by Help Net Security"), a corporate
        # one, and the only credit there is.
        out = [a for a in dict.fromkeys(outlets) if len(a) <= 60]
    return out[:10]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Template variables left unrendered ("page.head.extra.author", "{{ author }}").
_PLACEHOLDER = re.compile(r"^(?:\w+\.){2,}\w+$|.*[{}]")
_HANDLE = re.compile(r"^[a-z0-9._-]+$|^\d+$")
# Words in names of outlets, firms and teams, never of a person.
_ORG_WORDS = _wordset(
    """news times post journal magazine media blog team staff editors editorial desk group
    daily weekly network insider today report review wire hub lab labs studio studios agency
    company inc llc ltd co corp club society institute university college school center
    centre foundation association council department office services solutions systems
    technologies digital online marketing health care insurance bank capital partners
    clinic hospital medical museum library church city county government
    consulting press publishing radio tv channel store shop security academy guide guides
    world global international national official community"""
)


def _personal(name: str) -> bool:
    """Reads as a person's name: two to four capitalised words, none an outlet's word."""
    words = name.split()
    if not 2 <= len(words) <= 4 or not _EN_NAME.match(name):
        return False
    return not any(w.lower().strip(".,") in _ORG_WORDS or w.isupper() for w in words)


def _clean_byline(text: str) -> str:
    text = dom.norm_ws(text)
    text = _BY_PREFIX.sub("", text)
    text = re.sub(r"\s*\|.*$", "", text)
    # "Jane Doe - Editorial Team": the name before a spaced dash.
    text = re.sub(r"\s+[-–—]\s+.*$", "", text)
    return text.strip(" ,;:")


_EN_NAME = re.compile(
    r"^[A-Z\u00c0-\u024f][\w'’.-]*(?:\s+(?:(?:de|da|del|van|von|der|la|le|bin|al)\s+)?"
    r"[A-Z\u00c0-\u024f][\w'’.-]*){0,3}$"
)
_NOT_NAME = re.compile(
    r"^(?:author|authors|by|staff|admin|editor|editorial|team|share|follow|more|view|posts?|"
    r"about|contact|written|updated|published|originally|reviewed|the\s+author)\b",
    re.I,
)
# Calendar words and page furniture that byline elements hold instead of a name (and the
# fields of a comment form: "Name *", "Email *", "Website").
_NOT_NAME_WORDS = _wordset(
    """jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june
    july august september october november december mon tue wed thu fri sat sun monday
    tuesday wednesday thursday friday saturday sunday today yesterday login log sign
    subscribe learn more read guide guides home menu search bluesky twitter facebook
    linkedin instagram youtube tiktok threads mastodon email rss print comments comment
    reply profile bio name website"""
)
# Months that are people's names too ("Tom May", "April Fulton", "Jennifer June"): in a
# name of several words they are the name (dates are cut out before names are read).
_NAME_MONTHS = frozenset({"april", "may", "june", "august"})


def _calendar_or_furniture(word: str, words_in_name: int) -> bool:
    """Whether a word of a would-be name is a calendar word or page furniture instead."""
    w = word.lower().strip(".")
    if words_in_name == 1 and w == "the":
        return True  # what is left of "The Author" with the role cut off
    return w in _NOT_NAME_WORDS and (words_in_name == 1 or w not in _NAME_MONTHS)


# Job titles run into the name ("Jane Doe Contributing Writer"): the name ends before.
_ROLE = re.compile(
    r"\s+(?:senior|junior|chief|contributing|associate|managing|deputy|executive|staff|"
    r"freelance|guest|lead|special|writer|editor|contributor|reporter|correspondent|"
    r"columnist|author|journalist|producer|analyst|published|updated|posted|reviewed|"
    r"edited|fact-checked|expert|reviewer|medically|originally|last\s+(?:updated|modified)|"
    r"on\s+behalf)\b.*$",
    re.I,
)


_BYLINE_DATE = re.compile(rf"\s+(?:(?:on|updated|published|posted)\s+)?(?:{MONTHS}\s+\d|\d)", re.I)


# What is left of "on <date>" once the date is cut: the word, a comma where the date was.
_BEFORE_A_DATE = re.compile(
    r"\s+(?:in\s+[\w&'’ -]{1,30}?\s+)?(?:on|updated|published|posted)\s*,", re.I
)


def _unglue(text: str) -> str:
    """Undo the seams of text run together from separate elements ("ByJane DoeMar 5")."""
    text = _GLUED_BY.sub(r"\1 ", text)
    return _GLUED_WORD.sub(" ", text)


# Only before words a byline goes on with (a date, a role, an acronym) is a lower-case
# letter followed by a capital a seam: "FlowGuard" and "McCarthy" stay whole.
_GLUED_BY = re.compile(r"^((?:[Ww]ritten\s*)?[Bb]y)(?=[A-Z])")
_GLUED_WORD = re.compile(
    r"(?<=[a-z]{2})(?=(?:[A-Z]{2,4}\b|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d"
    r"|(?:Published|Updated|Posted|Last|Staff|Senior|Contributing|Writer|Editor|Expert|"
    r"Reviewed|Medically|Fact)\b))"
)


def split_names(text: str, *, single: bool = True, seams: bool = True) -> list[str]:
    """``By Jane Doe, John Roe and Ann Poe`` -> the names, when they look like names.

    ``single=False`` refuses one-word names (a byline element holding "Guide" or "Bluesky"
    rather than a writer); text introduced by "By" may always name one. ``seams=False``
    for one text node's text, which holds no seams between elements to undo ("BeauHD").
    """
    text = dom.norm_ws(text)
    if seams:
        text = _unglue(text)
    by = bool(_BY_PREFIX.match(text) or _BY_ANY.match(text))
    single = single or by
    text = _clean_byline(text)
    text = _BY_ANY.sub("", text)
    # Dates before or after the names ("Dec. 19, 2025 · Jane Doe") separate, never name.
    text = DATE_CANDIDATE.sub(",", text)
    # ... and so do the words that led to such a date ("By Jane Doe on Dec 1, 2026",
    # "Posted by Jane Doe in News on 1st December 2026").
    text = _BEFORE_A_DATE.sub(",", text)
    text = _BYLINE_DATE.split(text, maxsplit=1)[0]
    parts = [
        p.strip(" ,;:|-–—")
        for p in re.split(r"\s*(?:,|;|\band\b|&|\||·|•)\s*", text)
        if p.strip(" ,;:|-–—")
    ]
    names: list[str] = []
    for part in parts:
        # A byline after a dateline's time ("Nov. 9, 2022 5:00 AM ET By April Fulton").
        part = _ZONE_BY.sub("", part)
        if _TEAM.match(part):
            # A team credited as a whole ("By the Lavazza Team", "The Currency editors").
            names.append(part)
            continue
        if by and _CAPS_NAME.match(part):
            # A wire byline in capitals ("By JOHN DOE and JANE O'NEIL"): the names as
            # names are written, so that they read as names (and are not taken for
            # initials or a zone).
            part = _CAPS_WORD_TAIL.sub(lambda m: m.group().lower(), part)
        role = _ROLE.search(part)
        if role:
            part = part[: role.start()].strip(" ,;:-")
        # A name is its leading capitalised words ("Jane Doe on behalf of ...").
        words = part.split()
        while len(words) > 1 and words[-1].isupper() and 2 <= len(words[-1]) <= 4:
            words.pop()  # "Jane Doe AI" (before "Writer"), "Jane Doe MD"
        part = " ".join(words)
        if (
            not part
            or _NOT_NAME.match(part)
            or len(part) > 40
            or re.search(r"\d", part)
            or any(_calendar_or_furniture(w, len(words)) for w in words)
            or (len(words) == 1 and part.isupper())  # "ET", "CP": a zone or initials
        ):
            if names:
                break  # titles and dates after the names ("Jane Doe, Senior Editor")
            continue
        if (_EN_NAME.match(part) and (single or len(words) > 1)) or zh_labels.clean_person(part):
            names.append(part)
            if role:
                break  # what follows a job title is its employer ("Writer, Acme")
        elif names:
            break
    return names[:6]


# Two to four words in capitals, each of two letters or more ("JOHN DOE", "MARY O'NEIL").
_CAPS_NAME = re.compile(r"^[A-Z][A-Z'’-]*[A-Z](?:\s+[A-Z][A-Z'’-]*[A-Z]){1,3}$")
# The letters of a capitalised word after its first, and after an apostrophe or hyphen.
_CAPS_WORD_TAIL = re.compile(r"(?<=[A-Z])[A-Z]+")
# A team's credit: a capitalised name and "Team", "Staff" or "Editors", or "Team" first.
_TEAM = re.compile(
    r"^(?:(?:[Tt]he\s+)?(?:[A-Z][\w&.'’-]*\s+){1,3}(?:[Tt]eam|[Ss]taff|[Ee]ditors)"
    r"|Team\s+[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)?)$"
)
# What is left of a dateline before the byline: the time zone after its time, and "By".
_ZONE_BY = re.compile(r"^(?:(?:[ECMP][SD]?T|UTC|GMT)\s+)?(?:[Bb]y:?\s+)?(?=[A-Z])")
_BY_ANY = re.compile(
    r"^(?:(?:written|reviewed|posted|edited|article|story|words)?\s*by\s*:?|authors?\s*:)\s*", re.I
)


def _byline_authors(
    blocks: list[dom.Block],
    body: content_mod.Content,
    bylines: Iterable[Element],
    anchors: list[dom.Anchor] | None = None,
) -> list[str]:
    """The writers the page prints: the first byline found, in the order of
    :func:`_shown_bylines`, except that a team's credit ("By the Acme Team") gives way
    to a person's further on ("Written by Jane Doe" under the story)."""
    team: list[str] = []
    for names in _shown_bylines(blocks, body, bylines, anchors):
        if not all(_TEAM.match(n) for n in names):
            return names
        team = team or names
    return team


def _shown_bylines(
    blocks: list[dom.Block],
    body: content_mod.Content,
    bylines: Iterable[Element],
    anchors: list[dom.Anchor] | None = None,
) -> Iterator[list[str]]:
    # Elements marked as bylines (class/itemprop/rel "author"), in page order.
    for el in bylines:
        text = dom.norm_ws(text_of(el))
        if not 2 <= len(text) <= 120:
            continue
        if _ABOUT_WRITER.search(el.get("class") or ""):
            # What the writer does or is ("Licensed Q Grader, M.A. Journalism"), printed
            # beside the name, is no name: themes mark it as the author's bio or title.
            continue
        # Name and role in separate child elements run together in the text
        # ("Jane DoeSenior Writer"): the first piece alone, when it is a name, after the
        # label its own element may hold ("Written By:" | name | "Gardener & Astrologer").
        pieces = [p for p in (t.strip() for t in el.itertext()) if p]
        labelled = bool(pieces) and _BY_LABEL.match(pieces[0]) is not None
        if labelled:
            pieces = pieces[1:]
        if len(pieces) > 1 and (labelled or not _BY_PREFIX.match(text)):
            names = split_names(pieces[0], single=labelled, seams=False)
            if names:
                yield names
        names = split_names(text, single=False)
        if names:
            yield names
    # A link to the writer's page (/author/jane-doe, /staff/..., /contributors/...).
    for anchor in anchors or ():
        # (The text's length first: it rules out most links without reading the href.)
        if not 4 <= len(anchor.text.strip()) <= 60:
            continue
        if _AUTHOR_HREF.search(anchor.href or ""):
            names = split_names(anchor.text, single=False)
            if names:
                yield names
    # "By Jane Doe" lines near the top of the body, or "Written by" over the name.
    first = body.first if body.first >= 0 else len(blocks)
    window = blocks[max(0, first - 30) : first + 10]
    for i, b in enumerate(window):
        if len(b.text) > 120:
            continue
        if _BY_LABEL.match(b.text) and i + 1 < len(window):
            names = split_names(window[i + 1].text)
            if names and len(window[i + 1].text) <= 60:
                yield names
        if _BY_PREFIX.match(b.text) and (b.index < first + 3 or b not in body.blocks):
            names = split_names(b.text)
            if names:
                yield names
        m = _LATE_BY.search(b.text)
        if m and DATE_CANDIDATE.search(b.text, 0, m.start()):
            # "Posted on March 3, 2025 by Jane Doe": the name after the date.
            names = split_names(b.text[m.end() :])
            if names:
                yield names
    # An author box under the article ("Written by Jane Doe", "About the author").
    last = body.last if body.last >= 0 else first
    after = blocks[last - 2 : last + 40] if last >= 2 else blocks[: last + 40]
    for i, b in enumerate(after):
        if len(b.text) > 80:
            continue
        if _BOX_LABEL.match(b.text) and i + 1 < len(after):
            names = split_names(after[i + 1].text, single=False)
            if names and len(after[i + 1].text) <= 60:
                yield names
        if _WRITTEN_BY.match(b.text):
            names = split_names(b.text)
            if names:
                yield names
    # "This post was written by Jane Doe, gastroenterologist, ...": a note opening or
    # closing the story, or under it.
    for b in body.blocks[:2] + body.blocks[-2:] + after:
        m = _THIS_POST_BY.match(b.text)
        if m:
            names = split_names(b.text[m.end() : m.end() + 80])
            if names:
                yield names
    yield _name_over_a_role(blocks, first)


def _name_over_a_role(blocks: list[dom.Block], first: int) -> list[str]:
    """A person's name alone in its own element by the headline, over a line giving the
    writer's job ("Jane Doe" | "Tech Writer", "Co-Founder & Marketing Director"): a
    byline printed without "By". The job line is what says the name is a writer's."""
    for b in blocks[max(0, first - 15) : first + 5]:
        name = b.text.strip()
        if not 5 <= len(name) <= 40 or b.index + 1 >= len(blocks):
            continue
        role = blocks[b.index + 1].text.strip()
        if len(role) > 60 or not _ROLE_LINE.match(role) or not _personal(name):
            continue
        if split_names(name, single=False, seams=False) == [name]:
            return [name]  # (not "LinkedIn Twitter Facebook Email")
    return []


# A line that is a writer's job title, up to three words before the title itself.
_ROLE_LINE = re.compile(
    r"^(?:[\w&,-]+\s+){0,3}(?:writer|editor|reporter|correspondent|contributor|columnist|"
    r"journalist|author|blogger|co-?founder|founder)\b",
    re.I,
)
_AUTHOR_HREF = re.compile(
    r"/(?:authors?|staff|writers?|contributors?|columnists?|reporters?|journalists?|people|"
    r"byline|profiles?)/[^/?#]+/?(?:$|[?#])",
    re.I,
)
_ABOUT_WRITER = re.compile(
    r"(?:author|writer|byline)[-_]?(?:desc|bio|job|role|position|credential|occupation)", re.I
)
_BY_LABEL = re.compile(r"^(?:written|posted|reported|words|article|story|text)?\s*by\s*:?$", re.I)
_LATE_BY = re.compile(r"\bby\s+(?=[A-Z])")
# Labels an author box carries, over the name or before it.
_BOX_LABEL = re.compile(
    r"^(?:(?:written|article|story|words|text)\s+by|about\s+the\s+author|the\s+author|"
    r"author)\s*:?$",
    re.I,
)
_THIS_POST_BY = re.compile(
    r"^\W*(?:this|the)\s+(?:blog\s+)?(?:post|article|story|piece)\s+(?:was|is)\s+"
    r"(?:written|authored)\s+by\s+(?-i:(?=[A-Z]))",
    re.I,
)
_WRITTEN_BY = re.compile(r"^(?:written|authored|article)\s+by\b", re.I)
