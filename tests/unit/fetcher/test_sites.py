from __future__ import annotations

from pathlib import Path

import pytest

from newswire.settings import REPO_ROOT
from newswire.sites import SitesError, load_sites, outlink_request, parse_sites

pytestmark = pytest.mark.unit

GOOD = """
defaults:
  revisit: 20m
sites:
  - name: cctv-news
    hosts: [news.cctv.com, "*.cctv.com"]
    start_urls: [https://news.cctv.com/world/]
    feeds: https://news.cctv.com/rss.xml
    article_patterns: ['/\\d{4}/\\d{2}/\\d{2}/ARTI\\w+\\.shtml$']
    list_patterns: ['^https://news\\.cctv\\.com/[a-z]+/$']
    crawl_delay: 2s
    revisit: 5m
  - name: other
    start_urls: [https://other.example/]
"""


def test_real_seed_files_validate() -> None:
    sites = load_sites(REPO_ROOT / "seeds" / "sites.yaml")
    names = {s.name for s in sites}
    assert {"cctv-news", "xinhua", "bbc-news"} <= names
    assert any(s.lang == "zh" for s in sites) and any(s.lang == "en" for s in sites)
    demo = load_sites(REPO_ROOT / "seeds" / "demo.yaml")
    assert all(h.startswith("127.0.0.1") for s in demo for h in s.hosts)


def test_compose_demo_seeds_are_the_demo_seeds_at_host_demo() -> None:
    # docker-compose.yml's demo profile serves the site as `demo:8088`; nothing else differs.
    def body(name: str) -> str:
        text = (REPO_ROOT / "seeds" / name).read_text()
        return text[text.index("defaults:") :]

    local = body("demo.yaml")
    assert "demo:8088" not in local
    local = local.replace(r"127\.0\.0\.1:8088", "demo:8088")
    assert body("demo-compose.yaml") == local.replace("127.0.0.1:8088", "demo:8088")
    compose = load_sites(REPO_ROOT / "seeds" / "demo-compose.yaml")
    assert [h for s in compose for h in s.hosts] == ["demo:8088"]


def test_lookup_and_classification() -> None:
    sites = parse_sites(GOOD)
    cctv = sites.for_url("https://news.cctv.com/2025/03/12/ARTIabc.shtml?utm_source=x")
    assert cctv is not None and cctv.name == "cctv-news"
    assert cctv.classify("https://news.cctv.com/2025/03/12/ARTIabc.shtml") == "article"
    assert cctv.classify("https://news.cctv.com/china/") == "list"
    assert cctv.classify("https://news.cctv.com/world/") == "list"  # a start URL
    assert cctv.classify("https://news.cctv.com/about.html") is None
    assert sites.for_url("https://tv.cctv.com/x").name == "cctv-news"  # type: ignore[union-attr]
    assert sites.for_url("https://unknown.example/") is None
    assert sites.for_url("mailto:a@b.c") is None
    assert cctv.revisit == 300 and cctv.crawl_delay == 2
    assert sites.get("other").revisit == 1200  # type: ignore[union-attr]
    kinds = sorted(r.kind for r in cctv.seed_requests())
    assert kinds == ["feed", "list"]


def test_outlink_decisions() -> None:
    sites = parse_sites(GOOD)
    home = "https://news.cctv.com/world/"
    art = outlink_request(
        sites, "https://news.cctv.com/2025/03/12/ARTIx.shtml#top", referrer=home, depth=1
    )
    assert art is not None and art.kind == "page" and art.site == "cctv-news"
    assert art.url == "https://news.cctv.com/2025/03/12/ARTIx.shtml" and art.depth == 1
    lst = outlink_request(sites, "https://news.cctv.com/china/", referrer=home)
    assert lst is not None and lst.kind == "list"
    assert outlink_request(sites, "https://news.cctv.com/about.html", referrer=home) is None
    assert outlink_request(sites, "https://other.example/x", referrer=home) is None
    offsite = outlink_request(sites, "https://other.example/x", referrer=home, follow_offsite=True)
    assert offsite is not None and offsite.kind == "page"  # no patterns: follow all
    assert (
        outlink_request(sites, "https://unknown.example/", referrer=home, follow_offsite=True)
        is None
    )
    assert outlink_request(sites, "javascript:void(0)", referrer=home) is None


def test_errors_name_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "sites.yaml"
    bad.write_text(
        "sites:\n"
        "  - name: a\n"
        "    start_urls: [ftp://x.example/]\n"
        "    article_patterns: ['(unclosed']\n"
        "  - name: b\n"
        "    start_urls: [http://b.example/]\n"
        "    timezone: Mars/Olympus\n"
        "    revisit: soon\n"
        "    colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(SitesError) as err:
        load_sites(bad)
    problems = err.value.problems
    assert any(p.startswith(f"{bad}:3: sites[0].start_urls") for p in problems), problems
    assert any(
        p.startswith(f"{bad}:4: sites[0].article_patterns") and "regex" in p for p in problems
    ), problems
    assert any(p.startswith(f"{bad}:7: sites[1].timezone") for p in problems), problems
    assert any(p.startswith(f"{bad}:8: sites[1].revisit") for p in problems), problems
    assert any(":9: sites[1].colour" in p for p in problems) or any(
        "colour" in p for p in problems
    ), problems


def test_duplicate_names_and_yaml_errors() -> None:
    with pytest.raises(SitesError, match=r"x.yaml:4: sites\[1\].name: duplicate"):
        parse_sites("sites:\n  - name: a\n    hosts: [a]\n  - name: a\n    hosts: [b]\n", "x.yaml")
    with pytest.raises(SitesError, match=r"x.yaml:\d+: not valid YAML"):
        parse_sites("sites:\n  - name: [\n", "x.yaml")
    with pytest.raises(SitesError, match="needs hosts"):
        parse_sites("sites:\n  - name: a\n")
