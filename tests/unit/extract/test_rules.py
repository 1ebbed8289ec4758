"""Per-site rules: validated on load, and each selector overrides its field."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from newswire.parser.extract import ExtractionRules, extract

pytestmark = pytest.mark.unit

PAGE = """<html><head><title>站点首页</title></head><body>
<div class="hd"><span class="t">真正的标题在这里</span><em class="when">2025/03/12 08:30</em>
<span class="who">张三</span><span class="ed">李四</span><span class="from">某某日报</span></div>
<div class="ad">广告：买一送一，限时优惠，欢迎选购我们的产品，机会难得。</div>
<div id="story"><p>这是正文第一段，内容足够长，带有标点符号，能够被识别为正文内容。</p>
<div class="ad">广告：另一段很长很长的广告文字，也带有标点符号，看起来像正文。</div>
<p>这是正文第二段，同样足够长，也带有标点符号，能够被识别为正文内容。</p></div>
<div class="other"><p>其他栏目里有一段很长很长很长的文字，带有标点，密度很高，
很像正文，很像正文，很像正文，很像正文，很像正文，很像正文。</p></div>
</body></html>""".encode()


def test_rules_override_fields():
    rules = ExtractionRules(
        timezone="Asia/Tokyo",
        title="span.t",
        content="#story",
        published_at="//em[@class='when']",
        authors=".who",
        editor=".ed",
        source="//span[@class='from']/text()",
        remove=[".ad"],
    )
    article = extract(PAGE, "https://example.cn/news/1.html", rules=rules).article
    assert article is not None
    assert article.title == "真正的标题在这里"
    assert article.extractor == "rules"
    assert article.text == (
        "这是正文第一段，内容足够长，带有标点符号，能够被识别为正文内容。\n\n"
        "这是正文第二段，同样足够长，也带有标点符号，能够被识别为正文内容。"
    )
    assert article.published_at == datetime(2025, 3, 12, 8, 30, tzinfo=timezone(timedelta(hours=9)))
    assert article.authors == ["张三"]
    assert article.editor == "李四"
    assert article.source == "某某日报"


def test_rules_timezone_applies_to_visible_dates():
    page = PAGE.replace(b"2025/03/12 08:30", "发布时间：2025-03-12 08:30".encode())
    article = extract(
        page, "https://example.cn/n/1.html", rules=ExtractionRules(timezone="UTC")
    ).article
    assert article is not None
    assert article.published_at is not None
    assert article.published_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "bad",
    [
        {"timezone": "Mars/Olympus"},
        {"title": "div[["},
        {"content": "//div[@class='x'"},
        {"remove": ["p", "::bogus("]},
        {"page_type": "video"},
        {"unknown_field": "x"},
    ],
)
def test_invalid_rules_fail_on_load(bad):
    with pytest.raises(ValidationError):
        ExtractionRules.model_validate(bad)


def test_rules_from_yaml_mapping():
    import yaml

    data = yaml.safe_load(
        """
        extract:
          timezone: Asia/Shanghai
          title: "h1.article-title"
          remove: [".share", "//div[@id='comments']"]
        """
    )
    rules = ExtractionRules.model_validate(data["extract"])
    assert rules.title == "h1.article-title"
    assert rules.remove == [".share", "//div[@id='comments']"]


def test_selector_that_matches_nothing_falls_back():
    rules = ExtractionRules(title="h1.nope", content="#nope")
    article = extract(PAGE, "https://example.cn/news/1.html", rules=rules).article
    assert article is not None
    assert article.extractor == "density"
    assert article.title


def test_selected_elements_lose_their_labels():
    # A site rule usually selects the whole line, label included; the value is what counts.
    page = (
        "<html><body><h1>标题</h1><div id='c'><p>这是正文第一段，内容足够长，带有标点符号，"
        "能够被识别为正文内容。</p></div><div class='author'>记者 张三</div>"
        "<div class='ed'>责任编辑:王婷婷</div><div class='src'>来源:新华社</div></body></html>"
    ).encode()
    rules = ExtractionRules(content="#c", authors=".author", editor=".ed", source=".src")
    article = extract(page, "https://example.cn/news/2.html", rules=rules).article
    assert article is not None
    assert article.editor == "王婷婷"
    assert article.source == "新华社"
    assert article.authors == ["张三"]
