"""The one seam between newswire and the search engine.

Users run Elasticsearch 8; local runs and CI run OpenSearch 2 (Elasticsearch cannot be installed
here). Both speak the same REST API for everything newswire does — index templates, aliases,
bulk, search — so the seam is deliberately thin: the backend's official async client is used
only as a transport (connection pooling, TLS, auth, retries on dead connections), and every
request above it is the same path/params/body for both. :class:`SearchClient` is all the rest
of the code sees.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

import orjson

from newswire.settings import Settings, get_settings

log = logging.getLogger(__name__)


class SearchError(Exception):
    """The engine answered with an error status."""

    def __init__(self, status: int, body: Any, message: str = "") -> None:
        self.status = status
        self.body = body
        super().__init__(message or f"search engine returned {status}: {_short(body)}")


class SearchUnavailable(Exception):
    """The engine could not be reached (down, restarting, network)."""


class WrongProduct(RuntimeError):
    """The server at the configured URL is not the configured backend."""


def _short(body: Any, limit: int = 500) -> str:
    text = body if isinstance(body, str) else orjson.dumps(body, default=str).decode()
    return text if len(text) <= limit else text[:limit] + "..."


class _Transport(Protocol):
    async def request(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, ndjson: bool
    ) -> Any: ...

    async def close(self) -> None: ...


class _ElasticsearchTransport:
    """elasticsearch-py 8 ``AsyncElasticsearch`` used as a transport."""

    def __init__(self, settings: Settings) -> None:
        from elasticsearch import AsyncElasticsearch

        auth: dict[str, Any] = {}
        if settings.search_api_key:
            auth["api_key"] = settings.search_api_key.get_secret_value()
        elif settings.search_username:
            password = (
                settings.search_password.get_secret_value() if settings.search_password else ""
            )
            auth["basic_auth"] = (settings.search_username, password)
        self.client = AsyncElasticsearch(
            settings.search_hosts,
            verify_certs=settings.search_verify_certs,
            ca_certs=str(settings.search_ca_certs) if settings.search_ca_certs else None,
            request_timeout=60,
            **auth,
        )

    async def request(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, ndjson: bool
    ) -> Any:
        from elastic_transport import ConnectionError as TransportConnectionError
        from elastic_transport import ConnectionTimeout
        from elasticsearch import ApiError, UnsupportedProductError

        mime = "x-ndjson" if ndjson else "json"
        headers = {"accept": "application/vnd.elasticsearch+json; compatible-with=8"}
        if body is not None:
            headers["content-type"] = f"application/vnd.elasticsearch+{mime}; compatible-with=8"
        try:
            response = await self.client.perform_request(
                method, path, params=params, headers=headers, body=body
            )
        except UnsupportedProductError as exc:
            raise WrongProduct(f"expected Elasticsearch 8.x: {exc.message}") from exc
        except ApiError as exc:
            raise SearchError(exc.meta.status, exc.body) from exc
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise SearchUnavailable(str(exc)) from exc
        return response.body

    async def close(self) -> None:
        await self.client.close()


class _OpenSearchTransport:
    """opensearch-py ``AsyncOpenSearch`` used as a transport."""

    def __init__(self, settings: Settings) -> None:
        from opensearchpy import AsyncOpenSearch

        auth: dict[str, Any] = {}
        if settings.search_api_key:
            auth["headers"] = {
                "authorization": f"ApiKey {settings.search_api_key.get_secret_value()}"
            }
        elif settings.search_username:
            password = (
                settings.search_password.get_secret_value() if settings.search_password else ""
            )
            auth["http_auth"] = (settings.search_username, password)
        self.client = AsyncOpenSearch(
            hosts=settings.search_hosts,
            verify_certs=settings.search_verify_certs,
            ca_certs=str(settings.search_ca_certs) if settings.search_ca_certs else None,
            timeout=60,
            **auth,
        )

    async def request(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, ndjson: bool
    ) -> Any:
        from opensearchpy import ConnectionError as OSConnectionError
        from opensearchpy import TransportError

        headers = {"content-type": "application/x-ndjson"} if ndjson else None
        if ndjson and isinstance(body, str):
            body = body.encode()
        try:
            return await self.client.transport.perform_request(
                method, path, params=params, body=body, headers=headers
            )
        except OSConnectionError as exc:  # a subclass of TransportError: check it first
            raise SearchUnavailable(str(exc)) from exc
        except TransportError as exc:
            status = exc.status_code if isinstance(exc.status_code, int) else 0
            if status == 0:
                raise SearchUnavailable(str(exc)) from exc
            raise SearchError(status, exc.info) from exc

    async def close(self) -> None:
        await self.client.close()


class SearchClient:
    """The requests newswire makes, identical for Elasticsearch 8 and OpenSearch 2."""

    def __init__(self, transport: _Transport, backend: str) -> None:
        self._transport = transport
        self.backend = backend

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        ndjson: bool = False,
    ) -> Any:
        return await self._transport.request(method, path, params, body, ndjson)

    async def close(self) -> None:
        await self._transport.close()

    async def __aenter__(self) -> SearchClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- the operations the services use ---------------------------------------------

    async def info(self) -> dict[str, Any]:
        return await self.request("GET", "/")

    async def check_product(self) -> dict[str, Any]:
        """Fail fast when the URL points at the other product (or at something else)."""
        info = await self.info()
        version = info.get("version", {})
        distribution = version.get("distribution", "elasticsearch")
        number = str(version.get("number", "?"))
        if self.backend == "opensearch" and distribution != "opensearch":
            raise WrongProduct(f"expected OpenSearch, found {distribution} {number}")
        wrong_elastic = distribution != "elasticsearch" or not number.startswith("8.")
        if self.backend == "elasticsearch" and wrong_elastic:
            raise WrongProduct(f"expected Elasticsearch 8.x, found {distribution} {number}")
        return info

    async def health(self) -> dict[str, Any]:
        return await self.request("GET", "/_cluster/health")

    async def bulk(self, ndjson: bytes, *, refresh: bool = False) -> dict[str, Any]:
        params = {"refresh": "true"} if refresh else None
        return await self.request("POST", "/_bulk", params=params, body=ndjson, ndjson=True)

    async def search(self, index: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self.request("POST", f"/{index}/_search", body=dict(body))

    async def count(self, index: str, body: Mapping[str, Any] | None = None) -> int:
        result = await self.request("POST", f"/{index}/_count", body=dict(body or {}))
        return int(result["count"])

    async def refresh(self, index: str) -> None:
        await self.request("POST", f"/{index}/_refresh")

    async def exists(self, path: str) -> bool:
        # Both clients answer HEAD with a boolean (404 -> False) rather than raising.
        try:
            return bool(await self.request("HEAD", path))
        except SearchError as exc:
            if exc.status == 404:
                return False
            raise


def make_client(settings: Settings | None = None) -> SearchClient:
    """The client for the configured backend; no network traffic yet."""
    settings = settings or get_settings()
    transport: _Transport
    if settings.search_backend == "elasticsearch":
        transport = _ElasticsearchTransport(settings)
    else:
        transport = _OpenSearchTransport(settings)
    return SearchClient(transport, settings.search_backend)


async def connect(settings: Settings | None = None) -> SearchClient:
    """A client whose server has been checked to be the configured product."""
    client = make_client(settings)
    try:
        info = await client.check_product()
    except BaseException:
        await client.close()
        raise
    log.info(
        "search engine connected",
        extra={"backend": client.backend, "version": info.get("version", {}).get("number")},
    )
    return client
