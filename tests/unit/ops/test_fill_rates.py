"""Fill rates per site and the drop that signals a layout change (pure logic, no broker)."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from newswire.admin.model import DeadLetterInfo, SearchInfo, Status, Thresholds, find_problems
from newswire.admin.render import render_sites
from newswire.parser.fill_rates import (
    DROP,
    FIELDS,
    RECENT,
    Sample,
    SiteWindows,
    filled_fields,
    site_fill,
)
from newswire.records import Article

NOW = datetime(2025, 3, 12, 0, 50, tzinfo=UTC)
ALL = frozenset(FIELDS)


def samples(n: int, filled: frozenset[str], start: int = 0) -> list[Sample]:
    return [Sample((f"a{i}", 1), filled) for i in range(start, start + n)]


def test_filled_fields_needs_a_body_of_normal_length() -> None:
    article = Article(
        id="x",
        url="https://s.example/a",
        canonical_url="https://s.example/a",
        title="T",
        published_at=NOW,
        authors=["A"],
        editor="E",
        text="short",
    )
    assert filled_fields(article) == ["title", "published_at", "authors", "editor"]
    article.text = "x" * 200
    article.source = "S"
    assert filled_fields(article) == list(FIELDS)


def test_rates_are_over_the_newest_window_articles() -> None:
    # 100 old articles without an editor, then 200 with: the window of 200 sees only those.
    window = samples(100, ALL - {"editor"}) + samples(200, ALL, start=100)
    fill = site_fill("s", window, window=200)
    assert fill.articles == 200
    assert fill.rate("editor") == 1.0
    half = site_fill("s", samples(50, ALL - {"editor"}) + samples(50, ALL, 50), window=200)
    assert half.articles == 100 and half.rate("editor") == 0.5


def test_a_sharp_drop_against_the_sites_own_history_is_flagged() -> None:
    # 0.96 of 200 articles had an editor; then the newest 25 have it 0.2 of the time.
    history = samples(192, ALL) + samples(8, ALL - {"editor"}, start=192)
    recent = samples(5, ALL, start=200) + samples(20, ALL - {"editor"}, start=205)
    fill = site_fill("s", history + recent, window=200)
    [editor] = fill.dropped
    assert editor.field == "editor"
    assert editor.history_rate == 0.96 and editor.recent_rate == 0.2
    # Other fields are as before: not flagged.
    assert [f.field for f in fill.dropped] == ["editor"]


def test_a_field_the_site_never_had_is_not_a_drop() -> None:
    # English sites print no editor: rate 0 always, never flagged.
    window = samples(300, ALL - {"editor"})
    fill = site_fill("s", window[-225:], window=200)
    assert fill.rate("editor") == 0.0
    assert fill.dropped == ()


def test_small_dips_and_short_histories_are_not_flagged() -> None:
    # A dip smaller than DROP (0.9 -> 0.6) is noise, not a layout change.
    history = samples(180, ALL) + samples(20, ALL - {"source"}, 180)
    recent = samples(15, ALL, 200) + samples(10, ALL - {"source"}, 215)
    assert DROP > 0.9 - 15 / 25
    assert site_fill("s", history + recent, window=200).dropped == ()
    # Too little history to compare: rates shown, nothing flagged.
    few = samples(10, ALL) + samples(RECENT, frozenset(), 10)
    fill = site_fill("s", few, window=200)
    assert fill.rate("title") == 10 / 35
    assert fill.dropped == () and fill.fields[0].history_rate is None


def test_windows_keep_window_plus_recent_per_site_and_ignore_replays() -> None:
    windows = SiteWindows(window=200)
    for sample in samples(500, ALL):
        windows.add("a", sample)
    for sample in samples(3, frozenset()):
        windows.add("b", sample)
        windows.add("b", sample)  # the same fetch replayed after a crash
    a, b = windows.report()
    assert (a.site, a.articles) == ("a", 200)
    assert (b.site, b.articles) == ("b", 3)
    # A sample that fell out of the window may come back (a re-read): it counts again.
    windows.add("a", Sample(("a0", 1), frozenset()))
    assert windows.report(["a"])[0].rate("title") == 199 / 200


def test_status_names_the_dropped_field_and_draws_it() -> None:
    history = samples(200, ALL)
    recent = samples(RECENT, ALL - {"published_at"}, 200)
    fill = site_fill("news.example", history + recent, window=200)
    status = Status(
        generated_at=NOW,
        topic_prefix="",
        topics=(),
        groups=(),
        dead_letters=DeadLetterInfo("deadletters", 0, 0, 0, ()),
        search=SearchInfo("opensearch", "http://x", True, health="green", indices=("i",)),
        sites=(fill,),
    )
    [problem] = find_problems(status, Thresholds())
    assert "news.example" in problem and "published_at" in problem
    assert "0% of the newest" in problem and "100% before" in problem
    data = status.to_json()["sites"]
    assert data[0]["dropped"] == ["published_at"]
    assert data[0]["rates"]["published_at"] == 175 / 200

    console = Console(width=200, record=True, color_system=None)
    console.print(render_sites(status.sites))
    screen = console.export_text()
    assert "news.example" in screen
    assert "0.88 (1.00->0.00)" in screen
