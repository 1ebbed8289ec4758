"""A faust worker that drops one record the way faust itself can: read, never delivered.

Copies ``lossy.in`` to ``lossy.out``. The record at offset ``NEWSWIRE_TEST_DROP_OFFSET`` of
partition 0 is fetched and handed over by the consumer, then dropped once before any stream
sees it, as faust does with a record whose delivery a rebalance cancels. Run as
``python tests/integration/faust_lossy_app.py`` with NEWSWIRE_* settings in the environment.
"""

from __future__ import annotations

import os
from typing import Any

import faust

from newswire import faust_app as newswire_faust
from newswire.broker import faust_app
from newswire.settings import get_settings

# Re-read a lost hole after one second instead of ten, so the test is quick.
newswire_faust.HOLE_PATIENCE_S = 1.0

settings = get_settings()
app = faust_app("lossy", settings)
source = app.topic(f"{settings.topic_prefix}lossy.in")
sink = app.topic(f"{settings.topic_prefix}lossy.out")
drop_offset = int(os.environ["NEWSWIRE_TEST_DROP_OFFSET"])
dropped: list[int] = []
deliver = app.topics.on_message  # the consumer is built later and takes this callback


async def drop_once(message: Any) -> None:
    if message.partition == 0 and message.offset == drop_offset and not dropped:
        dropped.append(message.offset)
        return
    await deliver(message)


app.topics.on_message = drop_once


@app.agent(source)
async def copy(stream: faust.StreamT[bytes]) -> None:
    async for key, value in stream.items():
        await sink.send(key=key, value=value)


if __name__ == "__main__":
    faust.Worker(app, loglevel="WARNING").execute_from_commandline()
