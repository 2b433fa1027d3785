"""A page's (or an element's) text block by block, without the page chrome (``nav``,
``header``, ``footer``, ``aside``, forms and the ARIA landmarks of the same roles):
how Readability's wider article is read on listings, forums and docs, and how the
readability-lxml extractor's article is read in ``newscrawl eval``.
"""

from __future__ import annotations

from lxml import etree
from lxml.etree import _Element

from .dom import INVISIBLE, SEPARATING, ParagraphWriter
from .recover import NEVER
from .thresholds import MAX_CHROME_SHARE

CHROME_ROLES = frozenset(
    ("navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog", "complementary")
)
BLOCKS = SEPARATING | {"main", "dl", "address", "caption"}


def block_paragraphs(page: _Element, counts: dict[_Element, int]) -> list[str]:
    """The page's text, a paragraph per block element, without the page chrome
    (``counts``: :func:`~.dom.word_counts` of ``page``)."""
    body = page.find("body")
    root = body if body is not None else page
    total = max(counts.get(root, 0), 1)
    writer = ParagraphWriter()
    skipping = 0  # depth inside a skipped element
    for event, node in etree.iterwalk(root, events=("start", "end")):
        tag = node.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if skipping or tag in INVISIBLE or _is_chrome(node, counts, total):
                skipping += 1
                continue
            if tag in BLOCKS:
                writer.end()
            elif tag in ("br", "img"):
                writer.space()
            writer.add(node.text)
            continue
        if skipping:
            skipping -= 1
            if skipping:
                continue
        elif tag in BLOCKS:
            writer.end()
        if node is not root:
            writer.add(node.tail)
    writer.end()
    return writer.paragraphs


def _is_chrome(el: _Element, counts: dict[_Element, int], total: int) -> bool:
    if el.tag not in NEVER and (el.get("role") or "").lower() not in CHROME_ROLES:
        return False
    return counts.get(el, 0) <= MAX_CHROME_SHARE * total
