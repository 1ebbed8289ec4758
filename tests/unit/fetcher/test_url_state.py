from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import pytest

from newswire.fetcher.url_state import (
    ROBOTS_UNAVAILABLE,
    Outcome,
    UrlState,
    apply_outcome,
    plan_fetch,
    retry_in_s,
)
from newswire.records import CrawlRequest
from newswire.urls import url_id

pytestmark = pytest.mark.unit

T0 = datetime(2025, 3, 12, 0, 50, tzinfo=UTC)
URL = "https://news.example.com/2025/03/12/a.html"


def fetched(kind: str = "page", **kw: object) -> UrlState:
    request = CrawlRequest(url=URL, kind=kind)  # type: ignore[arg-type]
    outcome = Outcome("fetched", status=200, etag='"v1"', last_modified="Wed, 12 Mar 2025", **kw)  # type: ignore[arg-type]
    return apply_outcome(None, request, url_id(URL), outcome, T0)


def test_new_url_is_fetched() -> None:
    plan = plan_fetch(CrawlRequest(url=URL), None, T0, revisit_s=60)
    assert plan.fetch and plan.reason == "new" and plan.headers == {}


def test_article_fetched_once() -> None:
    state = fetched()
    plan = plan_fetch(CrawlRequest(url=URL), state, T0 + timedelta(days=3), revisit_s=60)
    assert not plan.fetch and plan.reason == "already_fetched"


def test_article_refetch_when_configured_or_forced() -> None:
    state = fetched()
    assert plan_fetch(CrawlRequest(url=URL), state, T0, revisit_s=60, refetch_articles=True).fetch
    forced = plan_fetch(CrawlRequest(url=URL, force=True), state, T0, revisit_s=60)
    assert forced.fetch and forced.headers == {}


def test_article_permanent_failure_settles_transient_does_not() -> None:
    request = CrawlRequest(url=URL)
    gone = apply_outcome(None, request, url_id(URL), Outcome("http_404", status=404), T0)
    assert not plan_fetch(request, gone, T0, revisit_s=60).fetch
    timeout = apply_outcome(None, request, url_id(URL), Outcome("timeout"), T0)
    assert plan_fetch(request, timeout, T0, revisit_s=60).reason == "retry"
    busy = apply_outcome(None, request, url_id(URL), Outcome("http_503", status=503), T0)
    assert plan_fetch(request, busy, T0, revisit_s=60).fetch
    denied = apply_outcome(None, request, url_id(URL), Outcome("robots_denied"), T0)
    assert plan_fetch(request, denied, T0, revisit_s=60).fetch


def test_list_page_revisited_when_due_with_conditional_headers() -> None:
    state = fetched("list")
    request = CrawlRequest(url=URL, kind="list")
    early = plan_fetch(request, state, T0 + timedelta(seconds=30), revisit_s=60)
    assert not early.fetch and early.reason == "not_due"
    due = plan_fetch(request, state, T0 + timedelta(seconds=61), revisit_s=60)
    assert due.fetch and due.reason == "revisit"
    assert due.headers == {"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 12 Mar 2025"}


def test_not_modified_keeps_validators_and_hash() -> None:
    state = fetched("list", content_hash="abc")
    request = CrawlRequest(url=URL, kind="list")
    later = T0 + timedelta(minutes=5)
    after = apply_outcome(state, request, state.url_id, Outcome("not_modified", status=304), later)
    assert after.etag == '"v1"' and after.content_hash == "abc"
    assert after.last_fetched == later and after.fetch_count == 2 and after.first_seen == T0


def test_failed_list_page_is_retried_before_interval() -> None:
    request = CrawlRequest(url=URL, kind="feed")
    failed = apply_outcome(None, request, url_id(URL), Outcome("timeout"), T0)
    assert failed.failures == 1
    plan = plan_fetch(request, failed, T0 + timedelta(seconds=1), revisit_s=600)
    assert plan.fetch and plan.headers == {}


def test_state_round_trips_compactly() -> None:
    state = fetched(content_hash="abc")
    data = state.to_bytes()
    assert UrlState.from_bytes(data) == state
    assert len(data) < 400


COOLDOWN = 24 * 3600.0


