"""The extractor's version, and the article version built from it.

Bump :data:`EXTRACTOR_VERSION` with any change that alters what some page extracts to. Every
article records the version that produced it (``Article.extractor_version``), and it is part
of the article's ``version``, the search index's external version::

    version = fetch time in ms * 1000 + extractor version      (extractor versions 0-999)

so for one article id a later fetch always wins, and for the same fetch the newer extractor
wins: after an upgrade, ``newswire reparse`` re-extracts pages already fetched and the index
takes the new fields, while an older parser's output for the same fetch (a replica not yet
upgraded, a replayed dead letter) can no longer overwrite them. Both numbers fit an index's
64-bit version and a JSON number's 53 bits until the year 2255.
"""

from __future__ import annotations

from datetime import datetime

#: Read at call time (``version.EXTRACTOR_VERSION``), so tests can simulate an upgrade.
EXTRACTOR_VERSION = 4

#: Room for extractor versions in an article version.
_SLOTS = 1000


def article_version(fetched_at: datetime | None, extractor_version: int) -> int:
    """The article's version for a fetch (0 when the fetch time is unknown) and extractor."""
    if not 0 <= extractor_version < _SLOTS:
        raise ValueError(f"extractor version must be in 0..{_SLOTS - 1}, got {extractor_version}")
    fetched_ms = int(fetched_at.timestamp() * 1000) if fetched_at else 0
    return fetched_ms * _SLOTS + extractor_version


def fetched_ms_of(version: int) -> int:
    """The fetch time in ms an article version was built from."""
    return version // _SLOTS
