"""Content fingerprints: an exact hash and a 64-bit SimHash for near-duplicates.

Both work on the same normalised token stream the quality metric uses (NFKC, lower-case,
each CJK character one token, other word runs one token), so a re-published story with
different whitespace, punctuation or furniture hashes to nearby SimHash values.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+", re.UNICODE
)
_SHINGLE = 3
# Features beyond this add nothing to a 64-bit fingerprint but cost time on huge pages.
_MAX_FEATURES = 20_000


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def content_hash(text: str) -> str:
    """SHA-256 (first 32 hex digits) of the text with whitespace normalised."""
    norm = " ".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def simhash(text: str) -> str:
    """64-bit SimHash over token 3-shingles, as 16 hex digits (zeros for empty text)."""
    toks = tokens(text)
    if not toks:
        return "0" * 16
    if len(toks) < _SHINGLE:
        feats = [" ".join(toks)]
    else:
        feats = [
            " ".join(toks[i : i + _SHINGLE]) for i in range(min(len(toks) - _SHINGLE + 1, _MAX_FEATURES))
        ]
    # One 8-byte digest per feature, concatenated; counting each byte position's values
    # with Counter (C speed) and expanding 256 values x 8 bits once avoids a Python loop of
    # 64 steps per feature.
    digests = b"".join(
        hashlib.blake2b(f.encode("utf-8", "surrogatepass"), digest_size=8).digest() for f in feats
    )
    n = len(feats)
    value = 0
    for pos in range(8):
        counts = Counter(digests[pos::8])
        bit_counts = [0] * 8
        for byte, c in counts.items():
            for bit in range(8):
                if byte >> bit & 1:
                    bit_counts[bit] += c
        for bit in range(8):
            if bit_counts[bit] * 2 > n:
                # Byte ``pos`` of the big-endian digest holds bits 63-8*pos .. 56-8*pos.
                value |= 1 << ((7 - pos) * 8 + bit)
    return f"{value:016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()
