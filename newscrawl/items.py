"""Items: what spiders hand to the pipelines, and what the crawl writes.

A spider yields :class:`Page` (a fetched article candidate, raw HTML);
the pipelines turn it into an :class:`ArticleItem` (one JSONL line, described
by ``schema/item.schema.json``) or record why not.
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
    schema_version = scrapy.Field()
