"""`newswire try` against a site served on loopback: the fetch goes through the fetcher's client
(robots.txt first, the address guard), and the report names every field's evidence and the
site rule that accepts each followed link; a robots-denied URL is a clear error."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from newswire.settings import Settings
from tests.integration.parser.try_site import ARTICLE, TrySite, sites_yaml
from tests.support import settings_env


@pytest.fixture
async def site() -> AsyncIterator[TrySite]:
    server = await TrySite().start()
    yield server
    await server.stop()


def try_settings(settings: Settings, site: TrySite, tmp_path: Path, **update: object) -> Settings:
    seeds = tmp_path / "sites.yaml"
    seeds.write_text(sites_yaml(site.base))
    return settings.model_copy(
        update={"seeds_file": seeds, "allow_private_networks": ["127.0.0.1"], **update}
    )


async def newswire_try(settings: Settings, *args: str) -> tuple[int, str, str]:
    """Run `newswire try ...` as a child process; the loop keeps serving the site meanwhile."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "newswire",
        "try",
        *args,
        env=settings_env(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


EXPECTED_EVIDENCE = {
    "title": ("多国军方首脑巴黎开会", "structured data: JSON-LD headline"),
    "published_at": ("2025-03-12T00:50:00+08:00", "structured data: JSON-LD/meta published"),
    "authors": ("李华", "labelled text: a byline on the page"),
    "editor": ("王小明", "labelled text: an editor label"),
    "source": ("新华社", "site rule: source selector"),
}


async def test_try_shows_fields_with_evidence_and_links_with_their_rules(
    settings: Settings, site: TrySite, tmp_path: Path
) -> None:
    config = try_settings(settings, site, tmp_path)
    url = f"{site.base}/news/1.html"

    code, out, err = await newswire_try(config, url, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["site"] == "local-news"
    assert report["page_type"] == "article"
    # The URL matches the site's article_patterns: the page type says so, as the parser's would.
    assert "article_patterns" in report["page_type_why"]
    fields = report["fields"]
    for name, (value, evidence) in EXPECTED_EVIDENCE.items():
        assert fields[name] == {"value": value, "evidence": evidence}, name
    assert fields["text"]["evidence"] == "heuristic: the densest block of prose"
    assert fields["updated_at"] == {"value": None, "evidence": None}
    rule = f"^{site.base.replace('.', chr(92) + '.')}"
    assert report["follows"] == [
        {"url": f"{site.base}/", "kind": "list", "rule": "local-news: start_urls"},
        {
            "url": f"{site.base}/section/world/",
            "kind": "list",
            "rule": f"local-news: list_patterns: {rule}/section/[a-z]+/$",
        },
        *(
            {
                "url": f"{site.base}/news/{n}.html",
                "kind": "page",
                "rule": f"local-news: article_patterns: {rule}/news/\\d+\\.html$",
            }
            for n in (2, 3)
        ),
    ]
    # /about.html matches no pattern; elsewhere.example is another site.
    assert report["not_followed"] == 2
    # The fetcher's way: robots.txt asked before the page.
    assert site.paths[:2] == ["/robots.txt", "/news/1.html"]

    # The same on the screen.
    code, screen, err = await newswire_try(config, url)
    assert code == 0, err
    assert screen.startswith("fetched    HTTP 200, text/html")
    assert "page type  article: " in screen
    for name, (value, evidence) in EXPECTED_EVIDENCE.items():
        assert f"{name:<13}  {value}  <-  {evidence}" in screen, name
    assert "links followed: 4 (2 other links not followed)" in screen
    assert f"page  {site.base}/news/2.html  <-  local-news: article_patterns: " in screen

    # A saved page reads the same, without any request.
    saved = tmp_path / "page.html"
    saved.write_text(ARTICLE)
    before = len(site.paths)
    code, out, err = await newswire_try(config, url, "--file", str(saved), "--json")
    assert code == 0, err
    assert json.loads(out)["fields"] == fields
    assert len(site.paths) == before


async def test_try_with_another_sites_rules(
    settings: Settings, site: TrySite, tmp_path: Path
) -> None:
    # With a site that has no `extract:` rules, the source comes from the labelled text.
    config = try_settings(settings, site, tmp_path)
    assert config.seeds_file is not None
    config.seeds_file.write_text(
        sites_yaml(site.base) + "  - name: bare\n    hosts: [bare.example]\n"
    )
    code, out, err = await newswire_try(
        config, f"{site.base}/news/1.html", "--site", "bare", "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["site"] == "bare"
    assert report["fields"]["source"] == {
        "value": "新华社",
        "evidence": "labelled text: a source label",
    }
    code, _, err = await newswire_try(config, f"{site.base}/news/1.html", "--site", "nope")
    assert code != 0 and "no site 'nope'" in err


async def test_robots_denied_and_guarded_urls_are_clear_errors(
    settings: Settings, site: TrySite, tmp_path: Path
) -> None:
    config = try_settings(settings, site, tmp_path)
    code, out, err = await newswire_try(config, f"{site.base}/private/draft.html")
    assert code == 2
    assert out == ""
    assert "not fetched (robots_denied): robots.txt" in err
    assert f"disallows {site.base}/private/draft.html" in err
    assert "/private/draft.html" not in site.paths  # never requested

    # Without the loopback allowance the address guard refuses before connecting.
    guarded = try_settings(settings, site, tmp_path, allow_private_networks=[])
    before = len(site.paths)
    code, _, err = await newswire_try(guarded, f"{site.base}/news/1.html")
    assert code == 2
    assert "not fetched (" in err and "127.0.0.1" in err
    assert len(site.paths) == before
