"""MinHash signatures of shingle sets, their LSH band keys, and the similarities they estimate.

One-permutation MinHash: each shingle hash falls into one of :data:`BINS` bins by its top
bits, and a bin keeps the lowest hash it received (one hash per shingle instead of one per
shingle and permutation, so a long article costs microseconds). Empty bins of short texts
borrow from the next non-empty bin ("rotation densification"), which keeps the chance that
two signatures agree in a bin equal to the Jaccard similarity of the two sets. Each bin
stores only the low 16 bits of its minimum (b-bit MinHash): 256 bytes per article, and two
different minima agree by chance once in 65,536.

Two signatures estimate two similarities of the shingle sets A and B:

* Jaccard ``|A ∩ B| / |A ∪ B|``: the share of bins that agree;
* containment ``|A ∩ B| / min(|A|, |B|)``, from Jaccard and the set sizes: a copy with a
  trimmed intro, a dropped paragraph or an added editor's line is nearly contained in the
  original even when the Jaccard similarity of the two is modest.
"""

from __future__ import annotations

import numpy as np

BINS = 128
_BIN_SHIFT = np.uint64(64 - 7)  # log2(BINS) top bits choose the bin
_LOW16 = np.uint64(0xFFFF)

Signature = np.ndarray  # shape (BINS,), dtype uint16


def signature(hashes: np.ndarray) -> Signature | None:
    """The signature of a set of uint64 shingle hashes; None for the empty set."""
    if hashes.size == 0:
        return None
    ordered = np.sort(hashes)  # by bin (top bits) first, then by value
    bins = (ordered >> _BIN_SHIFT).astype(np.intp)
    first = np.empty(bins.size, dtype=bool)
    first[0] = True
    np.not_equal(bins[1:], bins[:-1], out=first[1:])
    filled = bins[first]
    sig = np.zeros(BINS, dtype=np.uint16)
    sig[filled] = (ordered[first] & _LOW16).astype(np.uint16)
    if filled.size < BINS:
        _densify(sig, filled)
    return sig


def _densify(sig: np.ndarray, filled: np.ndarray) -> None:
    """Fill each empty bin from the next filled one (circularly), mixed with the distance,
    so two sets whose minima coincide there also coincide in the bins that borrow it."""
    empty = np.setdiff1d(np.arange(BINS), filled, assume_unique=True)
    at = np.searchsorted(filled, empty) % filled.size
    donor = filled[at]
    distance = (donor - empty) % BINS
    value = sig[donor].astype(np.uint32) * 0x9E37 + distance.astype(np.uint32) * 0x7F4B + 0x1234
    sig[empty] = (value & 0xFFFF).astype(np.uint16)


def band_keys(sig: Signature, bands: int, rows: int) -> list[int]:
    """One key per band of ``rows`` bins: equal keys make two articles candidates.

    The band number is part of the key, so one dictionary can hold every band.
    """
    block = sig[: bands * rows].astype(np.uint64).reshape(bands, rows)
    with np.errstate(over="ignore"):
        key = np.arange(bands, dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93)
        for r in range(rows):
            key = (key ^ block[:, r]) * np.uint64(0x9E3779B97F4A7C15)
        key ^= key >> np.uint64(29)
    # Python ints of 63 bits: smaller dictionary keys than 64-bit ones, same spread.
    return (key >> np.uint64(1)).tolist()


def jaccard(sig: Signature, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of ``sig`` with each row of ``others``."""
    return np.count_nonzero(others == sig, axis=1) / BINS


def containment(jac: np.ndarray, size: int, other_sizes: np.ndarray) -> np.ndarray:
    """Estimated ``|A ∩ B| / min(|A|, |B|)`` from Jaccard and the set sizes.

    ``|A ∩ B| = J (|A| + |B|) / (1 + J)``; capped at 1 (the estimate is noisy).
    """
    inter = jac * (size + other_sizes) / (1.0 + jac)
    return np.minimum(1.0, inter / np.maximum(1, np.minimum(size, other_sizes)))
