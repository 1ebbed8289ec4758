"""Content fingerprints: an exact hash and a 64-bit SimHash for near-duplicates.

Both work on the same normalised token stream the quality metric uses (NFKC, lower-case,
each CJK character one token, other word runs one token), so a re-published story with
different whitespace, punctuation or furniture hashes to nearby SimHash values.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from array import array
from collections import Counter
from zlib import crc32

_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+", re.UNICODE
)
_SHINGLE = 3
# Features beyond this add nothing to a 64-bit fingerprint but cost time on huge pages.
_MAX_FEATURES = 5_000
_LITTLE = sys.byteorder == "little"


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def content_hash(text: str) -> str:
    """SHA-256 (first 32 hex digits) of the text with whitespace normalised."""
    norm = " ".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_MASK = (1 << 64) - 1
_SPREAD = [sum(((b >> k) & 1) << (24 * k) for k in range(8)) for b in range(256)]


def simhash(text: str) -> str:
    """64-bit SimHash over token 3-shingles, as 16 hex digits (zeros for empty text).

    A shingle's hash combines its tokens' CRC-32s with multiplications by odd 64-bit
    constants, so the cost is a few integer operations per shingle instead of a
    cryptographic hash. Only the first 5,000 shingles
    count: enough to tell near-duplicates apart, bounded on book-length pages.
    """
    toks = tokens(text)[: _MAX_FEATURES + _SHINGLE]
    if not toks:
        return "0" * 16
    # CRC-32 per token (C speed; collisions at 1 in 4 billion do not matter here).
    th = [crc32(t.encode("utf-8", "surrogatepass")) for t in toks]
    if len(th) < _SHINGLE:
        feats = [(th[0] * 0x9E3779B97F4A7C15 ^ th[-1] * 0xC2B2AE3D27D4EB4F) & _MASK]
    else:
        # Token hashes are uniform 64-bit values, so odd-multiplier products XORed with the
        # last one are uniform too, and any differing token changes the result.
        k1 = 0x9E3779B97F4A7C15
        k2 = 0xC2B2AE3D27D4EB4F
        k3 = 0xD6E8FEB86659FD93
        feats = [
            ((a * k1) ^ (b * k2) ^ (c * k3)) & _MASK
            for a, b, c in zip(th, th[1:], th[2:], strict=False)
        ]
    # Count each byte position's values with Counter (C speed) over one packed buffer, then
    # turn the <=256 (value, count) pairs into 8 per-bit counts at once: _SPREAD[value] has
    # bit k of value in a 24-bit lane k, so sum(count * _SPREAD[value]) adds up all lanes.
    packed = array("Q", feats).tobytes()
    half = len(feats) / 2
    value = 0
    for pos in range(8):
        lanes = sum(c * _SPREAD[b] for b, c in Counter(packed[pos::8]).items())
        shift = pos * 8 if _LITTLE else (7 - pos) * 8  # array('Q') is native-endian
        for bit in range(8):
            if (lanes >> (24 * bit)) & 0xFFFFFF > half:
                value |= 1 << (shift + bit)
    return f"{value:016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()
