"""Item pipelines: they only orchestrate.

A spider's :class:`~newscrawl.items.Page` (raw HTML) goes through:

1. :class:`ExtractionPipeline`  — ``newscrawl.extraction`` attaches the ArticleItem;
2. :class:`PolicyPipeline`      — news articles only, long enough;
3. :class:`DedupPipeline`       — one item per canonical URL in a run;
4. :class:`IncrementalPipeline` — against the crawl state: new, changed or unchanged;
   revision numbers and near-duplicate links;
5. :class:`OutputPipeline`      — the JSONL line (via a ``.part`` file), then the state.

A page that gives no item is dropped with :class:`Rejected` (stage, reason)
and lands in the rejects file; an unchanged one with :class:`Unchanged`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl import SCHEMA_VERSION
from newscrawl.extraction import Article, ExtractionError
from newscrawl.extraction.templates import Block, SiteTemplate, TemplateRules
from newscrawl.items import ArticleItem, Page
from newscrawl.run import Run
from newscrawl.similarity import SimHashIndex, to_signed, to_unsigned
from newscrawl.state import PageState
from newscrawl.workers import ExtractorPool, PageResult

logger = logging.getLogger(__name__)


class Rejected(DropItem):
    """A page that gives no item. ``kind``: "error" (counts against the run) or "skip"."""

    def __init__(
        self, stage: str, reason: str, detail: str = "", *, url: str = "", kind: str = "error"
    ) -> None:
        super().__init__(f"{stage}/{reason}: {url} {detail}".strip(), log_level="DEBUG")
        self.stage = stage
        self.reason = reason
        self.detail = detail
        self.url = url
        self.kind = kind


class Unchanged(DropItem):
    """The article's text is the same as when it was last emitted."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unchanged: {url}", log_level="DEBUG")
        self.url = url


def article_item(page: Page, article: Article, fingerprint: int) -> ArticleItem:
    """The output item of ``article`` extracted from ``page`` (``fingerprint``: its SimHash)."""
    canonical = article.canonical_url or page["request_url"]
    if _hostname(canonical) != urlsplit(page["url"]).hostname:
        canonical = page["request_url"]  # a canonical on another host is not ours to claim
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
        fingerprint=f"simhash:{fingerprint:016x}",
        duplicate_of=None,
        revision=1,
        removed=dict(sorted(article.removed.items())),
        schema_version=SCHEMA_VERSION,
        warc_file=(page.get("warc") or {}).get("file"),
        warc_offset=(page.get("warc") or {}).get("offset"),
    )


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:  # junk such as "https://]x/" in a page's canonical link
        return None


def _pages(item: Any) -> Page | None:
    return item if isinstance(item, Page) and item.get("article") is not None else None


class SiteTemplates:
    """The crawl side of site-template learning (``newscrawl.extraction.templates``).

    One model per host, loaded from the crawl state and saved back at the end.
    A new host's first pages are only observed, and held, until the model has
    seen enough (see :meth:`wait_warm`): then they are extracted with what was
    learned, so a new site's first articles are not worse off than its later ones.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.warmup = settings.getint("NEWSCRAWL_TEMPLATE_WARMUP", 50)
        self.warmup_timeout = settings.getfloat("NEWSCRAWL_TEMPLATE_WARMUP_TIMEOUT", 10.0)
        self.options: dict[str, Any] = {
            "min_pages": settings.getint("NEWSCRAWL_TEMPLATE_MIN_PAGES", 5),
            "min_share": settings.getfloat("NEWSCRAWL_TEMPLATE_MIN_SHARE", 0.2),
        }
        self.models: dict[str, SiteTemplate] = {}
        self._rules: dict[str, tuple[int, TemplateRules]] = {}
        self._warm: dict[str, asyncio.Event] = {}
        #: Pages of cold hosts fetched but not observed yet.
        self.observing = 0

    def model(self, host: str) -> SiteTemplate:
        model = self.models.get(host)
        if model is None:
            stored = Run.of(self.crawler).state.get_template(host)
            model = (
                SiteTemplate.from_json(stored, **self.options)
                if stored
                else SiteTemplate(host, **self.options)
            )
            self.models[host] = model
        return model

    def is_warm(self, host: str) -> bool:
        return self.model(host).pages >= self.warmup

    def rules(self, host: str) -> TemplateRules:
        """The host's rules, recomputed as the model grows (every tenth more pages)."""
        model = self.model(host)
        cached = self._rules.get(host)
        if cached is None or model.pages >= max(cached[0] + 1, cached[0] * 1.1):
            cached = (model.pages, model.rules())
            self._rules[host] = cached
        return cached[1]

    def observe(self, host: str, blocks: list[Block] | None) -> None:
        if blocks is not None:
            self.model(host).observe(blocks)
            if self.is_warm(host):
                self._warm.setdefault(host, asyncio.Event()).set()

    async def wait_warm(self, host: str) -> None:
        """Hold a new site's page until its model has seen enough pages: ``warmup`` of
        them, or every page this run will soon bring (nothing more in flight or queued),
        or as many as Scrapy's memory bound lets wait (backout), or the timeout."""
        event = self._warm.setdefault(host, asyncio.Event())
        deadline = asyncio.get_running_loop().time() + self.warmup_timeout
        while not self.is_warm(host) and not self._stop_waiting():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return
            with contextlib.suppress(asyncio.TimeoutError, TimeoutError):
                await asyncio.wait_for(event.wait(), min(left, 0.25))

    def _stop_waiting(self) -> bool:
        if self.observing:
            return False  # fetched pages are about to teach the model more
        engine = self.crawler.engine
        if engine is None:
            return True
        if engine.needs_backout():
            return True  # Scrapy holds as much as it may: waiting longer stalls the crawl
        scheduler = engine.scheduler
        pending = scheduler is not None and scheduler.has_pending_requests()
        return not engine.downloader.active and not pending

    def save(self) -> None:
        state = Run.of(self.crawler).state
        for host, model in self.models.items():
            state.put_template(host, model.to_json())


