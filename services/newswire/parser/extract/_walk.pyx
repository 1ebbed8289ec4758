# cython: language_level=3, boundscheck=False, wraparound=False
"""The block walk of :mod:`dom` compiled: the same walk over libxml2's nodes directly.

``dom._linearise`` (Python) is the reference and the fallback; this module gives exactly its
blocks, crumbs and anchors (tests/unit/extract/test_compiled_walk.py compares them on every
fixture page, and the dev pages give identical fields). It exists for speed: the Python walk
asks lxml for a proxy object, a tag string, a text and a tail per element, about 2 µs per
element; here node types and tag names are read from libxml2's structs, and Python objects
are made only for what the blocks and anchors keep (their elements, texts and chains).

Only lxml's public C API is used (``lxml.includes.etreepublic``): libxml2's own functions are
not reachable from here (lxml links its libxml2 statically and exports none of it), so
attributes are read from the node's attribute list rather than with xmlGetProp.

``setup.py`` builds this as an optional extension; ``dom`` uses it when it was built from the
source beside it (see ``SOURCE_SHA256``), else the Python walk.
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memset, strcmp, strlen

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode

cetree.import_lxml__etree()

cdef extern from *:
    # The SHA-256 of this file when it was compiled (setup.py defines it).
    const char* NEWSWIRE_SOURCE_SHA256

#: The SHA-256 of the .pyx this module was compiled from.
SOURCE_SHA256 = NEWSWIRE_SOURCE_SHA256.decode("ascii")

# What a tag name means to the walk (the sets themselves are dom's, passed in).
cdef enum:
    K_BLOCK = 1
    K_BREAK = 2  # br, hr
    K_BOILER = 4  # furniture by tag
    K_NAV = 8
    K_STRUCTURAL = 16  # never judged by class
    K_LINK = 32
    K_BOLD = 64
    K_HEADING_SHIFT = 8  # the heading level (1-6) sits in the bits above
    KIND_SLOTS = 256


cdef inline str _str(const char* s):
    return PyUnicode_DecodeUTF8(s, strlen(s), NULL)


cdef inline bint _element_like(xmlNode* c) noexcept:
    """What lxml counts as a child element (``len(el)``, ``getchildren()``)."""
    return (
        c.type == tree.XML_ELEMENT_NODE
        or c.type == tree.XML_COMMENT_NODE
        or c.type == tree.XML_ENTITY_REF_NODE
        or c.type == tree.XML_PI_NODE
    )


cdef inline bint _text_node(xmlNode* c) noexcept:
    return c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE


cdef object _text_run(xmlNode* c):
    """The text of the text nodes from ``c`` on, as lxml's ``.text``/``.tail`` give it:
    None without a text node, else their contents joined."""
    cdef xmlNode* cur = c
    cdef int count = 0
    cdef const char* last = NULL
    while cur is not NULL and _text_node(cur):
        if cur.content is not NULL and cur.content[0] != 0:
            last = <const char*>cur.content
        count += 1
        cur = cur.next
    if last is NULL:
        return "" if count else None
    if count == 1:
        return _str(last)
    pieces = []
    cur = c
    while cur is not NULL and _text_node(cur):
        if cur.content is not NULL:
            pieces.append(_str(<const char*>cur.content))
        cur = cur.next
    return "".join(pieces)


cdef inline xmlNode* _after_text(xmlNode* c) noexcept:
    while c is not NULL and _text_node(c):
        c = c.next
    return c


cdef inline bint _has_children(xmlNode* c) noexcept:
    c = c.children
    while c is not NULL:
        if _element_like(c):
            return True
        c = c.next
    return False


cdef object _attr(xmlNode* c, const char* name):
    """``el.get(name)`` for an attribute without namespace (HTML's)."""
    cdef tree.xmlAttr* a = c.properties
    cdef xmlNode* t
    while a is not NULL:
        if a.ns is NULL and strcmp(<const char*>a.name, name) == 0:
            t = a.children
            if t is NULL:
                return ""
            if t.next is NULL and t.content is not NULL:
                return _str(<const char*>t.content)
            pieces = []
            while t is not NULL:
                if t.content is not NULL:
                    pieces.append(_str(<const char*>t.content))
                t = t.next
            return "".join(pieces)
        a = a.next
    return None


cdef class _Walk:
    """One page's walk: dom._linearise's closure state as fields, its walk() and flush() as
    methods. Comments there say why each step is as it is."""

    cdef cetree._Document doc
    cdef list blocks, crumbs, anchors, link_texts, stack, parts
    cdef long cur_link, cur_bold
    cdef object cur_el
    cdef int cur_heading
    cdef Py_ssize_t cur_depth
    cdef long budget
    cdef bint truncated
    cdef tuple suspects
    #: Tag kinds by name pointer, in a small open-addressed table (a page has a few dozen
    #: tag names): libxml2 interns a document's names, so an element's kind is found
    #: without decoding its name. Past the table's room, kinds are worked out each time.
    cdef const void* kind_names[KIND_SLOTS]
    cdef int kind_values[KIND_SLOTS]
    cdef int kinds_known
    cdef object dom
    # dom's names, read once per page rather than per element
    cdef object Block, Anchor, attr_kind, is_crumb_nav
    cdef dict attr_cache
    cdef int is_boiler, is_crumb

    def __init__(self, root, dom):
        self.doc = cetree.documentOrRaise(root)
        self.dom = dom
        self.Block = dom.Block
        self.Anchor = dom.Anchor
        self.attr_cache = dom._ATTR_CACHE
        self.attr_kind = dom._attr_kind
        self.is_crumb_nav = dom._is_crumb_nav
        self.is_boiler = dom._IS_BOILER
        self.is_crumb = dom._IS_CRUMB
        self.blocks = []
        self.crumbs = []
        self.anchors = []
        self.link_texts = []
        self.stack = []
        self.parts = []
        self.cur_link = 0
        self.cur_bold = 0
        self.cur_el = None
        self.cur_heading = 0
        self.cur_depth = 0
        self.budget = dom.MAX_NODES
        self.truncated = False
        self.suspects = ()
        memset(self.kind_names, 0, sizeof(self.kind_names))
        self.kinds_known = 0

    cdef int kind_of(self, xmlNode* c) except -1:
        cdef size_t slot = (<size_t>c.name >> 4) % KIND_SLOTS
        while self.kind_names[slot] is not NULL:
            if self.kind_names[slot] == <const void*>c.name:
                return self.kind_values[slot]
            slot = (slot + 1) % KIND_SLOTS
        cdef int kind = self.work_out_kind(c)
        if self.kinds_known < KIND_SLOTS // 2:
            self.kind_names[slot] = <const void*>c.name
            self.kind_values[slot] = kind
            self.kinds_known += 1
        return kind

    cdef int work_out_kind(self, xmlNode* c) except -1:
        tag = _str(<const char*>c.name)
        dom = self.dom
        cdef int kind = 0
        if tag in dom.BLOCK_TAGS:
            kind |= K_BLOCK
            if tag == "br" or tag == "hr":
                kind |= K_BREAK
            if tag in dom.BOILER_TAGS:
                kind |= K_BOILER
                if tag == "nav":
                    kind |= K_NAV
            if tag in dom._STRUCTURAL:
                kind |= K_STRUCTURAL
        elif tag == "a":
            kind |= K_LINK
        elif tag in dom.BOLD_TAGS:
            kind |= K_BOLD
        kind |= (<int>dom.HEADING_TAGS.get(tag, 0)) << K_HEADING_SHIFT
        return kind

    cdef flush(self):
        cdef list parts = self.parts
        raw = parts[0] if len(parts) == 1 else "".join(parts)
        parts.clear()
        stripped = raw.strip()
        if stripped.isprintable() and "  " not in stripped:
            text = stripped
        else:
            if "\u200b" in stripped or "\ufeff" in stripped:
                stripped = stripped.replace("\u200b", "").replace("\ufeff", "").strip()
            text = " ".join(stripped.split())
        if text and self.cur_el is not None:
            if self.cur_depth + 1 == len(self.stack):
                chain = tuple(self.stack)
            else:
                chain = tuple(self.stack[: self.cur_depth + 1])
            if not chain or chain[len(chain) - 1] is not self.cur_el:
                chain = ()
            bold = self.cur_bold > 0 and self.cur_bold >= len(stripped) > 0
            self.blocks.append(
                self.Block(
                    self.cur_el,
                    text,
                    min(self.cur_link, len(text)),
                    self.cur_heading,
                    bold,
                    False,
                    len(self.blocks),
                    False,
                    self.suspects,
                    -1,
                    chain,
                )
            )
        self.cur_link = 0
        self.cur_bold = 0

    cdef int add(
        self,
        str text,
        object owner,
        int heading,
        Py_ssize_t depth,
        bint in_link,
        bint linked,
        bint bold,
    ) except -1:
        """A piece of text for the current block (whitespace never starts one), and for the
        text of the link it is in. ``linked``: its characters count as link text (a
        childless link's own text, whether or not it sits in another link)."""
        if in_link:
            self.link_texts.append(text)
        if self.parts or not text.isspace():
            if not self.parts:
                self.cur_el = owner
                self.cur_heading = heading
                self.cur_depth = depth
            self.parts.append(text)
            if linked or bold:
                n = len(text.strip())
                if linked:
                    self.cur_link += n
                if bold:
                    self.cur_bold += n
        return 0

    cdef bint leaf(
        self,
        object text,
        object owner,
        int heading,
        Py_ssize_t depth,
        bint in_link,
        bint linked,
        bint bold,
    ) except -1:
        """A childless element (or comment) taken inline, as walk() would take it: one
        element of the budget, then its text. Returns False: it is no block."""
        self.budget -= 1
        if self.budget < 0:
            self.truncated = True
        elif text:
            self.add(text, owner, heading, depth, in_link, linked, bold)
        return False

    cdef bint walk(
        self,
        xmlNode* c,
        int kind,
        object el,
        object owner,
        int heading,
        Py_ssize_t depth,
        bint in_link,
        bint in_bold,
    ) except -1:
        self.budget -= 1
        if self.budget < 0:
            self.truncated = True
            return False
        if el is None:
            el = cetree.elementFactory(self.doc, c)
        self.stack.append(el)
        cdef bint is_block = kind & K_BLOCK
        cdef tuple saved = self.suspects
        cdef Py_ssize_t link_start = -1
        if is_block:
            if self.parts:
                self.flush()
            if kind & K_BREAK:
                self.stack.pop()
                return True
            owner = el
            heading = kind >> K_HEADING_SHIFT
            depth = len(self.stack) - 1
            if kind & K_BOILER:
                self.suspects = saved + (el,)
                if kind & K_NAV and len(self.crumbs) < 10 and self.is_crumb_nav(el):
                    self.crumbs.append(el)
            elif not kind & K_STRUCTURAL:
                cls = _attr(c, "class")
                ident = _attr(c, "id")
                if cls or ident:
                    words = f"{cls} {ident}" if cls and ident else (cls or ident)
                    verdict = self.attr_cache.get(words)
                    if verdict is None:
                        verdict = self.attr_kind(words)
                    if verdict:
                        if verdict & self.is_boiler:
                            self.suspects = saved + (el,)
                        if verdict & self.is_crumb and len(self.crumbs) < 10:
                            self.crumbs.append(el)
        elif kind & K_LINK:
            in_link = True
            link_start = len(self.link_texts)
        elif kind & K_BOLD:
            in_bold = True
        cdef xmlNode* child = c.children
        text = _text_run(child)
        if text:
            self.add(text, owner, heading, depth, in_link, in_link, in_bold)
        child = _after_text(child)
        cdef int child_kind
        cdef bint child_block
        while child is not NULL:
            if not _element_like(child):
                child = child.next
                continue
            if child.type != tree.XML_ELEMENT_NODE:
                # A comment or processing instruction (the parser drops them): lxml gives
                # its content as its text.
                ctext = (
                    _str(<const char*>child.content)
                    if child.content is not NULL and child.content[0] != 0
                    else None
                )
                child_block = self.leaf(ctext, owner, heading, depth, in_link, in_link, in_bold)
            else:
                child_kind = self.kind_of(child)
                if child_kind & K_LINK and not _has_children(child):
                    ctext = _text_run(child.children)
                    child_block = self.leaf(ctext, owner, heading, depth, in_link, True, in_bold)
                    if self.budget >= 0:
                        link = cetree.elementFactory(self.doc, child)
                        self.anchors.append(
                            self.Anchor(
                                link, ctext or "", (*self.stack, link), _attr(child, "href")
                            )
                        )
                elif child_kind & K_BREAK:
                    self.budget -= 1
                    if self.budget < 0:
                        self.truncated = True
                        child_block = False
                    else:
                        if self.parts:
                            self.flush()
                        child_block = True
                elif child_kind & (K_BLOCK | K_BOLD) or _has_children(child):
                    child_block = self.walk(
                        child, child_kind, None, owner, heading, depth, in_link, in_bold
                    )
                else:
                    child_block = self.leaf(
                        _text_run(child.children), owner, heading, depth, in_link, in_link, in_bold
                    )
            tail = _text_run(child.next)
            if tail:
                if child_block and self.parts:
                    self.flush()
                self.add(tail, owner, heading, depth, in_link, in_link, in_bold)
            child = _after_text(child.next)
        if is_block:
            if self.parts:
                self.flush()
            self.suspects = saved
        elif link_start >= 0:
            self.anchors.append(
                self.Anchor(
                    el, "".join(self.link_texts[link_start:]), tuple(self.stack), _attr(c, "href")
                )
            )
        self.stack.pop()
        return is_block


def linearise(root, dom):
    """``dom._linearise(root)``: blocks, truncated, crumbs, anchors (``dom``: the module,
    for its tag sets, verdict caches and record classes)."""
    cdef cetree._Element top = root
    cdef _Walk w = _Walk(root, dom)
    w.walk(top._c_node, w.kind_of(top._c_node), root, root, 0, 0, False, False)
    if w.parts:
        w.flush()
    return w.blocks, w.truncated, w.crumbs, w.anchors


def bylines(root, dom):
    """``list(dom.iter_bylines(root))``: the elements marked as bylines, in page order (at
    most ``dom.MAX_BYLINES``). Read from the nodes, so the whole tree costs about what the
    Python generator's first few elements do; proxies are made for the elements found."""
    cdef cetree._Element top = root
    cdef cetree._Document doc = cetree.documentOrRaise(root)
    cdef dict cache = dom._BYLINE_CACHE
    is_byline_class = dom._is_byline_class
    cdef frozenset itemprop_tags = dom._ITEMPROP_TAGS
    cdef Py_ssize_t limit = dom.MAX_BYLINES
    cdef list found = []
    cdef xmlNode* start = top._c_node
    cdef xmlNode* c = start
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE:
            if strcmp(<const char*>c.name, "a") == 0:
                rel = _attr(c, "rel")
                if rel and "author" in rel:
                    found.append(cetree.elementFactory(doc, c))
                    if len(found) >= limit:
                        return found
            cls = _attr(c, "class")
            hit = False
            if cls:
                hit = cache.get(cls)
                if hit is None:
                    hit = is_byline_class(cls)
            if hit:
                found.append(cetree.elementFactory(doc, c))
                if len(found) >= limit:
                    return found
            else:
                prop = _attr(c, "itemprop")
                if prop and "author" in prop and _str(<const char*>c.name) in itemprop_tags:
                    found.append(cetree.elementFactory(doc, c))
                    if len(found) >= limit:
                        return found
        # The next node in document order within root (element-like nodes only hold
        # children here: text has none).
        if c.children is not NULL and c.type == tree.XML_ELEMENT_NODE:
            c = c.children
            continue
        while c is not start and c.next is NULL:
            c = c.parent
        if c is start:
            break
        c = c.next
    return found
