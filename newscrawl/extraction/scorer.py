"""trafilatura's main-text scoring, with its Readability fallback run only where it can win.

trafilatura (``fast=False``) runs readability-lxml on every page and then takes
Readability's text instead of its own only when its own is empty or structurally
deficient (no paragraph text, more tables than paragraphs), or when Readability's is
more than twice as long (``_prefer_readability``), or in its recall retry. Readability's
article is part of the page's body, so its text is never longer than the body's: where
trafilatura's own text is at least half of the body's (``READABILITY_BOUND_MARGIN`` for
the spaces Readability's markup may add), Readability cannot win, and its scoring (a
sixth of trafilatura's time) is skipped. The output is the same; ``newscrawl``'s own
Readability (``secondopinion.py``) is then the only one run on that page.

trafilatura has no public hook for this: the skip wraps its module functions
``trafilatura.core.compare_extraction`` and ``trafilatura.external.try_readability``
(tested in ``tests/test_scorer.py``), and is active only inside :func:`trafilatura_body`.
Anywhere else (a plain trafilatura call in the same process) the wrappers pass through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import trafilatura
import trafilatura.core
import trafilatura.external
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.utils import trim

from .thresholds import READABILITY_BOUND_MARGIN

#: Per thread: inside :func:`trafilatura_body` ("on"), and whether the comparison in
#: progress skips Readability ("skip").
_STATE = threading.local()
#: How often the wrappers ran Readability and skipped it (for tests and benchmarks).
COUNTS = {"readability": 0, "skipped": 0}


def readability_cannot_win(raw_tree: _Element, body: _Element, text: str, options: Any) -> bool:
    """Can trafilatura's comparison not prefer Readability's text over ``text``, its own
    (``body``), on ``raw_tree``, Readability's input? True only where each of its reasons
    to prefer it is ruled out."""
    if options.focus == "recall" or not text:
        return False
    if not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p")):
        return False  # (structurally deficient: Readability's longer text would win)
    page = raw_tree.find("body")
    page_text = etree.tostring(
        page if page is not None else raw_tree, method="text", encoding="unicode"
    )
    return 2 * len(text) >= READABILITY_BOUND_MARGIN * len(trim(page_text))


def _wrap_compare(compare: Callable[..., Any]) -> Callable[..., Any]:
    def compare_extraction(
        cleaned_tree: HtmlElement, raw_tree: HtmlElement, body: _Element, text: str, options: Any
    ) -> Any:
        _STATE.skip = getattr(_STATE, "on", False) and readability_cannot_win(
            raw_tree, body, text, options
        )
        try:
            return compare(cleaned_tree, raw_tree, body, text, options)
        finally:
            _STATE.skip = False

    compare_extraction.__wrapped__ = compare  # type: ignore[attr-defined]
    return compare_extraction


def _wrap_readability(run: Callable[[HtmlElement], HtmlElement]) -> Callable[..., HtmlElement]:
    def try_readability(htmlinput: HtmlElement) -> HtmlElement:
        if getattr(_STATE, "skip", False):
            COUNTS["skipped"] += 1
            return HtmlElement()  # (what trafilatura's own gives when Readability fails)
        COUNTS["readability"] += 1
        return run(htmlinput)

    try_readability.__wrapped__ = run  # type: ignore[attr-defined]
    return try_readability


def install() -> bool:
    """Wrap trafilatura's comparison and Readability call (once). False when trafilatura
    no longer has them (its Readability then always runs: slower, same output)."""
    compare = getattr(trafilatura.core, "compare_extraction", None)
    run = getattr(trafilatura.external, "try_readability", None)
    if compare is None or run is None:
        return False
    if not hasattr(compare, "__wrapped__"):
        trafilatura.core.compare_extraction = _wrap_compare(compare)
    if not hasattr(run, "__wrapped__"):
        trafilatura.external.try_readability = _wrap_readability(run)
    return True


INSTALLED = install()


def trafilatura_body(tree: HtmlElement, url: str | None) -> _Element | None:
    """trafilatura's main text of ``tree`` (its output tree), Readability only where it
    can win."""
    _STATE.on = True
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
            fast=False,
        )
    finally:
        _STATE.on = False
    return getattr(doc, "body", None) if doc is not None else None
