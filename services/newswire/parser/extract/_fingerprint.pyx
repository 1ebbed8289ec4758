# cython: language_level=3, boundscheck=False, wraparound=False
"""The SimHash of :mod:`fingerprint` compiled: ``fingerprint._token_hashes`` and
``fingerprint._simhash`` (Python) are the reference and the fallback, and this gives
exactly their values.

A page's SimHash hashes every token of its text: CRC-32 of the token's UTF-8 bytes. In
Python that is a bytes object and a call per token (a few thousand per page); here it is one
pass over the characters, encoding and hashing each token in place.
"""

from cpython.array cimport array, clone
from libc.stdint cimport uint32_t, uint64_t
from libc.string cimport memset

cdef extern from "Python.h":
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)
    int PyUnicode_KIND(object text)
    void* PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)

cdef extern from *:
    # The SHA-256 of this file when it was compiled (setup.py defines it).
    const char* NEWSWIRE_SOURCE_SHA256

#: The SHA-256 of the .pyx this module was compiled from.
SOURCE_SHA256 = NEWSWIRE_SOURCE_SHA256.decode("ascii")

# CRC-32 as zlib.crc32 computes it (reflected polynomial 0xEDB88320), a byte at a time.
# (The constants typed: Cython would treat a literal above 2**31 as a Python int.)
cdef uint32_t POLY = 0xEDB88320
cdef uint32_t ONES = 0xFFFFFFFF
cdef uint32_t CRC_TABLE[256]


cdef void _fill_table() noexcept:
    cdef uint32_t c
    cdef int n, k
    for n in range(256):
        c = n
        for k in range(8):
            c = (c >> 1) ^ POLY if c & 1 else c >> 1
        CRC_TABLE[n] = c


_fill_table()


cdef inline uint32_t _crc_byte(uint32_t crc, unsigned char b) noexcept:
    return CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)


cdef inline uint32_t _crc_char(uint32_t crc, uint32_t ch) noexcept:
    """The CRC so far, continued by the character's UTF-8 bytes."""
    if ch < 0x80:
        return _crc_byte(crc, <unsigned char>ch)
    if ch < 0x800:
        crc = _crc_byte(crc, <unsigned char>(0xC0 | (ch >> 6)))
        return _crc_byte(crc, <unsigned char>(0x80 | (ch & 0x3F)))
    if ch < 0x10000:
        crc = _crc_byte(crc, <unsigned char>(0xE0 | (ch >> 12)))
        crc = _crc_byte(crc, <unsigned char>(0x80 | ((ch >> 6) & 0x3F)))
        return _crc_byte(crc, <unsigned char>(0x80 | (ch & 0x3F)))
    crc = _crc_byte(crc, <unsigned char>(0xF0 | (ch >> 18)))
    crc = _crc_byte(crc, <unsigned char>(0x80 | ((ch >> 12) & 0x3F)))
    crc = _crc_byte(crc, <unsigned char>(0x80 | ((ch >> 6) & 0x3F)))
    return _crc_byte(crc, <unsigned char>(0x80 | (ch & 0x3F)))


cdef inline bint _cjk(uint32_t ch) noexcept:
    """A character that is a token of its own (fingerprint._TOKEN's first alternative)."""
    return (
        0x3040 <= ch <= 0x30FF
        or 0x3400 <= ch <= 0x4DBF
        or 0x4E00 <= ch <= 0x9FFF
        or 0xF900 <= ch <= 0xFAFF
        or 0xAC00 <= ch <= 0xD7AF
    )


cdef array _UINTS = array("I")


cdef inline bint _alnum(uint32_t ch) noexcept:
    """str.isalnum() of one character (ASCII answered here: most text is)."""
    if ch < 0x80:
        return (0x30 <= ch <= 0x39) or (0x61 <= (ch | 0x20) <= 0x7A)
    return Py_UNICODE_ISALNUM(ch)


def token_hashes(str norm, Py_ssize_t limit):
    """``fingerprint._token_hashes(norm)`` for its first ``limit`` tokens: the CRC-32 of
    each token of ``_TOKEN.findall(norm)``, as an ``array("I")``.

    As the regex reads it: at a CJK character (kana, hangul, CJK ideographs) a token of
    that one character; at another letter or digit, the run of letters and digits from
    there (CJK characters after the first letter belong to the run).
    """
    cdef Py_ssize_t n = len(norm), i = 0, count = 0
    cdef array out = clone(_UINTS, min(limit, n), False)
    cdef uint32_t crc, ch
    # (Read as the str stores it: indexing it would test its kind per character.)
    cdef int kind = PyUnicode_KIND(norm)
    cdef void* data = PyUnicode_DATA(norm)
    while i < n and count < limit:
        ch = PyUnicode_READ(kind, data, i)
        if _cjk(ch):
            out.data.as_uints[count] = _crc_char(ONES, ch) ^ ONES
            count += 1
            i += 1
        elif _alnum(ch):
            crc = _crc_char(ONES, ch)
            i += 1
            while i < n:
                ch = PyUnicode_READ(kind, data, i)
                if not _alnum(ch):
                    break
                crc = _crc_char(crc, ch)
                i += 1
            out.data.as_uints[count] = crc ^ ONES
            count += 1
        else:
            i += 1
    del out[count:]
    return out


cdef uint64_t K1 = 0x9E3779B97F4A7C15
cdef uint64_t K2 = 0xC2B2AE3D27D4EB4F
cdef uint64_t K3 = 0xD6E8FEB86659FD93


def simhash(array th):
    """``fingerprint._simhash(th)``: the SimHash of token hashes, as 16 hex digits.

    Each 3-shingle's feature is ``(a*K1) ^ (b*K2) ^ (c*K3)`` modulo 2**64 (one feature of
    the first and last token for fewer than three); bit k of the result is set when more
    than half the features have it set. (Counted a byte at a time: each feature's 8
    bytes counted by value, turned into bit counts once at the end.)
    """
    cdef Py_ssize_t n = len(th), i, nfeats
    cdef unsigned int* h = th.data.as_uints
    cdef uint64_t byte_counts[8][256]
    cdef uint64_t feature, bits, value = 0
    cdef int pos, b, k
    if n == 0:
        return "0" * 16
    memset(byte_counts, 0, sizeof(byte_counts))
    if n < 3:
        nfeats = 1
        feature = (<uint64_t>h[0]) * K1 ^ (<uint64_t>h[n - 1]) * K2
        for pos in range(8):
            byte_counts[pos][(feature >> (8 * pos)) & 0xFF] += 1
    else:
        nfeats = n - 2
        for i in range(nfeats):
            feature = (<uint64_t>h[i]) * K1 ^ (<uint64_t>h[i + 1]) * K2 ^ (<uint64_t>h[i + 2]) * K3
            for pos in range(8):
                byte_counts[pos][(feature >> (8 * pos)) & 0xFF] += 1
    for pos in range(8):
        for k in range(8):
            bits = 0
            for b in range(256):
                if b & (1 << k):
                    bits += byte_counts[pos][b]
            if 2 * bits > <uint64_t>nfeats:
                value |= (<uint64_t>1) << (8 * pos + k)
    return f"{value:016x}"
