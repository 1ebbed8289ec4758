"""A news site of many hosts on loopback, in its own process, that logs every request it serves.

    python tests/integration/cluster/chaos_site.py --hosts 50 --articles 100 --log requests.jsonl

Each host (a port of 127.0.0.1; newswire's host includes the port) has a robots.txt, a list page
``/`` linking its articles, and the articles ``/a/N.html``, each with text of its own. The site
prints its ports as one JSON line on stdout when it is ready, then serves until killed.

Every request is written to the log as it ends: ``{"port", "path", "start", "end"}`` in
``time.time()`` seconds. A short pause inside each request (``--hold``) makes a request a span
of time rather than an instant, so two requests in flight at once on one host show as
overlapping spans: the check of "one request per host at a time" the chaos test makes. It is a
separate process so that the test's own load cannot distort those times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import IO

from aiohttp import web

PARAGRAPH = (
    "第{host}号站点第{n}篇报道的第{p}段:各方代表在会议上讨论了地区安全、经济合作与人文交流等议题,"
    "并就下一步工作交换了意见。记者在现场看到,会场内外秩序井然。"
)


def article_html(host: int, n: int) -> bytes:
    paragraphs = "".join(f"<p>{PARAGRAPH.format(host=host, n=n, p=p)}</p>" for p in range(5))
    return (
        f"<html><head><meta charset='utf-8'><title>站点{host}新闻{n} - 测试网</title></head>"
        f"<body><div class='nav'><a href='/'>首页</a></div>"
        f"<h1>站点{host}新闻第{n}篇:会议讨论地区合作</h1>"
        f"<div class='info'>发布时间:2025-06-12 08:{n % 60:02d}:00 来源:测试网</div>"
        f"<div class='content'>{paragraphs}<p>(记者 王某某)</p></div>"
        f"<div class='editor'>责任编辑:李某</div></body></html>"
    ).encode()


def list_html(host: int, articles: int) -> bytes:
    links = "".join(
        f"<li><a href='/a/{n}.html'>站点{host}新闻第{n}篇:会议讨论地区合作</a></li>"
        for n in range(articles)
    )
    return (
        f"<html><head><meta charset='utf-8'><title>站点{host} 首页</title></head>"
        f"<body><h1>站点{host}</h1><ul>{links}</ul></body></html>"
    ).encode()


async def serve(hosts: int, articles: int, hold_s: float, log: IO[str]) -> None:
    def handler_for(index: int):  # type: ignore[no-untyped-def]
        async def handle(request: web.Request) -> web.Response:
            start = time.time()
            path = request.path
            await asyncio.sleep(hold_s)
            if path == "/robots.txt":
                response = web.Response(text="User-agent: *\nAllow: /\n")
            elif path == "/":
                response = web.Response(
                    body=list_html(index, articles), content_type="text/html", charset="utf-8"
                )
            elif path.startswith("/a/") and path.endswith(".html"):
                n = int(path[3:-5])
                if not 0 <= n < articles:
                    raise web.HTTPNotFound()
                response = web.Response(
                    body=article_html(index, n), content_type="text/html", charset="utf-8"
                )
            else:
                raise web.HTTPNotFound()
            port = request.transport.get_extra_info("sockname")[1] if request.transport else 0
            log.write(
                json.dumps({"port": port, "path": path, "start": start, "end": time.time()}) + "\n"
            )
            log.flush()
            return response

        return handle

    runners = []
    ports = []
    for index in range(hosts):
        app = web.Application()
        app.router.add_get("/{tail:.*}", handler_for(index))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
    print(json.dumps(ports), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        for runner in runners:
            await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--hold", type=float, default=0.02)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    with open(args.log, "a", encoding="utf-8") as log:
        asyncio.run(serve(args.hosts, args.articles, args.hold, log))


if __name__ == "__main__":
    sys.exit(main())
