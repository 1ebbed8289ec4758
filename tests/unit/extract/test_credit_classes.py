"""Classes of Chinese credits (editor, source, reporters) seen on sites the extractor was
not developed on: each test is a small page of our own showing one way sites print them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import extract, zh_labels
from newswire.parser.extract.bylines import slot_source

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ZH = "市政府召开新闻发布会，介绍今年城市更新工作的进展情况和下一步安排，相关部门负责人回答了提问。"
TITLE = "市政府介绍老旧小区改造工作进展"


def _page(
    meta: str = "<span>2024-05-20 08:00</span>",
    *,
    lead: str = "",
    close: str = "",
    foot: str = "",
    between: str = "",
    header: str = "",
) -> bytes:
    """A Chinese story page: header, headline, the line under it, six paragraphs (the first
    opening with ``lead``, the last closing with ``close``, ``between`` after the second),
    then ``foot`` under the story."""
    paras = [f"<p>{ZH}第{i}段。</p>" for i in range(6)]
    paras[0] = f"<p>{lead}{ZH}第0段。</p>"
    paras[-1] = f"<p>{ZH}第5段。{close}</p>"
    paras.insert(2, between)
    return (
        f"<html lang='zh-CN'><head><meta charset='utf-8'><title>{TITLE}_某某新闻网</title>"
        f"</head><body><div class='header'><a href='/'>首页</a>{header}</div>"
        f"<div class='article'><h1>{TITLE}</h1><div class='info'>{meta}</div>"
        f"{''.join(paras)}</div>{foot}"
        "<div class='footer'><p>关于我们 | 联系我们 | 版权声明</p></div></body></html>"
    ).encode()


def _extract(html: bytes):
    art = extract(html, "https://news.example.cn/2024/05/20/a1.html", fetched_at=NOW).article
    assert art is not None
    return art


# --- editors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "foot",
    [
        "<div class='editor'>编辑：王小明 责任编辑：李大伟</div>",
        "<div class='ed'>责任编辑：李大伟</div><div class='ed2'>编辑：王小明</div>",
        "<div class='ed'>（编辑：王小明）</div><div class='ed2'>【责任编辑：李大伟】</div>",
    ],
)
def test_the_responsible_editor_wins_over_other_editor_credits(foot):
    assert _extract(_page(foot=foot)).editor == "李大伟"


def test_an_editor_the_meta_author_names_is_not_the_writer():
    # The CMS puts the web editor in <meta name="author">; the page credits him as 编辑.
    html = _page(foot="<div class='editor'>编辑：王小明 责任编辑：李大伟</div>")
    html = html.replace(b"</title>", "</title><meta name='author' content='王小明'>".encode())
    art = _extract(html)
    assert (art.editor, art.authors) == ("李大伟", [])


def test_several_editors_in_one_credit_are_kept_as_printed():
    art = _extract(_page(foot="<div class='edit'>(责编：王小明、李大伟)</div>"))
    assert art.editor == "王小明、李大伟"


@pytest.mark.parametrize(
    "credit", ["责任编辑：杨小明_NF1234", "责任编辑：杨小明NF1234", "【责任编辑：杨小明 SF099】"]
)
def test_staff_code_after_the_editors_name_is_dropped(credit):
    assert _extract(_page(foot=f"<div class='editor'>{credit}</div>")).editor == "杨小明"


@pytest.mark.parametrize(
    "credit", ["值班编辑：杨小明", "网络编辑：杨小明", "选稿：杨小明", "摄影/张某 编辑/杨小明"]
)
def test_editor_labels_written_other_ways(credit):
    assert _extract(_page(foot=f"<p class='ed'>{credit}</p>")).editor == "杨小明"


def test_the_responsible_editor_wins_over_the_duty_editor():
    foot = "<p class='ed'>值班编辑：王小明</p><p class='ed'>责任编辑：李大伟</p>"
    assert _extract(_page(foot=foot)).editor == "李大伟"


# --- sources ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "本文来源：某某日报",
        "来源于：某某日报",
        "转自：某某日报",
        "转载自 某某日报",
        "稿源：某某日报",
        "出处：某某日报",
        "来源︱某某日报",
    ],
)
def test_source_labels_written_other_ways(line):
    assert _extract(_page(meta=f"<span>2024-05-20 08:00</span> <span>{line}</span>")).source == (
        "某某日报"
    )


@pytest.mark.parametrize(
    ("meta", "foot"),
    [
        ("<span>来源：某某日报2024-05-20 08:00</span>", ""),
        ("<span>2024-05-20 08:00</span>", "<p>本文来源：某某日报责任编辑：杨小明</p>"),
    ],
)
def test_source_running_on_into_the_date_or_the_next_credit_ends_there(meta, foot):
    assert _extract(_page(meta=meta, foot=foot)).source == "某某日报"


def test_credit_lines_between_the_body_paragraphs_are_read():
    # A byline and source line the body filter leaves out, between paragraphs of the body.
    between = "<div class='byline'>《周刊》作者 杨小明</div><div class='src'>来源：某某日报</div>"
    art = _extract(_page(meta="<span>2024-05-20 08:00</span>", between=between))
    assert (art.authors, art.source) == (["杨小明"], "某某日报")


@pytest.mark.parametrize("line", ["来自甘肃", "来自福建省", "来自内蒙古自治区"])
def test_the_posters_ip_region_is_not_a_source(line):
    assert zh_labels.find_source(line) is None
    assert zh_labels.find_source("来自某某日报") == "某某日报"


@pytest.mark.parametrize(
    "meta",
    [
        "<span>时间：2024.05.20 来源：1905电影网 分享到：</span>",
        "<em>2024-05-20 08:00:44</em><em><a href='/'>39健康网</a></em>",
        "<h4><span>原创：</span><span>39健康网</span><span>2024-05-20 08:00:44</span></h4>",
    ],
)
def test_outlet_names_beginning_with_digits(meta):
    assert _extract(_page(meta=meta)).source in ("1905电影网", "39健康网")


@pytest.mark.parametrize("line", ["来源：2024年5月20日", "来源：3小时前", "来源：15条评论"])
def test_a_date_or_count_after_the_label_is_not_an_outlet(line):
    assert zh_labels.find_source(line) is None


# --- reporters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lead",
    [
        "本报讯（记者杨小明、李大伟）",
        "新华社北京5月20日电（记者杨小明和李大伟）",
    ],
)
def test_several_reporters_glued_to_the_label(lead):
    assert _extract(_page(lead=lead)).authors == ["杨小明", "李大伟"]


def test_reporters_line_glued_to_the_label_at_the_top_of_the_body():
    html = _page(
        meta="<span>2024-05-20 08:00</span></div><p>新华社记者杨小明、李大伟、丁乐</p><div>"
    )
    assert _extract(html).authors == ["杨小明", "李大伟", "丁乐"]


def test_a_label_glued_to_words_is_still_no_credit():
    assert zh_labels.find_authors("记者会上，王小明表示") == []
    assert zh_labels.find_authors("作者最新文章") == []


@pytest.mark.parametrize(
    ("close", "name"),
    [
        ("（作者：杨小明北京大学经济学院教授）", "杨小明"),
        ("（作者：王敏北京大学经济学院教授）", "王敏"),
        ("（本文来源：某某日报 作者：某某中心研究部部长、研究员杨小明）", "杨小明"),
        ("作者： 记者杨小明", "杨小明"),
    ],
)
def test_writer_credited_with_role_or_affiliation(close, name):
    assert _extract(_page(close=close)).authors == [name]


def test_an_affiliation_alone_names_no_writer():
    assert zh_labels.find_authors("作者：北京大学经济学院课题组") == []


@pytest.mark.parametrize(
    ("lead", "close", "names"),
    [
        ("新华社北京5月20日电（杨小明、李大伟）", "", ["杨小明", "李大伟"]),
        ("", "（杨小明）", ["杨小明"]),
        # In mid-sentence a bracketed name is a nickname or a note, not a signature.
        ("歌手庾澄庆（哈林）及家人出席。", "", []),
        ("iPhone 11（国行）各容量售价公布。", "", []),
    ],
)
def test_a_bare_bracketed_name_signs_only_where_a_signature_goes(lead, close, names):
    assert _extract(_page(lead=lead, close=close)).authors == names


def test_labelled_outlet_ends_where_its_element_does():
    meta = "<span>2024-05-20 08:00</span> 来源：某某日报<a href='#comments'>参与互动</a>"
    assert _extract(_page(meta=meta)).source == "某某日报"


def test_source_in_the_closing_note_of_the_last_paragraph():
    close = "（本文来源：某某日报 作者：杨小明）返回首页，查看更多"
    art = _extract(_page(meta="<span>2024-05-20 08:00</span>", close=close))
    assert (art.source, art.authors) == ("某某日报", ["杨小明"])
    # Prose naming where something came from is no source.
    prose = "这些数据的来源是国家统计局发布的年度公报，记者进行了整理。"
    assert _extract(_page(meta="<span>2024-05-20 08:00</span>", close=prose)).source is None


@pytest.mark.parametrize(
    ("card", "source"),
    [
        (
            "<div class='name'>某某新闻网</div><div class='desc'>2024-05-20 08:00</div>",
            "某某新闻网",
        ),
        # A government body's account.
        ("<div class='name'>某某市公安局</div><div>2024-05-20 08:00</div>", "某某市公安局"),
        ("<div class='name'>上海发布</div><div>2024-05-20 08:00</div>", "上海发布"),
        # A pen name, a section or a button beside the date is no outlet.
        ("<div class='name'>管不饿</div><div class='desc'>2024-05-20 08:00</div>", None),
        ("<div class='name'>国际新闻</div><div class='desc'>2024-05-20 08:00</div>", None),
        ("<div class='desc'>2024-05-20 08:00</div><div class='btn'>关注</div>", None),
    ],
)
def test_outlet_in_its_own_element_beside_the_date(card, source):
    assert _extract(_page(meta=card)).source == source


def test_page_tools_by_the_date_are_not_an_outlet():
    meta = "<p>发布时间：2024年05月20日 | 字体放大 | 字体缩小 | 打印本页</p>"
    assert _extract(_page(meta=meta)).source is None


@pytest.mark.parametrize("note", ["（全文）", "（节选）", "（未完待续）"])
def test_a_bracketed_note_where_a_signature_goes_is_no_name(note):
    assert _extract(_page(close=note)).authors == []


@pytest.mark.parametrize(
    "item", ["<span>杨小明</span>", "<span>杨小明/文</span>", " 记者：杨小明", " 编译：杨小明"]
)
def test_a_person_or_labelled_credit_by_the_date_is_not_an_outlet(item):
    assert _extract(_page(meta=f"<span>2024-05-20 08:00</span>{item}")).source is None


@pytest.mark.parametrize(
    ("meta", "authors"),
    [
        ("<span>2024-05-20 08:00</span><span>来源：某某日报</span><span>杨小明</span>", ["杨小明"]),
        ("<span>2024-05-20 08:00</span><span class='author'>杨小明</span>", ["杨小明"]),
        # A name another label credits is not the writer.
        ("<span>2024-05-20 08:00</span><span>编辑：</span><span>杨小明</span>", []),
        ("<span>2024-05-20 08:00 来源：某某日报 杨小明</span>", []),
        ("<span>2024-05-20 08:00</span><a>A-</a><a>A+</a>", []),
    ],
)
def test_the_writers_name_alone_in_its_element_on_the_date_line(meta, authors):
    assert _extract(_page(meta=meta)).authors == authors


def test_a_name_like_tag_by_a_date_under_the_story_is_no_writer():
    # The only date is printed under the story, beside its keyword tags (相对论 reads as
    # surname + given name): a name alone in an element there is not a byline.
    foot = (
        "<div class='aside'><div class='time'><span>时间：2024-05-20</span>"
        "<a href='/tag/1'>子弹</a><a href='/tag/2'>相对论</a></div></div>"
    )
    assert _extract(_page(meta="", foot=foot)).authors == []


def test_source_label_glued_to_the_time_before_it():
    art = _extract(_page(meta="<span>2024-05-20 08:00来源：某某日报作者：杨小明</span>"))
    assert (art.source, art.authors) == ("某某日报", ["杨小明"])


@pytest.mark.parametrize(
    "byline",
    [
        "<div class='byline'><span>作者：</span><a href='/u'>杨小明</a><span>本报记者</span></div>",
        "<div class='byline'><span>记者</span><a href='/u'>杨小明</a><span>首席记者</span></div>",
    ],
)
def test_byline_with_label_name_and_role_in_separate_elements(byline):
    html = _page(meta=f"<span>2024-05-20 08:00</span></div>{byline}<div>")
    assert _extract(html).authors == ["杨小明"]


@pytest.mark.parametrize(
    "line", ["作者︱杨小明", "编译：杨小明", "杨小明/文", "原创： 杨小明编译 某某研究"]
)
def test_writer_credits_written_other_ways(line):
    assert zh_labels.find_authors(line) == ["杨小明"]


def test_a_role_word_in_prose_names_nobody():
    assert zh_labels.find_authors("据路透社编译报道，论文作者表示") == []


def test_editor_line_in_a_footer_below_the_comments():
    comments = "".join(
        f"<div class='comment'><span>网友{i}</span><p>说得好，支持这个项目！</p>"
        f"<span>2024-05-20 09:0{i}</span></div>"
        for i in range(8)
    )
    related = "".join(f"<li><a href='/a{i}.html'>其他新闻第{i}条</a></li>" for i in range(20))
    editor = "<div class='ed'>责任编辑：杨小明</div>"
    foot = f"<div class='cmt'>{comments}</div><ul>{related}</ul>{editor}"
    assert _extract(_page(foot=foot)).editor == "杨小明"


def test_the_writer_may_also_be_the_editor():
    art = _extract(_page(close="（杨小明）", foot="<div class='editor'>【责任编辑：杨小明】</div>"))
    assert (art.authors, art.editor) == (["杨小明"], "杨小明")


def _photo_story(captions: int, texts: int) -> bytes:
    caption = "<p>5月20日，市民在公园游玩。新华社记者 杨小明 摄</p>"
    body = "".join(f"<p>{ZH}第{i}段。</p>" for i in range(texts)) + caption * captions
    return (
        f"<html lang='zh-CN'><head><meta charset='utf-8'><title>{TITLE}</title></head><body>"
        f"<div class='article'><h1>{TITLE}</h1><div class='info'>2024-05-20 08:00</div>{body}"
        "</div></body></html>"
    ).encode()


def test_the_photographer_of_a_photo_story_is_its_author():
    assert _extract(_photo_story(captions=3, texts=1)).authors == ["杨小明"]
    # A text story with a photo: the photographer is not its author.
    assert _extract(_photo_story(captions=1, texts=6)).authors == []
    assert zh_labels.photographer("市民在公园游玩。（杨小明摄）") == "杨小明"


def test_more_label_variants():
    assert zh_labels.find_source("本文转载自：某某日报") == "某某日报"
    assert zh_labels.find_editor("本期编辑 王小明") == "王小明"
    assert zh_labels.find_editor("文字编辑：王小明") == "王小明"
    # The picture editor is not the story's editor.
    assert zh_labels.find_editor("图片编辑：王小明") is None


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("作者：Jane Doe", ["Jane Doe"]),
        ("特约撰稿人 杨小明", ["杨小明"]),
        ("（本报评论员 杨小明 李大伟）", ["杨小明", "李大伟"]),
        ("本报记者 杨小明 李大伟", ["杨小明", "李大伟"]),
    ],
)
def test_author_label_variants_and_latin_names(line, names):
    found = zh_labels.find_authors(line) or zh_labels.find_paren_authors(line)
    assert found == names


@pytest.mark.parametrize("name", ["萧海川", "阎小明", "荀大伟"])
def test_less_common_surnames_are_names(name):
    assert zh_labels.find_paren_authors(f"（评论员 罗小明 {name}）") == ["罗小明", name]


@pytest.mark.parametrize(
    "foot",
    [
        "<div class='ed'><span>责任编辑：杨小明</span><a href='#'>关闭窗口</a></div>",
        "<div class='ed'><span>责任编辑：</span><span>杨小明</span><a href='#'>打印本页</a></div>",
        "<p>责任编辑：杨小明【打印】【关闭】</p>",
        "<p>（责任编辑：杨小明。）</p>",
    ],
)
def test_editor_name_ends_at_its_element_or_punctuation(foot):
    assert _extract(_page(foot=foot)).editor == "杨小明"


def test_a_long_meta_line_the_body_starts_with_is_read():
    meta = (
        "<p>2024-05-20 08:00 来源：某某日报 作者：杨小明 编辑：李大伟 浏览：123 "
        "【字体：大 中 小】【打印】【关闭】【分享到：微信 微博 QQ空间】</p>"
    )
    art = _extract(_page(meta=meta))
    assert (art.source, art.editor, art.authors) == ("某某日报", "李大伟", ["杨小明"])


@pytest.mark.parametrize(
    "meta",
    [
        "<p>2024-05-20 08:00 【字体：大 中 小】【打印】【分享到：微信 微博 QQ空间】</p>",
        "<p>2024-05-20 08:00 <span>分享到：</span><a>微博</a> <a>微信</a></p>",
    ],
)
def test_tools_and_share_buttons_by_the_date_are_not_an_outlet(meta):
    assert _extract(_page(meta=meta)).source is None


def test_the_site_headers_date_and_name_are_not_the_stories_outlet():
    # No date by the story; the header shows the site's name beside today's date.
    html = _page(
        meta="", header="<div class='top'><span>某某新闻网</span> 2024年5月20日 星期一</div>"
    )
    assert _extract(html).source is None
    assert slot_source("2024年5月20日 星期一") is None


@pytest.mark.parametrize(
    ("lead", "close", "names"),
    [
        ("黄某某 报道 ", "", ["黄某某"]),
        ("本报讯 张某 李某某 报道 ", "", ["张某", "李某某"]),
        ("张某、李某 报道：", "", ["张某", "李某"]),
        ("", "（黄某某 报道）", ["黄某某"]),
        # Prose about who reported names no writer.
        ("据新华社报道，", "", []),
        ("本报综合 报道 ", "", []),
    ],
)
def test_names_before_reported_where_a_signature_goes(lead, close, names):
    assert _extract(_page(lead=lead, close=close)).authors == names


@pytest.mark.parametrize(
    "meta",
    [
        "<span>3小时前</span><span>来源：经济日报</span>",
        "<span>昨天</span><span>稿源：经济日报</span>",
        "<a href='/shehui/'>社会新闻</a><span>来源：经济日报</span><span>2024-05-20</span>",
    ],
)
def test_a_source_label_run_into_the_element_before_it(meta):
    # The line's text reads "3小时前来源：经济日报": the label starts its own element.
    assert _extract(_page(meta)).source == "经济日报"


@pytest.mark.parametrize(
    ("meta", "source"),
    [
        ("<span>3小时前</span><span class='src'>中国新闻网</span>", "中国新闻网"),
        ("<a href='http://www.example.com/'>某某日报</a> <span>昨天 10:20</span>", "某某日报"),
        ("<span>3小时前</span><a class='src' href='/'>某某晚报</a>", "某某晚报"),
        # A person's name by the time is the writer, never the outlet.
        ("<span>3小时前</span><span>王某某</span>", None),
    ],
)
def test_the_outlet_beside_a_relative_time(meta, source):
    # (A comment's time below the story does not make the relative time any less the date.)
    foot = "<div class='comments'><p>网友甲：支持</p><span>2025-12-30 08:00</span></div>"
    assert _extract(_page(meta, foot=foot)).source == source


@pytest.mark.parametrize(
    "meta",
    [
        "<span>2024-05-20 08:00</span><span>澎湃号·某某发布</span>",
        "<span>2024-05-20 08:00</span><span>来源：澎湃号·某某发布</span>",
        "<span>2024-05-20 08:00</span> <a href='/u/1'>头条号 某某发布</a>",
    ],
)
def test_a_platform_account_is_the_source_without_the_platform(meta):
    assert _extract(_page(meta)).source == "某某发布"


def test_the_platforms_account_kind_alone_is_kept():
    assert zh_labels.account_name("澎湃号") == "澎湃号"
    assert zh_labels.account_name("某某日报") == "某某日报"


@pytest.mark.parametrize(
    ("meta", "source"),
    [
        (
            "<span>2024-05-20 08:00</span><span>作者：</span><a>吴某某</a><span>本报记者</span>",
            None,
        ),
        (
            "<span>2024-05-20 08:00</span><span>特约通讯员</span><a>吴某某</a>"
            "<span>某某日报</span>",
            "某某日报",
        ),
    ],
)
def test_a_bylines_role_by_the_date_is_no_outlet(meta, source):
    assert _extract(_page(meta)).source == source


@pytest.mark.parametrize(
    ("line", "names"),
    [
        # Another role after the writers ends their credit: those names are not writers.
        ("<p>（总台记者 杨小明 编辑 李大伟）</p>", ["杨小明"]),
        ("<p>记者 杨小明 丁乐 责编 李大伟</p>", ["杨小明", "丁乐"]),
        # The photographer's own label after the writer's is no "杨小明 摄" credit.
        ("<p>记者：杨小明 摄影：李大伟</p>", ["杨小明"]),
        ("<p>记者：杨小明 摄像：李大伟</p>", ["杨小明"]),
    ],
)
def test_a_credit_line_with_other_roles_after_the_writers(line, names):
    assert _extract(_page(between=line)).authors == names


def test_a_photographers_credit_alone_is_still_no_writer():
    assert zh_labels.find_authors("记者 杨小明 摄") == []


@pytest.mark.parametrize(
    ("meta", "source"),
    [
        # No date under the headline to read the outlet beside: the element the template
        # names as the source, or a platform's account, is the source.
        ('<span class="src">中国新闻网</span>', "中国新闻网"),
        ('<a class="source" href="http://www.xinhuanet.com/">新华网</a>', "新华网"),
        ('<span id="source_baidu">某某日报</span><span>责编：李大伟</span>', "某某日报"),
        ("<span>澎湃号·上海发布 责编：李大伟</span>", "上海发布"),
        # Not the outlet: the account's own name in no element naming a source, and a
        # template's placeholder.
        ('<span class="nickname"><a id="js_name">某某新闻网</a></span>', None),
        ('<span class="source">未知</span>', None),
    ],
)
def test_an_outlet_the_template_names_under_the_headline_with_no_date(meta, source):
    assert _extract(_page(meta=meta)).source == source


@pytest.mark.parametrize(
    "line",
    ["2024年5月20日週一 下午2:05", "2024-05-20 禮拜一", "2024-05-20 下午 3:15", "2024-05-20 凌晨"],
)
def test_a_traditional_weekday_or_the_half_of_the_day_is_no_outlet(line):
    """(A Hong Kong or Taiwan page prints 週一 after the date; 下午 is "p.m.".)"""
    assert slot_source(line) is None
    assert slot_source(f"{line} 某某日报") == "某某日报"
