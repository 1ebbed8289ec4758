"""English failure classes found on sites never seen before (issue 12): each test holds a
small page of its own showing one class."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newswire.parser.extract import dates, extract

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _page(head: str = "", top: str = "", after: str = "") -> bytes:
    return page(head, top, after, site="Acme Security")


def _extract(html: bytes, url: str = "https://acme.example.com/blog/story"):
    art = extract(html, url, fetched_at=NOW).article
    assert art is not None
    return art


# --- a corporate byline ------------------------------------------------------------------

_OUTLET_AS_AUTHOR = (
    "<meta property='og:site_name' content='Acme Security'>"
    "<meta name='author' content='Acme Security'>"
)


def test_the_outlet_credited_as_author_is_the_author_when_no_person_is():
    # A company blog credits the company itself ("Written by Acme Security"): the only
    # credit there is, so it is the author (it used to be dropped as the outlet).
    html = _page(head=_OUTLET_AS_AUTHOR, top="<h1>Holiday deals on security tools</h1>")
    assert _extract(html).authors == ["Acme Security"]


def test_a_person_in_the_byline_still_beats_the_outlet_credited_as_author():
    html = _page(
        head=_OUTLET_AS_AUTHOR,
        top="<h1>Holiday deals on security tools</h1><p class='byline'>By Jane Doe</p>",
    )
    assert _extract(html).authors == ["Jane Doe"]


# --- names that are month words ----------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        (
            "<div class='meta'>Written By: <a href='/contributors/tom-may/'>Tom May</a></div>",
            ["Tom May"],
        ),
        (
            "<p class='byline'>By April Fulton and August Stein</p>",
            ["April Fulton", "August Stein"],
        ),
        # The month name after a dateline's time and zone, with "By" before it.
        (
            "<div class='byline'><span>Updated November 11, 2022</span><span>8:23 PM ET</span> "
            "<span>Originally published November 9, 2022</span><span>11:01 AM ET</span> "
            "<span>By April Fulton</span></div>",
            ["April Fulton"],
        ),
    ],
)
def test_a_name_holding_a_month_word_is_a_name(byline, names):
    html = _page(top=f"<h1>Holiday deals on security tools</h1>{byline}")
    assert _extract(html).authors == names


def test_a_month_alone_is_still_no_name():
    html = _page(top="<h1>Holiday deals on security tools</h1><p class='author'>May</p>")
    assert _extract(html).authors == []


# --- date forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shown",
    [
        "Posted: 12-19-2025",  # US order with dashes
        "19-12-2025",  # European order with dashes
        "12.19.2025",  # US order with dots (day first cannot be: there is no month 19)
        "19th of December, 2025",
        "Friday the 19th of December 2025",
    ],
)
def test_date_forms_by_the_headline(shown):
    html = _page(top=f"<h1>Holiday deals on security tools</h1><div class='meta'>{shown}</div>")
    published = _extract(html).published_at
    assert published is not None and published.date() == date(2025, 12, 19)


def test_dashed_day_and_month_that_could_be_either_are_not_guessed():
    # 02-12-2025 is 2 December in Europe and 12 February in the US.
    assert dates.parse_date("02-12-2025", fuzzy=False) is None
    assert dates.parse_date("02.12.2025", fuzzy=False) == datetime(2025, 12, 2, tzinfo=UTC)


# --- dates of other stories --------------------------------------------------------------


def _recent_posts(first: tuple[str, str] | None = None) -> str:
    items = [(f"Other story number {i} on the site", f"January {i}, 2026") for i in range(1, 6)]
    if first:
        items.insert(0, first)
    lis = "".join(
        f"<li><a href='/s{i}'>{t}</a><span>{d}</span></li>" for i, (t, d) in enumerate(items)
    )
    return f"<aside><h3>Recent posts</h3><ul>{lis}</ul></aside>"


def test_a_list_of_other_stories_dates_gives_no_date_to_a_page_without_its_own():
    html = _page(top="<h1>Holiday deals on security tools</h1>", after=_recent_posts())
    assert _extract(html).published_at is None


def test_the_story_itself_in_the_list_of_recent_posts_gives_its_date():
    first = ("Holiday deals on security tools", "December 19, 2025")
    html = _page(top="<h1>Holiday deals on security tools</h1>", after=_recent_posts(first))
    published = _extract(html).published_at
    assert published is not None and published.date() == date(2025, 12, 19)


# --- machine-readable dates in other markup ----------------------------------------------


def test_a_compact_iso_date_in_a_meta_tag():
    html = _page(
        head="<meta name='pubdate' content='20251219'>",
        top="<h1>Holiday deals on security tools</h1>",
    )
    published = _extract(html).published_at
    assert published is not None and published.date() == date(2025, 12, 19)


def test_microdata_date_published_on_an_element_other_than_meta_or_time():
    # The text shows no year; the itemprop's content attribute holds the whole date.
    html = _page(
        top="<h1>Holiday deals on security tools</h1>"
        "<p class='meta'><span itemprop='datePublished' content='2025-12-19'>Dec 19</span></p>",
    )
    result = extract(html, "https://acme.example.com/blog/story", fetched_at=NOW)
    assert result.article is not None and result.article.published_at is not None
    assert result.article.published_at.date() == date(2025, 12, 19)
    assert result.evidence["published_at"] == "structured data: microdata datePublished"


# --- byline furniture taken for a one-word name ------------------------------------------

_COMMENT_FORM = (
    "<div id='respond'><h3>Leave a Reply</h3><form>"
    "<p class='comment-form-author'><label for='author'>Name <span>*</span></label>"
    "<input id='author' name='author'></p>"
    "<p class='comment-form-email'><label for='email'>Email <span>*</span></label>"
    "<input id='email' name='email'></p></form></div>"
)


def test_the_comment_forms_name_field_is_no_author():
    html = _page(top="<h1>Holiday deals on security tools</h1>", after=_COMMENT_FORM)
    assert _extract(html).authors == []


def test_the_label_the_author_is_no_name():
    box = "<div class='author-label'>The Author</div><div class='author-name'>Nicole Burke</div>"
    html = _page(top="<h1>Holiday deals on security tools</h1>", after=box)
    assert _extract(html).authors == ["Nicole Burke"]


# --- a byline printed without "By": the name over the writer's job -----------------------


@pytest.mark.parametrize("role", ["Tech Writer", "Co-Founder & Marketing Director"])
def test_a_name_over_the_writers_job_by_the_headline(role):
    card = f"<div class='card'><p class='name'>Juliette Carreiro</p><p class='job'>{role}</p></div>"
    html = _page(top=f"<h1>Holiday deals on security tools</h1>{card}")
    assert _extract(html).authors == ["Juliette Carreiro"]


def test_share_buttons_over_a_job_line_are_no_name():
    card = "<div><p>LinkedIn Twitter Facebook Email</p><p>Blog Contributor</p></div>"
    html = _page(top=f"<h1>Holiday deals on security tools</h1>{card}")
    assert _extract(html).authors == []


# --- "This post was written by" ----------------------------------------------------------


@pytest.mark.parametrize("where", ["top", "after"])
def test_this_post_was_written_by(where):
    note = "<p><em>This post was written by Vanessa Mendez, MD, gastroenterologist.</em></p>"
    html = _page(
        top="<h1>Holiday deals on security tools</h1>" + (note if where == "top" else ""),
        after=f"<div class='author-bio'>{note}</div>" if where == "after" else "",
    )
    assert _extract(html).authors == ["Vanessa Mendez"]


def test_this_post_was_written_by_a_human_names_nobody():
    note = "<p>Disclosure: this article was written by a human, with a light edit by a tool.</p>"
    html = _page(top="<h1>Holiday deals on security tools</h1>" + note)
    assert _extract(html).authors == []


# --- a team credited as the writer -------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("<p class='byline'>By the Acme Team 2–3 minutes</p>", ["the Acme Team"]),
        ("<h4 class='author-name'>By The Currency editors</h4>", ["The Currency editors"]),
        ("<div class='author-name'>Team Acme</div>", ["Team Acme"]),
        ("<p class='byline'>By Podium Staff</p>", ["Podium Staff"]),
    ],
)
def test_a_team_credited_as_the_writer(byline, names):
    html = _page(top=f"<h1>Holiday deals on security tools</h1>{byline}")
    assert _extract(html).authors == names


def test_a_person_under_the_story_beats_a_team_by_the_headline():
    html = _page(
        top="<h1>Holiday deals on security tools</h1><p class='byline'>By Team Acme Data</p>",
        after="<p>Written by Jane Doe</p>",
    )
    assert _extract(html).authors == ["Jane Doe"]
