"""A minimal faust worker for the foundation test: upper-cases records from one topic to another.

Run as ``python tests/integration/faust_echo_app.py`` with NEWSWIRE_* settings in the
environment; it uses the same app factory as the real services.
"""

from __future__ import annotations

import faust

from newswire.broker import faust_app
from newswire.settings import get_settings

settings = get_settings()
app = faust_app("echo", settings)
source = app.topic(f"{settings.topic_prefix}echo.in")
sink = app.topic(f"{settings.topic_prefix}echo.out")


@app.agent(source)
async def echo(stream: faust.StreamT[bytes]) -> None:
    async for key, value in stream.items():
        await sink.send(key=key, value=value.upper())


if __name__ == "__main__":
    faust.Worker(app, loglevel="WARNING").execute_from_commandline()
