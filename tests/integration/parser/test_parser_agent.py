"""The parser agent on the real broker: seed page in, article out; poison out; no loss on crash."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswire.parser.extract.version import EXTRACTOR_VERSION, fetched_ms_of
from newswire.records import Article, CrawlRequest, DeadLetter, RawPage
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import url_id
from tests.support import ServiceProcess, TopicReader, consume, produce

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "extract"
SEED_URL = "https://news.example.cn/2025/03/12/ARTI1741711800.shtml"

SITES_YAML = """
sites:
  - name: example-portal
    hosts: [news.example.cn]
    lang: zh
    start_urls: [https://news.example.cn/]
    article_patterns: ['/\\d{4}/\\d{2}/\\d{2}/ARTI\\w+\\.shtml$']
  - name: synthetic
    hosts: [synthetic.example.com]
    start_urls: [https://synthetic.example.com/]
"""


@pytest.fixture(scope="module")
def parser_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    sites = tmp_path_factory.mktemp("sites") / "sites.yaml"
    sites.write_text(SITES_YAML)
    return settings.model_copy(update={"seeds_file": sites})


def raw_page(url: str, body: bytes, site: str = "example-portal") -> RawPage:
    return RawPage(
        url_id=url_id(url),
        requested_url=url,
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        content_type="text/html",
        body=body,
        # The seed page was saved in June 2025 (its story list is dated up to 2025-06-15);
        # the extractor rightly ignores dates after the fetch time.
        fetched_at=datetime(2025, 6, 16, 8, 0, tzinfo=UTC),
        site=site,
    )


async def test_seed_page_becomes_an_article_with_every_field(
    parser_settings: Settings, tmp_path: Path
) -> None:
    page = raw_page(SEED_URL, (FIXTURES / "seed_cms.html").read_bytes())
    raw_topic = topic_name(Topic.PAGES_RAW, parser_settings)
    await produce(parser_settings, raw_topic, [(page.url_id.encode(), page.to_bytes())])

    with ServiceProcess(parser_settings, "parser", log_path=tmp_path / "parser.log") as worker:
        records = await consume(
            parser_settings,
            topic_name(Topic.ARTICLES, parser_settings),
            until=1,
            alive=worker.process,
        )
        assert records, "no article within the timeout:\n" + worker.log_tail()
        requests = await consume(
            parser_settings,
            topic_name(Topic.CRAWL_REQUESTS, parser_settings),
            until=1,
            timeout=30,
        )

    article = Article.from_bytes(records[0].value)
    assert records[0].key == article.id.encode()
    assert article.title == "法国组织召开军方首脑会议 30余国讨论向乌派兵"
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2025-03-12T00:50:00+08:00"
    assert article.authors == ["马瑾瑾"]
    assert article.editor == "王婷婷"
    assert "实时讯息" in article.section
    assert article.views == 0
    assert [image.caption for image in article.images] == [
        "法国总统马克龙出席会议并欢迎各国军方代表"
    ]
    assert article.headings == [
        "美国未获邀参会 法国官员:欧洲想证明自己能力",
        "俄方:北约在乌克兰驻军不可接受",
    ]
    assert [link.title for link in article.related] == [
        "美官员:美国欢迎欧洲在对乌安全保障方面“挺身而出”",
        "斯塔默表态必要时向乌派兵 分析称英国欲借乌克兰危机重塑大国地位",
        "德总理:向乌派兵为时尚早 但不会让乌孤立无援",
    ]
    stories = [o for o in article.outlinks if o.published_at is not None]
    assert len(stories) == 8
    assert stories[0].title == "现场直击|“不要国王”抗议在美国多地举行"
    assert article.text.startswith("当地时间3月11日下午")
    assert "责任编辑" not in article.text and "版权所有" not in article.text
    assert fetched_ms_of(article.version) == int(page.fetched_at.timestamp() * 1000)
    assert article.extractor_version == EXTRACTOR_VERSION
    # The related stories follow the site's article pattern, so they go back to the fetcher.
    followed = {CrawlRequest.from_bytes(r.value).url for r in requests}
    assert followed & {link.url for link in article.related}


async def test_poison_records_go_to_dead_letters_and_the_stream_goes_on(
    parser_settings: Settings, tmp_path: Path
) -> None:
    settings = parser_settings.model_copy(
        update={"topic_prefix": parser_settings.topic_prefix + "p."}
    )
    from newswire.broker import create_topics

    await create_topics(settings)
    good = raw_page("https://synthetic.example.com/after-poison.html", synthetic_html(1))
    current = b'"schema_version":%d' % RawPage.SCHEMA_VERSION
    unknown_version = good.to_bytes().replace(current, b'"schema_version":99', 1)
    assert unknown_version != good.to_bytes()
    await produce(
        settings,
        topic_name(Topic.PAGES_RAW, settings),
        [
            (b"poison", b"\x00\xffnot json at all"),
            (b"future", unknown_version),
            (good.url_id.encode(), good.to_bytes()),
        ],
    )
    with ServiceProcess(settings, "parser", log_path=tmp_path / "parser.log") as worker:
        articles = await consume(
            settings, topic_name(Topic.ARTICLES, settings), until=1, alive=worker.process
        )
        letters = await consume(
            settings, topic_name(Topic.DEAD_LETTERS, settings), until=2, timeout=30
        )
        assert articles, worker.log_tail()

    assert Article.from_bytes(articles[0].value).url == good.final_url
    decoded = sorted((DeadLetter.from_bytes(m.value) for m in letters), key=lambda d: d.reason)
    assert [d.reason for d in decoded] == ["undecodable", "unknown_schema_version"]
    assert all(d.stage == "parse" for d in decoded)
    assert decoded[0].payload == b"\x00\xffnot json at all"
    assert decoded[1].payload == unknown_version
    assert {d.origin_offset for d in decoded} == {0, 1} or all(
        d.origin_offset is not None for d in decoded
    )
    assert all(d.origin_topic == topic_name(Topic.PAGES_RAW, settings) for d in decoded)


def synthetic_html(i: int) -> bytes:
    paragraphs = "".join(
        f"<p>Story {i} paragraph {p}: the council met on Tuesday and agreed, after a long "
        f"debate about budgets, transport and schools, to publish its plan number {i * 7 + p}.</p>"
        for p in range(5)
    )
    return (
        f"<html><head><title>Synthetic story {i} - Example</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>Synthetic story {i}</h1>"
        f"<time datetime='2025-03-{1 + i % 28:02d}T08:00:00Z'>March</time>{paragraphs}</article>"
        f"<footer>Copyright Example</footer></body></html>"
    ).encode()


async def test_sigkill_twice_loses_no_article(parser_settings: Settings, tmp_path: Path) -> None:
    settings = parser_settings.model_copy(
        update={"topic_prefix": parser_settings.topic_prefix + "k.", "extract_workers": 1}
    )
    from newswire.broker import create_topics

    await create_topics(settings)
    total = 2000
    pages = [
        raw_page(
            f"https://synthetic.example.com/story/{i}.html", synthetic_html(i), site="synthetic"
        )
        for i in range(total)
    ]
    await produce(
        settings,
        topic_name(Topic.PAGES_RAW, settings),
        [(p.url_id.encode(), p.to_bytes()) for p in pages],
    )
    expected = {url_id(p.final_url) for p in pages}
    seen: set[str] = set()
    log = tmp_path / "parser.log"

    async with TopicReader(settings, topic_name(Topic.ARTICLES, settings)) as reader:

        async def wait_for(count: int, worker: ServiceProcess, timeout: float = 240) -> None:
            deadline = time.monotonic() + timeout
            while len(seen) < count and time.monotonic() < deadline:
                assert worker.process is not None
                assert worker.process.poll() is None, worker.log_tail()
                seen.update(Article.from_bytes(m.value).id for m in await reader.read())

        worker = ServiceProcess(settings, "parser", log_path=log).start()
        try:
            await wait_for(300, worker)
            assert worker.process is not None
            pool = children_of(worker.process.pid)
            assert pool, "the parser runs its extractor in a pool process"
            worker.kill()
            worker = ServiceProcess(settings, "parser", log_path=log).start()
            await wait_for(1200, worker)
            worker.kill()
            worker = ServiceProcess(settings, "parser", log_path=log).start()
            await wait_for(total, worker, timeout=400)
        finally:
            worker.stop()
    missing = expected - seen
    assert not missing, f"{len(missing)} articles missing after two SIGKILLs"
    assert seen == expected
    # The first killed parser's extractor processes did not outlive it.
    assert not [pid for pid in pool if running(pid)], "orphaned pool processes"


def children_of(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's bookkeeping is left
