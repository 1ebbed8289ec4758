"""Which story an article belongs to, and what each story looks like so far. Pure, no I/O.

:class:`StoryIndex` takes articles one at a time, in the order of the story sequence (a
single partition, so that order is the same on every replay), and answers with the
article's story:

1. an article id seen before keeps its story (a duplicate, or a revision of its content);
2. otherwise the LSH index proposes candidates (articles sharing at least one band of their
   MinHash signatures), the signatures verify them (estimated Jaccard or containment over
   the thresholds), and the article joins the story of the most similar one; ties go to
   the older story;
3. no verified candidate: the article founds a story, whose id is the article's id.

Determinism. Every decision depends only on the members recorded so far, never on the
order they were recorded in, the slots they occupy or the clock: candidates are ranked by
similarity and then by the story's place in the sequence. The durable state is therefore
just one :class:`Member` per article id; :meth:`StoryIndex.restore` rebuilds the LSH index
and the story totals from any set of members and then decides exactly as the index that
wrote them would have.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import orjson

from newswire.stories.bands import BandIndex
from newswire.stories.shingles import shingle_hashes
from newswire.stories.signature import BINS, Signature, band_keys, containment, jaccard, signature


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The LSH banding and the verification rule, chosen with ``bench/story_quality.py``."""

    #: ``bands`` x ``rows`` bins of the signature form the LSH keys: a pair with Jaccard J
    #: becomes a candidate with probability ``1 - (1 - J**rows) ** bands``.
    bands: int = 32
    rows: int = 3
    #: A candidate is the same story when the estimated Jaccard similarity reaches this...
    jaccard: float = 0.5
    #: ...or when the smaller text is at least this much contained in the other,
    containment: float = 0.8
    #: provided the smaller text has this many shingles (short texts contain each other by
    #: chance: a one-line brief and a long report that repeats it are not one story).
    min_contained: int = 40


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What the grouping needs from an article."""

    key: str
    version: int
    content_hash: str
    text: str
    site: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    fetched_at: datetime | None = None

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any], key: str | None = None) -> ArticleFacts:
        """From an Article's JSON fields (a record, or a line of ``extract --jsonl``).

        Raises ``ValueError`` for fields of the wrong type.
        """
        key = key if key is not None else fields.get("id")
        if not isinstance(key, str) or not key:
            raise ValueError(f"article id must be a non-empty string, got {key!r}")
        version = fields.get("version", 0)
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError(f"version must be an integer, got {version!r}")
        text = fields.get("text") or ""
        if not isinstance(text, str):
            raise ValueError("text must be a string")
        return cls(
            key=key,
            version=version,
            content_hash=str(fields.get("content_hash") or ""),
            text=text,
            site=_str_or_none(fields.get("site")),
            source=_source_name(fields.get("source")),
            published_at=_time(fields.get("published_at")),
            updated_at=_time(fields.get("updated_at")),
            fetched_at=_time(fields.get("fetched_at")),
        )


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _source_name(value: Any) -> str | None:
    # "新华社 " and "新华社" are one outlet; the source line's label is already gone.
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _shared(value: str | None) -> str | None:
    """One string object per distinct site or source name, however many members have it."""
    return sys.intern(value) if value is not None else None


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass(slots=True)
class Member:
    """One article's durable story state (the changelog value, keyed by article id)."""

    key: str
    story_id: str
    #: Position of the article's first arrival in the story sequence.
    seq: int
    #: Position of the last arrival that changed this member (the story document's version
    #: is the largest of its members').
    changed_seq: int
    revision: int
    version: int
    content_hash: str
    site: str | None
    source: str | None
    first_published_at: datetime | None
    first_fetched_at: datetime | None
    #: Distinct shingles of the current text (0: no text, no signature).
    shingles: int
    #: Row of the signature matrix (-1: none yet); the index's, not part of the entry.
    slot: int = -1

    def to_json(self, sig: Signature | None) -> bytes:
        # (`slot` stays out: a restored index numbers its rows afresh.)
        return orjson.dumps(
            {
                "key": self.key,
                "story_id": self.story_id,
                "seq": self.seq,
                "changed_seq": self.changed_seq,
                "revision": self.revision,
                "version": self.version,
                "content_hash": self.content_hash,
                "site": self.site,
                "source": self.source,
                "first_published_at": self.first_published_at,
                "first_fetched_at": self.first_fetched_at,
                "shingles": self.shingles,
                "sig": base64.b64encode(sig.tobytes()).decode() if sig is not None else None,
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> tuple[Member, Signature | None]:
        obj = orjson.loads(data)
        raw_sig = obj.pop("sig", None)
        sig = np.frombuffer(base64.b64decode(raw_sig), dtype=np.uint16).copy() if raw_sig else None
        obj["first_published_at"] = _time(obj.get("first_published_at"))
        obj["first_fetched_at"] = _time(obj.get("first_fetched_at"))
        obj["site"], obj["source"] = _shared(obj.get("site")), _shared(obj.get("source"))
        return cls(**obj), sig


@dataclass(frozen=True, slots=True)
class StorySnapshot:
    """A story as it stands after an assignment: the story document's content."""

    id: str
    #: ``changed_seq`` of the story's latest change: monotonic, so the document's version.
    version: int
    articles: int
    sites: int
    first_seen_at: datetime | None
    origin_article_id: str
    origin_site: str | None
    origin_published_at: datetime | None
    #: The outlet the members credit most often as their source (ties: credited first).
    origin_source: str | None
    origin_source_credits: int


@dataclass(frozen=True, slots=True)
class Assignment:
    story_id: str
    revision: int
    first_published_at: datetime | None
    #: The article's ``updated_at``; a revision that states none was updated when fetched.
    updated_at: datetime | None
    #: False for a duplicate or an older version: nothing to record.
    changed: bool
    member: Member
    story: StorySnapshot


@dataclass(slots=True)
class _Story:
    id: str
    #: The founding article's ``seq``: older stories win ties.
    seq: int
    members: list[str]


_INITIAL_SLOTS = 1024


class StoryIndex:
    """The story state of one sequence: members, their signatures, the LSH bands, stories."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self._members: dict[str, Member] = {}
        self._stories: dict[str, _Story] = {}
        # Signatures live in one matrix, one row ("slot") per article with text; a dict per
        # article would cost several times the 256 bytes of the signature itself.
        self._sigs = np.zeros((_INITIAL_SLOTS, BINS), dtype=np.uint16)
        self._sizes = np.zeros(_INITIAL_SLOTS, dtype=np.int32)
        self._story_seq = np.zeros(_INITIAL_SLOTS, dtype=np.int64)
        self._slot_story: list[str] = []
        self._bands = BandIndex()

    def __len__(self) -> int:
        return len(self._members)

    @property
    def stories(self) -> int:
        return len(self._stories)

    def member(self, key: str) -> Member | None:
        return self._members.get(key)

    def signature_of(self, key: str) -> Signature | None:
        member = self._members.get(key)
        return None if member is None or member.slot < 0 else self._sigs[member.slot].copy()

    # --- assignment ------------------------------------------------------------------

    def assign(self, facts: ArticleFacts, seq: int) -> Assignment:
        """The story of the article arriving at position ``seq`` of the sequence."""
        known = self._members.get(facts.key)
        if known is not None:
            return self._revisit(known, facts, seq)
        hashes = shingle_hashes(facts.text)
        sig = signature(hashes)
        story = self._best_story(sig, hashes.size) if sig is not None else None
        if story is None:
            story = _Story(facts.key, seq, [])
            self._stories[story.id] = story
        member = Member(
            key=facts.key,
            story_id=story.id,
            seq=seq,
            changed_seq=seq,
            revision=0,
            version=facts.version,
            content_hash=facts.content_hash,
            site=_shared(facts.site),
            source=_shared(facts.source),
            first_published_at=facts.published_at,
            first_fetched_at=facts.fetched_at,
            shingles=int(hashes.size),
        )
        self._members[member.key] = member
        story.members.append(member.key)
        if sig is not None:
            self._place(member, sig, hashes.size, story)
        return self._answer(member, facts, changed=True)

    def _revisit(self, member: Member, facts: ArticleFacts, seq: int) -> Assignment:
        """A known article id: a duplicate, an older copy, or a newer version."""
        if facts.version <= member.version:
            return self._answer(member, facts, changed=False)
        member.version = facts.version
        member.changed_seq = seq
        member.source = _shared(facts.source)
        if member.first_published_at is None:
            member.first_published_at = facts.published_at
        if facts.content_hash != member.content_hash:
            # A correction or an update: the article keeps its id and its story (even when
            # the new text would match another story better), and counts one more revision.
            member.revision += 1
            member.content_hash = facts.content_hash
            hashes = shingle_hashes(facts.text)
            sig = signature(hashes)
            member.shingles = int(hashes.size)
            self._unplace(member)
            if sig is not None:
                self._place(member, sig, hashes.size, self._stories[member.story_id])
        return self._answer(member, facts, changed=True)

    def _best_story(self, sig: Signature, size: int) -> _Story | None:
        t = self.thresholds
        found = self._bands.lookup(band_keys(sig, t.bands, t.rows))
        if not found:
            return None
        slots = np.fromiter(found, dtype=np.intp, count=len(found))
        sizes = self._sizes[slots]
        jac = jaccard(sig, self._sigs[slots])
        con = containment(jac, size, sizes)
        same = (jac >= t.jaccard) | (
            (con >= t.containment) & (np.minimum(size, sizes) >= t.min_contained)
        )
        if not same.any():
            return None
        slots, jac = slots[same], jac[same]
        # Most similar first, then the older story: independent of slot numbers.
        best = slots[np.lexsort((self._story_seq[slots], -jac))[0]]
        return self._stories[self._slot_story[best]]

    # --- the LSH index -----------------------------------------------------------------

    def _place(self, member: Member, sig: Signature, size: int, story: _Story) -> None:
        slot = member.slot
        if slot < 0:
            slot = member.slot = len(self._slot_story)
            if slot == len(self._sizes):
                self._grow()
            self._slot_story.append(story.id)
        self._sigs[slot] = sig
        self._sizes[slot] = size
        self._story_seq[slot] = story.seq
        self._bands.add(band_keys(sig, self.thresholds.bands, self.thresholds.rows), slot)

    def _unplace(self, member: Member) -> None:
        """Take an article's current signature out of the bands (its slot stays its own)."""
        slot = member.slot
        if slot < 0 or self._sizes[slot] == 0:
            return
        self._bands.remove(
            band_keys(self._sigs[slot], self.thresholds.bands, self.thresholds.rows), slot
        )
        self._sizes[slot] = 0

    def _grow(self) -> None:
        n = len(self._sizes) * 2
        self._sigs = np.resize(self._sigs, (n, BINS))
        self._sizes = np.resize(self._sizes, n)
        self._story_seq = np.resize(self._story_seq, n)

    # --- stories ---------------------------------------------------------------------

    def _answer(self, member: Member, facts: ArticleFacts, *, changed: bool) -> Assignment:
        updated = facts.updated_at
        if updated is None and member.revision > 0:
            updated = facts.fetched_at
        return Assignment(
            story_id=member.story_id,
            revision=member.revision,
            first_published_at=member.first_published_at,
            updated_at=updated,
            changed=changed,
            member=member,
            story=self.snapshot(member.story_id),
        )

    def snapshot(self, story_id: str) -> StorySnapshot:
        """The story's totals, computed from its members (so they never drift)."""
        members = [self._members[key] for key in self._stories[story_id].members]
        origin = min(members, key=_publication_order)
        credits: dict[str, tuple[int, int]] = {}
        for m in members:
            if m.source:
                count, first = credits.get(m.source, (0, m.seq))
                credits[m.source] = (count + 1, min(first, m.seq))
        source, (source_credits, _) = min(
            credits.items(), key=lambda item: (-item[1][0], item[1][1]), default=(None, (0, 0))
        )
        seen = [m.first_fetched_at for m in members if m.first_fetched_at is not None]
        return StorySnapshot(
            id=story_id,
            version=max(m.changed_seq for m in members),
            articles=len(members),
            sites=len({m.site or m.key for m in members}),
            first_seen_at=min(seen) if seen else None,
            origin_article_id=origin.key,
            origin_site=origin.site,
            origin_published_at=origin.first_published_at or origin.first_fetched_at,
            origin_source=source,
            origin_source_credits=source_credits,
        )

    # --- durable state ---------------------------------------------------------------

    def record(self, key: str) -> bytes:
        """The durable entry of one member (what the changelog keeps for it)."""
        member = self._members[key]
        slot = member.slot
        sig = self._sigs[slot] if slot >= 0 and self._sizes[slot] else None
        return member.to_json(sig)

    def restore(self, entries: Iterable[bytes]) -> None:
        """Rebuild everything from durable entries (any order), replacing the current state.

        One pass over the entries (they may come straight from a changelog of millions):
        each member's signature goes into the matrix and the bands as it is read, and the
        stories' places in the sequence are filled in once every founder has been seen.
        """
        self.__init__(self.thresholds)  # type: ignore[misc]
        for entry in entries:
            member, sig = Member.from_json(entry)
            self._members[member.key] = member
            story = self._stories.get(member.story_id)
            if story is None:
                story = self._stories[member.story_id] = _Story(member.story_id, -1, [])
            member.story_id = story.id  # one string object per story
            story.members.append(member.key)
            if member.key == member.story_id:
                story.seq = member.seq
            if sig is not None:
                self._place(member, sig, member.shingles, story)
        for story in self._stories.values():
            if story.seq < 0:  # founder missing (cannot happen with a complete changelog)
                story.seq = min(self._members[k].seq for k in story.members)
        for slot, story_id in enumerate(self._slot_story):
            self._story_seq[slot] = self._stories[story_id].seq


def _publication_order(member: Member) -> tuple[datetime | int, int]:
    """Who broke it first: earliest publication time (fetch time when unknown), then seq."""
    when = member.first_published_at or member.first_fetched_at
    return (when.timestamp() if when is not None else float("inf"), member.seq)  # type: ignore[return-value]
