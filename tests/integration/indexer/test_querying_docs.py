"""Every example in docs/querying.md runs against the real engine and returns what it says.

The examples are read from the document itself (``json`` blocks starting with GET/POST, each
followed by an ``<!-- expect ... -->`` comment), so the doc and this test cannot drift. The
sample articles are indexed through the indexer's own code path (documents + bulk writer).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from newswire.indexer.bulk_writer import BulkWriter
from newswire.indexer.documents import INDEXED_FIELDS, index_action
from newswire.indexer.index_design import MAPPINGS, ensure_index
from newswire.records import Article, Image, utcnow
from newswire.search import SearchClient, connect
from newswire.settings import Settings

DOC = Path(__file__).resolve().parents[3] / "docs" / "querying.md"
CST = timezone(timedelta(hours=8))

SAMPLES = [
    Article(
        id="zh-macron",
        url="https://www.chinanews.com.cn/gj/2025/03-12/1.shtml",
        canonical_url="https://www.chinanews.com.cn/gj/2025/03-12/1.shtml",
        site="chinanews",
        lang="zh",
        title="马克龙召开欧洲国家军方首脑会议",
        section=["国际新闻", "实时讯息"],
        published_at=datetime(2025, 3, 12, 0, 50, tzinfo=CST),
        authors=["马瑾瑾"],
        editor="王婷婷",
        source="中国新闻网",
        text="法国总统马克龙11日在巴黎召开欧洲国家军方首脑会议，讨论乌克兰局势。",
        images=[Image(url="https://image.example/1.jpg", caption="会议现场")],
        version=1741712531000,
    ),
    Article(
        id="zh-weather",
        url="https://www.news.cn/2025-03/10/1.htm",
        canonical_url="https://www.news.cn/2025-03/10/1.htm",
        site="xinhua",
        lang="zh",
        title="上海发布春季天气预报",
        section=["地方"],
        published_at=datetime(2025, 3, 10, 8, 0, tzinfo=CST),
        authors=["李明"],
        editor="张伟",
        text="上海市气象局召开发布会，预计本周气温回升，会议指出需防范大风。",
        version=1741564800000,
    ),
    Article(
        id="en-defence",
        url="https://www.reuters.example/world/europe/1",
        canonical_url="https://www.reuters.example/world/europe/1",
        site="reuters",
        lang="en",
        title="European leaders meet on defence spending",
        section=["World", "Europe"],
        published_at=datetime(2025, 3, 11, 9, 0, tzinfo=UTC),
        authors=["Jane Smith"],
        text="Defence ministers were meeting in Brussels on Tuesday to agree on spending.",
        version=1741683600000,
    ),
    Article(
        id="en-markets",
        url="https://www.bbc.example/news/business-1",
        canonical_url="https://www.bbc.example/news/business-1",
        site="bbc",
        lang="en",
        title="Markets rally as inflation cools",
        section=["Business"],
        published_at=datetime(2025, 3, 13, 8, 0, tzinfo=UTC),
        authors=["John Doe", "Jane Smith"],
        text="Shares rose on Thursday after figures showed inflation slowing for a third month.",
        version=1741852800000,
    ),
]


@dataclass
class Example:
    title: str
    method: str
    path: str
    body: dict
    expect: str


_BLOCK = re.compile(r"```json\n(.*?)```\n(<!--\s*expect(.*?)-->)?", re.S)


def examples(stories: bool = False) -> list[Example]:
    """The examples of the doc; those under "## Stories" (which need story samples, see
    tests/integration/stories/test_story_queries.py) only when ``stories``."""
    text = DOC.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        block = match.group(1)
        first, _, rest = block.partition("\n")
        if not re.match(r"(GET|POST) ", first):
            continue
        section = re.findall(r"^## (.+)$", text[: match.start()], re.M)[-1]
        if (section == "Stories") != stories:
            continue
        heading = re.findall(r"^#+ (.+)$", text[: match.start()], re.M)[-1]
        assert match.group(2), f"example under '{heading}' has no <!-- expect ... --> comment"
        method, path = first.split()
        found.append(Example(heading, method, path, orjson.loads(rest), match.group(3).strip()))
    return found


EXAMPLES = examples()


def test_the_doc_has_the_promised_examples() -> None:
    titles = {e.title for e in EXAMPLES}
    for needed in (
        "Chinese full text",
        "English full text",
        "By site",
        "By date range",
        "By author",
        "Newest first",
    ):
        assert needed in titles


def test_the_field_table_covers_the_mapping_and_the_sample_document_fits_it() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z_.]+)` \|", text, re.M))
    assert set(MAPPINGS["properties"]) <= table
    assert {f.split(".")[0] for f in table} <= set(MAPPINGS["properties"])
    sample = next(
        orjson.loads(m.group(1)) for m in _BLOCK.finditer(text) if m.group(1).startswith("{")
    )
    assert set(sample) <= set(INDEXED_FIELDS)


@pytest.fixture(scope="module")
async def sample_index(settings: Settings) -> AsyncIterator[tuple[SearchClient, Settings]]:
    client = await connect(settings)
    await ensure_index(client, settings)
    writer = BulkWriter(client, settings, require_alias=True)
    report = await writer.write([index_action(settings.index_alias, a, utcnow()) for a in SAMPLES])
    assert report.indexed == len(SAMPLES) and not report.rejected
    await client.refresh(settings.index_alias)
    yield client, settings
    await client.close()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.title}:{e.expect}")
async def test_example(example: Example, sample_index: tuple[SearchClient, Settings]) -> None:
    client, settings = sample_index
    path = example.path.lstrip("/").replace("newswire-articles", settings.index_alias, 1)
    result = await client.request(example.method, f"/{path}", body=example.body)

    kind, _, wanted = example.expect.partition(":")
    kind, wanted = kind.strip(), wanted.strip()
    if kind.startswith("aggregation"):
        name = kind.split()[1]
        buckets = result["aggregations"][name]["buckets"]
        got = {b["key"]: b["doc_count"] for b in buckets}
        expected = {k: int(v) for k, v in (p.split("=") for p in wanted.split(", "))}
        assert got == expected
        return
    ids = [hit["_id"] for hit in result["hits"]["hits"]]
    expected_ids = [i.strip() for i in wanted.split(",")]
    if kind == "in order":
        assert ids == expected_ids
    else:
        assert kind == "", f"unknown expectation {example.expect!r}"
        assert sorted(ids) == sorted(expected_ids)
