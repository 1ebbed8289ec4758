"""Running a faust app as a newswire service process: logging, metrics, lifecycle."""

from __future__ import annotations

import logging
from typing import Any

from newswire.logs import setup_logging
from newswire.observability import serve_metrics
from newswire.settings import Settings

log = logging.getLogger(__name__)


def run_faust_worker(app: Any, service: str, settings: Settings) -> None:
    """Run ``app`` until SIGTERM/SIGINT; logs as JSON lines (or text on a terminal)."""
    import faust

    setup_logging(service, settings.log_level, settings.log_json)
    serve_metrics(settings, service)
    worker = faust.Worker(
        app,
        loglevel=settings.log_level,
        # Keep our handler and format: faust would otherwise install its own colour logger.
        override_logging=False,
        redirect_stdouts=False,
        quiet=True,
    )
    # faust draws a start-up spinner with terminal escapes; in JSON logs it is noise.
    worker.spinner = None
    log.info("starting %s", service, extra={"app_id": app.conf.id})
    worker.execute_from_commandline()
