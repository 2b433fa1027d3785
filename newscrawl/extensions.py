"""The run report: rejects file, one-line summary, stats JSON, exit status.

Every page that was fetched (or tried) but gave no item reaches the rejects
file with its URL, stage and reason: from the pipelines (:class:`Rejected`),
from the spider (``page_rejected`` signal: HTTP errors after retries, non-HTML
answers) and from callbacks that raised. At the end the run is judged
(``newscrawl/exit_code`` in the stats, used by our ``crawl`` command) and its
figures are written to ``<run id>.stats.json``.
"""

from __future__ import annotations

import json
import logging
import resource
from datetime import datetime, timezone
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from newscrawl.pipelines import OverItemLimit, Rejected, Unchanged
from newscrawl.run import EXIT_FAILED, Run
from newscrawl.signals import page_rejected
from newscrawl.workers import peak_rss

logger = logging.getLogger(__name__)

#: Close reasons that mean the run could not do its job at all.
FAILED_REASONS = {"no_base_url", "site_unreachable"}
#: Close reasons of the limits a user sets (Scrapy's CloseSpider): the run did what it
#: was asked, and the next one goes on from there.
LIMIT_REASONS = {
    "closespider_itemcount",
    "closespider_pagecount",
    "closespider_timeout",
    "closespider_timeout_no_item",
}


