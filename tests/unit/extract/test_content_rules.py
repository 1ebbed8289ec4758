"""Body rules: photo credits, pages inside an unclosed <nav>, page-builder widgets, leaks."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract
from newswire.parser.extract.metadata import _meta_date_kind

from .english_story import P, paras

pytestmark = pytest.mark.unit


def _comments(n: int, cls: str) -> str:
    """``n`` readers' comments, each prose in its own <div class=cls>."""
    return "".join(
        f"<div class='{cls}'><p>Reader {i} says the council should have voted sooner on the "
        f"plan, since the costs were known for months already, point {i}.</p></div>"
        for i in range(n)
    )


def test_photo_credit_with_a_year_does_not_end_the_body():
    html = (
        "<html><body><article><h1>Plan passes</h1>"
        + paras(2)
        + "<p>© Jane Doe Council members wait for the vote in the main hall"
        + " of the town on Aug. 22, 2019</p>"
        + paras(3, 2)
        + "<p>© 2019 Example Media</p><p>Footer words that are not body at all, no.</p>"
        + "</article></body></html>"
    )
    art = extract(html.encode(), "https://n.com/a").article
    assert art is not None
    assert art.text.count("Part ") == 5
    assert "Jane Doe" not in art.text and "Example Media" not in art.text


def test_page_inside_an_unclosed_nav_and_widget_wrappers():
    nav = "<html><body><nav><ul><li><a href='/'>Home</a></li></ul><main>" + paras(5)
    art = extract(nav.encode(), "https://n.com/a").article
    assert art is not None and art.text.count("Part ") == 5
    widgets = "<html><body>" + "".join(
        f"<div class='elementor-widget'><p>{P * 3} Part {i}.</p></div>" for i in range(6)
    )
    art = extract((widgets + "</body></html>").encode(), "https://n.com/a").article
    assert art is not None and art.text.count("Part ") == 6


def test_a_story_whose_later_paragraphs_sit_in_widget_wrappers():
    """An editor's layout boxes ("ck-widget") around most paragraphs, the first ones
    outside them: the body is every paragraph, not the one or two outside the boxes."""
    boxed = "".join(
        f"<div class='ck-widget row'><div class='col'><h3>Plant {i}</h3><p>{P * 5} Part {i}.</p>"
        "</div></div>"
        for i in range(1, 7)
    )
    html = (
        "<html><body><div class='page'><h1>Plants for dark rooms</h1>"
        f"<div class='intro'><p>{P * 3} Part 0.</p></div>{boxed}</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/a").article
    assert art is not None
    assert art.text.count("Part ") == 7


def test_a_short_story_beside_a_long_comment_list_keeps_its_body():
    comments = _comments(20, "comment")
    html = (
        "<html><body><article><h1>Plan passes</h1>"
        + paras(2)
        + f"</article><div class='comments'>{comments}</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/a").article
    assert art is not None
    assert art.text.count("Part ") == 2
    assert "Reader" not in art.text


def test_machine_text_and_duplicates_are_not_body():
    html = (
        "<html><body><article><h1>Plan passes</h1>"
        + paras(3)
        + "<p>2019-11-13T23:06:00+01:00</p><p>https://n.com/img/x.jpg</p>"
        + "<p>[button link='x'] Send us your review[/button]</p>"
        + paras(1, 3)
        + paras(1)
        + "</article></body></html>"
    )
    art = extract(html.encode(), "https://n.com/a").article
    assert art is not None
    assert art.text.count("Part 0.") == 1  # the repeated copy is dropped
    assert "Part 3." in art.text
    assert "2019-11-13T" not in art.text and "https://" not in art.text
    assert "[button" not in art.text


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("w-published-date", "published"),
        ("published", "published"),
        ("sb_publish_time", "published"),
        ("last-modified-date", "modified"),
        ("description", None),
    ],
)
def test_site_specific_date_meta_names(key, kind):
    assert _meta_date_kind(key) == kind


@pytest.mark.parametrize(
    "heading",
    [
        "<h3>34 responses to “Plan passes”</h3>",
        "<h3>Leave a Reply</h3>",
        "<h4>12 thoughts on “Plan passes”</h4>",
        "<div>网友评论</div>",
        "<p>Join the discussion</p>",
    ],
)
def test_the_comment_sections_heading_ends_the_body_whatever_its_markup_is_called(heading):
    """Class names that say nothing (a CSS-in-JS build's "c3f9a1"): the readers' comments
    after the heading are not the story, though they are prose in the same container."""
    comments = _comments(8, "x")
    html = (
        "<html><body><div class='a1'><h1>Plan passes</h1>"
        + paras(3)
        + f"{heading}{comments}</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/a").article
    assert art is not None
    assert art.text.count("Part ") == 3
    assert "Reader" not in art.text
