"""Main entry point: HTML (+URL) in, :class:`Article` out."""

from __future__ import annotations

import trafilatura

from .article import Article
from .errors import ExtractionError


def extract(html: str | bytes, url: str | None = None) -> Article:
    """Extract the article of one page (provisional: plain trafilatura)."""
    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True, as_dict=False
    )
    if doc is None or not getattr(doc, "text", None):
        raise ExtractionError("no-content", "no main text found")
    text = "\n\n".join(line.strip() for line in doc.text.splitlines() if line.strip())
    return Article(
        url=url,
        canonical_url=doc.url or url,
        title=doc.title,
        text=text,
        authors=[a.strip() for a in (doc.author or "").split(";") if a.strip()],
        published=doc.date,
        categories=list(doc.categories or []),
        tags=list(doc.tags or []),
        language=doc.language,
        description=doc.description,
        image=doc.image,
        site_name=doc.sitename,
    )
