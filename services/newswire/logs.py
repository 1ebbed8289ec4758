"""Logging for every newswire process: one event per line, JSON when not on a terminal.

Services log with ``extra={...}`` fields (``url_id`` above all, so one page can be followed
fetcher -> parser -> indexer with a grep); the JSON formatter puts those fields at the top
level of each line. On a terminal the same events render as readable text.

Outages are paced (:class:`OutageFilter`): while the Kafka broker or the search engine is
unreachable, the client libraries' complaints (aiokafka logs ~150 a second) become one line
when the connection is lost, a summary every ``NEWSWIRE_LOG_SUMMARY_S`` while it stays down
and one line when it is back.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from newswire.log_pacing import Action, EpisodeEnd, EpisodePacer

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "event": record.getMessage(),
            **_extras(record),
        }
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(event, default=str).decode()


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = _extras(record)
        if extras:
            line += "  " + " ".join(f"{k}={v}" for k, v in extras.items())
        return line


# --- outages -----------------------------------------------------------------------------------

KAFKA = "kafka"
SEARCH = "search"
#: What each outage is called in the lines about it.
_OUTAGE_NAMES = {KAFKA: "Kafka", SEARCH: "search engine"}
#: The client libraries' loggers, by the service they talk to.
_CLIENT_LOGGERS: tuple[tuple[str, str], ...] = (
    ("aiokafka", KAFKA),
    ("kafka", KAFKA),
    ("elastic_transport", SEARCH),
    ("opensearch", SEARCH),
    ("elasticsearch", SEARCH),
)
#: A client's complaint that it cannot reach its service at all (as opposed to, say, a
#: rebalance or a refused request): connection refused or closed, node not ready, timeouts,
#: and the search clients' ``[status:N/A ...]`` (no HTTP answer).
_UNREACHABLE = re.compile(
    r"connect|not ready|NodeNotReady|timed? ?out|Unable to update metadata|"
    r"Failed fetch|Got error produce response|coordinator dead|session expired|status:N/A",
    re.IGNORECASE,
)
#: Our own line that says the search engine did not answer (the indexer's bulk writer; its
#: "bulk retry" lines count too when their causes say ``unavailable``).
_SEARCH_UNAVAILABLE = "search engine unavailable"
#: aiokafka retries many times a second while the broker is down: this long without a
#: complaint means it is connected again. (The search engine's recovery is reported by the
#: indexer on its first successful bulk: its retries back off to a minute apart.)
KAFKA_QUIET_S = 10.0
#: The logger of the outage lines themselves (never paced).
OUTAGE_LOGGER = "newswire.outage"


def client_of(record: logging.LogRecord) -> str | None:
    """The service (``kafka``, ``search``) a client library's warning or error is about."""
    if record.levelno < logging.WARNING:
        return None
    for prefix, service in _CLIENT_LOGGERS:
        if record.name == prefix or record.name.startswith(prefix + "."):
            return service
    return None


def outage_of(record: logging.LogRecord) -> str | None:
    """Which outage a log record says the service cannot reach (``kafka``, ``search``)."""
    if record.levelno < logging.WARNING or record.name == OUTAGE_LOGGER:
        return None
    if record.name.startswith("newswire.indexer") and (
        record.msg == _SEARCH_UNAVAILABLE
        or (record.msg == "bulk retry" and "unavailable" in str(getattr(record, "causes", "")))
    ):
        return SEARCH
    service = client_of(record)
    if service is not None and _UNREACHABLE.search(_one_line(record)):
        return service
    return None


