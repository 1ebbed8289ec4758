"""Story grouping: pair precision and recall, assignment time, memory of the story state.

* Quality: the labelled set of tests/fixtures/stories (our own Chinese and English reports,
  re-published the ways outlets do, with hard negatives) goes through the batch command's
  code (``newswire stories --jsonl``, the agent's logic) in its arrival order; every pair of
  articles counts: predicted same story vs labelled same story. A sweep of the verification
  thresholds around the chosen ones shows the margin on both sides.
* Time: median wall time of one assignment (shingling, signature, LSH look-up, verification)
  in one process, once the index holds ``--background`` other articles.
* Memory: resident memory of a StoryIndex restored from 1M synthetic members (random
  signatures: every band key distinct, the worst case), and the size of the durable entry
  per member (what the changelog topic and the faust table keep).

Run: ``.venv/bin/python bench/story_quality.py [--members 1000000] [--no-write]``.
"""

from __future__ import annotations

import argparse
import base64
import gc
import itertools
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _report  # noqa: E402
from newswire.stories.batch import assign_lines  # noqa: E402
from newswire.stories.grouping import ArticleFacts, StoryIndex, Thresholds  # noqa: E402
from newswire.stories.signature import BINS  # noqa: E402
from tests.fixtures.stories.labelled import LabelledArticle, articles  # noqa: E402


def pair_scores(arts: list[LabelledArticle], thresholds: Thresholds) -> dict[str, float]:
    lines = [orjson.dumps(a.fields()) for a in arts]
    predicted = [orjson.loads(o)["story_id"] for o in assign_lines(lines, StoryIndex(thresholds))]
    tp = fp = fn = 0
    for (a, pa), (b, pb) in itertools.combinations(zip(arts, predicted, strict=True), 2):
        same, truth = pa == pb, a.label == b.label
        tp += same and truth
        fp += same and not truth
        fn += truth and not same
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "pairs": (len(arts) * (len(arts) - 1)) // 2,
        "positive_pairs": tp + fn,
        "false_pairs": fp,
        "missed_pairs": fn,
    }


def verifier_scores(arts: list[LabelledArticle], thresholds: Thresholds) -> dict[str, float]:
    """The verification rule alone on every pair (no LSH, no joining through a third copy):
    how much margin the thresholds leave before the story-level grouping helps."""
    from newswire.stories.shingles import shingle_hashes
    from newswire.stories.signature import containment, jaccard, signature

    hashes = [shingle_hashes(a.text) for a in arts]
    sigs = np.stack([signature(h) for h in hashes])  # type: ignore[misc]
    sizes = np.array([h.size for h in hashes])
    labels = np.array([a.label for a in arts])
    tp = fp = fn = 0
    for i in range(len(arts) - 1):
        others = slice(i + 1, None)
        jac = jaccard(sigs[i], sigs[others])
        con = containment(jac, int(sizes[i]), sizes[others])
        same = (jac >= thresholds.jaccard) | (
            (con >= thresholds.containment)
            & (np.minimum(sizes[i], sizes[others]) >= thresholds.min_contained)
        )
        truth = labels[others] == labels[i]
        tp += int(np.count_nonzero(same & truth))
        fp += int(np.count_nonzero(same & ~truth))
        fn += int(np.count_nonzero(~same & truth))
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn)}


def _background(n: int, rng: random.Random, arts: list[LabelledArticle]) -> list[ArticleFacts]:
    """Articles unlike each other but made of the set's own vocabulary (so shingling costs
    the same): each a random sample of the set's sentences, shuffled word by word."""
    words = [w for a in arts if a.lang == "en" for w in a.text.split()]
    chars = [c for a in arts if a.lang == "zh" for c in a.text if not c.isspace()]
    out = []
    for i in range(n):
        if i % 2:
            text = " ".join(rng.choices(words, k=rng.randrange(250, 700)))
        else:
            text = "".join(rng.choices(chars, k=rng.randrange(500, 1500)))
        out.append(ArticleFacts(key=f"bg-{i}", version=1, content_hash=str(i), text=text))
    return out


