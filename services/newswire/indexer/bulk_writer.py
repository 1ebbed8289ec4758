"""Write bulk actions to the engine until every one has a final outcome.

:meth:`BulkWriter.write` returns only when each action is indexed, refused as older (409, a
success), or permanently rejected (returned for the caller to dead-letter). Everything else —
the engine down, slow, overloaded (429), failing (5xx), an alias deleted under our feet — is
retried with backoff and jitter, forever: the caller holds its Kafka offsets meanwhile, so an
outage means back-pressure and lag, never loss and never a crash loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from newswire import logs
from newswire.indexer import metrics
from newswire.indexer.documents import Action, bulk_body
from newswire.indexer.outcomes import Outcome, backoff_delay, chunks, classify
from newswire.search import SearchClient, SearchError, SearchUnavailable
from newswire.settings import Settings

log = logging.getLogger(__name__)

#: Only what :func:`classify` reads. A full bulk answer repeats index name, id, version, shard
#: counts... for every item, and parsing it cost as much CPU as building the request.
_RESPONSE_FIELDS = "errors,items.*.status,items.*.error"


@dataclass(frozen=True, slots=True)
class Rejected:
    """An action the engine refused for good (mapping or parse error...)."""

    action: Action
    outcome: Outcome


@dataclass(slots=True)
class WriteReport:
    indexed: int = 0
    deleted: int = 0
    conflicts: int = 0
    retries: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    #: Index actions the engine accepted (not refused as older): what the freshness
    #: metrics count.
    written: list[Action] = field(default_factory=list)


class BulkWriter:
    def __init__(
        self,
        client: SearchClient,
        settings: Settings,
        *,
        require_alias: bool,
        on_alias_missing: Callable[[], Awaitable[Any]] | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.max_docs = settings.bulk_max_docs
        self.max_bytes = settings.bulk_max_bytes
        self.max_backoff = settings.bulk_max_retry_s
        # Writes through the alias must never auto-create a concrete index named like the
        # alias (with dynamic mappings) if the alias is missing; a migration writes to a
        # concrete index it created itself, so it cannot ask for an alias.
        self.params: dict[str, str] = {"filter_path": _RESPONSE_FIELDS}
        if require_alias:
            self.params["require_alias"] = "true"
        self.on_alias_missing = on_alias_missing
        self.sleep = sleep
        self.rng = rng

    async def write(self, actions: Sequence[Action]) -> WriteReport:
        report = WriteReport()
        pending = list(actions)
        attempt = 0
        while pending:
            retry: list[Action] = []
            causes: set[str] = set()
            batches = list(chunks(pending, self.max_docs, self.max_bytes))
            for n, batch in enumerate(batches):
                items, cause = await self._send(batch)
                if items is None:
                    # The whole request failed: the engine is down, overloaded or refusing.
                    # Sending the rest now would only add load; everything waits for the
                    # next round.
                    causes.add(cause)
                    for rest in batches[n:]:
                        retry.extend(rest)
                    break
                for action, item in zip(batch, items, strict=True):
                    outcome = classify(item)
                    if outcome.kind == "ok":
                        if action.op == "delete":
                            report.deleted += 1
                        else:
                            report.indexed += 1
                            report.written.append(action)
                    elif outcome.kind == "conflict":
                        report.conflicts += 1
                    elif outcome.kind == "not_found":
                        report.deleted += 1
                    elif outcome.kind == "retry":
                        retry.append(action)
                        causes.add(outcome.reason or f"http_{outcome.status}")
                    else:
                        report.rejected.append(Rejected(action, outcome))
            if not retry:
                break
            pending = retry
            report.retries += 1
            for cause in causes:
                metrics.RETRIES.labels(cause=cause).inc()
            delay = backoff_delay(attempt, cap=self.max_backoff, rng=self.rng)
            attempt += 1
            log.warning(
                "bulk retry",
                extra={
                    "actions": len(pending),
                    "delay_s": round(delay, 2),
                    "attempt": attempt,
                    "causes": ",".join(sorted(causes)),
                },
            )
            await self.sleep(delay)
            if "alias_missing" in causes and self.on_alias_missing is not None:
                try:
                    await self.on_alias_missing()
                except Exception as exc:  # the engine may still be unwell: next round
                    log.warning("could not recreate the index: %s", exc)
        self._count(report)
        return report

    async def _send(self, batch: list[Action]) -> tuple[list[dict[str, Any]] | None, str]:
        """The bulk response's items, or None and the cause when the request itself failed."""
        started = time.perf_counter()
        try:
            response = await self.client.request(
                "POST", "/_bulk", params=self.params, body=bulk_body(batch), ndjson=True
            )
        except SearchUnavailable as exc:
            metrics.ENGINE_UP.set(0)
            log.warning("search engine unavailable", extra={"error": str(exc)[:300]})
            return None, "unavailable"
        except SearchError as exc:
            metrics.ENGINE_UP.set(1)
            logs.outage_over(logs.SEARCH)  # (it answered: reachable again)
            log.warning(
                "bulk request failed", extra={"status": exc.status, "error": str(exc)[:300]}
            )
            return None, f"http_{exc.status}"
        except Exception as exc:
            # A transport oddity (an unparsable answer, a reset mid-response): the batch is
            # still unwritten, so it is retried like an outage, but logged with its stack.
            metrics.ENGINE_UP.set(0)
            log.exception("bulk request failed: %r", exc)
            return None, "error"
        metrics.ENGINE_UP.set(1)
        logs.outage_over(logs.SEARCH)
        metrics.BULK_DURATION.observe(time.perf_counter() - started)
        metrics.BULK_DOCS.observe(len(batch))
        items = response.get("items") if isinstance(response, dict) else None
        if not isinstance(items, list) or len(items) != len(batch):
            log.error("bulk response does not match the request: %.300r", response)
            return None, "bad_response"
        return items, ""

    @staticmethod
    def _count(report: WriteReport) -> None:
        metrics.DOCS_INDEXED.inc(report.indexed)
        metrics.DOCS_DELETED.inc(report.deleted)
        metrics.VERSION_CONFLICTS.inc(report.conflicts)
