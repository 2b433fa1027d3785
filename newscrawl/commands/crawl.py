"""``scrapy crawl``, with the run lock taken first and a cron-friendly exit status.

Exit status: 0 the run succeeded; 1 it failed (site unreachable, no address,
too many errors, no articles: see the summary line and the stats JSON);
75 another run of the same spider is still running; 2 usage errors.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.run import EXIT_FAILED, EXIT_LOCKED, RunLock, RunLocked

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider (one run per spider at a time; exit status says how it went)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process and self.settings is not None
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
            self.crawler_process.start()
        finally:
            lock.release()
        code = crawler.stats.get_value("newscrawl/exit_code") if crawler.stats else None
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_FAILED
        elif code is not None:
            self.exitcode = int(code)
