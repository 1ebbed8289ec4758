"""Images of the article body, with lazy-load attributes understood and captions attached."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from newswire.parser.extract.dom import Block, Caseless, Element, norm_ws
from newswire.records import Image

MAX_IMAGES = 50
# Lazy-loading libraries keep the real URL here and a placeholder in src.
_LAZY_ATTRS = (
    "data-src",
    "data-original",
    "data-lazy-src",
    "data-actualsrc",
    "data-url",
    "data-echo",
    "data-lazyload",
    "data-original-src",
    "data-hi-res-src",
    "data-full-src",
    "file",
    "src",
)
_PLACEHOLDER = Caseless(
    r"(?:blank|placeholder|spacer|loading|lazy|grey|gray|pixel|1x1|transparent)\.(?:gif|png|jpe?g|svg)"
)


def is_placeholder(value: str) -> bool:
    """A lazy-load placeholder image name ("blank.gif", "loading.png")."""
    return _PLACEHOLDER.found_in(value)


# Absolute http(s) URLs that urljoin() returns unchanged: ASCII, a host, and none of the
# characters its split and re-join would drop or check (tabs and newlines, brackets of an
# IPv6 host, ";" parameters, a "#" fragment, an empty "?" query). Most image URLs are
# like that, and urljoin is the image stage's largest cost.
_PLAIN_ABSOLUTE = re.compile(r"https?://[^/?#\[\];\s]+(?:[/?][^#\[\];\s]*)?")


def join_url(base: str, url: str) -> str:
    """``urljoin(base, url)`` (raising ValueError as it does), with a fast path."""
    if url.isascii() and _PLAIN_ABSOLUTE.fullmatch(url) and not url.endswith("?"):
        urlsplit(base)  # (a malformed base raises here as in urljoin; cached by urllib)
        return url
    return urljoin(base, url)


_CAPTION_MARKS = re.compile(r"^\s*[△▲▽▼↑]\s*")


def _best_srcset(srcset: str) -> str | None:
    best: tuple[float, str] | None = None
    for part in srcset.split(","):
        bits = part.strip().split()
        if not bits:
            continue
        size = 1.0
        if len(bits) > 1:
            try:
                size = float(bits[1].rstrip("wxWX"))
            except ValueError:
                size = 1.0
        if best is None or size > best[0]:
            best = (size, bits[0])
    return best[1] if best else None


def image_url(img: Element, base: str) -> str | None:
    candidate = None
    # The names first (one call): most images have two or three of the dozen attributes.
    names = img.keys()
    for attr in _LAZY_ATTRS:
        if attr not in names:
            continue
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:") and not is_placeholder(value):
            candidate = value
            break
    if candidate is None:
        srcset = img.get("data-srcset") or img.get("srcset")
        if not srcset:
            # libxml2 does not know <source> is void, so the img may sit inside it.
            picture = next((a for a in img.iterancestors("picture")), None)
            if picture is not None:
                for source in picture.iter("source"):
                    srcset = source.get("data-srcset") or source.get("srcset")
                    if srcset:
                        break
        if srcset:
            candidate = _best_srcset(srcset)
    if not candidate or candidate.startswith("data:"):
        return None
    for dim in ("width", "height"):
        value = (img.get(dim) or "") if dim in names else ""
        if value.isdigit() and int(value) <= 10:
            return None  # tracking pixel or spacer
    try:
        url = join_url(base, candidate)
    except ValueError:
        return None
    return url if url.startswith(("http://", "https://")) else None


def caption_text(text: str) -> str:
    return _CAPTION_MARKS.sub("", norm_ws(text)).strip()


# AMP pages mark their images up as <amp-img src=...>, with the same attributes, and
# Baidu's MIP pages (China's AMP) as <mip-img>.
_IMAGE_TAGS = ("img", "amp-img", "mip-img")


def images(container: Element | None, captions: list[Block], base: str) -> list[Image]:
    """Body images in order; a caption block goes to the nearest image before it."""
    if container is None:
        return []
    order: dict[Element, int] = {}
    imgs: list[tuple[int, Element, str]] = []
    seen: set[str] = set()
    if captions:
        # Positions to place captions against images: of the images and of the elements
        # with a caption's tag only (libxml2 skips the rest). Counted among those, the
        # images and captions keep their page order, and the images inside a caption's
        # element still fall between it and its last counted descendant.
        for i, el in enumerate(container.iter(*_IMAGE_TAGS, *{cap.el.tag for cap in captions})):
            order[el] = i
            if el.tag in _IMAGE_TAGS and len(imgs) < MAX_IMAGES:
                url = image_url(el, base)
                if url and url not in seen:
                    seen.add(url)
                    imgs.append((i, el, url))
    else:
        # No captions to place: only the images are visited (libxml2 finds them).
        for el in container.iter(*_IMAGE_TAGS):
            url = image_url(el, base)
            if url and url not in seen:
                seen.add(url)
                imgs.append((0, el, url))
                if len(imgs) >= MAX_IMAGES:
                    break
    result = [Image(url=url) for _, _, url in imgs]
    for cap in captions:
        pos = order.get(cap.el)
        if pos is None or not imgs:
            continue
        text = caption_text(cap.text)
        if not text:
            continue
        # figcaption: the image of the same figure; otherwise nearest preceding image
        # (an image inside the caption's own element counts as preceding).
        target = None
        fig = cap.el.getparent() if cap.el.tag == "figcaption" else None
        limit = pos + _subtree_size(cap.el, order)
        for idx, (ipos, img, _) in enumerate(imgs):
            if fig is not None and any(a is fig for a in img.iterancestors()):
                target = idx
                break
            if ipos <= limit:
                target = idx
        if target is None:
            target = 0
        if result[target].caption is None:
            result[target].caption = text
    return result


def _subtree_size(el: Element, order: dict[Element, int]) -> int:
    # Images nested inside the caption's element come after it in document order.
    n = 0
    for _ in el.iter(*_IMAGE_TAGS):
        n += 1
    if n == 0:
        return 0
    last = 0
    for d in el.iter():
        last = max(last, order.get(d, 0))
    return last - order.get(el, 0)
