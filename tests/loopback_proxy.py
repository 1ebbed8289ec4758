"""A TCP proxy on 127.0.0.1 in front of the real broker (or the real search engine), which a
test can cut and restore.

A Kafka client connects to the bootstrap address only to learn the brokers' advertised
addresses, then connects to those. So that every connection of a service under test goes
through the proxy (and a cut is a real outage for it), the proxy rewrites the broker's
advertised port in the broker's answers (metadata, coordinator lookups) to its own port: the
bytes ``127.0.0.1`` followed by the port as a big-endian int32 are the same in every version
of those responses, and the rewrite keeps the length. Everything else passes unchanged.
With ``kafka=False`` the proxy passes bytes as they come (HTTP to the search engine).
"""

from __future__ import annotations

import asyncio
import struct
import threading
from concurrent.futures import Future
from typing import Any

HOST = "127.0.0.1"


class LoopbackProxy:
    """Listens on ``port``, forwards to the broker at ``upstream_port``; ``cut``, ``restore``."""

    def __init__(self, port: int, upstream_port: int = 9092, *, kafka: bool = True) -> None:
        self.port = port
        self.upstream_port = upstream_port
        self.kafka = kafka
        self._advertised = HOST.encode() + struct.pack(">i", upstream_port)
        self._ours = HOST.encode() + struct.pack(">i", port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.connections = 0

    # --- control, from the test's thread -----------------------------------------------------

    def __enter__(self) -> LoopbackProxy:
        self._thread.start()
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def restore(self) -> None:
        """Listen again: new connections reach the broker."""
        self._run(self._listen())

    def cut(self) -> None:
        """Stop listening and drop every open connection: the broker is unreachable."""
        self._run(self._close())

    def _run(self, coro: Any) -> None:
        future: Future[None] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        future.result(timeout=30)

    # --- the proxy, on its own event loop ----------------------------------------------------

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, HOST, self.port)

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            broker_r, broker_w = await asyncio.open_connection(HOST, self.upstream_port)
        except OSError:
            client_w.transport.abort()
            return
        self._writers.update((client_w, broker_w))
        await asyncio.gather(
            self._pipe(client_r, broker_w, rewrite=False),
            self._pipe(broker_r, client_w, rewrite=True),
            return_exceptions=True,
        )
        for writer in (client_w, broker_w):
            self._writers.discard(writer)
            writer.transport.abort()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, rewrite: bool
    ) -> None:
        try:
            while not self.kafka:
                data = await reader.read(65536)
                if not data:
                    return
                writer.write(data)
                await writer.drain()
            while True:
                # One Kafka frame: a 4-byte size, then the request or response.
                head = await reader.readexactly(4)
                (size,) = struct.unpack(">i", head)
                frame = await reader.readexactly(size)
                if rewrite:
                    frame = frame.replace(self._advertised, self._ours)
                writer.write(head + frame)
                await writer.drain()
        finally:
            writer.transport.abort()
