"""Main entry point: HTML (+URL) in, :class:`Article` out.

1. decode (BOM, meta charset, detection) and parse once with lxml;
2. metadata from the whole page (``metadata.py``);
3. prune boilerplate elements, generic and site-specific (``prune.py``);
4. main-text scoring by trafilatura on the pruned tree (its strengths kept:
   link density, text density, container heuristics) — or, when the site's
   markup names its body container for sure, that container; when the scorer
   gives up and returns the whole page as one paragraph, the page's blocks
   without its chrome (``fallback.py``);
5. paragraphs from trafilatura's structure (headings, list items, quotes and
   table rows each a paragraph), later copies of a long repeated run dropped,
   then boilerplate lines dropped (``textfilter.py``) with a safety backup;
6. the page type (``pagetype.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy

import trafilatura
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement

from .article import Article
from .decode import decode, looks_binary, parse
from .dom import SEPARATING, ParagraphWriter, drop, fold_space, word_counts
from .errors import ExtractionError
from .fallback import replace_page_dump
from .metadata import Metadata, date_in_text, extract_metadata
from .pagetype import page_type
from .prepare import (
    neutralise_wrappers,
    render_math,
    resolve_streamed_segments,
    reveal_disclosures,
    separate_abutting,
    standardise_custom_elements,
    unmark_item_groups,
    unmark_wrappers,
    unquote_tables,
)
from .prune import prune
from .recover import recover
from .rules import ELEMENT_RULES
from .secondopinion import SecondOpinion
from .sites import site_for
from .textfilter import cut_read_next, drop_repeated_runs, filter_paragraphs

_TAG = re.compile(r"<[a-zA-Z!]")
#: Elements that stand apart from their neighbours' text: trafilatura's breaks, cells
#: and images, and the HTML it sometimes leaves unconverted (<td>, <th>, <br>).
_SPACED = frozenset(("lb", "cell", "graphic")) | SEPARATING
#: trafilatura's output elements that are paragraphs of their own.
_BLOCKS = frozenset(("p", "head", "item", "quote", "code", "row", "list", "table", "div"))
#: trafilatura's elements of running text: a <code> inside one is inline (``<p>a mess of
#: <code>&lt;table&gt;</code> tags</p>``), not a code block, and stays in the sentence.
_RUNNING_TEXT = frozenset(("p", "head", "item", "cell", "hi", "ref", "del"))


#: Pages of many like blocks (items, posts, sections), where Readability's wider article
#: replaces trafilatura's pick when it holds it (``SecondOpinion.wider``). Measured: on
#: products and articles the wider choice brings in more than it adds.
WIDEN_TYPES = frozenset(("listing", "documentation", "forum"))


#: Removed once metadata is read. <noscript> stays: it is what a reader without
#: JavaScript sees (some sites' whole content), and trafilatura weighs it itself.
_INVISIBLE = ("script", "style", "template")


def strip_invisible(tree: _Element) -> None:
    """Remove the body's scripts, styles and templates (their tails stay), and all of the
    head but its JSON-LD: the metadata has been read, and each later pass over the tree
    (pruning, trafilatura's copies and cleaning) would pay for its links and metas. The
    body's JSON-LD moves to the head: trafilatura reads it too (a
    ``DiscussionForumPosting`` makes it keep a forum's posts)."""
    head, body = tree.find("head"), tree.find("body")
    if body is None:
        etree.strip_elements(tree, *_INVISIBLE, with_tail=False)
        return
    if head is not None:
        for el in list(head):
            if el.tag != "script" or el.get("type") != "application/ld+json":
                head.remove(el)  # (the head's text is not shown: tails go too)
        for script in body.xpath('.//script[@type="application/ld+json"]'):
            drop(script)
            script.tail = None
            head.append(script)
    etree.strip_elements(body, *_INVISIBLE, with_tail=False)


def paragraphs_from_body(body: _Element | None) -> list[str]:
    """Paragraphs of trafilatura's output tree: every block element starts a new one.

    Inline elements (emphasis, links, inline code, line breaks, table cells) stay
    within their paragraph; text after a nested block becomes a paragraph of its own.
    """
    writer = ParagraphWriter()

    def visit(el: _Element, parent: str = "") -> None:
        block = el.tag in _BLOCKS and not (el.tag == "code" and parent in _RUNNING_TEXT)
        if block:
            writer.end()
        elif el.tag in _SPACED:
            writer.space()
        writer.add(el.text)
        for child in el:
            visit(child, el.tag)
            writer.add(child.tail)
        if block:
            writer.end()
        elif el.tag in _SPACED:
            writer.space()

    if body is not None:
        visit(body)
        writer.end()
    return writer.paragraphs


def _trafilatura_body(tree: HtmlElement, url: str | None) -> _Element | None:
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        fast=False,
    )
    return getattr(doc, "body", None) if doc is not None else None


