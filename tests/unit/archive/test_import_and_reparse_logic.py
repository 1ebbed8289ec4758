"""The pure decisions of import-warc (which pages go in, to which site) and reparse (what
changed), and the time argument of `reparse --since`."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import typer

from newswire.archive.commands import parse_since
from newswire.archive.importer import SitePolicy, admit
from newswire.archive.reparse import COMPARED_FIELDS, Known, changed_fields, field_digests
from newswire.archive.warc_format import page_to_warc, read_responses
from newswire.sites import Site, SiteRegistry
from tests.unit.archive.test_warc_format import page

REGISTRY = SiteRegistry([Site(name="example", hosts=["news.example.cn"])])


def response(**overrides: object):
    (found,) = read_responses(io.BytesIO(page_to_warc(page(**overrides))))
    return found


def test_known_host_is_assigned_its_site() -> None:
    admitted = admit(response(site=None), REGISTRY, SitePolicy())
    assert admitted.page is not None and admitted.page.site == "example"


def test_unknown_host_is_skipped_unless_any_site_or_site() -> None:
    other = response(final_url="https://elsewhere.example/x.html")
    assert admit(other, REGISTRY, SitePolicy()).skipped == "unknown_host"
    anywhere = admit(other, REGISTRY, SitePolicy(any_site=True)).page
    assert anywhere is not None and anywhere.site is None
    forced = admit(other, REGISTRY, SitePolicy(site="example")).page
    assert forced is not None and forced.site == "example"


def test_error_and_redirect_responses_are_skipped_by_status_class() -> None:
    assert admit(response(status=404), REGISTRY, SitePolicy()).skipped == "http_4xx"
    assert admit(response(status=301), REGISTRY, SitePolicy()).skipped == "http_3xx"


def test_changed_fields_name_only_what_differs() -> None:
    before = {name: None for name in COMPARED_FIELDS} | {"title": "旧标题", "text": "正文"}
    after = before | {"title": "新标题", "version": 99}
    known = Known(1, field_digests(before))
    assert changed_fields(known, field_digests(after)) == ["title"]
    assert changed_fields(known, field_digests(before)) == []
    assert "version" not in COMPARED_FIELDS and "extractor_version" not in COMPARED_FIELDS


def test_since_takes_times_and_ages() -> None:
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    assert parse_since("36h", now) == now - timedelta(hours=36)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("2026-12-01", now) == datetime(2026, 12, 1, tzinfo=UTC)
    assert parse_since("2026-12-01T08:00:00+08:00", now) == datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(typer.BadParameter):
        parse_since("last tuesday", now)
