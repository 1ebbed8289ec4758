"""Raw bytes to text, the way a browser would pick the charset, and never raising.

Order: byte-order mark, the HTTP ``Content-Type`` charset, ``<meta charset>`` or
``http-equiv`` in the first bytes, then detection. Labels are mapped as browsers map them
(the WHATWG encoding standard): gb2312/gbk mean GB18030, latin-1/ascii mean windows-1252,
so pages declared with the narrow label but using the wider repertoire still decode.
A declared charset that does not fit the bytes (a mislabelled page) is checked cheaply:
strictly valid UTF-8 with non-ASCII content wins, because random legacy-encoded text
is almost never valid UTF-8; otherwise charset-normalizer decides.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

# Magic numbers of formats that are never a web page (the fetcher may label them text/html).
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"%PDF-", "pdf"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"RIFF", "riff"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x7fELF", "elf"),
    (b"wOFF", "woff"),
    (b"wOF2", "woff2"),
    (b"OggS", "ogg"),
    (b"ID3", "mp3"),
    (b"\x1aE\xdf\xa3", "webm"),
    (b"\xd0\xcf\x11\xe0", "ole"),
)
_BINARY_TYPES = re.compile(
    r"^(image|audio|video|font)/|^application/(pdf|zip|gzip|octet-stream|x-|vnd\.|msword|ogg|wasm)",
    re.IGNORECASE,
)

#: The start of an HTML document (after a BOM, blanks and comments, or an XML declaration).
_MARKUP_START = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s|<!--.{0,200}?-->|<\?xml[^>]{0,200}>)*"
    rb"<(?:!doctype\s+html|html[\s>]|head[\s>])",
    re.IGNORECASE | re.DOTALL,
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{2,40})""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{2,40})""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^<\?xml[^>]{0,100}encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""")

# WHATWG label mapping for the labels that matter on news sites.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "iso-ir-58": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "utf8": "utf-8",
    "unicode": "utf-16le",
    "utf-16": "utf-16le",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)

# Enough bytes to see any sensible <meta charset> and to sample for detection.
_SNIFF_BYTES = 4096
_DETECT_BYTES = 64 * 1024


class Decoded:
    """A body as text, with its encoding, where that came from and what went wrong."""

    __slots__ = ("_text", "encoding", "source", "utf8", "warnings")

    def __init__(
        self,
        text: str | None,
        encoding: str,
        source: str,
        warnings: list[str] | None = None,
        utf8: bytes | None = None,
    ) -> None:
        self._text = text
        self.encoding = encoding
        #: Where the encoding came from: bom, header, meta, detected, utf-8, fallback.
        self.source = source
        self.warnings = warnings if warnings is not None else []
        #: ``text`` as UTF-8 when that is the body itself (a valid UTF-8 page): the parser
        #: takes these bytes instead of encoding the text again.
        self.utf8 = utf8

    @property
    def text(self) -> str:
        """The text (from :func:`utf8_as_is`: decoded on first use)."""
        if self._text is None:
            self._text = (self.utf8 or b"").decode("utf-8")
        return self._text


class BinaryContent(ValueError):
    """The body is an image, archive or other non-text format."""


def normalize_label(label: str | None) -> str | None:
    """The Python codec browsers would use for a charset label; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # utf-16/32 declared in a meta tag is always wrong (the meta itself was ASCII-readable).
    return _ALIASES.get(name, name)


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    ctype = content_type(headers)
    if not ctype:
        return None
    m = _HEADER_CHARSET.search(ctype)
    return m.group(1) if m else None


def content_type(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type":
            return str(value)
    return None


def sniff_binary(body: bytes, headers: Mapping[str, str] | None = None) -> str | None:
    """A short label when ``body`` is clearly not text (magic number, NUL bytes, type)."""
    head = body[:16]
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            # RIFF is WAV/AVI/WEBP; a gzip body here means the fetcher did not inflate it.
            return name
    ctype = content_type(headers)
    if ctype and _BINARY_TYPES.search(ctype.strip()) and not opens_as_html(body):
        # (A body that opens as HTML is a page whatever the label: servers send pages as
        # application/octet-stream or application/x-httpd-php when misconfigured.)
        return ctype.split(";", 1)[0].strip().lower()
    sample = body[:1024]
    if sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Text in any ASCII-compatible charset has no NULs; a few percent means binary.
        nuls = sample.count(0)
        if nuls > max(2, len(sample) // 50):
            return "binary"
    return None


def opens_as_html(body: bytes) -> bool:
    """The body starts as an HTML document does (``<!DOCTYPE html``, ``<html``, ``<head``),
    whatever its Content-Type claims."""
    return _MARKUP_START.match(body, 0, 4096) is not None


def _meta_charset(body: bytes) -> str | None:
    head = body[:_SNIFF_BYTES]
    m = _XML_DECL.search(head)
    if m:
        return m.group(1).decode("ascii", "ignore")
    m = _META_CHARSET.search(head)
    if m:
        return m.group(1).decode("ascii", "ignore")
    return None


def _is_ascii(data: bytes) -> bool:
    return data.isascii()


def _bad_ratio(body: bytes, encoding: str) -> float:
    """Share of undecodable bytes in a sample: 0 means the label fits."""
    sample = body[:_DETECT_BYTES]
    if not sample:
        return 0.0
    text = sample.decode(encoding, errors="replace")
    # The sample may cut a multi-byte character at its end: ignore the last char.
    bad = text.count("\ufffd", 0, max(0, len(text) - 1))
    return bad / max(1, len(text))


def _valid_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut at the end of the sample is fine.
        return exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
    return True


def _detect(body: bytes) -> str | None:
    from charset_normalizer import from_bytes  # imported lazily: rarely needed

    try:
        best = from_bytes(body[:_DETECT_BYTES], steps=3, chunk_size=512).best()
    except Exception:  # the detector is third-party code on hostile input
        return None
    return normalize_label(best.encoding) if best is not None else None


def _from_utf8(body: bytes, source: str, warnings: list[str]) -> Decoded:
    """``body`` decoded as UTF-8, bad bytes replaced; keeps ``body`` when it is all valid."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Decoded(body.decode("utf-8", errors="replace"), "utf-8", source, warnings)
    return Decoded(text, "utf-8", source, warnings, utf8=body)


