"""Downloader middlewares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

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

    def _count(self, how: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newscrawl/unchanged")
        self.crawler.stats.inc_value(f"newscrawl/unchanged/{how}")

    def process_request(self, request: Request, spider: Any = None) -> None:
        info = request.meta.get("newscrawl")
        if info is None:
            return
        row = Run.of(self.crawler).state.get_fetched(request.url)
        if row is None:
            return
        lastmod = info.get("lastmod")
        if lastmod and row.lastmod and not is_newer(lastmod, row.lastmod):
            self._count("lastmod")
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
            self._count("304")
            raise Unchanged("304")
        return response
