"""Pure article extraction: HTML (+URL) in, clean text and metadata out.

Nothing in this package imports Scrapy; the crawl, the CLI and the benchmarks
all call :func:`extract`.
"""

from __future__ import annotations

from .article import Article, content_hash, normalise_text
from .core import extract
from .errors import ExtractionError

__all__ = ["Article", "ExtractionError", "content_hash", "extract", "normalise_text"]
