"""Outages in the logs: the episode pacer (log_pacing.py) and the outage lines (logs.py)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from newswire.log_pacing import Action, EpisodePacer
from newswire.logs import KAFKA_QUIET_S, JsonFormatter, OutageFilter, client_of, outage_of


def test_first_event_is_written_then_one_summary_per_interval() -> None:
    pacer = EpisodePacer(summary_every_s=60)
    actions = [pacer.event("kafka", t / 150) for t in range(150 * 150)]  # 150/s for 150 s
    written = [(round(v.since_s), v.suppressed) for v in actions if v.write]
    assert actions[0].action is Action.FIRST
    assert [a.action for a in actions if a.write][1:] == [Action.SUMMARY, Action.SUMMARY]
    assert written == [(0, 0), (60, 8999), (120, 8999)]


def test_keys_are_paced_apart() -> None:
    pacer = EpisodePacer(summary_every_s=60)
    assert pacer.event("a", 0).write and pacer.event("b", 1).write
    assert not pacer.event("a", 2).write


def test_end_reports_the_episode_and_the_next_event_starts_a_new_one() -> None:
    pacer = EpisodePacer(summary_every_s=60)
    for t in range(10):
        pacer.event("search", t)
    end = pacer.end("search")
    assert end is not None and (end.duration_s, end.events, end.suppressed) == (9, 10, 9)
    assert pacer.end("search") is None
    assert pacer.event("search", 100).action is Action.FIRST


def test_quiet_ends_episodes_without_events() -> None:
    pacer = EpisodePacer(summary_every_s=60, quiet_after_s=10)
    pacer.event("kafka", 0)
    pacer.event("kafka", 5)
    assert pacer.quiet(14) == []
    ended = pacer.quiet(15)
    assert [(e.key, e.duration_s, e.events) for e in ended] == [("kafka", 5, 2)]
    assert not pacer.active("kafka")
    assert EpisodePacer(60).quiet(10_000) == []  # without quiet_after_s: only end() ends


# --- the outage filter ----------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def captured() -> tuple[OutageFilter, Clock, io.StringIO]:
    """A JSON handler with the outage filter on loggers of our own (no global set-up)."""
    clock = Clock()
    outages = OutageFilter(summary_every_s=60, clock=clock)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter("test"))
    handler.addFilter(outages)
    loggers = [logging.getLogger(n) for n in ("aiokafka", "newswire.outage", "newswire.x")]
    loggers.append(logging.getLogger("elastic_transport.node_pool"))
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(logging.INFO)
    yield outages, clock, out
    for logger in loggers:
        logger.removeHandler(handler)
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_broker_outage_is_three_kinds_of_line(captured) -> None:
    outages, clock, out = captured
    kafka = logging.getLogger("aiokafka")
    for step in range(150 * 90):  # 90 s down at aiokafka's 150 complaints a second
        clock.now = step / 150
        kafka.error('Unable connect to "%s:%s": %s', "127.0.0.1", 9092, "refused")
        outages.tick()
    clock.now = 90 + KAFKA_QUIET_S - 1
    outages.tick()
    assert len(lines(out)) == 2  # still within the quiet period
    clock.now = 90 + KAFKA_QUIET_S
    outages.tick()
    written = lines(out)
    assert [e["outage_state"] for e in written] == ["lost", "down", "back"]
    lost, down, back = written
    assert lost["event"] == 'Kafka connection lost: Unable connect to "127.0.0.1:9092": refused'
    assert lost["level"] == "error" and lost["outage"] == "kafka"
    assert down["event"].startswith("Kafka still unreachable after 60s: 8999 more error lines")
    assert back["event"].startswith("Kafka connection back after 90s (13500 error lines")
    assert back["logger"] == "newswire.outage"


def test_a_search_outage_ends_when_the_indexer_succeeds(captured) -> None:
    outages, clock, out = captured
    for t in range(5):
        clock.now = t * 30
        logging.getLogger("elastic_transport.node_pool").warning(
            "POST %s [status:N/A request:0.002s]", "http://es1:9200/_bulk"
        )
        logging.getLogger("newswire.x").warning("unrelated")  # not paced
        outages.tick()  # no quiet period for the search engine: backoffs are long
    outages.recovered("search")
    outages.recovered("search")  # nothing more to say
    written = [(e.get("outage_state"), e["event"][:40]) for e in lines(out)]
    assert written == [
        ("lost", "search engine connection lost: POST http"),
        (None, "unrelated"),
        (None, "unrelated"),
        ("down", "search engine still unreachable after 60"),
        (None, "unrelated"),
        (None, "unrelated"),
        ("down", "search engine still unreachable after 12"),
        (None, "unrelated"),
        ("back", "search engine connection back after 120s"),
    ]


def test_which_records_are_about_an_outage() -> None:
    def record(name: str, level: int = logging.ERROR, msg: str = "x") -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, msg, (), None)

    refused = 'Unable connect to "127.0.0.1:9092": [Errno 111] Connect call failed'
    assert outage_of(record("aiokafka", msg=refused)) == "kafka"
    assert outage_of(record("aiokafka.conn", msg="Unable to update metadata from [1]")) == "kafka"
    assert outage_of(record("aiokafka", logging.INFO, msg=refused)) is None
    assert outage_of(record("aiokafkax", msg=refused)) is None
    assert outage_of(record("newswire.outage", msg=refused)) is None
    # A rebalance is not an outage (but is a client's warning, paced per message).
    rebalance = record("aiokafka.consumer.group_coordinator", msg="Heartbeat failed: rebalance")
    assert outage_of(rebalance) is None and client_of(rebalance) == "kafka"
    assert outage_of(record("opensearch", msg="GET /x [status:N/A request:0.1s]")) == "search"
    assert outage_of(record("opensearch", msg="GET /x [status:404 request:0.1s]")) is None
    unavailable = record(
        "newswire.indexer.bulk_writer", logging.WARNING, "search engine unavailable"
    )
    assert outage_of(unavailable) == "search"
    assert outage_of(record("newswire.indexer.bulk_writer", msg="bulk retry")) is None
    retry = record("newswire.indexer.bulk_writer", msg="bulk retry")
    retry.causes = "http_429,unavailable"
    assert outage_of(retry) == "search"


def test_other_client_warnings_are_paced_per_message(captured) -> None:
    _, clock, out = captured
    kafka = logging.getLogger("aiokafka")
    for step in range(130):
        clock.now = step
        kafka.warning("OffsetCommit failed for group %s: %s", "g", "RebalanceInProgressError")
        if step % 50 == 0:
            kafka.warning("Topic %s not found in cluster metadata", "t")
    written = [(e["event"], e.get("outage_state")) for e in lines(out)]
    assert written == [
        ("OffsetCommit failed for group g: RebalanceInProgressError", None),
        ("Topic t not found in cluster metadata", None),
        (
            "OffsetCommit failed for group g: RebalanceInProgressError (and 59 more like it since "
            "the last)",
            None,
        ),
        ("Topic t not found in cluster metadata (and 1 more like it since the last)", None),
        (
            "OffsetCommit failed for group g: RebalanceInProgressError (and 59 more like it since "
            "the last)",
            None,
        ),
    ]
