"""The archiver's Prometheus metrics (``newswire_archive_*``), on the default registry."""

from __future__ import annotations

from prometheus_client import Counter

PAGES = Counter("newswire_archive_pages", "Pages written to WARC files (and fsynced).")
BYTES = Counter("newswire_archive_bytes", "Compressed WARC bytes written.")
FILES = Counter("newswire_archive_files", "WARC files closed (renamed from .open).")
RECOVERED = Counter(
    "newswire_archive_recovered_files", "Files a crashed archiver left open, closed at start."
)
ERRORS = Counter(
    "newswire_archive_errors", "pages.raw messages that were not pages (dead-lettered).", ["reason"]
)
