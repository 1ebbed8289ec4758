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
from itertools import islice, repeat
from operator import and_, mul, xor
from zlib import crc32

from newswire.parser.extract import compiled

_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+", re.UNICODE
)
_SHINGLE = 3
# Features beyond this add nothing to a 64-bit fingerprint but cost time on huge pages.
_MAX_FEATURES = 5_000
_LITTLE = sys.byteorder == "little"


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


# The fast path of the token hashes (the same tokens as _TOKEN without a regex match per
# token): the text as UTF-8 bytes, split in C where a byte table turns every ASCII byte
# but letters and digits into a space. Bytes of other characters stay, so it is exact
# once the non-ASCII characters that are not word characters (curly quotes, dashes,
# no-break spaces) are spaces too; text with CJK characters, each a token of its own,
# takes the regex.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_TOKEN_BYTES = bytes(b if b >= 0x80 or chr(b).isalnum() else 0x20 for b in range(256))
_ASCII_BYTES = bytes(range(0x80))


def _token_hashes(norm: str) -> array[int]:
    """CRC-32 of the first tokens of NFKC-normalised, lower-cased text (as ``tokens``).

    An ``array("I")`` (C unsigned ints; a CRC-32 fits 32 bits) rather than a list: the
    compiled SimHash reads it as one buffer.
    (``_fingerprint.pyx`` computes the same compiled, when built: see :func:`token_hashes`.)
    """
    limit = _MAX_FEATURES + _SHINGLE
    data = norm.encode("utf-8", "surrogatepass")
    if not norm.isascii():
        # The distinct non-ASCII characters, from the bytes left once ASCII is deleted.
        others = set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
        if _CJK.search("".join(others)) is not None:
            return array("I", map(crc32, map(str.encode, _TOKEN.findall(norm)[:limit])))
        # (Lone surrogates are not word characters either: none is left to encode.)
        nonword = [c for c in others if not c.isalnum()]
        if nonword:
            for c in nonword:
                norm = norm.replace(c, " ")
            data = norm.encode("utf-8")
    return array("I", map(crc32, data.translate(_TOKEN_BYTES).split()[:limit]))


_COMPILED = compiled.load("_fingerprint")


def token_hashes(norm: str) -> array[int]:
    """:func:`_token_hashes`, compiled when it is built (a tenth of the time)."""
    if _COMPILED is not None:
        return _COMPILED.token_hashes(norm, _MAX_FEATURES + _SHINGLE)
    return _token_hashes(norm)


def simhash_of(th: array[int]) -> str:
    """:func:`_simhash`, compiled when it is built."""
    if _COMPILED is not None:
        return _COMPILED.simhash(th)
    return _simhash(th)


def content_hash(text: str) -> str:
    """SHA-256 (first 32 hex digits) of the text with whitespace normalised."""
    return _content_hash(unicodedata.normalize("NFKC", text))


def _content_hash(nfkc: str) -> str:
    norm = _single_spaced(nfkc)
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _single_spaced(text: str) -> str:
    """``" ".join(text.split())``, without splitting a text that already is so once its
    paragraph breaks are spaces: the usual case, as the body's paragraphs come normalised
    from the block walk (splitting a long body into words is most of the hash's cost)."""
    flat = text.replace("\n\n", " ")
    # isprintable() is False for every whitespace character but " " (they are all in the
    # Unicode categories Cc, Zs, Zl and Zp), so this text has no other whitespace and no
    # run of spaces: splitting and joining it again gives it back.
    if flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " ":
        return flat
    return " ".join(text.split())


def fingerprints(text: str) -> tuple[str, str]:
    """``(content_hash(text), simhash(text))``, normalising the text once."""
    nfkc = unicodedata.normalize("NFKC", text)
    return _content_hash(nfkc), simhash_of(token_hashes(nfkc.lower()))


_MASK = (1 << 64) - 1
# _BIT_TABLES[k] maps a byte to 1 when its bit k is set, else 0 (for bytes.translate).
_BIT_TABLES = [bytes((b >> k) & 1 for b in range(256)) for k in range(8)]


def simhash(text: str) -> str:
    """64-bit SimHash over token 3-shingles, as 16 hex digits (zeros for empty text).

    A shingle's hash combines its tokens' CRC-32s with multiplications by odd 64-bit
    constants, so the cost is a few integer operations per shingle instead of a
    cryptographic hash. Only the first 5,000 shingles
    count: enough to tell near-duplicates apart, bounded on book-length pages.
    """
    return simhash_of(token_hashes(unicodedata.normalize("NFKC", text).lower()))


def _simhash(th: array[int]) -> str:
    """SimHash of the token hashes (CRC-32 per token: C speed, and collisions at 1 in 4
    billion do not matter here)."""
    if not th:
        return "0" * 16
    if len(th) < _SHINGLE:
        feats = [(th[0] * _K1 ^ th[-1] * _K2) & _MASK]
        return _vote(feats)
    # Token hashes are uniform 64-bit values, so odd-multiplier products XORed with the
    # last one are uniform too, and any differing token changes the result.
    # ((a*k1) ^ (b*k2) ^ (c*k3)) & MASK, computed with map() so the loop runs in C:
    # masking each product first gives the same bits.
    x1 = list(map(and_, map(mul, th, repeat(_K1)), repeat(_MASK)))
    x2 = list(map(and_, map(mul, th, repeat(_K2)), repeat(_MASK)))
    x3 = list(map(and_, map(mul, th, repeat(_K3)), repeat(_MASK)))
    return _vote(list(map(xor, map(xor, x1, islice(x2, 1, None)), islice(x3, 2, None))))


_K1 = 0x9E3779B97F4A7C15
_K2 = 0xC2B2AE3D27D4EB4F
_K3 = 0xD6E8FEB86659FD93


def _vote(feats: list[int]) -> str:
    """Bit k of the result is set when more than half the features have it set."""
    # Per byte position, count the bytes with bit k set: translate() maps each byte to 1 or
    # 0 and count() adds them up, both in C (64 passes over n bytes, no Python per feature).
    packed = array("Q", feats).tobytes()
    half = len(feats) / 2
    value = 0
    for pos in range(8):
        column = packed[pos::8]
        shift = pos * 8 if _LITTLE else (7 - pos) * 8  # array('Q') is native-endian
        for bit in range(8):
            if column.translate(_BIT_TABLES[bit]).count(1) > half:
                value |= 1 << (shift + bit)
    return f"{value:016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()