class RunReport:
    """Record rejects as they happen; judge and summarise the run when it ends."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.max_error_ratio = settings.getfloat("NEWSCRAWL_MAX_ERROR_RATIO", 0.2)
        # One worker of a shared crawl may find nothing left to do: only local runs judge that.
        self.expect_articles = settings.getbool("NEWSCRAWL_EXPECT_ARTICLES", True) and not (
            settings.get("NEWSCRAWL_REDIS_URL")
        )
        self.run: Run | None = None
        self._rejects: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.page_rejected, signal=page_rejected)
        crawler.signals.connect(ext.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.run = Run.of(self.crawler)

    # -- rejects ------------------------------------------------------------
    def record(
        self, url: str, stage: str, reason: str, detail: str = "", kind: str = "error"
    ) -> None:
        """Append one reject line and count it (``newscrawl/rejected/...``)."""
        if self._rejects is None:
            assert self.run is not None
            self._rejects = open(self.run.rejects_path, "a", encoding="utf-8")  # noqa: SIM115
        entry = {
            "url": url,
            "stage": stage,
            "reason": reason,
            "kind": kind,
            "detail": detail[:500],
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self._rejects.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._rejects.flush()
        self.stats.inc_value("newscrawl/rejected")
        self.stats.inc_value(f"newscrawl/rejected/{kind}")
        self.stats.inc_value(f"newscrawl/rejected/{stage}/{reason.split(':')[0]}")
        logger.info("Rejected %s at %s: %s %s", url, stage, reason, detail[:200])

    def item_dropped(
        self, item: Any, response: Response, exception: BaseException, spider: Any
    ) -> None:
        if isinstance(exception, Rejected):
            self.record(
                exception.url, exception.stage, exception.reason, exception.detail, exception.kind
            )
        elif isinstance(exception, Unchanged):
            return  # (no reject: counted as unchanged)
        else:
            url = getattr(response, "url", "") or str(getattr(item, "get", lambda _k: "")("url"))
            if isinstance(exception, OverItemLimit):
                self.record(url, "limit", "over-item-limit", str(exception), kind="skip")
            else:
                self.record(url, "pipeline", type(exception).__name__, str(exception))

    def page_rejected(
        self, url: str, stage: str, reason: str, detail: str = "", kind: str = "error", **_: Any
    ) -> None:
        self.record(url, stage, reason, detail, kind)

    def request_dropped(self, request: Request, spider: Any) -> None:
        """An article request the scheduler refused: a redirect back to a URL already seen."""
        if "newscrawl" not in request.meta:
            return
        chain = request.meta.get("redirect_urls", [])
        url = chain[0] if chain else request.url
        if request.url in chain:
            self.record(url, "fetch", "redirect-loop", " -> ".join([*chain, request.url]))
        else:
            self.record(url, "fetch", "redirect-to-known", request.url, kind="skip")

    def request_scheduled(self, request: Request, spider: Any) -> None:
        """An article that redirects to another host: Scrapy's offsite filter drops
        the redirected request without a word (no errback, no signal), so say it here."""
        chain = request.meta.get("redirect_urls")
        allowed = getattr(spider, "allowed_domains", None)
        if not chain or "newscrawl" not in request.meta or not allowed or request.dont_filter:
            return
        host = urlsplit(request.url).hostname or ""
        if not any(host == d or host.endswith(f".{d}") for d in allowed):
            self.record(chain[0], "fetch", "redirect-offsite", " -> ".join([*chain, request.url]))

    def spider_error(self, failure: Failure, response: Response, spider: Any) -> None:
        self.record(response.url, "spider", type(failure.value).__name__, failure.getErrorMessage())

    # -- the end --------------------------------------------------------------
    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._rejects is not None:
            self._rejects.close()
        elif self.run is not None:
            self.run.rejects_path.touch()  # (always written, as the summary names it)
        summary = self.judge(reason)
        self.stats.set_value("newscrawl/exit_code", summary["exit_code"])
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.stats.set_value("newscrawl/cpu_seconds", round(usage.ru_utime + usage.ru_stime, 3))
        self.stats.set_value("newscrawl/peak_rss", peak_rss())
        if summary["status"] == "stopped":
            why = f" (stopped: {reason}; the next run goes on from here)"
        else:
            why = f" ({'; '.join(summary['problems'])})" if summary["problems"] else ""
        logger.log(
            logging.ERROR
            if summary["status"] == "failed"
            else logging.WARNING
            if summary["status"] == "stopped"
            else logging.INFO,
            "newscrawl %(spider)s %(status)s: fetched=%(fetched)d new=%(new)d changed=%(changed)d "
            "unchanged=%(unchanged)d rejected=%(rejected)d errors=%(errors)d "
            "duration=%(duration).1fs%(why)s",
            {**summary, "why": why},
        )
        if self.run is not None:
            payload = {"summary": summary, "stats": _jsonable(self.stats.get_stats())}
            self.run.stats_path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
            self.run.state.run_finished(self.run.run_id, summary["status"], json.dumps(summary))
            self.run.close()

    def judge(self, reason: str) -> dict[str, Any]:
        """The run's figures and whether it failed (and why)."""
        get = self.stats.get_value
        fetched = int(get("newscrawl/pages", 0))
        errors = int(get("newscrawl/rejected/error", 0))
        new = int(get("newscrawl/new", 0))
        changed = int(get("newscrawl/changed", 0))
        unchanged = int(get("newscrawl/unchanged", 0))
        problems: list[str] = []
        signal_number = get("newscrawl/signal")
        interrupted = reason == "shutdown" and signal_number is not None
        if reason in FAILED_REASONS:
            problems.append(reason.replace("_", " "))
        elif reason not in ("finished", *LIMIT_REASONS) and not interrupted:
            problems.append(f"closed: {reason}")
        attempts = max(int(get("newscrawl/requested", 0)), fetched)
        if errors and errors > self.max_error_ratio * max(attempts, 1):
            problems.append(f"{errors} errors out of {attempts} pages")
        complete = reason == "finished"
        if self.expect_articles and complete and not problems and new + changed + unchanged == 0:
            problems.append("no articles found")
        status = "failed" if problems else "ok" if complete else "stopped"
        exit_code = EXIT_FAILED if problems else 0
        if interrupted and not problems:
            exit_code = 128 + int(signal_number)  # (as shells give it: 130, 143)
        start = get("start_time")
        duration = (datetime.now(timezone.utc) - start).total_seconds() if start else 0.0
        return {
            "spider": self.run.spider if self.run else "?",
            "run_id": self.run.run_id if self.run else None,
            "status": status,
            "exit_code": exit_code,
            "problems": problems,
            "close_reason": reason,
            "fetched": fetched,
            "new": new,
            "changed": changed,
            "unchanged": unchanged,
            "skipped_before": int(get("newscrawl/skipped_before", 0)),
            "rejected": int(get("newscrawl/rejected", 0)),
            "errors": errors,
            "duration": duration,
            "output": str(self.run.items_path) if self.run and new + changed else None,
            "rejects": str(self.run.rejects_path) if self.run else None,
        }


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in stats.items()}