def assignment_times(arts: list[LabelledArticle], background: int) -> dict[str, float]:
    rng = random.Random(7)
    index = StoryIndex()
    for seq, facts in enumerate(_background(background, rng, arts)):
        index.assign(facts, seq)
    facts_list = [
        ArticleFacts.from_fields(orjson.loads(orjson.dumps(a.fields())), key=a.id) for a in arts
    ]
    times = []
    seq = background
    for _ in range(3):  # three passes: new articles, then duplicates of known ids are cheap
        for facts in facts_list:
            fresh = replace(facts, key=f"{facts.key}-{seq}")
            start = time.perf_counter()
            index.assign(fresh, seq)
            times.append(time.perf_counter() - start)
            seq += 1
    times.sort()
    return {
        "median_ms": statistics.median(times) * 1e3,
        "p90_ms": times[int(len(times) * 0.9)] * 1e3,
        "p99_ms": times[int(len(times) * 0.99)] * 1e3,
        "index_size": len(index),
    }


def _rss_bytes() -> int:
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _synthetic_entries(n: int, rng: np.random.Generator) -> tuple[list[int], object]:
    """Durable entries of n members: a fifth of them join an earlier story (re-published
    copies, sharing most of its signature); sites from 2,000 outlets, sources from 200."""
    sizes: list[int] = []

    def entries():  # type: ignore[no-untyped-def]
        base = datetime(2026, 1, 1, tzinfo=UTC)
        founders: list[tuple[str, np.ndarray]] = []
        for i in range(n):
            sig = rng.integers(0, 1 << 16, BINS, dtype=np.uint16)
            key = f"{i:032x}"
            if founders and i % 5 == 0:
                story_id, founder_sig = founders[int(rng.integers(len(founders)))]
                sig = founder_sig.copy()
                sig[rng.integers(0, BINS, 20)] = rng.integers(0, 1 << 16, 20, dtype=np.uint16)
            else:
                story_id = key
                if len(founders) < 100_000:
                    founders.append((key, sig))
            when = (base + timedelta(seconds=i * 3)).isoformat()
            entry = orjson.dumps(
                {
                    "key": key,
                    "story_id": story_id,
                    "seq": i,
                    "changed_seq": i,
                    "revision": 0,
                    "version": 1_700_000_000_000 + i,
                    "content_hash": f"{(i * 2654435761) & 0xFFFFFFFFFFFFFFFF:032x}",
                    "site": f"site{i % 2000}.example",
                    "source": f"source {i % 200}",
                    "first_published_at": when,
                    "first_fetched_at": when,
                    "shingles": 400,
                    "sig": base64.b64encode(sig.tobytes()).decode(),
                }
            )
            sizes.append(len(entry))
            yield entry

    return sizes, entries()


def memory_per_million(members: int) -> dict[str, float]:
    gc.collect()
    before = _rss_bytes()
    sizes, entries = _synthetic_entries(members, np.random.default_rng(1))
    index = StoryIndex()
    start = time.perf_counter()
    index.restore(entries)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    gc.collect()
    used = _rss_bytes() - before - sys.getsizeof(sizes) - 8 * len(sizes)
    scale = 1_000_000 / members
    return {
        "members": members,
        "stories": index.stories,
        "rss_mb_per_million": used * scale / 2**20,
        "entry_bytes_mean": statistics.fmean(sizes),
        "restore_s_per_million": elapsed * scale,
    }


_SWEEP = [
    Thresholds(),
    Thresholds(containment=0.6),
    Thresholds(containment=0.7),
    Thresholds(containment=0.9),
    Thresholds(jaccard=0.3),
    Thresholds(jaccard=0.4),
    Thresholds(jaccard=0.6),
    Thresholds(min_contained=10),
    Thresholds(bands=16, rows=4),
]

