"""``scrapy parse``, for debugging one page: nothing written to ``output/`` or the state.

``scrapy parse --spider=gqn URL`` shows the article the crawl would extract from URL (the
spider's default callback extracts it); with ``--pipelines`` the item also goes through
the extraction and policy pipelines. The run report, the incremental state, the output
file and site templates are off: a debugging command leaves no run behind.
"""

from __future__ import annotations

import argparse

from scrapy.commands.parse import Command as ScrapyParseCommand


class Command(ScrapyParseCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set("EXTENSIONS", {"newscrawl.extensions.RunReport": None}, "cmdline")
        self.settings.set(
            "ITEM_PIPELINES",
            {
                "newscrawl.pipelines.DedupPipeline": None,
                "newscrawl.pipelines.IncrementalPipeline": None,
                "newscrawl.pipelines.OutputPipeline": None,
            },
            "cmdline",
        )
        self.settings.set("NEWSCRAWL_SITE_TEMPLATES", False, "cmdline")
