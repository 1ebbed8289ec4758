"""Serve the static demo news site (``seeds/demo/``) on loopback, for offline runs and demos.

The files are plain: list pages, articles (the seed page among them; one in GBK, like older
Chinese CMSs), an RSS feed, a news sitemap and a robots.txt. Feed, sitemap and robots.txt
carry absolute URLs written for ``http://127.0.0.1:8088``; they are rewritten on the fly to
the address the request came to (its Host header), so the site works on any port. Responses
carry ETag and Last-Modified and answer conditional requests with 304, so the fetcher's
conditional re-visits can be watched working.
"""

from __future__ import annotations

import hashlib
import mimetypes
from email.utils import formatdate
from pathlib import Path

from aiohttp import web

from newswire.settings import REPO_ROOT

DEMO_ROOT = REPO_ROOT / "seeds" / "demo"
WRITTEN_FOR = "http://127.0.0.1:8088"
_REWRITTEN = {".xml", ".txt"}
_TYPES = {".shtml": "text/html", ".html": "text/html", ".xml": "application/xml"}


def demo_root(seeds_file: Path) -> Path:
    """The site's files: ``demo/`` beside the seeds file.

    That is ``seeds/demo`` in a checkout and ``/app/seeds/demo`` in the Docker image, where
    the installed package lives far from the repository and ``DEMO_ROOT`` does not exist.
    """
    return seeds_file.parent / "demo"


def _resolve(root: Path, path: str) -> Path | None:
    target = (root / path.lstrip("/")).resolve()
    if root.resolve() not in (target, *target.parents):
        return None  # ../ escapes
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def make_app(root: Path = DEMO_ROOT) -> web.Application:
    async def serve(request: web.Request) -> web.StreamResponse:
        path = _resolve(root, request.path)
        if path is None:
            raise web.HTTPNotFound()
        if path.suffix in _REWRITTEN:
            base_url = f"{request.scheme}://{request.host}"
            body = path.read_bytes().replace(WRITTEN_FOR.encode(), base_url.encode())
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            content_type = _TYPES.get(path.suffix) or "text/plain"
            return web.Response(
                body=body,
                headers={
                    "Content-Type": f"{content_type}; charset=utf-8",
                    "ETag": etag,
                    "Last-Modified": formatdate(path.stat().st_mtime, usegmt=True),
                },
            )
        response = web.FileResponse(path)
        content_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        if content_type:
            response.content_type = content_type
        return response

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    return app


def serve(host: str = "127.0.0.1", port: int = 8088, root: Path = DEMO_ROOT) -> None:
    """Run the demo site until interrupted."""
    print(f"demo site: http://{host}:{port}/ (files from {root}); Ctrl-C to stop")
    web.run_app(make_app(root), host=host, port=port, access_log=None, print=None)
