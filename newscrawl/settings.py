"""Scrapy settings for newscrawl.

Scrapy's own settings first, then ours (``NEWSCRAWL_*``). Every setting can be
overridden per run with ``-s NAME=VALUE`` or per spider in ``custom_settings``.
See https://docs.scrapy.org/en/latest/topics/settings.html
"""

from __future__ import annotations

BOT_NAME = "newscrawl"

SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

# Our `crawl` command replaces Scrapy's: same options, plus cron-friendly exit statuses.
COMMANDS_MODULE = "newscrawl.commands"

# Identify ourselves honestly.
USER_AGENT = "newscrawl/0.1 (news crawler for NLP research)"

# Obey robots.txt rules.
ROBOTSTXT_OBEY = True

# Politeness for real sites: adaptive delay, a few requests per site at a time.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Failing servers: retry transient errors a few times (with Retry-After), then give up.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A page given up on is recorded in the rejects file; the run is judged on the error ratio.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
DOWNLOAD_TIMEOUT = 30
# http(s) only: no download handler for file:, ftp:, s3: or data: URLs, whatever links say.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

# Spider output is processed this many at a time per response (Scrapy's default, 100,
# costs 100 asyncio tasks per article page for its single item).
CONCURRENT_ITEMS = 16

# Size caps: a news page is never this big; larger answers are cut and rejected.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# News sites set tracking cookies; we need none.
COOKIES_ENABLED = False
# No consoles that run code in the crawl process (a cron job needs none).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
}

# Distributed mode (scrapy-redis scheduler, shared state) when NEWSCRAWL_REDIS_URL is set.
ADDONS = {
    "newscrawl.distributed.DistributedAddon": 0,
}

ITEM_PIPELINES = {
    # Page (raw HTML) -> ArticleItem, or a recorded reject.
    "newscrawl.pipelines.ExtractionPipeline": 100,
    # Articles only: skip non-articles, short pages and non-news categories (recorded).
    "newscrawl.pipelines.PolicyPipeline": 200,
    # One item per canonical URL within a run.
    "newscrawl.pipelines.DedupPipeline": 300,
    # Against the crawl state: unchanged texts dropped, revisions, near-duplicates.
    "newscrawl.pipelines.IncrementalPipeline": 400,
    # Write JSONL (via a .part file), then record the emission in the crawl state.
    "newscrawl.pipelines.OutputPipeline": 900,
}

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's retries, with Retry-After honoured and exponential backoff.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.middlewares.BackoffRetryMiddleware": 550,
    # Skip articles unchanged since the last run (sitemap lastmod), else ask with
    # If-None-Match / If-Modified-Since and treat a 304 as unchanged.
    "newscrawl.middlewares.IncrementalFetchMiddleware": 560,
    # With NEWSCRAWL_WARC: every response as fetched (before decompression) to WARC.
    "newscrawl.warc.WarcWriterMiddleware": 950,
}

EXTENSIONS = {
    # Rejects file, run summary line and stats JSON, cron exit status.
    "newscrawl.extensions.RunReport": 500,
}

# Dropped items are recorded in the rejects file; keep the log readable.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
LOG_FORMATTER = "newscrawl.logformatter.LogFormatter"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# -o FILE.csv: list and dict fields (authors, tags, removed) as JSON cells.
FEED_EXPORTERS = {"csv": "newscrawl.exporters.JsonCellsCsvItemExporter"}
LOG_LEVEL = "INFO"

# --------------------------------------------------------------------------
# newscrawl settings
# --------------------------------------------------------------------------

# Site address per spider name, used when no `-a base_url=URL` is given,
# e.g. -s 'NEWSCRAWL_BASE_URLS={"gqn": "https://example.com/"}'.
NEWSCRAWL_BASE_URLS: dict[str, str] = {}

# Write every fetched response (and its request) to <spider>/<run time>.warc.gz beside the
# run's other files (WARC 1.1, a gzip member per record); a new file past the size below.
NEWSCRAWL_WARC = False
NEWSCRAWL_WARC_MAX_BYTES = 1_000_000_000

# Where each run writes <spider>/<run time>.jsonl (+ .rejects.jsonl, .stats.json).
NEWSCRAWL_OUTPUT_DIR = "output"

# Where the crawl state (SQLite) and the run lock live.
NEWSCRAWL_STATE_DIR = "state"

# Retries wait NEWSCRAWL_RETRY_BACKOFF x 2^n seconds (with jitter), or what the server's
# Retry-After says, never more than NEWSCRAWL_RETRY_MAX_DELAY.
NEWSCRAWL_RETRY_BACKOFF = 1.0
NEWSCRAWL_RETRY_MAX_DELAY = 60.0

# Incremental runs: fetch and emit only new and changed articles (state in NEWSCRAWL_STATE_DIR).
NEWSCRAWL_INCREMENTAL = True

# Two texts whose 64-bit SimHash differ in at most this many bits are near-copies
# (the later one gets `duplicate_of`); -1 turns the check off.
NEWSCRAWL_NEAR_DUPLICATE_BITS = 8

# Extraction worker processes (empty: one per core; 0: extract inline on the reactor thread),
# and the time one page may take before it is rejected and its worker replaced.
NEWSCRAWL_EXTRACT_WORKERS = ""
NEWSCRAWL_EXTRACT_TIMEOUT = 60.0

# Distributed mode: workers (processes, machines) given the same Redis share one crawl:
# request queue, seen requests and crawl state. Empty: a local crawl (SQLite state).
NEWSCRAWL_REDIS_URL = ""
# This worker's name in the shared crawl (default: host name and process id).
NEWSCRAWL_WORKER_ID = ""
# How often an idle worker looks for work in the shared queue (seconds).
NEWSCRAWL_WORKER_POLL_INTERVAL = 1.0

# Learn each site's template (blocks recurring across its pages) and remove it.
NEWSCRAWL_SITE_TEMPLATES = True
# A new site's first pages are held back until this many are seen (or every page the run
# has fetched so far, or as many as Scrapy lets wait, or the timeout passes).
NEWSCRAWL_TEMPLATE_WARMUP = 50
NEWSCRAWL_TEMPLATE_WARMUP_TIMEOUT = 10.0
# A block is template when it recurs on at least this many pages and this share of them.
NEWSCRAWL_TEMPLATE_MIN_PAGES = 5
NEWSCRAWL_TEMPLATE_MIN_SHARE = 0.2

# Posts in these categories (name or slug, case-insensitive) are not news: skipped, recorded.
NEWSCRAWL_SKIP_CATEGORIES = ["jobs"]

# Page types emitted (others are recorded as skipped, "not-article:<type>"): article,
# liveblog, video, gallery, page (a site's about, contact or legal page), attachment,
# listing, product, forum, documentation. Empty: every type.
NEWSCRAWL_PAGE_TYPES = ["article", "liveblog"]

# Articles shorter than this many words are rejected as too short.
NEWSCRAWL_MIN_WORDS = 25

# How many pages of a paginated listing to follow at most, per listing.
NEWSCRAWL_MAX_LISTING_PAGES = 50

# A run fails (non-zero exit) when more than this share of fetched pages is rejected
# for errors (extraction failures, HTTP errors), or when no article is found at all.
NEWSCRAWL_MAX_ERROR_RATIO = 0.2
NEWSCRAWL_EXPECT_ARTICLES = True