_INTRO = """Story grouping (issue 15): syndicated and near-duplicate articles as one story.
Measured by `bench/story_quality.py` on the labelled set in `tests/fixtures/stories/`
(our own Chinese and English reports re-published by a script: changed headlines, trimmed
intros and outros, dropped and added paragraphs, inserted ads and editor lines, half-width
punctuation and full-width digits, traditional characters; hard negatives: two reports of
one event, follow-ups quoting the first report, daily briefings sharing their template)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--background", type=int, default=20_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    arts = articles()
    chosen = Thresholds()
    rows = []
    for t in _SWEEP:
        s = pair_scores(arts, t)
        v = verifier_scores(arts, t)
        rows.append((t, s, v))
        print(t, {k: round(x, 4) for k, x in s.items()}, "verifier alone", v)
    timing = assignment_times(arts, args.background)
    print("time", timing)
    memory = memory_per_million(args.members)
    print("memory", memory)
    if args.no_write:
        return
    s0 = rows[0][1]
    zh = pair_scores([a for a in arts if a.lang == "zh"], chosen)
    en = pair_scores([a for a in arts if a.lang == "en"], chosen)
    lines = [
        f"Run {_report.stamp()} on {_report.machine()}; beside it: {_report.beside()}.",
        f"({_report.load()} on its {os.cpu_count()} cores: the tail latencies and the "
        "restore time carry that load.)",
        "",
        f"Chosen: {chosen.bands} bands x {chosen.rows} rows of a {BINS}-bin one-permutation "
        f"MinHash (16 bits a bin); same story when estimated Jaccard >= {chosen.jaccard} or "
        f"containment >= {chosen.containment} (smaller text >= {chosen.min_contained} "
        "shingles). Shingles: 4 CJK characters or 3 words, after NFKC, OpenCC t2s, lower case.",
        "",
        "| set | articles | stories | positive pairs | pair precision | pair recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, sub, s in (
        ("all", arts, s0),
        ("Chinese", [a for a in arts if a.lang == "zh"], zh),
        ("English", [a for a in arts if a.lang == "en"], en),
    ):
        lines.append(
            f"| {name} | {len(sub)} | {len({a.label for a in sub})} | {s['positive_pairs']} "
            f"| {s['precision']:.3f} | {s['recall']:.3f} |"
        )
    lines += [
        "",
        "Thresholds around the chosen ones (all articles):",
        "",
        "| bands x rows | Jaccard | containment | min shingles | precision | recall "
        "| verifier alone: precision | recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t, s, v in rows:
        lines.append(
            f"| {t.bands} x {t.rows} | {t.jaccard} | {t.containment} | {t.min_contained} "
            f"| {s['precision']:.3f} | {s['recall']:.3f} "
            f"| {v['precision']:.3f} | {v['recall']:.3f} |"
        )
    lines += [
        "",
        '"Verifier alone" judges every pair by the rule directly; the stories do better because '
        "a copy joins its story through whichever member it resembles most (a two-paragraph "
        "copy and a copy without its intro share little, but both match the wire original).",
    ]
    lines += [
        "",
        f"Assignment time per article, one process, index holding {timing['index_size']:,} "
        f"articles: median {timing['median_ms']:.3f} ms, p90 {timing['p90_ms']:.3f} ms, "
        f"p99 {timing['p99_ms']:.3f} ms (goal: median <= 1 ms).",
        "",
        f"Story state memory: {memory['rss_mb_per_million']:.0f} MB resident per million "
        f"articles (StoryIndex restored from {memory['members']:,} synthetic members, "
        f"{memory['stories']:,} stories; random signatures, so every band key is distinct: "
        f"the worst case). The durable entry per article is {memory['entry_bytes_mean']:.0f} "
        "bytes (the changelog topic, and the faust table's in-memory copy, hold one per "
        f"article). Restoring a million takes {memory['restore_s_per_million']:.0f} s.",
        "",
        "Command: `.venv/bin/python bench/story_quality.py`",
    ]
    _report.write_entry("Stories", "quality", "\n".join(lines), intro=_INTRO)


if __name__ == "__main__":
    main()
