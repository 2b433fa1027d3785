"""A reusable spider for WordPress-style news sites.

Discovery, as a careful crawler does it: robots.txt (obeyed by Scrapy's
middleware; its ``Sitemap:`` lines read here), sitemaps (WordPress core
``/wp-sitemap.xml``, Yoast ``/sitemap_index.xml``), the RSS feed, and the
home and category listings with their pagination. Every post URL is
requested once, under its canonical form (AMP variants folded in), and its
page is handed to the pipelines as a :class:`~newscrawl.items.Page`. The
spider never extracts: it only discovers and fetches.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timezone
from itertools import islice
from typing import Any, ClassVar, cast
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CloseSpider,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap
from twisted.internet import defer, error, threads
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from newscrawl.items import Page
from newscrawl.middlewares import Unchanged
from newscrawl.run import Run
from newscrawl.signals import page_rejected

#: Query parameters that never change what a page shows.
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|amp|ref|share)$", re.I)

#: Paths of a WordPress site that are not posts: archives, feeds, admin, assets.
NOT_POST_PATH = re.compile(
    r"""^/(?:$
      |(?:category|tag|author|topics?|series|search|page|feed|comments|attachment)(?:/|$)
      |wp-(?:admin|content|includes|json|login|signup|sitemap|cron)
      |xmlrpc\.php|\?s=
      |\d{4}/(?:\d{2}/(?:\d{2}/)?)?$ )""",
    re.X,
)
NOT_POST_SUFFIX = re.compile(
    r"(?:/feed/?|/page/\d+/?|\.(?:xml|xml\.gz|rss|atom|json|txt|jpe?g|png|gif|webp|svg|pdf|zip|mp[34]|css|js))$",
    re.I,
)
#: AMP variants of a post URL: ``/slug/amp/``, ``/amp/slug/`` (folded to ``/slug/``).
AMP_SUFFIX = re.compile(r"/amp/?$")
AMP_PREFIX = re.compile(r"^/amp(/.+)$")

HTML_TYPES = (b"text/html", b"application/xhtml+xml")

#: Articles go before further sitemaps and listing pages: the queue then holds about
#: one sitemap's worth of article requests at a time, so memory does not grow with the site.
ARTICLE_PRIORITY = 10
#: The sitemap protocol's limit per file; anything beyond is not a sitemap we read.
MAX_SITEMAP_ENTRIES = 50_000
SITEMAP_PRIORITY = -10
#: An XML DOCTYPE, with its internal subset (entity declarations) if any; quoted
#: strings may hold "]" and ">" (each branch starts differently: linear time).
DOCTYPE = re.compile(
    rb"""<!DOCTYPE(?:[^\[>"']|"[^"]*"|'[^']*')*(?:\[(?:[^\]"']|"[^"]*"|'[^']*')*\]\s*)?>"""
)


