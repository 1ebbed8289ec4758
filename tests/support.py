"""Helpers for tests that are not fixtures: isolated settings, child-process environments."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newswire.settings import Settings


def make_settings(tmp_dir: Path, **overrides: object) -> Settings:
    """Settings isolated by a fresh topic prefix, index alias and data folder."""
    tag = uuid.uuid4().hex[:10]
    values: dict[str, object] = {
        "topic_prefix": f"test-{tag}.",
        "index_alias": f"test-{tag}-articles",
        "partitions": 2,
        "allow_private_networks": ["127.0.0.1"],
        "data_dir": tmp_dir / f"data-{tag}",
        "host_delay_s": 0.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a child process (a service under test) these settings."""
    return {**os.environ, **settings.as_environment()}


def free_port() -> int:
    """A loopback port that nothing listens on, for a child process to bind a moment later.

    Port 0 would hand out an ephemeral port, and between our check and the child's bind an
    outgoing connection (a Kafka or engine client) may take that same port as its local end:
    CI once failed on exactly that. Ports below the kernel's ephemeral range are never handed
    to outgoing connections, so only another listener could take one.
    """
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(200):
        port = random.randrange(20000, low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free loopback port in 20000-{low}")


# --- Kafka helpers for integration tests ------------------------------------------------------


async def produce(
    settings: Settings, topic: str, messages: list[tuple[bytes | None, bytes]]
) -> None:
    """Send (key, value) pairs to a topic and wait until the broker has them all."""
    from aiokafka import AIOKafkaProducer

    from newswire import broker

    producer = AIOKafkaProducer(**broker.producer_options(settings))
    await producer.start()
    try:
        batch = [await producer.send(topic, value=value, key=key) for key, value in messages]
        for future in batch:
            await future
    finally:
        await producer.stop()


def topic_consumer(settings: Settings, topic: str) -> Any:
    """An aiokafka consumer that reads ``topic`` from the beginning, outside any group."""
    from aiokafka import AIOKafkaConsumer

    from newswire import broker

    return AIOKafkaConsumer(
        topic,
        **broker.client_options(settings),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        max_partition_fetch_bytes=32 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )


async def consume(
    settings: Settings,
    topic: str,
    *,
    until: int,
    timeout: float = 120.0,
    alive: subprocess.Popen | None = None,
) -> list:
    """Read a topic from the beginning until ``until`` messages arrived (or time runs out)."""
    import asyncio
    import time

    consumer = topic_consumer(settings, topic)
    await consumer.start()
    messages: list = []
    try:
        deadline = time.monotonic() + timeout
        while len(messages) < until and time.monotonic() < deadline:
            if alive is not None and alive.poll() is not None:
                break
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                messages.extend(records)
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return messages


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG: if pytest itself dies (pytest-timeout's thread method ends it with
    # os._exit, skipping every finally), the service goes too instead of lingering for hours.
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


class ServiceProcess:
    """A newswire service (``newswire <command>``) running as a child process, as in production."""

    def __init__(self, settings: Settings, *command: str, log_path: Path) -> None:
        self.settings = settings
        self.command = command
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> ServiceProcess:
        import sys

        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newswire", *self.command],
            env=settings_env(self.settings),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no final commit — a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        if hasattr(self, "_log"):
            self._log.close()

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class TopicReader:
    """Reads a topic from the beginning; each ``await reader.read()`` returns the new messages."""

    def __init__(self, settings: Settings, topic: str) -> None:
        self._consumer = topic_consumer(settings, topic)

    async def __aenter__(self) -> TopicReader:
        await self._consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._consumer.stop()

    async def read(self, timeout_ms: int = 500) -> list:
        batch = await self._consumer.getmany(timeout_ms=timeout_ms)
        return [message for records in batch.values() for message in records]


async def clean_up(settings: Settings) -> None:
    """Delete the topics and indices a test made under its own prefix and alias."""
    from newswire.broker import delete_topics
    from newswire.search import connect

    await delete_topics(settings)
    client = await connect(settings)
    try:
        await client.request("DELETE", f"/{settings.index_alias}*")
    finally:
        await client.close()


@contextlib.contextmanager
def demo_site_running(tmp_dir: Path) -> Iterator[tuple[int, Path]]:
    """`newswire demo-site` on a free loopback port, and a copy of seeds/demo.yaml naming it."""
    port = free_port()
    seeds = tmp_dir / "demo.yaml"
    repo = Path(__file__).resolve().parents[1]
    seeds.write_text((repo / "seeds" / "demo.yaml").read_text().replace("8088", str(port)))
    server = subprocess.Popen(
        [sys.executable, "-m", "newswire", "demo-site", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield port, seeds
    finally:
        server.terminate()
        server.wait(timeout=30)


async def committed_total(settings: Settings, topic: Any, group: str) -> int:
    """The sum of the offsets ``group`` (a service's group name, unprefixed) committed on
    ``topic`` (a :class:`newswire.topics.Topic`): how many records it has finished."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from newswire.broker import client_options
    from newswire.topics import partitions_for, topic_name

    name = topic_name(topic, settings)
    consumer = AIOKafkaConsumer(
        **client_options(settings),
        group_id=f"{settings.topic_prefix}{group}",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        total = 0
        for partition in range(partitions_for(topic, settings)):
            total += await consumer.committed(TopicPartition(name, partition)) or 0
        return total
    finally:
        await consumer.stop()
