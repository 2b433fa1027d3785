"""``scrapy crawl``, with the run lock taken first and a cron-friendly exit status.

Exit status: 0 the run succeeded, or stopped at a limit the user set
(``CLOSESPIDER_*``); 1 it failed (site unreachable, no address, too many errors, no
articles: see the summary line and the stats JSON); 130 / 143 it was stopped by SIGINT /
SIGTERM (the next run goes on); 75 another run of the same spider is still running;
2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
from pathlib import Path
from typing import Any, cast

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from newscrawl.distributed import DistributedError, check
from newscrawl.run import EXIT_FAILED, EXIT_LOCKED, RunLock, RunLocked, new_run_id

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider (one run per spider at a time; exit status says how it went)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process and self.settings is not None
        if url := self.settings.get("NEWSCRAWL_REDIS_URL"):
            try:
                check(url)
            except DistributedError as exc:
                self._failed_to_start(args[0], str(exc))
                return
        crawler = self._create_crawler(args[0])
        state_dir = Path(crawler.settings.get("NEWSCRAWL_STATE_DIR", "state"))
        try:
            lock = RunLock.acquire(state_dir / f"{crawler.spidercls.name}.lock")
        except RunLocked as exc:
            logger.error("Not starting %s: %s", crawler.spidercls.name, exc)
            print(f"newscrawl: {crawler.spidercls.name} is already running: {exc}", flush=True)
            self.exitcode = EXIT_LOCKED
            return
        try:
            self.crawler_process.crawl(crawler, **opts.spargs)
            from twisted.internet import reactor

            # (Scrapy installs its shutdown handlers once the reactor has started)
            cast(Any, reactor).callLater(0, _note_signals, crawler)
            self.crawler_process.start()
        finally:
            lock.release()
        code = crawler.stats.get_value("newscrawl/exit_code") if crawler.stats else None
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_FAILED
        elif code is not None:
            self.exitcode = int(code)

    def _failed_to_start(self, spider: str, problem: str) -> None:
        """A run that cannot start: one ERROR line, its stats file, exit 1."""
        logger.error("newscrawl %s failed to start: %s", spider, problem)
        assert self.settings is not None
        output_dir = Path(self.settings.get("NEWSCRAWL_OUTPUT_DIR", "output")) / spider
        output_dir.mkdir(parents=True, exist_ok=True)
        run_id = new_run_id(output_dir)
        summary = {"spider": spider, "run_id": run_id, "status": "failed", "exit_code": EXIT_FAILED,
                   "problems": [problem], "output": None}  # fmt: skip
        (output_dir / f"{run_id}.stats.json").write_text(
            json.dumps({"summary": summary, "stats": {}}, indent=2) + "\n", encoding="utf-8"
        )
        self.exitcode = EXIT_FAILED


def _note_signals(crawler: Crawler) -> None:
    """Record SIGINT or SIGTERM in the stats (``newscrawl/signal``) before Scrapy's own
    handler shuts the crawl down: the run then exits 130 or 143, as shells do."""
    for number in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(number)

        if not callable(previous):
            continue  # (Scrapy's handlers not installed: nothing to stop gracefully)

        def handler(signum: int, frame: Any, previous: Any = previous) -> None:
            if crawler.stats is not None and crawler.stats.get_value("newscrawl/signal") is None:
                crawler.stats.set_value("newscrawl/signal", signum)
            previous(signum, frame)

        signal.signal(number, handler)
