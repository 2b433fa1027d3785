"""Is this page an article? (``article``, or what else: ``listing``, ``product``, ...)

The crawl emits articles only, so the decision is conservative: a page is an
article unless the evidence says otherwise clearly. Evidence: the types the
page declares (schema.org JSON-LD, ``og:type``), its URL, and the shape of
its content (many short link-heavy items and little running text make a
listing).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.etree import _Element

from .article import Article
from .metadata import ARTICLE_TYPES, Metadata
from .text import WORD

#: Declared types that mean "not an article", by what they are; the first one a page
#: declares decides (a product page with an FAQ block is a product).
DECLARED = {
    "product": "product", "offer": "product", "aggregateoffer": "product",
    "collectionpage": "listing", "itemlist": "listing", "searchresultspage": "listing",
    "discussionforumposting": "forum", "qapage": "forum", "question": "forum",
    "faqpage": "documentation", "techarticle": "documentation",
    "profilepage": "listing",
}  # fmt: skip
LISTING_PATH = re.compile(r"/(category|categories|tag|tags|author|topics?|page/\d+|archives?)(/|$)")


def page_type(tree: _Element, md: Metadata, article: Article, url: str | None) -> str:
    """``"article"`` or the kind of page it is instead."""
    declared_article = bool(md.types & ARTICLE_TYPES) or "article" in md.types
    if declared_article and md.types & {"techarticle"} and not md.published:
        return "documentation"
    if not declared_article:
        for t, kind in DECLARED.items():  # (in DECLARED's order: a set's varies by process)
            if t in md.types:
                return kind
    path = urlsplit(url).path if url else ""
    if url and LISTING_PATH.search(path) and not declared_article:
        return "listing"
    if not declared_article and _looks_like_listing(article):
        return "listing"
    return "article"


def _looks_like_listing(article: Article) -> bool:
    """Many short paragraphs and no running text: a list of teasers, not a story."""
    paragraphs = article.paragraphs
    if len(paragraphs) < 8:
        return False
    long_ones = [p for p in paragraphs if len(WORD.findall(p)) >= 25]
    return len(long_ones) <= 1 and article.word_count < 400