class ExtractionPipeline:
    """Attach the extracted :class:`ArticleItem` to each fetched :class:`Page`.

    Extraction runs in worker processes (:class:`~newscrawl.workers.ExtractorPool`,
    ``NEWSCRAWL_EXTRACT_WORKERS``; 0 runs it inline), so the reactor keeps downloading.
    With ``NEWSCRAWL_SITE_TEMPLATES``, each site's template is learned from its
    pages and removed from them (:class:`SiteTemplates`).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        settings = crawler.settings
        workers = settings.get("NEWSCRAWL_EXTRACT_WORKERS")
        self.pool = ExtractorPool(
            workers=None if workers in (None, "") else int(workers),
            timeout=settings.getfloat("NEWSCRAWL_EXTRACT_TIMEOUT", 60.0),
        )
        self.templates = (
            SiteTemplates(crawler) if settings.getbool("NEWSCRAWL_SITE_TEMPLATES", True) else None
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Page):
            return item
        url = item["url"]
        self.stats.inc_value("newscrawl/pages")
        try:
            result = await self._extract(item)
        except ExtractionError as exc:
            raise Rejected("extract", exc.reason, exc.detail, url=url) from exc
        except Exception as exc:  # a bug must not stop the crawl; it is recorded
            logger.exception("Extraction crashed on %s", url)
            raise Rejected("extract", "crash", repr(exc), url=url) from exc
        assert result.article is not None
        self.stats.inc_value("newscrawl/extracted")
        if result.removals:
            self.stats.inc_value("newscrawl/template/pages_pruned")
            self.stats.inc_value("newscrawl/template/blocks_removed", len(result.removals))
        item["article"] = article_item(item, result.article, result.fingerprint)
        return item

    async def _extract(self, page: Page) -> PageResult:
        body, url = page["body"], page["url"]
        content_type = (page.get("headers") or {}).get("content-type")
        if self.templates is None:
            return await self.pool.extract(body, content_type, url)
        host = urlsplit(url).hostname or ""
        if not self.templates.is_warm(host):
            # a new site: learn from its first pages before extracting them
            self.templates.observing += 1
            try:
                first = await self.pool.extract(
                    body, content_type, url, observe=True, extract_text=False
                )
            finally:
                self.templates.observing -= 1
            self.templates.observe(host, first.blocks)
            await self.templates.wait_warm(host)
            return await self.pool.extract(body, content_type, url, self.templates.rules(host))
        result = await self.pool.extract(
            body, content_type, url, self.templates.rules(host), observe=True
        )
        self.templates.observe(host, result.blocks)
        return result

    def close_spider(self, spider: Any = None) -> None:
        self.stats.set_value("newscrawl/extract_workers_peak_rss", self.pool.peak_rss())
        self.pool.close()
        self.stats.set_value("newscrawl/extract_worker_restarts", self.pool.restarts)
        if self.templates is not None:
            self.templates.save()


class PolicyPipeline:
    """Keep news articles only: page type (``NEWSCRAWL_PAGE_TYPES``), length, category
    (all configurable)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.page_types = set(settings.getlist("NEWSCRAWL_PAGE_TYPES"))
        self.min_words = settings.getint("NEWSCRAWL_MIN_WORDS", 25)
        self.skip_categories = {
            c.strip().casefold() for c in settings.getlist("NEWSCRAWL_SKIP_CATEGORIES")
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolicyPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if (page := _pages(item)) is None:
            return item
        article = page["article"]
        url = page["url"]
        if self.page_types and article["page_type"] not in self.page_types:
            raise Rejected("policy", f"not-article:{article['page_type']}", url=url, kind="skip")
        for category in article["categories"]:
            if {category.casefold(), slugify(category)} & self.skip_categories:
                raise Rejected("policy", f"category:{slugify(category)}", url=url, kind="skip")
        if article["word_count"] < self.min_words:
            raise Rejected("policy", "too-short", f"{article['word_count']} words", url=url)
        return item


def slugify(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.casefold()).split())


