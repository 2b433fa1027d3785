"""When the scorer gives up: the page's own blocks instead of one run of text.

On pages without a clear article (shop grids, front pages, link directories)
trafilatura may fall back to the whole body's text as a single paragraph:
menus, headers and footers run together with the content ("Skip to main
content Sign in Deals Brand Outlet ... Best Sellers ..."). That paragraph is
recognised here, and the page's text is taken again block by block, without
the page chrome (``nav``, ``header``, ``footer``, ``aside``, forms and the
ARIA landmarks of the same roles), so that the line filter and the reader
see items, not a wall.
"""

from __future__ import annotations

from lxml import etree
from lxml.etree import _Element

from .dom import INVISIBLE, SEPARATING, WORD, ParagraphWriter, word_counts
from .recover import NEVER
from .thresholds import (
    DUMP_SHARE_OF_OUTPUT,
    DUMP_SHARE_OF_PAGE,
    MAX_CHROME_SHARE,
    MIN_DUMP_WORDS,
    MIN_KEPT_SHARE,
)

CHROME_ROLES = frozenset(
    ("navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog", "complementary")
)
BLOCKS = SEPARATING | {"main", "dl", "address", "caption"}


def _looks_like_dump(sizes: list[int]) -> bool:
    """One paragraph long enough and most of the output (cheap: before the page's counts)."""
    biggest = max(sizes, default=0)
    return biggest > MIN_DUMP_WORDS and biggest > DUMP_SHARE_OF_OUTPUT * sum(sizes)


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


def replace_page_dump(paragraphs: list[str], page: _Element) -> list[str] | None:
    """The page's blocks when ``paragraphs`` is a dump of the whole page and the blocks
    keep most of its words; None when the scorer's output stands."""
    sizes = [len(WORD.findall(p)) for p in paragraphs]
    if not _looks_like_dump(sizes):
        return None
    counts = word_counts(page)
    if max(sizes) <= DUMP_SHARE_OF_PAGE * counts.get(page, 0):
        return None  # the paragraph is long, but the page holds much more
    blocks = block_paragraphs(page, counts)
    if sum(len(WORD.findall(p)) for p in blocks) < MIN_KEPT_SHARE * sum(sizes):
        return None
    return blocks
