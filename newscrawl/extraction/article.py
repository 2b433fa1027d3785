"""The result of extracting one page: plain data, no Scrapy."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from .text import count_words  # (each CJK character counts as a word)

_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Normal form used for hashing: NFKC, case-folded, whitespace folded."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def content_hash(text: str) -> str:
    """Stable hash of the normalised text (so cosmetic whitespace changes do not count)."""
    return "sha256:" + hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@dataclass
class Article:
    """What ``extract()`` returns for a page.

    ``text`` holds the article body, paragraphs joined by a blank line.
    Dates are ISO 8601 strings (with offset where the page gives one).
    """

    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    text: str = ""
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    description: str | None = None
    image: str | None = None
    site_name: str | None = None
    page_type: str = "article"
    #: Counts of removed boilerplate blocks by kind (e.g. ``{"share": 2}``).
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p]

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["word_count"] = self.word_count
        data["content_hash"] = self.content_hash
        return data
