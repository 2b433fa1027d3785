"""Is this page an article? (``article``, or what else: ``liveblog``, ``video``,
``gallery``, ``page``, ``attachment``, ``listing``, ``product``, ...)

The crawl emits articles (and live blogs) only, so the decision is conservative: a
page is an article unless the evidence says otherwise clearly. Evidence: the types
the page declares (schema.org JSON-LD, ``og:type``), the classes WordPress writes on
``<body>`` and on the post's ``<article>`` (``page-id-N``, ``type-page``,
``attachmentid-N``), its URL, and the shape of its content (many short link-heavy
items and little running text make a listing).
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
#: Declared types of a site's own pages (about, contact, a plain web page).
PAGE_TYPES = frozenset(("aboutpage", "contactpage", "webpage"))


def page_type(tree: _Element, md: Metadata, article: Article, url: str | None) -> str:
    """``"article"`` or the kind of page it is instead."""
    declared_article = bool(md.types & ARTICLE_TYPES) or "article" in md.types
    kind = _kind(md, article, url, declared_article)
    if kind != "article":
        return kind
    # one story's page, or one page's: which kind (the steps treat them alike)
    if "liveblogposting" in md.types:
        return "liveblog"
    wordpress = _wordpress_kind(tree)
    if wordpress == "attachment" or (wordpress == "page" and not declared_article):
        return wordpress  # (sites that publish stories as pages declare them articles)
    if not declared_article and (media := _media_kind(md.types)) is not None:
        return media
    if not declared_article and _declared_page(md):
        return "page"
    return "article"


def _kind(md: Metadata, article: Article, url: str | None, declared_article: bool) -> str:
    """Article, or a listing, product, forum or documentation page."""
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


def _wordpress_kind(tree: _Element) -> str | None:
    """The kind of page WordPress says in its classes: ``<body class="... page page-id-2">``
    or ``<article class="... type-page">`` (a site page: about, contact, privacy),
    ``attachmentid-N`` (a media attachment's page); None for a post or a page that is not
    WordPress's. (Its archives and searches are listings by their URL and shape.)"""
    root = tree if tree.tag == "html" else tree.getroottree().getroot()
    body = root.find("body")
    classes = set((body.get("class") or "").split()) if body is not None else set()
    if any(c.startswith("attachmentid-") for c in classes):
        return "attachment"
    if "single-post" in classes or any(c.startswith("postid-") for c in classes):
        return None
    if any(c.startswith("page-id-") for c in classes):
        return "page"
    post = next(root.iter("article"), None)  # (the first <article> is the post's)
    if post is not None and "type-page" in (post.get("class") or "").split():
        return "page"
    return None


def _media_kind(types: set[str]) -> str | None:
    """A video or a gallery page by its declared type (og:type video.*, VideoObject,
    ImageGallery)."""
    if any(t.startswith("video.") for t in types) or "videoobject" in types:
        return "video"
    if "imagegallery" in types:
        return "gallery"
    return None


def _declared_page(md: Metadata) -> bool:
    """An about or contact page, or a page that declares itself a plain web page
    (JSON-LD WebPage) and has no date at all (an article has one)."""
    if md.types & {"aboutpage", "contactpage"}:
        return True
    return bool(md.types & PAGE_TYPES) and md.published is None
