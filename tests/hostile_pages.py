"""Pages a news site serves that the parser finds hard: short stories and junk bodies.

Built in code (no saved pages): a portal's flash-news page (快讯) of 70-100 Chinese characters
with the furniture of a real portal around it, and the junk bodies of issue 13 — one repeated
character (as the fetcher's body cap and decompression cap leave them), binary noise, a
repeated phrase and a capped body with no article structure; error and login pages served
with ``200 OK`` (soft 404s).
"""

from __future__ import annotations

import random

#: Nine flash-news stories, each 70-100 Chinese characters: (headline, body).
FLASH_NEWS: tuple[tuple[str, str], ...] = (
    (
        "国家统计局：11月CPI同比上涨0.2%",
        "国家统计局今日发布数据，11月份全国居民消费价格同比上涨0.2%，环比下降0.6%。"
        "其中，城市上涨0.3%，农村持平；食品价格下降2.7%，非食品价格上涨0.9%。",
    ),
    (
        "沪深两市成交额连续第五日突破万亿元",
        "截至今日收盘，沪深两市成交额合计1.12万亿元，连续第五个交易日突破万亿元。"
        "北向资金全天净买入42.6亿元，半导体、券商板块涨幅居前，煤炭板块小幅回调。",
    ),
    (
        "北京今冬首场降雪预计明日夜间到来",
        "北京市气象台今日下午发布消息，受冷空气影响，明日夜间至后天上午本市将迎来今冬首场降雪。"
        "山区有中雪，平原地区有小雪，气温明显下降，请市民注意出行安全。",
    ),
    (
        "长江干线港口前十个月货物吞吐量同比增长",
        "交通运输部今日通报，今年前十个月长江干线港口完成货物吞吐量32.1亿吨，同比增长4.8%。"
        "其中集装箱吞吐量增长7.2%，外贸货物吞吐量增长较快，航运市场总体平稳。",
    ),
    (
        "我国成功发射一箭十颗低轨卫星",
        "今日11时许，我国在海南商业航天发射场使用长征八号运载火箭，成功将十颗低轨卫星送入预定轨道，"
        "发射任务获得圆满成功。这是该型火箭今年的第三次飞行。",
    ),
    (
        "多地启动重污染天气橙色预警",
        "受不利气象条件影响，华北多地今日启动重污染天气橙色预警，部分城市实施机动车限行和工地停工等措施。"
        "预计本轮污染过程将持续至周日，届时冷空气到来后逐步缓解。",
    ),
    (
        "全国铁路今日预计发送旅客1450万人次",
        "国铁集团消息，今日全国铁路预计发送旅客1450万人次，计划加开旅客列车1102列。"
        "各地铁路部门优化运输组织，增加热门方向运力，并提醒旅客合理安排出行时间。",
    ),
    (
        "央行今日开展3000亿元逆回购操作",
        "中国人民银行今日以利率招标方式开展了3000亿元7天期逆回购操作，中标利率为1.4%，与此前持平。"
        "因今日有1800亿元逆回购到期，当日实现净投放1200亿元。",
    ),
    (
        "首届国际冰雪旅游博览会在哈尔滨开幕",
        "首届国际冰雪旅游博览会今日在哈尔滨开幕，来自二十多个国家和地区的四百余家企业参展。"
        "展会为期三天，设冰雪装备、冰雪旅游和冰雪文化等展区，市民可免费参观。",
    ),
)


def flash_news_page(
    number: int, *, published: bool = True, headline_element: bool = True, og_article: bool = False
) -> bytes:
    """A portal's flash-news page: navigation, a headline, a 70-100 character body, footer."""
    headline, body = FLASH_NEWS[number % len(FLASH_NEWS)]
    nav = "".join(
        f'<li><a href="/channel/{i}/">{name}</a></li>'
        for i, name in enumerate(["首页", "要闻", "财经", "科技", "体育", "娱乐", "汽车", "房产"])
    )
    footer = "".join(
        f'<a href="/about/{i}.html">{name}</a> '
        for i, name in enumerate(["关于我们", "联系方式", "广告服务", "网站地图", "招聘信息"])
    )
    meta = '<meta property="og:type" content="article">' if og_article else ""
    time_line = (
        f'<div class="info"><span class="time">2025-12-0{1 + number % 9} 10:{10 + number}</span>'
        '<span class="source">来源：快讯中心</span></div>'
        if published
        else ""
    )
    heading = f"<h1>{headline}</h1>" if headline_element else f"<div class='hd'>{headline}</div>"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{headline}_快讯_示例新闻网</title>{meta}
</head><body>
<div class="header"><ul class="nav">{nav}</ul></div>
<div class="main"><div class="article">
{heading}
{time_line}
<div class="content"><p>{body}</p></div>
</div></div>
<div class="footer">{footer}<p>Copyright 示例新闻网 版权所有</p></div>
</body></html>""".encode()


def repeated_character(size: int, char: bytes = b"x") -> bytes:
    """What an endless body of one character leaves at the fetcher's cap."""
    return char * size


def binary_noise(size: int, seed: int = 13) -> bytes:
    return random.Random(seed).randbytes(size)


def repeated_phrase(times: int = 5000) -> bytes:
    return b"<html><body><div>" + b"lorem ipsum dolor " * times + b"</div></body></html>"


def capped_markup(size: int) -> bytes:
    """Markup with no text at all, cut mid-tag: a capped body with no article structure."""
    unit = b'<div class="w"><span class="x"></span><img src="/p.gif"></div>\n'
    return (b"<html><head><title></title></head><body>" + unit * (size // len(unit) + 1))[:size]


#: Pages a site serves with ``200 OK`` where a story is not: (title, heading, text).
ERROR_PAGES: tuple[tuple[str, str, str], ...] = (
    ("404 Not Found", "404 Not Found", "抱歉，您访问的页面不存在或已被删除。请返回首页。"),
    ("页面不存在_示例新闻网", "页面不存在", "您要查看的文章已被删除或已下线，3秒后返回首页。"),
    ("示例新闻网", "示例新闻网", "对不起，您所访问的页面找不到了，请检查网址是否正确。"),
    ("Page not found | Example News", "Oops!", "The page you requested could not be found."),
    ("用户登录_示例新闻网", "会员登录", "登录后查看全文。用户名 密码 忘记密码 立即注册"),
)


def error_page(number: int) -> bytes:
    """A soft 404 or login wall with the portal's furniture around it (see ERROR_PAGES)."""
    title, heading, text = ERROR_PAGES[number % len(ERROR_PAGES)]
    nav = "".join(
        f'<li><a href="/channel/{i}/">{name}</a></li>'
        for i, name in enumerate(["首页", "要闻", "财经", "科技", "体育", "娱乐"])
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="header"><ul class="nav">{nav}</ul></div>
<div class="main"><h1>{heading}</h1><div class="content"><p>{text}</p></div>
<p><a href="/">返回首页</a></p></div>
<div class="footer"><p>Copyright 示例新闻网 版权所有</p></div>
</body></html>""".encode()
