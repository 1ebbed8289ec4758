"""A pool of extractor processes that the event loop feeds and reads itself.

Why not ``concurrent.futures.ProcessPoolExecutor``: for every page it hands the call to a
management thread, which pickles it for a feeder thread, and takes each result back through
that management thread. Those threads and their hand-overs of the GIL cost the parser process
about 0.3 ms of CPU per page, which the extractors need on a two-core machine. And a page that
hangs a worker keeps that worker for good, because the executor cannot stop a running call.

Here each worker process has a pipe in and a pipe out, both read and written by the event loop
through asyncio's pipe transports (non-blocking, no threads). A worker has at most
:data:`IN_FLIGHT` pages sent to it, so the next page is already in its pipe when it finishes
one. A worker that overruns the timeout is killed and replaced; the page gets a timeout
result. A worker that dies takes only its current page with it: that page is tried once more
in a fresh worker and fails as a crash if it kills that one too; pages queued behind it are
sent again elsewhere.

The frames on both pipes are those of ``multiprocessing.connection.Connection``: a 4-byte
big-endian length, then the bytes. Workers use ``Connection`` itself; the loop side frames
them here. Pages go in as the bytes that came off the broker; results come back pickled.
"""

from __future__ import annotations

import asyncio
import collections
import fcntl
import logging
import multiprocessing
import pickle
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Pages sent to one worker ahead of its results: the one it works on and the next.
IN_FLIGHT = 2
#: Linux's F_SETPIPE_SZ; 1 MiB is the default /proc/sys/fs/pipe-max-size for any user. With
#: room for a whole page (or result) a write never waits for the reader to drain 64 KiB steps.
_F_SETPIPE_SZ = 1031
_PIPE_BYTES = 1 << 20
_HEADER = struct.Struct("!i")


class WorkerCrashed(Exception):
    """The worker died while working on this job, twice."""


class WorkerTimeout(Exception):
    """The job ran longer than the pool's timeout; its worker was killed."""


def serve(
    jobs: Connection,
    results: Connection,
    handle: Callable[[bytes], Any],
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
) -> None:
    """A worker process's life: set up, then one result per job until the pipe closes."""
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            job = jobs.recv_bytes()
        except (EOFError, OSError):
            return  # the parser closed our pipe or died
        results.send_bytes(pickle.dumps(handle(job), protocol=pickle.HIGHEST_PROTOCOL))


@dataclass
class _Job:
    payload: bytes
    future: asyncio.Future[Any]
    crashes: int = 0


@dataclass
class _Worker:
    process: Any  # multiprocessing.process.BaseProcess
    jobs_in: asyncio.WriteTransport
    results_out: asyncio.ReadTransport
    #: Jobs sent, oldest first: the first is the one the worker is working on.
    sent: collections.deque[_Job] = field(default_factory=collections.deque)
    deadline: asyncio.TimerHandle | None = None
    retired: bool = False


class _ResultFrames(asyncio.Protocol):
    """Splits a worker's result pipe into frames and passes them to the pool."""

    def __init__(self, pool: ExtractorPool[Any]) -> None:
        self.pool = pool
        self.worker: _Worker | None = None
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            end = _HEADER.size + size
            if len(self.buffer) < end:
                return
            frame = bytes(self.buffer[_HEADER.size : end])
            del self.buffer[:end]
            assert self.worker is not None
            self.pool._finished(self.worker, frame)

    def eof_received(self) -> bool:
        return False  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        if self.worker is not None:
            self.pool._lost(self.worker)


def _widen(connection: Connection) -> None:
    try:
        fcntl.fcntl(connection.fileno(), _F_SETPIPE_SZ, _PIPE_BYTES)
    except OSError as exc:  # a lower pipe-max-size: the default size still works
        log.debug("pipe size left at the default: %s", exc)


