"""Synthetic articles for the indexer's integration tests: varied, bilingual, versioned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswire.records import Article

BASE_MS = 1_741_711_800_000  # 2025-03-11T16:50:00Z
SITES = ("chinanews", "xinhua", "reuters", "bbc")


def article_id(n: int) -> str:
    return f"syn-{n:06d}"


def make_article(n: int, version: int = 1, **overrides: object) -> Article:
    """Article ``n`` at ``version`` (1, 2, ...); its index version is ``BASE_MS + version``."""
    zh = n % 2 == 0
    published = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(minutes=n)
    values: dict[str, object] = {
        "id": article_id(n),
        "url": f"https://news.example.test/{n}.html",
        "canonical_url": f"https://news.example.test/{n}.html",
        "site": SITES[n % len(SITES)],
        "lang": "zh" if zh else "en",
        "title": (f"第{n}号新闻 版本{version}" if zh else f"Story {n} version {version}"),
        "section": ["国际"] if zh else ["world"],
        "published_at": published,
        "fetched_at": published + timedelta(minutes=5),
        "authors": [f"作者{n % 7}" if zh else f"Author {n % 7}"],
        "text": (f"法国总统马克龙第{n}次出席会议。" if zh else f"The president met ministers, {n}.")
        * 20,
        "length": 400,
        "version": BASE_MS + version,
    }
    values.update(overrides)
    return Article(**values)  # type: ignore[arg-type]


def encoded(article: Article) -> tuple[bytes, bytes]:
    """(key, value) as the parser writes them to ``articles``."""
    return article.id.encode(), article.to_bytes()
