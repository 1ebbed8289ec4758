"""Meta lines as Chinese CMSs and platforms print them, on layouts the seed fixtures do not
build (PHPCMS, Discuz, self-media accounts, government disclosure tables): each test is a
small page of our own showing one class."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import extract, zh_labels

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ZH = "市政府召开新闻发布会，介绍今年城市更新工作的进展情况和下一步安排，相关部门负责人回答了提问。"
TITLE = "市政府介绍老旧小区改造工作进展"


def _page(meta: str, foot: str = "") -> bytes:
    paras = "".join(f"<p>{ZH}第{i}段。</p>" for i in range(6))
    return (
        f"<html lang='zh-CN'><head><meta charset='utf-8'><title>{TITLE}_某某新闻网</title>"
        f"</head><body><div class='header'><a href='/'>首页</a></div>"
        f"<div class='article'><h1>{TITLE}</h1>{meta}<div class='content'>{paras}</div>"
        f"{foot}</div><div class='footer'><p>关于我们 | 联系我们</p></div></body></html>"
    ).encode()


def _extract(html: bytes):
    art = extract(html, "https://news.example.cn/2024/05/20/a1.html", fetched_at=NOW).article
    assert art is not None
    return art


# --- an empty label -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "2024-05-20 08:00:00\xa0\xa0\xa0来源：\xa0\xa0\xa0评论：0 点击：12",
        "发布时间：2024-05-20 08:00 | 来源：| 作者：| 点击：12",
        "来源:浏览:12",
    ],
)
def test_an_empty_source_label_does_not_take_the_next_label(line):
    assert zh_labels.find_source(line) is None
    assert zh_labels.find_source("来源：某某日报 点击：12") == "某某日报"


def test_phpcms_meta_inside_the_headline_names_no_source():
    """PHPCMS's default template prints the meta line inside the <h1>, 来源 left empty."""
    meta = ""
    html = _page(meta).replace(
        f"<h1>{TITLE}</h1>".encode(),
        f"<h1>{TITLE}<br /><span>2024-05-20 08:00:00&nbsp;&nbsp;&nbsp;来源：&nbsp;&nbsp;&nbsp;"
        "评论：<a href='#c'>0</a> 点击：<span id='hits'>12</span></span></h1>".encode(),
    )
    art = _extract(html)
    assert (art.title, art.source, art.views) == (TITLE, None, 12)


# --- where the poster was -----------------------------------------------------------


@pytest.mark.parametrize("region", ["北京", "广东省", "内蒙古自治区", "海外"])
def test_the_posters_region_beside_the_date_is_no_outlet(region):
    """Self-media pages (百家号-style) print the account, the time and the poster's region
    (IP属地) in elements of their own: the account is the source, the region is not."""
    meta = (
        "<div class='author'><a class='name' href='/u/1'>环球视野</a>"
        "<span class='date'>发布时间：2024-05-20 08:00</span>"
        f"<span class='ip'>{region}</span></div>"
    )
    assert _extract(_page(meta)).source == "环球视野"
    bare = (
        f"<div class='info'><span class='date'>2024-05-20 08:00</span><span>{region}</span></div>"
    )
    assert _extract(_page(bare)).source is None
    for posted in (f"来自{region}", f"发布于{region}"):
        line = f"<div class='info'><span>2024-05-20 08:00</span> <span>{posted}</span></div>"
        assert _extract(_page(line)).source is None


# --- a label in one cell, its value in the next ---------------------------------------

_DISCLOSURE = (
    "<table class='xxgk'><tr><td>索引号：</td><td>000014349/2024-00012</td>"
    "<td>主题分类：</td><td>城乡建设</td></tr><tr><td>发布机构：</td><td>某某市住建局</td>"
    "<td>发文日期：</td><td>{day}</td></tr><tr><td>信息来源：</td><td>某某日报</td>"
    "<td>浏览次数：</td><td>12</td></tr></table>"
)


def test_a_disclosure_tables_label_cells_name_their_values():
    """Government pages print 信息来源, 浏览次数 (and the editor) as label and value in cells
    of their own."""
    foot = "<table><tr><td>责任编辑：</td><td>王小明</td></tr></table>"
    art = _extract(_page(_DISCLOSURE.format(day="2024-05-20 08:00"), foot))
    assert (art.source, art.views, art.editor) == ("某某日报", 12, "王小明")


# --- a day alone, then the same day with its time ---------------------------------------


def test_the_time_shown_under_a_day_alone_is_the_storys():
    """发文日期 gives the day, the 发布时间 line under it the time of the same day."""
    meta = (
        _DISCLOSURE.format(day="2024-05-20") + "<div class='info'>发布时间：2024-05-20 08:00</div>"
    )
    art = _extract(_page(meta))
    assert art.published_at is not None
    assert art.published_at.isoformat() == "2024-05-20T08:00:00+08:00"
    # Another day's time below is not this story's.
    meta = (
        _DISCLOSURE.format(day="2024-05-20") + "<div class='info'>发布时间：2024-05-21 08:00</div>"
    )
    art = _extract(_page(meta))
    assert art.published_at is not None
    assert art.published_at.isoformat() == "2024-05-20T00:00:00+08:00"


