"""A search-engine outage in the indexer's log: one line when lost, summaries, one when back.

The indexer reaches the real engine through a loopback proxy (tests/loopback_proxy.py in plain
mode) that the test cuts for 15 s; the shared engine itself stays up.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from newswire.search import connect
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from tests.integration.indexer.conftest import IndexerProcess, wait_for_count
from tests.integration.indexer.synthetic import encoded, make_article
from tests.loopback_proxy import LoopbackProxy
from tests.support import free_port, produce

OUTAGE_S = 15.0
SUMMARY_S = 5.0


def events(log: Path) -> list[dict]:
    result = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            result.append(json.loads(line))
        except ValueError:
            result.append({"event": line, "level": "raw", "logger": "stderr"})
    return result


async def test_a_search_outage_is_three_kinds_of_line_in_the_indexers_log(
    fast_settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    through_proxy = fast_settings.model_copy(
        update={"search_url": f"http://127.0.0.1:{port}", "log_summary_s": SUMMARY_S}
    )
    articles = topic_name(Topic.ARTICLES, fast_settings)
    log_path = tmp_path / "indexer.log"
    client = await connect(fast_settings)  # straight to the engine, for the counts
    try:
        with (
            LoopbackProxy(port, 9200, kafka=False) as proxy,
            IndexerProcess(through_proxy, log_path=log_path) as worker,
        ):

            def alive() -> None:
                assert worker.process and worker.process.poll() is None, worker.log_tail()

            await produce(fast_settings, articles, [encoded(make_article(i)) for i in range(20)])
            count = await wait_for_count(client, fast_settings.index_alias, 20, alive=alive)
            assert count == 20, worker.log_tail()
            before = len(events(log_path))

            proxy.cut()
            await produce(
                fast_settings, articles, [encoded(make_article(i)) for i in range(20, 40)]
            )
            time.sleep(OUTAGE_S)
            proxy.restore()

            count = await wait_for_count(client, fast_settings.index_alias, 40, alive=alive)
            assert count == 40, worker.log_tail()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(
                e.get("outage_state") == "back" for e in events(log_path)
            ):
                time.sleep(0.5)
    finally:
        await client.close()

    during = events(log_path)[before:]
    states = [e["outage_state"] for e in during if "outage_state" in e]
    print(f"{len(during)} log lines from the cut to the end; outage lines: {states}")
    for e in during:
        if e["level"] != "info":
            print(" ", e["level"], e["logger"], e["event"][:150])
    assert states[0] == "lost" and states[-1] == "back", states
    assert states.count("lost") == 1 and states.count("back") == 1
    assert all(e.get("outage") == "search" for e in during if "outage_state" in e)
    problems = [e for e in during if e["level"] in ("warning", "error", "critical", "raw")]
    unpaced = [e for e in problems if "outage_state" not in e]
    assert unpaced == [], "\n".join(e["event"][:200] for e in unpaced)
