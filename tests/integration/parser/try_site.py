"""A small news site on loopback for `newswire try` (aiohttp, in the test's loop).

One article page whose fields each come from a different kind of evidence: the headline and
date from JSON-LD (structured data), the editor and the reporter from labelled text, and the
source from the site's own `extract:` rule. Its links cover every outcome of discovery: an
article and a list page the site's patterns accept, a page no pattern matches, another site.
robots.txt disallows /private/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

ROBOTS = "User-agent: *\nDisallow: /private/\n"

BODY = "".join(
    f"<p>第{k}部分：当地时间3月11日下午，三十多个国家的军方首脑在巴黎召开会议，讨论停火之后的"
    f"安全保障安排。与会代表就部队组建、后勤保障和指挥体系等问题交换了第{k}轮意见。</p>"
    for k in range(1, 5)
)

ARTICLE = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>多国军方首脑巴黎开会_本地新闻网</title>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle",
  "headline": "多国军方首脑巴黎开会", "datePublished": "2025-03-12T00:50:00+08:00"}}
</script></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/section/world/">国际</a></div>
<div class="article">
  <h1>多国军方首脑巴黎开会</h1>
  <div class="meta"><span class="origin">来源：新华社</span></div>
  <div class="content">{BODY}<p>（记者 李华）</p></div>
  <p class="editor">责任编辑：王小明</p>
</div>
<div class="related"><h3>相关新闻</h3><ul>
  <li><a href="/news/2.html">法国总统马克龙欢迎各国军方代表出席会议</a></li>
  <li><a href="/news/3.html">英国首相表示必要时将向乌克兰派兵</a></li>
  <li><a href="/about.html">关于本站和联系方式的说明页面</a></li>
  <li><a href="https://elsewhere.example/news/9.html">其他网站关于这次会议的报道</a></li>
</ul></div>
</body></html>
"""


def sites_yaml(base: str) -> str:
    host = base.split("://", 1)[1].rstrip("/")
    escaped = base.replace(".", r"\.")
    return f"""
sites:
  - name: local-news
    hosts: ["{host}"]
    lang: zh
    start_urls: ["{base}/"]
    article_patterns: ['^{escaped}/news/\\d+\\.html$']
    list_patterns: ['^{escaped}/section/[a-z]+/$']
    extract:
      source: "span.origin"
"""


@dataclass
class TrySite:
    port: int = 0
    paths: list[str] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> TrySite:
        async def serve(request: web.Request) -> web.Response:
            self.paths.append(request.path)
            if request.path == "/robots.txt":
                return web.Response(text=ROBOTS)
            if request.path.startswith("/news/") or request.path.startswith("/private/"):
                return web.Response(
                    body=ARTICLE.encode(), content_type="text/html", charset="utf-8"
                )
            raise web.HTTPNotFound()

        app = web.Application()
        app.router.add_get("/{tail:.*}", serve)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