# --- a forum's portal article (Discuz) ----------------------------------------------------


def test_a_forum_portal_meta_line_gives_the_views_and_stays_out_of_the_body():
    meta = (
        "<p class='xg1'>2024-5-20 08:00<span class='pipe'>|</span> 发布者: admin"
        "<span class='pipe'>|</span> 查看: 12<span class='pipe'>|</span> 评论: 0</p>"
    )
    art = _extract(_page(meta))
    assert art.views == 12
    assert "发布者" not in art.text
    assert zh_labels.find_views("查看2条评论") is None


# --- several editors joined by spaces -------------------------------------------------


@pytest.mark.parametrize(
    ("foot", "editor"),
    [
        ("<p>责任编辑：王小明 李大伟</p>", "王小明 李大伟"),
        ("<p>【责任编辑：王小明 李大伟 张强】</p>", "王小明 李大伟 张强"),
        # Not a name after the space, or another label: the first editor only.
        ("<p>责任编辑：王小明 返回顶部</p>", "王小明"),
        ("<p>责任编辑：王小明 审核：李大伟</p>", "王小明"),
        ("<p>责任编辑：王小明 李大伟 2024-05-20</p>", "王小明"),
    ],
)
def test_several_editors_joined_by_spaces_are_kept_as_printed(foot, editor):
    assert _extract(_page("<div class='info'>2024-05-20 08:00</div>", foot)).editor == editor


def test_editors_joined_by_spaces_in_one_element_of_the_line():
    foot = "<div class='ed'><span>责任编辑：</span><span>王小明 李大伟</span></div>"
    assert (
        _extract(_page("<div class='info'>2024-05-20 08:00</div>", foot)).editor == "王小明 李大伟"
    )
    foot = "<div class='ed'><span>责任编辑：王小明</span><a href='#'>关闭窗口</a></div>"
    assert _extract(_page("<div class='info'>2024-05-20 08:00</div>", foot)).editor == "王小明"


# --- other words before the date --------------------------------------------------------


@pytest.mark.parametrize("label", ["发表于", "更新于", "更新时间", "修改时间", "录入时间"])
def test_a_date_label_before_the_date_is_no_outlet(label):
    """Forums print 发表于 before the time, CMSs 更新时间 or 录入时间: labels, not outlets."""
    art = _extract(_page(f"<div class='info'>{label} 2024-5-20 08:00</div>"))
    assert art.source is None


# --- the time after the day, labelled apart or in ISO 8601 ------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "日期：2024-05-20 时间：08:00",
        "日期：2024年05月20日 时间：08:00:00",
        "发布时间：2024-05-20T08:00:00+08:00",
        "发布时间：2024-05-20T00:00:00Z",
    ],
)
def test_the_time_after_the_day_under_its_own_label_or_in_iso_form(line):
    art = _extract(_page(f"<div class='info'>{line}</div>"))
    assert art.published_at == datetime(2024, 5, 20, 0, 0, tzinfo=UTC)  # (08:00 in Beijing)


# --- writers: the intern first, an affiliation in brackets ------------------------------


@pytest.mark.parametrize(
    ("foot", "authors"),
    [
        ("<p>（实习生 陈晨 记者 王小明）</p>", ["陈晨", "王小明"]),
        ("<p>作者：王小明（某某大学经济学院教授）</p>", ["王小明"]),
    ],
)
def test_writer_credits_with_an_intern_first_or_an_affiliation(foot, authors):
    art = _extract(_page("<div class='info'>2024-05-20 08:00</div>", foot))
    assert art.authors == authors


@pytest.mark.parametrize(
    "foot", ["<p>新媒体编辑：王小明</p>", "<p>（融媒体编辑：王小明）</p>", "<p>小编：王小明</p>"]
)
def test_new_media_and_self_media_editor_labels(foot):
    assert _extract(_page("<div class='info'>2024-05-20 08:00</div>", foot)).editor == "王小明"
    assert zh_labels.find_editor("小编觉得这次会议很重要") is None


# --- a subtitle between the headline and the meta line ----------------------------------


def test_the_view_count_under_a_subtitle_read_as_the_first_paragraph():
    """A subtitle under the headline (``——…``) passes for the body's first paragraph: the
    meta line under it is still the story's."""
    meta = (
        "<div class='sub'>——老旧小区改造今年将覆盖全市各区</div>"
        "<div class='info'>2024-05-20 08:00 阅读：12</div>"
    )
    assert _extract(_page(meta)).views == 12


@pytest.mark.parametrize("badge", ["优质国际领域创作者", "科技领域创作者", "环球视野官方账号"])
def test_the_account_over_a_platform_badge_is_the_source(badge):
    """Self-media cards put the platform's badge between the account and the date."""
    meta = (
        "<div class='card'><div><a class='name' href='/u/1'>环球视野</a>"
        f"<p class='desc'>{badge}</p></div><span>2024-05-20 08:00</span><span>12阅读</span></div>"
    )
    assert _extract(_page(meta)).source == "环球视野"
