"""Furniture inside the article container told by the markup's structure and ARIA, not by
class or id names (which a CSS-in-JS build turns into "c3f9a1").

A sign-up or comment form and a dialog (a cookie notice, a newsletter pop-up, a
"republish this story" box) say what they are by their tag or their ARIA role, and an
author box by its microdata (a schema.org Person), whatever the classes say. Only the
elements between the container and each of its blocks are looked at (the walk's chains,
a few attribute reads per element, each element once), so this costs little on any page.
"""

from __future__ import annotations

from newswire.parser.extract.dom import Block, Element

# Elements that wrap such a box: its attributes are read only on these tags.
_WRAPPERS = frozenset({"div", "section", "form", "aside", "dialog", "span"})
_DIALOG_ROLES = frozenset({"dialog", "alertdialog"})
_UNSEEN = object()
#: A box holding at least this share of the container's text is the page's own wrapper (a
#: site built inside one <form>, an article shown in a dialog), not furniture.
_MOST = 0.5


def _is_box(el: Element) -> bool:
    """A form, a dialog, or an author box."""
    tag = el.tag
    if tag == "form" or tag == "dialog":
        return True
    role = el.get("role")
    if role is not None and role in _DIALOG_ROLES:
        return True
    if el.get("aria-modal") == "true":
        return True
    # A Person's microdata: the writer's biography under the story, or a byline (no
    # body either).
    if el.get("itemprop") == "author":
        return True
    kind = el.get("itemtype")
    return kind is not None and kind.endswith("/Person")


class Boxes:
    """Whether a block of the container lies in a form, a dialog or an author box below
    the container.

    Asked only of the blocks the body would otherwise take (a few dozen a page). The
    answer is kept per element (the outermost box from the container down to it), so a
    block usually costs one look-up (its parent's, shared with its siblings), and each
    element is judged once. A box's share of the container's text is counted only when
    a box is found (few pages have one).
    """

    __slots__ = ("_blocks", "_boxes", "_depth", "_real")

    def __init__(self, blocks: list[Block], depth: int) -> None:
        #: The container's blocks, and the container's place in their chains.
        self._blocks = blocks
        self._depth = depth
        #: Element -> the outermost box between the container and it (None: none).
        self._boxes: dict[Element, Element | None] = {}
        #: Boxes found, and whether each is furniture (not the page's own wrapper).
        self._real: dict[Element, bool] = {}

    def hold(self, b: Block) -> bool:
        chain = b.chain
        n = len(chain) - 1  # (the block's own element; -1: no chain)
        depth = self._depth
        if n <= depth:
            return False
        # The box above the block's element: its parent's answer, shared with its siblings.
        box = None
        if n - 1 > depth:
            box = self._boxes.get(chain[n - 1], _UNSEEN)
            if box is _UNSEEN:
                box = self._judge(chain, n - 1)
        if box is None:
            # The block's own element is judged by its tag only: a box's text sits in
            # elements of its own (and the block's element is met by no other block).
            el = chain[n]
            if el.tag != "form":
                return False
            box = el
        real = self._real.get(box)
        if real is None:
            real = self._real[box] = self._small(box)
        return real

    def _judge(self, chain: tuple[Element, ...], last: int) -> Element | None:
        """The outermost box in ``chain[depth + 1 : last + 1]``, kept for each of them."""
        boxes = self._boxes
        # Up to the nearest element already judged...
        i = last
        box: Element | None = None
        while i > self._depth:
            el = chain[i]
            if el in boxes:
                box = boxes[el]
                break
            i -= 1
        # ...then down again, judging the elements met on the way.
        for j in range(i + 1, last + 1):
            el = chain[j]
            if box is None and el.tag in _WRAPPERS and _is_box(el):
                box = el
            boxes[el] = box
        return box

    def _small(self, box: Element) -> bool:
        """Whether the box holds less than _MOST of the container's text."""
        total = held = 0
        for b in self._blocks:
            n = len(b.text)
            total += n
            if box in b.chain:
                held += n
        return held < _MOST * total
