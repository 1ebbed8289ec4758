"""A Kafka outage in a service's log: one line when lost, a summary while down, one when back.

The parser runs against the real broker through a proxy on loopback (tests/loopback_proxy.py);
cutting the proxy for 15 s is a broker outage for the service and nothing else (the shared
broker stays up). Before the pacing, each service wrote 1,800-2,900 error lines from
aiokafka's reconnect attempts in such an outage.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from newswire.records import RawPage
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import url_id
from tests.hostile_pages import flash_news_page
from tests.loopback_proxy import LoopbackProxy
from tests.support import ServiceProcess, consume, free_port, produce

OUTAGE_S = 15.0
SUMMARY_S = 5.0


def page(number: int) -> tuple[bytes, bytes]:
    url = f"https://news.example.cn/2025/12/0{number}/outage-{number}.html"
    raw = RawPage(
        url_id=url_id(url),
        requested_url=url,
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=flash_news_page(number),
        fetched_at=datetime(2025, 12, 10, tzinfo=UTC),
    )
    return raw.url_id.encode(), raw.to_bytes()


def events(log: Path) -> list[dict]:
    result = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            result.append(json.loads(line))
        except ValueError:
            result.append({"event": line, "level": "raw", "logger": "stderr"})
    return result


def wait_for(condition: Callable[[], bool], timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_a_broker_outage_is_three_kinds_of_line_in_the_parsers_log(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    through_proxy = settings.model_copy(
        update={
            "kafka_bootstrap_servers": f"127.0.0.1:{port}",
            "log_json": True,
            "log_summary_s": SUMMARY_S,
            "extract_workers": 0,
        }
    )
    pages_raw = topic_name(Topic.PAGES_RAW, settings)
    articles = topic_name(Topic.ARTICLES, settings)
    log_path = tmp_path / "parser.log"
    with (
        LoopbackProxy(port) as proxy,
        ServiceProcess(through_proxy, "parser", log_path=log_path) as worker,
    ):
        asyncio.run(produce(settings, pages_raw, [page(1)]))
        first = asyncio.run(consume(settings, articles, until=1, alive=worker.process))
        assert first, "the parser did not work through the proxy:\n" + worker.log_tail()
        before = len(events(log_path))

        proxy.cut()
        time.sleep(OUTAGE_S)
        proxy.restore()

        asyncio.run(produce(settings, pages_raw, [page(2)]))
        # (The first page may be parsed again: its commit may not have reached the broker
        # before the cut. Duplicates are harmless; the second page must arrive.)
        wanted = {page(1)[0], page(2)[0]}
        assert wait_for(
            lambda: (
                wanted
                <= {m.key for m in asyncio.run(consume(settings, articles, until=99, timeout=3))}
            )
        ), "no article after the outage:\n" + worker.log_tail()
        assert wait_for(lambda: any(e.get("outage_state") == "back" for e in events(log_path))), (
            worker.log_tail()
        )
        assert worker.process is not None and worker.process.poll() is None

    during = events(log_path)[before:]
    states = [e["outage_state"] for e in during if "outage_state" in e]
    print(f"{len(during)} log lines from the cut to the end; outage lines: {states}")
    for e in during:
        if e["level"] != "info":
            print(" ", e["level"], e["logger"], e["event"][:150])
    assert states[0] == "lost" and states[-1] == "back", states
    assert states.count("lost") == 1 and states.count("back") == 1, states
    [back] = [e for e in during if e.get("outage_state") == "back"]
    # One summary per SUMMARY_S while down: the outage lasts OUTAGE_S and the reconnection.
    assert back["down_s"] >= OUTAGE_S - 1
    assert 1 <= states.count("down") <= back["down_s"] / SUMMARY_S + 1
    # Every complaint is counted: what the log would have held without the pacing.
    assert back["error_lines"] > 10 * len(states)
    client_lines = [e for e in during if e["logger"].startswith("aiokafka")]
    assert len(client_lines) <= len(states) + 10, "\n".join(e["event"][:200] for e in client_lines)


def test_a_broker_that_never_answers_is_one_line_not_a_flood(
    settings: Settings, tmp_path: Path
) -> None:
    """Started against a closed loopback port, the parser says so once and exits (a
    supervisor restarts it); it does not retry into the log."""
    nowhere = settings.model_copy(
        update={"kafka_bootstrap_servers": f"127.0.0.1:{free_port()}", "log_json": True}
    )
    log_path = tmp_path / "parser.log"
    with ServiceProcess(nowhere, "parser", log_path=log_path) as worker:
        assert worker.process is not None
        assert wait_for(lambda: worker.process.poll() is not None, timeout=120)
        assert worker.process.returncode != 0
    written = events(log_path)
    states = [e["outage_state"] for e in written if "outage_state" in e]
    assert states == ["lost"], worker.log_tail()
    problems = [e for e in written if e["level"] in ("warning", "error", "critical", "raw")]
    assert len(problems) <= 5, "\n".join(e["event"][:200] for e in problems)
