"""Article extraction: raw page bytes, URL and headers to a normalised :class:`Article`.

>>> from newswire.parser.extract import extract
>>> result = extract(body, "https://example.com/a.html", {"content-type": "text/html"})
>>> result.article.title if result.article else result.error

``extract`` never raises: a page that cannot be read gives ``ExtractResult(article=None,
error="binary_content: png")`` and similar short labels; a page read with doubts gives an
article with ``warnings``. See the modules for the stages (decode, dom, metadata, content,
zh_labels, dates, listing, media, text_plain, fingerprint, rules).
"""

from newswire.parser.extract.pipeline import ExtractResult, extract
from newswire.parser.extract.rules import ExtractionRules

__all__ = ["ExtractResult", "ExtractionRules", "extract"]
