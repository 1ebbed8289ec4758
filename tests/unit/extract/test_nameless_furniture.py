"""Page furniture told without class or id names (a CSS-in-JS build's "c3f9a1" classes):
by the links, headings and structure that a site cannot scramble."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

from .english_story import paras

pytestmark = pytest.mark.unit


def _comment(i: int, meta: str, reply: str = "") -> str:
    """One reader's comment: a first line (name, date, its links) and two paragraphs."""
    return (
        f"<div class='c8e1'><div class='c2f0'>Reader {i} {meta}</div>"
        f"<p>Reader {i} thinks the council should have voted sooner on the plan, since "
        f"the costs were known for months already.</p><p>The budget was clear, point {i}, "
        f"and the delay cost the town more than it saved.</p>{reply}</div>"
    )


def _page(comments: str, between: str = "") -> bytes:
    """A story and its readers' comments in one container, no name saying which is which."""
    return (
        "<html><body><div class='c91a'><h1>Plan passes</h1>"
        + paras(3)
        + f"{between}<div class='c7d3'>{comments}</div></div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "comments",
    [
        # WordPress: each comment's date is its permalink, its reply link a replytocom URL.
        "".join(
            _comment(
                i,
                f"<a href='/plan/#comment-{100 + i}'>June {i + 1}, 2024 at 9:00 am</a>",
                f"<a href='/plan/?replytocom={100 + i}#respond'>Reply</a>",
            )
            for i in range(6)
        ),
        # A script-built thread: no comment URLs, a "Reply" button-link under each.
        "".join(_comment(i, "2 days ago", "<div><a href='#'>Reply</a></div>") for i in range(6)),
    ],
)
def test_comments_told_by_their_links_end_the_body(comments):
    art = extract(_page(comments), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 3
    assert "Reader" not in art.text


@pytest.mark.parametrize(
    "heading",
    [
        "<h2>109 Comments</h2>",
        "<h3>Comments (6)</h3>",
        "<h2>Discussion about this post</h2>",
        "<h3>Lascia un commento</h3>",
        "<h2>Top Rated Comments</h2>",
    ],
)
def test_a_comment_sections_heading_ends_the_body(heading):
    comments = "".join(_comment(i, "2 days ago") for i in range(6))
    art = extract(_page(comments, between=heading), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 3
    assert "Reader" not in art.text


def test_a_comment_count_in_the_byline_line_and_links_to_the_section_keep_the_body():
    """A plain "3 Comments" line by the byline and a link to the comment form are not the
    comment section: the story after them stays."""
    top = "<div>By Jane Doe</div><div><a href='#comment-form'>3 Comments</a></div><p>3 Comments</p>"
    html = f"<html><body><div class='c91a'><h1>Plan passes</h1>{top}{paras(5)}</div></body></html>"
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 5
