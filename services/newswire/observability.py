"""Metrics and health over HTTP for every newswire service, and the metrics they all share.

Each worker command calls, once, before it starts consuming::

    from newswire.observability import serve_metrics
    serve_metrics(settings, "parser", health=lambda: {"ok": ..., ...})

With ``NEWSWIRE_METRICS_PORT`` set this serves, on that port (all interfaces, so Prometheus in
another container can scrape it):

* ``/metrics``: the prometheus-client default registry: the service's own
  ``newswire_<service>_*`` metrics, the shared ones below, and the client library's process and
  Python collectors;
* ``/health``: JSON from the ``health`` callable, answered 200, or 503 when the mapping has
  ``"ok": False`` or the callable raises.

The HTTP server runs in daemon threads, outside the service's event loop, so a slow scrape
never stalls a consumer. For the same reason ``health`` is called from such a thread: it must
only read plain attributes (flags, counters, timestamps), never await or touch the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import platform
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Gauge,
    disable_created_metrics,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from newswire.admin.cluster import ClusterHealth
from newswire.settings import Settings

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Mapping[str, Any]]

# --- metrics every service has ------------------------------------------------------------

BUILD_INFO = Gauge(
    "newswire_build_info",
    "Always 1; the labels say which service, newswire version and Python runs.",
    ["service", "version", "python"],
)

CONSUMER_LAG_NAME = "newswire_consumer_lag"
CONSUMER_LAG_HELP = (
    "Records the service's consumer group has not committed yet, per input partition "
    "(end offset minus committed offset, measured at scrape time). Every replica of a service "
    "reports its whole group: aggregate with max by (group, topic, partition)."
)
CONSUMER_LAG_ERRORS_NAME = "newswire_consumer_lag_errors"
CONSUMER_LAG_ERRORS_HELP = (
    "Scrapes where the consumer lag could not be measured (Kafka unreachable or slow)."
)
KAFKA_BROKERS_NAME = "newswire_kafka_brokers"
KAFKA_BROKERS_HELP = (
    "Live brokers in the Kafka cluster's metadata (a killed or fenced broker drops out). "
    "Every replica of every service reports it: aggregate with max."
)
KAFKA_UNDER_REPLICATED_NAME = "newswire_kafka_under_replicated_partitions"
KAFKA_UNDER_REPLICATED_HELP = (
    "Partitions of newswire's topics whose in-sync replicas are fewer than their replicas."
)
KAFKA_OFFLINE_NAME = "newswire_kafka_offline_partitions"
KAFKA_OFFLINE_HELP = "Partitions of newswire's topics without a leader (unreadable, unwritable)."

#: Lag is measured at most this often per service, however many scrapers ask.
LAG_CACHE_S = 10.0
LAG_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class KafkaReading:
    """One look at Kafka for a service: its group's lag, and the cluster's health."""

    lag: list[tuple[str, str, int, int]]  # (group, topic, partition, lag)
    cluster: ClusterHealth


async def measure_kafka(settings: Settings, service: str) -> KafkaReading:
    """The service's consumer-group lag and the cluster's health, in one Kafka session."""
    from aiokafka.admin import AIOKafkaAdminClient

    from newswire import broker
    from newswire.admin.cluster import read_cluster_health
    from newswire.admin.kafka_io import make_reader
    from newswire.admin.model import GROUP_INPUTS, group_id, group_lag
    from newswire.admin.status import consumer_group_offsets, topic_offsets
    from newswire.topics import Topic, topic_name

    group = group_id(service, settings)
    inputs = [(t.value, topic_name(t, settings)) for t in GROUP_INPUTS[service]]
    admin = AIOKafkaAdminClient(**broker.client_options(settings))
    reader = make_reader(settings, read_committed=False)
    try:
        await admin.start()
        await reader.start()
        _, offsets = await topic_offsets(admin, reader, [name for _, name in inputs])
        committed = await consumer_group_offsets(admin, group)
        cluster = await read_cluster_health(admin, [topic_name(t, settings) for t in Topic])
    finally:
        await reader.stop()
        await admin.close()
    lags = group_lag(inputs, committed, {tp: (s, e) for tp, (s, e, _) in offsets.items()})
    rows = [(group, t.name, p.partition, p.lag) for t in lags for p in t.partitions]
    return KafkaReading(rows, cluster)


class ConsumerLagCollector(Collector):
    """``newswire_consumer_lag`` and the ``newswire_kafka_*`` cluster health, measured when
    scraped (so they are never stale while served).

    Registered at import, so the metrics are described before any service is watched; a
    service is added by :func:`serve_metrics`. Measuring runs ``asyncio.run`` in a helper
    thread: the scrape thread may not have (or may not own) an event loop.
    """

    def __init__(self) -> None:
        self._targets: dict[str, Settings] = {}
        self._cache: dict[str, tuple[float, KafkaReading]] = {}
        # Counted here rather than in a Counter: a Counter registered before this collector
        # would be written out before the failure it counts happens in the same scrape.
        self._errors: dict[str, int] = {}
        self._lock = threading.Lock()

    def watch(self, service: str, settings: Settings) -> None:
        with self._lock:
            self._targets[service] = settings
            self._cache.pop(service, None)

    def unwatch(self, service: str) -> None:
        with self._lock:
            self._targets.pop(service, None)
            self._cache.pop(service, None)

    def describe(self) -> Iterator[Metric]:
        yield from self._families()
        yield CounterMetricFamily(
            CONSUMER_LAG_ERRORS_NAME, CONSUMER_LAG_ERRORS_HELP, labels=["service"]
        )

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, ...]:
        return (
            GaugeMetricFamily(
                CONSUMER_LAG_NAME, CONSUMER_LAG_HELP, labels=["group", "topic", "partition"]
            ),
            GaugeMetricFamily(KAFKA_BROKERS_NAME, KAFKA_BROKERS_HELP),
            GaugeMetricFamily(
                KAFKA_UNDER_REPLICATED_NAME, KAFKA_UNDER_REPLICATED_HELP, labels=["topic"]
            ),
            GaugeMetricFamily(KAFKA_OFFLINE_NAME, KAFKA_OFFLINE_HELP, labels=["topic"]),
        )

    def _reading(self, service: str, settings: Settings) -> KafkaReading:
        now = time.monotonic()
        cached = self._cache.get(service)
        if cached and now - cached[0] < LAG_CACHE_S:
            return cached[1]
        pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="lag")
        try:
            future = pool.submit(
                asyncio.run, asyncio.wait_for(measure_kafka(settings, service), LAG_TIMEOUT_S)
            )
            reading = future.result(timeout=LAG_TIMEOUT_S + 5)
        finally:
            # Not `with`: its exit waits for the thread, and a hung measurement must not hang
            # the scrape. The thread ends on its own when the inner timeout fires.
            pool.shutdown(wait=False)
        self._cache[service] = (now, reading)
        return reading

    def collect(self) -> Iterator[Metric]:
        lag, brokers, under, offline = self._families()
        cluster: ClusterHealth | None = None
        with self._lock:
            targets = dict(self._targets)
            for service, settings in targets.items():
                try:
                    reading = self._reading(service, settings)
                except Exception as exc:  # a scrape must still answer with everything else
                    self._errors[service] = self._errors.get(service, 0) + 1
                    log.warning(
                        "consumer lag not measured", extra={"service": service, "error": str(exc)}
                    )
                    continue
                for group, topic, partition, value in reading.lag:
                    lag.add_metric([group, topic, str(partition)], value)
                cluster = reading.cluster  # one cluster, whichever service saw it
            errors = CounterMetricFamily(
                CONSUMER_LAG_ERRORS_NAME, CONSUMER_LAG_ERRORS_HELP, labels=["service"]
            )
            for service, count in self._errors.items():
                errors.add_metric([service], count)
        if cluster is not None:
            brokers.add_metric([], cluster.brokers)
            for topic, count in sorted(cluster.under_replicated.items()):
                under.add_metric([topic], count)
            for topic, count in sorted(cluster.offline.items()):
                offline.add_metric([topic], count)
        yield lag
        yield errors
        yield brokers
        yield under
        yield offline


CONSUMER_LAG = ConsumerLagCollector()
REGISTRY.register(CONSUMER_LAG)


# --- health ---------------------------------------------------------------------------------


def health_response(
    service: str, check: HealthCheck | None, started: float
) -> tuple[int, dict[str, Any]]:
    """Status code and JSON body of ``/health``."""
    body: dict[str, Any] = {"service": service, "uptime_s": round(time.time() - started, 1)}
    if check is None:
        return 200, {**body, "ok": True}
    try:
        result = dict(check())
    except Exception as exc:  # a failing check is an unhealthy service, not a crashed server
        return 503, {**body, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    ok = result.pop("ok", True) is not False
    return (200 if ok else 503), {**body, "ok": ok, **result}


# --- the server -------------------------------------------------------------------------------


class MetricsServer:
    """The running HTTP server; ``port`` is the bound port (useful with port 0 in tests)."""

    def __init__(
        self,
        service: str,
        port: int,
        health: HealthCheck | None,
        registry: CollectorRegistry,
        host: str,
    ) -> None:
        self.service = service
        self.started = time.time()
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    encoder, content_type = choose_encoder(self.headers.get("Accept"))
                    self._send(200, content_type, encoder(registry))
                elif path == "/health":
                    code, body = health_response(service, health, server_self.started)
                    self._send(code, "application/json", orjson.dumps(body, default=str))
                else:
                    self._send(404, "text/plain", b"try /metrics or /health\n")

            def _send(self, code: int, content_type: str, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                # Scrapes every 15 s would drown the service's own log lines.
                return

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"metrics-{service}", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newswire")
    except PackageNotFoundError:
        return "unknown"


def serve_metrics(
    settings: Settings,
    service: str,
    health: HealthCheck | None = None,
    *,
    host: str = "0.0.0.0",
    registry: CollectorRegistry = REGISTRY,
) -> MetricsServer | None:
    """Serve ``/metrics`` and ``/health`` on ``settings.metrics_port``; None when it is unset.

    ``service`` is ``fetcher``, ``parser``, ``indexer`` or ``archive`` (or any name: only
    those get ``newswire_consumer_lag``, the lag of their own group). A port that is taken
    raises ``OSError``: a service that is supposed to be monitored should not run
    unmonitored without anybody noticing.
    """
    from newswire.admin.model import GROUP_INPUTS

    if settings.metrics_port is None:
        return None
    # `*_created` series double every counter and histogram for a timestamp nothing here uses.
    disable_created_metrics()
    BUILD_INFO.labels(service=service, version=_version(), python=platform.python_version()).set(1)
    if service in GROUP_INPUTS:
        CONSUMER_LAG.watch(service, settings)
    server = MetricsServer(service, settings.metrics_port, health, registry, host)
    log.info("metrics served", extra={"service": service, "port": server.port})
    return server
