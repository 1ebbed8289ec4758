"""Old table layouts give each story of a list rows of its own: the headline (its time in a
second cell), then the summary in the next row, with no link; a flat definition list puts
them in the <dd>s after the headline's <dt>. Those are the story's summary, not body text;
a data table whose rows only sometimes hold a link is body."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"
_BODY = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(1, 4))
STORIES = [
    (f"第{n}则新闻的标题写在这里", f"第{n}则新闻的摘要，说明发生了什么事，为何重要。", when)
    for n, when in (
        ("一", "2025-06-15 17:44"),
        ("二", "2025-06-14 03:32"),
        ("三", "2025-06-12 11:39"),
    )
]


def _page(rows: str) -> bytes:
    return (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<table><tr><td><h1>某地召开会议</h1>{_BODY}</td>"
        f"<td>{rows}</td></tr></table></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("wrapper", "row"),
    [
        (
            "<table>{}</table>",
            '<tr><td><a href="/n/{i}.html">{t}</a></td><td>{w}</td></tr>'
            '<tr><td colspan="2">{s}</td></tr>',
        ),
        (
            "<table>{}</table>",
            '<tr><td><a href="/n/{i}.html">{t}</a></td></tr><tr><td>{s}</td></tr>'
            '<tr><td align="right">{w}</td></tr>',
        ),
        # A flat definition list: the headline's <dt>, then <dd>s, all in one <dl>.
        ("<dl>{}</dl>", '<dt><a href="/n/{i}.html">{t}</a></dt><dd>{s}</dd><dd>{w}</dd>'),
    ],
)
def test_summary_in_the_next_row_belongs_to_the_story(wrapper, row):
    items = "".join(row.format(i=i, t=t, s=s, w=w) for i, (t, s, w) in enumerate(STORIES))
    rows = wrapper.format(items)
    article = extract(_page(rows), "https://news.example.cn/a/1.html").article
    assert article is not None
    assert "摘要" not in article.text
    got = [(o.title, o.summary, o.published_at.isoformat()) for o in article.outlinks if o.summary]
    assert got == [(t, s, w.replace(" ", "T") + ":00+08:00") for t, s, w in STORIES]


def test_a_data_table_with_some_linked_rows_stays_body():
    """A comparison table: a linked name with its cells, rows without links between them."""
    rows = "".join(
        f'<tr><td><a href="/p/{i}.html">产品{i}的完整名称在这里</a></td>'
        f"<td>适合初学者使用的方案</td><td>每月{i}9元</td></tr><tr><td>产品{i}的简化版本</td>"
        f"<td>这个版本适合小团队使用，价格更低，功能也足够日常所需，第{i}种。</td>"
        f"<td>每月{i}5元</td></tr>"
        for i in range(1, 5)
    )
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1><div>{_BODY}<table>{rows}</table>{_BODY}</div></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert all(f"功能也足够日常所需，第{i}种。" in article.text for i in range(1, 5))
