"""The LSH band index: band key -> the articles (slots) whose signature has that band. Pure.

A dictionary entry per band costs ~100 bytes in Python, and every article has 32 bands: at a
million articles that is the bulk of the story state. Here the bands live in two sorted
numpy arrays (key, slot: 12 bytes an entry), looked up with a vectorised binary search; new
entries wait in a small dictionary and are merged into the arrays in one sorted insert once
it holds ``buffer_limit`` of them. Removal (a revised article's old bands) marks the entry's
slot as removed; merges drop the marks.

A look-up answers with the *set* of slots, so nothing downstream depends on where an entry
sits or when it was merged.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

_REMOVED = -1


class BandIndex:
    def __init__(self, buffer_limit: int = 1 << 18) -> None:
        self.buffer_limit = buffer_limit
        self._keys = np.empty(0, dtype=np.uint64)
        self._slots = np.empty(0, dtype=np.int32)
        self._buffer: dict[int, int | list[int]] = {}
        self._buffered = 0

    def __len__(self) -> int:
        """Entries held (removed ones until the next merge included)."""
        return int(self._keys.size) + self._buffered

    @property
    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._slots.nbytes)

    def add(self, keys: Iterable[int], slot: int) -> None:
        buffer = self._buffer
        for key in keys:
            hit = buffer.get(key)
            if hit is None:
                buffer[key] = slot
            elif isinstance(hit, int):
                buffer[key] = [hit, slot]
            else:
                hit.append(slot)
            self._buffered += 1
        if self._buffered >= self.buffer_limit:
            self.merge()

    def remove(self, keys: list[int], slot: int) -> None:
        buffer = self._buffer
        for key in keys:
            hit = buffer.get(key)
            if hit == slot:
                del buffer[key]
                self._buffered -= 1
            elif isinstance(hit, list) and slot in hit:
                hit.remove(slot)
                self._buffered -= 1
                if len(hit) == 1:
                    buffer[key] = hit[0]
        if self._keys.size:
            wanted = np.asarray(keys, dtype=np.uint64)
            lo = np.searchsorted(self._keys, wanted, "left")
            hi = np.searchsorted(self._keys, wanted, "right")
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                if a < b:
                    run = self._slots[a:b]
                    run[run == slot] = _REMOVED

    def lookup(self, keys: list[int]) -> set[int]:
        """Every slot sharing at least one of the keys."""
        found: set[int] = set()
        buffer = self._buffer
        for key in keys:
            hit = buffer.get(key)
            if hit is None:
                continue
            if isinstance(hit, int):
                found.add(hit)
            else:
                found.update(hit)
        if self._keys.size:
            wanted = np.asarray(keys, dtype=np.uint64)
            lo = np.searchsorted(self._keys, wanted, "left")
            hi = np.searchsorted(self._keys, wanted, "right")
            hits = np.flatnonzero(hi > lo)
            for i in hits.tolist():
                found.update(self._slots[lo[i] : hi[i]].tolist())
            found.discard(_REMOVED)
        return found

    def merge(self) -> None:
        """Move the buffered entries into the sorted arrays (and drop removed entries)."""
        if not self._buffered:
            return
        keys: list[int] = []
        slots: list[int] = []
        for key, hit in self._buffer.items():
            if isinstance(hit, int):
                keys.append(key)
                slots.append(hit)
            else:
                keys.extend([key] * len(hit))
                slots.extend(hit)
        new_keys = np.asarray(keys, dtype=np.uint64)
        new_slots = np.asarray(slots, dtype=np.int32)
        order = np.argsort(new_keys, kind="stable")
        new_keys, new_slots = new_keys[order], new_slots[order]
        live = self._slots != _REMOVED
        old_keys, old_slots = self._keys[live], self._slots[live]
        at = np.searchsorted(old_keys, new_keys, "right")
        self._keys = np.insert(old_keys, at, new_keys)
        self._slots = np.insert(old_slots, at, new_slots)
        self._buffer = {}
        self._buffered = 0
