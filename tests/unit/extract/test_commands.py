"""The batch command: one output line per input line, whatever the input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newswire.cli import app

pytestmark = pytest.mark.unit


def _jsonl(tmp_path: Path, fixtures: Path, url: str) -> Path:
    lines = [
        {"id": "cms", "url": url, "path": str(fixtures / "seed_cms.html")},
        {
            "id": "gbk",
            "url": url,
            "path": str(fixtures / "seed_table_gbk.html"),
            "headers": {"Content-Type": "text/html"},
        },
        {"id": "png", "url": url, "path": str(fixtures / "hostile_png.bin")},
        {"id": "missing", "url": url, "path": str(tmp_path / "nope.html")},
        {
            "id": "txt",
            "url": url,
            "path": str(fixtures / "seed.txt"),
            "headers": {"content-type": "text/plain"},
        },
    ]
    path = tmp_path / "in.jsonl"
    text = "\n".join(json.dumps(x) for x in lines[:3]) + "\nnot json at all\n"
    text += "\n".join(json.dumps(x) for x in lines[3:]) + "\n"
    path.write_text(text)
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_jsonl_batch(tmp_path, fixtures, seed_expected, workers):
    path = _jsonl(tmp_path, fixtures, seed_expected["url"])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "newswire",
            "extract",
            "--jsonl",
            str(path),
            "--workers",
            str(workers),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o.get("id") for o in out] == ["cms", "gbk", "png", None, "missing", "txt"]
    cms, gbk, png, bad, missing, txt = out
    assert cms["title"] == seed_expected["title"]
    assert cms["article_id"] and cms["canonical_url"] == seed_expected["url"]
    assert cms["published_at"] == seed_expected["published_at"]
    assert gbk["text"] == seed_expected["text"]
    assert png["error"].startswith("binary_content")
    assert bad["error"].startswith("bad_input")
    assert missing["error"].startswith("unreadable_file")
    assert txt["extractor"] == "text-plain"


def test_single_file(fixtures, seed_expected):
    result = CliRunner().invoke(
        app, ["extract", str(fixtures / "seed_mobile.html"), "--url", seed_expected["url"]]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == seed_expected["title"]
    assert data["editor"] == "王婷婷"


def test_single_file_error_exit(fixtures, seed_expected):
    result = CliRunner().invoke(
        app, ["extract", str(fixtures / "hostile_pdf.bin"), "--url", seed_expected["url"]]
    )
    assert result.exit_code == 1
    assert "binary_content" in result.output
