"""Extraction off the reactor: a pool of worker processes.

Extraction is CPU work and Scrapy runs on one thread; done inline it would
stall downloads. :class:`ExtractorPool` runs :func:`extract_page` in worker
processes (``NEWSCRAWL_EXTRACT_WORKERS``, default: one per core) and is awaited
from the pipeline. At most ``2 x workers`` pages are in the pool at once; the
rest wait in the pipeline, which holds their responses in Scrapy's scraper
slot, so Scrapy stops downloading when too much is waiting (backpressure,
``SCRAPER_SLOT_MAX_ACTIVE_SIZE``). A page that hangs a worker past
``timeout`` or kills it is rejected; the pool is replaced and the other pages
in flight are retried once.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from newscrawl import extraction
from newscrawl.extraction import Article, ExtractionError
from newscrawl.extraction.core import page_text
from newscrawl.extraction.templates import (
    Block,
    Removal,
    TemplateRules,
    page_blocks,
)
from newscrawl.similarity import simhash

logger = logging.getLogger(__name__)


@dataclass
class PageResult:
    """What a worker returns for a page."""

    article: Article | None  # None when the page was only observed
    fingerprint: int = 0  # SimHash of the article text
    blocks: list[Block] | None = None  # the page's blocks, for the site's template model
    removals: list[Removal] = field(default_factory=list)  # what the template rules removed


def extract_page(
    body: bytes,
    content_type: str | None,
    url: str,
    rules: TemplateRules | None = None,
    observe: bool = False,
    extract_text: bool = True,
) -> PageResult:
    """One fetched page in a worker process: the extraction's one entry point
    (:func:`newscrawl.extraction.extract_page`, with the site's template ``rules``;
    ``observe``: the page's blocks for the site's model too), and the text's
    fingerprint. Without ``extract_text``, only the page's blocks."""
    if not extract_text:
        return PageResult(None, 0, page_blocks(page_text(body, content_type), url))
    done = extraction.extract_page(
        body, url, content_type=content_type, template=rules or None, observe=observe
    )
    return PageResult(done.article, simhash(done.article.text), done.blocks, done.removals)


def peak_rss(pid: int | str = "self") -> int:
    """Peak resident memory of a process in bytes (``VmHWM``; 0 where /proc is missing).

    Unlike ``getrusage().ru_maxrss``, it is not inherited across ``exec`` from the
    parent, so it measures the process itself.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _warm_up() -> None:
    """Import the extraction stack once per worker, not on its first page, and see that
    the worker ends with its crawl."""
    import trafilatura  # noqa: F401

    _exit_with_parent()


def _exit_with_parent() -> None:
    """End this worker when its parent process ends. A crawl killed outright (SIGKILL, a
    cron timeout, the OOM killer) never shuts its pool down, and its idle workers would
    otherwise wait for work forever, one set more after each such run."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="newscrawl-parent-watch", daemon=True).start()


class ExtractorPool:
    """Run :func:`extract_page` in ``workers`` processes (0: inline, on the calling thread)."""

    def __init__(self, workers: int | None = None, timeout: float = 60.0) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.timeout = timeout
        self._pool: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self.restarts = 0

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up,
                # no max_tasks_per_child: on Python 3.11-3.13 it can deadlock the pool
                # (CPython gh-115634); workers' memory stays flat without it.
            )
        return self._pool

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        """Replace a pool with a stuck or dead worker (once, whoever notices first)."""
        if self._pool is not broken:
            return
        self._pool = None
        self.restarts += 1
        for proc in list(getattr(broken, "_processes", {}).values()):
            proc.terminate()
        broken.shutdown(wait=False, cancel_futures=True)

    async def extract(
        self,
        body: bytes,
        content_type: str | None,
        url: str,
        rules: TemplateRules | None = None,
        observe: bool = False,
        extract_text: bool = True,
    ) -> PageResult:
        """:func:`extract_page` in a worker.

        Raises ExtractionError; its reasons include "timeout" and "worker-crash".
        """
        args = (body, content_type, url, rules, observe, extract_text)
        if self.workers <= 0:
            return extract_page(*args)
        if self._slots is None:
            self._slots = asyncio.Semaphore(2 * self.workers)
        async with self._slots:
            for attempt in (1, 2):
                pool = self._get_pool()
                future: Future[PageResult] = pool.submit(extract_page, *args)
                try:
                    return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
                except (asyncio.TimeoutError, TimeoutError):
                    logger.warning(
                        "Extraction of %s took over %.0fs; restarting workers", url, self.timeout
                    )
                    self._restart(pool)
                    raise ExtractionError("timeout", f"over {self.timeout:.0f}s") from None
                except BrokenProcessPool:
                    self._restart(pool)
                    if attempt == 2:
                        raise ExtractionError(
                            "worker-crash", "the worker died on this page"
                        ) from None
        raise AssertionError("unreachable")

    def peak_rss(self) -> int:
        """Largest peak resident memory (bytes) of the live workers (Linux; else 0)."""
        pids = [p.pid for p in getattr(self._pool, "_processes", {}).values()]
        return max((peak_rss(pid) for pid in pids), default=0)

    def close(self) -> None:
        """Wait for the pages in flight, then stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
