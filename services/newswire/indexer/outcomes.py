"""Decisions the bulk writer takes, as pure functions: batching, per-item results, backoff.

Kept apart from the I/O so each rule is unit-tested on its own and the writer is only a loop.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from newswire.indexer.documents import Action

A = TypeVar("A", bound=Action)

# --- batching --------------------------------------------------------------------------------


def chunks(actions: Sequence[A], max_docs: int, max_bytes: int) -> Iterator[list[A]]:
    """Split actions into bulk requests of at most ``max_docs`` actions and ``max_bytes``.

    An action bigger than ``max_bytes`` on its own still goes, alone: refusing it would block
    the partition forever, and the engine (not us) knows whether it is really too big.
    """
    batch: list[A] = []
    size = 0
    for action in actions:
        if batch and (len(batch) >= max_docs or size + action.size > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(action)
        size += action.size
    if batch:
        yield batch


# --- per-item results ------------------------------------------------------------------------

Kind = Literal["ok", "conflict", "not_found", "retry", "dead"]


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: Kind
    status: int
    #: The engine's error type (``mapper_parsing_exception``...) or a label of ours.
    reason: str = ""
    error: str = ""


def _error_text(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
    cause = error.get("caused_by")
    if isinstance(cause, dict):
        text += f" (caused by {cause.get('type')}: {cause.get('reason')})"
    return text


#: 4xx refusals that are about the index or our credentials, never about the document: a
#: write block set by an operator (``index.blocks.write``, 403) or by the engine itself (the
#: flood-stage disk watermark, 429 on Elasticsearch 8 and OpenSearch 2, 403 on older
#: engines), or a role without the write privilege. Each would refuse every document alike,
#: so dead-lettering would empty the stream into the dead letters; it waits instead, and lag
#: shows the operator that something needs fixing.
_ABOUT_THE_INDEX = frozenset({"cluster_block_exception", "security_exception"})


def classify(item: dict[str, Any]) -> Outcome:
    """What to do with one entry of a bulk response's ``items``."""
    ((op, result),) = item.items()
    status = int(result.get("status", 0))
    error = result.get("error")
    if 200 <= status < 300 and not error:
        return Outcome("ok", status)
    reason = error.get("type", f"http_{status}") if isinstance(error, dict) else f"http_{status}"
    text = _error_text(error)
    if status == 409:
        # Versioning at work: the index already holds this or a newer version.
        return Outcome("conflict", status, reason, text)
    if op == "delete" and status == 404:
        # Deleting what is not there: the goal is reached.
        return Outcome("not_found", status, reason, text)
    if status == 404 and reason == "index_not_found_exception":
        # The alias (or a migration's target index) vanished: an operator deleted it. Recreate
        # it and retry rather than dead-lettering the whole corpus.
        return Outcome("retry", status, "alias_missing", text)
    if status == 429 or status >= 500 or status == 0:
        return Outcome("retry", status, reason, text)
    if reason in _ABOUT_THE_INDEX:
        return Outcome("retry", status, reason, text)
    # Any other 4xx is about the document itself (mapping, parse, id too long): retrying cannot
    # help, so it goes to the dead letters with the engine's reason.
    return Outcome("dead", status, reason, text)


# --- backoff ---------------------------------------------------------------------------------


def backoff_delay(
    attempt: int, base: float = 0.25, cap: float = 30.0, rng: random.Random | None = None
) -> float:
    """Exponential backoff with jitter: uniform in [0.1, 1] x min(cap, base * 2**attempt).

    Full jitter spreads the retries of several indexer replicas so a recovering engine is not
    hit by all of them at once; the floor of a tenth of the window avoids hot spinning.
    """
    window = min(cap, base * (2 ** min(attempt, 30)))
    r = (rng or random).random()
    return window * (0.1 + 0.9 * r)
