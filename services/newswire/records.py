"""The messages newswire's services exchange through Kafka, one versioned schema each.

Every record is JSON on the wire with two envelope fields first, ``type`` and
``schema_version``, so an operator reading a topic can tell what a message is and a consumer
can refuse a version it does not understand with a clear error (which sends the message to the
dead-letter topic instead of crashing the stream). Raw page bytes travel zstd-compressed and
base64-encoded, and are never re-encoded as text.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, Protocol, TypeVar

import cramjam
import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)


class RecordError(ValueError):
    """A message could not be turned into a record; ``reason`` is a short machine label."""

    reason = "undecodable"


class SchemaVersionError(RecordError):
    reason = "unknown_schema_version"


class RecordTypeError(RecordError):
    reason = "unexpected_record_type"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Record(BaseModel):
    """Base of every message: adds the envelope and strict JSON (de)serialisation."""

    model_config = ConfigDict(
        extra="ignore",
        ser_json_bytes="base64",
        val_json_bytes="base64",
        frozen=False,
    )

    #: Bump when a change is not backwards compatible; consumers refuse other versions.
    SCHEMA_VERSION: ClassVar[int] = 1
    #: Older versions this build still reads (records already in a topic when it rolled out).
    ALSO_READS: ClassVar[tuple[int, ...]] = ()

    def to_bytes(self) -> bytes:
        body = self.model_dump_json().encode()
        return self.envelope() + (body[1:] if len(body) > 2 else b"}")

    @classmethod
    def envelope(cls) -> bytes:
        """How every message of this type opens (``{"type":...,"schema_version":...,``): the
        envelope goes first so it is the first thing a human sees in a topic browser."""
        return b'{"type":"%s","schema_version":%d,' % (cls.__name__.encode(), cls.SCHEMA_VERSION)

    @classmethod
    def from_bytes(cls: type[R], data: bytes | str) -> R:
        return decode(data, cls)


R = TypeVar("R", bound=Record)

# --- crawl frontier --------------------------------------------------------------------------

CrawlKind = Literal["page", "list", "feed", "sitemap"]
CrawlSource = Literal["seed", "outlink", "feed", "sitemap", "cli", "schedule", "replay"]


class CrawlRequest(Record):
    """A URL the fetcher should fetch; keyed by host on ``crawl.requests``."""

    url: str
    site: str | None = None
    kind: CrawlKind = "page"
    source: CrawlSource = "cli"
    referrer: str | None = None
    depth: int = 0
    #: Fetch even if the URL was fetched before (articles are otherwise fetched once).
    force: bool = False
    title: str | None = None
    published_at: datetime | None = None
    requested_at: datetime = Field(default_factory=utcnow)


# --- fetched pages ---------------------------------------------------------------------------

#: Marks a body compressed by :func:`_body_to_wire`; version 1 records carried plain base64.
_ZSTD = "zstd:"


def _body_to_wire(body: bytes) -> str:
    """A page body compressed before base64, not left to Kafka's batch compression.

    Compressing the HTML itself makes the record ~5x smaller (base64 first hides the repeats
    a compressor looks for), so the broker, the consumer's batch decompression and the pipe
    into the parser's pool all move a fifth of the bytes; only the pool process that parses
    the page pays for decompressing it. Level 1: nearly level 3's ratio at 70% of its CPU.
    """
    return _ZSTD + _zstd_base64(body).decode()


def _zstd_base64(body: bytes) -> bytes:
    return base64.b64encode(cramjam.zstd.compress(body, level=1))


def _body_from_wire(value: Any, handler: ValidatorFunctionWrapHandler) -> bytes:
    if not (isinstance(value, str) and value.startswith(_ZSTD)):
        # Bytes given in Python (the fetcher), or a version 1 body of plain base64.
        return handler(value)  # type: ignore[no-any-return]
    # pydantic decodes the base64 (five times faster than the base64 module), then we inflate.
    compressed = handler(value[len(_ZSTD) :])
    try:
        return bytes(cramjam.zstd.decompress(compressed))
    except cramjam.DecompressionError as exc:
        raise ValueError(f"body is not zstd in base64: {exc}") from exc


PageBody = Annotated[
    bytes,
    WrapValidator(_body_from_wire),
    PlainSerializer(_body_to_wire, return_type=str, when_used="json"),
]


class RawPage(Record):
    """One HTTP response exactly as received; keyed by ``url_id`` on ``pages.raw``."""

    #: 2: the body is compressed on the wire (:data:`PageBody`).
    SCHEMA_VERSION: ClassVar[int] = 2
    ALSO_READS: ClassVar[tuple[int, ...]] = (1,)

    url_id: str
    requested_url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content_type: str | None = None
    body: PageBody
    #: True when the body was cut at the fetcher's size cap.
    truncated: bool = False
    fetched_at: datetime = Field(default_factory=utcnow)
    site: str | None = None
    kind: CrawlKind = "page"
    depth: int = 0
    elapsed_ms: float | None = None


def raw_page_bytes(page: RawPage) -> bytes:
    """The same message as ``page.to_bytes()``, built without pydantic's serializer, for bulk
    producers (``import-warc``): :meth:`RawPage.from_bytes` reads back an equal page.

    pydantic copies a body's base64 (tens of KB) several times on its way to bytes; here it
    is written into the message once, and only the small fields go through orjson (times keep
    their offset: ``+00:00`` where pydantic writes ``Z``, the same instant to every reader).
    """
    fields = orjson.dumps({name: getattr(page, name) for name in _RAW_PAGE_SMALL_FIELDS})
    return b"".join(
        (
            RawPage.envelope(),
            fields[1:-1],
            b',"body":"' + _ZSTD.encode(),
            _zstd_base64(page.body),
            b'"}',
        )
    )


_RAW_PAGE_SMALL_FIELDS = tuple(name for name in RawPage.model_fields if name != "body")


# --- articles --------------------------------------------------------------------------------


class Image(BaseModel):
    url: str
    caption: str | None = None


class Link(BaseModel):
    title: str
    url: str


class Outlink(BaseModel):
    url: str
    title: str | None = None
    summary: str | None = None
    published_at: datetime | None = None


PageType = Literal["article", "list", "other"]


class Article(Record):
    """A normalised article; keyed by ``id`` on ``articles`` and ``_id`` in the index."""

    id: str
    url: str
    canonical_url: str
    site: str | None = None
    lang: str | None = None
    page_type: PageType = "article"
    title: str | None = None
    section: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    updated_at: datetime | None = None
    authors: list[str] = Field(default_factory=list)
    editor: str | None = None
    source: str | None = None
    text: str = ""
    headings: list[str] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    related: list[Link] = Field(default_factory=list)
    outlinks: list[Outlink] = Field(default_factory=list)
    views: int | None = None
    length: int = 0
    content_hash: str = ""
    #: 64-bit SimHash of the text as 16 hex digits (unsigned; JSON numbers lose precision).
    simhash: str = ""
    extractor: str = ""
    #: The extractor release that produced this article (parser/extract/version.py).
    extractor_version: int = 0
    warnings: list[str] = Field(default_factory=list)
    #: Monotonic per article id: fetch time in ms * 1000 + extractor version (see
    #: parser/extract/version.py); the index's external version.
    version: int = 0
    fetched_at: datetime | None = None
    # --- set by the story stage (``articles.storied``); absent on ``articles`` ----------
    #: The story as it stood when this version of the article was assigned to it.
    story: Story | None = None
    #: Content changes since the article was first seen (0: the original).
    revision: int = 0
    #: ``published_at`` of the article's first version; stays when corrections move it.
    first_published_at: datetime | None = None


class StoryOrigin(BaseModel):
    #: Who broke it first: the member published earliest (fetched earliest when unknown).
    article_id: str
    site: str | None = None
    published_at: datetime | None = None
    #: The outlet the members credit most often as ``source`` (ties: credited first).
    source: str | None = None
    source_credits: int = 0


class Story(Record):
    """A story as it stood after one assignment: the ``story`` of an article on
    ``articles.storied``, and the story document the indexer keeps (newest version wins)."""

    #: The id of the article that founded the story.
    id: str
    #: Position in the story sequence of the story's latest change: monotonic per story.
    version: int
    articles: int
    sites: int
    first_seen_at: datetime | None = None
    origin: StoryOrigin


Article.model_rebuild()  # its `story` field names Story, defined after it


# --- fill samples ----------------------------------------------------------------------------


class FillSample(Record):
    """Which watched fields one article had; keyed by ``site`` on ``articles.fill``.

    A few dozen bytes per article, so ``newswire status`` and the parser's metrics can read a
    site's recent history without reading the articles (see :mod:`newswire.parser.fill_rates`).
    """

    site: str
    article_id: str
    #: The article's version (fetch time in ms): a replay of the same fetch counts once.
    version: int = 0
    #: The fields of :data:`newswire.parser.fill_rates.FIELDS` the article has.
    filled: list[str] = Field(default_factory=list)
    fetched_at: datetime | None = None


# --- failures --------------------------------------------------------------------------------

Stage = Literal["fetch", "parse", "story", "index", "decode"]


class ConsumedMessage(Protocol):
    """What every consumer's message has: aiokafka's records, faust's messages, the indexer's."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...


class DeadLetter(Record):
    """Something a stage could not handle, with everything needed to replay it after a fix."""

    stage: Stage
    #: Short, stable label for grouping (``http_404``, ``extract_error``, ``mapper_parsing``).
    reason: str
    #: Human-readable detail: the exception text or the engine's error.
    error: str
    origin_topic: str | None = None
    origin_partition: int | None = None
    origin_offset: int | None = None
    origin_key: bytes | None = None
    payload: bytes = b""
    url: str | None = None
    url_id: str | None = None
    failed_at: datetime = Field(default_factory=utcnow)
    replays: int = 0

    @classmethod
    def about(
        cls,
        message: ConsumedMessage,
        stage: Stage,
        reason: str,
        error: str,
        *,
        url: str | None = None,
        url_id: str | None = None,
    ) -> DeadLetter:
        """The dead letter for a consumed message: its origin and its payload, kept for replay."""
        return cls(
            stage=stage,
            reason=reason,
            error=error,
            origin_topic=message.topic,
            origin_partition=message.partition,
            origin_offset=message.offset,
            origin_key=message.key,
            payload=message.value or b"",
            url=url,
            url_id=url_id,
        )


RECORD_TYPES: dict[str, type[Record]] = {
    cls.__name__: cls for cls in (CrawlRequest, RawPage, Article, Story, DeadLetter, FillSample)
}


def _envelope(data: bytes) -> tuple[Any, Any] | None:
    """``(type, schema_version)`` read from the head of a message our own encoder wrote."""
    match = _ENVELOPE.match(data)
    return (match.group(1).decode(), int(match.group(2))) if match else None


_ENVELOPE = re.compile(rb'\{"type":"(\w+)","schema_version":(\d+)[,}]')


def decode(data: bytes | str, expected: type[R]) -> R:
    """Parse a message into ``expected``; raises a :class:`RecordError` subclass otherwise."""
    raw = data.encode() if isinstance(data, str) else data
    # Fast path: our encoder puts the envelope first, so one look at the head and one
    # validating parse suffice (pages are large; parsing them twice showed in profiles).
    check_envelope(expected, _envelope(raw) or _parsed(raw)[1])
    try:
        # `type` and `schema_version` are ignored as extra fields.
        return expected.model_validate_json(raw)
    except ValidationError as exc:
        raise RecordError(
            f"invalid {expected.__name__}: {exc.error_count()} errors: {exc}"
        ) from exc


def decode_fields(data: bytes, expected: type[Record]) -> dict[str, Any]:
    """The message's JSON object after the same envelope checks as :func:`decode`, but
    without validating the fields: for a consumer that only passes them on (the indexer,
    whose engine mapping is the validation that matters)."""
    raw, head = _parsed(data)
    check_envelope(expected, head)
    return raw


def _parsed(data: bytes) -> tuple[dict[str, Any], tuple[Any, Any]]:
    try:
        obj: Any = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    return obj, (obj.get("type"), obj.get("schema_version"))


def check_envelope(expected: type[Record], head: tuple[Any, Any]) -> None:
    kind, version = head
    if kind != expected.__name__:
        raise RecordTypeError(f"expected a {expected.__name__} record, got type={kind!r}")
    if version != expected.SCHEMA_VERSION and version not in expected.ALSO_READS:
        raise SchemaVersionError(
            f"{kind} schema_version {version!r} is not supported "
            f"(this build reads version {expected.SCHEMA_VERSION})"
        )
