"""The extractor pool: real spawned processes, pages through pipes, crashes and hangs."""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

import pytest

from newswire.parser.extractor_pool import ExtractorPool, WorkerCrashed, WorkerTimeout
from tests.pool_jobs import reverse


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child that nobody reaped yet is a zombie, not a running process.
    return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


async def eventually_gone(pid: int) -> bool:
    for _ in range(50):
        if not running(pid):
            return True
        await asyncio.sleep(0.1)
    return False


@pytest.fixture
async def pool():
    pool = ExtractorPool(2, reverse, timeout_s=2.0)
    await pool.start()
    yield pool
    pool.stop()


async def test_every_job_gets_its_own_result_whatever_its_size(pool: ExtractorPool) -> None:
    rng = random.Random(7)
    # Up to 3 MB: bigger than the widened pipes, so frames arrive in pieces.
    payloads = [rng.randbytes(rng.choice([0, 1, 100, 70_000, 3_000_000])) for _ in range(120)]
    results = await asyncio.gather(*(pool.run(p) for p in payloads))
    assert results == [p[::-1] for p in payloads]


async def test_jobs_are_spread_over_the_workers(pool: ExtractorPool) -> None:
    pids = set(await asyncio.gather(*(pool.run(b"pid") for _ in range(40))))
    assert {int(p) for p in pids} == set(pool.pids()) and len(pids) == 2


async def test_a_page_that_kills_two_workers_fails_and_the_rest_go_on(
    pool: ExtractorPool,
) -> None:
    before = pool.pids()
    jobs = [pool.run(b"crash"), *(pool.run(b"page %d" % i) for i in range(20))]
    results = await asyncio.gather(*jobs, return_exceptions=True)
    assert isinstance(results[0], WorkerCrashed)
    assert results[1:] == [(b"page %d" % i)[::-1] for i in range(20)]
    await asyncio.sleep(0.2)
    assert len(pool.pids()) == 2 and set(pool.pids()) != set(before)
    assert await pool.run(b"after") == b"retfa"


async def test_a_page_that_crashed_a_worker_once_is_tried_again(
    pool: ExtractorPool, tmp_path: Path
) -> None:
    marker = tmp_path / "crashed-once"
    payload = b"crash-once:" + str(marker).encode()
    assert await pool.run(payload) == payload[::-1]
    assert marker.exists()


async def test_a_hanging_page_times_out_and_its_worker_is_replaced(pool: ExtractorPool) -> None:
    pids = pool.pids()
    hang = asyncio.ensure_future(pool.run(b"hang"))
    await asyncio.sleep(0.1)
    others = await asyncio.gather(*(pool.run(b"x%d" % i) for i in range(10)))
    assert others == [(b"x%d" % i)[::-1] for i in range(10)]
    with pytest.raises(WorkerTimeout):
        await hang
    killed = [pid for pid in pids if pid not in pool.pids()]
    assert len(killed) == 1 and await eventually_gone(killed[0])
    assert await pool.run(b"still") == b"llits"


async def test_stop_ends_the_workers() -> None:
    pool = ExtractorPool(2, reverse, timeout_s=2.0)
    assert await pool.run(b"ab") == b"ba"  # started on first use
    pids = pool.pids()
    pool.stop()
    assert all([await eventually_gone(pid) for pid in pids])