class ExtractorPool(Generic[T]):
    """``size`` worker processes running ``handle(payload) -> T``; ``await pool.run(payload)``.

    ``handle`` and ``initializer`` must be importable module-level functions (workers are
    spawned, not forked: the parser runs threads that a fork would copy in an undefined
    state). ``run`` raises :class:`WorkerTimeout` or :class:`WorkerCrashed` for a job that
    hangs or kills its worker; every other outcome is ``handle``'s to report.
    """

    def __init__(
        self,
        size: int,
        handle: Callable[[bytes], T],
        *,
        timeout_s: float,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        self.size = size
        self.handle = handle
        self.timeout_s = timeout_s
        self.initializer = initializer
        self.initargs = initargs
        self.workers: list[_Worker] = []
        self._waiting: collections.deque[_Job] = collections.deque()
        self._context = multiprocessing.get_context("spawn")
        self._starting: asyncio.Lock | None = None
        self._closed = False

    # --- life cycle --------------------------------------------------------------------------

    async def start(self) -> None:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            self._closed = False
            while len(self.workers) < self.size:
                self.workers.append(await self._spawn())

    async def _spawn(self) -> _Worker:
        loop = asyncio.get_running_loop()
        jobs_out, jobs_in = self._context.Pipe(duplex=False)
        results_out, results_in = self._context.Pipe(duplex=False)
        _widen(jobs_in)
        _widen(results_out)
        process = self._context.Process(
            target=serve,
            args=(jobs_out, results_in, self.handle, self.initializer, self.initargs),
            name="newswire-extractor",
            daemon=True,
        )
        process.start()
        # The worker's ends are its own now: with ours closed, its death is our end of file.
        jobs_out.close()
        results_in.close()
        frames = _ResultFrames(self)
        writer, _ = await loop.connect_write_pipe(asyncio.Protocol, jobs_in)
        reader, _ = await loop.connect_read_pipe(lambda: frames, results_out)
        worker = _Worker(process, writer, reader)
        frames.worker = worker
        return worker

    def stop(self) -> None:
        """Close every pipe (workers exit at end of file) and fail the jobs still open."""
        self._closed = True
        for worker in self.workers:
            self._retire(worker)
        self.workers.clear()
        for job in self._waiting:
            if not job.future.done():
                job.future.cancel()
        self._waiting.clear()

    def _retire(self, worker: _Worker, *, kill: bool = False) -> list[_Job]:
        """Take a worker out of service; returns the jobs it had not finished."""
        worker.retired = True
        if worker.deadline is not None:
            worker.deadline.cancel()
        worker.jobs_in.close()
        worker.results_out.close()
        if kill and worker.process.is_alive():
            worker.process.kill()
        unfinished = list(worker.sent)
        worker.sent.clear()
        if self._closed:
            for job in unfinished:
                if not job.future.done():
                    job.future.cancel()
            return []
        return unfinished

    # --- jobs ----------------------------------------------------------------------------------

    async def run(self, payload: bytes) -> T:
        if not self.workers:
            await self.start()
        job = _Job(payload, asyncio.get_running_loop().create_future())
        self._waiting.append(job)
        self._dispatch()
        return await job.future  # type: ignore[no-any-return]

    def _dispatch(self) -> None:
        """Send waiting jobs to the least busy workers that have room."""
        while self._waiting:
            ready = [w for w in self.workers if not w.retired and len(w.sent) < IN_FLIGHT]
            if not ready:
                return
            worker = min(ready, key=lambda w: len(w.sent))
            job = self._waiting.popleft()
            if job.future.done():  # cancelled while it waited
                continue
            worker.sent.append(job)
            worker.jobs_in.writelines([_HEADER.pack(len(job.payload)), job.payload])
            if len(worker.sent) == 1:
                self._watch(worker)

    def _watch(self, worker: _Worker) -> None:
        """Start the clock on the job the worker works on now."""
        if worker.deadline is not None:
            worker.deadline.cancel()
        worker.deadline = None
        if worker.sent:
            loop = asyncio.get_running_loop()
            worker.deadline = loop.call_later(self.timeout_s, self._overran, worker)

    def _finished(self, worker: _Worker, frame: bytes) -> None:
        job = worker.sent.popleft()
        self._watch(worker)
        if not job.future.done():
            try:
                job.future.set_result(pickle.loads(frame))
            except Exception as exc:  # a result that does not unpickle is the job's failure
                job.future.set_exception(exc)
        self._dispatch()

    def _overran(self, worker: _Worker) -> None:
        job = worker.sent.popleft()
        log.warning("extractor worker overran %ss; replacing it", self.timeout_s)
        if not job.future.done():
            job.future.set_exception(WorkerTimeout(f"no result after {self.timeout_s}s"))
        self._replace(worker)

    def _lost(self, worker: _Worker) -> None:
        """The worker's result pipe closed without our asking: it died."""
        if worker.retired:
            return
        code = worker.process.exitcode
        log.warning("extractor worker died (exit code %s); replacing it", code)
        if worker.sent:
            # Only the job it was working on can have killed it.
            worker.sent[0].crashes += 1
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        unfinished = self._retire(worker, kill=True)
        if worker in self.workers:
            self.workers.remove(worker)
        for job in reversed(unfinished):
            if job.crashes >= 2 and not job.future.done():
                code = worker.process.exitcode
                job.future.set_exception(
                    WorkerCrashed(f"the page killed two extractor workers (exit code {code})")
                )
            elif not job.future.done():
                self._waiting.appendleft(job)  # first in line: it has waited longest
        if not self._closed:
            asyncio.get_running_loop().create_task(self._refill())

    async def _refill(self) -> None:
        multiprocessing.active_children()  # reaps the workers that were killed
        try:
            await self.start()
        except Exception:
            log.exception("could not start a new extractor worker")
            for job in self._waiting:
                if not job.future.done():
                    job.future.set_exception(WorkerCrashed("no extractor worker could start"))
            self._waiting.clear()
            return
        self._dispatch()

    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers if w.process.pid is not None]
