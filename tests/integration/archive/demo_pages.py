"""RawPage records of the demo site (seeds/demo), as the fetcher would have published them."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswire.records import RawPage
from newswire.settings import REPO_ROOT
from newswire.urls import url_id

DEMO = REPO_ROOT / "seeds" / "demo"
HOST = "http://127.0.0.1:8088"
#: After the newest demo story (2025-06-15): the extractor ignores dates after the fetch time.
FETCHED_AT = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)


def demo_pages(copies: int = 1) -> list[RawPage]:
    """Every HTML page of the demo site; ``copies`` > 1 repeats them under distinct URLs."""
    pages = []
    files = sorted(p for p in DEMO.rglob("*") if p.suffix in (".html", ".shtml"))
    for copy in range(copies):
        for number, path in enumerate(files):
            relative = path.relative_to(DEMO).as_posix().removesuffix("index.html")
            url = f"{HOST}/{relative}" + (f"?copy={copy}" if copy else "")
            kind = "page" if path.suffix == ".shtml" else "list"
            pages.append(
                RawPage(
                    url_id=url_id(url),
                    requested_url=url,
                    final_url=url,
                    status=200,
                    headers={"content-type": "text/html; charset=utf-8", "etag": f'"{number}"'},
                    content_type="text/html; charset=utf-8",
                    body=path.read_bytes(),
                    fetched_at=FETCHED_AT + timedelta(seconds=copy, milliseconds=number),
                    site="demo-cmg",
                    kind=kind,  # type: ignore[arg-type]
                )
            )
    return pages


def warcio_tool(*args: str) -> subprocess.CompletedProcess[str]:
    """warcio's own command-line tool, as a separate process."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
