"""newscrawl's own signals (see Scrapy's ``scrapy.signals``).

``page_rejected(url, stage, reason, detail, spider)``: a page was fetched or
tried but gave no item; the run report records it in the rejects file.
"""

from __future__ import annotations

page_rejected = object()
