"""Dead letters as an operator sees them: filtering, summaries and replay plans. No I/O here.

The dead-letter topic holds two kinds of record:

* :class:`~newswire.records.DeadLetter`, written by a stage that could not handle a message;
* :class:`DeadLetterReplay`, written by ``newswire dlq replay`` in the same Kafka transaction
  as the replayed payload. It names the letter it replayed by partition and offset, so a later
  run (or ``dlq list``) knows that letter is done. Markers live on the dead-letter topic itself
  because that is the one place that is read in full before every replay anyway, and because
  writing the marker and the payload in one transaction needs both on the same cluster.

A letter is identified by ``<partition>:<offset>`` on the dead-letter topic (the topic has one
partition by default, so ``0:17`` and plain ``17`` mean the same letter).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import Field

from newswire.admin.model import RECENT_DEAD_LETTERS_S, DeadLetterCount, DeadLetterInfo
from newswire.records import DeadLetter, Record, RecordError, decode, utcnow

#: Header on every replayed record: ``<dead-letter topic>:<partition>:<offset>`` of its letter.
REPLAY_HEADER = "newswire-replay-of"
#: Header naming the replay run (a UUID), the same on the payloads and the markers of a run.
REPLAY_RUN_HEADER = "newswire-replay-run"


class DeadLetterReplay(Record):
    """Written next to a replayed payload, in the same transaction: "this letter was replayed"."""

    letter_partition: int
    letter_offset: int
    origin_topic: str
    stage: str
    reason: str
    run_id: str
    replayed_at: datetime = Field(default_factory=utcnow)


LetterId = tuple[int, int]


def letter_id(text: str) -> LetterId:
    """Parse ``P:O`` or ``O`` (partition 0) into ``(partition, offset)``."""
    match = re.fullmatch(r"\s*(?:(\d+):)?(\d+)\s*", text)
    if not match:
        raise ValueError(f"not a dead-letter id: {text!r} (expected OFFSET or PARTITION:OFFSET)")
    return int(match.group(1) or 0), int(match.group(2))


def format_id(ident: LetterId) -> str:
    return f"{ident[0]}:{ident[1]}"


@dataclass(frozen=True)
class StoredLetter:
    """One record of the dead-letter topic that decoded as a :class:`DeadLetter`."""

    partition: int
    offset: int
    key: bytes | None
    letter: DeadLetter
    #: Size of the original payload (kept when the payload itself is dropped to save memory).
    payload_size: int = 0

    @property
    def id(self) -> LetterId:
        return (self.partition, self.offset)

    def without_payload(self) -> StoredLetter:
        letter = self.letter.model_copy(update={"payload": b""})
        return StoredLetter(self.partition, self.offset, self.key, letter, self.payload_size)


@dataclass(frozen=True)
class Undecodable:
    partition: int
    offset: int
    error: str


def classify(
    partition: int, offset: int, key: bytes | None, value: bytes | None
) -> StoredLetter | DeadLetterReplay | Undecodable:
    """Decode one record of the dead-letter topic into what it is."""
    if value is None:
        return Undecodable(partition, offset, "tombstone")
    errors = []
    for kind in (DeadLetter, DeadLetterReplay):
        try:
            record = decode(value, kind)
        except RecordError as exc:
            errors.append(str(exc))
            continue
        if isinstance(record, DeadLetter):
            return StoredLetter(partition, offset, key, record, len(record.payload))
        return record  # type: ignore[return-value]
    return Undecodable(partition, offset, errors[0][:300])


# --- time ranges ----------------------------------------------------------------------------

_RELATIVE = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d|w)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_when(text: str, now: datetime) -> datetime:
    """An absolute ISO time (``2025-03-12``, ``2025-03-12T08:00+08:00``) or an age (``90m``,
    ``2h``, ``1d12h``) counted back from ``now``. Times without a zone are UTC."""
    text = text.strip()
    if re.fullmatch(r"(\d+(?:\.\d+)?\s*[smhdw])+", text):
        seconds = sum(float(n) * _UNITS[u] for n, u in _RELATIVE.findall(text))
        return now - timedelta(seconds=seconds)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(
            f"not a time: {text!r} (use ISO 8601 like 2025-03-12T08:00:00+08:00, "
            "or an age like 30m, 2h, 7d)"
        ) from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- filtering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterFilter:
    """Which letters a ``dlq`` command works on. Empty fields match everything.

    ``reasons`` are shell-style patterns (``http_5*``); ``since`` is inclusive and ``until``
    exclusive, both compared with the letter's ``failed_at``.
    """

    stages: frozenset[str] = frozenset()
    reasons: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    origin_topic: str | None = None
    ids: frozenset[LetterId] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (
            self.stages or self.reasons or self.since or self.until or self.origin_topic or self.ids
        )

    def matches(self, stored: StoredLetter) -> bool:
        letter = stored.letter
        if self.ids and stored.id not in self.ids:
            return False
        if self.stages and letter.stage not in self.stages:
            return False
        if self.reasons and not any(fnmatch.fnmatchcase(letter.reason, p) for p in self.reasons):
            return False
        failed_at = _aware(letter.failed_at)
        if self.since is not None and failed_at < self.since:
            return False
        if self.until is not None and failed_at >= self.until:
            return False
        return self.origin_topic is None or letter.origin_topic == self.origin_topic

    def describe(self) -> str:
        parts = []
        if self.stages:
            parts.append("stage=" + ",".join(sorted(self.stages)))
        if self.reasons:
            parts.append("reason=" + ",".join(self.reasons))
        if self.since:
            parts.append(f"since={self.since.isoformat()}")
        if self.until:
            parts.append(f"until={self.until.isoformat()}")
        if self.origin_topic:
            parts.append(f"origin={self.origin_topic}")
        if self.ids:
            parts.append("id=" + ",".join(format_id(i) for i in sorted(self.ids)))
        return " ".join(parts) or "all letters"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- summaries ------------------------------------------------------------------------------


def summarise(
    name: str,
    letters: Iterable[tuple[LetterId, str, str, datetime]],
    replayed: Iterable[LetterId],
    undecodable: int,
    now: datetime,
) -> DeadLetterInfo:
    """Counts by (stage, reason) from ``(id, stage, reason, failed_at)`` tuples."""
    done = set(replayed)
    recent_since = now - timedelta(seconds=RECENT_DEAD_LETTERS_S)
    groups: dict[tuple[str, str], list[int]] = {}
    newest: dict[tuple[str, str], datetime] = {}
    total = replayed_count = 0
    for ident, stage, reason, failed_at in letters:
        failed_at = _aware(failed_at)
        counts = groups.setdefault((stage, reason), [0, 0, 0])
        counts[0] += 1
        total += 1
        if ident in done:
            counts[1] += 1
            replayed_count += 1
        elif failed_at >= recent_since:
            counts[2] += 1
        if (stage, reason) not in newest or failed_at > newest[(stage, reason)]:
            newest[(stage, reason)] = failed_at
    by_reason = tuple(
        DeadLetterCount(stage, reason, c[0], c[1], newest.get((stage, reason)), c[2])
        for (stage, reason), c in sorted(groups.items(), key=lambda kv: (-kv[1][0], kv[0]))
    )
    return DeadLetterInfo(name, total, replayed_count, undecodable, by_reason)


# --- replay plans ---------------------------------------------------------------------------


@dataclass
class ReplayPlan:
    """What one ``dlq replay`` run will do with the letters its filter selected."""

    send: list[StoredLetter] = field(default_factory=list)
    #: Selected, but a marker says an earlier run already replayed them.
    already_replayed: list[StoredLetter] = field(default_factory=list)
    #: Selected, but cannot go back: ``(letter, why)``.
    refused: list[tuple[StoredLetter, str]] = field(default_factory=list)


def plan_replay(
    selected: Iterable[StoredLetter],
    replayed: set[LetterId],
    allowed_topics: set[str],
) -> ReplayPlan:
    """Split the selected letters into those to send, those already replayed and the refused.

    Only topics of this deployment (``allowed_topics``: the declared topics under the current
    prefix) are valid destinations, so letters from another prefix sharing the cluster, or a
    forged origin, can never be written somewhere unexpected.
    """
    plan = ReplayPlan()
    for stored in selected:
        letter = stored.letter
        if stored.id in replayed:
            plan.already_replayed.append(stored)
        elif not letter.origin_topic:
            plan.refused.append((stored, "no origin topic"))
        elif letter.origin_topic not in allowed_topics:
            plan.refused.append(
                (stored, f"origin topic {letter.origin_topic} is not a topic of this deployment")
            )
        elif not letter.payload:
            plan.refused.append((stored, "no payload"))
        else:
            plan.send.append(stored)
    return plan