class DedupPipeline:
    """One item per canonical URL within a run (the AMP and normal page are one article)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if (page := _pages(item)) is None:
            return item
        key = page["article"]["canonical_url"]
        if key in self.seen:
            raise Rejected("dedup", "duplicate-canonical", url=page["url"], kind="skip")
        self.seen.add(key)
        return item


class IncrementalPipeline:
    """Compare with the crawl state: drop unchanged texts, number revisions, link near-copies.

    Also remembers pages skipped by policy (e.g. job ads), so that the next run
    does not download them again unless they change.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.near_dup_bits = crawler.settings.getint("NEWSCRAWL_NEAR_DUPLICATE_BITS", 8)
        self.index = SimHashIndex(max(self.near_dup_bits, 0))
        #: Scrapy's own item limit: it closes the spider once that many are scraped, but
        #: items already on their way would pass it; they wait for the next run instead.
        self.item_limit = crawler.settings.getint("CLOSESPIDER_ITEMCOUNT")
        self.passed = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalPipeline:
        pipe = cls(crawler)
        crawler.signals.connect(pipe.item_dropped, signal=signals.item_dropped)
        return pipe

    def open_spider(self, spider: Any = None) -> None:
        for url, fp in Run.of(self.crawler).state.fingerprints():
            self.index.add(to_unsigned(fp), url)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if (page := _pages(item)) is None:
            return item
        article = page["article"]
        state = Run.of(self.crawler).state
        previous = state.get(article["canonical_url"])
        unchanged = previous is not None and previous.content_hash == article["content_hash"]
        if not unchanged and self.item_limit and self.passed >= self.item_limit:
            self.stats.inc_value("newscrawl/over_item_limit")
            raise OverItemLimit(f"{page['url']}: CLOSESPIDER_ITEMCOUNT={self.item_limit} reached")
        if unchanged or not state.claim(article["canonical_url"], article["content_hash"]):
            # the same text was emitted before (or, distributed, by another worker just now)
            if previous is not None:
                remember(self.crawler, page, "unchanged")
            self.stats.inc_value("newscrawl/unchanged")
            self.stats.inc_value("newscrawl/unchanged/content")
            raise Unchanged(page["url"])
        if previous is not None and previous.status == "emitted":
            article["revision"] = previous.revision + 1
        if self.near_dup_bits >= 0:
            fp = _fingerprint(article)
            article["duplicate_of"] = self.index.find(fp, exclude=article["canonical_url"])
            if article["duplicate_of"]:
                self.stats.inc_value("newscrawl/near_duplicates")
            self.index.add(fp, article["canonical_url"])
        self.passed += 1
        return item

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        if (
            isinstance(exception, Rejected)
            and exception.kind == "skip"
            and exception.stage != "dedup"
            and _pages(item)
        ):
            remember(self.crawler, item, "skipped")


class OverItemLimit(DropItem):
    """An article past ``CLOSESPIDER_ITEMCOUNT``: left in no file and no state, for the
    next run."""


def _fingerprint(article: ArticleItem | dict[str, Any]) -> int:
    return int(str(article.get("fingerprint") or "simhash:0").split(":")[1], 16)


