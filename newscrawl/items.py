"""Items: what spiders hand to the pipelines, and what the crawl writes.

A spider yields :class:`Page` (a fetched article candidate, raw HTML); the
pipelines attach its :class:`ArticleItem` (one JSONL line, described by
``schema/item.schema.json``) and the last one emits that, or they record why not.
"""

from __future__ import annotations

import scrapy


class Page(scrapy.Item):
    """A fetched page that may be an article. Never written out."""

    url = scrapy.Field()  # the URL fetched (after redirects)
    request_url = scrapy.Field()  # the URL asked for
    status = scrapy.Field()
    headers = scrapy.Field()  # dict[str, str] of the response headers we keep
    body = scrapy.Field(repr=False)  # bytes
    encoding = scrapy.Field()  # the encoding Scrapy inferred, or None
    fetched_at = scrapy.Field()  # ISO 8601, UTC
    lastmod = scrapy.Field()  # from the sitemap, if any
    discovered_via = scrapy.Field()  # "sitemap", "feed", "listing", ...
    warc = scrapy.Field()  # {"file", "offset"} of its WARC response record, or None
    article = scrapy.Field()  # the ArticleItem, once the extraction pipeline has run


class ArticleItem(scrapy.Item):
    """One clean article: a line of the output JSONL."""

    url = scrapy.Field()
    canonical_url = scrapy.Field()
    title = scrapy.Field()
    text = scrapy.Field()
    authors = scrapy.Field()
    published = scrapy.Field()
    modified = scrapy.Field()
    categories = scrapy.Field()
    tags = scrapy.Field()
    language = scrapy.Field()
    description = scrapy.Field()
    image = scrapy.Field()
    site_name = scrapy.Field()
    page_type = scrapy.Field()
    fetched_at = scrapy.Field()
    word_count = scrapy.Field()
    content_hash = scrapy.Field()
    fingerprint = scrapy.Field()  # SimHash of the text, "simhash:<16 hex digits>"
    duplicate_of = scrapy.Field()  # canonical URL of an earlier near-copy, or None
    revision = scrapy.Field()  # 1 when first emitted, +1 each time it changed
    removed = scrapy.Field()  # boilerplate blocks removed, by kind ({"share": 2, ...})
    schema_version = scrapy.Field()
    warc_file = scrapy.Field()  # the WARC file holding the page as fetched (NEWSCRAWL_WARC)
    warc_offset = scrapy.Field()  # the byte offset of its response record there
