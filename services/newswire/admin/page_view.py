"""How ``newswire pages show`` prints a fetched page: a header block, then the decoded body.

Pure: takes the record found by :mod:`newswire.admin.pages`, returns text or a JSON-ready
dict. The body is decoded the way the parser decodes it (charset from the headers, the
``<meta>`` or detection), so what the operator reads is what the extractor read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newswire.admin.pages import FoundPage
from newswire.parser.extract.decode import BinaryContent, decode_body


def body_text(found: FoundPage) -> tuple[str | None, str]:
    """The body as text, or None for a binary body; and a note on how it was decoded."""
    page = found.page
    if not page.body:
        return "", "empty body"
    try:
        decoded = decode_body(page.body, page.headers)
    except BinaryContent as exc:
        return None, f"binary body ({exc}): write it with --raw FILE"
    note = f"decoded as {decoded.encoding} (from {decoded.source})"
    if decoded.warnings:
        note += f" ({', '.join(decoded.warnings)})"
    return decoded.text, note


def summary(found: FoundPage) -> dict[str, Any]:
    """Everything about the fetch except the body."""
    page = found.page
    return {
        "url_id": page.url_id,
        "requested_url": page.requested_url,
        "final_url": page.final_url,
        "status": page.status,
        "content_type": page.content_type,
        "body_bytes": len(page.body),
        "truncated": page.truncated,
        "fetched_at": page.fetched_at.isoformat(),
        "elapsed_ms": page.elapsed_ms,
        "site": page.site,
        "kind": page.kind,
        "depth": page.depth,
        "topic": found.topic,
        "partition": found.partition,
        "offset": found.offset,
        "written_at": datetime.fromtimestamp(found.timestamp_ms / 1000, UTC).isoformat(),
        "headers": dict(page.headers),
    }


def render(found: FoundPage, *, with_body: bool = True) -> str:
    """The text form: ``field: value`` lines, the response headers, a blank line, the body."""
    info = summary(found)
    headers = info.pop("headers")
    width = max(len(k) for k in info)
    lines = [f"{k + ':':<{width + 1}} {_shown(v)}" for k, v in info.items()]
    lines.append("headers:")
    lines.extend(f"  {name}: {value}" for name, value in sorted(headers.items()))
    if with_body:
        text, note = body_text(found)
        lines.append(f"body:{'':<{width - 4}} {note}")
        lines.append("")
        if text is not None:
            lines.append(text)
    return "\n".join(lines)


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
