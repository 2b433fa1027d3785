"""Small helpers over lxml trees shared by the extraction steps."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from lxml.etree import _Element

from .text import WORD

_WS = re.compile(r"\s+")
#: Elements whose text a reader never sees.
INVISIBLE = frozenset(("script", "style", "noscript", "template"))
#: Scripts written without spaces between words (Chinese, Japanese).
CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
#: Any such character (a page without one has no CJK line break to drop).
HAS_CJK = re.compile(f"[{CJK}]")
_CJK_BREAK = re.compile(f"(?<=[{CJK}])[ \t]*\n\\s*(?=[{CJK}])")
#: Elements that separate the text around them even when no space is written: breaks,
#: cells, images and the blocks (a leaf's text may hold small ones, such as <li>).
SEPARATING = frozenset(
    "br hr img td th tr li p div dt dd h1 h2 h3 h4 h5 h6 blockquote pre table ul ol"
    " section article figure figcaption header footer aside nav form option".split()
)


def word_counts(root: _Element) -> dict[_Element, int]:
    """Words under each element, summed bottom-up (linear in the page)."""
    counts: dict[_Element, int] = {}
    findall, get = WORD.findall, counts.get
    for el in reversed([el for el in root.iter() if isinstance(el.tag, str)]):
        if el.tag in INVISIBLE:
            counts[el] = 0
            continue
        text = el.text  # (most text nodes are indentation: no regex for them)
        n = len(findall(text)) if text and not text.isspace() else 0
        for child in el:
            n += get(child, 0)
            tail = child.tail
            if tail and not tail.isspace():
                n += len(findall(tail))
        counts[el] = n
    return counts


class ParagraphWriter:
    """Text pieces in, paragraphs out: ``add`` pieces, ``end`` a paragraph (whitespace
    folded, CJK line breaks dropped, empty paragraphs skipped)."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._pieces: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self._pieces.append(source_text(text))

    def space(self) -> None:
        self._pieces.append(" ")

    def end(self) -> None:
        text = fold_space("".join(self._pieces))
        self._pieces.clear()
        if text:
            self.paragraphs.append(text)


def fold_space(text: str) -> str:
    """Whitespace folded to single spaces."""
    return _WS.sub(" ", text).strip()


def source_text(text: str) -> str:
    """A text node as rendered: a line break between two CJK characters is dropped, not
    made a space (CSS Text 3 segment breaks). Per node, so a <br> still separates."""
    return _CJK_BREAK.sub("", text) if "\n" in text else text


def text_of(el: _Element) -> str:
    """The element's text as a reader sees it: inline markup joins its neighbours
    ("Hel<b>lo</b>" is one word), line breaks, cells and images separate them.
    (One iterative walk: pages nest thousands deep.)"""
    if not len(el):  # most calls: a leaf, its own text
        return fold_space(source_text(el.text)) if el.text and el.tag not in INVISIBLE else ""
    parts: list[str] = []
    skipping = 0  # depth inside an invisible element
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag
        if not isinstance(tag, str):  # comments, processing instructions: only their tail
            if event == "end" and node is not el and node.tail and not skipping:
                parts.append(source_text(node.tail))
            continue
        if event == "start":
            if skipping or tag in INVISIBLE:
                skipping += 1
                continue
            if tag in SEPARATING:
                parts.append(" ")
            if node.text:
                parts.append(source_text(node.text))
        else:
            if skipping:
                skipping -= 1
                if skipping:
                    continue
            elif tag in SEPARATING:
                parts.append(" ")
            if node is not el and node.tail:
                parts.append(source_text(node.tail))
    return fold_space("".join(parts))


#: EXSLT's regular expressions (``re:test``), which trafilatura's XPaths use.
REGEXP_NS = "http://exslt.org/regular-expressions"
_TREE_STEP = re.compile(r"(^|\|)\s*\.?//")


def self_tests(paths: Iterable[etree.XPath]) -> tuple[etree.XPath, ...]:
    """Whole-tree XPaths (``.//*[...]``, ``//*[...]|//author``) turned into tests of the
    context element itself (``self::*[...]|self::author``): run on a few elements, they
    answer what the search would have found among them, without walking the page."""
    return tuple(
        etree.XPath(_TREE_STEP.sub(r"\1self::", xp.path.strip()), namespaces={"re": REGEXP_NS})
        for xp in paths
    )


def drop(el: _Element) -> None:
    """Remove ``el`` from the tree, keeping its tail text in the parent."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
