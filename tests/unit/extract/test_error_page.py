"""Soft 404s and login walls told from short stories by what they say (pure)."""

from __future__ import annotations

import pytest

from newswire.parser.extract.error_page import error_page_reason
from tests import hostile_pages

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("404 Not Found", "抱歉，您访问的页面不存在"),
        ("Error 404", "Sorry."),
        ("示例新闻网", "抱歉，您访问的页面不存在或已被删除。"),
        ("页面不存在_示例新闻网", ""),
        ("文章已被删除", "3秒后返回首页"),
        ("Page not found | Example", "Try the search."),
        ("Example News", "This article is no longer available."),
        ("用户登录 - 示例", "用户名 密码"),
        ("Login", "Please log in to continue."),
        ("示例", "登录后查看全文"),
        ("403 Forbidden", "nginx"),
    ],
)
def test_error_and_login_pages_are_named(title: str, text: str) -> None:
    assert error_page_reason(title, text, short=True) is not None


@pytest.mark.parametrize(
    ("title", "text"),
    [
        *hostile_pages.FLASH_NEWS,
        ("500 jobs cut at the Ford plant", "The company said on Monday it would cut 500 jobs."),
        ("404名学生获奖学金", "今日，我市404名学生获得奖学金。"),
        ("神舟飞船成功登陆", "今日返回舱成功着陆。"),
        ("某官员承认错误并道歉", "今日，该官员公开道歉。"),
        ("网页无法访问怎么办", "近日不少网友反映……"),
        ("Log in to see the scores of the night", "The league's site..."),
    ],
)
def test_short_stories_are_not(title: str, text: str) -> None:
    assert error_page_reason(title, text, short=True) is None


def test_a_long_page_is_never_judged_by_its_phrases() -> None:
    # A story long enough to stand on its length may quote an error page.
    assert error_page_reason("404 Not Found: the web's lost pages", "…", short=False) is None
