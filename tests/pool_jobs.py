"""Jobs for the extractor pool's tests: importable functions, as spawned workers need."""

from __future__ import annotations

import os
import time
from pathlib import Path


def reverse(payload: bytes) -> bytes:
    """The payload reversed; a few payloads misbehave on purpose.

    ``crash`` kills the worker every time; ``crash-once:<path>`` kills it only the first
    time (it leaves a file at <path>); ``hang`` never returns; ``pid`` names the worker.
    """
    if payload == b"crash":
        os._exit(3)
    if payload.startswith(b"crash-once:"):
        marker = Path(payload.split(b":", 1)[1].decode())
        if not marker.exists():
            marker.touch()
            os._exit(4)
    if payload == b"hang":
        time.sleep(600)
    if payload == b"pid":
        return str(os.getpid()).encode()
    return payload[::-1]
