"""Pages that say the story is not there: a "soft 404", a removed story, a login wall.

Many sites answer ``200 OK`` for a story that was deleted or never existed, with a page that
says so ("抱歉，您访问的页面不存在", "404 Not Found"), or put a login form where the story
was. On a URL the site's ``article_patterns`` call an article, such a page has a headline and
a line of body text, which is all a short story needs (:mod:`page_type`): it would be
published as an article titled "404 Not Found".

The page says what it is, in its title or its first line, in a few fixed phrases. Only a
short page is judged (a story long enough to stand on its length alone may well quote
"404" or "登录"), and only by phrases that name the page itself, not words a headline uses
("错误" alone, "登陆" for a landing), so a real flash story is not mistaken for one.

Pure: :func:`error_page_reason` sees the title and the body's text, nothing else.
"""

from __future__ import annotations

import re

from newswire.parser.extract.zh_script import compile_zh

#: How much of the body's start is read: an error page says so in its first line or two.
_LEAD_CHARS = 200

#: Phrases that name a missing, removed or refused page (matched case-insensitively).
_NOT_THERE = compile_zh(
    "|".join(
        [
            # An HTTP error code heading the title or the text with an error's words after
            # it, or alone ("500 jobs cut" is a headline), or named as one.
            r"^\s*(?:error\s*|http\s*)?(?:400|401|403|404|410|500|502|503)\s*[-:|–—_]?\s*"
            r"(?:$|not\s+found|error|forbidden|gone|unauthori[sz]ed|bad\s+request"
            r"|internal\s+server|service\s+unavailable|页面|网页|错误|出错|禁止|找不到)",
            r"\b(?:error|http|错误|错误代码)\s*[:：]?\s*(?:400|401|403|404|410|500|502|503)\b",
            r"\bpage\s+not\s+found\b",
            r"^\s*not\s+found\b",
            r"\b(?:page|article|story|content)\s+(?:is\s+)?(?:no\s+longer\s+available"
            r"|(?:does\s+not|doesn't)\s+exist|(?:has\s+been|was)\s+(?:removed|deleted))",
            r"\b(?:page|article|story)\b[^.!?\n]{0,40}\b(?:could\s+not|cannot|can't|couldn't)"
            r"\s+be\s+found",
            r"\baccess\s+denied\b",
            # 页面/文章/内容... 不存在, 已删除, 已下线, 未找到, 找不到 (with what may come
            # between: "您访问的页面已经不存在").
            r"(?:页面|网页|文章|内容|新闻|稿件|信息|资源)(?:已经|已|暂时|可能)?"
            r"(?:不存在|已?被?删除|已?下线|已?过期|未找到|找不到|无法(?:找到|显示))",
            r"(?:抱歉|对不起)[，,！!\s]*(?:您|你)?(?:所)?(?:访问|查找|请求|浏览)的",
            r"^\s*(?:请先?登录|用户登录|会员登录|登录|sign\s+in|log\s*in)\s*(?:$|[-_|–—:：])",
            r"(?:登录|登入)后(?:查看|阅读|浏览)",
            r"^\s*(?:访问受限|无权访问|禁止访问|拒绝访问)",
        ]
    ),
    re.IGNORECASE | re.MULTILINE,
)


def error_page_reason(title: str | None, text: str, *, short: bool) -> str | None:
    """Why the page is an error or login page rather than a story (one line), or None.

    ``short``: the body is below the length that makes a page an article on its own."""
    if not short:
        return None
    for where, value in (("title", title or ""), ("text", text[:_LEAD_CHARS])):
        found = _NOT_THERE.search(value)
        if found:
            return f"an error or login page: its {where} says {found.group(0).strip()!r}"
    return None
