"""The archive's files: their names, writing one durably, rotating, and recovering after a crash.

A file is written as ``NEWSWIRE-<UTC yyyymmddHHMMSS>-<serial>-<host>-<pid>.warc.gz.open`` and
renamed without ``.open`` when it is closed, so names sort by the time the file was opened and
say which host and process wrote it; readers and backups take only names without ``.open``.
The writer holds an exclusive ``flock`` on its open file for as long as it writes it: a file
that ends in ``.open`` and that nobody holds a lock on was left by a writer that died.
:func:`recover_abandoned` truncates such a file to its last complete gzip member (every
record is one member, so: to its last complete record) and closes it as is.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import socket
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

PREFIX = "NEWSWIRE"
SUFFIX = ".warc.gz"
OPEN_SUFFIX = ".open"


def file_name(opened_at: datetime, serial: int, host: str, pid: int) -> str:
    """``NEWSWIRE-20261205041500-00042-host-1234.warc.gz``: sorts by opening time."""
    safe_host = re.sub(r"[^A-Za-z0-9.-]+", "_", host) or "host"
    stamp = opened_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    return f"{PREFIX}-{stamp}-{serial:05d}-{safe_host}-{pid}{SUFFIX}"


def closed_files(directory: Path) -> list[Path]:
    """The archive's finished files, oldest first."""
    return sorted(p for p in directory.glob(f"*{SUFFIX}") if p.is_file())


@dataclass(frozen=True)
class Rotation:
    """When a file is closed and the next one started."""

    max_bytes: int
    max_age_s: float

    def due(self, size: int, age_s: float) -> bool:
        return size >= self.max_bytes or age_s >= self.max_age_s


class ArchiveFile:
    """One WARC file being appended to by this process, durable up to the last :meth:`sync`."""

    def __init__(self, directory: Path, serial: int) -> None:
        opened_at, host, pid = datetime.now(UTC), socket.gethostname(), os.getpid()
        # A restarted container has the same host name and pid (1) and counts serials from 0
        # again: never reuse a name that exists, or closing would replace an older file.
        while True:
            name = file_name(opened_at, serial, host, pid)
            self.final_path = directory / name
            self.path = directory / (name + OPEN_SUFFIX)
            if not self.final_path.exists() and not self.path.exists():
                break
            serial += 1
        self.serial = serial
        self._file: IO[bytes] = open(self.path, "xb")  # noqa: SIM115 - closed in close()
        # Marks the file as being written; released by close() or by the process dying.
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.size = 0
        self.records = 0
        self._opened = time.monotonic()
        _sync_directory(directory)

    @property
    def age_s(self) -> float:
        return time.monotonic() - self._opened

    def append(self, members: bytes, records: int) -> None:
        self._file.write(members)
        self.size += len(members)
        self.records += records

    def sync(self) -> None:
        """Everything appended so far is on disk when this returns."""
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> Path:
        """Sync, then rename to the final name; returns it."""
        self.sync()
        os.rename(self.path, self.final_path)
        _sync_directory(self.final_path.parent)
        self._file.close()  # releases the lock
        return self.final_path


def _sync_directory(directory: Path) -> None:
    """Make a create or rename in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def complete_member_ends(stream: IO[bytes], chunk_size: int = 64 * 1024) -> Iterator[int]:
    """End offsets of the complete gzip members at the start of ``stream``, in order.

    A member counts only when zlib reached its end, which includes checking its CRC and
    length; the first incomplete or damaged member ends the scan, since nothing after it can
    be trusted to start on a member boundary.
    """
    decompressor = zlib.decompressobj(zlib.MAX_WBITS + 16)
    member_start = 0
    fed = 0  # bytes of the current member given to the decompressor in earlier chunks
    pending = b""
    while True:
        if not pending:
            pending = stream.read(chunk_size)
            if not pending:
                return
        try:
            decompressor.decompress(pending)
        except zlib.error:
            return
        if decompressor.eof:
            member_start += fed + len(pending) - len(decompressor.unused_data)
            yield member_start
            pending = decompressor.unused_data
            decompressor = zlib.decompressobj(zlib.MAX_WBITS + 16)
            fed = 0
        else:
            fed += len(pending)
            pending = b""


@dataclass(frozen=True)
class Recovered:
    path: Path
    kept_bytes: int
    dropped_bytes: int


def recover_abandoned(directory: Path) -> list[Recovered]:
    """Close every ``.open`` file no live writer holds: truncated to its last complete record.

    A file with no complete record is deleted. Files another live process is writing (it
    holds their lock) are left alone, so replicas can share one directory.
    """
    recovered = []
    for path in sorted(directory.glob(f"*{SUFFIX}{OPEN_SUFFIX}")):
        with open(path, "r+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live writer's file
            size = os.fstat(handle.fileno()).st_size
            keep = 0
            for keep in complete_member_ends(handle):  # noqa: B007 - the last one is wanted
                pass
            handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())
            final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
            if keep:
                os.rename(path, final)
            else:
                path.unlink()
            _sync_directory(directory)
        log.warning(
            "closed an archive file a crashed writer left open",
            extra={"file": final.name, "kept_bytes": keep, "dropped_bytes": size - keep},
        )
        recovered.append(Recovered(final, keep, size - keep))
    return recovered