class OutageFilter(logging.Filter):
    """On the root handler: paces the complaints of an outage into lost / still down / back.

    The first complaint is written, reworded to say the connection is lost; then one summary
    line per ``summary_every_s`` with the number of lines left out; the end of the outage is
    written by :meth:`tick` (Kafka: no complaint for :data:`KAFKA_QUIET_S`) or
    :meth:`recovered` (a caller saw a success). The client libraries' other warnings (a
    rebalance, a refused request) are paced per message: the first as it is, then one line per
    interval saying how often it repeated.
    """

    def __init__(
        self, summary_every_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.clock = clock
        self.pacers = {
            KAFKA: EpisodePacer(summary_every_s, quiet_after_s=KAFKA_QUIET_S),
            SEARCH: EpisodePacer(summary_every_s),
        }
        self.repeats = EpisodePacer(summary_every_s)
        self._lock = threading.Lock()
        self._log = logging.getLogger(OUTAGE_LOGGER)

    def filter(self, record: logging.LogRecord) -> bool:
        outage = outage_of(record)
        if outage is None:
            return self._repeat(record) if client_of(record) else True
        with self._lock:
            verdict = self.pacers[outage].event(outage, self.clock())
        if not verdict.write:
            return False
        name = _OUTAGE_NAMES[outage]
        complaint = _one_line(record)
        if verdict.action is Action.FIRST:
            text = f"{name} connection lost: {complaint}"
            state = "lost"
        else:
            text = (
                f"{name} still unreachable after {verdict.since_s:.0f}s: "
                f"{verdict.suppressed} more error lines left out; latest: {complaint}"
            )
            state = "down"
        record.msg, record.args = text, ()
        record.exc_info, record.exc_text = None, None
        record.outage = outage
        record.outage_state = state
        record.lines_left_out = verdict.suppressed
        record.down_s = round(verdict.since_s, 1)
        return True

    def _repeat(self, record: logging.LogRecord) -> bool:
        """A client's warning that is not about reaching its service, paced per message."""
        with self._lock:
            verdict = self.repeats.event((record.name, str(record.msg)), self.clock())
        if verdict.action is Action.SUMMARY:
            record.msg = f"{record.msg} (and {verdict.suppressed} more like it since the last)"
            record.repeated = verdict.suppressed
        return verdict.write

    def tick(self) -> None:
        """Write the end of each Kafka outage whose complaints have stopped."""
        with self._lock:
            ended = self.pacers[KAFKA].quiet(self.clock())
        for end in ended:
            self._write_end(KAFKA, end)

    def recovered(self, outage: str) -> None:
        """A request to ``outage``'s service just succeeded: end its outage, if any."""
        pacer = self.pacers[outage]
        if not pacer.active(outage):  # (the common case, without taking the lock)
            return
        with self._lock:
            end = pacer.end(outage)
        if end is not None:
            self._write_end(outage, end)

    def _write_end(self, outage: str, end: EpisodeEnd) -> None:
        self._log.warning(
            "%s connection back after %.0fs (%d error lines in all, %d left out since the last)",
            _OUTAGE_NAMES[outage],
            end.duration_s,
            end.events,
            end.suppressed,
            extra={
                "outage": outage,
                "outage_state": "back",
                "down_s": round(end.duration_s, 1),
                "error_lines": end.events,
            },
        )


def _one_line(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
    return " ".join(text.split())[:500]


#: The filter of this process's handler (None before :func:`setup_logging`).
_outages: OutageFilter | None = None


def outage_over(outage: str) -> None:
    """Tell the log that ``outage``'s service answered (e.g. a bulk request succeeded)."""
    if _outages is not None:
        _outages.recovered(outage)


def _tick_forever(outages: OutageFilter, every_s: float = 1.0) -> None:
    while True:
        time.sleep(every_s)
        outages.tick()


def setup_logging(
    service: str,
    level: str = "INFO",
    json: bool | None = None,
    summary_every_s: float | None = None,
) -> None:
    """Configure the root logger once per process; ``json=None`` means "unless on a tty".

    ``summary_every_s``: how often an ongoing outage is summarised (default: the
    ``log_summary_s`` setting).
    """
    global _outages
    if summary_every_s is None:
        from newswire.settings import get_settings

        summary_every_s = get_settings().log_summary_s
    use_json = (not sys.stderr.isatty()) if json is None else json
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service) if use_json else TextFormatter())
    if _outages is None:
        _outages = OutageFilter(summary_every_s)
        threading.Thread(
            target=_tick_forever, args=(_outages,), name="outage-log", daemon=True
        ).start()
    handler.addFilter(_outages)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Client libraries are chatty at INFO about every reconnect; keep their warnings.
    for noisy in ("aiokafka", "kafka", "elastic_transport", "opensearch", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
