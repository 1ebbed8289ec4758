"""Fetcher memory: peak RSS of `newswire fetcher` while it fetches endless bodies and gzip bombs.

A hostile site (a separate server process) listens on ``2 × --pairs`` ports of 127.0.0.1; in
each pair one host serves an endless body (HTML without end, no Content-Length) and the other
a decompression bomb (1 GiB of zeros, gzip-compressed to about 1 MB), fetched at the same
time. The real fetcher runs as its own process with the default caps
(``NEWSWIRE_MAX_BODY_BYTES`` 10 MiB on the wire, ``NEWSWIRE_MAX_DECOMPRESSED_BYTES`` 40 MiB
decoded) and host delay 0, and publishes every (truncated) page to the real broker. Its peak
RSS is the kernel's high-water mark (``VmHWM``), read when the last page is on ``pages.raw``.

The peer is plain httpx streaming with the same caps and the same concurrency, keeping each
capped body in memory and doing nothing else; the caps' sum (10 + 40 MiB per pair) is what a
fetch holding both capped bodies at once would add.

    .venv/bin/python bench/fetch_memory.py --pairs 1

Needs the local broker (``deploy/local/services.sh up``). Writes the ``memory`` block of the
``## Fetcher`` section of docs/benchmarks.md (``--no-docs`` to skip).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import _report

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
#: The fetcher's default caps (Settings.max_body_bytes, max_decompressed_bytes).
WIRE_CAP = 10 * MIB
DECODED_CAP = 40 * MIB
BOMB_ZEROS = 1024 * MIB


def _bomb() -> bytes:
    """1 GiB of zeros, gzip-compressed (about 1 MB), built without holding the GiB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    parts = [packer.compress(zeros) for _ in range(BOMB_ZEROS // MIB)]
    parts.append(packer.flush())
    return b"".join(parts)


def serve(hosts: int) -> None:
    """Server mode: ``hosts`` ports on 127.0.0.1; prints the ports as JSON, runs until killed."""
    from aiohttp import web

    bomb = _bomb()
    chunk = b"<p>" + b"endless " * 8190 + b"</p>\n"

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            while True:
                await response.write(chunk)
        except (ConnectionError, RuntimeError):
            pass
        return response

    async def gzip_bomb(request: web.Request) -> web.Response:
        return web.Response(
            body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )

    async def listen() -> None:
        app = web.Application()
        app.router.add_get("/endless/{n}", endless)
        app.router.add_get("/bomb/{n}", gzip_bomb)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        ports = []
        for _ in range(hosts):
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        print(json.dumps(ports), flush=True)
        await asyncio.Event().wait()

    asyncio.run(listen())


def urls(ports: list[int]) -> list[str]:
    """An endless body on the even ports, a bomb on the odd ones."""
    return [
        f"http://127.0.0.1:{p}/{'bomb' if i % 2 else 'endless'}/{p}" for i, p in enumerate(ports)
    ]


def peak_rss_mib(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process, in MiB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


async def fetcher_run(ports: list[int]) -> dict[str, Any]:
    """The real fetcher process: fresh topics, the hostile URLs, peak RSS once all are out."""
    from aiokafka import AIOKafkaConsumer

    from newswire.broker import client_options, create_topics, delete_topics, make_producer
    from newswire.records import CrawlRequest
    from newswire.settings import Settings
    from newswire.topics import Topic, topic_name

    settings = Settings(
        topic_prefix=f"bench-mem-{os.urandom(4).hex()}.",
        allow_private_networks=["127.0.0.1"],
        host_delay_s=0.0,
        max_body_bytes=WIRE_CAP,
        max_decompressed_bytes=DECODED_CAP,
        data_dir=Path(tempfile.mkdtemp()),
        log_level="WARNING",
    )
    await create_topics(settings)
    env = {**os.environ, **settings.as_environment()}
    seeds = Path(settings.data_dir) / "sites.yaml"
    seeds.write_text("sites: []\n")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "newswire", "fetcher", "--seeds", str(seeds), "--no-schedule", env=env
    )
    consumer = AIOKafkaConsumer(
        topic_name(Topic.PAGES_RAW, settings),
        **client_options(settings),
        group_id=None,
        auto_offset_reset="earliest",
        fetch_max_bytes=64 * MIB,
        max_partition_fetch_bytes=64 * MIB,
    )
    await consumer.start()
    try:
        await asyncio.sleep(5.0)  # started, connected, idle
        idle_rss, _ = peak_rss_mib(process.pid)
        wanted = urls(ports)
        producer = make_producer(settings)
        await producer.start()
        topic = topic_name(Topic.CRAWL_REQUESTS, settings)
        for url in wanted:
            request = CrawlRequest(url=url, source="cli")
            await producer.send_and_wait(topic, request.to_bytes(), key=url.split("/")[2].encode())
        await producer.stop()
        started = time.perf_counter()
        got = 0
        deadline = time.monotonic() + 300
        while got < len(wanted):
            assert time.monotonic() < deadline, f"only {got} of {len(wanted)} pages in 300 s"
            assert process.returncode is None, "the fetcher exited"
            batch = await consumer.getmany(timeout_ms=500)
            got += sum(len(records) for records in batch.values())
        elapsed = time.perf_counter() - started
        rss, peak = peak_rss_mib(process.pid)
    finally:
        await consumer.stop()
        if process.returncode is None:
            process.terminate()
            await process.wait()
        await delete_topics(settings)
    return {"idle_mib": idle_rss, "peak_mib": peak, "end_mib": rss, "seconds": elapsed}


def peer(ports: list[int]) -> None:
    """Peer mode: plain httpx streaming, same caps and concurrency; prints its peak RSS."""
    import httpx

    async def fetch(client: httpx.AsyncClient, url: str) -> int:
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS) if "/bomb/" in url else None
        body = bytearray()
        wire = 0
        async with client.stream("GET", url) as response:
            async for chunk in response.aiter_raw(65536):
                wire += len(chunk)
                if decoder is not None:
                    body += decoder.decompress(chunk, DECODED_CAP - len(body) + 1)
                    if len(body) > DECODED_CAP:
                        break
                else:
                    body += chunk
                if wire >= WIRE_CAP:
                    break
        return len(body)

    async def main() -> None:
        async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
            await asyncio.gather(*(fetch(client, url) for url in urls(ports)))

    idle, _ = peak_rss_mib(os.getpid())
    asyncio.run(main())
    rss, peak = peak_rss_mib(os.getpid())
    print(json.dumps({"idle_mib": idle, "peak_mib": peak, "end_mib": rss}), flush=True)


FETCHER_INTRO = """\
The fetcher worker (`newswire fetcher`): crawl requests in, raw pages to `pages.raw` on the
real local Kafka broker. Regenerate with `.venv/bin/python bench/fetch_throughput.py`."""


def report(args: argparse.Namespace, fetcher: dict[str, Any], plain: dict[str, Any]) -> str:
    caps = args.pairs * (WIRE_CAP + DECODED_CAP) / MIB
    rows = [
        ("`newswire fetcher` (guard, robots, politeness, capped fetch, RawPage to Kafka)", fetcher),
        ("peer: plain httpx streaming, same caps, bodies kept in memory", plain),
    ]
    table = "\n".join(
        f"| {name} | {r['idle_mib']:.0f} | {r['peak_mib']:.0f} "
        f"| {r['peak_mib'] - r['idle_mib']:.0f} |"
        for name, r in rows
    )
    return f"""### Peak memory: endless bodies and decompression bombs — {_report.stamp()}

`.venv/bin/python bench/fetch_memory.py --pairs {args.pairs}`: {args.pairs} endless body and
{args.pairs} gzip bomb (1 GiB of zeros in {len(_bomb()) / MIB:.1f} MiB), each on its own host
(ports of 127.0.0.1), all fetched at once with the default caps (10 MiB on the wire, 40 MiB
decoded); every truncated page published to the real broker. Peak RSS is the process's
`VmHWM`. Machine: {_report.machine()}. Running beside it: {_report.beside()};
{_report.load()}.

| process | idle RSS MiB | peak RSS MiB | peak − idle MiB |
|---|---|---|---|
{table}
| the caps' sum ({args.pairs} × (10 + 40) MiB) | | | {caps:.0f} |

Goal: peak under 150 MiB. The fetcher published the {2 * args.pairs} pages
{fetcher["seconds"]:.1f} s after the requests were sent. Its growth above idle is the two
capped bodies themselves: the decoder inflates a bomb 1 MiB at a time and hands its buffer
over without a copy. Before that change (2026-12-05) the same `--pairs 1` run peaked at
201 MiB: the whole inflated chunk, its cut at the cap, the buffer and a final copy of it.
The peer holds more than the caps' sum for the same reason."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1, help="endless + bomb host pairs at once")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.pairs * 2)
        return
    if args.peer:
        peer(json.loads(args.peer))
        return

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--pairs", str(args.pairs)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        ports = json.loads(server.stdout.readline())
        fetcher = asyncio.run(fetcher_run(ports))
        print(json.dumps({"fetcher": fetcher}), flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--peer", json.dumps(ports)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        plain = json.loads(out.strip().splitlines()[-1])
        print(json.dumps({"httpx": plain}), flush=True)
    finally:
        server.terminate()
        server.wait()
    entry = report(args, fetcher, plain)
    print(entry)
    if not args.no_docs:
        _report.write_entry("Fetcher", "memory", entry, FETCHER_INTRO)


if __name__ == "__main__":
    main()
