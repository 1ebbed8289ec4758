"""Chinese credits and dates on layouts nobody built: synthetic pages, failing combinations.

    .venv/bin/python bench/zh_layout_combinations.py                 # seed 1, 400 random
    .venv/bin/python bench/zh_layout_combinations.py --seed 3 --show 20

Renders one made-up story (never a dev page) in four plain templates (a portal, an old
table layout, a WeChat-style account page, a mobile page) with every combination drawn
of the ways sites print the editor (责任编辑/责编/编辑/值班编辑, staff codes, on the
source's line, in the footer below the comments), the source (来源/稿源/来源于/转自/出处,
a link, a bare element, a 澎湃号 account, a government body), the reporters ((记者 X), 文/X,
本报记者 X Y, X 报道, 通讯员 X, names joined by spaces/、/和, label-name-role elements) and
the date (printed, in a script variable, relative to the visit, only in the URL; a header
showing today, comments and related lists carrying other dates). Each page is extracted
with a fixed fetch time and compared with what it shows; the failing combinations are
counted by field and template and the first few printed. Every single variant is also
tried against a plain base on every template. ``--traditional`` renders every page in
traditional characters, as a Hong Kong or Taiwan site prints it.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "services"))

from newswire.parser.extract import extract  # noqa: E402
from newswire.parser.extract.zh_script import traditional  # noqa: E402

FETCHED = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
CST = timedelta(hours=8)

BODY = [
    "今年以来，全市加快推进老旧小区改造工作，累计完成改造项目一百二十余个，惠及居民三万多户，群众的获得感明显增强。",
    "在改造过程中，各街道坚持问需于民，通过居民议事会、入户走访等方式广泛征求意见，把加装电梯、增设停车位等需求纳入方案。",
    "市住建部门有关负责人介绍，下一步将建立长效管理机制，引入专业物业服务，确保改造成果长期保持，小区环境持续向好。",
    "家住东城区的李阿姨说，以前楼道灯常年不亮，雨天路面积水，如今道路平整了，还建了健身广场，晚上出门散步也放心了。",
    "据悉，明年全市计划再启动一批改造项目，重点解决管网老化、消防通道不畅等问题，让更多居民住上舒心房。",
]
TITLE = "全市老旧小区改造惠及居民三万多户"


def fmt(dt):
    return dt.strftime("%Y-%m-%d %H:%M")


# ---- variants: each returns (html-fragments dict, expectation dict) ----
PUB = datetime(2026, 11, 28, 9, 30)  # local (UTC+8) time


def editor_variants():
    return {
        "ed_zr": ("责任编辑：王晓明", "王晓明"),
        "ed_code": ("责任编辑：杨丽娟_NF5321", "杨丽娟"),
        "ed_zb": ("责编：陈静", "陈静"),
        "ed_bj": ("编辑：刘洋", "刘洋"),
        "ed_zhiban": ("值班编辑：赵敏", "赵敏"),
        "ed_zr_paren": ("（责任编辑：孙磊）", "孙磊"),
        "ed_code2": ("【责任编辑:周涛 SN0987】", "周涛"),
    }


def source_variants():
    return {
        "src_ly": ("<span>来源：经济日报</span>", "经济日报"),
        "src_gaoyuan": ("<span>稿源：新华网</span>", "新华网"),
        "src_lyy": ("<span>来源于：中国青年报</span>", "中国青年报"),
        "src_zz": ("<span>转自：光明日报</span>", "光明日报"),
        "src_cc": ("<span>出处：南方日报</span>", "南方日报"),
        "src_link": ('<span>来源：<a href="http://www.people.com.cn/">人民网</a></span>', "人民网"),
        "src_bare_link": (
            '<a class="source" href="http://www.xinhuanet.com/">新华网</a>',
            "新华网",
        ),
        "src_bare_span": ('<span class="src">中国新闻网</span>', "中国新闻网"),
        "src_ppacc": ("<span>澎湃号·上海发布</span>", "上海发布"),
        "src_gov": ("<span>来源：杭州市住房和城乡建设局</span>", "杭州市住房和城乡建设局"),
    }


def reporter_variants():
    # (where, html/text, expected authors)
    return {
        "rep_paren": ("first", "（记者 张伟）", ["张伟"]),
        "rep_wen": ("first", "文/李娜", ["李娜"]),
        "rep_benbao2": ("first", "本报记者 张伟 李娜", ["张伟", "李娜"]),
        "rep_baodao": ("first", "黄海波 报道", ["黄海波"]),
        "rep_tongxun": ("last", "（通讯员 马超）", ["马超"]),
        "rep_dun": ("first", "本报记者 张伟、李娜、王芳", ["张伟", "李娜", "王芳"]),
        "rep_he": ("first", "（记者 张伟和李娜）", ["张伟", "李娜"]),
        "rep_block": (
            "meta",
            '<span class="lbl">作者：</span><a class="nm">吴刚</a>'
            '<span class="role">本报记者</span>',
            ["吴刚"],
        ),
        "rep_meta_label": ("meta", "<span>记者：郭静 何平</span>", ["郭静", "何平"]),
        "rep_benbao_rep_tx": ("first", "本报记者 张伟 通讯员 马超", ["张伟", "马超"]),
    }


def date_variants():
    # returns (kind, expected datetime UTC or None)
    pub_utc = (PUB - CST).replace(tzinfo=UTC)
    ts = int(pub_utc.timestamp())
    fetched_local = (FETCHED + CST).replace(tzinfo=None)  # 2026-12-05 16:00 local
    y = (fetched_local - timedelta(days=1)).replace(hour=10, minute=20)
    return {
        "d_plain": ("plain", fmt(PUB), pub_utc),
        "d_cn": ("plain", PUB.strftime("%Y年%m月%d日 %H:%M"), pub_utc),
        "d_var_ts": ("script", f'var ct = "{ts}";', pub_utc),
        "d_var_str": (
            "script",
            f'var publish_time = "{PUB:%Y-%m-%d}";',
            (PUB.replace(hour=0, minute=0) - CST).replace(tzinfo=UTC),
        ),
        "d_rel_h": ("plain", "3小时前", FETCHED - timedelta(hours=3)),
        "d_rel_yday": ("plain", "昨天 10:20", (y - CST).replace(tzinfo=UTC)),
        "d_url": ("url", "", (datetime(2026, 11, 28) - CST).replace(tzinfo=UTC)),
    }


def related_list(many_dates):
    items = []
    for i, t in enumerate(
        [
            "市区新增三条公交线路",
            "冬季供暖工作全面启动",
            "全市开展安全生产大检查",
            "中小学体育课时再增加",
            "城市书房开放时间延长",
        ]
    ):
        d = f"<span>{fmt(PUB + timedelta(days=3 + i, hours=i))}</span>" if many_dates else ""
        items.append(f'<li><a href="/n/2026/12/0{i + 1}/a{i}.html">{t}</a>{d}</li>')
    return f'<div class="related"><h3>相关新闻</h3><ul>{"".join(items)}</ul></div>'


def build(tpl, ed_key, src_key, rep_key, d_key, ed_pos, many):
    ed_html, ed_exp = editor_variants()[ed_key]
    src_html, src_exp = source_variants()[src_key]
    rep_where, rep_html, rep_exp = reporter_variants()[rep_key]
    d_kind, d_text, d_exp = date_variants()[d_key]
    paras = list(BODY)
    if rep_where == "first":
        paras[0] = (
            rep_html + " " + paras[0] if not rep_html.startswith("（") else rep_html + paras[0]
        )
    elif rep_where == "last":
        paras[-1] = paras[-1] + rep_html
    meta_extra = rep_html if rep_where == "meta" else ""
    date_html = (
        f'<span class="time">{d_text}</span>'
        if d_kind == "plain"
        else ('<em id="publish_time"></em>' if d_kind == "script" else "")
    )
    script = f"<script>{d_text}</script>" if d_kind == "script" else ""
    url = (
        "http://news.example-city.cn/shehui/content_88231.htm"
        if tpl != "wechat"
        else "http://mp.example.cn/s/AbC123"
    )
    if d_kind == "url":
        url = "http://news.example-city.cn/shehui/20261128/content_88231.htm"
    editor_line = f'<div class="editor">{ed_html}</div>'
    ed_with_src = ed_pos == "with_src"
    body_html = "".join(f"<p>{p}</p>" for p in paras)
    comments = (
        '<div class="comments"><h3>网友评论</h3><ul>'
        + "".join(
            # (Comments come days later: a date only they carry is no story's date.)
            f"<li><b>网友{i}</b><p>说得好，支持改造！</p>"
            f"<span>{fmt(PUB + timedelta(days=i + 1, hours=i + 2))}</span></li>"
            for i in range(4)
        )
        + "</ul></div>"
    )
    # The site's header shows its own name and today's date (the fetch day).
    header = (
        '<div class="header"><a href="/" class="logo">城市新闻网</a>'
        '<span class="today">2026年12月5日 星期六</span>'
        '<a href="/shehui/">社会</a><a href="/tiyu/">体育</a></div>'
    )
    footer = '<div class="footer"><p>城市新闻网 版权所有 Copyright 2026</p></div>'
    if ed_pos == "footer":
        footer = footer.replace('<div class="footer">', f'<div class="footer">{editor_line}')
    meta_src = src_html
    if ed_with_src:
        meta_src = (
            f"<span>{src_html.replace('<span>', '').replace('</span>', '')} {ed_html}</span>"
            if src_html.startswith("<span>")
            else src_html + f"<span>{ed_html}</span>"
        )
    after_body = editor_line if ed_pos == "after_body" else ""
    rel = related_list(many)
    head = f'<html><head><meta charset="utf-8"><title>{{}}</title>{script}</head><body>'
    if tpl == "portal":
        html = (
            head.format(f"{TITLE}_社会_城市新闻网")
            + f'{header}<div class="main"><h1>{TITLE}</h1>'
            + f'<div class="info">{date_html}{meta_src}{meta_extra}</div>'
            + f'<div class="article">{body_html}</div>{after_body}{rel}{comments}</div>'
            + f"{footer}</body></html>"
        )
    elif tpl == "table":
        rows = [
            header,
            f'<font size="4"><b>{TITLE}</b></font>',
            f"{date_html}&nbsp;&nbsp;{meta_src}&nbsp;&nbsp;{meta_extra}",
            body_html,
            after_body,
            rel,
            comments,
            footer,
        ]
        cells = "".join(f"<tr><td>{row}</td></tr>" for row in rows)
        html = head.format(TITLE) + f'<table width="100%">{cells}</table></body></html>'
    elif tpl == "wechat":
        # The date element is empty: the page's script fills it in (or it shows one).
        html = (
            head.replace(script, "").format(TITLE)
            + f'<div id="page-content"><h1 class="rich_media_title">{TITLE}</h1>'
            + f'<div class="rich_media_meta_list">{meta_src}{meta_extra}{date_html}</div>'
            + f'<div class="rich_media_content" id="js_content">{body_html}{after_body}</div>'
            + f"{rel}{comments}</div>{footer}{script}</body></html>"
        )
    else:  # mobile
        html = (
            head.format(f"{TITLE}-城市新闻网")
            + f'{header}<article><header><h1 class="art-title">{TITLE}</h1>'
            + f'<p class="meta">{meta_src}{date_html}{meta_extra}</p></header>'
            + f'<section class="art-body">{body_html}</section><footer>{after_body}</footer>'
            + f"</article>{rel}{comments}{footer}</body></html>"
        )
    exp = {"editor": ed_exp, "source": src_exp, "authors": rep_exp, "date": d_exp}
    return html, url, exp


def run(combos, in_traditional: bool = False):
    fails = []
    for c in combos:
        html, url, exp = build(*c)
        title = TITLE
        if in_traditional:
            # The whole page in traditional characters (a Hong Kong or Taiwan site), and
            # what it shows with it.
            html, title = traditional(html), traditional(TITLE)
            exp = {
                **exp,
                "editor": exp["editor"] and traditional(exp["editor"]),
                "source": exp["source"] and traditional(exp["source"]),
                "authors": [traditional(a) for a in exp["authors"]],
            }
        r = extract(html.encode(), url, {"content-type": "text/html"}, fetched_at=FETCHED)
        a = r.article
        if a is None:
            fails.append((c, "NOARTICLE", r.error))
            continue
        bad = []
        if a.editor != exp["editor"]:
            bad.append(("editor", a.editor, exp["editor"]))
        if a.source != exp["source"]:
            bad.append(("source", a.source, exp["source"]))
        if sorted(a.authors) != sorted(exp["authors"]):
            bad.append(("authors", a.authors, exp["authors"]))
        if a.published_at != exp["date"]:
            bad.append(("date", a.published_at, exp["date"]))
        if a.title != title:
            bad.append(("title", a.title, title))
        if bad:
            fails.append((c, bad))
    return fails


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--random", type=int, default=400, help="random combinations")
    parser.add_argument("--show", type=int, default=10, help="failures to print")
    parser.add_argument(
        "--traditional", action="store_true", help="every page in traditional characters"
    )
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    tpls = ["portal", "table", "wechat", "mobile"]
    eds, srcs, reps, ds = (
        list(editor_variants()),
        list(source_variants()),
        list(reporter_variants()),
        list(date_variants()),
    )
    edpos = ["after_body", "with_src", "footer"]
    combos = set()
    # every single variant against a neutral base on every template
    base = ("ed_zr", "src_ly", "rep_paren", "d_plain", "after_body", False)
    for t in tpls:
        for i, lst in enumerate([eds, srcs, reps, ds, edpos, [False, True]]):
            for v in lst:
                b = list(base)
                b[i] = v
                combos.add((t, *b))
    for _ in range(args.random):
        combos.add(
            (
                rnd.choice(tpls),
                rnd.choice(eds),
                rnd.choice(srcs),
                rnd.choice(reps),
                rnd.choice(ds),
                rnd.choice(edpos),
                rnd.choice([False, True]),
            )
        )
    combos = sorted(combos, key=str)
    fails = run(combos, args.traditional)
    print(len(combos), "combos,", len(fails), "fail")
    cnt: Counter = Counter()
    for f in fails:
        if f[1] == "NOARTICLE":
            cnt[("NOARTICLE", f[0][0])] += 1
            continue
        for field, _got, _want in f[1]:
            cnt[(field, f[0][0])] += 1
    for k, v in cnt.most_common():
        print(v, k)
    for f in fails[: args.show]:
        print(f)


if __name__ == "__main__":
    main()
