"""The site's name cut from a <title> joined to the headline in less usual ways (issue 12:
titles on unseen English sites).

A page that shows no heading the metadata names has only its <title> to go by; templates
join the site's name to the headline with guillemets, bullets, slashes, tildes, double
colons, or put it in brackets after the headline or as a colon's label before it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import extract

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
HEADLINE = "Council approves the new harbour plan after long debate"
_SITE_NAME = "<meta property='og:site_name' content='Harbour Times'>"


def _title(title_tag: str, head: str = "") -> str | None:
    # No <h1>: only the byline and date over the story, as on many blog templates.
    html = page(
        head=f"<title>{title_tag}</title>{head}",
        top="<p class='byline'>By Jane Doe</p><p>December 1, 2026</p>",
        site="Harbour Times",
    )
    art = extract(html, "https://harbour.example.com/news/x", fetched_at=NOW).article
    assert art is not None
    return art.title


@pytest.mark.parametrize("separator", ["«", "»", "•", "~", "/", "::"])
def test_a_site_name_after_an_unusual_separator_is_cut(separator: str) -> None:
    assert _title(f"{HEADLINE} {separator} Harbour Times") == HEADLINE


@pytest.mark.parametrize(
    "title_tag",
    [f"{HEADLINE} (Harbour Times)", f"{HEADLINE} [Harbour Times]", f"Harbour Times: {HEADLINE}"],
)
def test_the_known_site_name_in_brackets_or_as_a_label_is_cut(title_tag: str) -> None:
    assert _title(title_tag, head=_SITE_NAME) == HEADLINE


@pytest.mark.parametrize(
    "title_tag",
    ["Rates: what the council decided (and why)", "Budget 2027: the council's plan [updated]"],
)
def test_a_headlines_own_brackets_and_colon_stay(title_tag: str) -> None:
    assert _title(title_tag, head=_SITE_NAME) == title_tag


def test_a_slash_without_spaces_is_no_separator() -> None:
    assert _title("AC/DC tickets go on sale for the harbour concert") == (
        "AC/DC tickets go on sale for the harbour concert"
    )
