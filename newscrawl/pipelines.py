"""Item pipelines: they only orchestrate.

``Page`` (raw HTML from a spider)
  -> :class:`ExtractionPipeline`  (``newscrawl.extraction``: text + metadata)
  -> :class:`PolicyPipeline`      (articles only, long enough, news categories)
  -> :class:`DedupPipeline`       (one item per canonical URL in a run)
  -> :class:`OutputPipeline`      (JSONL via a ``.part`` file)

A page that gives no item is dropped with :class:`Rejected`, which says at
which stage and why; the run report writes it to the rejects file.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from w3lib.encoding import html_to_unicode

from newscrawl import SCHEMA_VERSION
from newscrawl.extraction import Article, ExtractionError, extract
from newscrawl.items import ArticleItem, Page
from newscrawl.run import Run

logger = logging.getLogger(__name__)


class Rejected(DropItem):
    """A page that gives no item. ``kind`` is "error" (counts against the run) or "skip"."""

    def __init__(
        self, stage: str, reason: str, detail: str = "", *, url: str = "", kind: str = "error"
    ) -> None:
        super().__init__(f"{stage}/{reason}: {url} {detail}".strip(), log_level="DEBUG")
        self.stage = stage
        self.reason = reason
        self.detail = detail
        self.url = url
        self.kind = kind


def decode_page(page: Page) -> str:
    """The page's HTML as text, decoded as browsers do (BOM, HTTP header, meta, detection)."""
    headers = page.get("headers") or {}
    _, text = html_to_unicode(headers.get("content-type"), page["body"])
    return text


def article_item(page: Page, article: Article) -> ArticleItem:
    """The output item of ``article`` extracted from ``page``."""
    canonical = article.canonical_url or page["url"]
    if urlsplit(canonical).hostname != urlsplit(page["url"]).hostname:
        canonical = page["url"]  # a canonical on another host is not ours to claim
    return ArticleItem(
        url=page["url"],
        canonical_url=canonical,
        title=article.title,
        text=article.text,
        authors=article.authors,
        published=article.published,
        modified=article.modified,
        categories=article.categories,
        tags=article.tags,
        language=article.language,
        description=article.description,
        image=article.image,
        site_name=article.site_name,
        page_type=article.page_type,
        fetched_at=page["fetched_at"],
        word_count=article.word_count,
        content_hash=article.content_hash,
        schema_version=SCHEMA_VERSION,
    )


class ExtractionPipeline:
    """Turn each fetched :class:`Page` into an :class:`ArticleItem`."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Page):
            return item
        url = item["url"]
        self.stats.inc_value("newscrawl/pages")
        try:
            article = extract(decode_page(item), url=url)
        except ExtractionError as exc:
            raise Rejected("extract", exc.reason, exc.detail, url=url) from exc
        except Exception as exc:  # a bug must not stop the crawl; it is recorded
            logger.exception("Extraction crashed on %s", url)
            raise Rejected("extract", "crash", repr(exc), url=url) from exc
        self.stats.inc_value("newscrawl/extracted")
        return article_item(item, article)


class PolicyPipeline:
    """Keep news articles only: page type, length, category (all configurable)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.articles_only = settings.getbool("NEWSCRAWL_ARTICLES_ONLY", True)
        self.min_words = settings.getint("NEWSCRAWL_MIN_WORDS", 25)
        self.skip_categories = {
            c.strip().casefold() for c in settings.getlist("NEWSCRAWL_SKIP_CATEGORIES")
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolicyPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        url = item["url"]
        if self.articles_only and item["page_type"] != "article":
            raise Rejected("policy", f"not-article:{item['page_type']}", url=url, kind="skip")
        for category in item["categories"]:
            if _slug(category) in self.skip_categories or category.casefold() in self.skip_categories:
                raise Rejected("policy", f"category:{_slug(category)}", url=url, kind="skip")
        if item["word_count"] < self.min_words:
            raise Rejected("policy", "too-short", f"{item['word_count']} words", url=url)
        return item


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.casefold()).split())


class DedupPipeline:
    """One item per canonical URL within a run (the AMP and normal page are one article)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        key = item["canonical_url"]
        if key in self.seen:
            raise Rejected("dedup", "duplicate-canonical", url=item["url"], kind="skip")
        self.seen.add(key)
        return item


class OutputPipeline:
    """Write items to ``<run id>.jsonl.part`` (a line each, flushed), renamed at the end."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.run: Run | None = None
        self._file: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutputPipeline:
        return cls(crawler)

    def open_spider(self, spider: Any = None) -> None:
        self.run = Run.of(self.crawler)
        self._file = open(self.run.part_path, "a", encoding="utf-8")  # noqa: SIM115
        logger.info("Writing items to %s", self.run.items_path)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        line = json.dumps(ItemAdapter(item).asdict(), ensure_ascii=False)
        self._file.write(line + "\n")
        self._file.flush()
        self.stats.inc_value("newscrawl/items")
        return item

    def close_spider(self, spider: Any = None) -> None:
        if self._file is None or self.run is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        os.replace(self.run.part_path, self.run.items_path)
        self.stats.set_value("newscrawl/output", str(self.run.items_path))
