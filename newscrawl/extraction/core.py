"""Main entry point: HTML (+URL) in, :class:`Article` out.

1. decode (BOM, meta charset, detection) and parse once with lxml;
2. metadata from the whole page (``metadata.py``);
3. prune boilerplate elements, generic and site-specific (``prune.py``);
4. main-text scoring by trafilatura on the pruned tree (its strengths kept:
   link density, text density, container heuristics) — or, when the site's
   markup names its body container for sure, that container;
5. paragraphs from trafilatura's structure (headings, list items, quotes and
   table rows each a paragraph), then boilerplate lines dropped
   (``textfilter.py``) with a safety backup;
6. the page type (``pagetype.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy

import charset_normalizer
import trafilatura
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    resolve_encoding,
)

from .article import Article
from .errors import ExtractionError
from .metadata import Metadata, extract_metadata
from .pagetype import page_type
from .prepare import neutralise_wrappers, resolve_streamed_segments
from .prune import prune
from .recover import recover
from .rules import ELEMENT_RULES
from .sites import site_for
from .textfilter import filter_paragraphs

#: Larger documents are cut to this many characters before parsing (no news page is near it).
MAX_CHARS = 5_000_000
#: Deeper trees are flattened by lxml's parser anyway; we refuse absurd nesting early.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WS = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TAG = re.compile(r"<[a-zA-Z!]")
_END_OF_DOCUMENT = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
#: trafilatura's output elements that are paragraphs of their own.
_BLOCKS = frozenset(("p", "head", "item", "quote", "code", "row", "list", "table", "div"))


def looks_binary(data: bytes) -> bool:
    """Many NUL or control bytes at the start: an image, archive or other binary."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NULs by design
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and controls > 0.1 * len(head)


def decode(html: str | bytes, content_type: str | None = None) -> str:
    """Text of a page's bytes, trusting declarations only as far as the bytes agree.

    A byte-order mark decides. Else bytes that are valid UTF-8 are UTF-8 (pages
    and servers often declare a legacy charset for UTF-8 content, while legacy
    text is almost never valid UTF-8). Else the charset the HTTP header or the
    page declares, if the bytes decode cleanly in it; else detection
    (charset_normalizer), then Windows-1252, with replacement characters.
    """
    if isinstance(html, str):
        text = html
    elif html.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        _, text = html_to_unicode(content_type, html)
    else:
        text = _decode_unmarked(html, content_type)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    return _CONTROL.sub("", repair_mojibake(text))


def _decode_unmarked(data: bytes, content_type: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = [
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(data[:4096]),
    ]
    for encoding in dict.fromkeys(e for e in declared if e):
        try:
            return data.decode(resolve_encoding(encoding) or encoding)
        except (UnicodeDecodeError, LookupError):
            continue  # the declaration lies
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    return data.decode(encoding, errors="replace")


#: UTF-8 text that was decoded as Latin-1 or Windows-1252 somewhere upstream and
#: re-encoded ("youâ€™re", "youâ\x80\x99re"): a lead byte as a character, then
#: continuation bytes as characters.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6"
    "\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc"
    "\u2122\u0161\u203a\u0153\u017e\u0178]{1,3}"
)


def repair_mojibake(text: str) -> str:
    """Undo double-encoded UTF-8 runs, each only where it decodes back cleanly."""
    if not _MOJIBAKE.search(text):
        return text

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        for codec in ("latin-1", "cp1252"):
            try:
                return run.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        return run

    return _MOJIBAKE.sub(fix, text)


def parse(text: str) -> HtmlElement:
    # lxml refuses a str with an XML encoding declaration, and trafilatura then
    # re-parses the bytes without knowing their encoding (mojibake): drop it
    text = _XML_DECLARATION.sub("", text, count=1)
    # browsers ignore </body> and </html> (content after them still goes into the body);
    # lxml stops parsing there, losing whatever a broken template put after them
    text = _END_OF_DOCUMENT.sub("", text)
    try:
        tree = load_html(text)
    except Exception as exc:  # lxml raises a zoo of errors on hostile input
        raise ExtractionError("unparsable", f"{type(exc).__name__}: {exc}") from exc
    if tree is None or not isinstance(tree, _Element):
        raise ExtractionError("unparsable", "not an HTML document")
    return tree


_INVISIBLE = ("script", "style", "noscript", "template")


def strip_invisible(tree: _Element) -> None:
    """Remove scripts, styles and templates (their tails stay)."""
    etree.strip_elements(tree, *_INVISIBLE, with_tail=False)


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def paragraphs_from_body(body: _Element | None) -> list[str]:
    """Paragraphs of trafilatura's output tree: every block element starts a new one.

    Inline elements (emphasis, links, line breaks, table cells) stay within their
    paragraph; text after a nested block becomes a paragraph of its own.
    """
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = _norm(" ".join(buffer))
        buffer.clear()
        if text:
            out.append(text)

    def visit(el: _Element) -> None:
        block = el.tag in _BLOCKS
        if block:
            flush()
        if el.text:
            buffer.append(el.text)
        for child in el:
            visit(child)
            if child.tail:
                buffer.append(child.tail)
        if block:
            flush()

    if body is not None:
        visit(body)
        flush()
    return out


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
    if paragraphs and title and _norm(paragraphs[0]).casefold() == _norm(title).casefold():
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
    neutralise_wrappers(tree)
    site = site_for(tree, url)
    rules = ELEMENT_RULES + (site.rules if site else ())
    removed: Counter[str] = Counter()

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
        removed += prune(tree, rules)
        body = _trafilatura_body(tree, url)
        paragraphs = recover(tree, paragraphs_from_body(body), rules, md.title)
    paragraphs = _drop_title(paragraphs, md.title)
    paragraphs, dropped = filter_paragraphs(paragraphs)
    removed += dropped
    if not paragraphs:
        raise ExtractionError("no-content", "no main text found")
    article = _article(md, url, paragraphs, removed)
    article.page_type = page_type(tree, md, article, url)
    return article


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
    return etree.tostring(el, encoding="unicode", with_tail=False)


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
