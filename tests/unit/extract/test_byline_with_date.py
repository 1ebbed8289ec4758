"""A byline that goes on to the date (issue 12: authors on unseen English sites): blog
themes print "By Jane Doe on December 1, 2026" or "Posted by Jane Doe in News on 1st
December 2026" on one line. The date was cut from it, but the "on" before it stayed and
made the name no name."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newswire.parser.extract import extract

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Jane Doe on December 1, 2026", ["Jane Doe"]),
        ("By Jane Doe and John Roe on Dec. 1, 2026", ["Jane Doe", "John Roe"]),
        ("Posted by Jane Doe in News on 1st December 2026", ["Jane Doe"]),
        ("By Jane Doe, updated December 1, 2026", ["Jane Doe"]),
    ],
)
def test_the_writer_of_a_byline_with_its_date_is_read(byline: str, authors: list[str]) -> None:
    html = page(top=f"<h1>Council approves the harbour plan</h1><p class='byline'>{byline}</p>")
    art = extract(html, "https://harbour.example.com/news/x", fetched_at=NOW).article
    assert art is not None
    assert art.authors == authors
    assert art.published_at is not None
    assert art.published_at.date() == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Author: Jane Doe", ["Jane Doe"]),
        ("Authors: Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Author: Jane Doe | December 1, 2026", ["Jane Doe"]),
    ],
)
def test_a_writer_labelled_author_with_a_colon_is_read(line: str, authors: list[str]) -> None:
    # Blog themes label the writer "Author:" on the name's own line, often under the date.
    top = f"<h1>Council approves the harbour plan</h1><p>Published on: 1 Dec, 2026</p><p>{line}</p>"
    art = extract(page(top=top), "https://harbour.example.com/news/x", fetched_at=NOW).article
    assert art is not None
    assert art.authors == authors


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By JOHN DOE and JANE ROE", ["John Doe", "Jane Roe"]),
        ("By MARY O'NEIL", ["Mary O'Neil"]),
        ("By BEN SMITH-JONES", ["Ben Smith-Jones"]),
    ],
)
def test_a_wire_byline_in_capitals_gives_its_writers(byline: str, authors: list[str]) -> None:
    # Wire copy prints the byline in capitals: "JOHN DOE" used to read as initials or a
    # time zone, not a name.
    top = f"<h1>Council approves the harbour plan</h1><div class='byline'>{byline}</div>"
    art = extract(page(top=top), "https://harbour.example.com/news/x", fetched_at=NOW).article
    assert art is not None
    assert art.authors == authors
