"""Fill rates on the real broker: the parser publishes one fill sample per article; a site whose
editor line disappears is flagged by `newswire status` (JSON and screen) and by the parser's
`newswire_site_fill_dropped` metric, while a steady site is not."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswire.records import FillSample, RawPage
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import url_id
from tests.integration.ops.opsutil import newswire_json, read_all
from tests.support import ServiceProcess, free_port, produce, settings_env

WINDOW = 40
GOOD = 60  # articles of the changing site before its layout change
BROKEN = 25  # articles after it: no editor line any more
STEADY = 30


def page_html(i: int, *, editor: bool) -> bytes:
    credit = "<p>责任编辑：王小明</p>" if editor else ""
    body = "".join(
        f"<p>第{i}号新闻的第{k}段正文。记者在现场看到，当地居民正在有序参加活动，"
        "各项工作进展顺利，相关部门表示将继续做好服务保障工作。</p>"
        for k in range(5)
    )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>测试新闻第{i}号标题_新闻中心</title></head>
<body><div class="header"><a href="/">首页</a></div>
<div class="article"><h1>测试新闻第{i}号标题</h1>
<div class="info"><span>2025-03-12 08:{i % 60:02d}:00</span> <span>来源：新华社</span></div>
<div class="content">{body}</div><p>（记者 李华）</p>{credit}</div></body></html>""".encode()


def raw_page(site: str, i: int, *, editor: bool) -> tuple[bytes, bytes]:
    url = f"https://{site}.example.cn/2025/03/12/{i}.html"
    page = RawPage(
        url_id=url_id(url),
        requested_url=url,
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        content_type="text/html",
        body=page_html(i, editor=editor),
        fetched_at=datetime.now(UTC),
        site=site,
    )
    return page.url_id.encode(), page.to_bytes()


async def wait_for_samples(settings: Settings, count: int, worker: ServiceProcess) -> list:
    name = topic_name(Topic.ARTICLE_FILL, settings)
    deadline = time.monotonic() + 300
    while True:
        records = await read_all(settings, name)
        if len(records) >= count:
            return records
        assert worker.process is not None and worker.process.poll() is None, worker.log_tail()
        assert time.monotonic() < deadline, f"{len(records)} samples:\n" + worker.log_tail()
        await asyncio.sleep(1)


@pytest.fixture(scope="module")
def fill_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"fill_window": WINDOW, "metrics_port": free_port()})


async def test_a_sites_dropped_field_is_flagged_in_status_and_metrics(
    fill_settings: Settings, tmp_path: Path
) -> None:
    settings = fill_settings
    pages = topic_name(Topic.PAGES_RAW, settings)
    before = [raw_page("changing", i, editor=True) for i in range(GOOD)]
    before += [raw_page("steady", i, editor=True) for i in range(STEADY)]
    await produce(settings, pages, before)

    with ServiceProcess(settings, "parser", log_path=tmp_path / "parser.log") as worker:
        # The layout change comes after everything before it was parsed: the fill topic's
        # order is the order articles were made in, across all of pages.raw's partitions.
        await wait_for_samples(settings, GOOD + STEADY, worker)
        after = [raw_page("changing", GOOD + i, editor=False) for i in range(BROKEN)]
        await produce(settings, pages, after)
        records = await wait_for_samples(settings, GOOD + STEADY + BROKEN, worker)

        samples = [FillSample.from_bytes(r.value) for r in records]
        assert {r.key for r in records} == {b"changing", b"steady"}
        assert sum("editor" not in s.filled for s in samples) == BROKEN

        # The parser's metrics endpoint: every site and field, the drop flagged.
        url = f"http://127.0.0.1:{settings.metrics_port}/metrics"
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    body = response.read().decode()
                if "newswire_site_fill_dropped{" in body:
                    break
            except OSError:
                pass
            await asyncio.sleep(1)
        dropped = dict(
            re.findall(r'newswire_site_fill_dropped\{field="(\w+)",site="changing"\} (\S+)', body)
        )
        assert dropped["editor"] == "1.0", body
        assert {f for f, v in dropped.items() if v != "0.0"} == {"editor"}
        assert re.search(r'newswire_site_fill_dropped\{field="editor",site="steady"\} 0\.0', body)
        assert re.search(r'newswire_site_fill_rate\{field="title",site="steady"\} 1\.0', body)
        rate = re.search(r'newswire_site_fill_rate\{field="editor",site="changing"\} (\S+)', body)
        assert rate and float(rate.group(1)) == pytest.approx((WINDOW - BROKEN) / WINDOW)
        assert re.search(r'newswire_site_fill_articles\{site="changing"\} 40\.0', body)

    # `newswire status --json`: the rates, the drop, and a problem naming it.
    data = newswire_json(settings, "status")
    sites = {s["site"]: s for s in data["sites"]}
    changing, steady = sites["changing"], sites["steady"]
    assert changing["articles"] == WINDOW and steady["articles"] == STEADY
    assert changing["dropped"] == ["editor"] and steady["dropped"] == []
    assert changing["rates"]["editor"] == round((WINDOW - BROKEN) / WINDOW, 3)
    assert changing["rates"]["title"] == 1.0 and changing["rates"]["source"] == 1.0
    assert steady["rates"] == {f: 1.0 for f in steady["rates"]}
    [editor] = [f for f in changing["fields"] if f["field"] == "editor"]
    assert editor["history_rate"] == 1.0 and editor["recent_rate"] == 0.0
    assert any("changing" in p and "editor" in p for p in data["problems"])
    assert not data["healthy"]

    # The screen (`newswire status --sites`) draws the same table.
    screen = subprocess.run(
        [sys.executable, "-m", "newswire", "status", "--sites"],
        env={**settings_env(settings), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert screen.returncode == 0, screen.stderr
    assert "Fill rates" in screen.stdout
    cells = {
        row[0]: row[1:]
        for line in screen.stdout.splitlines()
        if (row := [c.strip() for c in line.strip("│ ").split("│")])[0] in ("changing", "steady")
    }
    assert cells["changing"] == ["40", "1.00", "1.00", "1.00", "0.38 (1.00->0.00)", "1.00", "1.00"]
    assert cells["steady"] == ["30"] + ["1.00"] * 6
