"""Log formatting: a dropped page is one line (its reject record says the rest)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter


class LogFormatter(logformatter.LogFormatter):
    """Scrapy's formatter, without dumping the whole dropped item (it holds the raw HTML)."""

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        return {
            "level": getattr(logging, str(getattr(exception, "log_level", None) or "INFO")),
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }
