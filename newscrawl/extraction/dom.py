"""Small helpers over lxml trees shared by the extraction steps."""

from __future__ import annotations

import re

from lxml.etree import _Element

WORD = re.compile(r"\w+")
_WS = re.compile(r"\s+")
#: Elements whose text a reader never sees.
INVISIBLE = frozenset(("script", "style", "noscript", "template"))


def word_counts(root: _Element) -> dict[_Element, int]:
    """Words under each element, summed bottom-up (linear in the page)."""
    counts: dict[_Element, int] = {}
    nodes = [el for el in root.iter() if isinstance(el.tag, str)]
    for el in reversed(nodes):
        if el.tag in INVISIBLE:
            counts[el] = 0
            continue
        n = len(WORD.findall(el.text or "")) if el.text else 0
        for child in el:
            n += counts.get(child, 0)
            if child.tail:
                n += len(WORD.findall(child.tail))
        counts[el] = n
    return counts


def text_of(el: _Element) -> str:
    """The element's text, whitespace folded."""
    return _WS.sub(" ", " ".join(el.itertext())).strip()


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