def utf8_as_is(body: bytes, headers: Mapping[str, str] | None = None) -> Decoded | None:
    """What :func:`decode_body` gives for ``body`` if it is valid UTF-8, found without
    decoding it; None when decode_body would not read valid UTF-8 as UTF-8 (binary, a BOM,
    an ASCII sample under a legacy charset).

    Unchecked: the caller must make sure the body is valid UTF-8 (libxml2 does as it
    parses, see :func:`dom.parse_utf8`) and else call decode_body. The text is decoded on
    first use: an HTML page needs the bytes only, and decoding a page costs as much as a
    tenth of its parse.
    """
    if sniff_binary(body, headers) or body.startswith(tuple(bom for bom, _ in _BOMS)):
        return None
    declared, source, warnings = _declared_charset(body, headers)
    # (The sample is cut only when it is looked at: copying 64 KB of a page the parser is
    # about to read costs more than the rest of this function.)
    if declared == "utf-8":
        return Decoded(None, "utf-8", source, warnings, utf8=body)
    sample = body[:_DETECT_BYTES]
    if declared is None:
        # (As decode_body: an ASCII sample keeps the source, else no declaration is "utf-8".)
        src = source if sample.isascii() else "utf-8"
        return Decoded(None, "utf-8", src, warnings, utf8=body)
    if sample.isascii():
        return None
    warnings.append(f"mislabelled_charset:{declared}->utf-8")
    return Decoded(None, "utf-8", "utf-8", warnings, utf8=body)


def _declared_charset(
    body: bytes, headers: Mapping[str, str] | None
) -> tuple[str | None, str, list[str]]:
    """The charset the header or the ``<meta>`` declares (None if none or unusable), where
    it came from, and a warning for a label we do not know."""
    warnings: list[str] = []
    declared: str | None = None
    source = "fallback"
    raw_label = header_charset(headers)
    if raw_label:
        declared = normalize_label(raw_label)
        source = "header"
    if declared is None:
        raw_label = _meta_charset(body)
        if raw_label:
            declared = normalize_label(raw_label)
            source = "meta"
    if declared in ("utf-16le", "utf-16be", "utf-32-le", "utf-32-be"):
        # Without a BOM an ASCII-readable page cannot really be UTF-16.
        declared = None
    if raw_label and declared is None:
        warnings.append(f"unknown_charset:{raw_label[:40]}")
    return declared, source, warnings


def decode_body(body: bytes, headers: Mapping[str, str] | None = None) -> Decoded:
    """Decode ``body`` to text; raises :class:`BinaryContent` only for non-text formats."""
    kind = sniff_binary(body, headers)
    if kind:
        raise BinaryContent(kind)
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(enc, errors="replace"), enc, "bom")
    declared, source, warnings = _declared_charset(body, headers)
    sample = body[:_DETECT_BYTES]
    if declared == "cp1252" and source == "header" and not _is_ascii(sample):
        # A server's default label (Apache's AddDefaultCharset ISO-8859-1) over a page that
        # declares its own charset (``<meta charset="gbk">``): windows-1252 decodes nearly
        # any bytes, so it never looks wrong; the page's own label wins when it fits them.
        own = _meta_charset(body)
        own_enc = normalize_label(own) if own else None
        if own_enc not in (None, "cp1252", "utf-8") and _bad_ratio(body, own_enc) < 0.01:
            warnings.append(f"mislabelled_charset:{declared}->{own_enc}")
            declared, source = own_enc, "meta"
    if _is_ascii(sample) and (declared is None or declared == "utf-8"):
        # Pure ASCII so far: UTF-8 is right for any ASCII-compatible declaration.
        return _from_utf8(body, source, warnings)

    if declared == "utf-8" or declared is None:
        src = source if declared else "utf-8"
        try:
            # All valid (the usual case): the sample needs no separate check.
            return Decoded(body.decode("utf-8"), "utf-8", src, warnings, utf8=body)
        except UnicodeDecodeError:
            if _valid_utf8(sample):
                return Decoded(body.decode("utf-8", errors="replace"), "utf-8", src, warnings)
    elif _valid_utf8(sample) and not _is_ascii(sample):
        # Declared legacy charset but the bytes are valid UTF-8 (a common CMS mistake).
        warnings.append(f"mislabelled_charset:{declared}->utf-8")
        return _from_utf8(body, "utf-8", warnings)

    if declared and _bad_ratio(body, declared) < 0.01:
        return Decoded(body.decode(declared, errors="replace"), declared, source, warnings)

    detected = _detect(body)
    if detected and (declared is None or _bad_ratio(body, detected) < _bad_ratio(body, declared)):
        if declared:
            warnings.append(f"mislabelled_charset:{declared}->{detected}")
        return Decoded(body.decode(detected, errors="replace"), detected, "detected", warnings)
    enc = declared or "utf-8"
    warnings.append("undecodable_bytes")
    return Decoded(body.decode(enc, errors="replace"), enc, source, warnings)