def failed(reason: str, kind: str = "page", status: int | None = None) -> UrlState:
    request = CrawlRequest(url=URL, kind=kind)  # type: ignore[arg-type]
    return apply_outcome(None, request, url_id(URL), Outcome(reason, status=status), T0)


@pytest.mark.parametrize("reason", ["timeout", "robots_denied", "http_503"])
def test_a_dead_lettered_article_cools_down_before_another_link_fetches_it(reason: str) -> None:
    state = failed(reason)
    linked_again = CrawlRequest(url=URL, source="outlink")
    soon = plan_fetch(
        linked_again, state, T0 + timedelta(hours=1), revisit_s=60, cooldown_s=COOLDOWN
    )
    assert not soon.fetch and soon.reason == "cooling_down"
    later = plan_fetch(
        linked_again, state, T0 + timedelta(hours=25), revisit_s=60, cooldown_s=COOLDOWN
    )
    assert later.fetch and later.reason == "retry"


def test_forced_and_replayed_requests_skip_the_cool_down() -> None:
    state = failed("timeout")
    soon = T0 + timedelta(minutes=1)
    assert plan_fetch(
        CrawlRequest(url=URL, force=True), state, soon, revisit_s=60, cooldown_s=COOLDOWN
    ).fetch
    replayed = plan_fetch(
        CrawlRequest(url=URL), state, soon, revisit_s=60, cooldown_s=COOLDOWN, replayed=True
    )
    assert replayed.fetch


def test_a_failed_list_page_cools_down_until_its_next_revisit_if_sooner() -> None:
    state = failed("timeout", kind="list")
    request = CrawlRequest(url=URL, kind="list")
    early = plan_fetch(
        request, state, T0 + timedelta(seconds=100), revisit_s=600, cooldown_s=COOLDOWN
    )
    assert not early.fetch and early.reason == "cooling_down"
    due = plan_fetch(
        request, state, T0 + timedelta(seconds=601), revisit_s=600, cooldown_s=COOLDOWN
    )
    assert due.fetch


def test_an_address_refusal_is_permanent() -> None:
    state = failed("address_refused")
    much_later = T0 + timedelta(days=30)
    plan = plan_fetch(CrawlRequest(url=URL), state, much_later, revisit_s=60, cooldown_s=COOLDOWN)
    assert not plan.fetch and plan.reason == "refused"
    listed = plan_fetch(CrawlRequest(url=URL, kind="list"), state, much_later, revisit_s=60)
    assert not listed.fetch
    assert plan_fetch(CrawlRequest(url=URL, force=True), state, much_later, revisit_s=60).fetch


def test_retry_in_matches_what_plan_fetch_will_decide() -> None:
    def retry_in(state: UrlState) -> float | None:
        return retry_in_s(state, cooldown_s=COOLDOWN, revisit_s=600)

    assert retry_in(failed("timeout")) == COOLDOWN
    assert retry_in(failed("timeout", kind="list")) == 600
    assert retry_in(failed("http_404", status=404)) is None  # a settled article
    assert retry_in(failed("address_refused")) is None


def test_an_unreadable_robots_txt_keeps_a_url_away_only_until_it_is_asked_again() -> None:
    # Its host's robots.txt answered 5xx: nothing is known about the URL itself.
    state = failed(ROBOTS_UNAVAILABLE)
    linked_again = CrawlRequest(url=URL, source="outlink")
    plan = functools.partial(plan_fetch, revisit_s=60, cooldown_s=COOLDOWN, robots_retry_s=600)
    assert plan(linked_again, state, T0 + timedelta(seconds=300)).reason == "cooling_down"
    assert plan(linked_again, state, T0 + timedelta(seconds=601)).fetch
    assert retry_in_s(state, cooldown_s=COOLDOWN, revisit_s=60, robots_retry_s=600) == 600
    # A robots.txt that was read and said no keeps the whole cool-down.
    denied = failed("robots_denied")
    assert plan(linked_again, denied, T0 + timedelta(seconds=601)).reason == "cooling_down"
    assert retry_in_s(denied, cooldown_s=COOLDOWN, revisit_s=60, robots_retry_s=600) == COOLDOWN