class NewsSiteSpider(scrapy.Spider):
    """Crawl the posts of one WordPress-style news site (subclass and set ``name``)."""

    #: Sitemaps tried besides those robots.txt names.
    sitemap_paths: ClassVar[tuple[str, ...]] = ("/wp-sitemap.xml", "/sitemap_index.xml")
    #: Child sitemaps of an index that list posts (others list archives, users, pages).
    sitemap_follow: ClassVar[re.Pattern[str]] = re.compile(r"post|news|article", re.I)
    sitemap_skip: ClassVar[re.Pattern[str]] = re.compile(
        r"taxonom|categor|tag|user|author|page-sitemap|wp-sitemap-posts-page", re.I
    )
    feed_paths: ClassVar[tuple[str, ...]] = ("/feed/",)
    listing_paths: ClassVar[tuple[str, ...]] = ("/",)
    #: A path matching this is a post (None: any path on the site that is not an archive).
    post_path: ClassVar[re.Pattern[str] | None] = None
    #: Follow the category listings linked from the home page.
    follow_categories: ClassVar[bool] = True
    #: Listing pages whose links lie under these paths.
    category_path: ClassVar[re.Pattern[str]] = re.compile(r"^/category/[^/]+/?$")

    base_url: str
    max_listing_pages: int = 50

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = base_url or ""
        self._requested: set[str] = set()
        self._sitemap_backlog: deque[str] = deque()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSiteSpider:
        if not kwargs.get("base_url"):
            configured = crawler.settings.getdict("NEWSCRAWL_BASE_URLS").get(cls.name)
            if configured:
                kwargs["base_url"] = configured
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, NewsSiteSpider)
        spider.max_listing_pages = crawler.settings.getint("NEWSCRAWL_MAX_LISTING_PAGES", 50)
        crawler.signals.connect(spider.count_bytes, signal=signals.headers_received)
        crawler.signals.connect(spider.count_bytes, signal=signals.bytes_received)
        return spider

    def count_bytes(self, request: Request, data: bytes | None = None, **_: Any) -> None:
        """Body bytes received so far (headers: none yet): tells a body Scrapy cut at
        ``DOWNLOAD_MAXSIZE`` (which it reports as a bare cancellation) from others."""
        so_far = request.meta.get("newscrawl_bytes", 0) if data is not None else 0
        request.meta["newscrawl_bytes"] = so_far + len(data or b"")

    # -- start -------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        base = self.base_url.strip()
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.logger.error(
                "No usable site address for spider %r (got %r): pass -a base_url=URL "
                "or set NEWSCRAWL_BASE_URLS",
                self.name,
                base,
            )
            self.crawler.stats.set_value("newscrawl/config_error", "base_url")
            raise CloseSpider("no_base_url")
        self.base_url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
        self.allowed_domains = [parts.hostname]
        yield Request(
            self.site_url("/robots.txt"),
            callback=self.parse_robots,
            errback=self.on_site_unreachable,
            # no robots.txt (4xx) means no rules (RFC 9309); 5xx after retries: unreachable
            meta={"dont_obey_robotstxt": True, "handle_httpstatus_list": list(range(400, 500))},
            priority=100,
        )

    def site_url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def on_site_unreachable(self, failure: Failure) -> None:
        """robots.txt could not be fetched at all: the site is down or the address wrong."""
        response = getattr(failure.value, "response", None)
        why = f"robots.txt answers HTTP {response.status}" if response is not None else ""
        self.logger.error(
            "Site %s is unreachable: %s", self.base_url, why or failure.getErrorMessage()
        )
        self.crawler.stats.set_value("newscrawl/site_unreachable", 1)
        self.close_crawl("site_unreachable")

    def close_crawl(self, reason: str) -> None:
        """Close the crawl from an errback without raising: a raise would have Scrapy log
        the download error again, with its traceback, after our one clear line."""
        from twisted.internet import reactor

        engine = self.crawler.engine
        assert engine is not None
        cast(Any, reactor).callLater(
            0, lambda: deferred_from_coro(engine.close_spider_async(reason=reason))
        )

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """Seed discovery: sitemaps (robots.txt's and the usual paths), feeds, listings."""
        sitemaps = []
        if response.status == 200 and isinstance(response, TextResponse):
            for line in response.body.decode("utf-8", "replace").splitlines():
                key, _, value = line.partition(":")
                if key.strip().lower() == "sitemap" and (url := self.join_url(response, value)):
                    sitemaps.append(url)
        sitemaps += [self.site_url(p) for p in self.sitemap_paths]
        for url in dict.fromkeys(sitemaps):
            yield Request(url, callback=self.parse_sitemap, errback=self.on_discovery_error)
        for path in self.feed_paths:
            yield Request(
                self.site_url(path), callback=self.parse_feed, errback=self.on_discovery_error
            )
        for path in self.listing_paths:
            yield self.listing_request(self.site_url(path), root=self.site_url(path))

    def on_discovery_error(self, failure: Failure) -> None:
        """A sitemap, feed or listing failed: note it; other discovery paths go on."""
        request = getattr(failure, "request", None)
        self.logger.info(
            "Discovery page failed: %s (%s)",
            getattr(request, "url", "?"),
            failure.getErrorMessage(),
        )
        self.crawler.stats.inc_value("newscrawl/discovery/errors")

    # -- sitemaps and feeds ------------------------------------------------
    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = self._sitemap_body(response)
        if body is None:
            self.logger.warning("Ignoring invalid sitemap: %s", response.url)
            self.crawler.stats.inc_value("newscrawl/discovery/invalid_sitemap")
            yield from self.next_sitemap()
            return
        try:
            sitemap = Sitemap(body)
            kind = sitemap.type
            entries = list(islice(sitemap, MAX_SITEMAP_ENTRIES))
        except (StopIteration, ValueError, etree.LxmlError) as exc:
            self.logger.warning("Ignoring invalid sitemap %s: %r", response.url, exc)
            self.crawler.stats.inc_value("newscrawl/discovery/invalid_sitemap")
            yield from self.next_sitemap()
            return
        if kind == "sitemapindex":
            for entry in entries:
                loc = entry.get("loc", "")
                if loc and self.sitemap_follow.search(loc) and not self.sitemap_skip.search(loc):
                    self._sitemap_backlog.append(self.join_url(response, loc))
        elif kind == "urlset":
            self.crawler.stats.inc_value("newscrawl/discovery/sitemaps")
            for entry in entries:
                loc = entry.get("loc")
                if loc:
                    yield from self.article_requests(
                        [self.join_url(response, loc)], "sitemap", lastmod=entry.get("lastmod")
                    )
        yield from self.next_sitemap()

    def next_sitemap(self) -> Iterator[Request]:
        """The next child sitemap, fetched after the articles already queued.

        Child sitemaps are read one at a time and at a lower priority than
        articles, so the queue holds about one sitemap's worth of requests
        however large the site is.
        """
        if self._sitemap_backlog:
            yield Request(
                self._sitemap_backlog.popleft(),
                callback=self.parse_sitemap,
                errback=self.on_sitemap_error,
                priority=SITEMAP_PRIORITY,
            )

    def on_sitemap_error(self, failure: Failure) -> Iterator[Request]:
        self.on_discovery_error(failure)
        yield from self.next_sitemap()

    def _sitemap_body(self, response: Response) -> bytes | None:
        body = response.body
        if gzip_magic_number(response):
            maxsize = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            try:
                body = gunzip(body, max_size=maxsize)
            except Exception:  # truncated, corrupt or over the size cap
                return None
        head = body[:512].lstrip()
        if not (head.startswith(b"<?xml") or b"<urlset" in head or b"<sitemapindex" in head):
            return None
        return without_doctype(body)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        response = response.replace(body=without_doctype(response.body))
        links = response.xpath(
            "//*[local-name()='item']/*[local-name()='link']/text()"
            " | //*[local-name()='entry']/*[local-name()='link']/@href"
        ).getall()
        self.crawler.stats.inc_value("newscrawl/discovery/feeds")
        yield from self.article_requests([link.strip() for link in links], "feed")

    # -- listings -----------------------------------------------------------
    def listing_request(self, url: str, root: str, page: int = 1) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.on_discovery_error,
            cb_kwargs={"root": root, "page": page},
        )

    def parse_listing(self, response: Response, root: str, page: int) -> Iterator[Request]:
        """Home/category listing: post links, then the next page while it shows new posts."""
        if not isinstance(response, TextResponse):
            return
        self.crawler.stats.inc_value("newscrawl/discovery/listings")
        hrefs = response.xpath("//a/@href").getall()
        links = [url for url in (self.join_url(response, h) for h in hrefs) if url]
        posts = [u for u in links if self.is_post_url(u)]
        new = [u for u in dict.fromkeys(map(self.canonical_url, posts)) if self.is_new(u)]
        yield from self.article_requests(new, "listing")
        if self.follow_categories and page == 1 and root == self.site_url("/"):
            for url in dict.fromkeys(links):
                path = urlsplit(url).path
                if self.is_own_url(url) and self.category_path.match(path):
                    yield self.listing_request(url, root=url)
        next_url = response.xpath(
            "//link[@rel='next']/@href | //a[@rel='next']/@href"
            " | //a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href"
        ).get()
        next_page = self.join_url(response, next_url) if next_url else ""
        if next_page and new and page < self.max_listing_pages:
            yield self.listing_request(next_page, root=root, page=page + 1)

    # -- articles -----------------------------------------------------------
    def join_url(self, response: Response, href: str) -> str:
        """``href`` made absolute against the page ("" for junk such as ``http://[x/``)."""
        href = href.strip()
        try:  # sitemaps' and feeds' URLs are absolute: no join (50,000 a sitemap)
            url = href if href.startswith(("http://", "https://")) else response.urljoin(href)
            urlsplit(url).port  # noqa: B018 - raises ValueError for a junk host or port
        except ValueError:
            self.crawler.stats.inc_value("newscrawl/discovery/bad_urls")
            return ""
        return url

    def is_own_url(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            host, _ = parts.hostname, parts.port
        except ValueError:  # a junk host or port ("https://]x/", ":99999") from a feed
            return False
        return parts.scheme in ("http", "https") and host in self.allowed_domains

    def is_post_url(self, url: str) -> bool:
        """Does ``url`` look like a post of this site (not an archive, feed or asset)?"""
        if not self.is_own_url(url):
            return False
        path = urlsplit(self.canonical_url(url)).path or "/"
        if self.post_path is not None:
            return bool(self.post_path.search(path))
        return not (NOT_POST_PATH.match(path) or NOT_POST_SUFFIX.search(path))

    @staticmethod
    def canonical_url(url: str) -> str:
        """One URL per post: no fragment, no tracking parameters, AMP folded in."""
        parts = urlsplit(url)
        path = AMP_SUFFIX.sub("/", parts.path)
        if m := AMP_PREFIX.match(path):
            path = m.group(1)
        query = urlencode(
            [
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not TRACKING_PARAMS.match(k)
            ]
        )
        return urlunsplit((parts.scheme, parts.netloc.lower(), path or "/", query, ""))

    def is_new(self, url: str) -> bool:
        """Not requested yet in this run, nor fetched by an earlier one."""
        if url in self._requested:
            return False
        if self.crawler.settings.getbool("NEWSCRAWL_INCREMENTAL", True):
            return Run.of(self.crawler).state.get_fetched(url) is None
        return True

    def article_requests(
        self, urls: Iterable[str], via: str, lastmod: str | None = None
    ) -> Iterator[Request]:
        for raw in urls:
            if not self.is_post_url(raw):
                continue
            url = self.canonical_url(raw)
            if url in self._requested:
                continue
            self._requested.add(url)
            self.crawler.stats.inc_value("newscrawl/requested")
            self.crawler.stats.inc_value(f"newscrawl/requested/{via}")
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_article_error,
                meta={"newscrawl": {"lastmod": lastmod, "via": via}},
                priority=ARTICLE_PRIORITY,
            )

    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """The default callback, which only ``scrapy parse --spider=NAME URL`` uses: the
        article the crawl would extract from the page (the extraction in a thread)."""
        from newscrawl.extraction import ExtractionError
        from newscrawl.pipelines import article_item
        from newscrawl.workers import extract_page

        for page in self.parse_article(response):
            content_type = (page.get("headers") or {}).get("content-type")
            try:
                result = await maybe_deferred_to_future(
                    threads.deferToThread(extract_page, page["body"], content_type, page["url"])
                )
            except ExtractionError as exc:
                self.logger.error("No article in %s: %s (%s)", page["url"], exc.reason, exc.detail)
                return
            assert result.article is not None
            yield article_item(page, result.article, result.fingerprint)

    def parse_article(self, response: Response) -> Iterator[Page]:
        ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        info = response.meta.get("newscrawl", {})
        if ctype and ctype not in HTML_TYPES:
            self.reject(response.url, "fetch", "not-html", ctype.decode("latin-1"))
            return
        yield Page(
            url=response.url,
            request_url=response.request.url if response.request else response.url,
            status=response.status,
            headers={
                k.decode("latin-1").lower(): (response.headers.get(k) or b"").decode("latin-1")
                for k in (b"Content-Type", b"ETag", b"Last-Modified", b"Date")
                if k in response.headers
            },
            body=response.body,
            encoding=getattr(response, "encoding", None),
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            lastmod=info.get("lastmod"),
            discovered_via=info.get("via"),
            warc=response.meta.get("warc"),
        )

    def on_article_error(self, failure: Failure) -> None:
        """An article could not be fetched (after retries): record it, go on."""
        if failure.check(Unchanged):
            return  # not an error: counted by the middleware
        request = getattr(failure, "request", None)
        reason, kind = fetch_failure_reason(
            failure, self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        )
        url = getattr(request, "url", "?")
        chain = getattr(request, "meta", {}).get("redirect_urls", [])
        detail = failure.getErrorMessage() or type(failure.value).__name__
        if chain:  # the article's own URL, and where its redirects led
            url, detail = chain[0], f"{detail} (after redirects to {url})"
        self.reject(url, "fetch", reason, detail, kind)

    def reject(
        self, url: str, stage: str, reason: str, detail: str = "", kind: str = "error"
    ) -> None:
        self.crawler.signals.send_catch_log(
            page_rejected, url=url, stage=stage, reason=reason, detail=detail, kind=kind,
            spider=self,
        )  # fmt: skip