def _drop_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The headline repeated as the first paragraph is not body text."""
    same = (
        paragraphs
        and title
        and fold_space(paragraphs[0]).casefold() == fold_space(title).casefold()
    )
    if same:
        return paragraphs[1:]
    return paragraphs


def extract(
    html: str | bytes, url: str | None = None, *, content_type: str | None = None
) -> Article:
    """Extract the article of one page (``content_type``: the HTTP header, if any).

    Raises :class:`ExtractionError` (with a short ``reason``) when the page is
    not HTML or holds no main text.
    """
    if isinstance(html, bytes) and looks_binary(html):
        raise ExtractionError("binary", "the body is not text")
    text = decode(html, content_type)
    if not text.strip():
        raise ExtractionError("empty", "no content")
    if not _TAG.search(text, 0, 100_000):
        raise ExtractionError("not-html", "no HTML markup")
    tree = parse(text)
    md = extract_metadata(tree, url)
    resolve_streamed_segments(tree)  # (needs the scripts and templates)
    strip_invisible(tree)  # metadata read (JSON-LD is in <script>): nothing else needs them
    render_math(tree)
    reveal_disclosures(tree)
    unquote_tables(tree)
    separate_abutting(tree)
    counts = word_counts(tree)  # (the next steps change tags and attributes, not text)
    neutralise_wrappers(tree, counts)
    unmark_wrappers(tree, counts)
    unmark_item_groups(tree, counts)
    site = site_for(tree, url)
    rules = ELEMENT_RULES + (site.rules if site else ())
    removed: Counter[str] = Counter()

    opinion: SecondOpinion | None = None  # (Readability's, where trafilatura scored the page)
    container: _Element | None = None
    if site and site.body_xpath:
        found = tree.xpath(site.body_xpath)
        container = found[0] if found else None
    if container is not None:
        work = deepcopy(container)
        removed += prune(work, rules)
        body: _Element | None = _container_body(work)
        paragraphs = paragraphs_from_body(body)
    else:
        removed += prune(tree, rules, counts)
        standardise_custom_elements(tree)  # (after pruning: rules may name custom tags)
        body = _trafilatura_body(tree, url)
        paragraphs = paragraphs_from_body(body)
        blocks = replace_page_dump(paragraphs, tree)
        if blocks is not None:
            paragraphs = blocks
        else:
            lists_dropped = body is not None and next(body.iter("list"), None) is None
            paragraphs = recover(tree, paragraphs, rules, md.title, lists_dropped)
            if len(paragraphs) >= 2:
                opinion = SecondOpinion(tree)
                kept = opinion.trim_tail(paragraphs)
                if len(kept) < len(paragraphs):
                    removed["after-article"] += len(paragraphs) - len(kept)
                paragraphs = kept
    final, dropped = _filtered(paragraphs, md.title)
    if not final:
        raise ExtractionError("no-content", "no main text found")
    article = _article(md, url, final, removed + dropped)
    article.page_type = page_type(tree, md, article, url)
    if opinion is not None and article.page_type in WIDEN_TYPES:
        wider, dropped = _filtered(opinion.wider(paragraphs) or [], md.title)
        if wider:
            kind = article.page_type
            article = _article(md, url, wider, removed + dropped)
            article.page_type = kind
    if article.page_type == "article" and (cut := cut_read_next(paragraphs)) is not None:
        shorter, dropped = _filtered(cut, md.title)
        if shorter:
            article = _article(md, url, shorter, removed + dropped + Counter({"read-next": 1}))
            article.page_type = "article"
    if article.published is None and article.page_type == "article":
        article.published = date_in_text(tree)
    return article


def _filtered(paragraphs: list[str], title: str | None) -> tuple[list[str], Counter[str]]:
    """Paragraphs without the headline, repeated runs and boilerplate lines, and the
    counts of the lines dropped by kind."""
    return filter_paragraphs(drop_repeated_runs(_drop_title(paragraphs, title)))


def _container_body(container: _Element) -> _Element | None:
    """trafilatura's structure for a known body container (its scoring not needed)."""
    doc = trafilatura.bare_extraction(
        "<html><body><article>" + _serialize(container) + "</article></body></html>",
        include_comments=False,
        with_metadata=False,
        fast=True,
        favor_recall=True,
    )
    return getattr(doc, "body", None) if doc is not None else None


def _serialize(el: _Element) -> str:
    return etree.tostring(el, encoding="unicode", method="html", with_tail=False)


def _article(
    md: Metadata, url: str | None, paragraphs: list[str], removed: Counter[str]
) -> Article:
    return Article(
        url=url,
        canonical_url=md.canonical_url or url,
        title=md.title,
        text="\n\n".join(paragraphs),
        authors=md.authors,
        published=md.published,
        modified=md.modified,
        categories=md.categories,
        tags=md.tags,
        language=md.language,
        description=md.description,
        image=md.image,
        site_name=md.site_name,
        removed=dict(removed),
    )
