"""Article text -> the set of shingle hashes two articles are compared by. Pure.

Syndicated copies of one report differ in ways that must not matter: full-width or
half-width punctuation and digits (NFKC folds them), traditional characters where an outlet
converts (OpenCC's ``t2s`` maps them to simplified), letter case, spacing, and the
punctuation itself (only letters and digits become tokens). What is left is a token stream
in which every CJK character is one token and every other run of letters or digits is one
word; a shingle is a run of consecutive tokens: 4 characters of Chinese, or 3 words of
English (words carry more information than characters, so fewer make a specific shingle).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import lru_cache
from zlib import crc32

import numpy as np
import opencc

_CJK_CHAR = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK_CHAR}]|[^\W_{_CJK_CHAR}]+", re.UNICODE)
_CJK = re.compile(rf"[{_CJK_CHAR}]")

#: Shingle lengths in tokens: CJK characters, and words of other scripts.
CJK_SHINGLE = 4
WORD_SHINGLE = 3
#: Tokens beyond this add nothing to telling reports apart and cost time on huge pages.
MAX_TOKENS = 20_000

# Odd 64-bit multipliers: a shingle's hash is the XOR of its tokens' CRC-32s times these,
# so any differing token (or the same tokens in another order) changes it.
_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """NFKC (full-width -> half-width), traditional -> simplified, lower case."""
    folded = unicodedata.normalize("NFKC", text)
    if _CJK.search(folded) is not None:
        folded = _t2s().convert(folded)
    return folded.lower()


#: A paragraph lighter than this (CJK characters count 1, other words 2) is furniture.
MIN_PARAGRAPH_WEIGHT = 20


def tokens(text: str) -> list[str]:
    """The normalised token stream: one token per CJK character, one per other word.

    Short paragraphs are left out: what portals add around a syndicated report is mostly
    short lines (related links, share buttons, editor and source credits, "read more"),
    while a report's paragraphs are sentences, the distinction boilerplate removers such as
    jusText draw by length too. A text that is mostly short lines keeps all of them.
    """
    kept: list[str] = []
    every: list[str] = []
    for paragraph in normalise(text).split("\n"):
        toks = _TOKEN.findall(paragraph)
        every.extend(toks)
        if _weight(toks) >= MIN_PARAGRAPH_WEIGHT:
            kept.extend(toks)
    chosen = kept if len(kept) * 2 >= len(every) else every
    return chosen[:MAX_TOKENS]


def _weight(toks: list[str]) -> int:
    cjk = sum(1 for t in toks if len(t) == 1 and _CJK.match(t) is not None)
    return cjk + 2 * (len(toks) - cjk)


def shingle_size(toks: list[str]) -> int:
    """Characters for mostly-CJK text, words otherwise (one size per article)."""
    if not toks:
        return WORD_SHINGLE
    cjk = sum(1 for t in toks if len(t) == 1 and _CJK.match(t) is not None)
    return CJK_SHINGLE if cjk * 2 >= len(toks) else WORD_SHINGLE


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of the text's shingles (uint64, sorted; may be empty).

    A text shorter than one shingle is one shingle of all its tokens.
    """
    toks = tokens(text)
    if not toks:
        return np.empty(0, dtype=np.uint64)
    k = shingle_size(toks)
    th = np.frombuffer(array("I", map(crc32, map(str.encode, toks))), dtype=np.uintc).astype(
        np.uint64
    )
    n = max(1, len(th) - k + 1)
    k = min(k, len(th))
    with np.errstate(over="ignore"):
        h = th[:n] * _MULTIPLIERS[0]
        for j in range(1, k):
            h ^= th[j : j + n] * _MULTIPLIERS[j]
        h = _mix(h)
    return np.unique(h)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every output bit depends on every input bit, so the top bits
    (the MinHash bin) and the low bits (the value kept) are independent and uniform."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))
