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


_SIGN_UP = (
    "<form method='post'><div class='c1b2'>Get the morning briefing</div>"
    "<label>Email address</label><input type='email'><button>Sign up</button>"
    "<p class='c4d5'>By signing up you agree to receive our newsletter and offers by email, "
    "and you may unsubscribe at any time.</p></form>"
)
_CONSENT = (
    "<div role='dialog' aria-modal='true' class='c6e7'><p>We and our partners process your "
    "data to personalise content and measure audiences, as set out in our notice.</p>"
    "<p>You can change your choices at any time from the settings link at the bottom.</p></div>"
)


@pytest.mark.parametrize("box", [_SIGN_UP, _CONSENT])
def test_a_form_or_a_dialog_inside_the_story_is_not_body(box):
    html = (
        "<html><body><div class='c91a'><h1>Plan passes</h1>"
        + paras(2)
        + box
        + paras(2, 2)
        + "</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 4
    assert "newsletter" not in art.text and "partners" not in art.text


def test_a_site_built_inside_one_form_keeps_its_body():
    """ASP.NET pages wrap the whole page, story included, in one <form>."""
    html = (
        "<html><body><form method='post' action='./story.aspx'><div class='c91a'>"
        "<h1>Plan passes</h1><div class='c22'>" + paras(5) + "</div></div></form></body></html>"
    )
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 5


def test_a_teaser_card_before_the_story_is_not_cut_with_the_story_after_it():
    """A lead, a story card and its "Read More", the story, then under a "More from"
    heading a short blurb or two before "Related Stories": the blurbs go, and the card's
    cut must not take the story with it."""
    card = (
        "<p>The town's plan passed on Monday after months of talks, in a vote of 7 to 2.</p>"
        "<h3>Holiday deals</h3><p>The very best deals and sales of the season, picked.</p>"
        "<div><a href='/deals'>Read More</a></div>"
    )
    tail = (
        "<h3>More from Jane Doe</h3>"
        "<p>Please review our terms of service to complete your newsletter sign-up.</p>"
        "<p>Subscribers hear about new stories first, every morning, before work.</p>"
        "<h3>Related Stories</h3>"
    )
    html = (
        "<html><body><div class='c91a'><h1>Plan passes</h1>"
        + card
        + paras(5)
        + tail
        + "</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 5
    assert "months of talks" in art.text and "Subscribers" not in art.text


@pytest.mark.parametrize(
    "attrs", ["itemscope itemtype='https://schema.org/Person'", "itemprop='author' itemscope"]
)
def test_an_author_box_marked_as_a_person_is_not_body(attrs):
    bio = (
        f"<div class='c5a0' {attrs}><div class='c5a1'><p>Jane Doe is a reporter who has covered "
        "city hall, the council and its budgets for the paper since 2015.</p>"
        "<p>She lives in the town with her family and two dogs.</p></div></div>"
    )
    html = (
        "<html><body><div class='c91a'><h1>Plan passes</h1>"
        + paras(4)
        + bio
        + "</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 4
    assert "Jane Doe" not in art.text and "dogs" not in art.text


@pytest.mark.parametrize(
    "box",
    [
        "<div class='c3'><h3>Join our newsletter</h3><div>Get the day's top stories delivered "
        "straight to your inbox every morning.</div></div>",
        "<div class='c3'><div>Get our weekly Business newsletter</div><div>By subscribing, you "
        "agree to our terms of use and privacy policy.</div></div>",
        "<div class='c3'><div>Thank you for subscribing to our daily newsletter.</div></div>",
    ],
)
def test_a_newsletter_sign_up_box_without_a_form_is_not_body(box):
    """The sign-up box's lines read as sentences, and a script adds the form later."""
    html = (
        "<html><body><div class='c91a'><h1>Plan passes</h1>"
        + paras(3)
        + box
        + paras(2, 3)
        + "</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 5
    assert "inbox" not in art.text and "newsletter" not in art.text


def test_a_sentence_about_newsletters_stays():
    line = "<p>She found 28 newsletters, a small subset of the newsletters she subscribes to.</p>"
    html = (
        "<html><body><div class='c91a'><h1>Plan passes</h1>"
        + paras(3)
        + line
        + paras(2, 3)
        + "</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert "28 newsletters" in art.text and art.text.count("Part ") == 5


@pytest.mark.parametrize(
    "notice",
    [
        "By choosing I Accept, you consent to our use of cookies and other tracking technologies.",
        "Our website uses cookies to improve its performance and your experience.",
        "Utilizziamo i cookie per essere sicuri che tu possa avere la migliore esperienza.",
    ],
)
def test_a_cookie_notice_without_its_box_name_is_not_body(notice):
    html = (
        "<html><body><div class='c91a'><div class='c7'><p>"
        + notice
        + "</p></div><h1>Plan passes</h1>"
        + paras(4)
        + "</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert art.text.count("Part ") == 4
    assert "cookie" not in art.text


def test_a_sentence_about_cookies_stays():
    line = "<p>The bakery sold cookies, bagels and pies to the council before the vote.</p>"
    html = (
        "<html><body><div class='c91a'><h1>Plan passes</h1>"
        + paras(3)
        + line
        + paras(1, 3)
        + "</div></body></html>"
    )
    art = extract(html.encode(), "https://n.com/plan").article
    assert art is not None
    assert "cookies, bagels" in art.text
