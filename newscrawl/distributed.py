"""Distributed mode: N workers on one or many machines share one crawl through Redis.

Turned on by one setting, ``NEWSCRAWL_REDIS_URL``. Then:

- scrapy-redis's scheduler and duplicate filter put the request queue and the
  seen-requests set in Redis, so each URL is fetched once by one worker;
- the crawl state (:class:`RedisCrawlState`) lives in Redis too, so that every
  worker knows what any worker emitted (incremental runs stay correct), and
  an emission is claimed atomically, so two workers never emit the same text;
- :class:`Coordinator` keeps a worker alive while the queue has requests or
  another worker is still busy, and the last worker out clears the queue and
  the seen-requests set, so the next (cron) crawl starts clean.

We use scrapy-redis only for its scheduler and duplicate filter: its
``RedisSpider`` still relies on ``start_requests()`` and
``engine.crawl(request, spider)``, which current Scrapy no longer has (async
``start()`` since 2.13, ``start_requests`` machinery removed in 2.16). Our
spiders seed the shared queue from their own ``async start()``: every worker
runs it, and the shared duplicate filter drops the repeats.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings

from newscrawl.state import PageState

logger = logging.getLogger(__name__)

KEY_PREFIX = "newscrawl:%(spider)s"


def worker_id(settings: BaseSettings) -> str:
    """This worker's name: ``NEWSCRAWL_WORKER_ID``, else host and process id."""
    return settings.get("NEWSCRAWL_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}"


class DistributedAddon:
    """Scrapy add-on: when ``NEWSCRAWL_REDIS_URL`` is set, switch to the shared Redis crawl."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("NEWSCRAWL_REDIS_URL")
        if not url:
            return
        prio = "addon"
        settings.set("REDIS_URL", url, priority=prio)
        settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority=prio)
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority=prio)
        settings.set("SCHEDULER_QUEUE_KEY", f"{KEY_PREFIX}:requests", priority=prio)
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{KEY_PREFIX}:seen", priority=prio)
        # Workers come and go during one crawl: the Coordinator clears the shared
        # queue when the last one leaves, not scrapy-redis when any one closes.
        settings.set("SCHEDULER_PERSIST", True, priority=prio)
        settings.setdefault_in_component_priority_dict("EXTENSIONS", Coordinator, 100)


class DistributedError(Exception):
    """Distributed mode cannot start (the message says why, in one line)."""


def check(url: str) -> None:
    """Can distributed mode start with ``url``? :class:`DistributedError` when the extra
    is not installed, the URL is no Redis URL, or Redis does not answer."""
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ModuleNotFoundError as exc:
        raise DistributedError(
            f"distributed mode needs the extra: pip install 'newscrawl[distributed]' ({exc})"
        ) from exc
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise DistributedError(
            f"NEWSCRAWL_REDIS_URL is not a Redis URL: {url!r} (redis://HOST:PORT/DB)"
        )
    try:
        connect(url).ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        raise DistributedError(f"Redis at {url} does not answer: {exc}") from exc


def connect(url: str) -> Any:
    import redis  # optional dependency: pip install newscrawl[distributed]

    return redis.Redis.from_url(url, decode_responses=True)


class Coordinator:
    """Keep workers of one crawl together until all the work is done, then clean up.

    Each worker keeps a heartbeat key (with a time to live, so a killed worker
    drops out by itself) saying whether it is busy. A worker whose own engine
    is idle stays open while the shared queue has requests or another worker
    is busy; the last worker to leave deletes the queue and the seen set.
    """

    def __init__(self, crawler: Crawler, server: Any) -> None:
        self.crawler = crawler
        self.server = server
        self.worker = worker_id(crawler.settings)
        self.ttl = crawler.settings.getint("NEWSCRAWL_WORKER_TTL", 30)
        self.poll_interval = crawler.settings.getfloat("NEWSCRAWL_WORKER_POLL_INTERVAL", 1.0)
        self.prefix = KEY_PREFIX % {"spider": crawler.spidercls.name}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Coordinator:
        url = crawler.settings.get("NEWSCRAWL_REDIS_URL")
        if not url:
            raise NotConfigured("NEWSCRAWL_REDIS_URL is not set")
        ext = cls(crawler, connect(url))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.busy, signal=signals.response_received)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _key(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"

    def _beat(self, state: str) -> None:
        self.server.set(self._key(self.worker), state, ex=self.ttl)

    def spider_opened(self, spider: Any) -> None:
        # An idle worker asks the shared queue for work only on the engine's heartbeat
        # (5 s in Scrapy); a shorter one lets idle workers join in quickly. Scrapy has
        # no setting for it: set the engine's attribute when it exists.
        engine = self.crawler.engine
        if engine is not None and hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL"):
            engine._SLOT_HEARTBEAT_INTERVAL = self.poll_interval
        self._beat("busy")
        logger.info("Worker %s joined the shared crawl of %s", self.worker, spider.name)

    def busy(self, **_: Any) -> None:
        self._beat("busy")

    def others_busy(self) -> list[str]:
        mine = self._key(self.worker)
        busy = []
        for key in self.server.scan_iter(f"{self.prefix}:worker:*"):
            if key != mine and self.server.get(key) == "busy":
                busy.append(key.rsplit(":", 1)[-1])
        return busy

    def queued(self) -> int:
        key = f"{self.prefix}:requests"
        kind = self.server.type(key)
        if kind == "zset":
            return int(self.server.zcard(key))
        if kind == "list":
            return int(self.server.llen(key))
        return 0

    def spider_idle(self, spider: Any) -> None:
        queued, others = self.queued(), self.others_busy()
        if queued or others:
            self._beat("busy" if queued else "idle")
            logger.debug("Idle, but %d queued and busy workers %s: staying", queued, others)
            raise DontCloseSpider
        self._beat("idle")

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.server.delete(self._key(self.worker))
        if not any(True for _ in self.server.scan_iter(f"{self.prefix}:worker:*")):
            self.server.delete(f"{self.prefix}:requests", f"{self.prefix}:seen")
            logger.info("Last worker out: cleared the shared queue of %s", spider.name)


class RedisCrawlState:
    """The crawl state (see :class:`newscrawl.state.CrawlState`) kept in Redis, for all workers."""

    def __init__(self, url: str, spider: str) -> None:
        self.server = connect(url)
        self.prefix = KEY_PREFIX % {"spider": spider}
        self.pages = f"{self.prefix}:pages"  # hash: canonical URL -> PageState JSON
        self.fetched = f"{self.prefix}:fetch"  # hash: fetch URL -> canonical URL
        self.runs_key = f"{self.prefix}:runs"  # hash: run id -> JSON

    def close(self) -> None:
        self.server.close()

    def get(self, url: str) -> PageState | None:
        raw = self.server.hget(self.pages, url)
        return PageState(**json.loads(raw)) if raw else None

    def get_fetched(self, fetch_url: str) -> PageState | None:
        url = self.server.hget(self.fetched, fetch_url) or fetch_url
        return self.get(url)

    def put(self, page: PageState) -> None:
        pipe = self.server.pipeline()
        pipe.hset(self.pages, page.url, json.dumps(asdict(page)))
        if page.fetch_url:
            pipe.hset(self.fetched, page.fetch_url, page.url)
        pipe.execute()

    def touch(self, url: str, **changes: str | None) -> None:
        page = self.get(url)
        if page is not None:
            for key, value in changes.items():
                setattr(page, key, value)
            self.put(page)

    def claim(self, url: str, content_hash: str) -> bool:
        """Atomically take the emission of this text of ``url``; False if a worker has."""
        return bool(self.server.set(f"{self.prefix}:emit:{url}:{content_hash}", 1, nx=True))

    def fingerprints(self) -> Iterator[tuple[str, int]]:
        for url, raw in self.server.hscan_iter(self.pages):
            data = json.loads(raw)
            if data.get("status") == "emitted" and data.get("fingerprint") is not None:
                yield url, int(data["fingerprint"])

    def count(self, status: str | None = None) -> int:
        if status is None:
            return int(self.server.hlen(self.pages))
        return sum(
            1
            for _, raw in self.server.hscan_iter(self.pages)
            if json.loads(raw)["status"] == status
        )

    def get_template(self, host: str) -> str | None:
        value = self.server.hget(f"{self.prefix}:templates", host)
        return str(value) if value is not None else None

    def put_template(self, host: str, model: str) -> None:
        self.server.hset(f"{self.prefix}:templates", host, model)

    def run_started(self, run_id: str) -> None:
        self.server.hset(self.runs_key, run_id, json.dumps({"status": "running"}))

    def run_finished(self, run_id: str, status: str, summary: str) -> None:
        self.server.hset(self.runs_key, run_id, json.dumps({"status": status, "summary": summary}))