def remember(crawler: Crawler, page: Page, status: str) -> None:
    """Record a fetched article in the state.

    ``status``: "emitted" (its text was written out), "skipped" (fetched, not
    news) or "unchanged" (only its validators and lastmod are refreshed).
    """
    run = Run.of(crawler)
    article: ArticleItem = page["article"]
    headers = page.get("headers") or {}
    row = run.state.get(article["canonical_url"]) or PageState(
        url=article["canonical_url"], status=status
    )
    row.fetch_url = page["request_url"]
    row.lastmod = page.get("lastmod") or row.lastmod
    row.etag = headers.get("etag")
    row.last_modified = headers.get("last-modified")
    row.fetched_at = page.get("fetched_at")
    if status == "emitted":
        row.status = status
        row.content_hash = article["content_hash"]
        row.fingerprint = to_signed(_fingerprint(article))
        row.revision = article["revision"]
        row.emitted_at = article["fetched_at"]
        row.run_id = run.run_id
    elif status == "skipped" and row.status != "emitted":
        row.status = status
    run.state.put(row)


class OutputPipeline:
    """Write each article as a JSONL line (flushed), then record it in the state.

    The line goes to ``<run id>.jsonl.part``, renamed to ``.jsonl`` when the run
    ends. A run killed before that leaves its ``.part`` file: the next run
    finishes it (drops a partial last line, records its items as emitted,
    renames it), so a killed run loses nothing and repeats nothing.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.run: Run | None = None
        self._file: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutputPipeline:
        return cls(crawler)

    def open_spider(self, spider: Any = None) -> None:
        self.run = Run.of(self.crawler)
        for part in sorted(self.run.output_dir.glob("*.jsonl.part")):
            if part != self.run.part_path:
                self.recover(part)
        self._file = open(self.run.part_path, "a", encoding="utf-8")  # noqa: SIM115
        # Held while we write: a .part file nobody holds belongs to a dead run.
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        logger.info("Writing items to %s", self.run.items_path)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if (page := _pages(item)) is None:
            return item
        assert self._file is not None
        article: ArticleItem = page["article"]
        self._file.write(json.dumps(ItemAdapter(article).asdict(), ensure_ascii=False) + "\n")
        self._file.flush()
        remember(self.crawler, page, "emitted")
        self.stats.inc_value("newscrawl/changed" if article["revision"] > 1 else "newscrawl/new")
        self.stats.inc_value("newscrawl/items")
        return article

    def close_spider(self, spider: Any = None) -> None:
        if self._file is None or self.run is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        empty = self._file.tell() == 0
        self._file.close()
        self._file = None
        if empty:  # (no items: no file that looks like an output)
            self.run.part_path.unlink(missing_ok=True)
            return
        os.replace(self.run.part_path, self.run.items_path)
        self.stats.set_value("newscrawl/output", str(self.run.items_path))

    def recover(self, part: Path) -> None:
        """Finish the output of a killed run: keep whole lines, record them, rename."""
        assert self.run is not None
        with open(part, "rb") as probe:
            try:
                fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # a live run (another worker) is writing it
            data = probe.read()
        whole = data[: data.rfind(b"\n") + 1]
        items = []
        for line in whole.splitlines():
            try:
                items.append(json.loads(line))
            except ValueError:
                logger.warning("Dropping a corrupt line in %s", part)
        target = part.with_suffix("")  # x.jsonl.part -> x.jsonl
        tmp = part.with_suffix(".tmp")
        tmp.write_text(
            "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
        )
        for item in items:
            self._record_recovered(item)
        os.replace(tmp, target)
        part.unlink()
        run_id = target.name.removesuffix(".jsonl")
        self.run.state.run_finished(run_id, "killed", json.dumps({"recovered_items": len(items)}))
        self.stats.inc_value("newscrawl/recovered_items", len(items))
        logger.warning(
            "Recovered %d items of an interrupted run into %s (%d bytes of a partial line dropped)",
            len(items),
            target,
            len(data) - len(whole),
        )

    def _record_recovered(self, item: dict[str, Any]) -> None:
        assert self.run is not None
        state = self.run.state
        key = item["canonical_url"]
        previous = state.get(key)
        if previous is not None and previous.content_hash == item.get("content_hash"):
            return
        row = previous or PageState(url=key, status="emitted", fetch_url=item.get("url"))
        row.status = "emitted"
        row.content_hash = item.get("content_hash")
        row.fingerprint = to_signed(_fingerprint(item))
        row.revision = int(item.get("revision") or 1)
        row.emitted_at = item.get("fetched_at")
        state.put(row)
