"""The story assignment: quality on the labelled set, normalisation, revisions, replay."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

import orjson
import pytest

from newswire.stories.batch import assign_lines
from newswire.stories.grouping import ArticleFacts, StoryIndex
from newswire.stories.shingles import normalise
from tests.fixtures.stories.labelled import articles

REPORT = (
    "国务院总理李强主持召开国务院常务会议，研究部署进一步扩大内需的政策措施。"
    "会议指出，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。"
    "会议强调，要加快推进重大项目建设，更好发挥政府投资的带动作用，"
    "同时加大对中小企业的金融支持力度，稳定和扩大就业。"
)
OTHER = (
    "江城地铁5号线今天上午正式开通试运营，线路全长38公里，共设车站24座。"
    "首班列车从北湖站发出，沿途经过老城区、高新区和机场片区，全程运行约62分钟。"
    "5号线采用全自动运行系统，列车可自动唤醒、自动出库、自动停靠和自动回库。"
)


def facts(key: str, text: str, **kw: object) -> ArticleFacts:
    fields = {"id": key, "version": 1, "content_hash": str(hash(text)), "text": text, **kw}
    return ArticleFacts.from_fields(fields)


def test_labelled_set_meets_the_goals() -> None:
    arts = articles()
    lines = [orjson.dumps(a.fields()) for a in arts]
    predicted = [orjson.loads(o)["story_id"] for o in assign_lines(lines)]
    tp = fp = fn = 0
    for (a, pa), (b, pb) in itertools.combinations(zip(arts, predicted, strict=True), 2):
        tp += pa == pb and a.label == b.label
        fp += pa == pb and a.label != b.label
        fn += pa != pb and a.label == b.label
    assert tp / (tp + fp) >= 0.98
    assert tp / (tp + fn) >= 0.9


def test_normalise_folds_width_case_and_traditional_characters() -> None:
    assert normalise("國務院ＡＢＣ１２３，") == "国务院abc123,"


def test_the_first_article_names_the_story_and_copies_join_it() -> None:
    index = StoryIndex()
    first = index.assign(facts("a", REPORT, site="x"), 0)
    traditional = "國務院總理李強主持召開國務院常務會議，研究部署進一步擴大內需的政策措施。"
    copy = traditional + REPORT[37:].replace("，", ",") + "（责任编辑：王晓明）"
    joined = index.assign(facts("b", copy, site="y"), 1)
    other = index.assign(facts("c", OTHER, site="y"), 2)
    assert first.story_id == joined.story_id == "a"
    assert other.story_id == "c"
    assert joined.story.articles == 2 and joined.story.sites == 2


def test_story_origin_is_the_earliest_publisher_and_the_most_credited_source() -> None:
    index = StoryIndex()
    t = lambda h: datetime(2026, 11, 2, h, tzinfo=UTC).isoformat()  # noqa: E731
    index.assign(facts("late", REPORT, site="portal", source="人民网", published_at=t(9)), 0)
    index.assign(facts("early", REPORT + "。", site="wire", source="新华社", published_at=t(8)), 1)
    last = index.assign(
        facts("x", REPORT + "！", site="p2", source="新华社", published_at=t(10)), 2
    )
    assert last.story_id == "late"  # the first to arrive names it...
    assert last.story.origin_article_id == "early"  # ...the first to publish broke it
    assert last.story.origin_site == "wire"
    assert (last.story.origin_source, last.story.origin_source_credits) == ("新华社", 2)


def test_a_revision_keeps_id_story_and_first_publication() -> None:
    index = StoryIndex()
    published = datetime(2026, 11, 2, 8, tzinfo=UTC).isoformat()
    first = index.assign(facts("a", REPORT, published_at=published), 0)
    revised = replace(
        facts("a", REPORT + "会议还研究了其他事项。", published_at="2026-11-02T12:00:00+00:00"),
        version=2,
    )
    again = index.assign(revised, 1)
    assert again.story_id == first.story_id == "a"
    assert again.revision == 1 and again.changed
    assert again.first_published_at == datetime.fromisoformat(published)
    duplicate = index.assign(revised, 2)
    assert duplicate.revision == 1 and not duplicate.changed
    assert duplicate.story.articles == 1


@pytest.mark.parametrize("cut", [10, 60, 120])
def test_restored_state_decides_exactly_as_the_original(cut: int) -> None:
    stream = [
        ArticleFacts.from_fields(orjson.loads(orjson.dumps(a.fields())), key=a.id)
        for a in articles()
    ]
    live = StoryIndex()
    before = [live.assign(f, seq).story_id for seq, f in enumerate(stream[:cut])]
    restored = StoryIndex()
    # Durable entries in another order than they were written: decisions must not care.
    restored.restore(reversed([live.record(f.key) for f in stream[:cut]]))
    rest = list(enumerate(stream[cut:], start=cut))
    assert [live.assign(f, s).story_id for s, f in rest] == [
        restored.assign(f, s).story_id for s, f in rest
    ]
    # and a replay of the already-recorded prefix answers what it answered the first time
    assert [restored.assign(f, seq).story_id for seq, f in enumerate(stream[:cut])] == before


def test_batch_writes_one_line_per_input_with_errors_reported() -> None:
    lines = [
        orjson.dumps({"id": 1, "article_id": "a", "text": REPORT, "version": 1}),
        b"not json",
        orjson.dumps({"id": 3, "error": "extract_error"}),
        orjson.dumps({"id": 4, "article_id": "b", "text": REPORT + "。", "version": 1}),
        orjson.dumps({"id": 5, "article_id": "a", "text": REPORT, "version": 2}),
    ]
    out = [orjson.loads(o) for o in assign_lines(lines)]
    assert [o["id"] for o in out] == [1, None, 3, 4, 5]
    assert [o["story_id"] for o in out] == [1, None, None, 1, 1]
    assert "error" in out[1] and "error" in out[2]
