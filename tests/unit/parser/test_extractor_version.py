"""Article versions: a later fetch always wins, and for one fetch the newer extractor wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswire.parser.extract.version import article_version, fetched_ms_of

FETCH = datetime(2026, 12, 5, 4, 15, tzinfo=UTC)


def test_newer_extractor_outranks_same_fetch_and_later_fetch_outranks_both() -> None:
    v1 = article_version(FETCH, 1)
    v2 = article_version(FETCH, 2)
    later = article_version(FETCH + timedelta(milliseconds=1), 1)
    assert v1 < v2 < later
    assert fetched_ms_of(v2) == int(FETCH.timestamp() * 1000)


def test_versions_fit_json_numbers_and_reject_out_of_range_extractor_versions() -> None:
    assert article_version(datetime(2250, 1, 1, tzinfo=UTC), 999) < 2**53
    assert article_version(None, 3) == 3
    with pytest.raises(ValueError):
        article_version(FETCH, 1000)
