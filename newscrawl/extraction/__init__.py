"""Pure article extraction: HTML (+URL) in, clean text and metadata out.

Nothing in this package imports Scrapy; the crawl, ``newscrawl extract`` and
``newscrawl eval`` all call :func:`extract_page` (:func:`extract` is it without a site
template, giving the article alone).
"""

from __future__ import annotations

from .article import Article, content_hash, normalise_text
from .core import Extraction, extract, extract_page
from .errors import ExtractionError

__all__ = [
    "Article",
    "Extraction",
    "ExtractionError",
    "content_hash",
    "extract",
    "extract_page",
    "normalise_text",
]
