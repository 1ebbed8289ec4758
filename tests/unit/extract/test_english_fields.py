"""English pages: the shown headline, printed dates, bylines and story-card furniture."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newswire.parser.extract import bylines, date_choice, dates, extract, titles

from .english_story import P, page, paras

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _page(head: str = "", top: str = "", body: str = "", after: str = "") -> bytes:
    return page(head, top, after, body=body)


def _extract(html: bytes, url: str = "https://news.example.com/story"):
    art = extract(html, url, fetched_at=NOW).article
    assert art is not None
    return art


# --- title ---------------------------------------------------------------------------


def test_shown_headline_wins_over_a_different_seo_title():
    html = _page(
        head="<meta property='og:title' content='Top 11 SEO Strategies to Boost Rankings'>",
        top="<h1>11 SEO Strategies for 2025 to Boost Rankings and Stay Ahead</h1>",
    )
    assert _extract(html).title == "11 SEO Strategies for 2025 to Boost Rankings and Stay Ahead"


def test_a_logo_h1_is_not_the_headline():
    html = _page(
        head="<meta property='og:title' content='How the council passed the budget plan'>",
        top="<h1>Acme Daily</h1>",
    )
    assert _extract(html).title == "How the council passed the budget plan"


def test_lone_h1_over_the_body_beats_a_section_heading_matching_the_seo_title():
    html = _page(
        head="<meta property='og:title' content='What is social commerce - a guided introduction'>",
        top="<h1>An introduction to social commerce: what brands need to know</h1>",
        body=paras(2) + "<h2>What is social commerce?</h2>" + paras(3, 2),
    )
    assert _extract(html).title == "An introduction to social commerce: what brands need to know"


def test_an_h1_far_down_the_body_is_not_the_headline():
    html = _page(
        head="<meta property='og:title' content='How the council passed the budget plan'>",
        top="<h2>How the council passed the budget plan</h2>",
        body=paras(6) + "<h1>What the council budget plan means</h1>" + paras(2, 6),
    )
    assert _extract(html).title == "How the council passed the budget plan"


def test_title_loses_double_escaping_and_a_piped_site_name():
    assert titles._tidy_title("Tips &#038; Tricks for Gardens") == "Tips & Tricks for Gardens"
    assert (
        titles._tidy_title("How to help babies sleep | Patient Education | UC Davis Health")
        == "How to help babies sleep"
    )
    assert titles._tidy_title("Plain headline") == "Plain headline"


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.12.2025", date(2025, 12, 12)),
        ("17.05.2021", date(2021, 5, 17)),
        ("Updated: 10/31/2024", date(2024, 10, 31)),
        ("03/01/2017 by Jane Doe", date(2017, 3, 1)),
        ("31/10/2024", date(2024, 10, 31)),
    ],
)
def test_numeric_day_month_year(text, expected):
    got = dates.parse_date(text, "UTC", now=NOW, fuzzy=False)
    assert got is not None and got.date() == expected


def test_version_numbers_are_not_dates():
    assert dates.parse_date("v1.12.2025", "UTC", now=NOW, fuzzy=False) is None


def test_month_glued_to_the_byline_is_read():
    html = _page(top="<h1>Council passes the plan</h1><div>By<b>Jane Doe</b>Mar 5, 2025</div>")
    art = _extract(html)
    assert art.published_at is not None and art.published_at.date() == date(2025, 3, 5)


def test_a_date_inside_a_body_sentence_is_not_the_publication_date():
    body = (
        "<p>The deadline for filing 2025 income taxes for most taxpayers is Wednesday, "
        "April 15, 2026, and extensions run until the autumn for everyone who asks.</p>" + paras(4)
    )
    art = _extract(_page(top="<h1>Guide to filing taxes</h1>", body=body))
    assert art.published_at is None


def test_a_dateline_opening_the_body_is_the_date():
    body = (
        "<p>March 12, 2025 — The council voted on the plan after a long debate about "
        "costs, schedules and the many objections raised by residents of the town.</p>" + paras(4)
    )
    art = _extract(_page(top="<h1>Council passes the plan</h1>", body=body))
    assert art.published_at is not None and art.published_at.date() == date(2025, 3, 12)


def test_printed_publication_date_beats_metadata_matching_only_the_update():
    published = datetime(2025, 8, 21, tzinfo=UTC)
    shown = [(datetime(2023, 4, 26, tzinfo=UTC), "published"), (published, "updated")]
    assert date_choice.prefer_shown(published, shown) == shown[0][0]


def test_many_dates_by_the_headline_are_a_list_not_a_dateline():
    published = datetime(2017, 4, 21, tzinfo=UTC)
    shown = [(datetime(2025, 3, d, tzinfo=UTC), "published") for d in (29, 27, 24)]
    assert date_choice.prefer_shown(published, shown) == published


def test_a_date_confirmed_in_the_first_body_lines_is_kept():
    published = datetime(2025, 1, 30, tzinfo=UTC)
    shown = [(datetime(2025, 12, 17, tzinfo=UTC), "published"), (published, "seen")]
    assert date_choice.prefer_shown(published, shown) == published


def test_day_and_month_read_the_other_way_round_still_match():
    published = datetime(2024, 9, 10, tzinfo=UTC)
    shown = [(datetime(2024, 10, 9, tzinfo=UTC), "published")]
    assert date_choice.prefer_shown(published, shown) == published


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FlowGuard on 04-ago-2021 5:11:10", date(2021, 8, 4)),
        ("Publicado el 4 de agosto de 2021", date(2021, 8, 4)),
        ("Aktualisiert am 4. März 2021", date(2021, 3, 4)),
        ("Publié le 12 déc. 2024 à 14h30", date(2024, 12, 12)),
        ("Publicado em 3 de outubro de 2023", date(2023, 10, 3)),
        ("Pubblicato il 9 settembre 2022", date(2022, 9, 9)),
        ("04-Aug-2021", date(2021, 8, 4)),
    ],
)
def test_month_names_in_other_languages(text, expected):
    got = dates.parse_date(text, "UTC", now=NOW, fuzzy=False)
    assert got is not None and got.date() == expected


def test_a_foreign_month_name_by_the_headline_is_the_date():
    html = _page(top="<h1>Choosing a plumbing material</h1><div>Ana Ruiz on 04-ago-2021</div>")
    art = _extract(html)
    assert art.published_at is not None and art.published_at.date() == date(2021, 8, 4)


def test_url_dates_with_month_names():
    got = dates.date_from_url("https://example.com/blog/2023/october/03/wine-types/")
    assert got is not None and got.date() == date(2023, 10, 3)
    got = dates.date_from_url("https://www.example.com/world/2023/oct/3/story")
    assert got is not None and got.date() == date(2023, 10, 3)


def test_a_utc_time_a_day_off_the_url_date_is_the_url_day():
    published = datetime(2025, 12, 19, 2, 41, tzinfo=UTC)
    shown = [(datetime(2025, 12, 18, tzinfo=UTC), "url")]
    got = date_choice.prefer_shown(published, shown)
    assert got is not None and got.date() == date(2025, 12, 18) and got == published


def test_the_url_date_confirms_metadata_over_a_date_by_the_headline():
    published = datetime(2021, 1, 18, 19, 55, tzinfo=UTC)
    shown = [(datetime(2022, 4, 12, tzinfo=UTC), "published"), (published, "url")]
    assert date_choice.prefer_shown(published, shown) == published


def test_an_ambiguous_numeric_date_is_read_as_the_url_says():
    published = datetime(2023, 3, 10, tzinfo=UTC)  # "03/10/2023" read month first
    shown = [(published, "published"), (datetime(2023, 10, 3, tzinfo=UTC), "url")]
    got = date_choice.prefer_shown(published, shown)
    assert got is not None and got.date() == date(2023, 10, 3)


def test_url_date_in_the_page_overrides_a_utc_metadata_day():
    html = _page(
        head="<meta property='article:published_time' content='2025-12-19T03:05:00+00:00'>",
        top="<h1>Are the evangelists right about it</h1>",
    )
    art = _extract(html, "https://blog.example.com/2025/12/18/are-the-evangelists-right")
    assert art.published_at is not None and art.published_at.date() == date(2025, 12, 18)


def test_a_labelled_publication_date_overrules_metadata():
    published = datetime(2025, 11, 29, tzinfo=UTC)
    shown = [(datetime(2025, 8, 13, tzinfo=UTC), "labelled")]
    assert date_choice.prefer_shown(published, shown) == shown[0][0]


def test_a_labelled_date_far_below_the_body_is_found():
    after = "".join(f"<p><a href='/x{i}'>Another story number {i}</a></p>" for i in range(20))
    after += "<div><p>Published</p><p>Feb 2, 2023</p></div>"
    art = _extract(_page(top="<h1>A treatise on coffee</h1>", after=after))
    assert art.published_at is not None and art.published_at.date() == date(2023, 2, 2)


def test_a_site_updated_footer_is_not_the_article_date():
    after = "".join(f"<p><a href='/x{i}'>Another story number {i}</a></p>" for i in range(20))
    after += "<footer><p>Site Last Updated: December 20, 2025</p></footer>"
    art = _extract(_page(top="<h1>Meditation and mindfulness</h1>", after=after))
    assert art.published_at is None


def test_json_ld_in_a_meta_tag():
    ld = (
        "{&quot;@type&quot;:&quot;Article&quot;,&quot;headline&quot;:&quot;Full EV cars"
        "&quot;,&quot;datePublished&quot;:&quot;2025-11-17T09:00:00-05:00&quot;}"
    )
    html = _page(head=f"<meta name='script:ld+json' content=\"{ld}\">", top="<h1>Full EV cars</h1>")
    art = _extract(html)
    assert art.published_at is not None and art.published_at.date() == date(2025, 11, 17)


# --- authors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Dec. 19, 2025 · Jane Doe on behalf of the Team", ["Jane Doe"]),
        ("By Jane DoePublished on July 18, 2025", ["Jane Doe"]),
        ("BySummer Swann-June 12, 2025", ["Summer Swann"]),
        ("By ClayMar 14, 2024 34 min read", ["Clay"]),
        ("by Linda Roe Contributing Writer", ["Linda Roe"]),
        ("Written by:Elise Nass", ["Elise Nass"]),
        ("by: Ziyi Xu, Dec 17, 2025", ["Ziyi Xu"]),
        ("Written By Stephen JesudunsinAI Writer, Embarque", ["Stephen Jesudunsin"]),
        ("FlowGuard EMEA", ["FlowGuard"]),
        ("January 31, 2025", []),
        ("Sat, 20 Dec, 2025 - 06:36", []),
    ],
)
def test_split_names(text, names):
    assert bylines.split_names(text) == names


def test_byline_elements_need_two_words_unless_introduced_by_by():
    assert bylines.split_names("Guide", single=False) == []
    assert bylines.split_names("Learn More", single=False) == []
    assert bylines.split_names("By Clay", single=False) == ["Clay"]


def test_personal_site_name_is_its_writer():
    html = _page(
        head="<meta property='og:site_name' content='Kristian Larsen'>"
        "<meta name='author' content='Kristian Larsen'>",
        top="<h1>Best audiobook services</h1>",
    )
    assert _extract(html).authors == ["Kristian Larsen"]


def test_an_outlet_as_author_is_still_dropped():
    html = _page(
        head="<meta property='og:site_name' content='Acme Daily News'>"
        "<meta name='author' content='Acme Daily News'>",
        top="<h1>Council passes the plan</h1><p class='byline'>By Jane Doe</p>",
    )
    assert _extract(html).authors == ["Jane Doe"]


def test_a_login_name_gives_way_to_the_printed_byline():
    html = _page(
        head="<meta name='author' content='jdoe42'>",
        top="<h1>Council passes the plan</h1><p class='author'>By Jane Doe</p>",
    )
    assert _extract(html).authors == ["Jane Doe"]


def test_unrendered_template_author_is_ignored():
    html = _page(head="<meta name='author' content='page.head.extra.author'>")
    assert _extract(html).authors == []


def test_written_by_in_the_author_box_under_the_article():
    after = (
        "<aside><div>Share</div><div>Written by Cassidy Horton</div>"
        "<p>Cassidy Horton is a finance writer.</p></aside>"
    )
    html = _page(top="<h1>How to save money</h1>", after=after)
    assert _extract(html).authors == ["Cassidy Horton"]


def test_card_metadata_written_by_label():
    html = _page(
        head="<meta name='twitter:label1' content='Written by'>"
        "<meta name='twitter:data1' content='Jane Doe'>",
        top="<h1>Council passes the plan</h1>",
    )
    assert _extract(html).authors == ["Jane Doe"]


# --- body ----------------------------------------------------------------------------


def test_dated_story_cards_with_long_summaries_are_not_body():
    summary = "A summary of another story that runs on for a while to fill the card. " * 6
    cards = "".join(
        f"<li><div><h5><a href='/opinion/story-{i}'>Another opinion story number {i}</a></h5>"
        f"<a href='/author/jane-doe'>Jane Doe Writer</a>"
        f"<time datetime='2019-11-20'>November 20, 2019</time><div>{summary}</div></div></li>"
        for i in range(4)
    )
    html = _page(top="<h1>Council passes the plan</h1>", after=f"<ul>{cards}</ul>")
    art = _extract(html)
    assert art.text.count("Part ") == 5
    assert "A summary of another story" not in art.text


def test_read_more_between_summaries_ends_the_body():
    cards = "".join(
        f"<h5>Other story {i}</h5><div>November {i + 10}, 2019</div>"
        f"<div class='excerpt'>{P} Summary {i}.</div><a href='/s{i}'>Read More</a>"
        for i in range(3)
    )
    art = _extract(_page(top="<h1>Council passes the plan</h1>", body=paras(5) + cards))
    assert art.text.count("Part ") == 5
    assert "Summary" not in art.text


def test_the_whole_body_again_in_one_block_is_dropped():
    copy = "<div>" + " ".join(f"{P * 3} Part {i}." for i in range(5)) + "</div>"
    art = _extract(_page(top="<h1>Council passes the plan</h1>", body=paras(5) + copy))
    assert art.text.count("Part 0.") == 1


def test_photo_captions_as_plain_paragraphs():
    body = (
        paras(2)
        + "<p>In this Dec. 12, 2006, file photo, astronauts work outside the station.</p>"
        + "<p>Jane Doe | Bloomberg | Getty Images</p>"
        + paras(3, 2)
    )
    art = _extract(_page(top="<h1>Council passes the plan</h1>", body=body))
    assert art.text.count("Part ") == 5
    assert "file photo" not in art.text and "Getty" not in art.text