TIMEOUTS = (
    DownloadTimeoutError,
    TimeoutError,
    defer.TimeoutError,
    error.TimeoutError,
    error.TCPTimedOutError,
)
CONNECTION_ERRORS = (
    DownloadConnectionRefusedError,
    DownloadFailedError,
    ResponseDataLossError,
    error.ConnectionRefusedError,
    error.ConnectionLost,
    error.ConnectionDone,
    ResponseNeverReceived,
    ConnectionResetError,
)


def fetch_failure_reason(failure: Failure, maxsize: int = 0) -> tuple[str, str]:
    """(reason, kind) of a failed article fetch, for the rejects file
    (``maxsize``: the ``DOWNLOAD_MAXSIZE`` in force)."""
    exc = failure.value
    message = failure.getErrorMessage().lower()
    response = getattr(exc, "response", None)
    if response is not None:
        if 300 <= response.status < 400 and b"Location" in response.headers:
            return "redirect-refused", "error"  # to a scheme we do not fetch (ftp:, file:, ...)
        return f"http-{response.status}", "error"
    if isinstance(exc, IgnoreRequest):
        if "robots" in message:
            return "robots", "skip"  # the site asks us not to: not an error
        if "redirect" in message:
            return "too-many-redirects", "error"
        if any(w in message for w in ("larger than", "too large", "max size", "maxsize")):
            return "too-large", "error"
        return "ignored", "error"
    if any(w in message for w in ("larger than", "max size", "maxsize")):
        return "too-large", "error"
    if isinstance(exc, DownloadCancelledError):
        meta = getattr(getattr(failure, "request", None), "meta", {})
        limit = meta.get("download_maxsize", maxsize)
        if limit and meta.get("newscrawl_bytes", 0) > limit:
            return "too-large", "error"  # a body without Content-Length, cut at the cap
        return "cancelled", "error"
    if isinstance(exc, ResponseDataLossError):
        return "data-loss", "error"  # the connection closed before the promised length
    if isinstance(exc, TIMEOUTS):
        return "timeout", "error"
    if isinstance(exc, CONNECTION_ERRORS):
        return "connection", "error"
    return type(exc).__name__, "error"


def without_doctype(body: bytes) -> bytes:
    """``body`` (XML) without its DOCTYPE: sitemaps and feeds need none, and without
    entity declarations no entity can be expanded (billion laughs) or fetched (XXE);
    references to them are dropped by the parser, and the rest of the file is read."""
    head = body[:65_536]
    start = head.find(b"<!DOCTYPE")
    match = DOCTYPE.match(head, start) if start >= 0 else None
    if match is None:
        return body  # none, or unterminated: the parser copes (and expands nothing)
    return body[:start] + body[match.end() :]
