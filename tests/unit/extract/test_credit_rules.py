"""Credits news pages print by the story: the outlet (来源) beside a Chinese date line,
and the headline a generic <title> leaves to the page."""

from __future__ import annotations

import pytest

from newswire.parser.extract.bylines import slot_source

from .test_english_fields import _extract, _page

pytestmark = pytest.mark.unit

P = "The council voted on the plan after a long debate about costs and schedules. " * 3
ZH = "市政府召开新闻发布会，介绍今年城市更新工作的进展情况和下一步安排，记者在现场了解到相关细节。"


def _zh_page(meta_line: str, title: str = "市政府介绍城市更新工作进展", head: str = "") -> bytes:
    body = "".join(f"<p>{ZH}第{i}段。</p>" for i in range(6))
    return (
        f"<html lang='zh-CN'><head><meta charset='utf-8'><title>{title}_新闻中心</title>{head}"
        f"</head><body><div class='nav'><a href='/'>首页</a></div><div class='article'>"
        f"<h1>{title}</h1><div class='info'>{meta_line}</div>{body}</div></body></html>"
    ).encode()


# --- the unlabelled outlet by the date (slot_source) --------------------------------


def test_outlet_in_its_own_span_is_split_from_the_section_before_it():
    html = _zh_page(
        "<span class='cat'><a href='/finance/'>金融市场</a></span><span class='src'>棱镜</span>"
        "<span class='time'>2019-09-23 07:48</span>"
    )
    assert _extract(html).source == "棱镜"


def test_outlet_after_the_date_wins_over_the_section_before_it():
    assert slot_source("财经 2019-09-23 07:48 新华财经") == "新华财经"


def test_bracketed_annotation_is_not_part_of_the_outlet():
    assert slot_source("2019-09-05 11:10 游民星空[整理]") == "游民星空"
    assert slot_source("2019-09-05 11:10 新京报【原创】") == "新京报"


@pytest.mark.parametrize("badge", ["优质原创作者", "科技领域创作者", "青岛某某网络科技有限公司"])
def test_account_badge_by_the_date_is_not_an_outlet(badge):
    html = _zh_page(
        f"<span class='date'>发布时间：2019-10-08 12:00</span><span class='badge'>{badge}</span>"
    )
    assert _extract(html).source is None


def test_markup_split_phrase_is_not_an_outlet():
    # "我有话说(1307人参与)" split by a count element: its pieces are not an outlet.
    line = "2019年09月11日01:53 我有话说(1307人参与)"
    pieces = ["2019年09月11日01:53", " ", "我有话说(", "1307", "人参与)"]
    assert slot_source(line, pieces) is None


def test_pieces_that_do_not_make_the_line_are_ignored():
    # The element holds more than the line (the headline too): fall back to the line.
    pieces = ["某标题文字", "2019-09-05 11:10 游民星空"]
    assert slot_source("2019-09-05 11:10 游民星空", pieces) == "游民星空"


# --- the headline under a generic <title> -------------------------------------------


def test_site_name_heading_below_the_story_is_not_the_headline():
    headline = "2019年学术年会在重庆成功举行"
    body = "".join(f"<p>{ZH}第{i}段。</p>" for i in range(6))
    html = (
        "<html lang='zh-CN'><head><meta charset='utf-8'><title>新闻动态--中国某某学会官网</title>"
        "</head><body><div class='main'><h3>首页 - 新闻动态</h3>"
        f"<h5>{headline}</h5><div class='ly'>发布时间：2019-05-18 来源：中国某某学会</div>"
        f"{body}<h4>联系我们</h4><h5>中国某某学会</h5><p>地址：北京市</p></div></body></html>"
    ).encode()
    art = _extract(html)
    assert art.title == headline
    assert art.source == "中国某某学会"


def test_heading_opening_the_body_is_not_taken_over_a_title_about_it():
    # The <title> names the story itself, in other words: a heading that opens the body
    # and shares its words does not overrule it (only a generic <title> is replaced).
    heading = "Top MBA Programs of 2025 (US) and what the rankings leave out of the picture"
    body = "".join(f"<p>{P}</p>" for _ in range(6))
    html = (
        "<html lang='en'><head><title>Top MBA Programs of 2025: Rankings and Guides</title>"
        f"</head><body><main><h3>{heading}</h3>{body}</main></body></html>"
    ).encode()
    assert _extract(html).title == "Top MBA Programs of 2025: Rankings and Guides"


# --- English bylines whose parts are separate elements --------------------------------


def _en_page(byline: str) -> bytes:
    headline = "How the council passed the budget"
    return _page(head=f"<title>{headline}</title>", top=f"<h1>{headline}</h1>{byline}")


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        # Label, name and role each in an element of their own.
        (
            "<div class='author-line'><span class='label'>Written By:</span> "
            "<span class='name'><a href='/people/celeste-longacre'>Celeste Longacre</a></span> "
            "<span class='job'>Gardener &amp; Astrologer</span></div>",
            ["Celeste Longacre"],
        ),
        # The role's element glued to the name's in the text ("Sofia KondratEdTech").
        (
            "<div class='writer-block'><div>By </div><span>Sofia Kondrat</span>"
            "<div>EdTech Content writer</div></div>",
            ["Sofia Kondrat"],
        ),
        # Two names in the one element after the label; the date's element is not one.
        (
            "<p class='byline'>By <a href='/contact'>Mike Wuerthele and Malcolm Owen</a><br>"
            "<span>Monday, November 18, 2019</span></p>",
            ["Mike Wuerthele", "Malcolm Owen"],
        ),
        # One text node holds no seams: a handle is not split at its capitals ("Beau HD").
        (
            "<span class='story-byline'> Posted by <a href='https://example.org/u/beauhd'>"
            "BeauHD</a> <time>on Friday December 19, 2025 @08:00PM</time></span>",
            ["BeauHD"],
        ),
    ],
)
def test_byline_parts_in_their_own_elements(byline, names):
    assert _extract(_en_page(byline)).authors == names


def test_the_writers_description_is_not_a_name():
    html = _en_page(
        "<div class='author-description'>Licensed Q Arabica Grader, M.A. Journalism</div>"
    )
    assert _extract(html).authors == []
    html = _en_page(
        "<div class='author-name'>Jane Doe</div>"
        "<div class='author-description'>Licensed Q Arabica Grader, M.A. Journalism</div>"
    )
    assert _extract(html).authors == ["Jane Doe"]


def test_first_story_of_a_list_is_not_the_pages_headline():
    # Under a generic <title>, a heading whose level recurs a few lines on heads one
    # story card of many, not the page.
    cards = "".join(
        f"<h3>Story number {i} about the council budget vote and what happens next</h3>"
        f"<p>{P}</p><p>3h ago</p>"
        for i in range(5)
    )
    html = (
        "<html lang='en'><head><title>Technology | Acme</title></head>"
        f"<body><main>{cards}</main></body></html>"
    ).encode()
    assert not _extract(html).title.startswith("Story number")
