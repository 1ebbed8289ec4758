"""English pages mark the published and the modified date with <time> elements in many
ways: by class or itemprop, by a title attribute, or by a label printed just before each;
the modified one is never the publication date."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_S = "The council met on Tuesday to discuss the new budget and its effect on county schools. "
PARAS = "".join(f"<p>{i}. {_S * 4}</p>" for i in range(5))
OTHER = "".join(
    f'<li><a href="/s/{i}">Other story number {i} about things</a>'
    f'<time datetime="2025-02-{10 + i}">Feb {10 + i}, 2025</time></li>'
    for i in range(6)
)
P = '<time datetime="2025-03-01T10:00:00Z"{a}>{t}</time>'
U = '<time datetime="2025-03-05T10:00:00Z"{a}>{t}</time>'


@pytest.mark.parametrize(
    "meta",
    [
        # Labels in their own elements, the modified date first, the shown dates yearless.
        '<div><span class="label">Updated</span>'
        + U.format(a="", t="Mar 5")
        + '</div><div><span class="label">Published</span>'
        + P.format(a="", t="Mar 1")
        + "</div>",
        # itemprop on adjacent elements (their texts run together: "Mar 5, 2025Mar 1, 2025").
        '<p class="dates">'
        + U.format(a=' itemprop="dateModified"', t="Mar 5, 2025")
        + P.format(a=' itemprop="datePublished"', t="Mar 1, 2025")
        + "</p>",
        # Told apart by their title attributes.
        '<div class="meta">'
        + U.format(a=' title="Last modified"', t="March 5, 2025")
        + " "
        + P.format(a=' title="Published"', t="March 1, 2025")
        + "</div>",
        # Only the modified one marked: the other is the publication.
        '<div class="meta">'
        + U.format(a=' class="entry-modified"', t="March 5, 2025")
        + " "
        + P.format(a="", t="March 1, 2025")
        + "</div>",
    ],
)
def test_published_and_modified_time_elements(meta):
    page = (
        '<html lang="en"><head><title>Council debates the county budget</title></head><body>'
        f"<article><h1>Council debates the county budget</h1>{meta}{PARAS}</article>"
        f"<aside><ul>{OTHER}</ul></aside></body></html>"
    ).encode()
    article = extract(page, "https://example.com/news/council-budget").article
    assert article is not None
    assert article.published_at is not None and article.updated_at is not None
    assert article.published_at.date().isoformat() == "2025-03-01"
    assert article.updated_at.date().isoformat() == "2025-03-05"
