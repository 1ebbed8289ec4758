"""The Elasticsearch 8 side of the search seam, on the wire.

Elasticsearch cannot be installed here (OpenSearch stands in for it in every integration test),
so this checks the one part that differs: the requests elasticsearch-py sends for us. A loopback
HTTP server answers the way Elasticsearch 8 does (the product header the client insists on, the
version) and records every request, so the test sees the exact method, path, query, content
type and body that would reach a real cluster, and how its error answers come back to us.
It does not pretend to index anything: what the engine does with the requests is tested on
OpenSearch, which takes the same paths and bodies.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from newswire.indexer.bulk_writer import BulkWriter
from newswire.indexer.documents import index_action
from newswire.indexer.index_design import ensure_index, template_body
from newswire.records import utcnow
from newswire.search import SearchError, SearchUnavailable, WrongProduct, connect
from newswire.settings import Settings
from tests.integration.indexer.synthetic import BASE_MS, make_article

_INFO = {"name": "es8", "version": {"number": "8.17.0", "build_flavor": "default"}}


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class _Elasticsearch8(BaseHTTPRequestHandler):
    """Answers like an Elasticsearch 8 node; ``answers`` maps (method, path) to (status, json)."""

    seen: list[Seen]
    answers: dict[tuple[str, str], tuple[int, object]]
    product = "Elasticsearch"

    def _answer(self) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        self.seen.append(
            Seen(
                self.command,
                url.path,
                parse_qs(url.query),
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
        )
        status, payload = self.answers.get((self.command, url.path), (200, {"acknowledged": True}))
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/vnd.elasticsearch+json;compatible-with=8")
        self.send_header("x-elastic-product", self.product)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _answer

    def log_message(self, *args: object) -> None:  # keep pytest's output clean
        pass


@pytest.fixture
def es8() -> Iterator[type[_Elasticsearch8]]:
    handler = type(
        "Handler",
        (_Elasticsearch8,),
        {"seen": [], "answers": {("GET", "/"): (200, _INFO)}},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield handler
    server.shutdown()
    server.server_close()


def es_settings(url: str, tmp_path: Path) -> Settings:
    return Settings(search_backend="elasticsearch", search_url=url, data_dir=tmp_path)


async def test_setup_and_bulk_send_the_shared_requests_with_elasticsearch_8_headers(
    es8: type[_Elasticsearch8], tmp_path: Path
) -> None:
    settings = es_settings(es8.url, tmp_path)  # type: ignore[attr-defined]
    alias = settings.index_alias
    es8.answers[("GET", f"/_index_template/{alias}")] = (404, {"error": "missing", "status": 404})
    es8.answers[("GET", f"/_alias/{alias}")] = (404, {"error": "missing", "status": 404})
    es8.answers[("POST", "/_bulk")] = (
        200,
        {"errors": False, "items": [{"index": {"status": 201}}]},
    )

    client = await connect(settings)
    try:
        assert await ensure_index(client, settings) == f"{alias}-000001"
        writer = BulkWriter(client, settings, require_alias=True)
        action = index_action(alias, make_article(1), utcnow())
        report = await writer.write([action])
    finally:
        await client.close()

    assert report.indexed == 1
    requests = [(s.method, s.path) for s in es8.seen]
    assert requests == [
        ("GET", "/"),
        ("GET", f"/_index_template/{alias}"),
        ("PUT", f"/_index_template/{alias}"),
        ("GET", f"/_alias/{alias}"),
        ("PUT", f"/{alias}-000001"),
        ("POST", "/_bulk"),
    ]
    template, create, bulk = es8.seen[2], es8.seen[4], es8.seen[5]
    # The very template OpenSearch gets in every integration test.
    assert orjson.loads(template.body) == orjson.loads(orjson.dumps(template_body(settings)))
    assert orjson.loads(create.body) == {"aliases": {alias: {"is_write_index": True}}}
    for seen in es8.seen:
        assert seen.headers["accept"] == "application/vnd.elasticsearch+json; compatible-with=8"
    assert template.headers["content-type"] == (
        "application/vnd.elasticsearch+json; compatible-with=8"
    )
    assert bulk.headers["content-type"] == (
        "application/vnd.elasticsearch+x-ndjson; compatible-with=8"
    )
    # The bulk body goes out byte for byte as built, newline-terminated lines.
    assert bulk.body == action.lines
    assert bulk.body.endswith(b"\n")
    header = orjson.loads(bulk.body.split(b"\n")[0])
    assert header == {
        "index": {
            "_index": alias,
            "_id": "syn-000001",
            "version": BASE_MS + 1,
            "version_type": "external_gte",
        }
    }
    assert bulk.query["require_alias"] == ["true"]
    assert "filter_path" in bulk.query


async def test_error_answers_and_a_dead_node_map_to_the_seams_errors(
    es8: type[_Elasticsearch8], tmp_path: Path
) -> None:
    settings = es_settings(es8.url, tmp_path)  # type: ignore[attr-defined]
    es8.answers[("POST", "/_bulk")] = (
        429,
        {"error": {"type": "es_rejected_execution_exception"}, "status": 429},
    )
    client = await connect(settings)
    try:
        with pytest.raises(SearchError) as raised:
            await client.bulk(b'{"index":{"_index":"x","_id":"1"}}\n{}\n')
        assert raised.value.status == 429
        assert raised.value.body["error"]["type"] == "es_rejected_execution_exception"
    finally:
        await client.close()

    dead = es_settings("http://127.0.0.1:9", tmp_path)  # discard port: nothing listens
    with pytest.raises(SearchUnavailable):
        await connect(dead)


async def test_a_server_that_is_not_elasticsearch_is_refused(
    es8: type[_Elasticsearch8], tmp_path: Path
) -> None:
    es8.product = "Something else"
    with pytest.raises(WrongProduct):
        await connect(es_settings(es8.url, tmp_path))  # type: ignore[attr-defined]
