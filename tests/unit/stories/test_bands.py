"""The band index answers like a plain dictionary of sets, across merges and removals."""

from __future__ import annotations

import random

from newswire.stories.bands import BandIndex


def test_lookups_match_a_dictionary_of_sets_through_merges_and_removals() -> None:
    rng = random.Random(3)
    index = BandIndex(buffer_limit=50)  # merges every few articles
    model: dict[int, set[int]] = {}
    bands_of: dict[int, list[int]] = {}
    for slot in range(400):
        # Keys from a small range, so articles share bands and buckets hold several slots.
        keys = rng.sample(range(300), 8)
        index.add(keys, slot)
        bands_of[slot] = keys
        for k in keys:
            model.setdefault(k, set()).add(slot)
        if slot % 7 == 0:  # a revision: the old bands go
            gone = rng.randrange(slot + 1)
            if bands_of.get(gone):
                index.remove(bands_of[gone], gone)
                for k in bands_of.pop(gone):
                    model[k].discard(gone)
        probe = rng.sample(range(300), 8)
        assert index.lookup(probe) == set().union(*(model.get(k, set()) for k in probe))
    index.merge()
    assert index.lookup(list(range(300))) == set(bands_of)
