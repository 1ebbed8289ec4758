"""text/plain renderings give the same fields as HTML: the photo caption (``△…``) as the
image's caption, the other-stories list (headline, summary, time) as outlinks without
addresses, and the related links, whatever separators and list styles the text uses (list
items and related headlines with no bullet at all included)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"
BODY = "\n\n".join(f"第{i}段。{_SENTENCE * 3}" for i in range(4))
STORIES = [
    ("第一则新闻的标题写在这里", "第一则新闻的摘要，说明发生了什么事。", "2025-06-15 17:44"),
    ("第二则新闻的标题写在这里", "第二则新闻的摘要，说明发生了什么事。", "2025-06-14 03:32"),
]


_ITEM_STYLES = {
    "numbered": "{i}. {t}\n   {s}\n   {w}",
    "bullets": "  • {t}\n\n    {s}\n    {w}",
    # No marker at all: the item is known by its time, on the last line or beside the
    # headline, and may be split into paragraphs.
    "unmarked": "{t}\n{s}\n{w}",
    "paragraphs": "{t}\n\n{s}\n\n{w}",
    "time first": "[{w}] {t}\n{s}",
    "time after": "{t}（{w}）\n{s}",
}


def _stories(style: str) -> str:
    item = _ITEM_STYLES[style]
    return "\n\n".join(item.format(i=i, t=t, s=s, w=w) for i, (t, s, w) in enumerate(STORIES, 1))


@pytest.mark.parametrize(
    ("crumb", "underline", "related", "rule", "style"),
    [
        (
            "首页 > 实时讯息 >",
            "",
            "更多阅读\n\n第二则相关新闻的标题>>\n\n第三则相关新闻的标题>>",
            "",
            "bullets",
        ),
        (
            "当前位置：首页 » 实时讯息",
            "=" * 30,
            "相关阅读：\n· 第二则相关新闻的标题\n· 第三则相关新闻的标题",
            "-" * 30,
            "numbered",
        ),
        # Related headlines with no marker under their heading.
        (
            "首页 / 实时讯息",
            "",
            "延伸阅读\n\n第二则相关新闻的标题\n\n第三则相关新闻的标题",
            "",
            "unmarked",
        ),
        (
            "首页 > 实时讯息",
            "",
            "相关新闻\n\n[第二则相关新闻的标题]\n\n[第三则相关新闻的标题]",
            "",
            "paragraphs",
        ),
        (
            "首页 > 实时讯息",
            "",
            "更多阅读\n\n第二则相关新闻的标题>>\n\n第三则相关新闻的标题>>",
            "",
            "time first",
        ),
        (
            "首页 > 实时讯息",
            "",
            "更多阅读\n\n第二则相关新闻的标题>>\n\n第三则相关新闻的标题>>",
            "",
            "time after",
        ),
    ],
)
def test_text_plain_fields(crumb, underline, related, rule, style):
    text = "\n\n".join(
        part
        for part in [
            crumb,
            "某地召开会议讨论安全保障\n" + underline if underline else "某地召开会议讨论安全保障",
            "发布时间：2025年03月12日 00:50 | 浏览：0次",
            "△与会代表在会场合影",
            BODY,
            "(总台记者 马瑾瑾)",
            related,
            "责任编辑：王婷婷",
            rule,
            _stories(style),
        ]
        if part
    )
    article = extract(
        text.encode(),
        "https://news.example.cn/a/1.html",
        {"content-type": "text/plain; charset=utf-8"},
        fetched_at=datetime(2025, 6, 20, tzinfo=UTC),
    ).article
    assert article is not None
    assert article.title == "某地召开会议讨论安全保障"
    assert article.section == ["实时讯息"]
    assert article.text == BODY
    assert article.authors == ["马瑾瑾"]
    assert article.editor == "王婷婷"
    assert article.views == 0
    assert [(i.url, i.caption) for i in article.images] == [("", "与会代表在会场合影")]
    assert [(r.title, r.url) for r in article.related] == [
        ("第二则相关新闻的标题", ""),
        ("第三则相关新闻的标题", ""),
    ]
    got = [
        (o.url, o.title, o.summary, o.published_at and o.published_at.strftime("%Y-%m-%d %H:%M"))
        for o in article.outlinks
    ]
    assert got == [("", t, s, w) for t, s, w in STORIES]


@pytest.mark.parametrize(
    "related",
    [
        "相关阅读：\n1. 第二则相关新闻的标题\n2. 第三则相关新闻的标题",
        "相关阅读：\n第二则相关新闻的标题>>\n· 第三则相关新闻的标题",
        "相关阅读：\n\n(1) 第二则相关新闻的标题\n\n(2) 第三则相关新闻的标题",
    ],
)
def test_text_plain_related_lists_written_other_ways(related):
    items = "\n\n".join(f"【{i}】{t}\n{s}\n{w}" for i, (t, s, w) in enumerate(STORIES, 1))
    text = "\n\n".join(
        ["某地召开会议讨论安全保障", "2025-03-12 00:50", BODY, related, "责任编辑：王婷婷", items]
    )
    article = extract(
        text.encode(),
        "https://news.example.cn/a/1.html",
        {"content-type": "text/plain; charset=utf-8"},
        fetched_at=datetime(2025, 6, 20, tzinfo=UTC),
    ).article
    assert article is not None
    assert article.text == BODY
    assert article.editor == "王婷婷"
    assert [r.title for r in article.related] == ["第二则相关新闻的标题", "第三则相关新闻的标题"]
    assert [(o.title, o.summary) for o in article.outlinks] == [(t, s) for t, s, _ in STORIES]


@pytest.mark.parametrize("trail", ["新闻网 > 国际 > 正文", "新闻网 › 门户 › 国际 › 查看内容"])
def test_a_trail_led_by_the_sites_name_is_no_headline(trail):
    text = f"{trail}\n\n某地召开会议讨论安全保障\n\n发布时间：2025-03-12 00:50\n\n{BODY}\n"
    article = extract(
        text.encode(), "https://news.example.cn/a/1.txt", {"content-type": "text/plain"}
    ).article
    assert article is not None
    assert (article.title, article.section) == ("某地召开会议讨论安全保障", ["国际"])
