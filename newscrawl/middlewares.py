"""Downloader middlewares."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

from newscrawl.run import Run


def is_newer(lastmod: str, previous: str) -> bool:
    """Is sitemap date ``lastmod`` later than ``previous``? (Unparsable: when they differ.)"""
    try:
        a, b = datetime.fromisoformat(lastmod.strip()), datetime.fromisoformat(previous.strip())
        if (a.tzinfo is None) != (b.tzinfo is None):
            a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
        return a > b
    except ValueError:
        return lastmod.strip() != previous.strip()


class Unchanged(IgnoreRequest):
    """The article has not changed since the last run (``how``: "lastmod" or "304")."""

    def __init__(self, how: str) -> None:
        super().__init__(f"unchanged ({how})")
        self.how = how


class IncrementalFetchMiddleware:
    """Fetch only what changed: skip by sitemap lastmod, else ask conditionally (304).

    Applies to article requests (those with ``meta["newscrawl"]``); feeds,
    sitemaps and listings are read every run. Off with ``NEWSCRAWL_INCREMENTAL = False``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalFetchMiddleware:
        if not crawler.settings.getbool("NEWSCRAWL_INCREMENTAL", True):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL is off")
        return cls(crawler)

    def _count(self, how: str, row: Any) -> None:
        """An unchanged article; a page skipped before (a job ad, a page that is no
        article) is counted apart: it was never an article of the output."""
        assert self.crawler.stats is not None
        kind = "skipped_before" if row is not None and row.status == "skipped" else "unchanged"
        self.crawler.stats.inc_value(f"newscrawl/{kind}")
        self.crawler.stats.inc_value(f"newscrawl/{kind}/{how}")

    def process_request(self, request: Request, spider: Any = None) -> None:
        info = request.meta.get("newscrawl")
        if info is None:
            return
        row = Run.of(self.crawler).state.get_fetched(request.url)
        if row is None:
            return
        lastmod = info.get("lastmod")
        if lastmod and row.lastmod and not is_newer(lastmod, row.lastmod):
            self._count("lastmod", row)
            raise Unchanged("lastmod")
        if row.etag:
            request.headers.setdefault(b"If-None-Match", row.etag.encode("latin-1"))
        if row.last_modified:
            request.headers.setdefault(b"If-Modified-Since", row.last_modified.encode("latin-1"))

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        info = request.meta.get("newscrawl")
        if info is not None and response.status == 304:
            state = Run.of(self.crawler).state
            row = state.get_fetched(request.url)
            if row is not None:
                changes = {"lastmod": info["lastmod"]} if info.get("lastmod") else {}
                state.touch(row.url, **changes)
            self._count("304", row)
            raise Unchanged("304")
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, spaced out: ``Retry-After`` when the server sends one
    (capped by ``NEWSCRAWL_RETRY_MAX_DELAY``), else exponential backoff from
    ``NEWSCRAWL_RETRY_BACKOFF`` seconds with jitter. The wait holds only the
    retried request; other downloads go on."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("NEWSCRAWL_RETRY_BACKOFF", 1.0)
        self.max_delay = settings.getfloat("NEWSCRAWL_RETRY_MAX_DELAY", 60.0)

    def delay(self, request: Request, response: Response | None = None) -> float:
        if response is not None and (header := response.headers.get(b"Retry-After")):
            after = retry_after_seconds(header.decode("latin-1"))
            if after is not None:
                return min(after, self.max_delay)
        tries = int(request.meta.get("retry_times", 0))
        return min(self.backoff * 2**tries * random.uniform(0.75, 1.25), self.max_delay)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self.delay(request, response))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self.delay(request))
        return retry


def retry_after_seconds(value: str) -> float | None:
    """``Retry-After``: seconds, or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)
